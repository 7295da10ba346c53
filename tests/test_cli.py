"""The command line, run as a real subprocess: results, exit codes, and nothing half-written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scraper.cli import has_history
from scraper.spec import read_spec
from tests.conftest import FIXTURES, REPO, run_cli, upstream_file

MINI = FIXTURES / "mini.html"


def scrape(source: str | Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = run_cli("scrape", "--source", source, "--product", "spot", "--out", out, *extra)
    return result.returncode, result.stdout, result.stderr


def test_scrape_writes_a_spec(tmp_path: Path) -> None:
    out = tmp_path / "errors.yaml"
    status, stdout, stderr = scrape(MINI, out)
    assert status == 0, stderr
    assert "spot: 4 codes, 5 messages, 2 tables (6 rows)" in stdout
    text = out.read_text(encoding="utf-8")
    assert "url: https://developers.binance.com/docs/binance-spot-api-docs/errors" in text
    assert str(MINI) not in text


def test_file_and_http_give_the_same_spec(tmp_path: Path, httpserver: HTTPServer) -> None:
    page = upstream_file("captures", "spot-html-1.txt")
    httpserver.expect_request("/docs/errors").respond_with_data(
        page.read_bytes(), content_type="text/html; charset=utf-8"
    )
    from_file, from_http = tmp_path / "file.yaml", tmp_path / "http.yaml"
    assert scrape(page, from_file)[0] == 0
    assert scrape(httpserver.url_for("/docs/errors"), from_http)[0] == 0
    assert from_file.read_bytes() == from_http.read_bytes()


def test_scrape_all_from_the_captures_matches_the_committed_spec(tmp_path: Path) -> None:
    """The committed spec is what the scraper makes of the captures, not hand-typed."""
    captures = upstream_file("captures")
    out = tmp_path / "errors.yaml"
    result = run_cli("scrape", "--all", "--captures", captures, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "8 of 8 products scraped" in result.stdout
    fresh = read_spec(out)
    committed = read_spec(REPO / "spec" / "errors.yaml")
    assert [p.id for p in fresh.products] == [p.id for p in committed.products]
    replayed = [p.id for p in committed.products if has_history(p.errors)]
    for product in committed.products:
        if product.id not in replayed:
            assert fresh.product(product.id) == product, product.id
    if not replayed:
        assert out.read_bytes() == (REPO / "spec" / "errors.yaml").read_bytes()


BAD_INPUTS = {
    "empty.html": ("", 5, "empty document"),
    "payload.json": ('{"code": -1121, "msg": "Invalid symbol."}', 5, "looks like JSON"),
    "no_codes.html": ((FIXTURES / "no_codes.html").read_text(), 5, "no error-code headings"),
    "bad_heading.html": ((FIXTURES / "bad_heading.html").read_text(), 5, "is not one"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, name: str) -> None:
    content, expected_status, problem = BAD_INPUTS[name]
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "errors.yaml"
    status, _, stderr = scrape(source, out)
    assert status == expected_status
    assert stderr.count("\n") == 1 and stderr.startswith(f"error: {source}: ")
    assert problem in stderr and "Traceback" not in stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_missing_source_file(tmp_path: Path) -> None:
    status, _, stderr = scrape(tmp_path / "nope.html", tmp_path / "errors.yaml")
    assert status == 4
    assert stderr == f"error: {tmp_path / 'nope.html'}: no such file\n"


def test_bad_input_leaves_a_good_spec_untouched(tmp_path: Path) -> None:
    out = tmp_path / "errors.yaml"
    assert scrape(MINI, out)[0] == 0
    before = out.read_bytes()
    empty = tmp_path / "empty.html"
    empty.write_text("")
    assert scrape(empty, out)[0] == 5
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.html", "errors.yaml"]


def test_unknown_product(tmp_path: Path) -> None:
    result = run_cli("scrape", "--source", MINI, "--product", "moon", "--out", tmp_path / "x.yaml")
    assert result.returncode == 6
    assert "unknown product 'moon'; expected one of: spot" in result.stderr


def test_scrape_will_not_drop_history(tmp_path: Path) -> None:
    out = tmp_path / "errors.yaml"
    shutil.copy(FIXTURES / "golden" / "spec.yaml", out)
    status, _, stderr = scrape(MINI, out)
    assert status == 3 and "carries added/removed history" in stderr
    assert out.read_bytes() == (FIXTURES / "golden" / "spec.yaml").read_bytes()
    # mini.html lacks two of the golden spec's four live codes: --force is not enough.
    status, _, stderr = scrape(MINI, out, "--force")
    assert status == 3 and "the page lost 2 of 4 live codes (50%, over 10%)" in stderr
    assert out.read_bytes() == (FIXTURES / "golden" / "spec.yaml").read_bytes()
    assert scrape(MINI, out, "--force", "--allow-shrink")[0] == 0


def test_generate_then_check(tmp_path: Path) -> None:
    spec, out = FIXTURES / "golden" / "spec.yaml", tmp_path / "generated"
    assert run_cli("generate", "--spec", spec, "--out", out).returncode == 0
    assert run_cli("check", "--spec", spec, "--out", out).returncode == 0
    spot = out / "binance_errors" / "spot.py"
    spot.write_text(spot.read_text().replace("UNKNOWN = -1000", "UNKNOWN = -1"))
    (out / "binance_errors" / "extra.py").write_text("x = 1\n")
    stale = run_cli("check", "--spec", spec, "--out", out)
    assert stale.returncode == 1
    assert "-    UNKNOWN = -1\n+    UNKNOWN = -1000\n" in stale.stdout
    assert "extra.py" in stale.stdout
    assert stale.stderr.startswith(f"error: {out}: stale")
    assert run_cli("generate", "--spec", spec, "--out", out).returncode == 0
    assert not (out / "binance_errors" / "extra.py").exists()
    assert run_cli("check", "--spec", spec, "--out", out).returncode == 0


def test_generate_with_a_broken_spec_writes_nothing(tmp_path: Path) -> None:
    spec, out = tmp_path / "errors.yaml", tmp_path / "generated"
    spec.write_text("schema_version: 1\nproducts:\n- id: Spot!\n")
    result = run_cli("generate", "--spec", spec, "--out", out)
    assert result.returncode == 6
    assert result.stderr.startswith(f"error: {spec}: $.products[0]")
    assert not out.exists()


def test_help_lists_exit_codes() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for line in ("3  refused by a guard", "4  fetch failed", "5  page not understood"):
        assert line in result.stdout
    for command in ("scrape", "update", "diff", "generate", "check"):
        assert f"    {command}" in result.stdout


def test_committed_generated_tree_is_current() -> None:
    assert run_cli("check").returncode == 0, "run 'make generate'"


# -- several products ----------------------------------------------------------


def registry(tmp_path: Path, products: dict[str, str]) -> Path:
    """A sources file whose products (id -> live URL) each name a capture ``<id>.page``."""
    lines = ["products:"]
    for product_id, url in products.items():
        lines += [
            f"- id: {product_id}",
            f"  title: Product {product_id}",
            f"  url: {url}",
            "  format: html",
            f"  capture: {product_id}.page",
        ]
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scrape_all(sources: Path, out: Path, *extra: str | Path) -> tuple[int, str, str]:
    result = run_cli("scrape", "--all", "--sources", sources, "--out", out, *extra)
    return result.returncode, result.stdout, result.stderr


def test_scrape_all_reports_a_failing_product_and_writes_the_others(tmp_path: Path) -> None:
    captures = tmp_path / "captures"
    captures.mkdir()
    shutil.copy(MINI, captures / "alpha.page")
    (captures / "beta.page").write_text('{"code": -1121}', encoding="utf-8")
    shutil.copy(FIXTURES / "mini.md", captures / "gamma.page")
    url = "https://developers.binance.com/docs/x"
    sources = registry(tmp_path, {"alpha": url, "beta": url, "gamma": url})
    out = tmp_path / "errors.yaml"
    status, stdout, stderr = scrape_all(sources, out, "--captures", captures)
    assert status == 5
    assert (
        stderr
        == f"error: {captures / 'beta.page'}: looks like JSON; expected an HTML or Markdown error-code page\n"
    )
    assert "2 of 3 products scraped; failed: beta" in stdout
    spec = read_spec(out)
    assert [p.id for p in spec.products] == ["alpha", "gamma"]
    assert spec.products[0].errors == spec.products[1].errors


def test_scrape_all_leaves_a_failing_products_entry_as_it_was(tmp_path: Path) -> None:
    captures = tmp_path / "captures"
    captures.mkdir()
    shutil.copy(MINI, captures / "alpha.page")
    url = "https://developers.binance.com/docs/x"
    sources = registry(tmp_path, {"alpha": url, "beta": url})
    out = tmp_path / "errors.yaml"
    first = run_cli(
        "scrape", "--product", "beta", "--source", MINI, "--sources", sources, "--out", out
    )
    assert first.returncode == 0, first.stderr
    beta_before = read_spec(out).product("beta")
    status, _, stderr = scrape_all(sources, out, "--captures", captures)
    assert status == 4 and stderr == f"error: {captures / 'beta.page'}: no such file\n"
    spec = read_spec(out)
    assert spec.product("beta") == beta_before
    assert spec.product("alpha") is not None


def test_scrape_all_reads_live_urls_without_captures(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/alpha").respond_with_data(
        MINI.read_bytes(), content_type="text/html"
    )
    httpserver.expect_request("/beta").respond_with_data("down", status=503)
    sources = registry(
        tmp_path, {"alpha": httpserver.url_for("/alpha"), "beta": httpserver.url_for("/beta")}
    )
    out = tmp_path / "errors.yaml"
    status, stdout, stderr = scrape_all(sources, out, "--retries", "0")
    assert status == 4
    assert stderr.startswith(f"error: {httpserver.url_for('/beta')}: ") and stderr.count("\n") == 1
    assert "alpha: 4 codes" in stdout and "1 of 2 products scraped; failed: beta" in stdout
    spec = read_spec(out)
    assert [p.id for p in spec.products] == ["alpha"]
    assert spec.products[0].source.url == httpserver.url_for("/alpha")


def test_scrape_all_excludes_and_refuses_to_drop_history(tmp_path: Path) -> None:
    captures = tmp_path / "captures"
    captures.mkdir()
    for name in ("spot", "alpha"):
        shutil.copy(MINI, captures / f"{name}.page")
    url = "https://developers.binance.com/docs/x"
    sources = registry(tmp_path, {"spot": url, "alpha": url})
    out = tmp_path / "errors.yaml"
    shutil.copy(FIXTURES / "golden" / "spec.yaml", out)  # its spot carries history
    status, stdout, stderr = scrape_all(sources, out, "--captures", captures)
    assert status == 3 and "'spot' carries added/removed history" in stderr
    assert "1 of 2 products scraped; failed: spot" in stdout
    before = out.read_bytes()
    status, stdout, stderr = scrape_all(sources, out, "--captures", captures, "--exclude", "spot")
    assert (status, stderr) == (0, "")
    assert "spot" not in stdout and out.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "status", "problem"),
    [
        (["--all", "--source", "x.html"], 2, "use it with --product, not --all"),
        (["--product", "spot", "--exclude", "spot"], 2, "--exclude goes with --all"),
        (["--all", "--product", "spot"], 2, "not allowed with argument"),
        (["--all", "--exclude", "moon"], 6, "unknown product 'moon'"),
        ([], 2, "one of the arguments --product --all is required"),
    ],
)
def test_scrape_usage_errors(tmp_path: Path, args: list[str], status: int, problem: str) -> None:
    out = tmp_path / "errors.yaml"
    result = run_cli("scrape", *args, "--out", out)
    assert result.returncode == status and problem in result.stderr
    assert not out.exists()


def test_a_product_without_a_capture_is_reported(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "products:\n- id: alpha\n  title: A\n  url: https://x.test/a\n  format: html\n",
        encoding="utf-8",
    )
    result = run_cli(
        "scrape",
        "--product",
        "alpha",
        "--captures",
        tmp_path,
        "--sources",
        sources,
        "--out",
        tmp_path / "errors.yaml",
    )
    assert result.returncode == 6
    assert (
        result.stderr
        == f"error: {sources}: product 'alpha' names no capture to read from --captures\n"
    )


def test_readme_documents_the_exit_codes() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = [
        (3, "refused by a guard"),
        (4, "fetch failed"),
        (5, "page not understood"),
        (73, "cannot write an output file"),
    ]
    help_text = run_cli("--help").stdout
    for status, words in documented:
        assert re.search(rf"^\| {status} \|[^\n]*{words}", readme, re.MULTILINE), status
        assert re.search(rf"^ +{status}  {words}", help_text, re.MULTILINE), status
