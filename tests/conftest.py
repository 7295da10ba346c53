"""Shared test helpers: where things are, and how to run the CLI for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver listens on 127.0.0.1 (not ``localhost``, which may mean ::1)."""
    return ("127.0.0.1", 0)
