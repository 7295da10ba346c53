"""Benchmark the generated package against its targets; ``make bench`` runs it.

1. Import cost: ``import binance_errors.<product>`` in a fresh ``python -I``
   against a bare ``python -I -c pass``, the two alternated, median of
   ``--runs`` each. Target: at most 1.6 times the bare interpreter.
2. The npm package's import cost: ``node --input-type=module -e 'import
   ".../<product>.js"'`` against a bare ``node -e ""``, alternated, median of
   ``--runs`` each. Target: at most 1.25 times the bare start. The root entry
   (``index.js``, which loads every product) is measured too and reported, not
   judged. Skipped, with a line saying so, when Node.js 20 or newer is absent.
3. ``match()`` throughput on a realistic mix of messages (exact, templated,
   table rows, real payloads Binance sent, unknown codes and messages)
   against a naive matcher that tries every message of the product with
   ``re.fullmatch``, in the same process. Target: at least 20 times the
   naive throughput. Also shown, not judged: the throughput of the messages
   that the exact path answers (a dict lookup) and of those that reach the
   tolerant path (every strict kind failed first).

The packages are the committed ``generated/`` tree; the mix is built from the
spec with the generator's own template filler, and the real payloads are the
product's entries of ``tests/fixtures/real_traffic/payloads.yaml`` (what they
match is the real-traffic test's business, not the bench's). Prints the
figures and whether each target is met; exits 1 when one is not (with ``-X
importtime``'s view of where the import time goes when that target is
missed).
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scraper.matchers import fill, normalise, pattern_source, placeholders  # noqa: E402
from scraper.model import Product  # noqa: E402
from scraper.render import all_messages, product_messages  # noqa: E402
from scraper.spec import read_spec  # noqa: E402

GENERATED = REPO / "generated"
SPEC = REPO / "spec" / "errors.yaml"
IMPORT_TARGET = 1.6
NODE_IMPORT_TARGET = 1.25
MATCH_TARGET = 20.0
NPM_PACKAGE = GENERATED / "typescript"
SAMPLE_VALUES = (
    "BTCUSDT",
    "1 MINUTE",
    "0.00100000",
    "it's",
    "a.b*c+?(x)[y]{z}|^$",
    "newClientOrderId",
)
MIX = (("exact", 30), ("templated", 25), ("table", 15), ("real", 15), ("unknown", 15))
"""Kinds of message in the mix, with their share in percent."""
CORPUS = REPO / "tests" / "fixtures" / "real_traffic" / "payloads.yaml"
UNCHECKED = "\0"
"""The expected template of a real payload: not checked here (tests/test_real_traffic.py does)."""

Item = tuple[str, int, str, str | None]
"""(kind, code, message, the template it should match or None, or :data:`UNCHECKED`)."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--product", default="spot")
    parser.add_argument("--runs", type=int, default=20, help="interpreter starts of each kind")
    parser.add_argument("--items", type=int, default=4000, help="messages in the match mix")
    args = parser.parse_args(argv)
    import_ok = bench_import(args.product, args.runs)
    node_ok = bench_node_import(args.product, args.runs)
    match_ok = bench_match(args.product, args.items)
    met = import_ok and node_ok and match_ok
    print(f"\nresult: {'all targets met' if met else 'TARGET MISSED'}")
    return 0 if met else 1


# -- import cost ---------------------------------------------------------------


def import_statement(product: str) -> str:
    return f"import sys; sys.path.insert(0, {str(GENERATED)!r}); import binance_errors.{product}"


def start_time(code: str, *options: str) -> float:
    """Seconds a fresh isolated interpreter takes to run ``code`` and exit."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-I", *options, "-c", code], check=True)
    return time.perf_counter() - started


def bench_import(product: str, runs: int) -> bool:
    statement = import_statement(product)
    start_time(statement)  # writes the .pyc files, as an installed package has them
    start_time("pass")
    bare: list[float] = []
    loaded: list[float] = []
    for _ in range(runs):
        bare.append(start_time("pass"))
        loaded.append(start_time(statement))
    bare_median, loaded_median = statistics.median(bare), statistics.median(loaded)
    ratio = loaded_median / bare_median
    met = ratio <= IMPORT_TARGET
    print(f"import binance_errors.{product} (python -I, median of {runs} alternated runs)")
    print(f"  bare interpreter      {bare_median * 1000:8.2f} ms")
    print(f"  with the import       {loaded_median * 1000:8.2f} ms")
    print(
        f"  ratio                 {ratio:8.2f} x   target <= {IMPORT_TARGET} x:"
        f" {'met' if met else 'MISSED'}"
    )
    if not met:
        print_import_breakdown(statement)
    return met


def print_import_breakdown(statement: str) -> None:
    """The modules the import loads, by their own cost (``-X importtime``)."""
    result = subprocess.run(
        [sys.executable, "-I", "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stderr.splitlines()
    after_site = next((i for i, line in enumerate(lines) if line.endswith("| site")), 0)
    rows: list[tuple[int, str]] = []
    for line in lines[after_site + 1 :]:
        own, _, name = line.removeprefix("import time:").split("|")
        rows.append((int(own), name.strip()))
    print("  where the time goes (-X importtime, own microseconds):")
    for microseconds, module in sorted(rows, reverse=True)[:12]:
        print(f"    {microseconds:7d}  {module}")


# -- the npm package's import cost ------------------------------------------------


def node_binary() -> str | None:
    """``node`` when it is Node.js 20 or newer, else None."""
    node = shutil.which("node")
    if node is None:
        return None
    check = "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)"
    return node if subprocess.run([node, "-e", check], check=False).returncode == 0 else None


def node_import(module: Path) -> list[str]:
    """The arguments of a ``node`` that imports ``module`` (an ES module) and exits."""
    return ["--input-type=module", "-e", f"import {json.dumps(module.as_uri())};"]


def node_time(node: str, arguments: list[str]) -> float:
    """Seconds a fresh ``node`` takes to run with ``arguments`` and exit."""
    started = time.perf_counter()
    subprocess.run([node, *arguments], check=True)
    return time.perf_counter() - started


def bench_node_import(product: str, runs: int) -> bool:
    """The npm package's import cost: one product (judged) and the root (reported)."""
    node = node_binary()
    if node is None:
        print("\nimport binance-error-codes/... (node): skipped, Node >= 20 not found")
        return True
    bare = ["-e", ""]
    entries = {
        f"binance-error-codes/{product}": node_import(NPM_PACKAGE / f"{product}.js"),
        "binance-error-codes (the root)": node_import(NPM_PACKAGE / "index.js"),
    }
    for arguments in (bare, *entries.values()):
        node_time(node, arguments)  # warm the file system cache
    times: dict[str, list[float]] = {"bare": [], **{name: [] for name in entries}}
    for _ in range(runs):
        times["bare"].append(node_time(node, bare))
        for name, arguments in entries.items():
            times[name].append(node_time(node, arguments))
    bare_median = statistics.median(times["bare"])
    print(f"\nimport binance-error-codes (node, median of {runs} alternated runs)")
    print(f"  bare node -e ''       {bare_median * 1000:8.2f} ms")
    met = True
    for index, name in enumerate(entries):
        median = statistics.median(times[name])
        ratio = median / bare_median
        print(f"  {name}")
        print(f"    with the import     {median * 1000:8.2f} ms")
        if index == 0:
            met = ratio <= NODE_IMPORT_TARGET
            verdict = f"target <= {NODE_IMPORT_TARGET} x: {'met' if met else 'MISSED'}"
        else:
            verdict = "reported, not judged: it loads every product"
        print(f"    ratio               {ratio:8.2f} x   {verdict}")
    return met


# -- match() throughput ----------------------------------------------------------


def bench_match(product_id: str, count: int) -> bool:
    spec = read_spec(SPEC)
    product = spec.product(product_id)
    if product is None:
        raise SystemExit(f"error: {SPEC}: no product {product_id!r}")
    items = message_mix(product, count, random.Random(20240611))
    module = load_product(product_id)
    started = time.perf_counter()
    module.match(-1000, "")
    first_call = time.perf_counter() - started
    wrong = [
        item
        for item in items
        if item[3] != UNCHECKED and template_of(module.match(item[1], item[2])) != item[3]
    ]
    ours, baseline = best_rates(module.match, naive_matcher(product), items)
    ratio = ours / baseline
    met = ratio >= MATCH_TARGET and not wrong
    exact_path = [item for item in items if kind_of(module.match(item[1], item[2])) == "exact"]
    tolerant_path = [item for item in items if reaches_tolerance(module, item[1], item[2])]
    counts = Counter(kind for kind, _, _, _ in items)
    kinds = ", ".join(f"{counts[kind]} {kind}" for kind, _ in MIX if counts[kind])
    print(f"\nmatch() on {len(items)} messages ({kinds})")
    print(f"  first call (compiles)  {first_call * 1000:8.2f} ms")
    print(f"  {product_id}.match()  {ours:12,.0f} messages/s")
    print(
        f"  naive re.fullmatch {baseline:12,.0f} messages/s  (every one of the product's messages)"
    )
    print(
        f"  ratio              {ratio:12.1f} x   target >= {MATCH_TARGET:.0f} x:"
        f" {'met' if ratio >= MATCH_TARGET else 'MISSED'}"
    )
    for label, part in (("exact path", exact_path), ("tolerant path", tolerant_path)):
        if part:
            rate, _ = best_rates(module.match, naive_matcher(product), part, repeats=3)
            print(f"  {label:<18} {rate:12,.0f} messages/s  ({len(part)} of the mix)")
    if tolerant_path:
        print(f"  {'tolerant, unseen':<18} {unseen_rate(module, tolerant_path):12,.0f} messages/s"
              "  (the same, every answer worked out afresh)")  # fmt: skip
    if wrong:
        print(f"  WRONG: {len(wrong)} messages did not give their template, e.g. {wrong[0]!r}")
    return met


def unseen_rate(module: ModuleType, items: list[Item]) -> float:
    """Messages per second when the matcher remembers no answer (``MEMO_SIZE`` 0)."""
    matching: Any = importlib.import_module("binance_errors._matching")
    matcher = module._load_matcher()
    size, matching.MEMO_SIZE = matching.MEMO_SIZE, 0
    try:
        matcher._memo.clear()
        started = time.perf_counter()
        for _, code, message, _ in items:
            module.match(code, message)
        return len(items) / (time.perf_counter() - started)
    finally:
        matching.MEMO_SIZE = size


def kind_of(found: object) -> str | None:
    kind = getattr(found, "kind", None)
    return kind if isinstance(kind, str) else None


def reaches_tolerance(module: ModuleType, code: int, message: str) -> bool:
    """Whether the strict kinds fail and the code is one the tolerant kinds look at."""
    return kind_of(module.match(code, message)) not in ("exact", "table") and (
        module.lookup(code) is not None
    )


def load_product(product_id: str) -> ModuleType:
    sys.path.insert(0, str(GENERATED))
    return importlib.import_module(f"binance_errors.{product_id}")


def template_of(found: object) -> str | None:
    template = getattr(found, "template", None)
    return template if isinstance(template, str) else None


def message_mix(product: Product, count: int, rng: random.Random) -> list[Item]:
    """About ``count`` messages, shuffled, in the proportions of :data:`MIX`.

    A kind the product has none of (a product without message tables) is left
    out and the others share its part.
    """
    exact: list[Item] = []
    templated: list[Item] = []
    for entry in product.errors:
        for message in all_messages(entry):
            if placeholders(message):
                values = [rng.choice(SAMPLE_VALUES) for _ in placeholders(message)]
                text = fill(
                    message, [plain_value(p.kind, v) for p, v in zip(placeholders(message), values)]
                )
                templated.append(("templated", entry.code, text, message))
            else:
                exact.append(("exact", entry.code, vary(message, rng), message))
    table: list[Item] = [
        ("table", code, vary(row.message, rng), row.message)
        for table in product.tables
        for row in table.rows
        for code in table.codes
    ]
    real: list[Item] = [
        ("real", payload["code"], payload["msg"], UNCHECKED)
        for payload in real_payloads(product.id)
    ]
    codes = [entry.code for entry in product.errors]
    unknown: list[Item] = [
        ("unknown", -99_000 - n, "Something Binance has not documented yet.", None)
        for n in range(20)
    ]
    unknown += [
        ("unknown", rng.choice(codes), f"An undocumented message #{n}.", None) for n in range(20)
    ]
    pools: dict[str, list[Item]] = {
        "exact": exact,
        "templated": templated,
        "table": table,
        "real": real,
        "unknown": unknown,
    }
    shares = [(kind, share) for kind, share in MIX if pools[kind]]  # some products have no table
    total = sum(share for _, share in shares)
    items = [
        rng.choice(pools[kind]) for kind, share in shares for _ in range(count * share // total)
    ]
    rng.shuffle(items)
    return items


def real_payloads(product_id: str) -> list[dict[str, Any]]:
    """The corpus's payloads of this product with an integer code and a string msg."""
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return [
        payload
        for payload in data["payloads"]
        if payload["product"] == product_id
        and isinstance(payload["code"], int)
        and isinstance(payload["msg"], str)
    ]


def plain_value(kind: str, value: str) -> str:
    """A sample value that fits the placeholder's kind."""
    if kind == "d":
        return str(len(value))
    if kind == "b":
        return "true"
    if kind == "list":
        return f"'{value}', 'price'"
    return value


def vary(message: str, rng: random.Random) -> str:
    """The message as it may arrive: as documented, without the final period, or respaced."""
    choice = rng.randrange(3)
    if choice == 1:
        return message.removesuffix(".")
    if choice == 2:
        return message.replace(" ", "  ", 1) + " "
    return message


def naive_matcher(product: Product) -> Callable[[int, str], tuple[str, tuple[str, ...]] | None]:
    """Try every message of the product in turn with ``re.fullmatch`` (patterns from sources)."""
    candidates = [
        (
            message,
            pattern_source(message) if placeholders(message) else re.escape(normalise(message)),
        )
        for message in dict.fromkeys(product_messages(product))
    ]

    def naive(code: int, msg: str) -> tuple[str, tuple[str, ...]] | None:
        key = normalise(msg)
        for template, source in candidates:
            found = re.fullmatch(source, key)
            if found is not None:
                return template, found.groups()
        return None

    return naive


def best_rates(
    ours: Callable[[int, str], object],
    naive: Callable[[int, str], object],
    items: list[Item],
    repeats: int = 7,
) -> tuple[float, float]:
    """Messages per second of each: the best of ``repeats`` passes, the two alternated.

    Alternating keeps a burst of load on the machine from landing on one side only.
    """
    pairs = [(code, message) for _, code, message, _ in items]
    best = {ours: float("inf"), naive: float("inf")}
    for _ in range(repeats):
        for function in (ours, naive):
            started = time.perf_counter()
            for code, message in pairs:
                function(code, message)
            best[function] = min(best[function], time.perf_counter() - started)
    return len(pairs) / best[ours], len(pairs) / best[naive]


if __name__ == "__main__":
    sys.exit(main())
