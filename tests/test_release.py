"""The package version: the spec's calendar version, and the ``.postN`` of ``templates/release.yaml``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from scraper.exceptions import SpecError
from scraper.release import (
    NO_POST_RELEASE,
    RELEASE_PATH,
    Release,
    is_calendar_version,
    package_version,
    read_release,
    spec_version,
)
from scraper.spec import read_spec
from tests.conftest import REPO, SPEC_PATH, without_coverage


def test_the_committed_release_file_is_valid_and_the_package_carries_its_version() -> None:
    release = read_release()
    assert is_calendar_version(release.data_version) and release.post >= 0
    init = (REPO / "generated" / "binance_errors" / "__init__.py").read_text(encoding="utf-8")
    version = package_version(read_spec(SPEC_PATH), release)
    assert f'__version__ = "{version}"\n' in init


def test_post_applies_only_to_its_data_version() -> None:
    spec = read_spec(SPEC_PATH)
    version = spec_version(spec)
    assert package_version(spec, Release(version, 0)) == version
    assert package_version(spec, Release(version, 1)) == f"{version}.post1"
    assert package_version(spec, Release(version, 12)) == f"{version}.post12"
    assert package_version(spec, Release("2020.1.1", 3)) == version  # newer data: plain date
    assert package_version(spec, NO_POST_RELEASE) == version


def test_newer_data_drops_the_post_by_itself() -> None:
    spec = read_spec(SPEC_PATH)
    release = Release(spec_version(spec), 2)
    spot = spec.product("spot")
    assert spot is not None
    newer = replace(spot, last_updated="2099-12-31")
    later = replace(spec, products=tuple(newer if p.id == "spot" else p for p in spec.products))
    assert package_version(later, release) == "2099.12.31"


@pytest.mark.parametrize(
    ("version", "valid"),
    [
        ("2026.5.18", True),
        ("2024.2.29", True),
        ("2026.12.31", True),
        ("2026.05.18", False),  # spec_version never writes leading zeros
        ("2026.5.08", False),
        ("2026.2.30", False),
        ("2026.13.1", False),
        ("2026.5", False),
        ("2026.5.18.post1", False),
        ("v2026.5.18", False),
        (2026.5, False),
        (None, False),
    ],
)
def test_calendar_versions(version: object, valid: bool) -> None:
    assert is_calendar_version(version) is valid


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("data_version: 2026.5.18\n", "missing field 'post'"),
        ("data_version: 2026.5.18\npost: 1\nextra: x\n", "unknown field 'extra'"),
        ("post: 1\n", "missing field 'data_version'"),
        ("data_version: 2026.5\npost: 1\n", "data_version 2026.5 is not a calendar version"),
        ("data_version: '2026.05.18'\npost: 1\n", "data_version '2026.05.18' is not a calendar"),
        ("data_version: 2026.5.18\npost: -1\n", "post -1 is not a whole number >= 0"),
        ("data_version: 2026.5.18\npost: true\n", "post True is not a whole number"),
        ("data_version: 2026.5.18\npost: '1'\n", "post '1' is not a whole number"),
        ("- 2026.5.18\n", "expected a mapping with 'data_version' and 'post'"),
        ("", "expected a mapping"),
        ("data_version: [\n", "not valid YAML"),
    ],
)
def test_a_bad_release_file_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "release.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        read_release(path)
    assert caught.value.source == str(path)
    assert problem in caught.value.problem
    assert caught.value.exit_code == 6


def test_an_unreadable_release_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "release.yaml"
    path.write_bytes(b"data_version: \xff\n")
    with pytest.raises(SpecError, match="cannot read the release file"):
        read_release(path)
    with pytest.raises(SpecError, match="cannot read the release file"):
        read_release(tmp_path / "missing.yaml")


# -- through the command line, on a copy of the tooling -------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the tooling, templates and spec, to edit ``templates/release.yaml`` in."""
    for folder in ("scraper", "runtime", "templates", "spec", "generated"):
        shutil.copytree(
            REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def cli(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m scraper`` from the copy (not measured: coverage is of the repository's files)."""
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=without_coverage(),
    )


def test_raising_post_makes_generated_stale_until_regenerated(workspace: Path) -> None:
    version = spec_version(read_spec(SPEC_PATH))
    release = workspace / "templates" / "release.yaml"
    assert (workspace / "templates" / "release.yaml").read_text() == RELEASE_PATH.read_text()
    release.write_text(f"data_version: {version}\npost: 2\n", encoding="utf-8")
    stale = cli(workspace, "check")
    assert stale.returncode == 1
    assert f'+__version__ = "{version}.post2"' in stale.stdout
    done = cli(workspace, "generate")
    assert done.returncode == 0, done.stderr
    assert "(1 changed)" in done.stdout  # only __init__.py: the docs show the data's version
    init = (workspace / "generated" / "binance_errors" / "__init__.py").read_text(encoding="utf-8")
    assert f'__version__ = "{version}.post2"\n' in init
    assert cli(workspace, "check").returncode == 0


def test_a_broken_release_file_fails_generate_with_one_line(workspace: Path) -> None:
    release = workspace / "templates" / "release.yaml"
    release.write_text("data_version: 2026.2.30\npost: 1\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (workspace / "generated").rglob("*") if p.is_file()}
    result = cli(workspace, "generate")
    assert result.returncode == 6
    assert result.stderr == (
        f"error: {release}: data_version '2026.2.30' is not a calendar version like"
        " 2026.5.18 (a real date, no leading zeros)\n"
    )
    assert {
        p: p.read_bytes() for p in (workspace / "generated").rglob("*") if p.is_file()
    } == before
