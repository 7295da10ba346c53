"""Fuzzing the scraper with mutations of the real Spot page.

The contract under test: for any input, ``parse_document`` either returns a
page that makes a valid spec (it dumps, loads back equal, dumps to the same
bytes; every name is an identifier; codes are unique) or raises
:class:`~scraper.exceptions.PageError`. Any other exception is a bug.

Mutations work on two levels: elements of the parsed page (drop, duplicate,
move, swap, unwrap, retag, shift every heading's level, replace text) and the
raw text and bytes (truncate, delete, duplicate and swap ranges, insert text,
markup fragments or random bytes, decoded as ``fetch`` would).

CI runs a fixed, derandomised set of examples with no example database, so a
run is reproducible. ``FUZZ_PROFILE=deep`` explores randomly and much longer.
Inputs that once broke the parser live on, trimmed, in
``fixtures/regressions/`` (see test_regressions.py).
"""

from __future__ import annotations

import copy
import keyword
import os
from datetime import timedelta
from functools import cache

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from scraper.exceptions import PageError
from scraper.fetch import decode
from scraper.model import Source, Spec
from scraper.parse import parse_document
from scraper.spec import dump_spec, load_spec, product_from_page, with_product
from tests.conftest import capture_text

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=3000,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("FUZZ_PROFILE", "ci"))
SOURCE = Source("https://developers.binance.com/docs/binance-spot-api-docs/errors", "html")


def assert_scraper_contract(text: str, fmt: str | None) -> None:
    """``text`` parses to a valid, round-tripping spec, or is refused with a PageError."""
    try:
        page = parse_document(text, fmt, "fuzz")
    except PageError:
        return
    spec = with_product(Spec(()), product_from_page(page, "spot", "Binance Spot API", SOURCE))
    dumped = dump_spec(spec)
    loaded = load_spec(dumped, "fuzz")
    assert loaded == spec
    assert dump_spec(loaded) == dumped
    codes = [entry.code for entry in page.errors]
    assert len(codes) == len(set(codes))
    for entry in page.errors:
        for name in (entry.name, *(alias.name for alias in entry.aliases)):
            assert name.isidentifier() and not keyword.iskeyword(name), name


class Capture:
    """A saved page; its repr is its name, so Hypothesis reports stay readable."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text

    def __repr__(self) -> str:
        return f"Capture({self.name!r})"


@pytest.fixture(scope="module")
def spot_html() -> Capture:
    return Capture("spot-html-1.txt", capture_text("spot-html-1.txt"))


# -- element-level mutations ------------------------------------------------------

TAGS = (
    *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "p", "table", "thead", "tbody"),
    *("tr", "td", "th", "code", "a", "div", "br", "strong", "article"),
)
RETAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "li", "ul", "td", "strong")
TEXTS = (
    "",
    " ",
    "-1000 UNKNOWN",
    "-1000",
    "-10O1 TYPO",
    "-99999 BIG",
    "-9xxx Filter failures",
    "-1013 Filter failure: PRICE_FILTER",
    "Last Updated: 2025-13-45",
    "Messages for -1010 ERROR_MSG_RECEIVED",
    "未知错误",
    '"A." / "B."',
    "\u200b",
    "&#27;",
    "class",
)
EDITS = ("drop", "duplicate", "move", "swap", "unwrap", "retag", "shift", "text", "clear")

edit = st.tuples(
    st.sampled_from(EDITS),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.sampled_from(RETAGS),
    st.sampled_from(TEXTS),
    st.integers(-2, 2),
)


@cache
def parsed_page(text: str) -> HtmlElement:
    return lxml.html.document_fromstring(text[text.index("<!doctype") :].encode("utf-8"))


def apply_edit(document: HtmlElement, change: tuple[str, int, int, str, str, int]) -> None:
    kind, first, second, tag, text, shift = change
    elements = [e for e in document.iter(*TAGS) if e.getparent() is not None]
    if not elements:
        return
    target = elements[first % len(elements)]
    other = elements[second % len(elements)]
    if kind == "drop":
        target.drop_tree()
    elif kind == "duplicate":
        target.addnext(copy.deepcopy(target))
    elif kind == "move" and other is not target and target not in other.iterancestors():
        other.addprevious(target)
    elif kind == "swap" and target.getnext() is not None:
        target.getnext().addnext(target)
    elif kind == "unwrap":
        target.drop_tag()
    elif kind == "retag":
        target.tag = tag
    elif kind == "shift":
        for heading in document.iter("h1", "h2", "h3", "h4", "h5", "h6"):
            heading.tag = f"h{min(6, max(1, int(heading.tag[1]) + shift))}"
    elif kind == "text":
        target.text = text
    elif kind == "clear":
        target.clear()


@PROFILE
@given(changes=st.lists(edit, min_size=1, max_size=6))
def test_element_mutations_of_the_spot_page(
    spot_html: Capture, changes: list[tuple[str, int, int, str, str, int]]
) -> None:
    document = copy.deepcopy(parsed_page(spot_html.text))
    for change in changes:
        apply_edit(document, change)
    assert_scraper_contract(lxml.html.tostring(document, encoding="unicode"), "html")


# -- text- and byte-level mutations ---------------------------------------------

FRAGMENTS = (
    "<h1>",
    "<h2>",
    "<h3>",
    "</h3>",
    "<h3>-1000 X</h3>",
    "<ul><li>",
    "</li></ul>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<p>",
    "<br>",
    "<!--",
    "-->",
    "<script>",
    "<![CDATA[",
    "&#",
    "&#8203;",
    "&amp;",
    "-1000 ",
    "-10O1 ",
    '"',
    "\u200b",
    "\ufeff",
    "---\n",
    "\n### -1234 NEW\n* m\n",
    "<html>",
    "<!doctype html>",
)

text_edit = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 2000)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.integers(1, 2000)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 500)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.text(max_size=20)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(FRAGMENTS)),
    st.tuples(st.just("bytes"), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)),
)


@cache
def tag_starts(text: str) -> tuple[int, ...]:
    """Offsets of every ``<`` where the error codes are (not in the page's chrome).

    Edits land on tag boundaries, where a change alters structure rather than
    the inside of a word; byte insertions land anywhere.
    """
    start, end = text.find("<article"), text.find("</article>")
    if not 0 <= start < end:
        start, end = 0, len(text)
    return tuple(i for i in range(start, end) if text[i] == "<") or (0,)


def apply_text_edit(text: str, change: tuple[object, ...], starts: tuple[int, ...]) -> str:
    kind, where = change[0], change[1]
    assert isinstance(where, int)
    at = min(starts[where % len(starts)], len(text))
    if kind == "truncate":
        return text[:at]
    if kind == "delete":
        return text[:at] + text[at + int(str(change[2])) :]
    if kind == "duplicate":
        return text[: at + int(str(change[2]))] + text[at:]
    if kind == "swap":
        other = min(starts[int(str(change[2])) % len(starts)], len(text))
        size = int(str(change[3]))
        first, second = sorted((at, other))
        if second < first + size:
            return text
        return (
            text[:first]
            + text[second : second + size]
            + text[first + size : second]
            + text[first : first + size]
            + text[second + size :]
        )
    return text[:at] + str(change[2]) + text[at:]


def apply_edits(text: str, changes: list[tuple[object, ...]]) -> str:
    """Text edits in order; byte insertions last, on the UTF-8 bytes, decoded as fetch does."""
    starts = tag_starts(text)
    for change in changes:
        if change[0] != "bytes":
            text = apply_text_edit(text, change, starts)
    data = text.encode("utf-8")
    for change in changes:
        if change[0] == "bytes":
            at = int(str(change[1])) % max(1, len(data))
            payload = change[2]
            assert isinstance(payload, bytes)
            data = data[:at] + payload + data[at:]
    return decode(data, None, "fuzz")


@PROFILE
@given(changes=st.lists(text_edit, min_size=1, max_size=5))
def test_text_and_byte_mutations_of_the_spot_page(
    spot_html: Capture, changes: list[tuple[object, ...]]
) -> None:
    try:
        text = apply_edits(spot_html.text, changes)
    except PageError:
        return  # not UTF-8 any more: refused the documented way
    assert_scraper_contract(text, None)
