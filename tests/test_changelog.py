"""``CHANGELOG.md``: the update job's summary under each new version, newest first."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scraper.changelog import NEW_CHANGELOG, add_entry
from tests.conftest import REPO, history_files, run_cli

EXISTING = """\
# Changelog

Hand-written introduction.

## 2025.1.9

- spot: 3 codes added.

Some prose a maintainer wrote.

## 2024.6.1

- First release.
"""


def test_a_new_changelog_gets_the_introduction_and_the_entry() -> None:
    text = add_entry(None, "2026.5.18", ["spot: new product, 104 codes added."])
    assert text == NEW_CHANGELOG + "\n## 2026.5.18\n\n- spot: new product, 104 codes added.\n"


def test_a_new_version_goes_on_top_and_the_rest_is_kept_byte_for_byte() -> None:
    text = add_entry(EXISTING, "2025.2.1", ["spot: 1 code removed.", "usdm: 2 codes renamed."])
    head, rest = text.split("## 2025.1.9", 1)
    assert head == (
        "# Changelog\n\nHand-written introduction.\n\n"
        "## 2025.2.1\n\n- spot: 1 code removed.\n- usdm: 2 codes renamed.\n\n"
    )
    assert "## 2025.1.9" + rest == EXISTING[EXISTING.index("## 2025.1.9") :]


def test_the_same_version_gets_new_bullets_first_and_none_twice() -> None:
    once = add_entry(
        EXISTING, "2025.1.9", ["spot: 1 code with changed messages.", "spot: 3 codes added."]
    )
    assert (
        "## 2025.1.9\n\n- spot: 1 code with changed messages.\n- spot: 3 codes added.\n\nSome prose"
        in once
    )
    assert once.count("- spot: 3 codes added.") == 1
    assert add_entry(once, "2025.1.9", ["spot: 1 code with changed messages."]) == once


def test_applying_an_entry_twice_changes_nothing() -> None:
    once = add_entry(EXISTING, "2025.2.1", ["spot: 1 code removed."])
    assert add_entry(once, "2025.2.1", ["spot: 1 code removed."]) == once
    assert add_entry(EXISTING, "2025.2.1", []) == EXISTING


def test_a_version_heading_with_prose_only_keeps_the_prose_apart() -> None:
    text = add_entry("# C\n\n## 1.0\n\nProse.\n", "1.0", ["x."])
    assert text == "# C\n\n## 1.0\n\n- x.\n\nProse.\n"
    empty = add_entry("# C\n\n## 1.0\n\n## 0.9\n\n- a\n", "1.0", ["x."])
    assert empty == "# C\n\n## 1.0\n\n- x.\n\n## 0.9\n\n- a\n"


def test_a_changelog_without_versions_gets_the_entry_at_the_end() -> None:
    assert add_entry("# Changelog\n", "1.0", ["x."]) == "# Changelog\n\n## 1.0\n\n- x.\n"
    assert add_entry("", "1.0", ["x."]) == "## 1.0\n\n- x.\n"


def test_the_committed_changelog_starts_with_the_introduction_the_job_writes() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith(NEW_CHANGELOG + "\n## ")


# -- through ``update --changelog`` --------------------------------------------------


def revision(prefix: str) -> Path:
    return next(p for p in history_files() if p.name.startswith(prefix))


def update(
    tmp_path: Path, page: Path, date: str, *extra: str | Path
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "update",
        *("--product", "spot", "--source", page, "--date", date),
        *("--spec", tmp_path / "spec" / "errors.yaml", "--out", tmp_path / "generated"),
        *("--changelog", tmp_path / "CHANGELOG.md", "--release", tmp_path / "release.yaml"),
        *extra,
    )


def test_update_writes_the_pr_summary_under_each_new_version(tmp_path: Path) -> None:
    changelog, body = tmp_path / "CHANGELOG.md", tmp_path / "body.md"
    first = update(tmp_path, revision("2025-01-09"), "2025-01-09")
    assert first.returncode == 0, first.stderr
    assert "version 0.0.0 -> 2025.109.0" in first.stdout
    second = update(tmp_path, revision("2025-01-15"), "2025-01-15", "--pr-body", body)
    assert second.returncode == 0, second.stderr
    assert "version 2025.109.0 -> 2025.115.0" in second.stdout
    summary = body.read_text(encoding="utf-8").splitlines()[0]
    assert summary == "spot: 1 code removed, 2 codes with changed messages."
    text = changelog.read_text(encoding="utf-8")
    assert text.startswith(NEW_CHANGELOG)
    entries = text[len(NEW_CHANGELOG) :]
    assert entries.startswith(
        f"\n## 2025.115.0\n\n- {summary}\n\n## 2025.109.0\n\n- spot: new product, "
    )

    before = changelog.read_bytes()
    again = update(tmp_path, revision("2025-01-15"), "2025-01-20")
    assert again.stdout.splitlines()[-1] == "no changes"
    assert changelog.read_bytes() == before


def test_a_data_change_without_a_new_date_gets_a_post_release_heading(tmp_path: Path) -> None:
    """A message edited on the page, no code added or removed: the same date, post 1."""
    page = revision("2025-01-15")
    assert update(tmp_path, page, "2025-01-15").returncode == 0
    edited = tmp_path / "edited.md"
    text = page.read_text(encoding="utf-8")
    edited.write_text(
        text.replace("Too many requests queued.", "Too many requests queued now.", 1), "utf-8"
    )
    result = update(tmp_path, edited, "2025-02-01")
    assert result.returncode == 0, result.stderr
    assert "version 2025.115.0 -> 2025.115.1" in result.stdout
    changelog = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        "## 2025.115.1\n\n- spot: 1 code with changed messages.\n\n## 2025.115.0\n\n"
        "- spot: new product, " in changelog
    )


def test_a_changelog_that_is_not_utf8_stops_the_update_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_bytes(b"# Changelog\n\n\xff\n")
    result = update(tmp_path, revision("2025-01-09"), "2025-01-09")
    assert result.returncode == 73
    assert result.stderr.startswith(f"error: {changelog}: cannot read the changelog: ")
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CHANGELOG.md"]
    assert changelog.read_bytes() == b"# Changelog\n\n\xff\n"


def test_a_failed_write_leaves_the_changelog_as_it_was(tmp_path: Path) -> None:
    """The changelog is written in the same all-or-nothing step as the spec and generated/."""
    assert update(tmp_path, revision("2025-01-09"), "2025-01-09").returncode == 0
    changelog = tmp_path / "CHANGELOG.md"
    before = changelog.read_bytes()
    spec = tmp_path / "spec" / "errors.yaml"
    spec_before = spec.read_bytes()
    body = tmp_path / "body.md"
    body.mkdir()  # the PR body cannot be written where a folder stands
    result = update(tmp_path, revision("2025-01-15"), "2025-01-15", "--pr-body", body)
    assert result.returncode == 73, result.stderr
    assert changelog.read_bytes() == before and spec.read_bytes() == spec_before


def test_make_update_passes_the_changelog() -> None:
    dry = subprocess.run(
        ["make", "-n", "update", "SOURCE=page.md"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert "--changelog CHANGELOG.md" in dry.stdout
