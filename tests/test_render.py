"""Rendering: golden output, determinism, and the generated package imported for real."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from scraper import render
from scraper.annotations import read_annotations
from scraper.atomic_write import write_tree
from scraper.exceptions import SpecError
from scraper.matchers import compile_template, is_templated
from scraper.release import NO_POST_RELEASE, package_version, spec_version
from scraper.render import (
    anchor,
    autolink_url,
    javascript_literal,
    markdown_text,
    module_name,
    product_messages,
    python_literal,
    render_all,
)
from scraper.spec import load_spec, read_spec, spec_to_data
from tests.conftest import FIXTURES, REPO, run_python

GOLDEN = FIXTURES / "golden"
GOLDEN_OUT = GOLDEN / "expected"


def golden_files() -> dict[str, str]:
    """The golden spec rendered; the version without the repository's ``release.yaml``."""
    annotations = GOLDEN / "annotations.yaml"
    return render_all(
        read_spec(GOLDEN / "spec.yaml"),
        read_annotations(annotations),
        str(annotations),
        NO_POST_RELEASE,
    )


def copied_files() -> dict[str, str]:
    """The files ``generate`` copies as they are: both runtimes and the npm package's LICENSE."""
    files = render.runtime_files()
    for name, text in render.typescript_runtime_files().items():
        files[f"{render.TYPESCRIPT}/{name}"] = text
    files[f"{render.TYPESCRIPT}/LICENSE"] = (REPO / "LICENSE").read_text(encoding="utf-8")
    return files


def test_golden_output() -> None:
    """The rendered tree equals the committed expectation (UPDATE_GOLDEN=1 rewrites it).

    Files copied from the repository are compared with their sources instead,
    so the golden tree holds only what the templates render.
    """
    files = golden_files()
    copied = copied_files()
    assert copied.keys() <= files.keys()
    for name, text in copied.items():
        assert files[name] == text, f"{name} is not a byte-for-byte copy of its source"
    rendered = {name: text for name, text in files.items() if name not in copied}
    if os.environ.get("UPDATE_GOLDEN"):
        write_tree(GOLDEN_OUT, rendered)
    on_disk = {p.relative_to(GOLDEN_OUT).as_posix() for p in GOLDEN_OUT.rglob("*") if p.is_file()}
    assert on_disk == set(rendered)
    for name, text in rendered.items():
        assert (GOLDEN_OUT / name).read_text(encoding="utf-8") == text, name


def test_rendering_is_deterministic() -> None:
    spec = read_spec(REPO / "spec" / "errors.yaml")
    annotations = read_annotations(REPO / "spec" / "annotations.yaml")
    assert render_all(spec, annotations) == render_all(spec, annotations)


def test_json_is_the_spec() -> None:
    """errors.json holds the spec unchanged, plus the resolved annotations and compiled templates."""
    spec = read_spec(GOLDEN / "spec.yaml")
    data = json.loads(golden_files()["errors.json"])
    annotations = [product.pop("annotations") for product in data["products"]]
    templates = [product.pop("templates") for product in data["products"]]
    for product, compiled in zip(spec.products, templates):
        assert compiled == {
            template: list(compile_template(template))
            for template in product_messages(product)
            if is_templated(template)
        }
    categories = data.pop("categories")
    assert data.pop("actions") == {
        "retry": "Send it again later.",
        "resync_and_retry": "Fix the clock, then send it again.",
        "reconcile": "Check whether it happened first.",
        "fix_request": "Change the request.",
        "stop": "Do not send it again.",
    }
    assert data.pop("safe_methods") == ["GET", "HEAD", "OPTIONS"]
    assert data == json.loads(json.dumps(spec_to_data(spec)))
    assert load_spec(json.dumps(data), "json") == spec
    assert categories["request"] == {"meaning": "The request is invalid.", "action": "fix_request"}
    assert set(categories) == {"server", "rate_limit", "request", "auth", "unknown"}
    spot = annotations[[p.id for p in spec.products].index("spot")]
    codes = {item.pop("code"): item for item in spot["codes"]}
    assert list(codes) == [entry.code for entry in spec.products[0].errors]
    assert codes[-1003] == {
        "category": "rate_limit",
        "retryable": True,
        "execution_unknown": False,
        "action": "retry",
        "reasons": ["Too many requests; back off."],
        "sources": [
            "https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits#ip-limits"
        ],
    }
    assert codes[-1000]["execution_unknown"] and codes[-1000]["category"] == "server"
    assert codes[-1000]["action"] == "reconcile"
    assert codes[-1000]["reasons"] == [
        "An unknown error may have executed.",
        "10xx are server issues.",
    ]
    assert codes[-5012]["category"] == "auth"
    assert spot["undocumented_ranges"][0] == {
        "low": -1199,
        "high": -1100,
        "category": "request",
        "retryable": False,
        "execution_unknown": False,
        "action": "fix_request",
        "reasons": ["11xx are request issues."],
        "sources": [],
    }
    assert spot["default"]["category"] == "unknown"
    assert spot["http_rules"] == [
        {
            "status": [503, 503],
            "messages": ["service unavailable"],
            "category": "server",
            "retryable": True,
            "execution_unknown": False,
            "action": "retry",
            "reason": "HTTP 503 Service Unavailable. is a failure.",
            "source": None,
        },
        {
            "status": [500, 599],
            "messages": [],
            "category": None,
            "retryable": True,
            "execution_unknown": True,
            "action": "reconcile",
            "reason": "HTTP 5XX means the outcome is unknown.",
            "source": "https://developers.binance.com/docs/binance-spot-api-docs/rest-api/http-return-codes#http-return-codes",
        },
    ]
    usdm = annotations[[p.id for p in spec.products].index("usdm")]
    assert [rule["status"] for rule in usdm["http_rules"]] == [[503, 503]]
    assert [item["code"] for item in usdm["universal"]] == [-1000]  # universal, not on its page


def test_version_comes_from_the_newest_date() -> None:
    assert spec_version(read_spec(GOLDEN / "spec.yaml")) == "2025.6.11"


def run_generated(tmp_path: Path, code: str) -> str:
    """Run ``code`` in an isolated interpreter that sees only the generated tree."""
    write_tree(tmp_path, golden_files())
    result = run_python(tmp_path, code)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_generated_package_imports_with_the_standard_library_only(tmp_path: Path) -> None:
    out = run_generated(
        tmp_path,
        "before = set(sys.modules)\n"
        "import binance_errors\n"
        "from binance_errors import spot\n"
        "E = spot.ErrorCode\n"
        "assert E.TOO_MANY_REQUESTS == -1003 and E(-1003) is E.TOO_MANY_REQUESTS\n"
        "assert E.TOO_MANY_REQUESTS.messages[1].startswith('Too much request weight')\n"
        "assert E.TOO_MANY_REQUESTS.section == '10xx - General Server or Network issues'\n"
        "assert spot.lookup(-1003) is E.TOO_MANY_REQUESTS and spot.lookup(-424242) is None\n"
        "assert E.OPTIONAL_PARAMS_BAD_COMBO.deprecated and E.OPTIONAL_PARAMS_BAD_COMBO.removed == '2024-04-02'\n"
        "assert not E.UNKNOWN.deprecated and E.UNKNOWN.added == '2020-11-29'\n"
        "assert E.FUTURE_ACCT_OR_SUBRELATION_NOT_EXIST is E.TRANSFER_PENDING\n"
        "assert E.TRANSFER_PENDING.aliases == ('FUTURE_ACCT_OR_SUBRELATION_NOT_EXIST',)\n"
        "assert 'Futures account or sub relation not exist.' in E.TRANSFER_PENDING.messages\n"
        "assert E(-1099).title == 'Not found, authenticated, or authorized'\n"
        "t = spot.table('order_rejections')\n"
        "assert t is not None and t.codes == (-1010, -2010) and t.rows[0].message == 'Unknown order sent.'\n"
        "assert binance_errors.__version__ == '2025.611.0'\n"
        "third_party = [m for m in set(sys.modules) - before if m.split('.')[0] not in sys.stdlib_module_names"
        " and m.split('.')[0] != 'binance_errors']\n"
        "print(third_party)\n",
    )
    assert out.strip() == "[]"


def test_products_load_lazily(tmp_path: Path) -> None:
    out = run_generated(
        tmp_path,
        "import binance_errors\nprint('binance_errors.spot' in sys.modules)\n"
        "binance_errors.spot.ErrorCode\nprint('binance_errors.spot' in sys.modules)\n",
    )
    assert out.split() == ["False", "True"]


HOSTILE = [
    '"""',
    "'''",
    "back\\slash \\n \\x00",
    "line\nbreak",
    "{{ jinja }} {% if %}",
    "</script><script>alert(1)</script>",
    "| pipe | table |",
    "<img src=x onerror=alert(1)>",
    "$(id) `id`",
    "\u202eright-to-left override\u200f",
    "é 中文 😀",
    "x" * 10_000,
]


def test_python_literal_round_trips_hostile_text() -> None:
    for text in HOSTILE:
        assert eval(python_literal(text)) == text
    assert eval(python_literal(tuple(HOSTILE))) == tuple(HOSTILE)


def test_markdown_text_cannot_break_a_table_or_inject_html() -> None:
    for text in HOSTILE:
        cell = markdown_text(text)
        assert "\n" not in cell
        assert "<" not in cell.replace("<br>", "")
        assert "|" not in cell.replace("\\|", "")


def test_autolink_url_cannot_break_out_of_the_link() -> None:
    assert (
        autolink_url("https://developers.binance.com/docs/margin_trading/error-code")
        == "https://developers.binance.com/docs/margin_trading/error-code"
    )
    assert autolink_url('https://x.test/a b<c>|d"e%41') == "https://x.test/a%20b%3Cc%3E%7Cd%22e%41"
    for text in HOSTILE:
        link = autolink_url(text)
        assert not re.search(r"[\s<>|`\\]", link) and link.isascii()


def test_javascript_literal_round_trips_hostile_text_and_hides_nothing() -> None:
    """The output is still JSON (so JSON.parse and a JavaScript parser read the same value),
    with no '<', no line or paragraph separator and no invisible character left raw."""
    values = [*HOSTILE, "\u2028\u2029", "<!-- x -->", "\ufeff\u00a0\U000e0001", {"k": [1, None]}]
    for value in values:
        source = javascript_literal(value)
        assert json.loads(source) == value
        assert "<" not in source and "\u2028" not in source and "\u2029" not in source
        assert all(c.isprintable() for c in source), source[:80]
    assert javascript_literal("</script>") == '"\\u003c/script>"'
    assert javascript_literal("\u202e") == '"\\u202e"'
    assert javascript_literal("é 中文 😀") == '"é 中文 😀"'
    assert javascript_literal(("a", 1, True, None)) == '["a", 1, true, null]'


@pytest.mark.parametrize(
    "value", [object(), 1.5, {1: "x"}, {"__proto__": "x"}, [{"ok": {"__proto__": 1}}]]
)
def test_javascript_literal_refuses_what_it_cannot_write_safely(value: object) -> None:
    with pytest.raises(SpecError):
        javascript_literal(value)


def test_module_name_refuses_what_cannot_bind_an_import() -> None:
    assert module_name("portfolio_margin") == "portfolio_margin"
    for bad in ("new", "class", "Spot", "1x", "a-b", ""):
        with pytest.raises(SpecError):
            module_name(bad)


def test_the_npm_package_is_rendered_with_its_runtime(tmp_path: Path) -> None:
    files = golden_files()
    typescript = {name for name in files if name.startswith("typescript/")}
    runtime = {f"typescript/{name}" for name in render.typescript_runtime_files()}
    assert runtime <= typescript and "typescript/lib/matching.js" in runtime
    for product in ("spot", "usdm"):
        assert {f"typescript/{product}.js", f"typescript/{product}.d.ts"} <= typescript
    assert files["typescript/LICENSE"] == (REPO / "LICENSE").read_text(encoding="utf-8")
    version = package_version(read_spec(GOLDEN / "spec.yaml"), NO_POST_RELEASE)
    assert json.loads(files["typescript/package.json"])["version"] == version


def test_unreadable_npm_sources_are_a_spec_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "TYPESCRIPT_RUNTIME_DIR", tmp_path / "missing")
    with pytest.raises(SpecError, match="runtime: no such directory"):
        render.typescript_runtime_files()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "text.js").write_bytes(b"\xff not UTF-8")
    monkeypatch.setattr(render, "TYPESCRIPT_RUNTIME_DIR", tmp_path)
    with pytest.raises(SpecError, match="cannot read the npm package's runtime"):
        render.typescript_runtime_files()
    with pytest.raises(SpecError, match="cannot read the license"):
        render.read_source(tmp_path / "LICENSE", "the license")


def test_python_literal_refuses_other_types() -> None:
    with pytest.raises(SpecError):
        python_literal(object())


def test_anchor_is_plain() -> None:
    assert anchor("spot", -1003) == "spot-1003"
    assert anchor("spot", "section", "</a><script>") == "spot-section-a-script"
