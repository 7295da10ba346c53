"""Real payloads Binance servers sent, quoted in public sources, through the generated package.

``tests/fixtures/real_traffic/payloads.yaml`` holds them, each with its source
and product (see its header). Every payload with a code and a product is
matched by ``<product>.match(code, msg)`` in a fresh interpreter that sees
only the generated tree. ``pytest -s`` prints the share recognised by kind,
for the whole corpus, the part used while developing the matcher, and the
part held out from it (:func:`held_out`), then every miss.

The test fails on an implausible match (:func:`implausible`): a template the
product does not document where the kind says it does, a template whose
literal words are not in the message, a value or detail that is not in the
message, a template other than the one the corpus expects, or a match for a
payload the corpus says no page documents. It also fails when the share
recognised falls under :data:`FLOOR`.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from scraper.matchers import compile_template, normalise
from scraper.model import Product
from scraper.render import all_messages
from scraper.spec import read_spec
from tests.conftest import FIXTURES, SPEC_PATH, without_coverage

CORPUS = FIXTURES / "real_traffic" / "payloads.yaml"
FLOOR = 0.75
"""The share of payloads (with a code and a product) that must be recognised."""
HELD_OUT_FLOOR = 0.6
"""The same for the held-out part alone, which is small (22 payloads)."""
KINDS = ("exact", "table", "normalised", "extended", "former", "other_code")

MATCH_ALL = """
import importlib, json, sys
payloads = json.loads(sys.stdin.read())
found = []
for product, code, msg in payloads:
    m = importlib.import_module("binance_errors." + product).match(code, msg)
    found.append(None if m is None else {
        "kind": m.kind, "template": m.template, "params": list(m.params), "detail": m.detail,
        "documented_code": None if m.documented_code is None else int(m.documented_code),
        "row": None if m.table_row is None else m.table_row.message,
    })
print(json.dumps(found))
"""


def held_out(payload: dict[str, Any]) -> bool:
    """Whether the payload was kept out of development: its source's sha256 is 0 mod 5.

    Decided before any result was looked at; about a fifth of the sources.
    """
    digest = hashlib.sha256(str(payload["source"]).encode("utf-8")).hexdigest()
    return int(digest, 16) % 5 == 0


def load_corpus() -> list[dict[str, Any]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    payloads: list[dict[str, Any]] = data["payloads"]
    return payloads


def matchable(payload: dict[str, Any]) -> bool:
    """A payload ``match`` can be asked about: an integer code, a string msg, a known product."""
    return (
        isinstance(payload["code"], int)
        and isinstance(payload["msg"], str)
        and payload["product"] is not None
    )


@pytest.fixture(scope="module")
def results(generated_tree: Path) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every matchable payload with what the generated package says about it."""
    payloads = [p for p in load_corpus() if matchable(p)]
    asked = [(p["product"], p["code"], p["msg"]) for p in payloads]
    found = match_in_subprocess(generated_tree, asked)
    return list(zip(payloads, found, strict=True))


def match_in_subprocess(tree: Path, asked: list[tuple[str, int, str]]) -> list[Any]:
    """``match`` on each ``(product, code, msg)`` in an interpreter that sees only ``tree``."""
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path[:0] = [{str(tree)!r}]\n{MATCH_ALL}"],
        input=json.dumps(asked),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=without_coverage(),
    )
    assert done.returncode == 0, done.stderr
    found: list[Any] = json.loads(done.stdout)
    return found


# -- plausibility ------------------------------------------------------------------

WORD = re.compile(r"[a-z0-9]+")


def literal_words(template: str) -> list[str]:
    """The whole words of the template's literal text, in order (a word cut by a placeholder is left out)."""
    compiled = compile_template(template)
    words: list[str] = []
    for index in range(0, len(compiled), 2):
        literal = compiled[index].lower()
        found = WORD.findall(literal)
        if index > 0 and found and literal[:1].isalnum():
            found = found[1:]  # glued to the value before it (%sx)
        if index < len(compiled) - 1 and found and literal[-1:].isalnum():
            found = found[:-1]  # glued to the value after it
        words += found
    return words


def in_order(needles: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(any(word == candidate for candidate in remaining) for word in needles)


def documented_for(product: Product, code: int, kind: str, found: dict[str, Any]) -> bool:
    """Whether the product documents ``found['template']`` where ``kind`` says it does."""
    entry = product.error(code)
    own = set(all_messages(entry)) if entry else set()
    former = {f.message for f in entry.former_messages} if entry else set()
    tables = [t for t in product.tables if code in t.codes]
    rows = {r.message for t in tables for r in t.rows}
    former_rows = {r.message for t in tables for r in t.former_rows}
    template = found["template"]
    if kind == "exact":
        return template in own
    if kind == "table":
        return template in rows
    if kind in ("normalised", "extended"):
        return template in own | rows
    if kind == "former":
        return template in former | former_rows
    other = product.error(found["documented_code"])
    return other is not None and other.code != code and template in all_messages(other)


def implausible(payload: dict[str, Any], found: dict[str, Any], product: Product) -> str | None:
    """Why the match is not believable, or None."""
    return next(reasons_against(payload, found, product), None)


def reasons_against(
    payload: dict[str, Any], found: dict[str, Any], product: Product
) -> Iterator[str]:
    """Every reason not to believe the match, most basic first."""
    msg, code, kind = payload["msg"], payload["code"], found["kind"]
    expected = payload["expected"] or {}
    spaced = " ".join(msg.split())
    if kind not in KINDS:
        yield f"unknown kind {kind!r}"
    elif not documented_for(product, code, kind, found):
        yield f"{found['template']!r} is not documented as kind {kind} for {code}"
    if not in_order(literal_words(found["template"]), WORD.findall(msg.lower())):
        yield f"the literal words of {found['template']!r} are not all in the message, in order"
    yield from (f"value {v!r} is not in the message" for v in found["params"] if v not in spaced)
    detail = found["detail"]
    if detail is not None and not all(piece in spaced for piece in detail.split(" ") if piece):
        yield f"detail {detail!r} is not in the message"
    if kind in ("exact", "table", "normalised", "other_code") and detail is not None:
        yield f"detail {detail!r} with kind {kind}"
    if kind == "extended" and detail is None:
        yield "kind extended without detail"
    if expected.get("kind") == "undocumented":
        yield "the corpus says no page documents this payload"
    if expected.get("template") and expected["template"] != found["template"]:
        yield f"expected {expected['template']!r}"
    wanted = expected.get("documented_code")
    if kind == "other_code" and wanted not in (None, found["documented_code"]):
        yield f"expected documented_code {wanted}"


# -- the test ------------------------------------------------------------------------


def shares(pairs: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> tuple[Counter[str], int]:
    kinds = Counter(found["kind"] if found else "miss" for _, found in pairs)
    return kinds, len(pairs)


def share_line(label: str, pairs: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> str:
    kinds, total = shares(pairs)
    recognised = total - kinds["miss"]
    parts = ", ".join(f"{kind} {kinds[kind]}" for kind in (*KINDS, "miss") if kinds[kind])
    return f"{label:<10} {recognised:>3}/{total:<3} recognised ({recognised / total:.0%}): {parts}"


def test_the_corpus_is_real_and_referenced() -> None:
    payloads = load_corpus()
    assert len(payloads) >= 100
    products = {"spot", "spot_testnet", "usdm", "coinm", "options", "portfolio_margin",
                "margin", "wallet", None}  # fmt: skip
    for payload in payloads:
        assert payload["source"], payload
        assert payload["product"] in products, payload
        assert payload["quoted_as"], payload
    assert sum(matchable(p) for p in payloads) >= 100
    assert 0.15 <= sum(held_out(p) for p in payloads) / len(payloads) <= 0.25


def test_real_payloads_are_recognised_plausibly(
    results: list[tuple[dict[str, Any], dict[str, Any] | None]],
) -> None:
    spec = read_spec(SPEC_PATH)
    wrong = []
    for payload, found in results:
        product = spec.product(payload["product"])
        assert product is not None
        if found is not None and (why := implausible(payload, found, product)):
            wrong.append(f"{payload['product']} {payload['code']} {payload['msg']!r}: {why}")
    development = [pair for pair in results if not held_out(pair[0])]
    unseen = [pair for pair in results if held_out(pair[0])]
    print()
    for label, pairs in (("all", results), ("developed", development), ("held out", unseen)):
        print(share_line(label, pairs))
    by_product = Counter(payload["product"] for payload, _ in results)
    print("by product:", ", ".join(f"{p} {n}" for p, n in sorted(by_product.items())))
    print("misses:")
    for payload, found in results:
        if found is None:
            mark = " (held out)" if held_out(payload) else ""
            print(
                f"  {payload['product']} {payload['code']} {normalise(payload['msg'])[:100]!r}{mark}"
            )
    assert not wrong, "\n".join(wrong)
    for pairs, floor in ((results, FLOOR), (unseen, HELD_OUT_FLOOR)):
        kinds, total = shares(pairs)
        assert (total - kinds["miss"]) / total >= floor


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("template", "Order does not exist.", "is not documented as kind extended"),
        ("template", "Invalid API-key, IP, or permissions for action.", None),
        ("detail", "request ip: 10.0.0.1", "is not in the message"),
        ("params", ["x"], "is not in the message"),
        ("kind", "exact", "with kind exact"),
        ("kind", "former", "is not documented as kind former"),
    ],
)
def test_an_implausible_match_is_caught(field: str, value: object, problem: str | None) -> None:
    """The checks above fail when they should: each field made wrong in turn."""
    product = read_spec(SPEC_PATH).product("usdm")
    assert product is not None
    payload = {
        "code": -2015,
        "msg": "Invalid API-key, IP, or permissions for action, request ip: 203.0.113.9",
        "expected": {"template": None, "kind": "extended", "documented_code": None},
    }
    found: dict[str, Any] = {
        "kind": "extended",
        "template": "Invalid API-key, IP, or permissions for action.",
        "params": [],
        "detail": ", request ip: 203.0.113.9",
        "documented_code": None,
    }
    found[field] = value
    why = implausible(payload, found, product)
    if problem is None:
        assert why is None
    else:
        assert why is not None and problem in why
