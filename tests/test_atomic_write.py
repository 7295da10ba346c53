"""All outputs or none: failures and kills mid-write leave the old tree as it was.

The unit tests inject failures into :func:`write_tree` in-process. The CLI tests
run ``generate`` and ``scrape`` in a real subprocess through a small wrapper
script that patches one scraper function (a renderer that crashes, a rename
that fails, an fsync that blocks so the test can ``kill -9`` the process at a
known point) and then calls ``scraper.cli.main``: no test hooks in the
production code.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import scraper.atomic_write
from scraper.atomic_write import Tree, write_tree, write_trees
from scraper.exceptions import OutputError
from tests.conftest import FIXTURES, REPO, copy_workspace, run_cli, snapshot

OLD = {
    "pkg/__init__.py": "x = 1\n",
    "pkg/a.py": "a = 1\n",
    "pkg/gone.py": "gone = 1\n",
    "README.md": "# old\n",
}
NEW = {
    "pkg/__init__.py": "x = 1\n",  # unchanged: never rewritten
    "pkg/a.py": "a = 2\n",
    "pkg/b.py": "b = 2\n",  # created
    "README.md": "# new\n",
    "docs/new/deep.md": "deep\n",  # in directories that do not exist yet
}  # and pkg/gone.py is pruned


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    write_tree(root, OLD)
    past = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    return root


def test_writes_the_new_tree(tree: Path) -> None:
    before = snapshot(tree)
    changed = write_tree(tree, NEW)
    assert changed == ["README.md", "docs/new/deep.md", "pkg/a.py", "pkg/b.py", "pkg/gone.py"]
    after = snapshot(tree)
    assert {n: after[n][0].decode() for n in NEW} == NEW
    assert "pkg/gone.py" not in after
    assert after["pkg/__init__.py"] == before["pkg/__init__.py"]
    assert not [n for n in after if n.rsplit("/", 1)[-1].startswith(".")]


def test_caches_and_installed_packages_are_left_alone(tree: Path) -> None:
    """``__pycache__`` and a ``node_modules`` (npm install in the npm package) are not pruned."""
    kept = [tree / "pkg" / "__pycache__" / "a.pyc", tree / "ts" / "node_modules" / "x" / "i.js"]
    for path in kept:
        path.parent.mkdir(parents=True)
        path.write_text("kept\n")
    write_tree(tree, NEW)
    assert all(path.read_text() == "kept\n" for path in kept)


def failing_after(
    count: int, real: Callable[..., object], error: BaseException
) -> Callable[..., object]:
    """``real``, except that call number ``count`` raises ``error``."""
    calls = []

    def wrapper(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == count:
            raise error
        return real(*args, **kwargs)

    return wrapper


FAILURES = {
    "disk full while staging the 3rd file": (
        "stage",
        3,
        OSError(errno.ENOSPC, "No space left on device"),
    ),
    "rename fails on the 2nd file": ("replace", 2, OSError(errno.EACCES, "Permission denied")),
    "rename fails on the last file": ("replace", 4, OSError(errno.EIO, "Input/output error")),
    "deleting the stale file fails": ("unlink", 1, OSError(errno.EROFS, "Read-only file system")),
    "interrupted between renames": ("replace", 3, KeyboardInterrupt()),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failure_anywhere_leaves_the_old_tree_exactly(
    tree: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    where, count, error = FAILURES[case]
    if where == "stage":
        monkeypatch.setattr(
            scraper.atomic_write, "stage", failing_after(count, scraper.atomic_write.stage, error)
        )
    elif where == "replace":
        monkeypatch.setattr(os, "replace", failing_after(count, os.replace, error))
    else:
        monkeypatch.setattr(Path, "unlink", failing_after(count, Path.unlink, error))
    before = snapshot(tree)
    expected = OutputError if isinstance(error, OSError) else type(error)
    with pytest.raises(expected) as raised:
        write_tree(tree, NEW)
    monkeypatch.undo()
    assert snapshot(tree) == before
    if isinstance(raised.value, OutputError):
        assert "nothing was changed" in str(raised.value)


def test_several_trees_are_written_as_one(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec file and a generated tree: a failure on the last rename undoes both."""
    spec = tree.parent / "spec"
    write_tree(spec, {"errors.yaml": "old: 1\n"})
    before = {**snapshot(tree), **{f"spec/{k}": v for k, v in snapshot(spec).items()}}
    monkeypatch.setattr(os, "replace", failing_after(5, os.replace, OSError(errno.EIO, "EIO")))
    with pytest.raises(OutputError):
        write_trees([Tree(spec, {"errors.yaml": "new: 2\n"}, prune=False), Tree(tree, NEW)])
    monkeypatch.undo()
    assert {**snapshot(tree), **{f"spec/{k}": v for k, v in snapshot(spec).items()}} == before
    changed = write_trees([Tree(spec, {"errors.yaml": "new: 2\n"}, prune=False), Tree(tree, NEW)])
    assert changed == [
        ["errors.yaml"],
        ["README.md", "docs/new/deep.md", "pkg/a.py", "pkg/b.py", "pkg/gone.py"],
    ]
    assert (spec / "errors.yaml").read_text() == "new: 2\n"


def test_a_failure_into_a_new_directory_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = scraper.atomic_write.stage
    monkeypatch.setattr(
        scraper.atomic_write, "stage", failing_after(4, real, OSError(errno.ENOSPC, "full"))
    )
    with pytest.raises(OutputError, match="full"):
        write_tree(tmp_path / "fresh", NEW)
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_the_backup_is_a_copy(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, "replace", failing_after(3, os.replace, OSError(errno.EIO, "EIO")))
    before = snapshot(tree)
    with pytest.raises(OutputError):
        write_tree(tree, NEW)
    monkeypatch.undo()
    assert snapshot(tree) == before


def test_leftovers_of_a_killed_write_are_removed_next_time(tree: Path) -> None:
    (tree / "pkg" / ".a.py.k3j2_x9q.tmp").write_text("half of a")
    (tree / ".README.md.0a1b2c3d.old").write_text("# older")
    (tree / "pkg" / ".keep.tmp").write_text("not ours")
    write_tree(tree, NEW)
    dotfiles = sorted(p.name for p in tree.rglob(".*"))
    assert dotfiles == [".keep.tmp"]


# -- the CLI, killed or failing mid-run -----------------------------------------


WRAPPER = """\
import os, sys, time
from pathlib import Path
import scraper.atomic_write as atomic_write
import scraper.render as render

marker = Path(os.environ.get("MARKER", "marker"))
{patch}
from scraper.cli import main
sys.exit(main(sys.argv[1:]))
"""

RENDERER_CRASHES = """
real_format = render.ruff_format
calls = []
def ruff_format(source, path):
    calls.append(path)
    if len(calls) == 2:
        raise RuntimeError("injected: the renderer crashed on " + path)
    return real_format(source, path)
render.ruff_format = ruff_format
"""

TEMPLATE_FILTER_CRASHES = """
real_md = render.markdown_text
calls = []
def markdown_text(value, newline="<br>"):
    calls.append(value)
    if len(calls) == 5:
        raise ValueError("injected: the md filter failed")
    return real_md(value, newline)
render.markdown_text = markdown_text
"""

RENAME_FAILS = """
real_replace = os.replace
calls = []
def replace(source, target):
    calls.append(target)
    if len(calls) == 2:
        raise OSError(28, "No space left on device", str(target))
    return real_replace(source, target)
os.replace = replace
"""

KILLED_WHILE_STAGING = """
real_fsync = os.fsync
calls = []
def fsync(descriptor):
    calls.append(descriptor)
    if len(calls) == 2:
        marker.touch()
        time.sleep(120)
    return real_fsync(descriptor)
os.fsync = fsync
"""

KILLED_BETWEEN_RENAMES = """
real_replace = os.replace
def replace(source, target):
    real_replace(source, target)
    marker.touch()
    time.sleep(120)
os.replace = replace
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace: spec/old.yaml and generated/ from it, spec/new.yaml with one more code."""
    root = tmp_path_factory.mktemp("template")
    mini = (FIXTURES / "mini.html").read_text(encoding="utf-8")
    start = mini.index('<h3 class="anchor" id="-2021">')
    old_page = mini[:start] + mini[mini.index("</ul>", start) + len("</ul>") :]
    (root / "old.html").write_text(old_page, encoding="utf-8")
    for name, page in [("old", root / "old.html"), ("new", FIXTURES / "mini.html")]:
        out = root / "spec" / f"{name}.yaml"
        result = run_cli("scrape", "--source", page, "--product", "spot", "--out", out)
        assert result.returncode == 0, result.stderr
    result = run_cli("generate", "--spec", root / "spec/old.yaml", "--out", root / "generated")
    assert result.returncode == 0, result.stderr
    (root / "generated" / "binance_errors" / "retired.py").write_text("x = 1\n")
    past = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    return root


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template (mtimes kept), also the subprocess's working directory."""
    return copy_workspace(template, tmp_path)


def wrapped(workspace: Path, patch: str, *args: str | Path) -> subprocess.Popen[str]:
    """Start ``python wrapper.py ARGS`` with ``patch`` applied before the CLI runs."""
    script = workspace.parent / "wrapper.py"
    script.write_text(WRAPPER.format(patch=textwrap.dedent(patch)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "MARKER": str(workspace.parent / "marker")}
    return subprocess.Popen(
        [sys.executable, str(script), *map(str, args)],
        cwd=workspace,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


def kill_at_marker(process: subprocess.Popen[str], marker: Path) -> None:
    """Wait until the patched process reports it reached the chosen point, then SIGKILL it."""
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the process never reached the kill point"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def generate_args(workspace: Path) -> tuple[str | Path, ...]:
    return ("generate", "--spec", workspace / "spec/new.yaml", "--out", workspace / "generated")


FAILING_RUNS = {
    "renderer crashes": (RENDERER_CRASHES, 70, "internal error (RuntimeError: injected"),
    "template filter fails": (TEMPLATE_FILTER_CRASHES, 70, "internal error (ValueError: injected"),
    "rename fails on the 2nd file": (RENAME_FAILS, 73, "No space left on device; nothing"),
}


@pytest.mark.parametrize("case", sorted(FAILING_RUNS))
def test_generate_that_fails_midway_changes_nothing(workspace: Path, case: str) -> None:
    patch, status, message = FAILING_RUNS[case]
    before = snapshot(workspace)
    code, stderr = finish(wrapped(workspace, patch, *generate_args(workspace)))
    assert code == status, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("error: ") and message in stderr
    assert snapshot(workspace) == before


def test_scrape_that_cannot_write_changes_nothing(workspace: Path) -> None:
    spec = workspace / "spec" / "old.yaml"
    before = snapshot(workspace)
    patch = RENAME_FAILS.replace("len(calls) == 2", "len(calls) == 1")
    args = ("scrape", "--source", FIXTURES / "mini.html", "--product", "spot", "--out", spec)
    code, stderr = finish(wrapped(workspace, patch, *args))
    assert (code, stderr) == (
        73,
        f"error: {spec}: cannot write: No space left on device; nothing was changed\n",
    )
    assert snapshot(workspace) == before


def test_generate_with_a_spec_that_cannot_render_writes_nothing(workspace: Path) -> None:
    spec = workspace / "spec" / "new.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("- Too many requests queued.", '- "Too many \\uD800"'), "utf-8")
    before = snapshot(workspace)
    result = run_cli(*generate_args(workspace), cwd=workspace)
    assert result.returncode == 6
    assert "character U+D800 is not allowed" in result.stderr
    assert snapshot(workspace) == before


def test_kill_9_while_staging_leaves_the_old_tree(workspace: Path) -> None:
    before = snapshot(workspace)
    process = wrapped(workspace, KILLED_WHILE_STAGING, *generate_args(workspace))
    kill_at_marker(process, workspace.parent / "marker")
    after = snapshot(workspace)
    leftovers = sorted(set(after) - set(before))
    assert {name: after[name] for name in before} == before
    # One temporary file was complete (its fsync returned), the second was being synced.
    assert len(leftovers) == 2 and all(
        name.startswith("generated/") and Path(name).name.startswith(".") and name.endswith(".tmp")
        for name in leftovers
    ), leftovers
    result = run_cli(*generate_args(workspace), cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert not [n for n in snapshot(workspace) if n.endswith((".tmp", ".old"))]
    check = run_cli(
        "check", "--spec", workspace / "spec/new.yaml", "--out", workspace / "generated"
    )
    assert check.returncode == 0, check.stdout


def test_kill_9_between_renames_is_noticed_and_repaired(workspace: Path) -> None:
    """The one window no process can close: every file whole, the set mixed; check says so."""
    process = wrapped(workspace, KILLED_BETWEEN_RENAMES, *generate_args(workspace))
    kill_at_marker(process, workspace.parent / "marker")
    spec, out = workspace / "spec/new.yaml", workspace / "generated"
    assert run_cli("check", "--spec", spec, "--out", out).returncode == 1
    assert run_cli("generate", "--spec", spec, "--out", out).returncode == 0
    assert run_cli("check", "--spec", spec, "--out", out).returncode == 0
    assert not [n for n in snapshot(workspace) if n.endswith((".tmp", ".old"))]
