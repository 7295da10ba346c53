"""The parser, on hand-made fixtures and on Binance's real pages."""

from __future__ import annotations

import re

import pytest

from scraper.exceptions import PageError
from scraper.model import Page
from scraper.parse import (
    derive_name,
    detect_format,
    is_note,
    parse_document,
    split_quoted,
    title_is_message,
)
from tests.conftest import CAPTURES, FIXTURES, capture_text, history_files, upstream_file

HTML_CODE_HEADING = re.compile(r"<h([1-6])\b[^>]*>\s*(-\d{3,5})\b")


def parse_fixture(name: str) -> Page:
    return parse_document((FIXTURES / name).read_text(encoding="utf-8"), None, name)


def by_code(page: Page) -> dict[int, tuple[str, ...]]:
    return {entry.code: entry.messages for entry in page.errors}


# -- hand-made fixtures --------------------------------------------------------


def test_fixture_codes_names_and_sections() -> None:
    page = parse_fixture("mini.html")
    assert [(e.code, e.name, e.section) for e in page.errors] == [
        (-1000, "UNKNOWN", "10xx - General Server or Network issues"),
        (-1003, "TOO_MANY_REQUESTS", "10xx - General Server or Network issues"),
        (-1100, "ILLEGAL_CHARS", "11xx - Request issues"),
        (-2021, "ORDER_CANCEL_REPLACE_PARTIALLY_FAILED", "11xx - Request issues"),
    ]
    assert page.errors[3].title == "Order cancel-replace partially failed"
    assert page.errors[0].title is None
    assert page.last_updated == "2025-06-11"


def test_fixture_message_text_is_what_a_reader_sees() -> None:
    messages = by_code(parse_fixture("mini.html"))
    assert messages[-1003] == (
        "Too many requests queued.",
        "Too much request weight used; current limit is %s request weight per %s."
        " Please use WebSocket Streams for live updates.",
    )
    assert messages[-1100] == ("Illegal characters found in parameter '%s'; legal range is '%s'.",)
    assert not any("\u200b" in m for ms in messages.values() for m in ms)


def test_fixture_tables() -> None:
    page = parse_fixture("mini.html")
    rejections, filters = page.tables
    assert rejections.id == "order_rejections"
    assert rejections.codes == (-1010, -2010)
    assert [(r.message, r.description) for r in rejections.rows] == [
        ("Unknown order sent.", "The order (by either orderId) could not be found."),
        ("Rest API trading is not enabled.", "Trading is off."),
        ("WebSocket API trading is not enabled.", "Trading is off."),
        ("FIX API trading is not enabled.", "First line\nsecond line"),
    ]
    assert filters.id == "filter_failures"
    assert filters.codes == (-1013,)
    assert [r.message for r in filters.rows] == [
        "Filter failure: PRICE_FILTER",
        "Filter failure: LOT_SIZE",
    ]


def test_markdown_and_html_give_the_same_page() -> None:
    assert parse_fixture("mini.md") == parse_fixture("mini.html")


def test_page_chrome_is_ignored() -> None:
    codes = [e.code for e in parse_fixture("mini.html").errors]
    assert -9999 not in codes and -1001 not in codes


def test_page_without_codes_is_refused() -> None:
    with pytest.raises(PageError, match="no error-code headings"):
        parse_fixture("no_codes.html")


def test_heading_with_unparseable_code_is_refused() -> None:
    with pytest.raises(PageError, match=r"'-10O1' is not one"):
        parse_fixture("bad_heading.html")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty document"),
        ("   \n\t ", "empty document"),
        ('{"code": -1121, "msg": "Invalid symbol."}', "looks like JSON"),
        ("[1, 2]", "looks like JSON"),
        (
            "# Errors\n\n### -1000 UNKNOWN\n* bad \x00 byte\n",
            "control character U\\+0000 on line 4",
        ),
    ],
)
def test_bad_documents_are_refused(text: str, problem: str) -> None:
    with pytest.raises(PageError, match=problem):
        parse_document(text, None, "input")


def test_range_labels_are_sections_not_codes() -> None:
    page = parse_document("## -9xxx Filter failures\n### -9001 X\n* m\n", "markdown", "x")
    assert [(e.code, e.section) for e in page.errors] == [(-9001, "-9xxx Filter failures")]


@pytest.mark.parametrize(
    ("rest", "name", "title"),
    [
        ("TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS", None),
        (
            "Order cancel-replace failed.",
            "ORDER_CANCEL_REPLACE_FAILED",
            "Order cancel-replace failed.",
        ),
        (
            "Not found, authenticated, or authorized",
            "NOT_FOUND_AUTHENTICATED_OR_AUTHORIZED",
            "Not found, authenticated, or authorized",
        ),
        ("", "ERROR_18002", None),
        ("2FA required", "E_2FA_REQUIRED", "2FA required"),
        ("未知错误", "ERROR_18002", "未知错误"),
        ("TOO_MANY_参数", "TOO_MANY", "TOO_MANY_参数"),
    ],
)
def test_derive_name(rest: str, name: str, title: str | None) -> None:
    derived, kept = derive_name(-18002, rest)
    assert derived == name and derived.isidentifier()
    assert kept == title


def test_one_code_listed_twice_keeps_both_names() -> None:
    text = "## 5xxx\n### -5012 TRANSFER_PENDING\n* a\n### -5012 OTHER_NAME\n* b\n### -5013 TRANSFER_PENDING\n* c\n"
    page = parse_document(text, "markdown", "x")
    first, second = page.errors
    assert (first.name, first.messages) == ("TRANSFER_PENDING", ("a",))
    assert [(a.name, a.messages) for a in first.aliases] == [("OTHER_NAME", ("b",))]
    assert second.name == "TRANSFER_PENDING_5013"


CONVERTED_TABLE = (
    "## Errors\n### -1013 INVALID_MESSAGE\n* m\n## Filter failures\n"
    "Error message| Description  \n---|---  \n"
    '"Filter failure: A"| First line.   \n  \nSecond line.  \n'
    '"Filter failure: B"| One.  \nor   \n`two`.  \n'
    '"Filter failure: C"| Last.   \nstill last.  \n  \n'
)


def filter_rows(markdown: str) -> list[tuple[str, str]]:
    page = parse_document(markdown, "markdown", "x")
    return [(r.message, r.description) for t in page.tables for r in t.rows]


def test_cell_lines_broken_by_html_to_markdown_are_rejoined() -> None:
    """A ``<br>`` written as a hard break spills a cell over lines, or ends the table."""
    assert filter_rows(CONVERTED_TABLE + "## Next\n") == [
        ("Filter failure: A", "First line.\nSecond line."),
        ("Filter failure: B", "One.\nor\ntwo."),
        ("Filter failure: C", "Last.\nstill last."),
    ]


def test_text_after_a_table_stays_out_of_it() -> None:
    after = "\nA paragraph.\n\nMessage | Meaning\n---|---\nD | d\n"
    page = parse_document(CONVERTED_TABLE + after, "markdown", "x")
    assert [[r.message for r in t.rows] for t in page.tables] == [
        ["Filter failure: A", "Filter failure: B", "Filter failure: C"],
        ["D"],
    ]
    loose = "A | b\n---|---\nc | d\n  \nNot a cell.\n## Next\n"
    assert filter_rows(CONVERTED_TABLE + loose) == [*filter_rows(CONVERTED_TABLE), ("c", "d")]


def test_a_new_table_is_not_a_continuation() -> None:
    second = "  \nIntro line\nMessage | Meaning\n---|---\nD | d\n"
    rows = filter_rows(CONVERTED_TABLE.rstrip(" \n") + "\n" + second)
    assert rows[2] == ("Filter failure: C", "Last.\nstill last.")
    assert rows[3:] == [("D", "d")]


def test_split_quoted() -> None:
    assert split_quoted('"A." / "B."') == ["A.", "B."]
    assert split_quoted('"The requested action would change no state; rejecting".') == [
        "The requested action would change no state; rejecting"
    ]
    assert split_quoted('"FIX API trading is not enabled.') == ["FIX API trading is not enabled."]
    assert split_quoted("OPO orders are not supported.") == ["OPO orders are not supported."]


def test_detect_format() -> None:
    assert detect_format("# Title\n<!doctype html>\n<html>", "x") == "html"
    assert detect_format("# Error codes\n## 10xx", "x") == "markdown"


# -- Binance's real pages ------------------------------------------------------


def html_code_headings(text: str) -> set[int]:
    return {int(code) for _, code in HTML_CODE_HEADING.findall(text)}


@pytest.mark.parametrize("capture", ["spot-html-1.txt", "spot-testnet-html-1.txt"])
def test_real_html_page_has_every_code(capture: str) -> None:
    text = capture_text(capture)
    page = parse_document(text, None, capture)
    assert len(page.errors) == len(html_code_headings(text)) == 103
    assert {e.code for e in page.errors} == html_code_headings(text)
    # 144 bullets: 5 of them are notes, and -2021 and -2022 give their heading's text
    assert sum(len(e.messages) for e in page.errors) == 141
    assert sum(len(e.notes) for e in page.errors) == 5
    assert all(e.messages or e.notes for e in page.errors)
    assert [e.code for e in page.errors if not e.messages] == [-1013]


def test_real_spot_page_messages_verbatim() -> None:
    messages = by_code(parse_document(capture_text("spot-html-1.txt"), None, "spot"))
    assert messages[-1003] == (
        "Too many requests queued.",
        "Too much request weight used; current limit is %s request weight per %s."
        " Please use WebSocket Streams for live updates to avoid polling the API.",
        "Way too much request weight used; IP banned until %s."
        " Please use WebSocket Streams for live updates to avoid bans.",
    )
    assert messages[-1013] == ()
    assert messages[-1021] == (
        "Timestamp for this request is outside of the recvWindow.",
        "Timestamp for this request was 1000ms ahead of the server's time.",
    )
    assert messages[-1224] == ("Working order must include the '{param}' tag.",)
    assert messages[-2022] == ("Order cancel-replace failed.",)


def test_real_spot_page_tables_complete() -> None:
    page = parse_document(capture_text("spot-html-1.txt"), None, "spot")
    rejections, filters = page.tables
    assert (rejections.id, rejections.codes, len(rejections.rows)) == (
        "order_rejections",
        (-1010, -2010, -2011, -2038, -1013),  # -1013's note links to it
        41,
    )
    assert rejections.rows[0].message == "Unknown order sent."
    assert (
        rejections.rows[0].description
        == "The order (by either orderId, clOrdId, origClOrdId) could not be found."
    )
    messages = [r.message for r in rejections.rows]
    assert "Rest API trading is not enabled." in messages
    assert "WebSocket API trading is not enabled." in messages
    assert "FIX API trading is not enabled." in messages
    assert rejections.rows[-1].message == "Order amend (pending OPO order) is not supported."
    assert (filters.id, filters.codes, len(filters.rows)) == ("filter_failures", (-1013,), 18)
    assert all(r.message.startswith("Filter failure: ") for r in filters.rows)
    assert filters.rows[-1].message == "Filter failure: EXCHANGE_MAX_NUM_ORDER_LISTS"


def test_page_without_codes_from_binance_is_refused() -> None:
    with pytest.raises(PageError, match="no error-code headings"):
        parse_document(capture_text("other-spot-rest-error-codes-html-1.txt"), None, "rest")


def test_html_page_and_its_markdown_source_agree() -> None:
    """The live HTML and the Markdown revision it was built from parse identically."""
    html = parse_document(capture_text("spot-html-1.txt"), "html", "html")
    source = next(p for p in history_files() if p.name.startswith("2025-12-02"))
    markdown = parse_document(source.read_text(encoding="utf-8"), "markdown", source.name)
    assert markdown.errors == html.errors
    assert markdown.tables == html.tables


def test_every_published_markdown_revision_parses() -> None:
    for path in history_files():
        text = path.read_text(encoding="utf-8")
        page = parse_document(text, "markdown", path.name)
        headings = set(re.findall(r"^#{1,6} *\\?(-\d{3,5})\b", text, re.MULTILINE))
        assert {e.code for e in page.errors} == {int(c) for c in headings}, path.name
        assert all(e.name.isidentifier() for e in page.errors), path.name
        assert {t.id for t in page.tables} == {"order_rejections", "filter_failures"}, path.name


# -- notes, heading text and table bindings ------------------------------------

NOTES_FOUND = {
    (-1013, "The request is rejected by the API. (i.e. The request didn't reach the Matching Engine.)"),
    (-1013, "Potential error messages can be found in Filter Failures or Failures during order placement."),
    (-1099, "This replaces error code -1999"),
    (-1160, "If the order type for the above or below leg is STOP_LOSS_LIMIT, and icebergQty is provided for that leg, the timeInForce has to be GTC else it will throw an error."),
    (-2021, "This code is sent when either the cancellation of the order failed or the new order placement failed but not both."),
    (-2022, "This code is sent when both the cancellation of the order failed and the new order placement failed."),
    (-2022, "This indicates the new reduce-only order conflicts with existing open orders; cancel the existing order and resubmit the reduce-only order."),
    (-4118, "This indicates the new reduce-only order conflicts with existing open orders; cancel the existing order and resubmit the reduce-only order."),
    (-4118, "This indicates that the new reduce-only order, combined with an existing same-side open order, would create an opposite-side position and lead to insufficient margin; please cancel the open order and try again."),
    (-4112, "This indicates that the new reduce-only order, combined with an existing same-side open order, would create an opposite-side position and lead to insufficient margin; please cancel the open order and try again."),
}  # fmt: skip
"""Every note of every capture and every Spot and Spot Testnet revision, with its code."""


def every_real_page() -> list[tuple[str, Page]]:
    paths = [
        *sorted(path for path in CAPTURES.glob("*.txt") if not path.name.startswith("other-spot")),
        *history_files("spot"),
        *history_files("spot-testnet"),
    ]
    return [
        (path.name, parse_document(path.read_text(encoding="utf-8"), None, path.name))
        for path in paths
    ]


def test_notes_of_every_real_page_are_exactly_the_descriptive_bullets() -> None:
    """Nothing lost: each bullet is a message or a note; the notes are the list above."""
    upstream_file("captures")
    notes: set[tuple[int, str]] = set()
    for name, page in every_real_page():
        for entry in page.errors:
            assert not set(entry.notes) & set(entry.messages), (name, entry.code)
            assert not any(is_note(m) for m in entry.messages), (name, entry.code)
            notes.update((entry.code, note) for note in entry.notes)
    assert notes == NOTES_FOUND
    for _, note in NOTES_FOUND:
        assert is_note(note)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This code is sent when the order failed.", True),
        ("This indicates a conflict.", True),
        ("This replaces error code -1999", True),
        ("Potential error messages can be found in Filter Failures.", True),
        ("Rejected by the API. (i.e. it never arrived.)", True),
        ("If x, the timeInForce has to be GTC else it will throw an error.", True),
        ("this code is sent when", False),  # case-sensitive: a reader's sentence starts upper-case
        ("Order would immediately trigger.", False),
        ("The request is rejected by the API.", False),
        ("Invalid API-key, IP, or permissions for action.", False),
        ("Parameter '%s' was empty.", False),
    ],
)
def test_is_note(text: str, expected: bool) -> None:
    assert is_note(text) is expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Order cancel-replace partially failed", True),
        ("Order cancel-replace failed.", True),
        ("Request Throttled", True),
        ("Not found, authenticated, or authorized", True),
        ("TOO MANY REQUESTS", False),
        ("Exceed_Maximum_Modify_Order_Limit", False),
        ("class", False),
        ("True", False),
    ],
)
def test_heading_text_is_a_message_when_it_reads_as_one(title: str, expected: bool) -> None:
    assert title_is_message(title) is expected


def test_heading_text_becomes_the_first_message_and_prose_a_note() -> None:
    page = parse_document(capture_text("margin-md-1.txt"), None, "margin")
    entry = next(e for e in page.errors if e.code == -1099)
    assert entry.messages == ("Not found, authenticated, or authorized",)
    assert entry.notes == ("This replaces error code -1999",)
    assert entry.title == "Not found, authenticated, or authorized"
    spot = parse_document(capture_text("spot-html-1.txt"), None, "spot")
    cancel_replace = next(e for e in spot.errors if e.code == -2021)
    assert cancel_replace.messages == ("Order cancel-replace partially failed",)
    assert cancel_replace.notes[0].startswith("This code is sent when either")


def test_a_note_that_links_to_tables_binds_its_code_to_them() -> None:
    """By the anchor before the table (``#other-errors``) and by heading slug (``#filter-failures``)."""
    for text, fmt in [
        (capture_text("spot-html-1.txt"), "html"),
        (history_files("spot")[-1].read_text(encoding="utf-8"), "markdown"),
    ]:
        rejections, filters = parse_document(text, fmt, "spot").tables
        assert -1013 in rejections.codes and filters.codes == (-1013,)


def test_a_link_binds_by_table_title_when_no_anchor_names_it() -> None:
    text = (
        "## 10xx - General\n### -1013 INVALID_MESSAGE\n"
        "* Potential error messages can be found in [the Filter  failures](#nowhere) or [Lost](#lost).\n"
        "### -1014 OTHER\n* Other.\n"
        '## The filter failures\n\n| Error message | Description |\n|---|---|\n| "Odd one" | x |\n'
    )
    (table,) = parse_document(text, "markdown", "mini").tables
    assert table.codes == (-1013,)
    unlinked = text.replace("[the Filter  failures](#nowhere)", "the filter failures")
    (table,) = parse_document(unlinked, "markdown", "mini").tables
    assert table.codes == ()


def test_a_note_in_a_paragraph_binds_too() -> None:
    text = (
        "## 10xx - General\n### -1013 INVALID_MESSAGE\n\n"
        "Potential error messages can be found in [Odd messages](#odd-messages).\n\n"
        "### -1014 OTHER\n* Other.\n"
        '## Odd messages\n\n| Error message | Description |\n|---|---|\n| "Odd one" | x |\n'
    )
    page = parse_document(text, "markdown", "mini")
    assert page.errors[0].messages == ()
    assert page.errors[0].notes == ("Potential error messages can be found in Odd messages.",)
    assert page.tables[0].codes == (-1013,)
