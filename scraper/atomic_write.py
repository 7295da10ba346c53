"""Write files so that a reader sees the old content or the new, never a mix.

Each file goes to a temporary file in its own directory, is flushed to disk,
and is renamed over the target. :func:`write_tree` writes every temporary file
before it renames any, so a failure while writing leaves the old tree as it
was; files of the old tree that the new one no longer has are removed last.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

IGNORED_DIRS = frozenset({"__pycache__"})


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one rename."""
    write_tree(path.parent, {path.name: text}, prune=False)


def write_tree(root: Path, files: Mapping[str, str], prune: bool = True) -> list[str]:
    """Make ``root`` hold exactly ``files`` (relative path to text); return what changed.

    Unchanged files are not rewritten. With ``prune``, files under ``root``
    that are not in ``files`` are deleted (``__pycache__`` and dotfiles are
    left alone).
    """
    changed = [name for name, text in sorted(files.items()) if read_or_none(root / name) != text]
    staged: list[tuple[Path, Path]] = []
    try:
        for name in changed:
            target = root / name
            staged.append((stage(target, files[name]), target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    stale = sorted(set(existing_files(root)) - set(files)) if prune else []
    for name in stale:
        (root / name).unlink()
    return changed + stale


def stage(target: Path, text: str) -> Path:
    """Write ``text`` to a synced temporary file next to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            temporary.chmod(0o644)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def read_or_none(path: Path) -> str | None:
    """The file's text, or None if it does not exist or is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        return None


def existing_files(root: Path) -> Iterator[str]:
    """Relative paths of the files under ``root``, skipping caches and dotfiles."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in IGNORED_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            yield relative.as_posix()
