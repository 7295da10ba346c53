"""``python -m binance_errors explain CODE [MESSAGE]``: what an error code means.

Prints the code's name, section, the action to take, its category and
flags, with the reasons the project's annotations give and the Binance pages
they cite; with a MESSAGE, also the documented message it
matches and the values Binance filled in. ``--json`` prints the same as one
JSON object. Exit status: 0 when the code is documented, 1 when it is not
(with one line on stderr, or ``"known": false`` in the JSON), 2 on a usage
error. Standard library only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from . import PRODUCTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from ._advice import Annotation
    from ._matching import MessageMatch

UNKNOWN_CODE = 1


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser(prog).parse_args(argv)
    status: int = args.handler(args)
    return status


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Explain Binance API error codes and messages.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    explain = commands.add_parser(
        "explain",
        help="what an error code (and message) means",
        description="Name, section, category and flags of CODE; with MESSAGE, the documented"
        " message it matches and the values filled in.",
    )
    explain.add_argument("code", type=int, metavar="CODE", help="the error code, e.g. -1003")
    explain.add_argument("message", nargs="?", metavar="MESSAGE", help="the msg Binance sent")
    explain.add_argument(
        "--product",
        default=PRODUCTS[0] if "spot" not in PRODUCTS else "spot",
        choices=PRODUCTS,
        help="the API that sent it (default: %(default)s)",
    )
    explain.add_argument("--json", action="store_true", help="print one JSON object")
    explain.set_defaults(handler=run_explain)
    return parser


def run_explain(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"{__package__}.{args.product}")
    known = module.lookup(args.code) is not None
    if args.json:
        report = explain(module, args.product, args.code, args.message)
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif known:
        print(render_text(module, args.product, args.code, args.message))
    else:
        print(unknown_line(module, args.product, args.code), file=sys.stderr)
    return 0 if known else UNKNOWN_CODE


def explain(module: ModuleType, product: str, code: int, message: str | None) -> dict[str, object]:
    """Everything the command knows about ``code`` (and ``message``), as plain data."""
    member = module.lookup(code)
    annotation: Annotation = module.annotation(code)
    found: MessageMatch | None = module.match(code, message) if message is not None else None
    documented: dict[str, object] = {
        "name": None,
        "aliases": [],
        "title": None,
        "section": None,
        "messages": [],
        "deprecated": False,
        "removed": None,
    }
    if member is not None:
        documented = {
            "name": member.name,
            "aliases": list(member.aliases),
            "title": member.title,
            "section": member.section,
            "messages": list(member.messages),
            "deprecated": member.deprecated,
            "removed": member.removed,
        }
    return {
        "product": product,
        "code": code,
        "known": member is not None,
        **documented,
        "category": annotation.category,
        "retryable": annotation.retryable,
        "execution_unknown": annotation.execution_unknown,
        "action": annotation.action,
        "reasons": list(annotation.reasons),
        "sources": list(annotation.sources),
        "message": message,
        "match": match_data(found),
    }


def match_data(found: MessageMatch | None) -> dict[str, object] | None:
    if found is None:
        return None
    row = found.table_row
    return {
        "template": found.template,
        "params": list(found.params),
        "table_row": {"message": row.message, "description": row.description} if row else None,
    }


def render_text(module: ModuleType, product: str, code: int, message: str | None) -> str:
    """The explanation for people: one labelled line per fact."""
    member = module.lookup(code)
    annotation: Annotation = module.annotation(code)
    lines = [f"{product} {code} {member.name}"]

    def add(label: str, value: object) -> None:
        text = " ".join(str(value).split("\n"))
        lines.append(f"  {label + ':':<19}{text}")

    if member.title:
        add("title", member.title)
    if member.aliases:
        add("also named", ", ".join(member.aliases))
    add("section", member.section)
    if member.deprecated:
        add("removed", f"{member.removed} (no longer documented)")
    add("action", annotation.action)
    add("category", annotation.category)
    add("retryable", yes_no(annotation.retryable))
    add("execution unknown", yes_no(annotation.execution_unknown))
    for reason in annotation.reasons:
        add("why", reason)
    for source in annotation.sources:
        add("source", source)
    for text in member.messages:
        add("message", text)
    if message is not None:
        found: MessageMatch | None = module.match(code, message)
        if found is None:
            add("matched", "none of the documented messages")
        else:
            add("matched", found.template)
            if found.params:
                add("params", ", ".join(repr(param) for param in found.params))
            if found.table_row is not None:
                add("meaning", found.table_row.description)
    return "\n".join(lines)


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def unknown_line(module: ModuleType, product: str, code: int) -> str:
    """One friendly line for a code the product does not document."""
    hint = ""
    if code > 0 and module.lookup(-code) is not None:
        hint = f"; did you mean {-code}?"
    return f"error: {code} is not a documented {product} error code{hint}"


if __name__ == "__main__":
    sys.exit(main(prog=f"python -m {__package__}"))
