"""The gates themselves: the Makefile's targets, the pre-commit hooks, the coverage settings.

``make test`` is what CI runs, so what it checks is part of the contract: a
target that silently stopped running a check would pass every other test.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

TARGET = re.compile(r"^([a-z][a-z-]*):(?:[^=\n]*)## (.+)$", re.MULTILINE)
REQUIRED_TARGETS = {
    "generate",
    "check",
    "test",
    "scrape",
    "update",
    "backfill",
    "bench",
    "lint",
    "dist",
    "clean",
}


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def documented_targets() -> dict[str, str]:
    return dict(TARGET.findall((REPO / "Makefile").read_text(encoding="utf-8")))


def dry_run(*targets: str) -> list[str]:
    """The commands ``make -n`` would run for ``targets``, without the venv's bootstrap."""
    result = make("-n", *targets)
    assert result.returncode == 0, result.stderr
    return [
        line
        for line in result.stdout.splitlines()
        if " -m pip " not in line and not line.startswith(("python3 -m venv", "touch "))
    ]


def test_make_help_lists_every_target_once_with_one_line() -> None:
    result = make("help")
    assert result.returncode == 0, result.stderr
    listed = re.findall(r"^  make (\S+) +(.+)$", result.stdout, re.MULTILINE)
    names = [name for name, _ in listed]
    assert len(names) == len(set(names))
    phony = re.search(r"^\.PHONY: (.+)$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert phony is not None
    assert set(names) == set(phony.group(1).split()) == set(documented_targets())
    assert set(names) >= REQUIRED_TARGETS
    assert all(len(description) < 100 for _, description in listed)


@pytest.mark.parametrize("target", sorted(set(documented_targets()) - {"help"}))
def test_every_target_says_what_it_does(target: str) -> None:
    """Each target's first own line is an ``==>`` line (``make -n`` shows it)."""
    lines = dry_run(target)
    assert any(line.startswith('echo "==> ') for line in lines), lines


def test_make_test_runs_every_gate_in_order() -> None:
    recipe = re.search(
        r"^test:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(encoding="utf-8"), re.M
    )
    assert recipe is not None
    steps = [
        line.strip() for line in recipe.group(1).splitlines() if not line.strip().startswith("@")
    ]
    assert steps == [
        "$(MAKE) --no-print-directory lint",
        "$(MAKE) --no-print-directory lint-workflows",
        "$(BIN)/coverage erase",
        "$(BIN)/coverage run -m pytest -n auto --dist worksteal",
        "$(BIN)/coverage combine --quiet",
        "$(BIN)/coverage report",
        "$(MAKE) --no-print-directory test-ts",
        "$(MAKE) --no-print-directory check",
    ]
    assert (REPO / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("exec make test")


def test_scrape_captures_leaves_out_every_product_with_replayed_history() -> None:
    """``scrape`` would drop the dates ``backfill`` gives them (it refuses, exit 3)."""
    replayed = yaml.safe_load((REPO / "scripts" / "history.yaml").read_text(encoding="utf-8"))
    (command,) = [line for line in dry_run("scrape-captures") if " -m scraper scrape " in line]
    excluded = re.findall(r"--exclude (\S+)", command)
    assert replayed and sorted(excluded) == sorted(replayed)


def test_lint_covers_the_tooling_the_tests_and_the_generated_code() -> None:
    commands = dry_run("lint")
    for folders in ("scraper scripts tests runtime generated",):
        assert f".venv/bin/ruff check {folders}" in commands
        assert f".venv/bin/ruff format --check {folders}" in commands
    assert ".venv/bin/mypy" in commands
    assert ".venv/bin/mypy --strict --python-version 3.10 generated/binance_errors" in commands


def coverage_settings() -> dict[str, str]:
    """The settings coverage actually uses here (``coverage debug config``)."""
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "coverage"), "debug", "config"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pairs = (line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    return {key.strip(): value.strip() for key, value in pairs}


def test_coverage_is_of_scraper_measures_subprocesses_and_fails_under_90() -> None:
    settings = coverage_settings()
    assert settings["config_file"] == str(REPO / "pyproject.toml")
    assert settings["source"] == "scraper"
    assert settings["patch"] == "subprocess"
    assert (settings["parallel"], settings["branch"]) == ("True", "True")
    assert float(settings["fail_under"]) >= 90
    # Nothing left out to lift the figure: no omitted files, only the standard pragma.
    assert settings["run_omit"] == "-none-" and settings["report_omit"] == "None"
    assert settings["exclude_list"] == r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)"
    # The pragma marks only code that cannot run (and says so).
    pragmas = [
        line
        for path in sorted((REPO / "scraper").glob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"pragma:\s*no\s*cover", line)
    ]
    assert all("unreachable" in line for line in pragmas), pragmas


# -- pre-commit ------------------------------------------------------------------


def hooks() -> list[dict[str, Any]]:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    result: list[dict[str, Any]] = repo["hooks"]
    return result


def test_pre_commit_runs_the_same_commands_as_the_makefile() -> None:
    """Each check of ``lint``, ``lint-workflows`` and ``check`` is a hook, and nothing else is."""
    makefile = [
        line
        for line in dry_run("lint", "lint-workflows", "check")
        if line.startswith(".venv/bin/") and "pre-commit validate-config" not in line
    ]
    from_hooks: list[str] = []
    for hook in hooks():
        assert hook["language"] == "system"
        assert hook["entry"].startswith(".venv/bin/"), hook["id"]
        command = hook["entry"]
        if hook.get("pass_filenames", True):
            # The Makefile names the files by a glob; the hook gets them from `files`.
            command += " " + glob_for(hook["files"])
        from_hooks.append(command)
    assert sorted(from_hooks) == sorted(makefile)


def glob_for(files_pattern: str) -> str:
    """The shell glob the Makefile uses for the files a hook's ``files`` pattern selects."""
    known = {r"^\.github/workflows/[^/]+\.yml$": ".github/workflows/*.yml"}
    return known[files_pattern]


@pytest.mark.parametrize(
    ("path", "hook_ids"),
    [
        ("scraper/parse.py", {"ruff-check", "ruff-format", "mypy", "generated-is-current"}),
        (
            "generated/binance_errors/spot.py",
            {"ruff-check", "ruff-format", "mypy-generated", "generated-is-current"},
        ),
        ("tests/test_parse.py", {"ruff-check", "ruff-format", "mypy"}),
        ("templates/product.py.j2", {"generated-is-current"}),
        (
            "runtime/python/binance_errors/_errors.py",
            {"ruff-check", "ruff-format", "generated-is-current"},
        ),
        ("spec/annotations.yaml", {"generated-is-current"}),
        (".github/workflows/ci.yml", {"zizmor", "workflow-schema"}),
        (".github/dependabot.yml", {"dependabot-schema"}),
        ("README.md", set()),
    ],
)
def test_each_hook_runs_when_a_file_it_checks_changes(path: str, hook_ids: set[str]) -> None:
    assert (REPO / path).exists() or path.endswith(".j2")
    triggered = {hook["id"] for hook in hooks() if re.search(hook["files"], path)}
    assert triggered == hook_ids


def test_the_pre_commit_config_is_valid() -> None:
    result = subprocess.run(
        [str(Path(".venv/bin/pre-commit")), "validate-config", ".pre-commit-config.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert shlex.split(hooks()[0]["entry"])[0] == ".venv/bin/ruff"
