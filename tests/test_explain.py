"""``python -m binance_errors explain``, run as a real subprocess on the generated package."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO

WEIGHT = (
    "Too much request weight used; current limit is 6000 request weight per 1 MINUTE."
    " Please use WebSocket Streams for live updates to avoid polling the API."
)


def explain(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m binance_errors explain ARGS``, run in the generated tree (``-m`` puts it first)."""
    return subprocess.run(
        [sys.executable, "-E", "-s", "-m", "binance_errors", "explain", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )


def field(stdout: str, label: str) -> list[str]:
    """The values printed after ``label:``, one per line that has it."""
    return [
        line.split(":", 1)[1].strip()
        for line in stdout.splitlines()
        if line.strip().startswith(f"{label}:")
    ]


def test_known_code(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1003")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "spot -1003 TOO_MANY_REQUESTS"
    assert field(result.stdout, "section") == ["10xx - General Server or Network issues"]
    assert field(result.stdout, "category") == ["rate_limit"]
    assert field(result.stdout, "retryable") == ["yes"]
    assert field(result.stdout, "execution unknown") == ["no"]
    assert len(field(result.stdout, "message")) == 3
    assert field(result.stdout, "why")
    assert field(result.stdout, "matched") == []


def test_the_action_and_the_cited_sources(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1008", "--product", "usdm")
    assert result.returncode == 0, result.stderr
    assert field(result.stdout, "action") == ["reconcile"]
    assert any("banbox/banbot/issues/114" in why for why in field(result.stdout, "why"))
    sources = [
        line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if "source:" in line
    ]
    assert sources and all(s.startswith("https://developers.binance.com/docs/") for s in sources)
    report = json.loads(explain(generated_tree, "-1007", "--product", "options", "--json").stdout)
    assert report["known"] is False  # options' page omits -1007 ...
    assert (
        report["action"] == "reconcile" and report["execution_unknown"]
    )  # ... it is still a timeout
    assert report["sources"]


def test_message_gives_template_and_params(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1003", WEIGHT)
    assert result.returncode == 0, result.stderr
    (matched,) = field(result.stdout, "matched")
    assert matched.startswith("Too much request weight used; current limit is %s request weight")
    assert field(result.stdout, "params") == ["'6000', '1 MINUTE'"]


def test_table_row_gives_its_meaning(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1013", "Filter failure: PRICE_FILTER", "--product", "spot")
    assert result.returncode == 0, result.stderr
    assert field(result.stdout, "matched") == ["Filter failure: PRICE_FILTER"]
    (meaning,) = field(result.stdout, "meaning")
    assert "price" in meaning


def test_unmatched_message(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1003", "Something new.")
    assert result.returncode == 0
    assert field(result.stdout, "matched") == ["none of the documented messages"]


def test_execution_unknown_and_removed_codes(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1007")
    assert field(result.stdout, "execution unknown") == ["yes"]
    assert field(result.stdout, "category") == ["server"]


def test_json(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1105", "Parameter 'symbol' was empty.", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["known"] is True
    assert report["name"] == "PARAM_EMPTY" and report["code"] == -1105
    assert report["category"] == "request" and report["retryable"] is False
    assert report["execution_unknown"] is False and report["reasons"]
    assert report["match"] == {
        "template": "Parameter '%s' was empty.",
        "params": ["symbol"],
        "table_row": None,
    }
    assert report["section"] == "11xx - Request issues"


def test_unknown_code_is_one_friendly_line(generated_tree: Path) -> None:
    result = explain(generated_tree, "-424242")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "error: -424242 is not a documented spot error code\n"


def test_positive_code_gets_a_hint(generated_tree: Path) -> None:
    result = explain(generated_tree, "1003")
    assert result.returncode == 1
    assert "did you mean -1003?" in result.stderr and result.stderr.count("\n") == 1


def test_unknown_code_as_json(generated_tree: Path) -> None:
    result = explain(generated_tree, "-1150", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["known"] is False and report["name"] is None
    assert report["category"] == "request"  # from the 11xx range


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("abc",), "invalid int value: 'abc'"),
        (("-1003", "--product", "moon"), "invalid choice: 'moon'"),
        ((), "the following arguments are required: CODE"),
    ],
)
def test_usage_errors(generated_tree: Path, args: tuple[str, ...], problem: str) -> None:
    result = explain(generated_tree, *args)
    assert result.returncode == 2
    assert problem in result.stderr and "Traceback" not in result.stderr


def test_console_script_entry_point(
    package: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """pyproject's ``binance-errors`` script names a function that runs the same command."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    scripts = pyproject.split("[project.scripts]\n", 1)[1].split("\n[", 1)[0]
    found = re.search(r'^binance-errors = "([\w.]+):(\w+)"$', scripts, re.MULTILINE)
    assert found is not None, scripts
    module = importlib.import_module(found.group(1))
    assert Path(str(module.__file__)).parent == Path(str(package.__file__)).parent
    main = getattr(module, found.group(2))
    assert main(["explain", "-1021"]) == 0
    assert capsys.readouterr().out.startswith("spot -1021 INVALID_TIMESTAMP\n")
    assert main(["explain", "-424242"]) == 1
