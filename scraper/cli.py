"""The command line: ``python -m scraper scrape|generate|check``.

Every command exits 0 on success. On bad input it prints one line,
``error: <source>: <problem>``, to stderr and exits with the status of the
failure's class (see :data:`scraper.exceptions.EXIT_CODES`), having created or
changed no output file.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

from scraper.atomic_write import existing_files, read_or_none, write_text_atomic, write_tree
from scraper.exceptions import (
    EXIT_CODES,
    ScraperError,
    ShrinkError,
    StaleOutputError,
    printable,
)
from scraper.fetch import FetchPolicy, fetch
from scraper.parse import FORMATS, parse_document
from scraper.render import render_all
from scraper.sources import SOURCES_PATH, find_source
from scraper.spec import dump_spec, product_from_page, read_spec, with_product

DEFAULT_SPEC = Path("spec/errors.yaml")
DEFAULT_OUT = Path("generated")
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
    add_generate(commands)
    add_check(commands)
    return parser


def fetch_options() -> argparse.ArgumentParser:
    """Options shared by the commands that read a page."""
    shared = argparse.ArgumentParser(add_help=False)
    defaults = FetchPolicy()
    shared.add_argument("--source", required=True, metavar="URL_OR_FILE", help="page to read")
    shared.add_argument("--format", choices=FORMATS, help="page format (default: detect)")
    shared.add_argument(
        "--product", required=True, metavar="ID", help="product id from spec/sources.yaml"
    )
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
        help="read one product's page into a spec file",
        description="Read one product's page; write it as that product's entry in --out.",
    )
    command.add_argument("--out", type=Path, required=True, help="spec file to write")
    command.add_argument(
        "--force", action="store_true", help="replace a product that carries history"
    )
    command.set_defaults(handler=run_scrape)


def add_generate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser("generate", help="render the spec into generated/")
    command.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    command.add_argument("--out", type=Path, default=DEFAULT_OUT)
    command.set_defaults(handler=run_generate)


def add_check(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser("check", help="exit 1 with a diff when generated/ is stale")
    command.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    command.add_argument("--out", type=Path, default=DEFAULT_OUT)
    command.set_defaults(handler=run_check)


def run_scrape(args: argparse.Namespace) -> int:
    entry = find_source(args.product, args.sources)
    document = fetch(args.source, policy_of(args))
    page = parse_document(document.text, args.format, document.origin)
    product = product_from_page(page, entry.id, entry.title, entry.source)
    existing = read_spec(args.out, missing_ok=True)
    previous = existing.product(entry.id)
    if previous is not None and not args.force and has_history(previous.errors):
        raise ShrinkError(
            str(args.out),
            f"product {entry.id!r} carries added/removed history that scrape would drop;"
            " use 'update' to merge, or --force",
        )
    write_text_atomic(args.out, dump_spec(with_product(existing, product)))
    messages = sum(len(e.messages) for e in product.errors)
    rows = sum(len(t.rows) for t in product.tables)
    print(
        f"{entry.id}: {len(product.errors)} codes, {messages} messages, "
        f"{len(product.tables)} tables ({rows} rows) from {document.origin} -> {args.out}"
    )
    return 0


def has_history(errors: Sequence[object]) -> bool:
    return any(getattr(e, "added", None) or getattr(e, "removed", None) for e in errors)


def run_generate(args: argparse.Namespace) -> int:
    spec = read_spec(args.spec)
    files = render_all(spec)
    changed = write_tree(args.out, files)
    print(f"generated {len(files)} files into {args.out}/ ({len(changed)} changed)")
    return 0


def run_check(args: argparse.Namespace) -> int:
    spec = read_spec(args.spec)
    files = render_all(spec)
    diff = tree_diff(args.out, files)
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
