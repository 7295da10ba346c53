"""The conformance cases are the Python package's answers (the npm package's test asks it too).

``tests/conformance/cases.json`` holds questions and the answers the Python
package gives; ``tests/typescript/conformance.test.mjs`` (``make test-ts``)
requires the npm package to give the same. Here every answer is worked out
again from the package rendered afresh from the committed spec, and the file
must be exactly what ``scripts/conformance.py`` writes: a change to the data,
the annotations or the Python runtime that changes an answer makes the file
stale, and this test says which cases changed and how to regenerate it.
"""

from __future__ import annotations

import json
from collections import Counter
from types import ModuleType
from typing import Any

import pytest

from scraper.spec import read_spec
from scripts.conformance import CASES, SECTIONS, build_document, document_text
from tests.conftest import SPEC_PATH

REGENERATE = (
    "regenerate it with 'make conformance' (python scripts/conformance.py), read the diff,"
    " and commit it"
)


@pytest.fixture(scope="module")
def fresh(package: ModuleType) -> dict[str, Any]:
    """The document the script would write now, from the freshly rendered package."""
    return build_document(read_spec(SPEC_PATH), package)


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CASES.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("section", [*SECTIONS, "codes", "outcomes", "strings"])
def test_every_answer_is_the_python_package_s(
    fresh: dict[str, Any], committed: dict[str, Any], section: str
) -> None:
    """Each row of the committed file is the row the Python package gives now."""
    want, have = fresh[section], committed[section]
    if isinstance(want, dict):
        changed = sorted(set(want) ^ set(have) | {k for k in want if have.get(k) != want[k]})
        assert not changed, f"{len(changed)} {section} differ, e.g. {changed[:3]}; {REGENERATE}"
        return
    differ = [
        (index, row) for index, row in enumerate(want) if index >= len(have) or have[index] != row
    ]
    assert len(have) == len(want) and not differ, (
        f"{section}: {len(have)} cases committed, {len(want)} now, {len(differ)} differ,"
        f" e.g. {differ[:2]}; {REGENERATE}"
    )


def test_the_file_is_what_the_script_writes(fresh: dict[str, Any]) -> None:
    assert CASES.read_text(encoding="utf-8") == document_text(fresh), REGENERATE


def test_the_cases_cover_every_product_kind_and_case(committed: dict[str, Any]) -> None:
    """Every product is asked; every kind of match, every action and category are answered."""
    products = {row[1] for row in committed["match"]} & {row[1] for row in committed["advice"]}
    assert products == {product.id for product in read_spec(SPEC_PATH).products}
    kinds = Counter(row[4][0] for row in committed["match"] if row[4] is not None)
    assert set(kinds) == {"exact", "table", "normalised", "extended", "former", "other_code"}
    assert sum(row[4] is None for row in committed["match"]) > 500
    cases = {row[0].split(":")[0] for row in committed["match"]}
    assert cases == {
        *("exact", "templated", "variant", "other_code", "table", "former", "hostile"),
        *("length", "unknown", "bad_argument", "real_traffic"),
    }
    actions = {outcome[3] for outcome in committed["outcomes"].values()}
    assert actions == {"retry", "resync_and_retry", "reconcile", "fix_request", "stop"}
    answers = [answer for _, _, answer in committed["responses"]]
    assert {"RangeError", "TypeError"} == {a["raises"] for a in answers if "raises" in a}
    assert any(a.get("retryAfter") for a in answers) and any(a.get("problem") for a in answers)
    grid = len(committed["statuses"]) * len(committed["methods"])
    assert all(len(row[4]) == grid for row in committed["advice"])


def test_rows_of_the_file_are_one_per_line(committed: dict[str, Any]) -> None:
    """Diffs of a regenerated file show whole cases (``splitlines`` also splits at U+2028, which
    the file writes escaped)."""
    lines = CASES.read_text(encoding="utf-8").splitlines()
    total = sum(len(committed[key]) for key in (*SECTIONS, "codes", "outcomes", "strings"))
    braces, one_line_keys, sections = 2, 5, 7
    assert len(lines) == total + braces + one_line_keys + 2 * sections
