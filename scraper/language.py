"""Refuse a page that is not in English: Binance serves every page in several languages.

The package carries Binance's English messages, which are what the API sends.
The same page exists in other languages (``/docs/zh-CN/...``), and a redirect,
a mirror or a CDN can hand one of them to the update job at the English URL.
Such a page has the same codes, so the shrink guard does not see it, yet merging
it would rewrite the messages in another language. :func:`check_language`
refuses it (a :class:`~scraper.exceptions.PageError`, exit 5).

What the page declares is read first, in this order; the first that says
anything is the page's language:

1. ``<html lang>``;
2. Docusaurus' locale meta: ``og:locale``, then ``docusaurus_locale``;
3. the ``hreflang`` of the alternate link that points at the page itself (its
   ``rel=canonical`` link or ``og:url``); the other alternates only say which
   translations exist;
4. the permalinks of the code headings: ``/docs/zh-CN/...`` (more than half of
   the codes' first headings under one locale); Docusaurus gives the default
   locale, English, no segment.

A page that declares another language is refused. A page that declares
English, or nothing (Markdown), is still refused when the text of its codes is
in another script: more than :data:`MAX_FOREIGN_SHARE` of its codes have
:data:`MIN_FOREIGN_LETTERS` or more letters outside the Latin script in their
heading's title or messages.

Only the codes the parser read count (the English half of a bilingual
capture), so bilingual captures (English, then zh-CN) keep working.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from scraper.exceptions import PageError
from scraper.model import ErrorEntry, Page
from scraper.parse import HEADINGS, detect_format, markdown_to_html, parse_document, strip_wrapper

MAX_FOREIGN_SHARE = 0.25
"""The share of codes written in another script above which a page is refused.

Measured on every real page: no code of the English pages (the English
halves of the 22 captures, the 42 Spot and 24 Spot testnet revisions) has a
letter outside the Latin script (options' ``Invalid asset。`` has a CJK full
stop, which is punctuation, not a letter). Of the zh-CN pages, 97% to 100% of
the codes of the 44 zh-CN Spot revisions, and 94% to 100% of those of the
zh-CN halves of the bilingual captures, have CJK letters in their title or
messages (counting messages alone, as few as 15%: the zh-CN Spot page
translates its headings and keeps most messages in English). An English page
may quote foreign text in a few codes (the hostile test page does in 2 of
its 19, 11%). A quarter sits well above that and far below every zh-CN page.
"""

MIN_FOREIGN_LETTERS = 2
"""Letters outside the Latin script that make a code's text count as foreign."""

LOCALE_IN_PATH = re.compile(r"/docs/([a-z]{2}(?:-[A-Z]{2}|-[A-Z][a-z]{3})?)/")
"""A Docusaurus locale as the first segment after ``/docs/``: ``zh-CN``, ``ja``, ``zh-Hant``."""
CODE_HEADING = re.compile(r"\s*\\?-(\d{3,5})\b")


@dataclass(frozen=True)
class Language:
    """A language a page is written in, and the evidence for it."""

    name: str  # a language tag (``zh-CN``) or a script (``CJK script``)
    evidence: str  # what says so: ``<html lang="zh-CN">``

    @property
    def english(self) -> bool:
        """``en``, ``en-US``, ``en_GB``: English whatever the region."""
        return re.split(r"[-_]", self.name.strip().lower())[0] == "en"


def parse_english_document(text: str, fmt: str | None, origin: str) -> Page:
    """:func:`scraper.parse.parse_document`, refusing a page not in English (exit 5)."""
    page = parse_document(text, fmt, origin)
    check_language(text, fmt, page, origin)
    return page


def check_language(text: str, fmt: str | None, page: Page, origin: str) -> None:
    """Raise :class:`PageError` naming the language when ``page`` (from ``text``) is not English."""
    found = page_language(text, fmt, page, origin)
    if found is not None and not found.english:
        raise PageError(
            origin,
            f"the page is in {found.name} ({found.evidence}), not English;"
            " expected the English page (Binance serves each page in several languages)",
        )


def page_language(text: str, fmt: str | None, page: Page, origin: str) -> Language | None:
    """The language ``text`` declares, unless its codes are written in another script.

    ``None`` when the page declares nothing and its codes read as Latin text.
    """
    declared = declared_language(document_soup(text, fmt, origin), page)
    if declared is not None and not declared.english:
        return declared
    return code_script(page.errors) or declared


def document_soup(text: str, fmt: str | None, origin: str) -> BeautifulSoup:
    """The whole document as HTML (Markdown rendered as the parser renders it)."""
    if (fmt or detect_format(text, origin)) == "markdown":
        return BeautifulSoup(markdown_to_html(text), "lxml")
    return BeautifulSoup(strip_wrapper(text), "lxml")


# -- what the page declares ----------------------------------------------------


def declared_language(soup: BeautifulSoup, page: Page) -> Language | None:
    """The first language the document declares, in the order of the module's docstring."""
    finders: tuple[Callable[[BeautifulSoup], Language | None], ...] = (
        html_lang,
        locale_meta,
        own_alternate,
        lambda s: permalink_locale(s, {entry.code for entry in page.errors}),
    )
    for finder in finders:
        found = finder(soup)
        if found is not None:
            return found
    return None


def html_lang(soup: BeautifulSoup) -> Language | None:
    """``<html lang>``."""
    html = soup.find("html")
    lang = attribute(html, "lang")
    return Language(lang, f'<html lang="{lang}">') if lang else None


def locale_meta(soup: BeautifulSoup) -> Language | None:
    """Docusaurus' ``<meta property="og:locale">``, then ``<meta name="docusaurus_locale">``."""
    for key, value in (("property", "og:locale"), ("name", "docusaurus_locale")):
        meta = soup.find("meta", attrs={key: value})
        content = attribute(meta, "content")
        if content:
            evidence = f'<meta {key}="{value}" content="{content}">'
            return Language(content.replace("_", "-"), evidence)
    return None


def own_alternate(soup: BeautifulSoup) -> Language | None:
    """The ``hreflang`` of the alternate link whose address is the page's own.

    The page's own address is its ``rel=canonical`` link, else its ``og:url``.
    ``x-default`` names no language.
    """
    canonical = soup.find("link", rel="canonical")
    own = attribute(canonical, "href") or attribute(
        soup.find("meta", attrs={"property": "og:url"}), "content"
    )
    if not own:
        return None
    for link in soup.find_all("link", rel="alternate", hreflang=True):
        lang = attribute(link, "hreflang")
        if attribute(link, "href") == own and lang and lang != "x-default":
            return Language(lang, f'<link rel="alternate" hreflang="{lang}"> to the page itself')
    return None


def permalink_locale(soup: BeautifulSoup, codes: set[int]) -> Language | None:
    """The locale in the permalinks of most of the codes' first headings (``/docs/zh-CN/``)."""
    seen: set[int] = set()
    locales: Counter[str] = Counter()
    for heading in soup.find_all(HEADINGS):
        found = CODE_HEADING.match(heading.get_text())
        code = -int(found.group(1)) if found else None
        if code is None or code not in codes or code in seen:
            continue
        seen.add(code)
        locale = next(iter(link_locales(heading)), None)
        if locale is not None:
            locales[locale] += 1
    if not locales:
        return None
    locale, count = locales.most_common(1)[0]
    if count * 2 <= len(seen):
        return None
    return Language(locale, f"{count} of {len(seen)} code headings link to /docs/{locale}/")


def link_locales(heading: Tag) -> Iterable[str]:
    """The locales in the paths the heading's links point to."""
    for link in heading.find_all("a", href=True):
        found = LOCALE_IN_PATH.search(urlsplit(str(link["href"])).path)
        if found:
            yield found.group(1)


def attribute(element: object, name: str) -> str:
    """A single-valued attribute of ``element``, stripped; empty when either is missing."""
    value = element.get(name) if isinstance(element, Tag) else None
    return value.strip() if isinstance(value, str) else ""


# -- what the codes are written in ---------------------------------------------


def code_script(entries: Iterable[ErrorEntry]) -> Language | None:
    """The script of the codes' text when too many of them are not written in Latin letters."""
    entries = list(entries)
    foreign = [(entry, letters) for entry in entries if (letters := foreign_letters(entry))]
    if len(foreign) <= MAX_FOREIGN_SHARE * len(entries):
        return None
    scripts = Counter(script_of(letter) for _, letters in foreign for letter in letters)
    script = scripts.most_common(1)[0][0]
    first, _ = foreign[0]
    sample = next(text for text in code_texts(first) if foreign_letters_in(text))
    return Language(
        f"{script} script",
        f"{len(foreign)} of {len(entries)} codes are written in it,"
        f" {len(foreign) / len(entries):.0%}, over {MAX_FOREIGN_SHARE:.0%};"
        f" first {first.code}: {sample[:40]!r}",
    )


def foreign_letters(entry: ErrorEntry) -> list[str]:
    """The letters outside the Latin script in a code's title and messages, when enough."""
    letters = [letter for text in code_texts(entry) for letter in foreign_letters_in(text)]
    return letters if len(letters) >= MIN_FOREIGN_LETTERS else []


def code_texts(entry: ErrorEntry) -> list[str]:
    """A code's heading title (when it has one) and messages, its aliases' included."""
    title = [entry.title] if entry.title else []
    return [*title, *entry.messages, *(m for alias in entry.aliases for m in alias.messages)]


def foreign_letters_in(text: str) -> list[str]:
    return [c for c in text if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN")]


def script_of(letter: str) -> str:
    """The script a letter belongs to, as the first word of its Unicode name (``CJK``)."""
    return unicodedata.name(letter, "UNKNOWN").split()[0]
