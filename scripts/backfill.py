"""Rebuild products' history in the spec by replaying their published page revisions.

Usage (from the repository root; ``make backfill`` runs it, then ``generate``)::

    python scripts/backfill.py [--history DIR] [--spec spec/errors.yaml] [--product ID ...]

Every product listed in ``scripts/history.yaml`` (or named with
``--product``) is rebuilt from nothing: its folder's revisions are applied
oldest first through the update command's own code
(:func:`scraper.update.update_spec`), each dated by the first ten characters
of its file name. So each code carries the date Binance first published it,
and the codes Binance dropped since are tombstones. Other products in the spec
are left as they are. The result depends only on the revisions: running it
twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime
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


def history_folders(path: Path = HISTORY_MAP) -> dict[str, str]:
    """Product id to history folder name, from ``scripts/history.yaml``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(str(path), f"cannot read: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise SpecError(str(path), "expected a mapping of product id to folder name")
    return dict(data)


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
    spec: Spec, entry: ProductSource, folder: Path, allow_shrink: bool = False
) -> Iterator[Step]:
    """Apply every revision in ``folder`` to ``spec`` with ``entry``'s product removed first.

    Each step is one ``update --source REVISION --format markdown --date DATE``
    in memory; a revision the update refuses (shrink guard, unreadable page)
    stops the replay with that error.
    """
    spec = without(spec, entry.id)
    for path in revisions(folder):
        date = revision_date(path)
        job = Job.from_source(entry, str(path), "markdown")
        update = update_spec(spec, [job], date, allow_shrink=allow_shrink)
        if update.failures:
            raise update.failures[0].error
        spec = update.new
        yield Step(path, date, update)


def backfill(
    spec: Spec,
    history: Path,
    product_ids: Sequence[str],
    *,
    sources: Path = SOURCES_PATH,
    allow_shrink: bool = False,
    report: bool = False,
) -> tuple[Spec, Totals]:
    """``spec`` with each product rebuilt from its history folder, and the replay's totals."""
    folders = history_folders()
    totals = Totals()
    for product_id in product_ids:
        if product_id not in folders:
            raise SpecError(str(HISTORY_MAP), f"no history folder for product {product_id!r}")
        entry = find_source(product_id, sources)
        for step in replay(spec, entry, history / folders[product_id], allow_shrink):
            totals.add(step)
            spec = step.update.new
            if report:
                print(f"{step.revision.name}: {summary_line(step.update.diff)}")
    return spec, totals


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", type=Path, default=DEFAULT_HISTORY)
    parser.add_argument("--spec", type=Path, default=REPO / "spec" / "errors.yaml")
    parser.add_argument("--product", action="append", help="default: every product mapped")
    parser.add_argument("--sources", type=Path, default=SOURCES_PATH, help=argparse.SUPPRESS)
    parser.add_argument("--allow-shrink", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="print the totals only")
    args = parser.parse_args(argv)
    try:
        product_ids = args.product or sorted(history_folders())
        spec = read_spec(args.spec, missing_ok=True)
        spec, totals = backfill(
            spec,
            args.history,
            product_ids,
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
