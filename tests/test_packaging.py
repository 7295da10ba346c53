"""The sdist and the wheel, built the way ``make dist`` builds them, and the wheel installed.

The wheel must hold only ``binance_errors`` (with ``py.typed``), declare no
dependencies, and carry the version ``binance_errors.__version__`` says. It is
installed with ``pip install --no-deps --no-index`` into a bare virtualenv
(no pip, nothing else installed) and the README's examples run against it,
there and on the oldest Python the package supports when one is available.
"""

from __future__ import annotations

import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path

import pytest

from scraper.release import package_version, read_release
from scraper.spec import read_spec
from scripts.check_release import npm_version as check_release_npm_version
from scripts.check_release import package_version as init_version
from tests.conftest import REPO, SPEC_PATH, without_coverage
from tests.readme import run_examples

PACKAGE_DIR = REPO / "generated" / "binance_errors"
NPM_DIR = REPO / "generated" / "typescript"
OLDEST_PYTHON = (3, 9)


def run(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=without_coverage(),
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build --no-isolation`` of the repository: the sdist, and the wheel built from it."""
    out = tmp_path_factory.mktemp("dist")
    result = run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def wheel_of(dist: Path) -> Path:
    (wheel,) = dist.glob("*.whl")
    return wheel


def metadata(dist: Path) -> Message:
    with zipfile.ZipFile(wheel_of(dist)) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        return HeaderParser().parsestr(wheel.read(name).decode("utf-8"))


def test_the_wheel_holds_only_the_package(dist: Path) -> None:
    with zipfile.ZipFile(wheel_of(dist)) as wheel:
        names = wheel.namelist()
    package = {n for n in names if not n.split("/")[0].endswith(".dist-info")}
    expected = {f"binance_errors/{p.name}" for p in PACKAGE_DIR.iterdir() if p.is_file()}
    assert package == expected
    assert "binance_errors/py.typed" in package and "binance_errors/spot.py" in package
    info = {n.split("/", 1)[1] for n in names if n not in package}
    assert info == {"METADATA", "WHEEL", "RECORD", "entry_points.txt", "licenses/LICENSE"}


def test_the_wheel_declares_no_dependencies_and_the_package_version(dist: Path) -> None:
    meta = metadata(dist)
    assert meta["Name"] == "binance-error-codes"
    assert meta.get_all("Requires-Dist") is None
    assert meta.get_all("Provides-Extra") is None
    assert meta["Requires-Python"] == ">=3.9"
    assert meta["License-Expression"] == "MIT"
    version = init_version(PACKAGE_DIR / "__init__.py")
    assert meta["Version"] == version
    assert version == package_version(read_spec(SPEC_PATH), read_release())
    assert wheel_of(dist).name == f"binance_error_codes-{version}-py3-none-any.whl"
    assert "## Using the package" in str(meta.get_payload())  # the README is the description


def test_the_sdist_holds_what_rebuilds_everything(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in (
        "pyproject.toml",
        "PKG-INFO",
        "Makefile",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
        "generated/binance_errors/__init__.py",
        "spec/errors.yaml",
        "spec/annotations.yaml",
        "templates/release.yaml",
        "scraper/render.py",
    ):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.startswith(".venv")]


def test_the_release_check_accepts_only_the_matching_tag(dist: Path) -> None:
    script = REPO / "scripts" / "check_release.py"
    version = metadata(dist)["Version"]
    good = run(sys.executable, script, f"v{version}", dist)
    assert good.returncode == 0, good.stderr
    assert (
        good.stdout
        == f"v{version}: the wheel, the sdist and binance_errors.__version__ are all {version}\n"
    )
    bad = run(sys.executable, script, "v2000.1.1", dist)
    assert bad.returncode == 1
    assert (
        bad.stderr == f"error: v2000.1.1: the tag must be v{version}, the version being published\n"
    )


def test_the_release_check_refuses_a_wheel_of_another_version(dist: Path, tmp_path: Path) -> None:
    script = REPO / "scripts" / "check_release.py"
    shutil.copy(next(dist.glob("*.tar.gz")), tmp_path)
    other = tmp_path / "binance_error_codes-2000.1.1-py3-none-any.whl"
    with zipfile.ZipFile(other, "w") as wheel:
        wheel.writestr(
            "binance_error_codes-2000.1.1.dist-info/METADATA",
            "Metadata-Version: 2.4\nName: binance-error-codes\nVersion: 2000.1.1\n",
        )
    version = metadata(dist)["Version"]
    result = run(sys.executable, script, f"v{version}", tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"error: {other}: version 2000.1.1, but __init__.py says {version}\n"
    shutil.copy(wheel_of(dist), tmp_path)
    two = run(sys.executable, script, f"v{version}", tmp_path)
    assert (two.returncode, two.stderr) == (1, f"error: {tmp_path}: expected one *.whl, found 2\n")


def npm_tarball(folder: Path, manifest: object, name: str = "package/package.json") -> Path:
    """An npm tarball holding only ``package.json`` with ``manifest`` (JSON, or raw text)."""
    folder.mkdir(exist_ok=True)
    path = folder / "binance-error-codes.tgz"
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    data = text.encode("utf-8")
    with tarfile.open(path, "w:gz") as tarball:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tarball.addfile(info, io.BytesIO(data))
    return path


def test_the_release_check_reads_the_npm_tarball(dist: Path, tmp_path: Path) -> None:
    """With --npm, the tarball's package.json must name the same version (make dist-npm)."""
    script = REPO / "scripts" / "check_release.py"
    version = metadata(dist)["Version"]
    npm = tmp_path / "npm"
    npm_tarball(npm, {"name": "binance-error-codes", "version": version})
    good = run(sys.executable, script, f"v{version}", dist, "--npm", npm)
    assert (good.returncode, good.stderr) == (0, "")
    assert good.stdout == (
        f"v{version}: the wheel, the sdist, the npm tarball and binance_errors.__version__"
        f" are all {version}\n"
    )
    tarball = npm / "binance-error-codes.tgz"
    for manifest, problem in [
        ({"name": "binance-error-codes", "version": "2000.1.1"}, "version 2000.1.1, but"),
        ({"name": "other", "version": version}, "names 'other', not 'binance-error-codes'"),
        ({"name": "binance-error-codes"}, "its package.json has no version"),
        ("{not json", "package.json is not JSON"),
    ]:
        npm_tarball(npm, manifest)
        bad = run(sys.executable, script, f"v{version}", dist, "--npm", npm)
        assert bad.returncode == 1 and bad.stderr.startswith(f"error: {tarball}: {problem}")
    npm_tarball(npm, {"name": "binance-error-codes", "version": version}, "other/package.json")
    bad = run(sys.executable, script, f"v{version}", dist, "--npm", npm)
    assert bad.stderr == f"error: {tarball}: no package/package.json\n"
    tarball.unlink()
    none = run(sys.executable, script, f"v{version}", dist, "--npm", npm)
    assert none.stderr == f"error: {npm}: expected one *.tgz, found 0\n"


def test_make_dist_npm_packs_the_npm_package(tmp_path: Path) -> None:
    """The tarball the release publishes: npm pack of generated/typescript, its version checked."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed (it comes with Node.js)")
    result = run("make", "--no-print-directory", "dist-npm", f"NPM_DIST={tmp_path / 'npm'}")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (tarball,) = (tmp_path / "npm").glob("*.tgz")
    assert check_release_npm_version(tarball) == init_version(PACKAGE_DIR / "__init__.py")
    with tarfile.open(tarball) as archive:
        names = {name.removeprefix("package/") for name in archive.getnames()}
    shipped = {p.relative_to(NPM_DIR).as_posix() for p in NPM_DIR.rglob("*") if p.is_file()}
    assert names == shipped


# -- the wheel installed in a bare virtualenv -----------------------------------


def interpreters() -> list[object]:
    """This interpreter, and the oldest supported Python when this machine has one."""
    return [
        pytest.param(sys.executable, id="current"),
        pytest.param(None, id="python3.9"),
    ]


def oldest_python() -> str | None:
    """A Python 3.9 interpreter from PATH or pyenv's versions, or None."""
    candidates = [shutil.which("python3.9")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.9*/bin/python3.9")))
    for candidate in filter(None, candidates):
        probe = run(candidate, "-c", "import sys; print(sys.version_info[:2])")
        if probe.returncode == 0 and probe.stdout.strip() == str(OLDEST_PYTHON):
            return candidate
    return None


@pytest.fixture(scope="module", params=interpreters())
def installed(
    request: pytest.FixtureRequest, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A fresh virtualenv (no pip) with only the wheel installed; its ``bin`` folder."""
    python = request.param or oldest_python()
    if python is None:
        pytest.skip("no Python 3.9 found (python3.9 on PATH or in ~/.pyenv/versions)")
    venv = tmp_path_factory.mktemp("venv")
    made = run(python, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    install_wheel(venv / "bin" / "python", wheel_of(dist))
    return venv / "bin"


def install_wheel(python: Path, wheel: Path) -> None:
    """``pip install --no-deps --no-index wheel`` into the venv of ``python``.

    With this venv's pip when it supports that Python; otherwise (pip 25
    dropped 3.9) with the pip that Python bundles, installed from ``ensurepip``.
    """
    install = ("install", "--quiet", "--no-deps", "--no-index", wheel)
    result = run(sys.executable, "-m", "pip", "--python", python, *install)
    if result.returncode != 0 and "does not support python" in result.stderr:
        bundled = run(python, "-m", "ensurepip", "--default-pip")
        assert bundled.returncode == 0, bundled.stderr
        result = run(python, "-m", "pip", "--disable-pip-version-check", *install)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_installed_wheel_passes_the_readme_examples(installed: Path, tmp_path: Path) -> None:
    report = run_examples(str(installed / "python"), cwd=tmp_path)
    assert report.rstrip().endswith(" failed") and ", 0 failed" in report


def test_the_installed_package_is_the_wheel_and_nothing_else(
    installed: Path, tmp_path: Path
) -> None:
    code = (
        "import binance_errors, importlib.metadata as m, sys\n"
        "print(binance_errors.__file__)\n"
        "print(binance_errors.__version__ == m.version('binance-error-codes'))\n"
        "print(m.requires('binance-error-codes'))\n"
        "print(','.join(sorted(d.metadata['Name'] for d in m.distributions())))\n"
    )
    result = run(installed / "python", "-I", "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    location, same_version, requires, distributions = result.stdout.splitlines()
    assert Path(location).is_relative_to(installed.parent)
    assert (same_version, requires) == ("True", "None")
    # pip only where the venv's Python needed its own to install the wheel.
    assert set(distributions.split(",")) - {"pip", "setuptools"} == {"binance-error-codes"}


def test_the_installed_console_script_explains_a_code(installed: Path, tmp_path: Path) -> None:
    result = run(installed / "binance-errors", "explain", "-1021", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("spot -1021 INVALID_TIMESTAMP\n")
    assert "  category:          timing\n" in result.stdout
