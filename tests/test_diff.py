"""The semantic diff: what it finds, how it reads, and the ``diff`` command."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from scraper.diff import diff_specs, summary_line, to_json, to_markdown
from scraper.merge import merge_product
from scraper.model import Alias, ErrorEntry, MessageTable, Product, Source, Spec, TableRow
from scraper.spec import dump_spec, read_spec
from tests.conftest import FIXTURES, run_cli

SOURCE = Source("https://developers.binance.com/docs/binance-spot-api-docs/errors", "html")
GOLDEN = FIXTURES / "golden" / "spec.yaml"


def spot(
    *errors: ErrorEntry, tables: tuple[MessageTable, ...] = (), updated: str | None = None
) -> Product:
    return Product("spot", "Binance Spot API", SOURCE, updated, errors, tables)


OLD = spot(
    ErrorEntry(-1000, "UNKNOWN", "10xx", ("An unknown error occurred.",), added="2020-11-29"),
    ErrorEntry(-1003, "TOO_MANY_REQUEST", "10xx", ("Too many requests.",), added="2020-11-29"),
    ErrorEntry(
        -1139,
        "INVALID_TICKER_TYPE",
        "11xx",
        ("Invalid ticker type.",),
        added="2024-01-31",
        removed="2024-02-08",
    ),
    ErrorEntry(
        -2021, "A", "Errors regarding POST /api/v3/order/cancelReplace", ("a",), added="2022-06-15"
    ),
    ErrorEntry(-5012, "TRANSFER_PENDING", "5xxx", ("p",), aliases=(Alias("OTHER", ("o",)),)),
    tables=(
        MessageTable(
            "filter_failures",
            "-9xxx Filter failures",
            (-1013,),
            (
                TableRow("Filter failure: PRICE_FILTER", "price is too high."),
                TableRow("Filter failure: LOT_SIZE", "qty."),
            ),
        ),
    ),
    updated="2025-01-09",
)
FRESH = spot(
    ErrorEntry(-1000, "UNKNOWN", "10xx", ("An unknown error occurred.",)),
    ErrorEntry(
        -1003, "TOO_MANY_REQUESTS", "10xx", ("Too many requests queued.", "Way | too <b>many</b>.")
    ),
    ErrorEntry(-1139, "INVALID_TICKER_TYPE", "11xx", ("Invalid ticker type.",)),
    ErrorEntry(-1222, "NEW_ONE", "11xx", ("Fresh.",)),
    ErrorEntry(-2021, "A", "Errors regarding placing orders via cancelReplace", ("a",)),
    ErrorEntry(-5012, "TRANSFER_PENDING", "5xxx", ("p",)),
    tables=(
        MessageTable(
            "filter_failures",
            "Filter failures",
            (-1013,),
            (
                TableRow("Filter failure: PRICE_FILTER", "price is too high or too low."),
                TableRow("Filter failure: NOTIONAL", "notional."),
            ),
        ),
    ),
    updated="2025-04-01",
)


def merged_pair() -> tuple[Spec, Spec]:
    old = Spec((OLD,))
    new = Spec((merge_product(OLD, FRESH, "2025-04-01"),))
    return old, new


def test_every_kind_of_change_is_found() -> None:
    old, new = merged_pair()
    (product,) = diff_specs(old, new).products
    assert [e.code for e in product.added] == [-1222]
    assert [e.code for e in product.returned] == [-1139]
    assert product.removed == () and product.deleted == ()
    assert [(r.code, r.old, r.new) for r in product.renamed] == [
        (-1003, "TOO_MANY_REQUEST", "TOO_MANY_REQUESTS")
    ]
    assert [(m.code, m.before, m.after) for m in product.messages] == [
        (-1003, ("Too many requests.",), ("Too many requests queued.", "Way | too <b>many</b>."))
    ]
    assert [(a.code, a.removed) for a in product.aliases] == [(-5012, ("OTHER",))]
    assert product.sections_renamed == (
        (
            "Errors regarding POST /api/v3/order/cancelReplace",
            "Errors regarding placing orders via cancelReplace",
        ),
    )
    assert product.moved == ()
    (table,) = product.tables
    assert (table.id, table.old_title, table.title) == (
        "filter_failures",
        "-9xxx Filter failures",
        "Filter failures",
    )
    assert [r.message for r in table.rows_added] == ["Filter failure: NOTIONAL"]
    assert [r.message for r in table.rows_removed] == ["Filter failure: LOT_SIZE"]
    assert [(a.description, b.description) for a, b in table.descriptions_changed] == [
        ("price is too high.", "price is too high or too low.")
    ]
    assert product.last_updated == ("2025-01-09", "2025-04-01")


def test_a_tombstone_shows_as_removed_and_a_deleted_code_as_deleted() -> None:
    old = Spec((OLD,))
    fresh = replace(FRESH, errors=tuple(e for e in FRESH.errors if e.code != -1000))
    tombstoned = Spec((merge_product(OLD, fresh, "2025-04-01"),))
    (product,) = diff_specs(old, tombstoned).products
    assert [(e.code, e.removed) for e in product.removed] == [(-1000, "2025-04-01")]
    dropped = Spec((replace(OLD, errors=OLD.errors[1:]),))
    (product,) = diff_specs(old, dropped).products
    assert [e.code for e in product.deleted] == [-1000]
    assert "1 code deleted from the spec" in summary_line(diff_specs(old, dropped))


def test_summary_comes_first_and_counts_what_changed() -> None:
    old, new = merged_pair()
    text = to_markdown(diff_specs(old, new))
    first = text.splitlines()[0]
    assert first == summary_line(diff_specs(old, new))
    assert first == (
        "spot: 1 code added, 1 code returned, 1 code renamed, 1 code with changed messages,"
        " 1 code with changed aliases, 1 section renamed, 3 table rows changed, 1 table renamed,"
        " page date changed."
    )
    assert summary_line(diff_specs(new, new)) == "No changes."
    assert to_markdown(diff_specs(new, new)) == "No changes.\n"


def test_markdown_lists_codes_and_before_after_and_escapes_upstream_text() -> None:
    old, new = merged_pair()
    text = to_markdown(diff_specs(old, new))
    assert "### Added (1)\n\n- `-1222` `NEW_ONE`: “Fresh.”" in text
    assert "### Renamed (1)\n\n- `-1003` `TOO_MANY_REQUEST` → `TOO_MANY_REQUESTS`" in text
    assert "  - before: “Too many requests.”\n  - after: “Too many requests queued.”" in text
    assert "Way \\| too &lt;b&gt;many&lt;/b&gt;." in text
    assert "<b>" not in text
    assert "### Sections renamed (1)" in text and "### Returned (1)" in text


def test_new_and_dropped_products() -> None:
    old, new = merged_pair()
    (added,) = diff_specs(Spec(()), new).products
    assert added.status == "new" and len(added.added) == len(new.products[0].errors) == 6
    (dropped,) = diff_specs(old, Spec(())).products
    assert dropped.status == "dropped"
    assert summary_line(diff_specs(old, Spec(()))) == "spot: dropped from the spec (5 codes)."


def test_json_is_deterministic_and_complete() -> None:
    old, new = merged_pair()
    text = to_json(diff_specs(old, new))
    assert text == to_json(diff_specs(old, new))
    data = json.loads(text)
    assert data["summary"] == summary_line(diff_specs(old, new))
    (product,) = data["products"]
    assert [e["code"] for e in product["added"]] == [-1222]
    assert product["renamed"] == [
        {"code": -1003, "old": "TOO_MANY_REQUEST", "new": "TOO_MANY_REQUESTS"}
    ]
    assert product["messages_changed"][0]["after"][1] == "Way | too <b>many</b>."


def test_diff_command(tmp_path: Path) -> None:
    old, new = merged_pair()
    old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_path.write_text(dump_spec(old), encoding="utf-8")
    new_path.write_text(dump_spec(new), encoding="utf-8")
    markdown = run_cli("diff", old_path, new_path)
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout == to_markdown(diff_specs(read_spec(old_path), read_spec(new_path)))
    as_json = run_cli("diff", old_path, new_path, "--format", "json")
    assert json.loads(as_json.stdout)["summary"] == markdown.stdout.splitlines()[0]
    same = run_cli("diff", GOLDEN, GOLDEN)
    assert same.stdout == "No changes.\n"
    missing = run_cli("diff", tmp_path / "nope.yaml", new_path)
    assert missing.returncode == 6
    assert missing.stderr == f"error: {tmp_path / 'nope.yaml'}: no such file\n"


def test_notes_that_change_are_listed_apart_from_messages() -> None:
    entry = ErrorEntry(-2021, "A", "Cancel-replace", ("Order cancel-replace partially failed",))
    before = spot(replace(entry, notes=("This code is sent when either fails.",)))
    after = spot(replace(entry, notes=("This code is sent when one of them fails.",)))
    diff = diff_specs(Spec((before,)), Spec((after,)))
    assert summary_line(diff) == "spot: 1 code with changed notes."
    body = to_markdown(diff)
    assert "### Notes changed (1)" in body
    assert "  - before: “This code is sent when either fails.”" in body
    assert "  - after: “This code is sent when one of them fails.”" in body
    data = json.loads(to_json(diff))["products"][0]
    assert data["notes_changed"] == [
        {
            "code": -2021,
            "name": "A",
            "before": ["This code is sent when either fails."],
            "after": ["This code is sent when one of them fails."],
        }
    ]
    assert data["messages_changed"] == []
    reordered = spot(replace(entry, notes=("b.", "a.")))
    lines = to_markdown(diff_specs(Spec((spot(replace(entry, notes=("a.", "b."))),)),
                                   Spec((reordered,))))  # fmt: skip
    assert "  - same notes, new order" in lines
