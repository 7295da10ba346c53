"""The README's Python examples, and a doctest runner to execute them in any interpreter.

Every ```` ```python ```` block of ``README.md`` is a doctest session (``>>>``).
:func:`python_blocks` finds them with their line numbers; :data:`RUNNER` is a
self-contained script (standard library only, Python 3.9+) that reads the
blocks as JSON on stdin, runs each as its own doctest with fresh globals, the
way a reader would paste one, prints every failure with the README line it
comes from, then ``N examples, N failed``, and exits 1 on any failure. It is
run in a subprocess, against the generated tree or the installed wheel.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO, without_coverage

README = REPO / "README.md"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, its text, and the README line its text starts on."""

    language: str
    text: str
    line: int


def fenced_blocks(path: Path = README) -> list[Block]:
    """Every fenced code block of the Markdown file, in order."""
    text = path.read_text(encoding="utf-8")
    return [
        Block(found.group(1), found.group(2), text.count("\n", 0, found.start(2)) + 1)
        for found in FENCE.finditer(text)
    ]


def python_blocks(path: Path = README) -> list[Block]:
    return [block for block in fenced_blocks(path) if block.language == "python"]


def runner_input(blocks: list[Block], name: str = "README.md") -> str:
    """The JSON the runner reads: each block's text, file name and first line."""
    return json.dumps([{"text": b.text, "name": name, "line": b.line} for b in blocks])


RUNNER = """\
import doctest, json, sys

flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
parser = doctest.DocTestParser()
runner = doctest.DocTestRunner(optionflags=flags)
for number, block in enumerate(json.load(sys.stdin)):
    name = f"{block['name']}:{block['line']}"
    test = parser.get_doctest(block["text"], {}, name, block["name"], block["line"] - 1)
    runner.run(test)
failed, attempted = runner.summarize(verbose=False)
print(f"{attempted} examples, {failed} failed")
sys.exit(1 if failed or not attempted else 0)
"""


def run_examples(python: str, *, cwd: Path, pythonpath: Path | None = None) -> str:
    """Run every README example in ``python`` (``-I``); its report, asserting none failed.

    ``pythonpath`` (a generated tree) is put first on ``sys.path``; without
    it, ``binance_errors`` is whatever that interpreter has installed.
    """
    prefix = f"import sys; sys.path[:0] = [{str(pythonpath)!r}]\n" if pythonpath else ""
    result = subprocess.run(
        [python, "-I", "-c", prefix + RUNNER],
        input=runner_input(python_blocks()),
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
        env=without_coverage(),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return result.stdout
