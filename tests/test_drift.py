"""Drift in the real Spot page: cosmetic changes change nothing, lost structure is never quiet.

Each cosmetic variant of ``spot-html-1.txt`` (class names, wrappers, heading
levels, whitespace, attribute order, ``&nbsp;``, hash links, ``<br/>``, ...)
must give a spec byte-identical to the original's. Each structural loss must
either be refused by the parser with a :class:`PageError`, or, where the page
alone cannot know (codes or a table simply gone), give a page with fewer codes
or tables than before, which the shrink guard of ``update``/``scrape`` refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import pytest
from lxml.html import HtmlElement

from scraper.exceptions import PageError
from scraper.model import Page, Source, Spec
from scraper.parse import parse_document, strip_wrapper
from scraper.spec import dump_spec, product_from_page, with_product
from tests.conftest import capture_text

SOURCE = Source("https://developers.binance.com/docs/binance-spot-api-docs/errors", "html")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
CODE_HEADING = re.compile(r"-\d{3,5}\b")


@pytest.fixture(scope="module")
def spot_html() -> str:
    return capture_text("spot-html-1.txt")


@pytest.fixture(scope="module")
def original(spot_html: str) -> Page:
    return parse_document(spot_html, None, "capture")


def spec_text(page: Page) -> str:
    return dump_spec(with_product(Spec(()), product_from_page(page, "spot", "Spot", SOURCE)))


# -- rewriting the page ----------------------------------------------------------


def edit_dom(change: Callable[[HtmlElement], None]) -> Callable[[str], str]:
    """A page edit made on the lxml tree, serialised back to HTML."""

    def edit(text: str) -> str:
        document = lxml.html.document_fromstring(strip_wrapper(text).encode("utf-8"))
        change(document)
        return "<!doctype html>\n" + str(lxml.html.tostring(document, encoding="unicode"))

    return edit


def article(document: HtmlElement) -> HtmlElement:
    found = document.find(".//article")
    assert found is not None
    return found


def code_headings(document: HtmlElement) -> list[HtmlElement]:
    return [h for h in article(document).iter(*HEADINGS) if CODE_HEADING.match(h.text_content())]


def rename_classes(document: HtmlElement) -> None:
    for element in document.iter():
        if isinstance(element.tag, str) and element.get("class"):
            element.set("class", " ".join(f"v4_{name}" for name in element.get("class").split()))


def wrap_blocks(document: HtmlElement) -> None:
    for element in list(article(document).iter(*HEADINGS, "ul", "table", "p")):
        outer = lxml.html.Element("div", {"class": "wrapper"})
        inner = lxml.html.Element("div")
        element.addprevious(outer)
        outer.append(inner)
        inner.append(element)  # the element's tail moves with it, as text after it


def spread_whitespace(document: HtmlElement) -> None:
    for element in article(document).iter():
        if not isinstance(element.tag, str) or element.tag == "pre":
            continue
        if element.text:
            element.text = element.text.replace(" ", "  \n\t ")
        if element.tail:
            element.tail = element.tail.replace(" ", " \n  ")
        if element.tag in (*HEADINGS, "ul", "li", "table", "tr", "p"):
            element.tail = "\n\n   \n" + (element.tail or "")


def reverse_attributes(document: HtmlElement) -> None:
    for element in document.iter():
        if isinstance(element.tag, str) and len(element.attrib) > 1:
            items = list(element.attrib.items())
            element.attrib.clear()
            for name, value in reversed(items):
                element.set(name, value)


def non_breaking_spaces(document: HtmlElement) -> None:
    for element in article(document).iter():
        if isinstance(element.tag, str) and element.tag not in ("pre", "code"):
            element.text = element.text and element.text.replace(" ", "\xa0")
            element.tail = element.tail and element.tail.replace(" ", "\xa0")


def drop_hash_links(document: HtmlElement) -> None:
    for link in document.find_class("hash-link"):
        link.drop_tree()


def unwrap_doc_div(document: HtmlElement) -> None:
    for element in document.find_class("theme-doc-markdown"):
        element.drop_tag()


def shift_headings(text: str) -> str:
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", text)


def upper_case_tags(text: str) -> str:
    tags = "h1|h2|h3|h4|ul|li|p|table|thead|tbody|tr|td|th|div|code|a|br|article|strong"
    return re.sub(rf"<(/?)({tags})\b", lambda m: f"<{m[1]}{m[2].upper()}", text)


def nbsp_entities(text: str) -> str:
    return text.replace("\xa0", "&nbsp;")


def chain(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text

    return edit


COSMETIC: dict[str, Callable[[str], str]] = {
    "re-serialised by lxml": edit_dom(lambda document: None),
    "class names renamed": edit_dom(rename_classes),
    "class attributes removed": lambda text: re.sub(r'\sclass="[^"]*"', "", text),
    "doc wrapper div unwrapped": edit_dom(unwrap_doc_div),
    "extra wrapper divs": edit_dom(wrap_blocks),
    "headings one level deeper": shift_headings,
    "extra whitespace and newlines": edit_dom(spread_whitespace),
    "attribute order reversed": edit_dom(reverse_attributes),
    "&nbsp; instead of spaces": chain(edit_dom(non_breaking_spaces), nbsp_entities),
    "hash links removed": edit_dom(drop_hash_links),
    "<br/> instead of <br>": lambda text: text.replace("<br>", "<br/>"),
    "<br /> instead of <br>": lambda text: text.replace("<br>", "<br />"),
    "upper-case tag names": upper_case_tags,
    "single-quoted attributes": lambda text: re.sub(r'(\s[a-z-]+)="([^"\']*)"', r"\1='\2'", text),
    "CRLF line endings": lambda text: text.replace("\n", "\r\n"),
    "all of it at once": chain(
        edit_dom(rename_classes),
        edit_dom(wrap_blocks),
        edit_dom(spread_whitespace),
        edit_dom(reverse_attributes),
        edit_dom(drop_hash_links),
        edit_dom(non_breaking_spaces),
        nbsp_entities,
        shift_headings,
        upper_case_tags,
        lambda text: text.replace("<BR>", "<br/>").replace("\n", "\r\n"),
    ),
}


@pytest.mark.parametrize("drift", sorted(COSMETIC))
def test_cosmetic_drift_gives_the_same_spec(spot_html: str, original: Page, drift: str) -> None:
    changed = COSMETIC[drift](spot_html)
    assert changed != spot_html
    assert spec_text(parse_document(changed, None, drift)) == spec_text(original)


# -- structural loss ---------------------------------------------------------------


def drop_lists(document: HtmlElement) -> None:
    for element in list(article(document).iter("ul")):
        element.drop_tree()


def empty_list_items(document: HtmlElement) -> None:
    for item in article(document).iter("li"):
        item.clear()


def demote_one_heading(document: HtmlElement) -> None:
    code_headings(document)[10].tag = "p"


def demote_one_heading_to_bold(document: HtmlElement) -> None:
    heading = code_headings(document)[40]
    heading.tag = "p"
    strong = lxml.html.Element("strong")
    strong.text, heading.text = heading.text, None
    for child in list(heading):
        strong.append(child)
    heading.append(strong)


def demote_every_code_heading(document: HtmlElement) -> None:
    for heading in code_headings(document):
        heading.tag = "p"


REFUSED: dict[str, tuple[Callable[[str], str], str]] = {
    "bullet lists removed": (edit_dom(drop_lists), r"101 of 103 codes have no message"),
    "list items emptied": (edit_dom(empty_list_items), r"codes have no message"),
    "a code heading turned into a paragraph": (
        edit_dom(demote_one_heading),
        r"paragraph '-1\d{3} [A-Z_]+' after code -\d+ reads like a code heading",
    ),
    "a code heading turned into bold text": (
        edit_dom(demote_one_heading_to_bold),
        r"reads like a code heading",
    ),
    "every code heading turned into a paragraph": (
        edit_dom(demote_every_code_heading),
        r"no error-code headings found",
    ),
}


@pytest.mark.parametrize("loss", sorted(REFUSED))
def test_structural_loss_is_refused(spot_html: str, loss: str) -> None:
    edit, problem = REFUSED[loss]
    with pytest.raises(PageError, match=problem):
        parse_document(edit(spot_html), None, loss)


def drop_every_other_code_heading(document: HtmlElement) -> None:
    for heading in code_headings(document)[::2]:
        heading.drop_tree()


def code_headings_to_divs(document: HtmlElement) -> None:
    for heading in code_headings(document)[::3]:
        heading.tag = "div"


def drop_a_table(document: HtmlElement) -> None:
    article(document).find(".//table").drop_tree()


def truncate(text: str) -> str:
    return text[: text.index('id="-2010')]


SHRUNK: dict[str, Callable[[str], str]] = {
    "half the code headings removed": edit_dom(drop_every_other_code_heading),
    "a third of the code headings turned into divs": edit_dom(code_headings_to_divs),
    "a message table removed": edit_dom(drop_a_table),
    "the page cut off in the middle": truncate,
}


@pytest.mark.parametrize("loss", sorted(SHRUNK))
def test_loss_the_page_cannot_see_shows_as_a_smaller_page(
    spot_html: str, original: Page, loss: str
) -> None:
    """Codes or tables that are simply gone: the page is smaller, which the shrink guard refuses."""
    page = parse_document(SHRUNK[loss](spot_html), None, loss)
    assert len(page.errors) < len(original.errors) or len(page.tables) < len(original.tables)


# -- the two structure checks on small pages (no reference data needed) -------------


def page_of(codes: list[tuple[int, list[str]]]) -> str:
    return "## Codes\n" + "".join(
        f"### -{code} NAME_{code}\n" + "".join(f"* {m}\n" for m in messages)
        for code, messages in codes
    )


@pytest.mark.parametrize(
    ("bare", "total", "refused"),
    [
        (0, 20, False),
        (1, 20, False),
        (2, 20, False),
        (3, 20, True),
        (10, 103, False),
        (11, 103, True),
        (1, 1, True),
        (2, 2, True),
        (1, 3, False),
    ],
)
def test_codes_without_messages(bare: int, total: int, refused: bool) -> None:
    text = page_of([(1000 + i, [] if i < bare else ["a message"]) for i in range(total)])
    if refused:
        with pytest.raises(
            PageError, match=rf"{bare} of {total} codes have no message \(first: -1000\)"
        ):
            parse_document(text, "markdown", "x")
    else:
        page = parse_document(text, "markdown", "x")
        assert sum(not e.messages for e in page.errors) == bare


@pytest.mark.parametrize(
    ("paragraph", "refused"),
    [
        ("-1003 TOO_MANY_REQUESTS", True),
        ("**-1003 TOO_MANY_REQUESTS**", True),
        ("-1003", True),
        ("-1003 is sent when too many requests are queued.", False),
        ("See -1003 TOO_MANY_REQUESTS.", False),
        ("-1003 Too many requests", False),
    ],
)
def test_a_paragraph_that_reads_like_a_code_heading(paragraph: str, refused: bool) -> None:
    text = "## Codes\n### -1000 UNKNOWN\n* a\n\n" + paragraph + "\n\n* b\n### -1001 X\n* c\n"
    if refused:
        with pytest.raises(PageError, match=r"after code -1000 reads like a code heading"):
            parse_document(text, "markdown", "x")
    else:
        assert len(parse_document(text, "markdown", "x").errors) == 2
