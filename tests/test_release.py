"""The package version: the spec's calendar version and the post number of ``templates/release.yaml``."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from packaging.version import Version

from scraper.exceptions import SpecError
from scraper.release import (
    NO_POST_RELEASE,
    RELEASE_PATH,
    Release,
    is_calendar_version,
    next_release,
    package_version,
    read_release,
    release_text,
    release_version,
    spec_version,
)
from scraper.spec import read_spec
from scripts.check_release import ReleaseError, check_release
from scripts.check_release import package_version as released_version
from tests.conftest import REPO, SPEC_PATH, history_files, run_cli, without_coverage


def test_the_committed_release_file_is_valid_and_the_package_carries_its_version() -> None:
    release = read_release()
    assert is_calendar_version(release.data_version) and release.post >= 0
    init = (REPO / "generated" / "binance_errors" / "__init__.py").read_text(encoding="utf-8")
    version = package_version(read_spec(SPEC_PATH), release)
    assert f'__version__ = "{version}"\n' in init


def test_post_applies_only_to_its_data_version() -> None:
    spec = read_spec(SPEC_PATH)
    version = spec_version(spec)
    year, month, day = (int(part) for part in version.split("."))
    plain = f"{year}.{month * 100 + day}.0"
    assert package_version(spec, Release(version, 0)) == plain
    assert package_version(spec, Release(version, 1)) == plain[:-1] + "1"
    assert package_version(spec, Release(version, 12)) == plain[:-1] + "12"
    assert package_version(spec, Release("2020.1.1", 3)) == plain  # newer data: post 0
    assert package_version(spec, NO_POST_RELEASE) == plain


@pytest.mark.parametrize(
    ("calendar", "post", "version"),
    [
        ("2026.5.18", 0, "2026.518.0"),
        ("2026.5.18", 1, "2026.518.1"),
        ("2026.12.2", 0, "2026.1202.0"),
        ("2027.1.1", 0, "2027.101.0"),
        ("0.0.0", 0, "0.0.0"),
    ],
)
def test_the_version_is_the_same_string_for_pypi_and_npm(
    calendar: str, post: int, version: str
) -> None:
    assert release_version(calendar, post) == version
    assert str(Version(version)) == version  # PEP 440, already normalised
    assert re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", version)  # semver


def test_versions_order_alike_in_both_schemes() -> None:
    ordered = [("2026.5.18", 0), ("2026.5.18", 1), ("2026.5.18", 12), ("2026.5.19", 0),
               ("2026.12.2", 0), ("2027.1.1", 0)]  # fmt: skip
    versions = [release_version(calendar, post) for calendar, post in ordered]
    assert sorted(versions, key=Version) == versions
    as_semver = [tuple(int(part) for part in v.split(".")) for v in versions]
    assert sorted(as_semver) == as_semver
    assert Version(versions[0]) > Version("2026.5.18")  # above the older date-only versions


def test_newer_data_drops_the_post_by_itself() -> None:
    spec = read_spec(SPEC_PATH)
    release = Release(spec_version(spec), 2)
    spot = spec.product("spot")
    assert spot is not None
    newer = replace(spot, last_updated="2099-12-31")
    later = replace(spec, products=tuple(newer if p.id == "spot" else p for p in spec.products))
    assert package_version(later, release) == "2099.1231.0"


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
    for name in ("pyproject.toml", "LICENSE"):  # the npm package ships the LICENSE
        shutil.copy(REPO / name, tmp_path)
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
    assert f'+__version__ = "{release_version(version, 2)}"' in stale.stdout
    done = cli(workspace, "generate")
    assert done.returncode == 0, done.stderr
    # __init__.py, and the npm package's package.json, index.js and index.d.ts (VERSION):
    # the docs show the data's version
    assert "(4 changed)" in done.stdout
    init = (workspace / "generated" / "binance_errors" / "__init__.py").read_text(encoding="utf-8")
    assert f'__version__ = "{release_version(version, 2)}"\n' in init
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


# -- every update that changes the data gets a new version ---------------------------


def test_next_release_raises_post_until_the_date_moves() -> None:
    spec = read_spec(SPEC_PATH)
    version = spec_version(spec)
    spot = spec.product("spot")
    assert spot is not None
    edited = replace(spec, products=tuple(replace(p, title="x") for p in spec.products))
    assert next_release(spec, edited, Release(version, 0)) == Release(version, 1)
    assert next_release(spec, edited, Release(version, 4)) == Release(version, 5)
    assert next_release(spec, edited, Release("2020.1.1", 4)) == Release(version, 1)
    later = replace(spot, last_updated="2099-12-31")
    newer = replace(spec, products=tuple(later if p.id == "spot" else p for p in spec.products))
    assert next_release(spec, newer, Release(version, 4)) == Release("2099.12.31", 0)


def test_release_text_keeps_the_comments() -> None:
    current = RELEASE_PATH.read_text(encoding="utf-8")
    text = release_text(current, Release("2026.6.1", 3))
    assert text.splitlines()[:-2] == current.splitlines()[:-2]
    assert text.endswith("data_version: 2026.6.1\npost: 3\n")
    assert release_text(None, Release("2026.6.1", 3)) == "data_version: 2026.6.1\npost: 3\n"
    flow = "{data_version: 2026.5.18, post: 0}\n"
    assert release_text(flow, Release("2026.6.1", 1)) == "data_version: 2026.6.1\npost: 1\n"


def test_a_missing_release_file_may_start_from_nothing(tmp_path: Path) -> None:
    assert read_release(tmp_path / "release.yaml", missing_ok=True) == NO_POST_RELEASE


def fake_dist(folder: Path, version: str) -> Path:
    """A wheel and an sdist whose metadata carry ``version``, as ``make dist`` writes them."""
    folder.mkdir()
    metadata = f"Metadata-Version: 2.4\nName: binance-error-codes\nVersion: {version}\n"
    with zipfile.ZipFile(folder / f"binance_error_codes-{version}-py3-none-any.whl", "w") as wheel:
        wheel.writestr(f"binance_error_codes-{version}.dist-info/METADATA", metadata)
    with tarfile.open(folder / f"binance_error_codes-{version}.tar.gz", "w:gz") as sdist:
        data = metadata.encode()
        info = tarfile.TarInfo(f"binance_error_codes-{version}/PKG-INFO")
        info.size = len(data)
        sdist.addfile(info, io.BytesIO(data))
    return folder


def update_spot(workspace: Path, page: Path, date: str, *extra: str | Path) -> str:
    """``update`` the workspace's Spot from ``page``; its stdout."""
    result = run_cli(
        "update", "--product", "spot", "--source", page, "--date", date,
        "--spec", workspace / "spec" / "errors.yaml", "--out", workspace / "generated",
        "--release", workspace / "release.yaml", "--changelog", workspace / "CHANGELOG.md",
        *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_message_only_update_gets_a_higher_version_the_release_check_accepts(
    tmp_path: Path,
) -> None:
    """Two message edits without a new date (post 1, then 2), then newer data (post back to 0)."""
    shutil.copy(RELEASE_PATH, tmp_path / "release.yaml")
    newest = history_files("spot")[-1]
    text = newest.read_text(encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    update_spot(tmp_path, page, "2026-05-18")
    init = tmp_path / "generated" / "binance_errors" / "__init__.py"
    versions = [released_version(init)]
    assert versions == ["2026.518.0"]
    edits = [
        ("Too many requests queued.", "Too many requests are queued."),
        ("An unknown error occurred while processing the request.", "An unknown error occurred."),
    ]
    for post, (old, new) in enumerate(edits, start=1):
        text = text.replace(old, new, 1)
        page.write_text(text, encoding="utf-8")
        stdout = update_spot(tmp_path, page, f"2026-06-0{post}")
        version = released_version(init)
        assert version == f"2026.518.{post}"
        assert f"version {versions[-1]} -> {version}" in stdout
        assert Version(version) > Version(versions[-1])
        assert read_release(tmp_path / "release.yaml") == Release("2026.5.18", post)
        assert check_release(f"v{version}", fake_dist(tmp_path / f"dist{post}", version), init)
        changelog = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
        assert f"## {version}\n\n- spot: 1 code with changed messages." in changelog
        check = run_cli(
            "check", "--spec", tmp_path / "spec" / "errors.yaml", "--out", tmp_path / "generated",
            "--release", tmp_path / "release.yaml",
        )  # fmt: skip
        assert check.returncode == 0, check.stdout
        versions.append(version)
    release_comments = (tmp_path / "release.yaml").read_text(encoding="utf-8").splitlines()[:-2]
    assert release_comments == RELEASE_PATH.read_text(encoding="utf-8").splitlines()[:-2]

    newer = text.replace(
        "### -1001 DISCONNECTED", "### -1999 BRAND_NEW\n * New.\n\n### -1001 DISCONNECTED"
    )
    page.write_text(newer, encoding="utf-8")
    stdout = update_spot(tmp_path, page, "2026-06-10")
    assert "version 2026.518.2 -> 2026.610.0" in stdout
    assert released_version(init) == "2026.610.0" and Version("2026.610.0") > Version(versions[-1])
    assert read_release(tmp_path / "release.yaml") == Release("2026.6.10", 0)
    with pytest.raises(ReleaseError, match=r"the tag must be v2026\.610\.0"):
        check_release("v2026.518.2", fake_dist(tmp_path / "dist3", "2026.610.0"), init)


def test_a_failed_update_leaves_the_release_file_as_it_was(tmp_path: Path) -> None:
    shutil.copy(RELEASE_PATH, tmp_path / "release.yaml")
    newest = history_files("spot")[-1]
    update_spot(tmp_path, newest, "2026-05-18")
    page = tmp_path / "page.md"
    text = newest.read_text(encoding="utf-8")
    page.write_text(text.replace("Too many requests queued.", "Queued.", 1), encoding="utf-8")
    before = (tmp_path / "release.yaml").read_bytes()
    body = tmp_path / "body.md"
    body.mkdir()  # the PR body cannot be written where a folder stands
    result = run_cli(
        "update", "--product", "spot", "--source", page, "--date", "2026-06-01",
        "--spec", tmp_path / "spec" / "errors.yaml", "--out", tmp_path / "generated",
        "--release", tmp_path / "release.yaml", "--pr-body", body,
    )  # fmt: skip
    assert result.returncode == 73, result.stderr
    assert (tmp_path / "release.yaml").read_bytes() == before
