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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
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
    return write_trees([Tree(root, files, prune)])[0]


@dataclass(frozen=True)
class Tree:
    """One directory's wanted content for :func:`write_trees`."""

    root: Path
    files: Mapping[str, str]
    prune: bool = True

    def outdated(self) -> list[str]:
        """Files whose content differs from what is on disk (missing ones included)."""
        return [
            name
            for name, text in sorted(self.files.items())
            if read_or_none(self.root / name) != text
        ]

    def stale(self) -> list[str]:
        """Files on disk that the tree no longer has (none unless ``prune``)."""
        return sorted(set(existing_files(self.root)) - set(self.files)) if self.prune else []

    def changes(self) -> list[str]:
        """What :func:`write_trees` would write or delete under ``root``."""
        return self.outdated() + self.stale()


def write_trees(trees: Sequence[Tree]) -> list[list[str]]:
    """Write several trees as one step; per tree, the relative paths that changed.

    Every changed file of every tree is staged before any is renamed into
    place, so a failure while writing (a full disk, a permission) leaves all
    of them as they were. Stale files are pruned last.
    """
    changed = [tree.outdated() for tree in trees]
    staged: list[tuple[Path, Path]] = []
    try:
        for tree, names in zip(trees, changed):
            for name in names:
                target = tree.root / name
                staged.append((stage(target, tree.files[name]), target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    for tree, names in zip(trees, changed):
        stale = tree.stale()
        for name in stale:
            (tree.root / name).unlink()
        names.extend(stale)
    return changed


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
