"""Shared test helpers: where things are, and how to run the CLI for real."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from scraper.annotations import read_annotations
from scraper.atomic_write import write_tree
from scraper.render import render_all
from scraper.spec import read_spec

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
UPSTREAM = REPO.parent / "shared" / "upstream"
CAPTURES = UPSTREAM / "captures"
HISTORY = UPSTREAM / "history"


def upstream_file(*parts: str) -> Path:
    """A file of the shared reference data; skip the test when it is absent."""
    path = UPSTREAM.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"reference data {path} is absent (expected ../shared/upstream next to the repo)"
        )
    return path


def capture_text(name: str) -> str:
    return upstream_file("captures", name).read_text(encoding="utf-8")


def history_files(product: str = "spot") -> list[Path]:
    folder = upstream_file("history", product)
    return sorted(folder.glob("*.md"))


def run_cli(
    *args: str | Path, cwd: Path = REPO, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m scraper`` in a real subprocess."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "scraper", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


SPEC_PATH = REPO / "spec" / "errors.yaml"
ANNOTATIONS_PATH = REPO / "spec" / "annotations.yaml"
RELEASE_PATH = REPO / "templates" / "release.yaml"


@pytest.fixture(scope="session", autouse=True)
def release_file_untouched() -> Iterator[None]:
    """Fail the run when a test changed ``templates/release.yaml`` (and put it back).

    ``update`` raises ``post`` in the release file whenever the data changed:
    a test that runs it must name a release file of its own with ``--release``.
    """
    before = RELEASE_PATH.read_bytes()
    yield
    if RELEASE_PATH.read_bytes() != before:
        RELEASE_PATH.write_bytes(before)
        pytest.fail(f"a test changed {RELEASE_PATH}; run 'update' with --release in tmp_path")


@pytest.fixture(scope="session")
def generated_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed spec and annotations rendered afresh, as ``generate`` writes them."""
    root = tmp_path_factory.mktemp("generated")
    annotations = read_annotations(ANNOTATIONS_PATH)
    write_tree(root, render_all(read_spec(SPEC_PATH), annotations, str(ANNOTATIONS_PATH)))
    return root


@pytest.fixture(scope="session")
def package(generated_tree: Path) -> ModuleType:
    """The rendered ``binance_errors`` package, imported into the test process."""
    sys.path.insert(0, str(generated_tree))
    return importlib.import_module("binance_errors")


def run_python(tree: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in an isolated interpreter that sees only ``tree`` (a generated tree).

    Not measured by coverage (see :func:`without_coverage`): it runs the
    generated package, not ``scraper/``.
    """
    return subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path[:0] = [{str(tree)!r}]\n{code}", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=without_coverage(),
    )


def node_or_skip() -> str:
    """The ``node`` of Node.js 20 or newer; else skip the test, or fail it under CI (``CI`` set).

    The same rule as ``make test-ts``: the npm package's tests may be left out
    on a developer's machine without Node, never in CI.
    """
    node = shutil.which("node")
    check = "process.exit(Number(process.versions.node.split('.')[0]) >= 20 ? 0 : 1)"
    if node is not None and subprocess.run([node, "-e", check], check=False).returncode == 0:
        return node
    if os.environ.get("CI"):
        pytest.fail("Node.js >= 20 is required under CI (the npm package's tests)")
    pytest.skip("Node.js >= 20 not found: the npm package's part of this test is skipped")


def without_coverage() -> dict[str, str]:
    """This process's environment without the variables that start coverage in a child.

    ``make test`` measures subprocesses too (``patch = ["subprocess"]``): a
    child that inherits ``COVERAGE_PROCESS_CONFIG`` starts coverage, which
    imports ``json`` and more and slows the start. A child that runs only the
    generated package, and may check what it imports, gets this environment.
    """
    return {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver listens on 127.0.0.1 (not ``localhost``, which may mean ::1)."""
    return ("127.0.0.1", 0)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` (dotfiles included): its bytes and its modification time."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def copy_workspace(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of ``template`` under ``tmp_path``, modification times kept."""
    root = tmp_path / "work"
    shutil.copytree(template, root, copy_function=shutil.copy2)
    return root
