"""``python -m binance_errors explain CODE [MESSAGE]``: what an error code means.

Prints the code's name, section, the action to take, its category and
flags, with the reasons the project's annotations give and the Binance pages
they cite; with a MESSAGE, also the documented message it
matches, how (the match's kind, and the server's extra detail) and the
values Binance filled in. ``--json`` prints the same as one JSON object.

Instead of CODE and MESSAGE, a pasted error payload: its JSON text as the
one argument (``'{"code":-2015,"msg":"..."}'``), or ``-`` to read it from
stdin; a WebSocket API frame (``{"id":..,"status":400,"error":{...}}``) is
unwrapped. Options may come anywhere: ``explain -2015 --product usdm MSG``.

Exit status: 0 when the code is documented, 1 when it is not (with one line
on stderr, or ``"known": false`` in the JSON), 2 on a usage error (including
a payload that is not JSON or has no integer ``code``). Standard library only.
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
    """Run the command line; return the exit status.

    ``explain``'s arguments are parsed with ``parse_intermixed_args``, so its
    options may follow its positionals; a negative number is a positional
    (no option of the command looks like one).
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(prog)
    if arguments[:1] == ["explain"]:
        explain_parser = build_explain_parser(f"{parser.prog} explain")
        args = explain_parser.parse_intermixed_args(arguments[1:])
        args.parser = explain_parser
    else:
        args = parser.parse_args(arguments)
    status: int = args.handler(args)
    return status


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Explain Binance API error codes and messages.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("explain", help="what an error code (and message) means", add_help=False)
    return parser


EXPLAIN_DESCRIPTION = (
    "Name, section, action, category and flags of CODE; with MESSAGE, the documented message"
    " it matches, how, and the values filled in. Instead of CODE and MESSAGE, an error payload:"
    " its JSON text, or - to read it from stdin."
)


def build_explain_parser(prog: str) -> argparse.ArgumentParser:
    explain = argparse.ArgumentParser(prog=prog, description=EXPLAIN_DESCRIPTION)
    explain.add_argument(
        "code",
        metavar="CODE",
        help="the error code (e.g. -1003), a JSON error payload, or - to read one from stdin",
    )
    explain.add_argument("message", nargs="?", metavar="MESSAGE", help="the msg Binance sent")
    explain.add_argument(
        "--product",
        default=PRODUCTS[0] if "spot" not in PRODUCTS else "spot",
        choices=PRODUCTS,
        help="the API that sent it (default: %(default)s)",
    )
    explain.add_argument("--json", action="store_true", help="print one JSON object")
    explain.set_defaults(handler=run_explain)
    return explain


def read_arguments(args: argparse.Namespace) -> None:
    """Set ``args.code`` (an int) and ``args.message`` from CODE and MESSAGE, or from a payload.

    A usage error (exit 2) when CODE is neither an integer, nor ``-``, nor
    JSON text; when a payload comes with a MESSAGE; or when the payload is
    not a JSON object with an integer ``code``. A payload's ``msg`` that is
    not a string counts as no message.
    """
    parser: argparse.ArgumentParser = args.parser
    text: str = args.code
    if text == "-" or text.lstrip().startswith(("{", "[")):
        if args.message is not None:
            parser.error("a payload carries its own message; give MESSAGE only with a CODE")
        args.code, args.message = payload_fields(parser, sys.stdin.read() if text == "-" else text)
        return
    try:
        args.code = int(text)
    except ValueError:
        parser.error(f"argument CODE: invalid int value: {text!r}")


def payload_fields(parser: argparse.ArgumentParser, text: str) -> tuple[int, str | None]:
    """The code and msg of an error payload (a WebSocket API frame is unwrapped)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        parser.error(f"the payload is not JSON ({exc})")
    if isinstance(data, dict) and "code" not in data and isinstance(data.get("error"), dict):
        data = data["error"]
    code = data.get("code") if isinstance(data, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        parser.error('the payload has no integer \'code\'; expected {"code": -1003, "msg": ...}')
    msg = data.get("msg")
    return code, msg if isinstance(msg, str) else None


def run_explain(args: argparse.Namespace) -> int:
    read_arguments(args)
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
    documented = found.documented_code
    return {
        "kind": found.kind,
        "template": found.template,
        "params": list(found.params),
        "detail": found.detail,
        "documented_code": None if documented is None else int(documented),
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
        for label, value in match_lines(found):
            add(label, value)
    return "\n".join(lines)


def match_lines(found: MessageMatch | None) -> list[tuple[str, str]]:
    """The labelled lines that say what a message matched, and how."""
    if found is None:
        return [("matched", "none of the documented messages")]
    lines = [("matched", found.template), ("kind", KIND_TEXT.get(found.kind, found.kind))]
    documented = found.documented_code
    if documented is not None:
        lines.append(("documented under", f"{int(documented)} {getattr(documented, 'name', '')}"))
    if found.detail is not None:
        lines.append(("detail", found.detail))
    if found.params:
        lines.append(("params", ", ".join(repr(param) for param in found.params)))
    if found.table_row is not None:
        lines.append(("meaning", found.table_row.description))
    return lines


KIND_TEXT = {
    "exact": "exact (as documented)",
    "table": "table (a row of a table the page gives for this code)",
    "normalised": "normalised (as documented, but for case, quotes or spacing)",
    "extended": "extended (the documented text, plus detail the server added)",
    "former": "former (a wording the page used to give)",
    "other_code": "other_code (documented under another code)",
}
"""How ``explain`` says each kind of match."""


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
