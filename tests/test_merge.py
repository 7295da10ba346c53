"""Merging a fresh page into the committed product, and the shrink guard, on hand-made products."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.annotations import NO_ANNOTATIONS
from scraper.atomic_write import write_tree
from scraper.exceptions import ShrinkError
from scraper.merge import (
    check_shrink,
    match_tables,
    merge_product,
    section_renames,
    shrink_problems,
    upstream_name,
)
from scraper.model import (
    Alias,
    ErrorEntry,
    FormerMessage,
    FormerRow,
    MessageTable,
    Product,
    Source,
    Spec,
    TableRow,
)
from scraper.parse import parse_document
from scraper.render import render_all
from scraper.spec import dump_spec, load_spec, product_from_page

SOURCE = Source("https://developers.binance.com/docs/binance-spot-api-docs/errors", "html")
GENERAL = "10xx - General Server or Network issues"
REQUEST = "11xx - Request issues"


def entry(code: int, name: str, section: str = GENERAL, *messages: str) -> ErrorEntry:
    return ErrorEntry(code, name, section, messages or (f"message of {code}",))


def page(*entries: ErrorEntry, tables: tuple[MessageTable, ...] = ()) -> Product:
    """A fresh product, as product_from_page builds it (no dates)."""
    return Product("spot", "Binance Spot API", SOURCE, None, entries, tables)


def by_code(product: Product) -> dict[int, ErrorEntry]:
    return {e.code: e for e in product.errors}


def apply(*pages: tuple[str, Product]) -> Product:
    merged: Product | None = None
    for date, fresh in pages:
        merged = merge_product(merged, fresh, date)
    assert merged is not None
    return merged


# -- dates and tombstones ------------------------------------------------------


def test_first_merge_dates_every_code() -> None:
    merged = merge_product(
        None, page(entry(-1000, "UNKNOWN"), entry(-1001, "DISCONNECTED")), "2020-11-29"
    )
    assert [(e.code, e.added, e.removed) for e in merged.errors] == [
        (-1000, "2020-11-29", None),
        (-1001, "2020-11-29", None),
    ]


def test_a_dropped_code_becomes_a_tombstone_and_keeps_its_first_removal_date() -> None:
    both = page(entry(-1000, "UNKNOWN"), entry(-1001, "DISCONNECTED", GENERAL, "Internal error."))
    one = page(entry(-1000, "UNKNOWN"))
    merged = apply(("2020-11-29", both), ("2021-05-04", one), ("2022-01-01", one))
    gone = by_code(merged)[-1001]
    assert (gone.added, gone.removed) == ("2020-11-29", "2021-05-04")
    assert gone.messages == ("Internal error.",) and gone.name == "DISCONNECTED"


def test_a_code_that_comes_back_loses_removed_and_keeps_added() -> None:
    both = page(entry(-1000, "UNKNOWN"), entry(-1139, "INVALID_TICKER_TYPE"))
    one = page(entry(-1000, "UNKNOWN"))
    merged = apply(("2024-01-31", both), ("2024-02-08", one), ("2024-04-02", both))
    back = by_code(merged)[-1139]
    assert (back.added, back.removed) == ("2024-01-31", None)


def test_messages_section_and_title_come_from_the_page() -> None:
    old = apply(("2020-11-29", page(entry(-1100, "ILLEGAL_CHARS", GENERAL, "Illegal characters."))))
    fresh = page(entry(-1100, "ILLEGAL_CHARS", REQUEST, "Illegal characters found.", "Second."))
    merged = by_code(merge_product(old, fresh, "2021-01-01"))[-1100]
    assert merged.messages == ("Illegal characters found.", "Second.")
    assert merged.section == REQUEST and merged.added == "2020-11-29"


def test_page_details_come_from_the_fresh_page() -> None:
    old = merge_product(None, page(entry(-1000, "UNKNOWN")), "2020-11-29")
    fresh = Product("spot", "New title", SOURCE, "2025-06-11", (entry(-1000, "UNKNOWN"),), ())
    merged = merge_product(old, fresh, "2025-06-12")
    assert (merged.title, merged.last_updated) == ("New title", "2025-06-11")


def test_merging_the_same_page_twice_changes_nothing() -> None:
    fresh = page(entry(-1000, "UNKNOWN"), entry(-1003, "TOO_MANY_REQUESTS"))
    once = apply(("2020-11-29", page(entry(-1000, "UNKNOWN"))), ("2021-01-01", fresh))
    assert merge_product(once, fresh, "2030-01-01") == once


# -- former messages and the revision date ---------------------------------------


def test_a_dropped_message_becomes_a_former_message_dated_by_the_previous_revision() -> None:
    first = page(entry(-1003, "TOO_MANY", GENERAL, "Use the websocket.", "Queued."))
    touched = page(entry(-1003, "TOO_MANY", GENERAL, "Use the websocket.", "Queued.")
                   , entry(-1004, "OTHER"))  # fmt: skip
    second = page(entry(-1003, "TOO_MANY", GENERAL, "Use WebSocket Streams.", "Queued."))
    merged = apply(("2020-11-29", first), ("2021-03-01", touched), ("2022-06-15", second))
    code = by_code(merged)[-1003]
    assert code.messages == ("Use WebSocket Streams.", "Queued.")
    assert code.former_messages == (FormerMessage("Use the websocket.", "2021-03-01"),)
    assert merged.revised == "2022-06-15"


def test_a_former_message_the_page_gives_again_leaves_the_list() -> None:
    old = page(entry(-1111, "BAD_PRECISION", REQUEST, "Precision is over the maximum."))
    new = page(entry(-1111, "BAD_PRECISION", REQUEST, "Precision is too high."))
    merged = apply(("2020-11-29", old), ("2021-01-01", new), ("2022-01-01", old))
    assert by_code(merged)[-1111].former_messages == (
        FormerMessage("Precision is too high.", "2021-01-01"),
    )
    again = merge_product(merged, new, "2023-01-01")
    assert by_code(again)[-1111].former_messages == (
        FormerMessage("Precision is over the maximum.", "2022-01-01"),
    )


def test_an_alias_message_dropped_counts_and_a_tombstone_returning_dates_nothing() -> None:
    aliased = replace(
        entry(-5012, "ASSET_NOT_SUPPORTED", GENERAL, "Asset not supported."),
        aliases=(Alias("ASSET_IS_NOT_SUPPORTED", ("Asset is not supported.",)),),
    )
    plain = entry(-5012, "ASSET_NOT_SUPPORTED", GENERAL, "Asset not supported.")
    merged = apply(("2020-11-29", page(aliased)), ("2021-01-01", page(plain)))
    assert by_code(merged)[-5012].former_messages == (
        FormerMessage("Asset is not supported.", "2020-11-29"),
    )
    both = page(entry(-1000, "UNKNOWN"), entry(-1139, "TICKER", GENERAL, "Old wording."))
    back = page(entry(-1000, "UNKNOWN"), entry(-1139, "TICKER", GENERAL, "New wording."))
    merged = apply(("2024-01-31", both), ("2024-02-08", page(entry(-1000, "UNKNOWN"))),
                   ("2024-04-02", back))  # fmt: skip
    assert by_code(merged)[-1139].former_messages == (FormerMessage("Old wording.", None),)


def test_a_dropped_table_row_becomes_a_former_row_until_it_returns() -> None:
    def rejections(*messages: str) -> MessageTable:
        rows = tuple(TableRow(m, f"about {m}") for m in messages)
        return MessageTable("order_rejections", "Messages for -2010", (-2010,), rows)

    typo = page(entry(-1000, "UNKNOWN"), tables=(rejections("This action disabled is.", "A."),))
    fixed = page(entry(-1000, "UNKNOWN"), tables=(rejections("This action is disabled.", "A."),))
    merged = apply(("2020-11-29", typo), ("2022-04-12", fixed))
    (table,) = merged.tables
    assert table.former_rows == (
        FormerRow("This action disabled is.", "about This action disabled is.", "2020-11-29"),
    )
    assert load_spec(dump_spec(Spec((merged,))), "m") == Spec((merged,))
    back = merge_product(merged, typo, "2023-01-01")
    assert [r.message for r in back.tables[0].former_rows] == ["This action is disabled."]


def test_revised_moves_only_when_the_product_changes() -> None:
    fresh = page(entry(-1000, "UNKNOWN"))
    once = merge_product(None, fresh, "2020-11-29")
    assert once.revised == "2020-11-29"
    assert merge_product(once, fresh, "2021-01-01") == once
    scraped = replace(once, revised=None)
    changed = merge_product(scraped, page(entry(-1000, "UNKNOWN", GENERAL, "New.")), "2021-01-01")
    assert changed.revised == "2021-01-01"
    assert by_code(changed)[-1000].former_messages == (FormerMessage("message of -1000", None),)
    assert load_spec(dump_spec(Spec((changed,))), "m") == Spec((changed,))


# -- stable names --------------------------------------------------------------


def test_an_upstream_rename_keeps_the_old_name_as_a_former_name() -> None:
    merged = apply(
        ("2020-11-29", page(entry(-1003, "TOO_MANY_REQUEST"))),
        ("2021-01-01", page(entry(-1003, "TOO_MANY_REQUESTS"))),
    )
    renamed = by_code(merged)[-1003]
    assert (renamed.name, renamed.former_names) == ("TOO_MANY_REQUESTS", ("TOO_MANY_REQUEST",))


def test_renaming_back_swaps_current_and_former() -> None:
    merged = apply(
        ("2020-11-29", page(entry(-1003, "A"))),
        ("2021-01-01", page(entry(-1003, "B"))),
        ("2022-01-01", page(entry(-1003, "A"))),
    )
    assert (by_code(merged)[-1003].name, by_code(merged)[-1003].former_names) == ("A", ("B",))


@pytest.mark.parametrize("how", ["live", "tombstone", "former"])
def test_a_newcomer_never_takes_a_name_already_in_the_spec(how: str) -> None:
    first = page(entry(-1000, "UNKNOWN"), entry(-1001, "TAKEN"))
    if how == "live":
        history = [("2020-01-01", first)]
        newcomer_page = page(entry(-1000, "UNKNOWN"), entry(-1001, "TAKEN"), entry(-1999, "TAKEN"))
    elif how == "tombstone":
        history = [("2020-01-01", first), ("2020-02-01", page(entry(-1000, "UNKNOWN")))]
        newcomer_page = page(entry(-1000, "UNKNOWN"), entry(-1999, "TAKEN"))
    else:
        history = [
            ("2020-01-01", first),
            ("2020-02-01", page(entry(-1000, "UNKNOWN"), entry(-1001, "RENAMED"))),
        ]
        newcomer_page = page(
            entry(-1000, "UNKNOWN"), entry(-1001, "RENAMED"), entry(-1999, "TAKEN")
        )
    merged = merge_product(apply(*history), newcomer_page, "2021-01-01")
    assert by_code(merged)[-1999].name == "TAKEN_1999"
    owner = by_code(merged)[-1001]
    assert "TAKEN" in (owner.name, *owner.former_names)
    assert load_spec(dump_spec(Spec((merged,))), "merged") == Spec((merged,))


def test_an_existing_code_keeps_its_name_when_the_page_order_would_suffix_it() -> None:
    old = apply(("2020-01-01", page(entry(-2010, "NEW_ORDER_REJECTED"))))
    # On the new page, a newcomer with the same name comes first, so the parser
    # suffixes the existing code; the merge gives the suffix to the newcomer.
    text = "## S\n### -1999 NEW_ORDER_REJECTED\n* a\n### -2010 NEW_ORDER_REJECTED\n* b\n"
    parsed = parse_document(text, "markdown", "page")
    assert [e.name for e in parsed.errors] == ["NEW_ORDER_REJECTED", "NEW_ORDER_REJECTED_2010"]
    fresh = product_from_page(parsed, "spot", "Binance Spot API", SOURCE)
    merged = by_code(merge_product(old, fresh, "2021-01-01"))
    assert merged[-2010].name == "NEW_ORDER_REJECTED" and merged[-2010].former_names == ()
    assert merged[-1999].name == "NEW_ORDER_REJECTED_1999"


def test_a_clash_suffix_is_not_a_rename() -> None:
    assert upstream_name("TOO_MANY_REQUESTS_12014", -12014) == "TOO_MANY_REQUESTS"
    assert upstream_name("TOO_MANY_REQUESTS_12014_2", -12014) == "TOO_MANY_REQUESTS"
    assert upstream_name("ERROR_1234", -1234) == "ERROR"
    assert upstream_name("_1234", -1234) == "_1234"
    old = apply(
        ("2020-01-01", page(entry(-1000, "X"))),
        ("2020-02-01", page(entry(-1000, "X"), entry(-1001, "X_1001"))),
    )
    merged = by_code(
        merge_product(old, page(entry(-1001, "X"), entry(-1000, "X_1000")), "2021-01-01")
    )
    assert (merged[-1000].name, merged[-1001].name) == ("X", "X_1001")
    assert merged[-1000].former_names == merged[-1001].former_names == ()


def test_a_dropped_alias_stays_importable_as_a_former_name() -> None:
    with_alias = ErrorEntry(
        -5012, "TRANSFER_PENDING", "5xxx", ("a",), aliases=(Alias("OTHER", ("b",)),)
    )
    merged = apply(
        ("2020-01-01", page(with_alias)),
        ("2021-01-01", page(entry(-5012, "TRANSFER_PENDING", "5xxx", "a"))),
    )
    kept = by_code(merged)[-5012]
    assert (kept.aliases, kept.former_names) == ((), ("OTHER",))


def test_former_names_are_enum_aliases_unless_another_code_uses_them(tmp_path: Path) -> None:
    merged = apply(
        ("2020-01-01", page(entry(-1000, "UNKNOWN"), entry(-1003, "TOO_MANY_REQUEST"))),
        ("2021-01-01", page(entry(-1000, "UNKNOWN"), entry(-1003, "TOO_MANY_REQUESTS"))),
    )
    # A spec where a former name is some other code's name now (e.g. edited by hand).
    taken = ErrorEntry(-1001, "OLD_NAME", GENERAL, ("m",), former_names=())
    moved = ErrorEntry(-1002, "NEW_NAME", GENERAL, ("m",), former_names=("OLD_NAME",))
    product = Product("spot", "Binance Spot API", SOURCE, None, (*merged.errors, taken, moved), ())
    files = render_all(Spec((product,)), NO_ANNOTATIONS)
    write_tree(tmp_path, files)
    code = (
        "from binance_errors import spot\n"
        "E = spot.ErrorCode\n"
        "assert E.TOO_MANY_REQUEST is E.TOO_MANY_REQUESTS and E(-1003).name == 'TOO_MANY_REQUESTS'\n"
        "assert E.TOO_MANY_REQUESTS.former_names == ('TOO_MANY_REQUEST',)\n"
        "assert E.OLD_NAME == -1001 and E.NEW_NAME.former_names == ('OLD_NAME',)\n"
        "assert E.UNKNOWN.former_names == ()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n{code}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.stdout == "ok\n", result.stderr
    markdown = [text for name, text in files.items() if name.endswith(".md")]
    assert any("`TOO_MANY_REQUESTS`<br>formerly `TOO_MANY_REQUEST`" in t for t in markdown)


# -- sections and tables by content ----------------------------------------------


def test_a_renamed_section_is_found_by_its_codes_and_relabels_tombstones() -> None:
    old_title, new_title = (
        "Errors regarding POST /api/v3/order/cancelReplace",
        "Errors regarding placing orders via cancelReplace",
    )
    old = apply(
        (
            "2022-06-15",
            page(
                entry(-2021, "A", old_title),
                entry(-2022, "B", old_title),
                entry(-2023, "C", old_title),
            ),
        ),
        ("2022-07-01", page(entry(-2021, "A", old_title), entry(-2022, "B", old_title))),
    )
    fresh = page(entry(-2021, "A", new_title), entry(-2022, "B", new_title))
    assert section_renames(old, fresh) == {old_title: new_title}
    assert shrink_problems(old, fresh) == []
    merged = by_code(merge_product(old, fresh, "2025-04-01"))
    assert merged[-2023].section == new_title and merged[-2023].removed == "2022-07-01"


def rows(*messages: str) -> tuple[TableRow, ...]:
    return tuple(TableRow(m, f"about {m}") for m in messages)


def test_tables_are_matched_by_id_then_by_rows() -> None:
    old = (
        MessageTable("filter_failures", "-9xxx Filter failures", (-1013,), rows("F1", "F2")),
        MessageTable("oco", "OCO", (), rows("O1", "O2")),
    )
    new = (
        MessageTable("filter_failures", "Filter failures", (-1013,), rows("F1")),
        MessageTable("oco_rules", "OCO rules", (), rows("O2", "O3")),
    )
    assert [(a and a.id, b and b.id) for a, b in match_tables(old, new)] == [
        ("filter_failures", "filter_failures"),
        ("oco", "oco_rules"),
    ]
    merged = merge_product(
        page(entry(-1000, "U"), tables=old), page(entry(-1000, "U"), tables=new), "2022-12-05"
    )
    assert [t.id for t in merged.tables] == ["filter_failures", "oco"]
    assert merged.tables[1].title == "OCO rules"


# -- the shrink guard -----------------------------------------------------------


def many(count: int, section: str = REQUEST) -> list[ErrorEntry]:
    return [entry(-1100 - i, f"CODE_{i}", section) for i in range(count)]


def test_losing_ten_percent_is_allowed_and_more_is_refused() -> None:
    old = merge_product(None, page(*many(20)), "2020-01-01")
    assert shrink_problems(old, page(*many(18))) == []
    problems = shrink_problems(old, page(*many(17)))
    assert problems == ["the page lost 3 of 20 live codes (15%, over 10%): -1117, -1118, -1119"]


def test_tombstones_do_not_count_as_live() -> None:
    old = apply(("2020-01-01", page(*many(20))), ("2020-02-01", page(*many(18))))
    assert shrink_problems(old, page(*many(17))) == []


def test_a_section_that_lost_every_code_is_refused() -> None:
    old = merge_product(None, page(*many(30), entry(-2021, "A", "Cancel-replace")), "2020-01-01")
    assert shrink_problems(old, page(*many(30))) == [
        "section 'Cancel-replace' lost all its codes: -2021"
    ]


def test_a_table_that_lost_every_row_is_refused_with_what_vanished() -> None:
    tables = (MessageTable("filter_failures", "Filter failures", (-1013,), rows("F1", "F2")),)
    old = merge_product(None, page(*many(5), tables=tables), "2020-01-01")
    with pytest.raises(ShrinkError) as caught:
        check_shrink(old, page(*many(5)), "https://example.test/errors")
    assert caught.value.source == "https://example.test/errors"
    assert "table 'filter_failures' ('Filter failures') lost all its 2 rows" in caught.value.problem
    assert "nothing was changed" in caught.value.problem and "\n" not in caught.value.problem


def test_a_new_product_has_nothing_to_lose() -> None:
    assert shrink_problems(None, page(entry(-1000, "U"))) == []


# -- invariants over any sequence of pages ----------------------------------------

NAMES = st.sampled_from(["UNKNOWN", "DISCONNECTED", "TOO_MANY", "BAD", "ERROR_X"])
PAGES = st.lists(
    st.dictionaries(st.integers(-1010, -1000), NAMES, min_size=1, max_size=8),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(PAGES)
def test_any_sequence_of_pages_keeps_every_code_and_name(pages: list[dict[int, str]]) -> None:
    merged: Product | None = None
    seen: set[int] = set()
    names_ever: dict[int, set[str]] = {}
    for day, codes in enumerate(pages, start=1):
        text = "## Section\n" + "".join(f"### {c} {n}\n* m{c}\n" for c, n in codes.items())
        fresh = product_from_page(parse_document(text, "markdown", "p"), "spot", "Spot", SOURCE)
        merged = merge_product(merged, fresh, f"2020-01-{day:02d}")
        seen |= set(codes)
        assert {e.code for e in merged.errors} == seen
        assert {e.code for e in merged.errors if e.live} == set(codes)
        current: dict[str, int] = {}
        for e in merged.errors:
            assert current.setdefault(e.name, e.code) == e.code
            names_ever.setdefault(e.code, set())
            importable = {e.name, *e.former_names}
            assert names_ever[e.code] <= importable, "a code lost a name consumers could import"
            names_ever[e.code] |= importable
        assert load_spec(dump_spec(Spec((merged,))), "m") == Spec((merged,))
