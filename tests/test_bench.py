"""``scripts/bench.py`` runs end to end (its figures are judged by ``make bench``, not here)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from scraper.spec import read_spec
from tests.conftest import REPO, SPEC_PATH, without_coverage


@pytest.mark.parametrize("product_id", [product.id for product in read_spec(SPEC_PATH).products])
def test_bench_reports_both_figures_and_a_correct_mix(product_id: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "bench.py"),
            *("--product", product_id, "--runs", "1", "--items", "200"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=without_coverage(),  # it times interpreters; coverage would slow each one
    )
    assert result.stderr == ""
    assert result.returncode in (0, 1)  # 1: a target missed on a busy machine, not a crash
    out = result.stdout
    assert f"import binance_errors.{product_id} (python -I" in out
    assert re.search(r"ratio +\d+\.\d+ x +target <= 1\.6 x: (met|MISSED)", out)
    node = re.search(r"ratio +\d+\.\d+ x +target <= 1\.25 x: (met|MISSED)", out)
    skipped = "import binance-error-codes/... (node): skipped, Node >= 20 not found" in out
    assert bool(node) != skipped
    if node:
        assert f"  binance-error-codes/{product_id}\n" in out
        assert re.search(r"ratio +\d+\.\d+ x +reported, not judged: it loads every product", out)
    assert re.search(r"ratio +\d+\.\d+ x +target >= 20 x: (met|MISSED)", out)
    mix = re.search(r"match\(\) on (\d+) messages \((\d+) exact, (\d+) templated, ", out)
    assert mix is not None and int(mix.group(1)) >= 190
    assert "WRONG" not in out  # every message of the mix gave the template it was built from
