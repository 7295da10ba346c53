"""Every product's page: the parser against every capture, the committed spec against its capture.

The expectations are computed from the raw capture text with plain regular
expressions over its English half, independently of the parser: which code
headings there are, which names each code is listed under, and the bullets
(or, for a code without bullets, the paragraphs) under each heading.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

import pytest

from scraper.model import ErrorEntry, Page, Product, Spec
from scraper.parse import CJK, is_note, parse_document, title_is_message
from scraper.sources import load_sources
from scraper.spec import product_from_page, read_spec
from tests.conftest import REPO, capture_text

SOURCES = {entry.id: entry for entry in load_sources()}
PRODUCT_IDS = (
    "spot",
    "spot_testnet",
    "usdm",
    "coinm",
    "options",
    "portfolio_margin",
    "margin",
    "wallet",
)

# Every Markdown capture of an error page, committed or not: single pages,
# bilingual (English then zh-CN) pages, and composite docs.
MARKDOWN_CAPTURES = (
    "spot-md-1.txt",
    "spot-testnet-md-1.txt",
    "usdm-md-1.txt",
    "usdm-md-2.txt",
    "usdm-md-3.txt",
    "coinm-md-1.txt",
    "coinm-md-2.txt",
    "coinm-md-3.txt",
    "options-md-1.txt",
    "options-md-2.txt",
    "portfolio-margin-md-1.txt",
    "margin-md-1.txt",
    "other-wallet-md-1.txt",
    "other-institutional-loan-md-1.txt",
    "other-portfolio-margin-pro-md-1.txt",
)

ATX_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
SETEXT_UNDERLINE = re.compile(r" {0,3}(=+|-+)[ \t]*")
CODE_HEADING_TEXT = re.compile(r"\\?(-\d{3,5})(?!\d)(.*)")
HTML_CODE_HEADING = re.compile(r"<h[1-6]\b[^>]*>\s*(-\d{3,5})\b")
BULLET = re.compile(r"\s*[*+-]\s+(.*)")
THEMATIC_BREAK = re.compile(r" {0,3}([-*_])( *\1){2,} *")
PERMALINK = re.compile(r"\[\u200b?\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


# -- the capture, read without the parser ----------------------------------------


def reader_text(markdown: str) -> str:
    """What a reader sees of a line of Markdown: no permalinks, links, backticks or escapes."""
    text = LINK.sub(r"\1", PERMALINK.sub("", markdown)).replace("`", "")
    return " ".join(BACKSLASH_ESCAPE.sub(r"\1", text).split())


def headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """``(line index, level, text)`` of every ATX and setext heading."""
    found = []
    for index, line in enumerate(lines):
        atx = ATX_HEADING.fullmatch(line)
        if atx:
            found.append((index, len(atx.group(1)), atx.group(2)))
            continue
        underline = SETEXT_UNDERLINE.fullmatch(lines[index + 1]) if index + 1 < len(lines) else None
        if underline and line.strip() and not BULLET.fullmatch(line):
            found.append((index, 1 if underline.group(1)[0] == "=" else 2, line.strip()))
    return found


def english_half(text: str) -> list[str]:
    """The lines of the first top-level section that holds code headings.

    A bilingual capture's zh-CN half and a composite doc's other pages start
    at top-level headings of their own, so they fall outside it.
    """
    lines = text.split("\n")
    tops = [index for index, level, _ in headings(lines) if level == 1] + [len(lines)]
    for start, end in zip(tops, tops[1:]):
        part = lines[start:end]
        if any(CODE_HEADING_TEXT.fullmatch(t) for _, _, t in headings(part)):
            return part
    raise AssertionError("no section with code headings")


def heading_name(rest: str) -> str:
    """A code heading's name: its text after the code, without the permalink."""
    return reader_text(rest.split("[\u200b]", maxsplit=1)[0])


def code_blocks(lines: list[str]) -> list[tuple[int, str, list[str]]]:
    """``(code, heading name, lines up to the next heading)`` for every code heading."""
    found = headings(lines)
    blocks = []
    for number, (index, _, text) in enumerate(found):
        code = CODE_HEADING_TEXT.fullmatch(text)
        if code is None:
            continue
        end = found[number + 1][0] if number + 1 < len(found) else len(lines)
        blocks.append((int(code.group(1)), heading_name(code.group(2)), lines[index + 1 : end]))
    return blocks


def block_messages(body: list[str]) -> list[str]:
    """The bullets of a code's block (continuation lines joined), or else its paragraphs."""
    items: list[list[str]] = []
    paragraphs: list[list[str]] = [[]]
    for line in body:
        if THEMATIC_BREAK.fullmatch(line):
            line = ""  # noqa: PLW2901 (a rule ends a paragraph like a blank line)
        bullet = BULLET.fullmatch(line)
        if bullet:
            items.append([bullet.group(1)])
        elif items and line.strip() and line[0].isspace():
            items[-1].append(line)
        elif line.strip() and not items:
            paragraphs[-1].append(line)
        elif not line.strip():
            paragraphs.append([])
    chosen = items or [p for p in paragraphs if p]
    return [reader_text(" ".join(lines)) for lines in chosen]


# -- the parser's view ---------------------------------------------------------------


@cache
def parsed(capture: str) -> Page:
    return parse_document(capture_text(capture), None, capture)


def names_by_code(blocks: list[tuple[int, str, list[str]]]) -> dict[int, list[str]]:
    """The distinct heading names of each code, in page order."""
    names: dict[int, list[str]] = {}
    for code, name, _ in blocks:
        if name not in names.setdefault(code, []):
            names[code].append(name)
    return names


def texts_of_heading(entry: ErrorEntry, position: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The messages and notes kept for the code's first heading (0) or its later, renamed ones.

    The first heading's free text, when it reads as a message, comes first in
    the messages: it is not a bullet, so it is left out here.
    """
    if position:
        return entry.aliases[position - 1].messages, ()
    messages = entry.messages
    if entry.title is not None and title_is_message(entry.title):
        assert messages[0] == entry.title
        messages = messages[1:]
    return messages, entry.notes


def enum_names(code: int, heading: str) -> tuple[str, str]:
    """The name a heading should give, bare and with the clash suffix ``_<digits>``."""
    if re.fullmatch(r"[A-Z][A-Z0-9_]*", heading):
        name = heading
    else:
        name = re.sub(r"[^A-Za-z0-9]+", "_", heading).strip("_").upper() or f"ERROR_{-code}"
    return name, f"{name}_{-code}"


# -- every Markdown capture ---------------------------------------------------------


@pytest.mark.parametrize("capture", MARKDOWN_CAPTURES)
def test_codes_are_the_distinct_english_code_headings(capture: str) -> None:
    expected = {code for code, _, _ in code_blocks(english_half(capture_text(capture)))}
    page = parsed(capture)
    assert len(page.errors) == len(expected)
    assert {e.code for e in page.errors} == expected


@pytest.mark.parametrize("capture", MARKDOWN_CAPTURES)
def test_every_message_is_kept_verbatim_in_order(capture: str) -> None:
    entries = {e.code: e for e in parsed(capture).errors}
    blocks = code_blocks(english_half(capture_text(capture)))
    names = names_by_code(blocks)
    for code, name, body in blocks:
        bullets = tuple(dict.fromkeys(m for m in block_messages(body) if m))
        messages, notes = texts_of_heading(entries[code], names[code].index(name))
        assert messages == tuple(m for m in bullets if not is_note(m)), (code, name)
        assert notes == tuple(m for m in bullets if is_note(m)), (code, name)
    total = sum(
        len(e.messages) + len(e.notes) + sum(len(a.messages) for a in e.aliases)
        - (e.title is not None and title_is_message(e.title))
        for e in entries.values()
    )  # fmt: skip
    assert total == sum(len(set(block_messages(body))) for _, _, body in blocks)


@pytest.mark.parametrize("capture", MARKDOWN_CAPTURES)
def test_a_code_listed_under_two_names_keeps_both(capture: str) -> None:
    names = names_by_code(code_blocks(english_half(capture_text(capture))))
    for entry in parsed(capture).errors:
        headings_of_code = names[entry.code]
        assert len(entry.aliases) == len(headings_of_code) - 1, entry.code
        given = [entry.name, *(a.name for a in entry.aliases)]
        for name, heading in zip(given, headings_of_code):
            assert name in enum_names(entry.code, heading), (entry.code, heading)


@pytest.mark.parametrize("capture", MARKDOWN_CAPTURES)
def test_the_zh_cn_half_never_leaks(capture: str) -> None:
    for entry in parsed(capture).errors:
        text = " ".join(english_fields(entry))
        found = CJK.findall(text)
        # The English options page itself writes "Invalid asset。" (both captures of it).
        assert found in ([], ["\u3002"]) and (not found or entry.code == -1129), entry.code


def english_fields(entry: ErrorEntry) -> list[str]:
    return [
        entry.name,
        entry.section,
        entry.title or "",
        *entry.messages,
        *(a.name for a in entry.aliases),
        *(m for a in entry.aliases for m in a.messages),
    ]


@pytest.mark.parametrize(
    ("markdown", "html"),
    [("spot-md-1.txt", "spot-html-1.txt"), ("spot-testnet-md-1.txt", "spot-testnet-html-1.txt")],
)
def test_the_bilingual_markdown_capture_and_the_html_page_agree(markdown: str, html: str) -> None:
    """Table cells broken over several lines by the HTML-to-Markdown conversion are rejoined.

    One difference: the conversion lost the ``<a id="other-errors">`` before the
    order rejections, so -1013's note binds only the filter failures there.
    """
    assert parsed(markdown).errors == parsed(html).errors
    from_html = [
        replace(t, codes=tuple(c for c in t.codes if c != -1013)) for t in parsed(html).tables
    ]
    from_markdown = [
        replace(t, codes=tuple(c for c in t.codes if c != -1013)) for t in parsed(markdown).tables
    ]
    assert from_markdown == from_html
    assert [-1013 in t.codes for t in parsed(html).tables] == [True, True]
    assert [-1013 in t.codes for t in parsed(markdown).tables] == [False, True]


@pytest.mark.parametrize("capture", ["spot-html-1.txt", "spot-testnet-html-1.txt"])
def test_html_codes_are_the_distinct_code_headings(capture: str) -> None:
    expected = {int(code) for code in HTML_CODE_HEADING.findall(capture_text(capture))}
    assert {e.code for e in parsed(capture).errors} == expected
    assert len(parsed(capture).errors) == len(expected)


IDS = ("order_rejections", "filter_failures")


@pytest.mark.parametrize("capture", ["margin-md-1.txt", "other-wallet-md-1.txt"])
def test_a_table_split_by_a_line_break_keeps_every_row(capture: str) -> None:
    rejections, filters = (next(t for t in parsed(capture).tables if t.id == i) for i in IDS)
    assert len(filters.rows) == 14
    assert filters.rows[7].message == "Filter failure: MAX_POSITION"
    assert filters.rows[7].description == (
        "The account's position has reached the maximum defined limit.\n"
        "This is composed of the sum of the balance of the base asset, and the sum of the"
        " quantity of all open BUYorders."
    )
    assert filters.rows[-1].message == "Filter failure: EXCHANGE_MAX_NUM_ALGO_ORDERS"
    assert len(rejections.rows) == 26
    assert rejections.codes == (-1010, -2010, -2011)
    assert rejections.rows[-1].description == (
        "Either cancelRestrictions was set to ONLY_NEW but the order status was not NEW\nor\n"
        "cancelRestrictions was set to ONLY_PARTIALLY_FILLED but the order status was not"
        " PARTIALLY_FILLED."
    )


# -- the committed spec ------------------------------------------------------------------


@cache
def committed_spec() -> Spec:
    return read_spec(REPO / "spec" / "errors.yaml")


def committed(product_id: str) -> Product:
    product = committed_spec().product(product_id)
    assert product is not None, product_id
    return product


def test_every_product_is_registered_and_committed() -> None:
    assert tuple(SOURCES) == PRODUCT_IDS
    spec = committed_spec()
    assert sorted(p.id for p in spec.products) == sorted(PRODUCT_IDS)
    for product in spec.products:
        assert product.source == SOURCES[product.id].source
        assert product.source.url.startswith("https://developers.binance.com/docs/")


@pytest.mark.parametrize("product_id", PRODUCT_IDS)
def test_committed_spec_is_what_the_capture_says(product_id: str) -> None:
    entry = SOURCES[product_id]
    assert entry.capture is not None
    product = committed(product_id)
    scraped = product_from_page(parsed(entry.capture), entry.id, entry.title, entry.source)
    if not any(e.added or e.removed for e in product.errors):
        assert product == scraped
        return
    # A product rebuilt from its Markdown history (make backfill) may be newer
    # than its capture; everything the capture says must still be there as-is.
    assert [replace(t, former_rows=()) for t in product.tables] == list(scraped.tables)
    for fresh in scraped.errors:
        kept = product.error(fresh.code)
        assert kept is not None and kept.live, fresh.code
        bare = replace(kept, added=None, removed=None, former_names=(), former_messages=())
        assert bare == fresh, fresh.code


@pytest.mark.parametrize("product_id", PRODUCT_IDS)
def test_no_cjk_in_any_english_field_of_the_spec(product_id: str) -> None:
    product = committed(product_id)
    found = {
        (entry.code, text)
        for entry in product.errors
        for text in english_fields(entry)
        if CJK.search(text)
    }
    found |= {
        (0, text)
        for table in product.tables
        for text in (table.title, *(f for r in table.rows for f in (r.message, r.description)))
        if CJK.search(text)
    }
    # The only one is upstream's own: the English options page ends -1129's message with "。".
    assert found == ({(-1129, "Invalid asset\u3002")} if product_id == "options" else set())


# Copied by hand from the raw captures (see sources.yaml for which).
HAND_CHECKED: dict[tuple[str, int], tuple[str, str, tuple[str, ...]]] = {
    ("spot_testnet", -1135): (
        "INVALID_JSON",
        "11xx - Request issues",
        ("Invalid JSON Request.", "JSON sent for parameter '%s' is not valid"),
    ),
    ("spot_testnet", -2026): (
        "ORDER_ARCHIVED",
        "11xx - Request issues",
        (
            "Order was canceled or expired with no executed qty over 90 days ago and has been archived.",
        ),
    ),
    ("usdm", -1008): (
        "REQUEST_THROTTLED",
        "10xx - General Server or Network issues",
        (
            "Request Throttled",  # the heading's free text
            "Server is currently overloaded with other requests. Please try again in a few minutes.",
            "Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please try again.",
        ),
    ),
    ("usdm", -5026): (
        "EXCEED_MAXIMUM_MODIFY_ORDER_LIMIT",
        "50xx - Order Execution Issues",
        ("Exceed maximum modify order limit.",),
    ),
    ("coinm", -4220): (
        "CANNOT_CHANGE_DUAL_SIDE",
        "40xx - Filters and other Issues",
        (
            "The operation is rejected because the CM dual-side is not allowed to be different from UM dual-side.",
        ),
    ),
    ("coinm", -1003): (
        "TOO_MANY_REQUESTS",
        "10xx - General Server or Network issues",
        (
            "Too many requests; current limit is %s requests per minute. Please use the websocket for live updates to avoid polling the API.",
            "Way too many requests; IP banned until %s. Please use the websocket for live updates to avoid bans.",
        ),
    ),
    ("options", -1130): (
        "INVALID_PARAMETER",
        "11xx - 2xxx Request issues",
        ("Invalid data sent for a parameter.", "Data sent for paramter %s is not valid."),
    ),
    ("options", -6008): (
        "INVALID_LIMIT",
        "3xxx-5xxx Filters and other issues",
        ("parameter 'limit' is invalid.",),
    ),
    ("portfolio_margin", -1101): (
        "TOO_MANY_PARAMETERS",
        "11xx - Request issues",
        (
            "Too many parameters sent for this endpoint.",
            "Too many parameters; expected '%s' and received '%s'.",
            "Duplicate values for a parameter detected.",
        ),
    ),
    ("portfolio_margin", -51078): (
        "NET_ASSET_MUST_LTE_RATIO",
        "50xx/51xxx - Order Execution Issues",
        ("Fail to retrieve margin assets.",),
    ),
    ("margin", -18002): (
        "ERROR_18002",
        "18xxx - Binance Code",
        (
            "The total amount of codes you created has exceeded the 24-hour limit, please try again after UTC 0",
        ),
    ),
    ("margin", -20121): ("ERROR_20121", "20xxx - Futures/Spot Algo", ("Invalid symbol.",)),
    ("margin", -2021): (
        "ORDER_CANCEL_REPLACE_PARTIALLY_FAILED",
        "Errors regarding POST /api/v3/order/cancelReplace",
        ("Order cancel-replace partially failed",),  # the prose below it is a note
    ),
    ("margin", -12014): (
        "TOO_MANY_REQUESTS_12014",
        "12xxx - Liquid Swap",
        ("More than 1 request in 2 seconds",),
    ),
    ("wallet", -1099): (
        "NOT_FOUND_AUTHENTICATED_OR_AUTHORIZED",
        "10xx - General Server or Network issues",
        ("Not found, authenticated, or authorized",),  # "This replaces error code -1999" is a note
    ),
    ("wallet", -4005): (
        "CAPAITAL_TOO_MANY_REQUEST",
        "3xxx-5xxx SAPI-specific issues",
        ("Too many new requests.",),
    ),
}


@pytest.mark.parametrize(("product_id", "code"), sorted(HAND_CHECKED))
def test_hand_checked_entries(product_id: str, code: int) -> None:
    entry = committed(product_id).error(code)
    assert entry is not None
    assert (entry.name, entry.section, entry.messages) == HAND_CHECKED[product_id, code]


@pytest.mark.parametrize("product_id", ["margin", "wallet"])
def test_minus_5012_is_kept_under_both_names(product_id: str) -> None:
    entry = committed(product_id).error(-5012)
    assert entry is not None
    assert (entry.name, entry.messages) == ("TRANSFER_PENDING", ("Asset transfer is in pending.",))
    assert [(a.name, a.messages) for a in entry.aliases] == [
        ("FUTURE_ACCT_OR_SUBRELATION_NOT_EXIST", ("future account or sub relation not exists.",))
    ]


@pytest.mark.parametrize(
    ("product_id", "code", "title"),
    [
        ("usdm", -1008, "Request Throttled"),
        ("wallet", -1099, "Not found, authenticated, or authorized"),
        ("margin", -12014, "TOO MANY REQUESTS"),
        ("margin", -2022, "Order cancel-replace failed."),
        ("margin", -18002, None),
    ],
)
def test_free_text_headings_keep_their_text(product_id: str, code: int, title: str | None) -> None:
    entry = committed(product_id).error(code)
    assert entry is not None and entry.title == title
