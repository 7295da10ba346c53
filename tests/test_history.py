"""The history replay: every published revision of the Spot page, applied oldest first.

This is the test that proves the update job works. Starting from an empty
spec, each revision in ``../shared/upstream/history/spot/`` goes through the
update command's own code (:func:`scraper.update.update_spec`, with the
revision's date as ``--date``). After each step the expectations are computed
from the revisions alone (their code headings and dates), not from the merge:
the live codes are exactly the revision's code headings, every code ever seen
is still there with the date it first appeared and the right ``removed`` date,
and the pull-request body lists exactly the codes the step added, removed,
brought back or renamed. ``pytest -s`` shows the per-step figures.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from scraper.diff import summary_line
from scraper.exceptions import SpecError
from scraper.model import Spec
from scraper.parse import parse_document
from scraper.sources import find_source
from scraper.spec import dump_spec, product_from_page, read_spec
from scraper.update import Job, SpecUpdate, pr_body, update_spec
from scripts.backfill import Source, backfill, capture_date, product_revisions, replay_sources
from tests.conftest import HISTORY, REPO, capture_text, history_files, run_cli, upstream_file

CODE_HEADING = re.compile(r"^#{1,6} *\\?(-\d{3,5})\b", re.MULTILINE)
BULLET_CODE = re.compile(r"^- `(-\d+)`", re.MULTILINE)


@dataclass(frozen=True)
class Step:
    revision: Path
    date: str
    update: SpecUpdate
    seconds: float


@pytest.fixture(scope="module")
def steps() -> list[Step]:
    """The replay, once per module: each revision through ``update_spec``."""
    entry = find_source("spot")
    spec = Spec(())
    done = []
    for path in history_files("spot"):
        date = path.name[:10]
        started = time.perf_counter()
        update = update_spec(spec, [Job.from_source(entry, str(path), "markdown")], date)
        done.append(Step(path, date, update, time.perf_counter() - started))
        assert not update.failures, update.failures
        spec = update.new
    return done


def listed(body: str, heading: str) -> set[int]:
    """The codes in the body's ``### heading (N)`` block; N must match the bullets."""
    found = re.search(
        rf"^### {re.escape(heading)} \((\d+)\)\n\n(.*?)(?:\n\n|\Z)", body, re.M | re.S
    )
    if found is None:
        return set()
    codes = [int(code) for code in BULLET_CODE.findall(found.group(2))]
    assert len(codes) == int(found.group(1)), heading
    return set(codes)


def test_replaying_every_revision_keeps_the_whole_history(steps: list[Step]) -> None:
    first_seen: dict[int, str] = {}
    removed_on: dict[int, str] = {}
    live_before: set[int] = set()
    names_before: dict[int, str] = {}
    totals = dict.fromkeys(("added", "removed", "returned", "renamed", "messages"), 0)
    print(
        f"\n{'revision':<30} {'live':>4} {'all':>4} {'+':>3} {'-':>3} {'back':>4} {'ren':>3} {'msg':>3}"
    )
    for step in steps:
        text = step.revision.read_text(encoding="utf-8")
        headings = {int(code) for code in CODE_HEADING.findall(text)}
        names = {
            e.code: e.name for e in parse_document(text, "markdown", step.revision.name).errors
        }
        added = headings - set(first_seen)
        returned = {code for code in headings & set(first_seen) if code not in live_before}
        removed = live_before - headings
        renamed = {c for c in headings & set(names_before) if names_before[c] != names[c]}
        first_seen.update(dict.fromkeys(added, step.date))
        removed_on.update(dict.fromkeys(removed, step.date))
        for code in returned:
            del removed_on[code]

        product = step.update.new.product("spot")
        assert product is not None
        assert {e.code for e in product.errors if e.live} == headings, step.revision.name
        assert {e.code for e in product.errors} == set(first_seen), step.revision.name
        for entry in product.errors:
            assert entry.added == first_seen[entry.code], (step.revision.name, entry.code)
            assert entry.removed == removed_on.get(entry.code), (step.revision.name, entry.code)
            if entry.live:
                assert entry.name == names[entry.code]

        body = pr_body(step.update)
        assert body.splitlines()[0] == summary_line(step.update.diff)
        assert listed(body, "Added") == added, step.revision.name
        assert listed(body, "Removed upstream (kept, deprecated)") == removed, step.revision.name
        assert listed(body, "Returned") == returned, step.revision.name
        assert listed(body, "Renamed") == renamed, step.revision.name

        (diff,) = step.update.diff.changed or (None,)
        messages = len(diff.messages) if diff else 0
        for key, count in zip(totals, (added, removed, returned, renamed)):
            totals[key] += len(count)
        totals["messages"] += messages
        print(
            f"{step.revision.name:<30} {len(headings):>4} {len(product.errors):>4}"
            f" {len(added):>3} {len(removed):>3} {len(returned):>4} {len(renamed):>3} {messages:>3}"
        )
        live_before, names_before = headings, names
    seconds = sum(step.seconds for step in steps)
    print(
        f"replay: {len(steps)} steps in {seconds:.2f}s; codes added {totals['added']},"
        f" removed {totals['removed']}, returned {totals['returned']}, renamed"
        f" {totals['renamed']}; codes with changed messages {totals['messages']}"
    )
    assert len(steps) == len(history_files("spot"))


def test_one_replay_step_through_the_command_line(steps: list[Step], tmp_path: Path) -> None:
    """The last step again, as a real ``update`` process: same spec, same PR body."""
    before, last = steps[-2], steps[-1]
    spec, body = tmp_path / "errors.yaml", tmp_path / "body.md"
    spec.write_text(dump_spec(before.update.new), encoding="utf-8")
    result = run_cli(
        "update", "--product", "spot", "--source", last.revision, "--format", "markdown",
        "--date", last.date, "--spec", spec, "--out", tmp_path / "generated", "--pr-body", body,
        "--release", tmp_path / "release.yaml",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert spec.read_text(encoding="utf-8") == dump_spec(last.update.new)
    assert body.read_text(encoding="utf-8") == pr_body(last.update)


def test_the_committed_spec_is_what_make_backfill_produces(steps: list[Step]) -> None:
    committed = (REPO / "spec" / "errors.yaml").read_text(encoding="utf-8")
    rebuilt, totals = backfill(read_spec(REPO / "spec" / "errors.yaml"), HISTORY, ["spot"])
    assert dump_spec(rebuilt) == committed, "run 'make backfill' and commit the result"
    assert totals.steps == len(steps)
    assert rebuilt.product("spot") == steps[-1].update.new.product("spot")
    every = list(replay_sources())
    assert every == ["spot", "spot_testnet", "usdm", "coinm", "options"]
    upstream_file("captures")
    rebuilt, totals = backfill(read_spec(REPO / "spec" / "errors.yaml"), HISTORY, every)
    assert dump_spec(rebuilt) == committed, "run 'make backfill' and commit the result"
    assert totals.steps == len(steps) + len(history_files("spot-testnet")) + 3 + 3 + 2


def test_older_captures_date_the_futures_and_options_codes() -> None:
    """Each code carries the date of the first capture that lists it (its own updated_at, or the
    commit date the mapping gives a composite doc)."""
    spec = read_spec(REPO / "spec" / "errors.yaml")
    expected = {
        "usdm": [("usdm-md-3.txt", "2025-03-15"), ("usdm-md-2.txt", "2025-05-04"),
                 ("usdm-md-1.txt", "2026-01-15")],
        "coinm": [("coinm-md-3.txt", "2025-05-04"), ("coinm-md-1.txt", "2026-01-15"),
                  ("coinm-md-2.txt", "2026-06-27")],
        "options": [("options-md-2.txt", "2025-04-08"), ("options-md-1.txt", "2026-01-15")],
    }  # fmt: skip
    for product_id, captures in expected.items():
        first_seen: dict[int, str] = {}
        for name, date in captures:
            page = parse_document(capture_text(name), None, name)
            for entry in page.errors:
                first_seen.setdefault(entry.code, date)
        product = spec.product(product_id)
        assert product is not None
        assert {e.code: e.added for e in product.errors} == first_seen, product_id
        assert product.revised == captures[-1][1]
    coinm = spec.product("coinm")
    assert coinm is not None
    assert [e.code for e in coinm.errors if e.added == "2026-06-27"] == [-4120, -4189, -4220]


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "history.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ("- spot\n", "expected a mapping of product id to a list of sources"),
        ("spot: []\n", "expected a mapping of product id to a list of sources"),
        ("spot:\n  - folder: spot\n", "cannot read source"),
        ("usdm:\n  - capture: x.txt\n    date: 15-03-2025\n", "is not YYYY-MM-DD"),
        ("spot: [: bad", "cannot read"),
    ],
)
def test_a_bad_mapping_is_refused(tmp_path: Path, mapping: str, problem: str) -> None:
    with pytest.raises(SpecError, match=re.escape(problem)):
        replay_sources(write_mapping(tmp_path, mapping))


def test_capture_dates_come_from_the_capture_or_else_the_mapping(tmp_path: Path) -> None:
    dated = tmp_path / "dated.txt"
    dated.write_text("---\nupdated_at: 2026-01-15T23:46:40\n---\n# Error Codes\n", encoding="utf-8")
    undated = tmp_path / "undated.txt"
    undated.write_text("# Error Codes\n", encoding="utf-8")
    assert capture_date(dated, None) == "2026-01-15"
    assert capture_date(undated, "2025-03-15") == "2025-03-15"
    with pytest.raises(SpecError, match="has a date of its own"):
        capture_date(dated, "2025-03-15")
    with pytest.raises(SpecError, match="has no date of its own"):
        capture_date(undated, None)
    with pytest.raises(SpecError, match="cannot read the capture"):
        capture_date(tmp_path / "missing.txt", "2025-01-01")
    sources = (Source("capture", "dated.txt"), Source("capture", "undated.txt", "2026-02-01"))
    assert [r.date for r in product_revisions(sources, tmp_path, tmp_path)] == [
        "2026-01-15",
        "2026-02-01",
    ]
    backwards = (Source("capture", "undated.txt", "2027-01-01"), Source("capture", "dated.txt"))
    with pytest.raises(SpecError, match="expected the sources oldest first"):
        product_revisions(backwards, tmp_path, tmp_path)
    with pytest.raises(SpecError, match="no sources to replay for product 'margin'"):
        backfill(read_spec(REPO / "spec" / "errors.yaml"), HISTORY, ["margin"])


def test_the_committed_spec_says_what_the_newest_revision_says() -> None:
    """Live codes, names, messages and tables equal the parse of the newest revision."""
    newest = history_files("spot")[-1]
    page = parse_document(newest.read_text(encoding="utf-8"), "markdown", newest.name)
    parsed = product_from_page(page, "spot", "Binance Spot API", find_source("spot").source)
    committed = read_spec(REPO / "spec" / "errors.yaml").product("spot")
    assert committed is not None
    live = [e for e in committed.errors if e.live]
    assert [(e.code, e.name, e.section, e.messages, e.title, e.aliases) for e in live] == [
        (e.code, e.name, e.section, e.messages, e.title, e.aliases) for e in parsed.errors
    ]
    assert [replace(t, former_rows=()) for t in committed.tables] == list(parsed.tables)
    assert committed.last_updated == parsed.last_updated


def test_the_backfill_script_replays_a_folder_and_reports(tmp_path: Path) -> None:
    """``make backfill``'s entry point, as a process, on two revisions around a removal."""
    folder = tmp_path / "history" / "spot"
    folder.mkdir(parents=True)
    for path in history_files("spot"):
        if path.name.startswith(("2025-01-09", "2025-01-15")):
            (folder / path.name).write_bytes(path.read_bytes())
    spec = tmp_path / "errors.yaml"
    command = [
        sys.executable,
        REPO / "scripts" / "backfill.py",
        "--spec",
        spec,
        "--product",
        "spot",
    ]
    command.append("--quiet")
    result = subprocess.run(
        [*map(str, command), "--history", str(tmp_path / "history")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"spot: 2 steps: 89 codes added, 1 removed, 0 returned, 0 renamed,"
        f" 2 message changes, 46 table row changes -> {spec}\n"
    )
    product = read_spec(spec).product("spot")
    assert product is not None
    gone = product.error(-1167)
    assert gone is not None and (gone.added, gone.removed) == ("2025-01-09", "2025-01-15")
    missing = subprocess.run(
        [*map(str, command), "--history", str(tmp_path / "nowhere")],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 6
    assert missing.stderr == (
        f"error: {tmp_path / 'nowhere' / 'spot'}: no such folder;"
        " expected the product's published revisions\n"
    )


def test_every_dropped_wording_is_a_former_message_dated_by_the_last_revision_that_had_it(
    steps: list[Step],
) -> None:
    """From the revisions alone: a message a live code stops giving is a former message, dated
    by the newest revision before the drop that changed the page's codes or tables."""
    expected: dict[int, dict[str, str | None]] = {}
    before: dict[int, tuple[str, ...]] = {}
    revised: str | None = None
    for step in steps:
        text = step.revision.read_text(encoding="utf-8")
        page = parse_document(text, "markdown", step.revision.name)
        now = {
            e.code: (*e.messages, *(m for a in e.aliases for m in a.messages)) for e in page.errors
        }
        for code, messages in now.items():
            former = expected.setdefault(code, {})
            for message in messages:
                former.pop(message, None)
            if code in before:
                for message in before[code]:
                    if message not in messages:
                        former[message] = revised
        before = now  # a code that returns after a gap gets no dates (the merge gives None)
        if step.update.new.product("spot") != step.update.old.product("spot"):
            revised = step.date
    product = read_spec(REPO / "spec" / "errors.yaml").product("spot")
    assert product is not None
    got = {e.code: {f.message: f.last_seen for f in e.former_messages} for e in product.errors}
    assert {c: f for c, f in got.items() if f} == {c: f for c, f in expected.items() if f}
    assert got[-1111] == {"Precision is over the maximum defined for this asset.": "2023-08-29"}
