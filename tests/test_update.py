"""The ``update`` command end to end, as a real subprocess on Binance's real pages.

The pages are the newest published revision of the Spot page and copies of it
cut the way a broken scrape would cut them (half the codes gone, a table or a
section missing), to show the shrink guard refusing them and changing nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scraper.cli import main
from scraper.model import Spec
from scraper.sources import find_source
from scraper.spec import read_spec
from scraper.update import Job, pr_body, update_spec
from tests.conftest import REPO, history_files, run_cli, snapshot, upstream_file

CODE_HEADING = re.compile(r"^#{1,6} *\\?(-\d{3,5})\b")
ANY_HEADING = re.compile(r"^#{1,6} ")


def newest() -> Path:
    return history_files()[-1]


def revision(prefix: str) -> Path:
    return next(p for p in history_files() if p.name.startswith(prefix))


def drop_every_other_code(text: str) -> str:
    """The page without every second code heading and its bullets."""
    kept: list[str] = []
    dropping, seen = False, 0
    for line in text.splitlines(keepends=True):
        if CODE_HEADING.match(line):
            seen += 1
            dropping = seen % 2 == 0
        elif ANY_HEADING.match(line):
            dropping = False
        if not dropping:
            kept.append(line)
    return "".join(kept)


def drop_section(text: str, title: str) -> str:
    """The page without the ``## title`` section (up to the next ``##`` heading)."""
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    cut, count = pattern.subn("", text)
    assert count == 1, title
    return cut


def update(
    tmp_path: Path, source: Path | str, *extra: str | Path
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "update",
        "--product",
        "spot",
        "--source",
        source,
        "--spec",
        tmp_path / "spec" / "errors.yaml",
        "--out",
        tmp_path / "generated",
        "--release",
        tmp_path / "release.yaml",
        *extra,
    )


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A spec and generated tree made by ``update`` from the newest revision."""
    result = update(tmp_path, newest(), "--date", "2026-05-18")
    assert result.returncode == 0, result.stderr
    return tmp_path


# -- the happy path --------------------------------------------------------------


def test_update_from_a_saved_page_then_again_changes_nothing(tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    first = update(tmp_path, newest(), "--date", "2026-05-18", "--pr-body", body)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0].startswith("spot: 104 live codes, 0 tombstones, from ")
    assert "wrote" in first.stdout
    spec = read_spec(tmp_path / "spec" / "errors.yaml")
    (product,) = spec.products
    assert len(product.errors) == 104 and {e.added for e in product.errors} == {"2026-05-18"}
    assert body.read_text(encoding="utf-8").startswith("spot: new product, 104 codes added,")
    assert (tmp_path / "generated" / "binance_errors" / "spot.py").is_file()

    before = snapshot(tmp_path)
    body.unlink()
    again = update(tmp_path, newest(), "--date", "2030-01-01", "--pr-body", body)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "no changes"
    assert not body.exists()
    assert snapshot(tmp_path) == {k: v for k, v in before.items() if k != "body.md"}


def test_update_renders_exactly_what_generate_renders(tmp_path: Path) -> None:
    """After an update, ``check`` (with the real annotations) finds nothing stale."""
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    shutil.copy(REPO / "spec" / "annotations.yaml", spec_dir / "annotations.yaml")
    shutil.copy(REPO / "spec" / "errors.yaml", spec_dir / "errors.yaml")
    result = update(tmp_path, upstream_file("captures", "spot-html-1.txt"), "--date", "2026-11-24")
    assert result.returncode == 0, result.stderr
    check = run_cli("check", "--spec", spec_dir / "errors.yaml", "--out", tmp_path / "generated")
    assert check.returncode == 0, check.stdout[-2000:]
    data = (tmp_path / "generated" / "binance_errors" / "_spot_data.py").read_text(encoding="utf-8")
    assert "rate_limit" in data


def test_update_tombstones_a_dropped_code_and_says_so(tmp_path: Path) -> None:
    assert update(tmp_path, revision("2025-01-09"), "--date", "2025-01-09").returncode == 0
    body = tmp_path / "body.md"
    result = update(tmp_path, revision("2025-01-15"), "--date", "2025-01-15", "--pr-body", body)
    assert result.returncode == 0, result.stderr
    text = body.read_text(encoding="utf-8")
    assert text.startswith("spot: 1 code removed, 2 codes with changed messages.")
    assert "### Removed upstream (kept, deprecated) (1)" in text
    assert "- `-1167` `BOTH_OCO_ORDERS_CANNOT_BE_CONTINGENT`, removed 2025-01-15" in text
    gone = read_spec(tmp_path / "spec" / "errors.yaml").products[0].error(-1167)
    assert gone is not None and (gone.added, gone.removed) == ("2025-01-09", "2025-01-15")
    package = tmp_path / "generated" / "binance_errors"
    module = (package / "spot.py").read_text(encoding="utf-8")
    assert "    BOTH_OCO_ORDERS_CANNOT_BE_CONTINGENT = -1167\n" in module
    data = (package / "_spot_data.py").read_text(encoding="utf-8")
    assert '    -1167: "2025-01-15",\n' in data


def test_a_long_pr_body_is_cut_at_a_line_and_says_so() -> None:
    job = Job.from_source(find_source("spot"), str(newest()), "markdown")
    update = update_spec(Spec(()), [job], "2026-05-18")
    whole = pr_body(update)
    assert len(whole) > 10_000 and pr_body(update, limit=len(whole)) == whole
    cut = pr_body(update, limit=2_000)
    assert len(cut) <= 2_000 and cut.splitlines()[0] == whole.splitlines()[0]
    assert cut.endswith("prints the whole report)\n")
    kept = cut.rsplit("\n\n…", 1)[0]
    assert whole.startswith(kept + "\n")


# -- the shrink guard --------------------------------------------------------------


def refused(committed: Path, page_text: str, *expected: str) -> None:
    """``update`` refuses the page with exit 3, one line naming what vanished, no change."""
    source, body = committed / "cut.md", committed / "body.md"
    source.write_text(page_text, encoding="utf-8")
    before = snapshot(committed)
    result = update(committed, source, "--date", "2026-06-01", "--pr-body", body)
    assert result.returncode == 3, result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {source}: refusing to update 'spot': ")
    for phrase in expected:
        assert phrase in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(committed) == {**before, "body.md": snapshot(committed)["body.md"]}
    report = body.read_text(encoding="utf-8")
    assert report.startswith("No changes. Not updated: 1 product (spot).")
    assert "(exit status 3)" in report
    body.unlink()
    allowed = update(committed, source, "--date", "2026-06-01", "--allow-shrink")
    assert allowed.returncode == 0, allowed.stderr


def test_a_page_with_half_its_codes_is_refused(committed: Path) -> None:
    half = drop_every_other_code(newest().read_text(encoding="utf-8"))
    refused(committed, half, "the page lost 52 of 104 live codes (50%, over 10%): -1001, -1003,")
    product = read_spec(committed / "spec" / "errors.yaml").products[0]
    assert sum(not e.live for e in product.errors) == 52


def test_a_page_missing_the_filter_failure_table_is_refused(committed: Path) -> None:
    text = drop_section(newest().read_text(encoding="utf-8"), "Filter failures")
    refused(committed, text, "table 'filter_failures' ('Filter failures') lost all its 18 rows")


def test_a_page_missing_a_whole_section_is_refused(committed: Path) -> None:
    title = "Errors regarding placing orders via cancelReplace"
    text = drop_section(newest().read_text(encoding="utf-8"), title)
    refused(committed, text, f"section '{title}' lost all its codes: -2021, -2022")


def test_a_renamed_section_and_table_are_not_a_loss(committed: Path) -> None:
    text = newest().read_text(encoding="utf-8")
    text = text.replace("## 10xx - General Server or Network issues", "## General issues")
    text = text.replace("## Filter failures", "## -9xxx Filters that failed")
    source, body = committed / "renamed.md", committed / "body.md"
    source.write_text(text, encoding="utf-8")
    result = update(committed, source, "--date", "2026-06-01", "--pr-body", body)
    assert result.returncode == 0, result.stderr
    report = body.read_text(encoding="utf-8")
    assert report.splitlines()[0] == "spot: 1 section renamed, 1 table renamed."
    assert "- “10xx - General Server or Network issues” → “General issues”" in report
    assert "renamed from “Filter failures”" in report
    assert "Removed" not in report


def test_scrape_has_the_shrink_guard_too(tmp_path: Path) -> None:
    out = tmp_path / "errors.yaml"
    full = run_cli("scrape", "--source", newest(), "--product", "spot", "--out", out)
    assert full.returncode == 0, full.stderr
    before = out.read_bytes()
    half = tmp_path / "half.md"
    half.write_text(drop_every_other_code(newest().read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("scrape", "--source", half, "--product", "spot", "--out", out)
    assert result.returncode == 3 and "lost 52 of 104 live codes" in result.stderr
    assert out.read_bytes() == before
    allowed = run_cli(
        "scrape", "--source", half, "--product", "spot", "--out", out, "--allow-shrink"
    )
    assert allowed.returncode == 0, allowed.stderr


# -- every product, fallbacks, failures --------------------------------------------


def test_all_products_use_the_fallback_and_a_failing_one_blocks_nothing(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/spot").respond_with_data("busy", status=503)
    httpserver.expect_request("/spot.md").respond_with_data(
        newest().read_bytes(), content_type="text/markdown; charset=utf-8"
    )
    httpserver.expect_request("/old.md").respond_with_data(revision("2020-11-29").read_bytes())
    httpserver.expect_request("/broken").respond_with_data("gone", status=404)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "products:\n"
        f"- {{id: spot, title: Spot, url: '{httpserver.url_for('/spot')}', format: html,\n"
        f"   fallback: {{url: '{httpserver.url_for('/spot.md')}', format: markdown}}}}\n"
        f"- {{id: broken, title: Broken, url: '{httpserver.url_for('/broken')}', format: html}}\n"
        f"- {{id: zeta, title: Zeta, url: '{httpserver.url_for('/old.md')}', format: markdown}}\n",
        encoding="utf-8",
    )
    body = tmp_path / "body.md"
    result = run_cli(
        "update", "--all", "--sources", sources, "--retries", "0", "--date", "2026-05-18",
        "--spec", tmp_path / "errors.yaml", "--out", tmp_path / "generated", "--pr-body", body,
        "--release", tmp_path / "release.yaml",
    )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert result.stderr == f"error: {httpserver.url_for('/broken')}: HTTP 404 NOT FOUND\n"
    spec = read_spec(tmp_path / "errors.yaml")
    assert [(p.id, len(p.errors)) for p in spec.products] == [("spot", 104), ("zeta", 39)]
    assert spec.products[0].source.url == httpserver.url_for("/spot")
    text = body.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("spot: new product, 104 codes added,")
    assert "zeta: new product, 39 codes added" in first
    assert first.endswith("Not updated: 1 product (broken).")
    assert "## Not updated (1)" in text and "HTTP 404 NOT FOUND (exit status 4)" in text
    assert f"- `spot`: {httpserver.url_for('/spot.md')}" in text
    assert "skipped " in text and "HTTP 503" in text
    modules = {p.name for p in (tmp_path / "generated" / "binance_errors").iterdir()}
    assert {"__init__.py", "spot.py", "zeta.py"} <= modules and "broken.py" not in modules


def test_every_source_failing_writes_nothing(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("{}", content_type="application/json")
    httpserver.expect_request("/b").respond_with_data("nope", status=500)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"products:\n- {{id: spot, title: Spot, url: '{httpserver.url_for('/a')}', format: html,\n"
        f"   fallback: {{url: '{httpserver.url_for('/b')}', format: markdown}}}}\n",
        encoding="utf-8",
    )
    result = run_cli(
        "update", "--product", "spot", "--sources", sources, "--retries", "0",
        "--spec", tmp_path / "errors.yaml", "--out", tmp_path / "generated",
        "--release", tmp_path / "release.yaml",
    )  # fmt: skip
    assert result.returncode == 5
    assert result.stderr == (
        f"error: {httpserver.url_for('/a')}: no error-code headings found; expected headings"
        f" like '-1000 UNKNOWN'; fallback {httpserver.url_for('/b')} failed too:"
        " HTTP 500 INTERNAL SERVER ERROR after 1 attempts\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.yaml"]


def test_a_write_failure_leaves_the_spec_as_it_was(committed: Path) -> None:
    spec = committed / "spec" / "errors.yaml"
    before = spec.read_bytes()
    package = committed / "generated" / "binance_errors"
    for child in package.iterdir():
        child.unlink()
    package.rmdir()
    package.write_text("a file where the package directory should be")
    result = update(committed, revision("2025-01-15"), "--date", "2025-01-15")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert spec.read_bytes() == before
    assert sorted(p.name for p in spec.parent.iterdir()) == ["errors.yaml"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--all", "--source", "x.md"], "use it with --product, not --all"),
        (["--product", "spot", "--format", "html"], "--format describes --source"),
        (["--product", "spot", "--date", "2026-13-01"], "'2026-13-01' is not a date"),
        (["--product", "spot", "--date", "20260101"], "'20260101' is not a date"),
        (["--product", "spot", "--all"], "not allowed with argument"),
        ([], "one of the arguments --product --all is required"),
    ],
)
def test_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], problem: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["update", *args, "--spec", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "g")])
    assert caught.value.code == 2
    assert problem in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_unknown_product(tmp_path: Path) -> None:
    page = upstream_file("captures", "spot-html-1.txt")
    result = run_cli(
        "update", "--product", "moon", "--source", page, "--spec", tmp_path / "s.yaml",
        "--release", tmp_path / "release.yaml",
    )  # fmt: skip
    assert result.returncode == 6 and "unknown product 'moon'" in result.stderr


def test_a_broken_spec_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / "errors.yaml"
    spec.parent.mkdir()
    spec.write_text("schema_version: 2\nproducts: []\n")
    result = update(tmp_path, newest())
    assert result.returncode == 6 and result.stderr.startswith(f"error: {spec}: ")
    assert not (tmp_path / "generated").exists()
