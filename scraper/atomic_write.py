"""Write files so that a reader sees the old content or the new, never a mix.

Each file goes to a temporary file in its own directory, is flushed to disk,
and is renamed over the target. :func:`write_tree` (one directory) and
:func:`write_trees` (several, as one step) write every temporary file before
they rename any, then rename them all and delete the files the new trees no
longer have. Until the last rename every replaced or deleted file is
kept as a hard link, so an exception at any point (a full disk while staging,
a failed rename, an interrupt) puts the old tree back exactly, mtimes
included, and removes every temporary file and every directory it created;
an ``OSError`` is then reported as an :class:`~scraper.exceptions.OutputError`.

What a process cannot do for itself is clean up after ``kill -9``: a kill
while staging leaves the old tree intact plus temporary dotfiles
(``.NAME.*.tmp``), and a kill in the (microseconds long) rename phase can
leave some files new and some old, each of them whole. The next
:func:`write_tree` into the same place removes such leftovers, and ``check``
reports a mixed tree as stale. One writer at a time is assumed.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scraper.exceptions import OutputError

IGNORED_DIRS = frozenset({"__pycache__", "node_modules"})
TEMPORARY = ".tmp"
BACKUP = ".old"


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one rename."""
    write_tree(path.parent, {path.name: text}, prune=False)


def write_tree(root: Path, files: Mapping[str, str], prune: bool = True) -> list[str]:
    """Make ``root`` hold exactly ``files`` (relative path to text); return what changed.

    Unchanged files are not rewritten. With ``prune``, files under ``root``
    that are not in ``files`` are deleted (``__pycache__``, ``node_modules``
    and dotfiles are left alone). All of it happens, or none of it (see the
    module docstring).
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
    place, and the renames and deletions of all trees are one
    :func:`commit`: a failure anywhere leaves every tree as it was.
    """
    outdated = [tree.outdated() for tree in trees]
    stale = [tree.stale() for tree in trees]
    remove_leftovers(
        [tree.root / name for tree, gone in zip(trees, stale) for name in [*tree.files, *gone]]
    )
    created: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for tree, names in zip(trees, outdated):
            for name in names:
                target = tree.root / name
                created += make_parents(target.parent)
                staged.append((stage(target, tree.files[name]), target))
        commit(staged, [tree.root / name for tree, names in zip(trees, stale) for name in names])
    except BaseException as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for directory in reversed(created):
            with contextlib.suppress(OSError):
                directory.rmdir()
        if isinstance(exc, OSError):
            where = str(exc.filename or trees[0].root)
            raise OutputError(
                where, f"cannot write: {exc.strerror or exc}; nothing was changed"
            ) from exc
        raise
    return [names + gone for names, gone in zip(outdated, stale)]


def commit(staged: list[tuple[Path, Path]], stale: list[Path]) -> None:
    """Rename each temporary file over its target and delete ``stale``: all, or none."""
    backups: list[tuple[Path, Path | None]] = []
    try:
        for target in [target for _, target in staged] + stale:
            backups.append((target, back_up(target)))
        for temporary, target in staged:
            os.replace(temporary, target)
        for target in stale:
            target.unlink()
    except BaseException:
        for target, backup in reversed(backups):
            restore(target, backup)
        raise
    for _, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)


def restore(target: Path, backup: Path | None) -> None:
    """Put ``target`` back as :func:`back_up` found it."""
    if backup is None:
        target.unlink(missing_ok=True)
    elif target.exists() and target.samefile(backup):
        backup.unlink()  # never replaced; renaming a hard link onto itself would do nothing
    else:
        os.replace(backup, target)


def back_up(target: Path) -> Path | None:
    """A second name for ``target``'s current file (a hard link, else a copy); None if absent."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{secrets.token_hex(4)}{BACKUP}")
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def stage(target: Path, text: str) -> Path:
    """Write ``text`` to a synced temporary file next to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY
    )
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


def make_parents(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; return the ones created, outermost first."""
    missing = [d for d in [directory, *directory.parents] if not d.exists()]
    directory.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def remove_leftovers(targets: Iterable[Path]) -> None:
    """Delete the temporary and backup files an earlier, killed write left next to ``targets``."""
    for target in targets:
        if not target.parent.is_dir():
            continue
        pattern = re.compile(
            rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]+({re.escape(TEMPORARY)}|{re.escape(BACKUP)})"
        )
        for sibling in target.parent.iterdir():
            if pattern.fullmatch(sibling.name) and sibling.is_file():
                sibling.unlink(missing_ok=True)


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
