"""The command line: ``python -m scraper scrape|update|diff|generate|check``.

Every command exits 0 on success. On bad input it prints one line,
``error: <source>: <problem>``, to stderr and exits with the status of the
failure's class (see :data:`scraper.exceptions.EXIT_CODES`), having created or
changed no output file.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from scraper.annotations import NO_ANNOTATIONS, Annotations, read_annotations
from scraper.atomic_write import existing_files, read_or_none, write_text_atomic, write_tree
from scraper.diff import FORMATS as DIFF_FORMATS
from scraper.diff import diff_specs, render_diff, summary_line
from scraper.exceptions import (
    EXIT_CODES,
    ScraperError,
    ShrinkError,
    SpecError,
    StaleOutputError,
    printable,
)
from scraper.fetch import FetchPolicy, fetch
from scraper.guards import Allowed, check_page
from scraper.language import parse_english_document
from scraper.model import Product, Spec
from scraper.parse import FORMATS
from scraper.release import RELEASE_PATH, read_release
from scraper.render import render_all
from scraper.sources import SOURCES_PATH, ProductSource, find_source, load_sources
from scraper.spec import dump_spec, product_from_page, read_spec, with_product
from scraper.update import Job, UpdateRun, run_update

DEFAULT_SPEC = Path("spec/errors.yaml")
DEFAULT_OUT = Path("generated")
ANNOTATIONS_NAME = "annotations.yaml"
INTERNAL_ERROR = 70


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except ScraperError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"error: internal error ({type(exc).__name__}: {one_line(str(exc))});"
            " rerun with --debug",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    return status


def one_line(text: str) -> str:
    """``text`` as one printable line: breaks joined, terminal controls made visible."""
    return printable(" ".join(text.splitlines()))


def build_parser() -> argparse.ArgumentParser:
    exit_codes = "\n".join(f"  {code:>2}  {meaning}" for code, meaning in EXIT_CODES)
    parser = argparse.ArgumentParser(
        prog="python -m scraper",
        description="Turn Binance's error-code pages into a spec, and the spec into code.",
        epilog=f"exit status:\n{exit_codes}\n  {INTERNAL_ERROR}  internal error (a bug: report it)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    parser.set_defaults(debug=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_scrape(commands)
    add_update(commands)
    add_diff(commands)
    add_generate(commands)
    add_check(commands)
    return parser


def fetch_options() -> argparse.ArgumentParser:
    """Options shared by the commands that read a page."""
    shared = argparse.ArgumentParser(add_help=False, parents=[policy_options()])
    shared.add_argument(
        "--source",
        metavar="URL_OR_FILE",
        help="page to read, with --product (default: the product's live URL)",
    )
    shared.add_argument("--format", choices=FORMATS, help="page format (default: detect)")
    which = shared.add_mutually_exclusive_group(required=True)
    which.add_argument("--product", metavar="ID", help="product id from spec/sources.yaml")
    which.add_argument(
        "--all", action="store_true", help="every product in spec/sources.yaml, in file order"
    )
    return shared


def policy_options() -> argparse.ArgumentParser:
    """How pages are fetched: the registry to use, timeouts, retries, size cap."""
    shared = argparse.ArgumentParser(add_help=False)
    defaults = FetchPolicy()
    shared.add_argument("--sources", type=Path, default=SOURCES_PATH, help=argparse.SUPPRESS)
    shared.add_argument(
        "--timeout", type=float, default=defaults.timeout, help="seconds per attempt"
    )
    shared.add_argument(
        "--retries", type=int, default=defaults.retries, help="retries after the first try"
    )
    shared.add_argument(
        "--max-bytes", type=int, default=defaults.max_bytes, help="size cap of the page"
    )
    return shared


def policy_of(args: argparse.Namespace) -> FetchPolicy:
    return FetchPolicy(timeout=args.timeout, retries=args.retries, max_bytes=args.max_bytes)


def add_scrape(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "scrape",
        parents=[fetch_options()],
        help="read products' pages into a spec file",
        description=(
            "Read one product's page (--product) or every product's (--all); write each as"
            " that product's entry in --out. A product that fails is reported and leaves its"
            " entry as it was; the others are still written, and the exit status is that of"
            " the first failure."
        ),
    )
    command.add_argument("--out", type=Path, required=True, help="spec file to write")
    command.add_argument(
        "--captures",
        type=Path,
        metavar="DIR",
        help="read each product's saved page, named by its 'capture' in sources.yaml, from DIR",
    )
    command.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID",
        help="with --all: leave this product's entry alone (repeatable)",
    )
    command.add_argument(
        "--force", action="store_true", help="replace a product that carries history"
    )
    add_guard_options(command)
    command.set_defaults(handler=run_scrape, usage_error=command.error)


def add_guard_options(command: argparse.ArgumentParser) -> None:
    """The flags that let a page through a guard, once a human has looked at it."""
    command.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accept a page that lost over 10%% of the live codes, a section or a table",
    )
    command.add_argument(
        "--allow-rewrite",
        action="store_true",
        help="accept a page that changes the messages or names of over 25%% of the codes it"
        " keeps, or renames most sections or tables",
    )
    command.add_argument(
        "--allow-replace",
        action="store_true",
        help="accept a page that shares under a third of its codes with the product"
        " (another product's page)",
    )


def allowed_of(args: argparse.Namespace) -> Allowed:
    return Allowed(args.allow_shrink, args.allow_rewrite, args.allow_replace)


UPDATE_EPILOG = """\
Without --source, each product's page is read from its registry url, then
from its fallback when the first cannot be read or understood. A product that
fails is listed on stderr and in the PR body and left as it was; the others
are still updated, and the exit status is that of the first product that
failed. Exit 0 with 'no changes' leaves every file untouched.
"""


def add_update(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "update",
        parents=[policy_options()],
        help="merge fresh pages into the spec, regenerate, write a PR body",
        description="Read products' pages, merge them into the spec (dating new codes, keeping"
        " removed ones as tombstones), regenerate --out, and describe the change.",
        epilog=UPDATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = command.add_mutually_exclusive_group(required=True)
    which.add_argument("--product", metavar="ID", help="product id from spec/sources.yaml")
    which.add_argument("--all", action="store_true", help="every product in spec/sources.yaml")
    command.add_argument(
        "--source", metavar="URL_OR_FILE", help="page to read (only with --product)"
    )
    command.add_argument(
        "--format", choices=FORMATS, help="page format of --source (default: detect)"
    )
    command.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="spec to update")
    command.add_argument("--out", type=Path, default=DEFAULT_OUT, help="generated tree")
    command.add_argument(
        "--date",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date to record for added and removed codes (default: today, UTC)",
    )
    command.add_argument(
        "--pr-body", type=Path, metavar="PATH", help="write the pull-request body (Markdown) here"
    )
    command.add_argument(
        "--changelog",
        type=Path,
        metavar="PATH",
        help="add the summary under the new version's heading in this changelog",
    )
    add_guard_options(command)
    add_annotations_option(command)
    add_release_option(command)
    command.set_defaults(handler=run_update_command, parser=command)


def add_diff(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "diff",
        help="describe what changed between two specs",
        description="The semantic change from OLD to NEW: codes added, removed, returned,"
        " renamed, message and table changes; a one-line summary first.",
    )
    command.add_argument("old", type=Path, metavar="OLD.yaml")
    command.add_argument("new", type=Path, metavar="NEW.yaml")
    command.add_argument("--format", choices=DIFF_FORMATS, default="markdown")
    command.set_defaults(handler=run_diff)


def iso_date(text: str) -> str:
    """A ``YYYY-MM-DD`` calendar date, for argparse."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-06-11") from None


def today_utc() -> str:
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def add_generate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser("generate", help="render the spec into generated/")
    add_render_options(command)
    command.set_defaults(handler=run_generate)


def add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser("check", help="exit 1 with a diff when generated/ is stale")
    add_render_options(command)
    command.set_defaults(handler=run_check)


def add_render_options(command: argparse.ArgumentParser) -> None:
    """What ``generate`` and ``check`` render from, and where the tree lives."""
    command.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    add_annotations_option(command)
    add_release_option(command)
    command.add_argument("--out", type=Path, default=DEFAULT_OUT)


def add_release_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--release",
        type=Path,
        default=RELEASE_PATH,
        metavar="FILE",
        help="the release file: data_version and post (default: templates/release.yaml)",
    )


def add_annotations_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--annotations",
        type=Path,
        metavar="FILE",
        help="categories and retry hints (default: annotations.yaml beside --spec, if present)",
    )


def annotations_of(args: argparse.Namespace) -> tuple[Annotations, str]:
    """The annotations to render with, and where they came from.

    An explicit ``--annotations`` file must exist; otherwise ``annotations.yaml``
    next to the spec is used when there is one, and none at all when not.
    """
    path: Path | None = args.annotations
    if path is None:
        path = args.spec.parent / ANNOTATIONS_NAME
        if not path.exists():
            return NO_ANNOTATIONS, str(path)
    return read_annotations(path), str(path)


def run_scrape(args: argparse.Namespace) -> int:
    entries = scrape_entries(args)
    spec = existing = read_spec(args.out, missing_ok=True)
    failures: dict[str, ScraperError] = {}
    done: list[str] = []
    for entry in entries:
        try:
            product, origin = scrape_product(entry, args, existing)
        except ScraperError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failures[entry.id] = exc
            continue
        spec = with_product(spec, product)
        done.append(f"{summary(product)} from {origin} -> {args.out}")
    if spec is not existing:
        write_text_atomic(args.out, dump_spec(spec))
    for line in done:
        print(line)
    if len(entries) > 1:
        failed = f"; failed: {', '.join(failures)}" if failures else ""
        print(f"{len(done)} of {len(entries)} products scraped{failed}")
    return next(iter(failures.values())).exit_code if failures else 0


def scrape_entries(args: argparse.Namespace) -> list[ProductSource]:
    """The registry entries a ``scrape`` run covers, in registry order."""
    if args.all:
        if args.source is not None:
            args.usage_error("--source reads one page; use it with --product, not --all")
        excluded = {find_source(product_id, args.sources).id for product_id in args.exclude}
        return [e for e in load_sources(args.sources) if e.id not in excluded]
    if args.exclude:
        args.usage_error("--exclude goes with --all")
    return [find_source(args.product, args.sources)]


def scrape_product(
    entry: ProductSource, args: argparse.Namespace, existing: Spec
) -> tuple[Product, str]:
    """One product read from its page, and where the page came from.

    Refuses (before reading anything) to replace an entry of ``existing``
    that carries added/removed history, unless ``--force``; refuses a page
    not in English, and one the guards refuse (another product's page, one
    that lost or rewrote too much of the entry), unless ``--allow-*``.
    """
    previous = existing.product(entry.id)
    if previous is not None and not args.force and has_history(previous.errors):
        raise ShrinkError(
            str(args.out),
            f"product {entry.id!r} carries added/removed history that scrape would drop;"
            " use 'update' to merge, or --force",
        )
    source, fmt = page_source(entry, args)
    document = fetch(source, policy_of(args))
    page = parse_english_document(document.text, fmt, document.origin)
    product = product_from_page(page, entry.id, entry.title, entry.source)
    check_page(previous, product, document.origin, allowed_of(args))
    return product, document.origin


def page_source(entry: ProductSource, args: argparse.Namespace) -> tuple[str, str | None]:
    """Where to read ``entry``'s page, and its format (``None``: detect it).

    ``--source`` wins; then the product's saved page under ``--captures``;
    then its live URL, in the format the registry gives.
    """
    if args.source is not None:
        return str(args.source), args.format
    if args.captures is not None:
        if entry.capture is None:
            raise SpecError(
                str(args.sources), f"product {entry.id!r} names no capture to read from --captures"
            )
        return str(args.captures / entry.capture), args.format
    return entry.source.url, args.format or entry.source.format


def summary(product: Product) -> str:
    """``spot: 103 codes, 144 messages, 2 tables (59 rows)``."""
    messages = sum(len(e.messages) for e in product.errors)
    rows = sum(len(t.rows) for t in product.tables)
    return (
        f"{product.id}: {len(product.errors)} codes, {messages} messages, "
        f"{len(product.tables)} tables ({rows} rows)"
    )


def update_jobs(args: argparse.Namespace) -> list[Job]:
    """The products ``update`` was asked for, each with the sources to try."""
    if args.source is not None and args.all:
        args.parser.error("--source reads one page: use it with --product, not --all")
    if args.format is not None and args.source is None:
        args.parser.error("--format describes --source; the registry gives each url's format")
    if args.all:
        return [Job.from_registry(entry) for entry in load_sources(args.sources)]
    entry = find_source(args.product, args.sources)
    if args.source is not None:
        return [Job.from_source(entry, args.source, args.format)]
    return [Job.from_registry(entry)]


def run_update_command(args: argparse.Namespace) -> int:
    jobs = update_jobs(args)
    annotations, origin = annotations_of(args)
    run = run_update(
        args.spec,
        args.out,
        jobs,
        args.date or today_utc(),
        annotations=annotations,
        annotations_origin=origin,
        policy=policy_of(args),
        allow_shrink=args.allow_shrink,
        allow_rewrite=args.allow_rewrite,
        allow_replace=args.allow_replace,
        pr_body_path=args.pr_body,
        changelog_path=args.changelog,
        release_path=args.release,
    )
    report_update(run, args)
    return run.update.exit_code


def report_update(run: UpdateRun, args: argparse.Namespace) -> None:
    """One line per product read, one per failure (stderr), then the outcome."""
    for done in run.update.updated:
        product = done.product
        live = sum(entry.live for entry in product.errors)
        gone = len(product.errors) - live
        print(f"{product.id}: {live} live codes, {gone} tombstones, from {done.origin}")
        for skipped in done.skipped:
            print(f"{product.id}: skipped {skipped}")
    for failure in run.update.failures:
        print(f"error: {failure.error}", file=sys.stderr)
    if not run.wrote_anything:
        print("no changes")
        return
    print(summary_line(run.update.diff))
    written = len(run.generated_changed) + run.spec_changed
    print(f"wrote {written} files ({args.spec} and {args.out}/)")
    before, after = run.versions
    if before != after:
        print(f"version {before} -> {after}")


def run_diff(args: argparse.Namespace) -> int:
    old, new = read_spec(args.old), read_spec(args.new)
    sys.stdout.write(render_diff(diff_specs(old, new), args.format))
    return 0


def has_history(errors: Sequence[object]) -> bool:
    return any(getattr(e, "added", None) or getattr(e, "removed", None) for e in errors)


def rendered_tree(args: argparse.Namespace) -> dict[str, str]:
    """The tree ``--spec`` and its annotations render to, as ``generate`` would write it."""
    spec = read_spec(args.spec)
    annotations, origin = annotations_of(args)
    return render_all(spec, annotations, origin, read_release(args.release))


def run_generate(args: argparse.Namespace) -> int:
    files = rendered_tree(args)
    changed = write_tree(args.out, files)
    print(f"generated {len(files)} files into {args.out}/ ({len(changed)} changed)")
    return 0


def run_check(args: argparse.Namespace) -> int:
    diff = tree_diff(args.out, rendered_tree(args))
    if diff:
        sys.stdout.writelines(diff)
        raise StaleOutputError(str(args.out), "stale; run 'make generate' and commit the result")
    print(f"{args.out}/ is up to date with {args.spec}")
    return 0


def tree_diff(root: Path, files: dict[str, str]) -> list[str]:
    """A unified diff from what is in ``root`` to what ``files`` says should be."""
    lines: list[str] = []
    for name in sorted(set(files) | set(existing_files(root))):
        old = read_or_none(root / name)
        new = files.get(name)
        if old == new:
            continue
        lines += difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            (new or "").splitlines(keepends=True),
            fromfile=f"a/{root.as_posix()}/{name}" if old is not None else "/dev/null",
            tofile=f"b/{root.as_posix()}/{name}" if new is not None else "/dev/null",
        )
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
    return lines
