"""Refuse to publish unless the tag, the built files and the package agree on the version.

Usage: ``python scripts/check_release.py TAG DIST_DIR [--npm NPM_DIR]`` (the
release workflow runs it after ``make dist`` and ``make dist-npm``). It passes
when ``DIST_DIR`` holds exactly one wheel and one sdist of
``binance-error-codes``, both carrying version V in their metadata,
``NPM_DIR`` (when given) exactly one npm tarball whose ``package.json`` names
``binance-error-codes`` at version V, ``generated/binance_errors/__init__.py``
says ``__version__ = "V"``, and ``TAG`` is ``vV``. Otherwise it prints one
line, ``error: <source>: <problem>``, and exits 1.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from email.parser import HeaderParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE_INIT = REPO / "generated" / "binance_errors" / "__init__.py"
DISTRIBUTION = "binance-error-codes"


class ReleaseError(Exception):
    """The release is not consistent; ``str()`` is the ``<source>: <problem>`` line."""


def metadata_version(text: str, source: str) -> str:
    """The ``Version`` of core metadata (``METADATA`` or ``PKG-INFO``), checking its ``Name``."""
    headers = HeaderParser().parsestr(text)
    if headers.get("Name") != DISTRIBUTION:
        raise ReleaseError(f"{source}: names {headers.get('Name')!r}, not {DISTRIBUTION!r}")
    version = headers.get("Version")
    if not version:
        raise ReleaseError(f"{source}: its metadata has no Version")
    return str(version)


def wheel_version(path: Path) -> str:
    with zipfile.ZipFile(path) as wheel:
        names = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        if len(names) != 1:
            raise ReleaseError(f"{path}: expected one .dist-info/METADATA, found {len(names)}")
        return metadata_version(wheel.read(names[0]).decode("utf-8"), str(path))


def sdist_version(path: Path) -> str:
    with tarfile.open(path, "r:gz") as sdist:
        members = [m for m in sdist.getmembers() if m.name.count("/") == 1]
        info = next((m for m in members if m.name.endswith("/PKG-INFO")), None)
        stream = sdist.extractfile(info) if info is not None else None
        if stream is None:
            raise ReleaseError(f"{path}: no top-level PKG-INFO")
        return metadata_version(stream.read().decode("utf-8"), str(path))


def npm_version(path: Path) -> str:
    """The ``version`` of an npm tarball's ``package/package.json``, checking its ``name``."""
    with tarfile.open(path, "r:gz") as tarball:
        try:
            stream = tarball.extractfile("package/package.json")
        except KeyError:
            stream = None
        if stream is None:
            raise ReleaseError(f"{path}: no package/package.json")
        try:
            manifest = json.loads(stream.read().decode("utf-8"))
        except ValueError as exc:
            raise ReleaseError(f"{path}: package.json is not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("name") != DISTRIBUTION:
        name = manifest.get("name") if isinstance(manifest, dict) else None
        raise ReleaseError(f"{path}: names {name!r}, not {DISTRIBUTION!r}")
    version = manifest.get("version")
    if not isinstance(version, str) or not version:
        raise ReleaseError(f"{path}: its package.json has no version")
    return version


def package_version(init: Path = PACKAGE_INIT) -> str:
    """``__version__`` as the generated ``__init__.py`` assigns it (read, not imported)."""
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise ReleaseError(f"{init}: no __version__ = '...' assignment")


def only(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    if len(found) != 1:
        raise ReleaseError(f"{dist}: expected one {pattern}, found {len(found)}")
    return found[0]


def check_release(tag: str, dist: Path, init: Path = PACKAGE_INIT, npm: Path | None = None) -> str:
    """The version the release publishes; a :class:`ReleaseError` when anything disagrees."""
    version = package_version(init)
    files = [(only(dist, "*.whl"), wheel_version), (only(dist, "*.tar.gz"), sdist_version)]
    if npm is not None:
        files.append((only(npm, "*.tgz"), npm_version))
    for path, found in files:
        if (built := found(path)) != version:
            raise ReleaseError(f"{path}: version {built}, but {init.name} says {version}")
    if tag != f"v{version}":
        raise ReleaseError(f"{tag}: the tag must be v{version}, the version being published")
    return version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tag", help="the pushed tag, e.g. v2026.518.0")
    parser.add_argument("dist", type=Path, help="the folder make dist wrote")
    parser.add_argument("--npm", type=Path, help="the folder make dist-npm wrote")
    args = parser.parse_args(argv)
    try:
        version = check_release(args.tag, args.dist, npm=args.npm)
    except (ReleaseError, OSError, UnicodeDecodeError, zipfile.BadZipFile, tarfile.TarError) as exc:
        source = "" if isinstance(exc, ReleaseError) else f"{args.dist}: "
        print(f"error: {source}{' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    files = "the wheel, the sdist" + (", the npm tarball" if args.npm is not None else "")
    print(f"{args.tag}: {files} and binance_errors.__version__ are all {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
