"""The README: its Python examples run as doctests, and what it names exists.

The examples run against the package rendered afresh from the committed spec
(so a change to the templates that breaks a documented behaviour fails here);
``tests/test_packaging.py`` runs them again against the installed wheel.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, without_coverage
from tests.readme import (
    README,
    RUNNER,
    fenced_blocks,
    python_blocks,
    run_examples,
    runner_input,
)

DOCS = [README, REPO / "CONTRIBUTING.md"]
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
# Names the documents use for what must NOT exist (CONTRIBUTING: no utils.py).
NOT_FILES = {"utils.py", "helpers.py"}
MAKE_TARGET = re.compile(r"^([a-z][a-z-]*):", re.MULTILINE)
MENTIONED_TARGET = re.compile(r"`make ([a-z][a-z-]*)")
# A backquoted repository path: a known top-level folder or file, no placeholders.
REPO_PATH = re.compile(
    r"`((?:scraper|scripts|spec|templates|generated|tests|\.github|\.ci)/[\w./-]*"
    r"|[\w.-]+\.(?:md|yaml|yml|toml|py|json))`"
)


def test_every_python_block_is_a_doctest() -> None:
    """No Python example in the README goes unexecuted."""
    blocks = python_blocks()
    assert len(blocks) >= 7
    for block in blocks:
        assert block.text.lstrip().startswith(">>> "), f"README.md:{block.line}"


def test_the_readme_examples_pass(generated_tree: Path, tmp_path: Path) -> None:
    report = run_examples(sys.executable, cwd=tmp_path, pythonpath=generated_tree)
    attempted = int(report.split()[-4])
    expected = sum(b.text.count("\n>>> ") + b.text.startswith(">>> ") for b in python_blocks())
    assert report.rstrip().endswith(f"{expected} examples, 0 failed"), report
    assert attempted == expected >= 40


def test_a_wrong_example_fails(generated_tree: Path, tmp_path: Path) -> None:
    """The runner can fail: a changed expectation is reported with its README line."""
    readme = tmp_path / "README.md"
    text = README.read_text(encoding="utf-8")
    readme.write_text(text.replace("'Too many requests queued.'", "'Queued.'", 1), "utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = [{str(generated_tree)!r}]\n" + RUNNER,
        ],
        input=runner_input(python_blocks(readme)),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=without_coverage(),
    )
    assert result.returncode == 1
    line = text[: text.index("'Too many requests queued.'")].count("\n") + 1
    assert f'File "README.md", line {line - 1}' in result.stdout
    assert result.stdout.rstrip().endswith(" examples, 1 failed")


def makefile_targets() -> set[str]:
    return set(MAKE_TARGET.findall((REPO / "Makefile").read_text(encoding="utf-8")))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_make_target_named_exists(doc: Path) -> None:
    named = set(MENTIONED_TARGET.findall(doc.read_text(encoding="utf-8")))
    assert named, doc
    assert named <= makefile_targets(), named - makefile_targets()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_repository_path_named_exists(doc: Path) -> None:
    """Backquoted paths (``spec/errors.yaml``, ``scripts/bench.py``) are real files or folders."""
    text = doc.read_text(encoding="utf-8")
    prose = FENCED.sub("", text)
    paths = set(REPO_PATH.findall(prose))
    assert len(paths) > 10
    missing = sorted(p for p in paths - NOT_FILES if not exists(p))
    assert not missing


def exists(path: str) -> bool:
    """A path from the repository root, or a bare file name found anywhere in the repository."""
    if "/" in path:
        return (REPO / path).exists()
    return any(".venv" not in found.parts for found in REPO.rglob(path) if found.is_file())


def test_every_readme_link_to_a_file_resolves() -> None:
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text)
    assert "CHANGELOG.md" in targets and "generated/ERRORS.md" in targets
    assert all((REPO / target).exists() for target in targets), targets


def test_every_readme_anchor_names_a_heading() -> None:
    text = README.read_text(encoding="utf-8")
    headings = {
        re.sub(r"[^\w\- ]", "", title).strip().lower().replace(" ", "-")
        for title in re.findall(r"^#+ (.+)$", FENCED.sub("", text), re.MULTILINE)
    }
    anchors = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert anchors and anchors <= headings, anchors - headings


def test_the_shell_examples_name_real_commands() -> None:
    """Each ``make`` and ``python -m scraper`` line of a ``sh`` block is a real target or command."""
    commands = {"scrape", "update", "diff", "generate", "check"}
    for block in fenced_blocks():
        if block.language != "sh":
            continue
        for line in block.text.splitlines():
            if line.startswith("make "):
                assert line.split()[1] in makefile_targets(), line
            if "-m scraper " in line:
                assert line.split("-m scraper ")[1].split()[0] in commands, line
