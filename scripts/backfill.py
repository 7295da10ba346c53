"""Rebuild products' history in the spec by replaying their published page revisions.

Usage (from the repository root; ``make backfill`` runs it, then ``generate``)::

    python scripts/backfill.py [--history DIR] [--captures DIR] [--spec spec/errors.yaml]
                               [--product ID ...]

Every product listed in ``scripts/history.yaml`` (or named with
``--product``) is rebuilt from nothing: its sources are applied oldest first
through the update command's own code (:func:`scraper.update.update_spec`).
A source is a history folder (every revision in it, each dated by the first
ten characters of its file name) or one saved capture (dated by its own
``updated_at`` front matter, or else by the ``date`` the mapping gives it). So
each code carries the date Binance first published it, the codes Binance
dropped since are tombstones, and the wordings it dropped are former messages.
Other products in the spec are left as they are. The result depends only on
the sources: running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make the tooling importable
    sys.path.insert(0, str(REPO))

from scraper.atomic_write import write_text_atomic  # noqa: E402
from scraper.diff import summary_line  # noqa: E402
from scraper.exceptions import ScraperError, SpecError  # noqa: E402
from scraper.model import Spec  # noqa: E402
from scraper.sources import SOURCES_PATH, ProductSource, find_source  # noqa: E402
from scraper.spec import dump_spec, read_spec  # noqa: E402
from scraper.update import Job, SpecUpdate, update_spec  # noqa: E402

HISTORY_MAP = REPO / "scripts" / "history.yaml"
DEFAULT_HISTORY = REPO.parent / "shared" / "upstream" / "history"
DEFAULT_CAPTURES = REPO.parent / "shared" / "upstream" / "captures"
UPDATED_AT = re.compile(
    r"\A---[ \t]*\n(?:.*\n)*?updated_at:[ \t]*(\d{4}-\d{2}-\d{2})", re.MULTILINE
)
"""A capture's own date: ``updated_at`` in its YAML front matter (the day part)."""


@dataclass(frozen=True)
class Source:
    """One entry of a product's list in ``scripts/history.yaml``.

    ``kind`` is ``history`` (``name`` is a folder of the history directory) or
    ``capture`` (``name`` is a file of the captures directory, ``date`` the
    date the mapping gives it, when it has none of its own).
    """

    kind: str
    name: str
    date: str | None = None


@dataclass(frozen=True)
class Revision:
    """One page to replay: where it is, the date it stands for, its format (None: detect)."""

    path: Path
    date: str
    format: str | None


@dataclass(frozen=True)
class Step:
    """One revision applied: which file, the date it stands for, what it changed."""

    revision: Path
    date: str
    update: SpecUpdate


@dataclass
class Totals:
    """What a replay did, summed over its steps."""

    steps: int = 0
    added: int = 0
    removed: int = 0
    returned: int = 0
    renamed: int = 0
    messages_changed: int = 0
    table_rows_changed: int = 0

    def add(self, step: Step) -> None:
        self.steps += 1
        for product in step.update.diff.products:
            self.added += len(product.added)
            self.removed += len(product.removed)
            self.returned += len(product.returned)
            self.renamed += len(product.renamed)
            self.messages_changed += len(product.messages)
            self.table_rows_changed += sum(t.rows_changed for t in product.tables)

    def line(self) -> str:
        return (
            f"{self.steps} steps: {self.added} codes added, {self.removed} removed,"
            f" {self.returned} returned, {self.renamed} renamed,"
            f" {self.messages_changed} message changes, {self.table_rows_changed} table row changes"
        )


def replay_sources(path: Path = HISTORY_MAP) -> dict[str, tuple[Source, ...]]:
    """Product id to its sources, oldest first, from ``scripts/history.yaml``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(str(path), f"cannot read: {exc}") from None
    expected = (
        "expected a mapping of product id to a list of sources"
        " ({history: FOLDER} or {capture: FILE, date: YYYY-MM-DD})"
    )
    if not isinstance(data, dict):
        raise SpecError(str(path), expected)
    sources: dict[str, tuple[Source, ...]] = {}
    for product_id, entries in data.items():
        if not isinstance(product_id, str) or not isinstance(entries, list) or not entries:
            raise SpecError(str(path), f"{product_id}: {expected}")
        sources[product_id] = tuple(source_of(entry, f"{path}: {product_id}") for entry in entries)
    return sources


def source_of(entry: object, where: str) -> Source:
    """One source of the mapping, checked."""
    if isinstance(entry, dict) and set(entry) == {"history"} and isinstance(entry["history"], str):
        return Source("history", entry["history"])
    if (
        isinstance(entry, dict)
        and "capture" in entry
        and set(entry) <= {"capture", "date"}
        and isinstance(entry["capture"], str)
    ):
        date = entry.get("date")
        if isinstance(date, datetime.date):
            date = date.isoformat()
        if date is not None and not (isinstance(date, str) and is_date(date)):
            raise SpecError(where, f"{entry['capture']}: date {date!r} is not YYYY-MM-DD")
        return Source("capture", entry["capture"], date)
    raise SpecError(
        where,
        f"cannot read source {entry!r}; expected {{history: FOLDER}}"
        " or {capture: FILE, date: YYYY-MM-DD}",
    )


def is_date(text: str) -> bool:
    try:
        return datetime.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def product_revisions(sources: Sequence[Source], history: Path, captures: Path) -> list[Revision]:
    """Every page the sources stand for, oldest first; dates that go backwards are refused."""
    found: list[Revision] = []
    for source in sources:
        if source.kind == "history":
            folder = history / source.name
            found += [Revision(p, revision_date(p), "markdown") for p in revisions(folder)]
        else:
            path = captures / source.name
            found.append(Revision(path, capture_date(path, source.date), None))
    for before, after in zip(found, found[1:]):
        if after.date < before.date:
            raise SpecError(
                str(after.path),
                f"dated {after.date}, before {before.path.name} ({before.date});"
                " expected the sources oldest first",
            )
    return found


def capture_date(path: Path, given: str | None) -> str:
    """The capture's own ``updated_at`` date, else the date the mapping gives it."""
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except OSError as exc:
        raise SpecError(str(path), f"cannot read the capture: {exc}") from None
    own = UPDATED_AT.match(head)
    if own and given is not None:
        raise SpecError(
            str(path),
            f"has a date of its own ({own.group(1)}); expected no date for it in the mapping",
        )
    if own:
        return own.group(1)
    if given is None:
        raise SpecError(
            str(path), "has no date of its own (updated_at); expected a date for it in the mapping"
        )
    return given


def revisions(folder: Path) -> list[Path]:
    """The folder's Markdown revisions, oldest first (their names sort by time)."""
    if not folder.is_dir():
        raise SpecError(str(folder), "no such folder; expected the product's published revisions")
    found = sorted(folder.glob("*.md"))
    if not found:
        raise SpecError(str(folder), "no revisions (*.md) found")
    return found


def revision_date(path: Path) -> str:
    """The day a revision was published: the first ten characters of its name."""
    text = path.name[:10]
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise SpecError(str(path), f"name does not start with a date (got {text!r})") from None


def without(spec: Spec, product_id: str) -> Spec:
    return Spec(tuple(p for p in spec.products if p.id != product_id), spec.schema_version)


def replay(
    spec: Spec, entry: ProductSource, pages: Sequence[Revision], allow_shrink: bool = False
) -> Iterator[Step]:
    """Apply every page to ``spec`` with ``entry``'s product removed first.

    Each step is one ``update --source PAGE [--format markdown] --date DATE``
    in memory; a page the update refuses (shrink guard, unreadable page)
    stops the replay with that error.
    """
    spec = without(spec, entry.id)
    for page in pages:
        job = Job.from_source(entry, str(page.path), page.format)
        update = update_spec(spec, [job], page.date, allow_shrink=allow_shrink)
        if update.failures:
            raise update.failures[0].error
        spec = update.new
        yield Step(page.path, page.date, update)


def backfill(
    spec: Spec,
    history: Path,
    product_ids: Sequence[str],
    *,
    captures: Path = DEFAULT_CAPTURES,
    sources: Path = SOURCES_PATH,
    mapping: Path = HISTORY_MAP,
    allow_shrink: bool = False,
    report: bool = False,
) -> tuple[Spec, Totals]:
    """``spec`` with each product rebuilt from its sources, and the replay's totals."""
    replayed = replay_sources(mapping)
    totals = Totals()
    for product_id in product_ids:
        if product_id not in replayed:
            raise SpecError(str(mapping), f"no sources to replay for product {product_id!r}")
        entry = find_source(product_id, sources)
        pages = product_revisions(replayed[product_id], history, captures)
        for step in replay(spec, entry, pages, allow_shrink):
            totals.add(step)
            spec = step.update.new
            if report:
                print(f"{step.revision.name}: {summary_line(step.update.diff)}")
    return spec, totals


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=Path, default=DEFAULT_HISTORY)
    parser.add_argument("--captures", type=Path, default=DEFAULT_CAPTURES)
    parser.add_argument("--spec", type=Path, default=REPO / "spec" / "errors.yaml")
    parser.add_argument("--product", action="append", help="default: every product mapped")
    parser.add_argument("--sources", type=Path, default=SOURCES_PATH, help=argparse.SUPPRESS)
    parser.add_argument("--allow-shrink", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="print the totals only")
    args = parser.parse_args(argv)
    try:
        product_ids = args.product or list(replay_sources())
        spec = read_spec(args.spec, missing_ok=True)
        spec, totals = backfill(
            spec,
            args.history,
            product_ids,
            captures=args.captures,
            sources=args.sources,
            allow_shrink=args.allow_shrink,
            report=not args.quiet,
        )
        write_text_atomic(args.spec, dump_spec(spec))
    except ScraperError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"{', '.join(product_ids)}: {totals.line()} -> {args.spec}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
