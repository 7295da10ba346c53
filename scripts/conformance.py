"""Write the cases both packages must answer alike: ``tests/conformance/cases.json``.

Usage: ``python scripts/conformance.py [--out PATH]`` (``make conformance``).

The cases come from the spec and the corpus of real payloads; their expected
answers come from the Python package (the committed ``generated/binance_errors``),
which is the reference. ``tests/test_conformance.py`` re-derives every answer
from the Python package rendered afresh and fails on any difference (the file
is then stale: regenerate it, read the diff, commit it, like a golden file);
``tests/typescript/conformance.test.mjs`` asks the npm package the same
questions and fails on any answer that differs.

Five sections, each a list of rows (``columns`` in the file says what each
position holds), and ``codes``: each product's ``ErrorCode`` names and values, in
order (aliases and former names included), which ``tests/typescript/api.test.mjs``
compares with the npm package's:

- ``match``: ``<product>.match(code, msg)`` for every documented message
  (templates filled with sample values), every table row, every former
  wording, tolerant variants of them (case, spacing, quotes, detail around or
  inside), messages asked under another code, the real-traffic corpus, hostile
  and oversized strings, unknown codes and arguments of the wrong type.
- ``advice``: ``<product>.advice(code, http_status=..., msg=..., method=...)``
  for every documented code, the universal codes, undocumented codes and no
  code, each under a grid of HTTP statuses and methods; plus the HTTP rules'
  message variants and the message rules' phrases. An answer is the id of an
  entry of ``outcomes``, whose reasons and sources are ids of ``strings``
  (ids are content hashes, so a regenerated file differs only where answers do).
- ``responses``: ``BinanceAPIError.from_parts(...)`` (``fromParts``) on bodies
  as text, bytes, objects and envelopes, with headers, ``Retry-After`` values,
  ban messages, URLs and methods, at a fixed ``now``.
- ``urls``: ``product_for_url`` on every URL family and others.

Where the two languages cannot agree by nature the cases stay out (JSON
numbers: Python tells ``-1003.0`` from ``-1003``, JavaScript cannot; see the
README, "TypeScript and JavaScript").
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scraper.annotations import (  # noqa: E402
    ProductAnnotations,
    read_annotations,
    resolve_spec,
)
from scraper.matchers import fill, placeholders  # noqa: E402
from scraper.model import Product, Spec  # noqa: E402
from scraper.render import all_messages  # noqa: E402
from scraper.spec import read_spec  # noqa: E402

CASES = REPO / "tests" / "conformance" / "cases.json"
SPEC = REPO / "spec" / "errors.yaml"
ANNOTATIONS = REPO / "spec" / "annotations.yaml"
CORPUS = REPO / "tests" / "fixtures" / "real_traffic" / "payloads.yaml"
GENERATED = REPO / "generated"

NOW = 1_700_000_000.0
"""The time every ``responses`` case says the response arrived (seconds since the epoch)."""
STATUSES = (None, 400, 408, 418, 429, 500, 503)
METHODS = (None, "GET", "POST")
TEXT_VALUES = (
    "BTCUSDT",
    "1 MINUTE",
    "it's",
    'say "hi"',
    "a.b*c+?(x)[y]{z}|^$\\d",
    "Ünïcödé 中文 😀",
)
VALUES = {
    "s": TEXT_VALUES,
    "named": TEXT_VALUES,
    "letter": TEXT_VALUES,
    "d": ("42", "-7", "+3"),
    "b": ("true", "FALSE"),
    "list": ("'quantity', 'quoteOrderQty'", "'price'"),
}
"""Sample values per placeholder kind: spaces, quotes, regex syntax, non-ASCII, astral."""
ROTATIONS = 3
"""Templated messages are filled this many times, each starting one value further along."""
IP = "203.0.113.9"
HOSTILE = (
    "",
    " ",
    ".",
    "...",
    "null",
    "\\",
    "${constructor}",
    "*/ */",
    "</script><script>alert(1)</script>",
    "<!-- -->",
    "line\u2028separator\u2029paragraph",
    "\u202eabc\u202c \u200b \ufeffBOM at the start",
    "\ufeffToo many requests queued.",
    "Too many requests queued.\u00a0",
    "Too\u0085many\x1crequests queued.",
    "lone \ud800 surrogate",
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "%s %d {0} {} {name} '%s'...",
    "(" * 300 + ")" * 300,
    "Filter failure: " * 60,
    "Too much request weight used; current limit is x request weight per " * 15,
    "Component '" + "' is incorrectly populated on '" * 35,
    "Way too many requests; IP(" + "x" * 900 + ") banned until",
    "Too much request weight used; current limit is " + "a " * 480,
    "x" * 5000,
)
"""Strings no page documents that try the escaping, the normal forms and the backtracking."""
LONG = 200
"""Hostile strings this long are asked of one product only (see :func:`match_questions`)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=CASES)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(GENERATED))
    package = importlib.import_module("binance_errors")
    document = build_document(read_spec(SPEC), package)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(document_text(document), encoding="utf-8")
    counts = ", ".join(f"{len(document[name])} {name}" for name in SECTIONS)
    print(f"wrote {args.out}: {counts}")
    return 0


SECTIONS = ("match", "advice", "responses", "urls")


def build_document(spec: Spec, package: ModuleType) -> dict[str, Any]:
    """Every case with the Python package's answer (see the module doc)."""
    resolved = resolve_spec(read_annotations(ANNOTATIONS), spec, str(ANNOTATIONS))
    table = OutcomeTable()
    match = [
        [case, product.id, code, msg, match_answer(getattr(package, product.id), code, msg)]
        for index, product in enumerate(spec.products)
        for case, code, msg in match_questions(product, first=not index)
    ]
    match += [
        [case, product_id, code, msg, match_answer(getattr(package, product_id), code, msg)]
        for case, product_id, code, msg in corpus_questions()
    ]
    advice = [
        [case, product.id, code, msg, grid(getattr(package, product.id), code, msg, table)]
        for product in spec.products
        for case, code, msg in advice_questions(product, resolved[product.id])
    ]
    responses = [
        [case, question, response_answer(package, question, table)]
        for case, question in response_questions(spec)
    ]
    urls = [[url, package.product_for_url(url)] for url in URLS]
    codes = {
        product.id: [
            [name, int(member)]
            for name, member in getattr(package, product.id).ErrorCode.__members__.items()
        ]
        for product in spec.products
    }
    return {
        "about": ABOUT,
        "columns": COLUMNS,
        "now": NOW,
        "statuses": list(STATUSES),
        "methods": list(METHODS),
        "match": match,
        "advice": advice,
        "responses": responses,
        "urls": urls,
        "codes": codes,
        "outcomes": dict(sorted(table.outcomes.items())),
        "strings": dict(sorted(table.strings.items())),
    }


ABOUT = [
    "The questions both packages must answer alike, with the Python package's answers.",
    "Written by scripts/conformance.py (make conformance); do not edit by hand.",
    "tests/test_conformance.py (Python) and tests/typescript/conformance.test.mjs (JS) check them.",
]
COLUMNS = {
    "match": ["case", "product", "code", "msg", "answer"],
    "match answer": ["kind", "template", "params", "detail", "documentedCode", "tableRow"],
    "advice": ["case", "product", "code", "msg", "outcome per status x method (in that order)"],
    "outcome": ["category", "retryable", "executionUnknown", "action", "reasons", "sources"],
    "responses": ["case", "question", "answer"],
    "urls": ["url", "product"],
}


# -- answers ---------------------------------------------------------------------------


def match_answer(module: ModuleType, code: object, msg: object) -> list[Any] | None:
    """``match(code, msg)`` as a row: kind, template, params, detail, documented code, row."""
    found = module.match(code, msg)
    if found is None:
        return None
    if int(found.code) != code:
        raise AssertionError(f"match({code!r}, ...) answered for code {found.code!r}")
    return match_row(found)


def match_row(found: Any) -> list[Any]:
    """A ``MessageMatch`` as the row ``columns["match answer"]`` describes."""
    documented = None if found.documented_code is None else int(found.documented_code)
    row = found.table_row
    return [
        found.kind,
        found.template,
        list(found.params),
        found.detail,
        documented,
        None if row is None else [row.message, row.description],
    ]


class OutcomeTable:
    """Advice answers stored once each, under a hash of their content; likewise their texts."""

    def __init__(self) -> None:
        self.outcomes: dict[str, list[Any]] = {}
        self.strings: dict[str, str] = {}

    def string(self, text: str) -> str:
        key = content_id(text)
        if self.strings.setdefault(key, text) != text:
            raise AssertionError(f"two strings share the id {key}")
        return key

    def outcome(self, annotation: Any) -> str:
        row = [
            annotation.category,
            annotation.retryable,
            annotation.execution_unknown,
            annotation.action,
            [self.string(text) for text in annotation.reasons],
            [self.string(text) for text in annotation.sources],
        ]
        key = content_id(row)
        if self.outcomes.setdefault(key, row) != row:
            raise AssertionError(f"two outcomes share the id {key}")
        return key


def content_id(value: object) -> str:
    """The first 8 hex digits of the SHA-256 of ``value``'s canonical JSON."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def grid(module: ModuleType, code: int | None, msg: str, table: OutcomeTable) -> list[str]:
    """The outcome of ``advice(code, ...)`` for each status of :data:`STATUSES` and method."""
    return [
        table.outcome(module.advice(code, http_status=status, msg=msg, method=method))
        for status in STATUSES
        for method in METHODS
    ]


def response_answer(package: ModuleType, question: dict[str, Any], table: OutcomeTable) -> Any:
    """What ``from_parts`` makes of the question; the error's text when it raises."""
    try:
        error = package.BinanceAPIError.from_parts(
            question["status"],
            body_of(question["body"]),
            headers=headers_of(question["headers"]),
            url=question["url"],
            product=question["product"],
            method=question["method"],
            now=NOW,
        )
    except (TypeError, ValueError) as exc:
        return {"raises": "TypeError" if isinstance(exc, TypeError) else "RangeError"}
    match = error.match
    return {
        "code": None if error.code is None else int(error.code),
        "msg": error.msg,
        "product": error.product,
        "httpStatus": error.http_status,
        "method": error.method,
        "url": error.url,
        "headers": error.headers,
        "retryAfter": error.retry_after,
        "payload": error.payload,
        "problem": error.problem is not None,
        "match": None if match is None else match_row(match),
        "advice": table.outcome(error.annotation),
    }


def body_of(body: dict[str, Any] | None) -> object:
    """A question's body: ``{"text": ...}``, ``{"hex": ...}`` (bytes), ``{"object": ...}``."""
    if body is None:
        return None
    if "hex" in body:
        return bytes.fromhex(body["hex"])
    return body["text"] if "text" in body else body["object"]


def headers_of(headers: dict[str, Any] | None) -> object:
    """A question's headers: ``{"object": {...}}`` or ``{"pairs": [[name, value], ...]}``."""
    if headers is None:
        return None
    if "pairs" in headers:
        return [tuple(pair) for pair in headers["pairs"]]
    return headers["object"]


# -- questions: match --------------------------------------------------------------------


def sample_values(template: str, rotation: int) -> list[str]:
    """One value per placeholder of ``template``, from :data:`VALUES`, ``rotation`` along.

    Two placeholders separated by a space alone split at the first space, so
    the first of them gets a value without one.
    """
    found = placeholders(template)
    values: list[str] = []
    for index, placeholder in enumerate(found):
        pool = VALUES[placeholder.kind]
        if index + 1 < len(found) and re.search(
            re.escape(placeholder.text) + r"\s+" + re.escape(found[index + 1].text), template
        ):
            pool = tuple(value for value in pool if " " not in value)
        values.append(pool[(rotation + index) % len(pool)])
    return values


def instances(text: str) -> list[str]:
    """``text`` as servers may send it: filled :data:`ROTATIONS` ways when it is a template."""
    if not placeholders(text):
        return [text]
    return list(dict.fromkeys(fill(text, sample_values(text, r)) for r in range(ROTATIONS)))


VARIANTS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("upper", str.upper),
    ("lower", str.lower),
    ("spaced", lambda m: re.sub(r"\s*([.,;:!?()\[\]{}=])\s*", r" \1 ", m)),
    ("curly", lambda m: m.replace("'", "\u2019").replace('"', "\u201c")),
    ("detail_after", lambda m: m.rstrip(".") + f", request ip: {IP}"),
    ("detail_before", lambda m: "Error: " + m),
    ("inserted", lambda m: m.replace(" ", f"({IP}) ", 1)),
    ("sentence_after", lambda m: m + " Retry later."),
    ("word_dropped", lambda m: " ".join(m.split(" ")[:-1])),
    ("respaced", lambda m: "  " + m.replace(" ", " \n\t ") + ". "),
)
"""What a server does to a documented message; each message gets two, in turn."""


def match_questions(product: Product, first: bool) -> Iterator[tuple[str, Any, Any]]:
    """``(case, code, msg)`` for the product: see the module doc.

    The strings that are long only to try the limits go with the ``first``
    product alone: they try the runtime, not the product's data.
    """
    codes = [entry.code for entry in product.errors]
    yield from message_questions(product)
    yield from table_questions(product)
    for hostile in HOSTILE:
        for code in codes[:2] if len(hostile) < LONG else codes[:1] if first else ():
            yield "hostile", code, hostile
    if first:
        yield from length_questions(product)
    yield from bad_questions(codes)


def message_questions(product: Product) -> Iterator[tuple[str, int, str]]:
    """Each message and former message of each code, as sent, varied, and under the next code."""
    codes = [entry.code for entry in product.errors]
    turn = 0
    for index, entry in enumerate(product.errors):
        other = codes[(index + 1) % len(codes)]
        for message in all_messages(entry):
            case = "templated" if placeholders(message) else "exact"
            for rotation, text in enumerate(instances(message)):
                name, vary = VARIANTS[turn % len(VARIANTS)]
                turn += 1
                yield case, entry.code, text
                yield f"variant:{name}", entry.code, vary(text)
                if not rotation:
                    yield "other_code", other, text
        for former in entry.former_messages:
            for text in instances(former.message):
                yield "former", entry.code, text
                yield "former", entry.code, VARIANTS[turn % len(VARIANTS)][1](text)
                turn += 1


def table_questions(product: Product) -> Iterator[tuple[str, int, str]]:
    """Each row and former row of each table, for each code it is bound to and one it is not."""
    for message_table in product.tables:
        for code in message_table.codes:
            for row in message_table.rows:
                for text in instances(row.message):
                    yield "table", code, text
            for former_row in message_table.former_rows:
                for text in instances(former_row.message):
                    yield "former", code, text
        for row in message_table.rows[:3]:
            yield "table", -99_999, row.message


def length_questions(product: Product) -> Iterator[tuple[str, int, str]]:
    """Messages around the length limits, counted in code points (an emoji is one, though two
    UTF-16 code units)."""
    templated = [
        (entry.code, message)
        for entry in product.errors
        for message in all_messages(entry)
        if len(placeholders(message)) == 1 and placeholders(message)[0].kind in ("s", "named")
    ]
    plain = [
        (entry.code, message)
        for entry in product.errors
        for message in all_messages(entry)
        if not placeholders(message) and len(message) >= 20
    ]
    for code, message in templated[:2]:
        room = 4096 - len(fill(message, [""]).rstrip(". "))
        for value in ("😀" * room, "😀" * (room + 1), "x" * room, "x" * (room + 1)):
            yield "length", code, fill(message, [value])
    for code, message in plain[:2]:
        for size in (1024, 1025):
            pad = size - len(message) - 2
            yield "length", code, message + ", " + "😀" * pad
            yield "length", code, message + ", " + "x" * pad


def bad_questions(codes: list[int]) -> Iterator[tuple[str, Any, Any]]:
    """Unknown codes and messages, and arguments of the wrong type (answered None)."""
    first = codes[0]
    yield "unknown", -99_999, "Something Binance has not documented yet."
    yield "unknown", 0, "x"
    yield "unknown", 99_999_999_999, "x"
    yield "unknown", first, "An undocumented message #1."
    for code in ("-1003", None, [first], {"code": first}, 1.5):
        yield "bad_argument", code, "x"
    for msg in [None, 42, ["x"], {"msg": "x"}, True]:
        yield "bad_argument", first, msg


def corpus_questions() -> Iterator[tuple[str, str, int, str]]:
    """Every payload of the real-traffic corpus with an integer code, a string msg and a product."""
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    for payload in data["payloads"]:
        code, msg, product = payload["code"], payload["msg"], payload["product"]
        if isinstance(code, int) and isinstance(msg, str) and product is not None:
            yield "real_traffic", product, code, msg


# -- questions: advice --------------------------------------------------------------------


def advice_questions(
    product: Product, annotations: ProductAnnotations
) -> Iterator[tuple[str, int | None, str]]:
    """``(case, code, msg)``: each answered for every status and method (see ``statuses``)."""
    for code in annotations.codes:
        entry = product.error(code)
        messages = all_messages(entry) if entry is not None else ()
        yield "documented", code, instances(messages[0])[0] if messages else ""
    for code in annotations.universal:
        yield "universal", code, ""
    for segment in annotations.ranges:
        for code in sorted({segment.low, segment.high, (segment.low + segment.high) // 2}):
            if product.error(code) is None and code not in annotations.universal:
                yield "undocumented", code, "brand new"
    yield "undocumented", -99_999, "brand new"
    yield "no_code", None, ""
    yield "no_code", None, "<html><body>502 Bad Gateway</body></html>"
    for http_rule in annotations.http:
        for message in http_rule.messages:
            for variant in (message, message.upper().rstrip("."), f"  {message}  "):
                yield "http_variant", None, variant
            yield "http_variant", -1000, message
    documented = list(annotations.codes)
    for message_rule in annotations.messages:
        covered = list(message_rule.codes) or documented[:1] + documented[-1:]
        for phrase in message_rule.message_has:
            for code in covered:
                yield "message_rule", code, f"Order rejected: {phrase.upper()}."
        yield "message_rule", None, message_rule.message_has[0]


# -- questions: responses and URLs -----------------------------------------------------------

TEXT_BODIES = (
    "",
    "<html><body>502 Bad Gateway</body></html>",
    "Service Unavailable.",
    "[1, 2]",
    "42",
    '"text"',
    "null",
    '{"code": -1013}',
    '{"msg": "no code"}',
    '{"code": "-1013", "msg": "x"}',
    '{"code": true, "msg": "x"}',
    '{"code": null, "msg": "x"}',
    '{"code": -1013, "msg": 7}',
    '{"code": -1013, "msg": null}',
    '{"code": -2010, "msg": "Account has insufficient balance for requested action."}',
    '{"code": -2010, "msg": "Duplicate order sent."}',
    '{"code": -1234, "msg": "brand new"}',
    '{"code": -1013, "msg": "x", "code": -1003}',
    '{"__proto__": {"code": 1}, "code": -1013, "msg": "x"}',
    '{"id": "7", "status": 400, "error": {"code": -1013, "msg": "Filter failure: LOT_SIZE"}}',
    '{"id": "7", "status": 429, "error": {"code": -1003, "msg": "Too many requests queued."}}',
    '{"id": "7", "status": true, "error": {"code": -1013, "msg": "x"}}',
    '{"id": "7", "status": 400, "error": "nope"}',
    '{"id": "7", "status": 400, "error": {"msg": "x"}}',
    '{"status": 400, "error": {"code": -1013, "msg": "x"}, "code": -2010, "msg": "y"}',
)
"""Bodies as text: pages, JSON that is not an object, payloads missing or mistyping a field,
WebSocket API envelopes, keys a JavaScript object treats specially."""

URLS = (
    "https://api.binance.com/api/v3/order",
    "https://API.Binance.COM:443/api/v3/order?symbol=BTCUSDT#x",
    "api3.binance.com/api/v3/order",
    "//api.binance.com/api/v3/order",
    "https://user:pass@api.binance.com./api/v3/order",
    "wss://ws-api.binance.com:443/ws-api/v3",
    "https://testnet.binance.vision/api/v3/order",
    "wss://demo-ws-api.binance.com/ws-api/v3",
    "https://fapi.binance.com/fapi/v1/order",
    "wss://ws-fapi.binance.com/ws-fapi/v1",
    "https://testnet.binancefuture.com/fapi/v1/order",
    "https://testnet.binancefuture.com/dapi/v1/order",
    "https://testnet.binancefuture.com/",
    "https://testnet.binancefuture.com/other/v1",
    "https://dapi.binance.com/dapi/v1/order",
    "https://eapi.binance.com/eapi/v1/order",
    "https://papi.binance.com/papi/v1/um/order",
    "https://api.binance.com/sapi/v1/margin/order",
    "https://api.binance.com/sapi/v1/bnbBurn",
    "https://api.binance.com/sapi/v1/userListenToken",
    "https://api.binance.com/sapi/v1/capital/withdraw/apply",
    "https://api.binance.com/sapi",
    "https://api.binance.com/wapi/v3/withdraw.html",
    "https://api.binance.com",
    "https://api.binance.us/api/v3/order",
    "https://api.binance.com.evil.example/api/v3/order",
    "https://stream.binance.com:9443/ws/btcusdt@trade",
    "/api/v3/order",
    "  https://fapi.binance.com/fapi/v1/order  ",
    "",
    None,
)

TIMEOUT = (
    "Timeout waiting for response from backend server. Send status unknown;"
    " execution status unknown."
)
RETRY_AFTER = (
    "30",
    " 120 ",
    "0",
    "1.5",
    "-5",
    "30s",
    "\u00b2",
    "",
    "Tue, 14 Nov 2023 22:14:20 GMT",
    "Tue, 14 Nov 2023 22:14:20 +0100",
    "Tue, 14 Nov 2023 22:14:20 -0000",
    "Tue, 14 Nov 2023 22:14:20",
    "14 Nov 2023 22:14:20 EST",
    "Tuesday, 14-Nov-23 22:14:20 GMT",
    "Tue Nov 14 22:14:20 2023",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Sat, 31 Feb 2024 10:00:00 GMT",
    "Tue, 14 Nov 2023 24:00:00 GMT",
    "Tue, 14 Nov 2023 22:14:60 GMT",
    "Tue, 14 Nov 2023 22:14 +9999",
    "Nov 14 2023 22:14:20.5 GMT",
    "Tue, 14 Nov 2023 22.14.20 UT",
    "Tue, 14 Nov 68 22:14:20 Z",
    "Tue, 14 Nov 69 22:14:20 PDT",
    "Mon, 1 Jan 0001 00:00:00 GMT",
    "²,Nov 14 2023 22:14:20 GMT",
    "soon",
)
BANNED = (
    "Way too much request weight used; IP banned until 1700000030000. Please use WebSocket"
    " Streams for live updates to avoid bans.",
    "IP banned until 1700000030000.",
    "IP banned until 1700000030.",
    "IP banned until 1699999999000; later",
    "IP banned until 17000000300001.",
    "IP banned until 12345678.",
    "IP banned until soon.",
    "IP banned until  1700000030000",
)


def question(
    body: dict[str, Any] | None,
    *,
    status: object = None,
    headers: dict[str, Any] | None = None,
    url: str | None = None,
    product: str | None = None,
    method: object = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "body": body,
        "headers": headers,
        "url": url,
        "product": product,
        "method": method,
    }


def json_body(code: object, msg: object) -> dict[str, Any]:
    return {"text": json.dumps({"code": code, "msg": msg})}


def response_questions(spec: Spec) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(case, question)`` for ``from_parts``: bodies, envelopes, headers, waits, URLs, methods."""
    products = [product.id for product in spec.products]
    order = "https://api.binance.com/api/v3/order"
    yield from body_questions(order)
    for value in RETRY_AFTER:
        headers = {"pairs": [["Retry-After", value]]}
        yield "retry_after", question(json_body(-1003, "x"), status=429, headers=headers)
    soon = {"object": {"retry-after": "soon"}}
    yield "retry_after", question(json_body(-1003, BANNED[0]), status=418, headers=soon)
    for msg in BANNED:
        yield "banned", question(json_body(-1003, msg), status=418, url=order, method="GET")
    weights = {
        "X-MBX-USED-WEIGHT-1M": "6001",
        "x-mbx-order-count-10s": " 3 ",
        "X-SAPI-USED-IP-WEIGHT-1M": "12",
        "X-MBX-USED-WEIGHT-1D": "n/a",
        "Content-Type": "application/json",
    }
    yield "headers", question(json_body(-1003, "x"), status=429, headers={"object": weights})
    pairs = [["X-MBX-USED-WEIGHT-1M", "1"], ["X-MBX-USED-WEIGHT-1M", "2"], ["Retry-After", "7"]]
    yield "headers", question(json_body(-1003, "x"), status=429, headers={"pairs": pairs})
    for bad_headers in ({"object": {"X-MBX-USED-WEIGHT-1M": 5}}, {"pairs": [["a", "b", "c"]]}):
        yield "headers", question(json_body(-1003, "x"), status=429, headers=bad_headers)
    for url in URLS:
        yield "url", question(json_body(-1007, TIMEOUT), status=503, url=url, method="POST")
    for method in (None, "GET", " post ", "delete", "Get", "HEAD", "options", "\u00a0get\u2003"):
        for url in (order, "https://fapi.binance.com/fapi/v1/order"):
            yield "method", question(json_body(-1007, TIMEOUT), status=503, url=url, method=method)
    for product in [*products, "nope", ""]:
        yield "product", question(json_body(-4005, "x"), status=400, product=product)
    yield "product", question(json_body(-1021, "x"), status=400, url=order, product="usdm")
    for status in (None, 200, 400, 403, 408, 409, 418, 429, 500, 502, 503, 504, 599, 600):
        for body in (json_body(-1000, "An unknown error."), {"text": "Service Unavailable."}):
            for url in (order, "https://fapi.binance.com/fapi/v1/order"):
                yield "status", question(body, status=status, url=url, method="POST")


def body_questions(url: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Bodies as text, bytes, objects and envelopes, well formed or not."""
    ok = {"code": -1013, "msg": "Filter failure: LOT_SIZE"}
    bodies: list[dict[str, Any] | None] = [
        None,
        {"text": json.dumps(ok)},
        {"hex": json.dumps(ok).encode().hex()},
        {"object": ok},
        {"hex": "efbbbf" + json.dumps(ok).encode().hex()},
        {"hex": "ff00"},
        {"hex": ""},
        *({"text": text} for text in TEXT_BODIES),
        {"object": {"code": -1013, "msg": "x", "data": {"nested": [1, {"a": None}]}}},
        {"object": [ok]},
    ]
    for body in bodies:
        for status in (None, 400, 503):
            yield "body", question(body, status=status, url=url, method="POST")
    for bad_status in ("400", 400.5, True):
        yield "bad_argument", question({"text": json.dumps(ok)}, status=bad_status)
    yield "bad_argument", question({"text": json.dumps(ok)}, method=7)
    yield "bad_argument", question({"text": json.dumps(ok)}, headers={"object": "a string"})


# -- writing ---------------------------------------------------------------------------------


def document_text(document: dict[str, Any]) -> str:
    """The document as JSON, one row per line (diffs show one case per line), final newline."""
    lines = ["{"]
    keys = list(document)
    for index, key in enumerate(keys):
        value = document[key]
        comma = "," if index + 1 < len(keys) else ""
        if key not in (*SECTIONS, "codes", "outcomes", "strings"):
            lines.append(f"  {json.dumps(key)}: {compact(value)}{comma}")
            continue
        mapping = isinstance(value, dict)
        items = (
            [f"{json.dumps(k)}: {compact(v)}" for k, v in value.items()]
            if mapping
            else [compact(item) for item in value]
        )
        lines.append(f"  {json.dumps(key)}: " + ("{" if mapping else "["))
        lines += [f"    {item}," for item in items[:-1]] + [f"    {item}" for item in items[-1:]]
        lines.append("  " + ("}" if mapping else "]") + comma)
    return "\n".join(lines) + "\n}\n"


def compact(value: object) -> str:
    """One line of JSON; non-ASCII kept, but invisible and separator characters escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return "".join(c if c.isprintable() or c == " " else json.dumps(c)[1:-1] for c in text)


if __name__ == "__main__":
    sys.exit(main())
