"""The committed generated/ tree, one module per product, imported for real in a fresh interpreter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scraper.render import anchor
from scraper.spec import read_spec
from tests.conftest import REPO, run_python

GENERATED = REPO / "generated"
SPEC = read_spec(REPO / "spec" / "errors.yaml")
PRODUCT_IDS = [product.id for product in SPEC.products]


def run_isolated(code: str) -> str:
    """Run ``code`` in ``python -I`` that sees only the committed generated/ tree."""
    result = run_python(GENERATED, code)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_product_has_a_module_and_a_page() -> None:
    assert len(PRODUCT_IDS) == 8
    index = (GENERATED / "ERRORS.md").read_text(encoding="utf-8")
    for product in SPEC.products:
        assert (GENERATED / "binance_errors" / f"{product.id}.py").is_file()
        page = (GENERATED / "docs" / f"{product.id}.md").read_text(encoding="utf-8")
        for entry in product.errors:
            assert f'<a id="{anchor(product.id, entry.code)}"></a>{entry.code} |' in page
        assert f"](docs/{product.id}.md)" in index
    out = run_isolated("import binance_errors\nprint(list(binance_errors.PRODUCTS))")
    assert json.loads(out.replace("'", '"')) == PRODUCT_IDS


@pytest.mark.parametrize("product_id", PRODUCT_IDS)
def test_importing_one_product_imports_no_other(product_id: str) -> None:
    out = run_isolated(
        f"import binance_errors.{product_id} as product\n"
        "assert len(product.ErrorCode) > 100\n"
        "print(sorted(m for m in sys.modules if m.startswith('binance_errors.')))\n"
    )
    loaded = set(re.findall(r"'binance_errors\.(\w+)'", out))
    assert product_id in loaded
    assert not loaded & (set(PRODUCT_IDS) - {product_id})


def test_the_same_code_resolves_per_product() -> None:
    """Codes clash across APIs: each product's module answers with its own page's entry."""
    out = run_isolated(
        "from binance_errors import spot, usdm, coinm, margin, wallet, portfolio_margin\n"
        "assert usdm.ErrorCode(-4005).name == 'QTY_GREATER_THAN_MAX_QTY'\n"
        "assert coinm.ErrorCode(-4005).name == 'QTY_GREATER_THAN_MAX_QTY'\n"
        "assert usdm.ErrorCode(-4005) is not coinm.ErrorCode(-4005)\n"
        "assert wallet.ErrorCode(-4005).name == 'CAPAITAL_TOO_MANY_REQUEST'\n"
        "assert wallet.ErrorCode(-4005).messages == ('Too many new requests.',)\n"
        "assert usdm.ErrorCode(-4005).messages == ('Quantity greater than max quantity.',)\n"
        "assert spot.ErrorCode(-1008).name == 'SERVER_BUSY'\n"
        "assert usdm.ErrorCode(-1008).name == 'REQUEST_THROTTLED'\n"
        "assert usdm.ErrorCode(-1008).title == 'Request Throttled'\n"
        "assert spot.ErrorCode(-1003).messages[0] == 'Too many requests queued.'\n"
        "assert usdm.ErrorCode(-1003).messages[0].startswith('Too many requests; current limit')\n"
        "assert spot.ErrorCode(-2013).name == portfolio_margin.ErrorCode(-2013).name == 'NO_SUCH_ORDER'\n"
        "assert spot.ErrorCode(-2013).section == '11xx - Request issues'\n"
        "assert portfolio_margin.ErrorCode(-2013).section == '20xx - Processing Issues'\n"
        "assert spot.lookup(-51078) is None and portfolio_margin.lookup(-51078) is not None\n"
        "M = margin.ErrorCode\n"
        "assert M.FUTURE_ACCT_OR_SUBRELATION_NOT_EXIST is M.TRANSFER_PENDING\n"
        "assert M(-5012).aliases == ('FUTURE_ACCT_OR_SUBRELATION_NOT_EXIST',)\n"
        "assert 'future account or sub relation not exists.' in M(-5012).messages\n"
        "assert M(-18002).name == 'ERROR_18002' and M(-20121).name == 'ERROR_20121'\n"
        "assert margin.table('filter_failures').rows[-1].message.endswith('EXCHANGE_MAX_NUM_ALGO_ORDERS')\n"
        "print('ok')\n"
    )
    assert out == "ok\n"


def test_errors_json_holds_every_product() -> None:
    data = json.loads((GENERATED / "errors.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["products"]] == PRODUCT_IDS
    for product, spec_product in zip(data["products"], SPEC.products):
        assert len(product["errors"]) == len(spec_product.errors)


def test_importing_a_product_builds_its_enum_only(generated_tree: Path) -> None:
    """The data (messages, advice, tables, templates) waits for its first use."""
    result = run_python(
        generated_tree,
        "from binance_errors import usdm\n"
        "before = sorted(m for m in sys.modules if m.startswith('binance_errors'))\n"
        "code = usdm.ErrorCode.TIMEOUT\n"
        "untouched = 'binance_errors._usdm_data' not in sys.modules\n"
        "print(before, untouched, code.action, len(usdm.TABLES), len(usdm.HTTP_RULES) > 5)\n"
        "print(sorted(m for m in sys.modules if m.startswith('binance_errors')))\n",
    )
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == (
        "['binance_errors', 'binance_errors._runtime', 'binance_errors.usdm'] True reconcile 0 True"
    )
    assert second == (
        "['binance_errors', 'binance_errors._runtime', 'binance_errors._usdm_data',"
        " 'binance_errors.usdm']"
    )
