"""The npm package from the Python side: its version, and how ``make test-ts`` treats Node.

The package's behaviour is tested by ``node --test tests/typescript/`` (``make
test-ts``); here, what ties it to the rest of the repository: it carries the
Python package's version, which must be valid semver for npm, and ``make
test-ts`` skips without Node.js 20 on a developer's machine but fails under CI.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from scraper.release import package_version, read_release
from scraper.spec import read_spec
from scripts.check_release import package_version as init_version
from tests.conftest import REPO, SPEC_PATH

PACKAGE = REPO / "generated" / "typescript"
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
"""semver.org's regular expression for a version."""


def manifest() -> dict[str, object]:
    data: dict[str, object] = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    return data


def test_the_npm_package_has_the_python_package_s_version_and_it_is_semver() -> None:
    version = package_version(read_spec(SPEC_PATH), read_release())
    assert manifest()["version"] == version == init_version()
    assert SEMVER.match(version), f"{version!r} is not semver: npm cannot publish it"
    index = (PACKAGE / "index.js").read_text(encoding="utf-8")
    assert f"export const VERSION = {json.dumps(version)};" in index


def test_the_semver_pattern_refuses_what_npm_refuses() -> None:
    for good in ("2026.6.27", "2026.518.0", "2026.518.1", "1.0.0-rc.1"):
        assert SEMVER.match(good), good
    for bad in ("2026.5.18.post1", "2026.05.18", "2026.5", "v2026.5.18"):
        assert not SEMVER.match(bad), bad


def fake_node(tmp_path: Path, version: str | None) -> str:
    """A ``node`` that says it is ``version`` and fails anything else; missing for None."""
    path = tmp_path / "node"
    if version is not None:
        path.write_text(f'#!/bin/sh\n[ "$1" = "--version" ] && echo {version} && exit 0\nexit 1\n')
        path.chmod(0o755)
    return str(path)


def make_test_ts(node: str, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    return subprocess.run(
        ["make", "--no-print-directory", "test-ts", f"NODE={node}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("version", "shown"), [(None, "no node"), ("v18.19.0", "v18.19.0")])
def test_make_test_ts_skips_without_node_20_on_a_developer_machine(
    tmp_path: Path, version: str | None, shown: str
) -> None:
    result = make_test_ts(fake_node(tmp_path, version), ci=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"==> skipping the TypeScript part: Node >= 20 not found ({shown}); CI would fail\n"
    )


@pytest.mark.parametrize(("version", "shown"), [(None, "no node"), ("v18.19.0", "v18.19.0")])
def test_make_test_ts_fails_without_node_20_under_ci(
    tmp_path: Path, version: str | None, shown: str
) -> None:
    result = make_test_ts(fake_node(tmp_path, version), ci=True)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        f"error: make test-ts: Node.js >= 20 is required under CI, found: {shown}"
    )


def test_make_test_calls_test_ts_and_ci_runs_make_test() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0]
    assert "$(MAKE) --no-print-directory test-ts" in recipe
    assert (REPO / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("exec make test")
