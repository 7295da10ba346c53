"""Parse an error-code page (Docusaurus HTML, or Markdown rendered to HTML) into a :class:`Page`.

One code path serves both formats: Markdown is first rendered to HTML with
markdown-it-py, then the same BeautifulSoup walk reads the headings, bullets
and tables. The walk is driven by what the page says, not by class names:

* a heading ``-NNNN NAME`` starts an error code; its bullets (or, failing
  those, its paragraphs) are the messages, except those that describe the
  code rather than quote a message, which are its notes (:func:`is_note`); a
  heading whose free text reads as a sentence (``-2021 Order cancel-replace
  partially failed``) gives that text as the code's first message;
* the nearest heading above it that is not a code is its section;
* a table after the first code is a message table, titled by the heading
  above it; a note that links to it (``Potential error messages can be found
  in [Filter Failures](#filter-failures)``) binds its code to it too;
* the codes' region ends at the first heading above the section level (the
  zh-CN half of a bilingual capture, or the next page of a composite one).

The parser is tolerant of cosmetic drift but never silent: a page with no code
headings, a heading that starts like a code but is not one, or a control
character in the text is a :class:`~scraper.exceptions.PageError`.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction
from markdown_it import MarkdownIt

from scraper.exceptions import PageError
from scraper.model import Alias, ErrorEntry, MessageTable, Page, TableRow

FORMATS = ("html", "markdown")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
NOISE = ("script", "style", "noscript", "template", "nav", "button", "svg", "head", "footer")
CONTENT_ROOTS = ("div.theme-doc-markdown", "article", "main", "body")

CODE_TOKEN = re.compile(r"-(\S+)")
CODE_NUMBER = re.compile(r"(\d{3,5})[:.]?")
RANGE_LABEL = re.compile(r"\d+[xX]+")
UPPER_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
DATE = r"(\d{4}-\d{2}-\d{2})"
LAST_UPDATED = re.compile(r"Last\s+Updated\s*:?\s*\(?\s*" + DATE, re.IGNORECASE)
TITLE_DATE = re.compile(r"\(\s*" + DATE + r"\s*\)\s*$")
CODE_REFERENCE = re.compile(r"(?<![\w-])-(\d{3,5})\b")
CODE_PARAGRAPH = re.compile(r"-\d{3,5}(?:\s+[A-Z][A-Z0-9_]*)?")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
QUOTES = '"\u201c\u201d'
QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]*)[\"\u201d]")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n", re.DOTALL)
FILTER_FAILURE = "Filter failure"
FILTER_FAILURE_CODES = (-1013,)
NOTE_OPENINGS = (
    "This code is sent when",
    "This indicates",
    "This replaces error code",
    "Potential error messages can be found",
)
NOTE_PHRASES = ("(i.e. ", "it will throw an error")
SLUG_DROPPED = re.compile(r"[^\w\- ]")
HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
TABLE_DELIMITER = re.compile(r" {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*")
BLOCK_START = re.compile(r" {0,3}(#|```|~~~|[-=]{3,}\s*$)")


# -- entry points ---------------------------------------------------------------


def parse_document(text: str, fmt: str | None, origin: str) -> Page:
    """Parse page text in ``fmt`` (``html``, ``markdown``, or ``None`` to detect it)."""
    fmt = fmt or detect_format(text, origin)
    check_text(text, origin)
    if fmt == "markdown":
        return parse_html(markdown_to_html(text), origin)
    if fmt == "html":
        return parse_html(strip_wrapper(text), origin)
    raise PageError(origin, f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def detect_format(text: str, origin: str) -> str:
    """``html`` when the text holds an HTML document near its start, else ``markdown``."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if not head:
        raise PageError(origin, "empty document; expected an HTML or Markdown error-code page")
    if head[0] in "{[":
        raise PageError(origin, "looks like JSON; expected an HTML or Markdown error-code page")
    return "html" if HTML_START.search(head) else "markdown"


def check_text(text: str, origin: str) -> None:
    """Refuse empty text, and control characters, raw or as ``&#...;`` references (see README).

    Control characters are C0 but tab, LF and CR; DEL; and C1. A numeric
    reference to one (``&#27;``), to a surrogate or past U+10FFFF is refused
    too: lxml would pass the character on, markdown-it would swap in U+FFFD.
    """
    if not text.strip():
        raise PageError(origin, "empty document; expected an HTML or Markdown error-code page")
    found = CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise PageError(
            origin,
            f"control character U+{ord(found.group()):04X} on line {line};"
            " expected text without control characters",
        )
    for reference in CHARACTER_REFERENCE.finditer(text):
        hex_digits, decimal = reference.groups()
        number = int(hex_digits, 16) if hex_digits else int(decimal)
        if number > 0x10FFFF or 0xD800 <= number <= 0xDFFF or CONTROL.match(chr(number)):
            line = text.count("\n", 0, reference.start()) + 1
            raise PageError(
                origin,
                f"character reference {reference.group()!r} on line {line} stands for"
                f" U+{number:04X}; expected text without control characters",
            )


def strip_wrapper(text: str) -> str:
    """Drop anything a capture put before ``<!doctype html>`` (a saved page's header)."""
    found = HTML_START.search(text)
    return text[found.start() :] if found else text


def markdown_to_html(text: str) -> str:
    """Render Markdown (CommonMark with tables and inline HTML) to HTML."""
    text = FRONT_MATTER.sub("", text.lstrip("\ufeff"), count=1)
    text = join_table_continuations(text)
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    return str(renderer.render(text))


def join_table_continuations(text: str) -> str:
    """Fold the lines that continue a table cell back into their row, joined by ``<br>``.

    Pages converted from HTML to Markdown (the bilingual captures) write a
    cell's ``<br>`` as a hard line break, so a multi-line description spills
    onto lines of its own. Lines right below a row (which CommonMark would read
    as one-cell rows) belong to that row; so does a run of lines after a
    whitespace-only line (which would end the table and drop every row below
    it) when another row of the same table follows. A continuation line has no
    pipe, is not empty and does not start a block.
    """
    lines = text.split("\n")
    out: list[str] = []
    in_table = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if not in_table or "|" in line:
            in_table = in_table or bool(
                out and "|" in out[-1] and TABLE_DELIMITER.fullmatch(line.rstrip("\r"))
            )
            out.append(line)
            index += 1
            continue
        end = index
        while end < len(lines) and is_cell_continuation(lines[end]):
            end += 1
        if not continues_table(lines, end):
            in_table = False
            end = index
            while end < len(lines) and is_cell_continuation(lines[end]) and lines[end].strip():
                end += 1
        pieces = (piece.strip() for piece in lines[index:end])
        out[-1] = out[-1].rstrip() + "".join(f"<br>{piece}" for piece in pieces)
        index = end
    return "\n".join(out)


def is_cell_continuation(line: str) -> bool:
    """A line that may carry on the cell above: not empty, no pipe, not a block's start."""
    return line.rstrip("\r") != "" and "|" not in line and not BLOCK_START.match(line)


def continues_table(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` is a row of the current table, not the header of a new one."""
    if index >= len(lines) or "|" not in lines[index]:
        return False
    following = lines[index + 1].rstrip("\r") if index + 1 < len(lines) else ""
    return TABLE_DELIMITER.fullmatch(following) is None


def parse_html(html: str, origin: str) -> Page:
    """Parse an HTML error-code page into a :class:`Page`."""
    root = content_root(BeautifulSoup(html, "lxml"))
    blocks = list(iter_blocks(root))
    builder = PageBuilder(origin)
    for block in region(blocks, origin):
        builder.add(block)
    return builder.page(last_updated(blocks))


# -- the document as a flat list of blocks -------------------------------------


@dataclass(frozen=True)
class Block:
    """A heading, list, paragraph or table, in document order."""

    kind: str  # "heading", "list", "paragraph", "table"
    element: Tag
    level: int = 0
    text: str = ""


@dataclass(frozen=True)
class CodeHeading:
    """What a ``-NNNN NAME`` heading says."""

    code: int
    rest: str


def content_root(soup: BeautifulSoup) -> Tag:
    """The element holding the page's own text, with chrome and hash links removed."""
    for tag in soup.find_all(NOISE):
        tag.decompose()
    for link in soup.find_all("a"):
        if not link.decomposed and is_hash_link(link):
            link.decompose()
    for selector in CONTENT_ROOTS:
        found = soup.select_one(selector)
        if found is not None:
            return found
    return soup


def is_hash_link(link: Tag) -> bool:
    """A heading's permalink: Docusaurus's ``a.hash-link`` or a Markdown ``[\u200b](#...)``.

    A link around headings, lists or tables (an unclosed quote in its tag can
    swallow half a page) is not a permalink, whatever its class says.
    """
    if link.find([*HEADINGS, "ul", "ol", "p", "table"]) is not None:
        return False
    if "hash-link" in (link.get("class") or []):
        return True
    text = link.get_text().replace("\u200b", "").strip()
    return not text and "#" in str(link.get("href") or "")


def iter_blocks(root: Tag) -> Iterator[Block]:
    """Headings, outermost lists, paragraphs outside lists, and tables, in order."""
    for element in root.find_all([*HEADINGS, "ul", "ol", "p", "table"]):
        if element.find_parent("table") is not None:
            continue
        if element.name in HEADINGS:
            yield Block(
                "heading", element, int(element.name[1]), inline_text(element, breaks=False)
            )
        elif element.name == "table":
            yield Block("table", element)
        elif element.find_parent(["ul", "ol"]) is None:
            yield Block("list" if element.name in ("ul", "ol") else "paragraph", element)


def region(blocks: list[Block], origin: str) -> Iterator[Block]:
    """The blocks from the first code's section to the end of the codes' region."""
    first = next((i for i, b in enumerate(blocks) if code_heading(b, origin)), None)
    if first is None:
        raise PageError(
            origin, "no error-code headings found; expected headings like '-1000 UNKNOWN'"
        )
    section_level = enclosing_level(blocks, first)
    start = first
    for i in range(first - 1, -1, -1):
        if blocks[i].kind == "heading" and blocks[i].level <= section_level:
            start = i
            break
    yield from blocks[start:first]
    latin = not CJK.search(blocks[start].text + blocks[first].text)
    for block in blocks[first:]:
        if block.kind == "heading" and ends_region(block, section_level, latin, origin):
            return
        yield block


def enclosing_level(blocks: list[Block], index: int) -> int:
    """The level of the nearest non-code heading above ``blocks[index]`` that encloses it."""
    level = blocks[index].level
    for block in reversed(blocks[:index]):
        if block.kind == "heading" and block.level < level:
            return block.level
    return level


def ends_region(block: Block, section_level: int, latin: bool, origin: str) -> bool:
    """Whether a heading after the first code ends the codes' region.

    A heading above the section level ends it; so does a CJK section heading
    in a page that began in English (a bilingual capture's zh-CN half).
    """
    if code_heading(block, origin):
        return False
    if block.level < section_level:
        return True
    return latin and block.level <= section_level and bool(CJK.search(block.text))


# -- reading the blocks --------------------------------------------------------


@dataclass
class PageBuilder:
    """Accumulates codes, sections and tables while the blocks go by."""

    origin: str
    headings: list[tuple[int, str]] = field(default_factory=list)
    entries: dict[int, ErrorEntry] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    tables: list[MessageTable] = field(default_factory=list)
    current: int | None = None
    current_name: str | None = None
    current_heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    has_list: bool = False
    intro: list[str] = field(default_factory=list)
    references: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)
    pending_anchors: list[str] = field(default_factory=list)
    paragraph_elements: list[tuple[str, Tag]] = field(default_factory=list)

    def add(self, block: Block) -> None:
        if block.kind == "heading":
            self.add_heading(block)
        elif block.kind == "list":
            items = block.element.find_all("li", recursive=False)
            texts = [inline_text(li) for li in items]
            if self.current is not None:
                for li, text in zip(items, texts):
                    self.add_reference_links(text, li)
                self.add_messages(texts)
            else:
                self.intro.extend(texts)
            self.has_list = True
        elif block.kind == "paragraph":
            text = inline_text(block.element)
            self.refuse_code_paragraph(text)
            self.pending_anchors += element_ids(block.element)
            if self.current is not None:
                self.add_paragraph(text, block.element)
            else:
                self.intro.append(text)
        elif block.kind == "table" and self.order:
            self.add_table(block.element)

    def add_reference_links(self, text: str, element: Tag) -> None:
        """Keep the links of a note (fragment, link text): they may name message tables."""
        if self.current is None or not is_note(text):
            return
        links = self.references.setdefault(self.current, [])
        for link in element.find_all("a", href=True):
            fragment = urllib.parse.unquote(str(link["href"]).partition("#")[2])
            links.append((fragment, inline_text(link, breaks=False)))

    def add_heading(self, block: Block) -> None:
        self.flush_paragraphs()
        nested = block.element.find([*HEADINGS, "ul", "ol", "p", "table"])
        if nested is not None:
            raise PageError(
                self.origin,
                f"heading {block.text[:80]!r} contains a <{nested.name}>;"
                " expected headings that hold only text (is a tag left unclosed?)",
            )
        parsed = code_heading(block, self.origin)
        if parsed is None:
            self.current, self.intro = None, []
            while self.headings and self.headings[-1][0] >= block.level:
                self.headings.pop()
            self.headings.append((block.level, block.text))
            self.pending_anchors += [*element_ids(block.element), slug_of_heading(block.text)]
            return
        self.pending_anchors = []
        self.start_code(parsed, block.level)
        self.current_heading = block.text

    def start_code(self, parsed: CodeHeading, level: int) -> None:
        name, title = derive_name(parsed.code, parsed.rest)
        self.current, self.current_name, self.has_list = parsed.code, name, False
        existing = self.entries.get(parsed.code)
        if existing is None:
            section = self.section_for(level)
            self.entries[parsed.code] = ErrorEntry(parsed.code, name, section, (), title)
            self.order.append(parsed.code)
            if title is not None and title_is_message(title):
                self.add_messages([title])
        elif existing.name != name and all(a.name != name for a in existing.aliases):
            self.entries[parsed.code] = replace_aliases(
                existing, (*existing.aliases, Alias(name, ()))
            )

    def section_for(self, level: int) -> str:
        """The nearest enclosing non-code heading; the page title if there is no other."""
        for heading_level, text in reversed(self.headings):
            if heading_level < level:
                return text
        return self.headings[-1][1] if self.headings else ""

    def add_messages(self, texts: list[str]) -> None:
        """Add the texts under the current heading: notes to the code, the rest as messages."""
        if self.current is None:
            return
        entry = self.entries[self.current]
        notes = tuple(t for t in texts if t and is_note(t) and t not in entry.notes)
        if notes:
            entry = replace(entry, notes=entry.notes + notes)
            self.entries[self.current] = entry
        fresh = tuple(m for m in texts if m and not is_note(m))
        if self.current_name == entry.name:
            merged = entry.messages + tuple(m for m in fresh if m not in entry.messages)
            self.entries[self.current] = replace(entry, messages=merged)
            return
        aliases = tuple(
            Alias(a.name, a.messages + tuple(m for m in fresh if m not in a.messages))
            if a.name == self.current_name
            else a
            for a in entry.aliases
        )
        self.entries[self.current] = replace_aliases(entry, aliases)

    def add_paragraph(self, text: str, element: Tag) -> None:
        if not self.has_list and text:
            self.paragraphs.append(text)
            self.paragraph_elements.append((text, element))

    def flush_paragraphs(self) -> None:
        """A code with no bullets keeps its paragraphs as messages (or notes)."""
        if self.paragraphs and not self.has_list:
            for text, element in self.paragraph_elements:
                self.add_reference_links(text, element)
            self.add_messages(self.paragraphs)
        self.paragraphs = []
        self.paragraph_elements = []

    def add_table(self, table: Tag) -> None:
        self.flush_paragraphs()
        if self.current is not None:
            title = self.current_heading
        else:
            title = self.headings[-1][1] if self.headings else "Messages"
        self.current = None
        rows = table_rows(table)
        anchors, self.pending_anchors = self.pending_anchors, []
        if rows:
            context = " ".join([title, *self.intro]) if not CODE_REFERENCE.search(title) else title
            found = classify_table(title, context, rows, {t.id for t in self.tables})
            self.tables.append(found)
            for anchor in anchors:
                self.anchors.setdefault(anchor, found.id)

    def refuse_code_paragraph(self, text: str) -> None:
        """A paragraph that reads ``-NNNN NAME`` and nothing else is a heading that lost its tag.

        Read as text, it would silently hand its code's bullets to the code
        above. No paragraph of any real page (17 captures of 10 products, 110
        Spot, Spot testnet and Spot zh-CN history files) looks like this; the
        list items naming codes above the message tables (``* -1010
        ERROR_MSG_RECEIVED``) are not paragraphs.
        """
        if CODE_PARAGRAPH.fullmatch(text):
            after = f" after code {self.order[-1]}" if self.order else ""
            raise PageError(
                self.origin,
                f"paragraph {text[:80]!r}{after} reads like a code heading;"
                " expected codes as headings (has the page's markup changed?)",
            )

    def bind_referenced_tables(self) -> list[MessageTable]:
        """The tables, each also bound to the codes whose notes link to it.

        A note's link names a table by its fragment (``#filter-failures``): the
        id of an element (``<a id="other-errors">``, a heading's ``id``) or the
        slug of a heading (:func:`slug_of_heading`) that comes before the table
        with no code heading in between. Failing that, by its text: the table
        whose title is the link text, ignoring case and spacing. A link that
        names no table binds nothing.
        """
        by_title = {" ".join(t.title.lower().split()): t.id for t in self.tables}
        bound: dict[str, list[int]] = {}
        for code in self.order:
            for fragment, text in self.references.get(code, ()):
                table_id = self.anchors.get(fragment) or by_title.get(
                    " ".join(text.lower().split())
                )
                if table_id is not None:
                    bound.setdefault(table_id, []).append(code)
        return [
            replace(t, codes=tuple(dict.fromkeys((*t.codes, *bound.get(t.id, ())))))
            for t in self.tables
        ]

    def refuse_lost_messages(self, entries: list[ErrorEntry]) -> None:
        """Refuse a page whose codes mostly have no message: the lists are gone, not the text.

        On every real page (17 captures of 10 products with 47 to 243 codes,
        and 110 Spot, Spot testnet and Spot zh-CN history files) every code has
        at least one message. A code without one is rare (documented before
        its text, say); many are a page whose lists were lost. Refused: more
        than a tenth of the codes (and at least two) without a message, or
        every code.
        """
        bare = [
            e.code
            for e in entries
            if not e.messages and not e.notes and not any(a.messages for a in e.aliases)
        ]
        if bare and (len(bare) == len(entries) or len(bare) > max(1, len(entries) // 10)):
            raise PageError(
                self.origin,
                f"{len(bare)} of {len(entries)} codes have no message (first: {bare[0]});"
                " expected each code's messages as a list or paragraphs under its heading",
            )

    def page(self, updated: str | None) -> Page:
        self.flush_paragraphs()
        entries = resolve_name_clashes([self.entries[code] for code in self.order])
        self.refuse_lost_messages(entries)
        return Page(tuple(entries), tuple(self.bind_referenced_tables()), updated)


def replace_aliases(entry: ErrorEntry, aliases: tuple[Alias, ...]) -> ErrorEntry:
    return replace(entry, aliases=aliases)


def is_note(text: str) -> bool:
    """Whether a bullet under a code describes the code rather than quotes a message.

    Such text becomes one of the code's ``notes``, never a message template.
    The rules, checked on the text as a reader sees it (case-sensitive):

    * it starts with one of :data:`NOTE_OPENINGS`: ``This code is sent when``
      (Spot ``-2021``), ``This indicates`` (futures ``-2022``, ``-4112``),
      ``This replaces error code`` (margin and wallet ``-1099``),
      ``Potential error messages can be found`` (Spot ``-1013``);
    * or it holds one of :data:`NOTE_PHRASES`: an explanation in brackets,
      ``(i.e. `` (Spot ``-1013``: ``The request is rejected by the API. (i.e.
      The request didn't reach the Matching Engine.)``), or says when the error
      is raised, ``it will throw an error`` (Spot ``-1160``).

    These are all the descriptive bullets of every capture and every Spot
    and Spot Testnet revision 2020-2026 (``tests/test_parse.py`` lists them).
    """
    return text.startswith(NOTE_OPENINGS) or any(phrase in text for phrase in NOTE_PHRASES)


def title_is_message(title: str) -> bool:
    """Whether a code heading's free text reads as a message rather than a name.

    True for text with a space and a lower-case letter and no underscore:
    ``Order cancel-replace partially failed``, ``Request Throttled``; false
    for names written otherwise (``TOO MANY REQUESTS``,
    ``Exceed_Maximum_Modify_Order_Limit``, ``class``).
    """
    return " " in title and "_" not in title and any(c.islower() for c in title)


def element_ids(element: Tag) -> list[str]:
    """The ``id`` attributes of an element and of everything inside it, in order."""
    ids = [element.get("id")] + [tag.get("id") for tag in element.find_all(id=True)]
    return [str(value) for value in ids if value]


def slug_of_heading(text: str) -> str:
    """The anchor GitHub and Docusaurus give a heading: ``Filter failures`` -> ``filter-failures``.

    Lower case, characters other than word characters, hyphens and spaces
    dropped, each space a hyphen.
    """
    return SLUG_DROPPED.sub("", text.lower()).replace(" ", "-")


def code_heading(block: Block, origin: str) -> CodeHeading | None:
    """The code a heading announces, ``None`` for other headings; malformed ones raise."""
    if block.kind != "heading":
        return None
    found = CODE_TOKEN.match(block.text)
    if found is None or not found.group(1)[0].isdigit():
        return None
    token = found.group(1)
    number = CODE_NUMBER.fullmatch(token)
    if number is None:
        if RANGE_LABEL.fullmatch(token):
            return None
        raise PageError(
            origin,
            f"heading {block.text[:80]!r} starts like an error code but {'-' + token[:20]!r}"
            " is not one; expected '-' and 3 to 5 digits",
        )
    return CodeHeading(-int(number.group(1)), block.text[found.end() :].strip())


def derive_name(code: int, rest: str) -> tuple[str, str | None]:
    """The enum name for a heading's text, and the free text when the name was derived."""
    if UPPER_NAME.fullmatch(rest):
        return rest, None
    ascii_text = unicodedata.normalize("NFKD", rest).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").upper()
    if not name:
        name = f"ERROR_{abs(code)}"
    elif name[0].isdigit():
        name = f"E_{name}"
    return name, rest or None


def resolve_name_clashes(entries: list[ErrorEntry]) -> list[ErrorEntry]:
    """Give every enum name one code: a later code reusing a name gets ``_<digits>``."""
    taken: dict[str, int] = {}
    resolved = []
    for entry in entries:
        name = unique_name(entry.name, entry.code, taken)
        aliases = tuple(
            Alias(unique_name(a.name, entry.code, taken), a.messages) for a in entry.aliases
        )
        resolved.append(replace(entry, name=name, aliases=aliases))
    return resolved


def unique_name(name: str, code: int, taken: dict[str, int]) -> str:
    """``name``; else ``name_<digits>``; else ``name_<digits>_2``, ``_3``... (first free one)."""
    candidate = name
    if taken.get(candidate, code) != code:
        candidate = f"{name}_{abs(code)}"
        counter = 2
        while taken.get(candidate, code) != code:
            candidate, counter = f"{name}_{abs(code)}_{counter}", counter + 1
    taken.setdefault(candidate, code)
    return candidate


# -- tables --------------------------------------------------------------------


def table_rows(table: Tag) -> list[TableRow]:
    """Rows of a two-column message table; header rows and empty rows are skipped."""
    rows = []
    for tr in table.find_all("tr"):
        cells = tr.find_all(["td", "th"], recursive=False)
        if not cells or all(cell.name == "th" for cell in cells):
            continue
        texts = [inline_text(cell) for cell in cells] + ["", ""]
        message, description = texts[0], texts[1]
        for variant in split_quoted(message):
            if variant or description:
                rows.append(TableRow(variant, description))
    return rows


def split_quoted(cell: str) -> list[str]:
    """The message(s) in a cell: ``"A." / "B."`` gives two; stray quotes are dropped."""
    quoted = QUOTED.findall(cell)
    leftover = QUOTED.sub("", cell)
    if quoted and re.fullmatch(r"[\s/.,;]*", leftover):
        return [q.strip() for q in quoted]
    return [cell.strip().strip(QUOTES).strip()]


def classify_table(title: str, context: str, rows: list[TableRow], taken: set[str]) -> MessageTable:
    """Name a table by what it holds, so a renamed heading keeps its id.

    ``context`` is the text that names the table's codes: its title, or the
    title and the paragraphs above the table when the title names none.
    """
    codes = tuple(dict.fromkeys(-int(n) for n in CODE_REFERENCE.findall(context)))
    filters = sum(row.message.startswith(FILTER_FAILURE) for row in rows)
    if filters * 2 > len(rows):
        table_id, codes = "filter_failures", codes or FILTER_FAILURE_CODES
    elif -2010 in codes or -1010 in codes:
        table_id = "order_rejections"
    else:
        table_id = slug(title, "_")[:40].strip("_") or "messages"
        if not table_id[0].isalpha():
            table_id = f"table_{table_id}"  # ids are identifiers: '-1008 X' must not start one
    unique = table_id
    counter = 2
    while unique in taken:
        unique, counter = f"{table_id}_{counter}", counter + 1
    return MessageTable(unique, title, codes, tuple(rows))


def slug(text: str, separator: str = "-") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)


# -- text ----------------------------------------------------------------------


SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def inline_text(element: Tag, breaks: bool = True) -> str:
    """Text as a reader sees it: tags unwrapped, whitespace collapsed, ``<br>`` a newline."""
    parts: list[str] = []
    for node in element.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                parts.append("\n" if breaks else " ")
        elif isinstance(node, NavigableString) and not isinstance(node, SKIPPED_STRINGS):
            parts.append(re.sub(r"\s+", " ", str(node)))
    lines = (re.sub(" +", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line).strip()


def last_updated(blocks: list[Block]) -> str | None:
    """The page's own "Last Updated" date, or the date in its title, if it gives one."""
    for block in blocks:
        if block.kind == "paragraph":
            found = LAST_UPDATED.search(inline_text(block.element))
            if found:
                return found.group(1)
    for block in blocks:
        if block.kind == "heading" and block.level == 1:
            dated = TITLE_DATE.search(block.text)
            return dated.group(1) if dated else None
    return None
