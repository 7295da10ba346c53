"""The version of the generated packages: the data's calendar date and a release number.

The version comes from the data: :func:`spec_version` turns the newest
upstream date in the spec (a page's ``last_updated``, a code's ``added`` or
``removed``) into a calendar version, ``2026-05-18`` giving ``2026.5.18``.
:func:`package_version` writes it, with the ``post`` number of
``templates/release.yaml``, as ``YEAR.MONTHDAY.POST``: ``2026.518.0``, then
``2026.518.1``. Three numbers, so the same string is a valid version on PyPI
(PEP 440) and on npm (semver), ordered the same way in both (``MONTHDAY`` is
``month * 100 + day``: ``2026.1202.0`` is after ``2026.518.1``); a fourth
number or a ``.postN`` would not be semver, and a ``-post.N`` would sort before
the release it follows on npm. A change to the templates or the renderer that
alters ``generated/`` without new Binance data needs a new version too; for
that a maintainer edits ``templates/release.yaml``::

    data_version: 2026.5.18   # the spec's calendar version when the templates changed
    post: 1                   # gives 2026.518.1

``post`` applies only while the spec's calendar version equals
``data_version``.

Every update that changes the data gets a new version (:func:`next_release`):
when the newest date moved, the version is that date and ``post`` goes back
to 0; when it did not (a message edited on a page without a new date), the
update raises ``post`` by one. ``update`` writes the result into this file
(:func:`release_text`) in the same all-or-nothing step as the spec, so new data
never ships under a version that may be published already.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scraper.exceptions import SpecError
from scraper.model import Spec

RELEASE_PATH = Path(__file__).resolve().parent.parent / "templates" / "release.yaml"
CALENDAR_VERSION = re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})")
FIELD_LINE = re.compile(r"^(data_version|post):.*$", re.MULTILINE)
FIELDS = frozenset({"data_version", "post"})


@dataclass(frozen=True)
class Release:
    """The maintainers' post-release number, and the data version it belongs to."""

    data_version: str
    post: int = 0


NO_POST_RELEASE = Release("0.0.0", 0)
"""A release file that adds nothing to any version."""


def spec_version(spec: Spec) -> str:
    """A calendar version from the newest upstream date in the spec (``2026.5.18``).

    ``0.0.0`` for a spec without any date.
    """
    dates = [p.last_updated for p in spec.products if p.last_updated]
    dates += [d for p in spec.products for e in p.errors for d in (e.added, e.removed) if d]
    if not dates:
        return "0.0.0"
    year, month, day = (int(part) for part in max(dates).split("-"))
    return f"{year}.{month}.{day}"


def package_version(spec: Spec, release: Release) -> str:
    """The version of the packages rendered from ``spec``: ``2026.518.0``, ``2026.518.1``, ...

    ``release.post`` counts only while ``release.data_version`` is the spec's
    calendar version; newer data starts again at 0.
    """
    version = spec_version(spec)
    post = release.post if release.data_version == version else 0
    return release_version(version, post)


def release_version(calendar_version: str, post: int) -> str:
    """``2026.5.18`` and post 1 as ``2026.518.1``: valid and ordered alike in PEP 440 and semver."""
    year, month, day = (int(part) for part in calendar_version.split("."))
    return f"{year}.{month * 100 + day}.{post}"


def next_release(old: Spec, new: Spec, release: Release) -> Release:
    """The release that gives the data of ``new`` a version above that of ``old``.

    For an update that changed the data (``old`` to ``new``) under ``release``:
    a newer calendar version stands alone (``post`` 0); the same one gets the
    ``post`` it had (0 unless ``release`` is of that version) plus one.
    """
    version = spec_version(new)
    if version != spec_version(old):
        return Release(version, 0)
    post = release.post if release.data_version == version else 0
    return Release(version, post + 1)


def release_text(current: str | None, release: Release) -> str:
    """The release file's text ``current`` with ``release``'s fields; comments kept.

    ``None``, or a file that does not give each field on a line of its own,
    is replaced by a bare file with the two fields.
    """
    fields = {"data_version": release.data_version, "post": str(release.post)}
    if current is not None and sorted(FIELD_LINE.findall(current)) == sorted(fields):
        return FIELD_LINE.sub(lambda line: f"{line[1]}: {fields[line[1]]}", current)
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def read_release(path: Path = RELEASE_PATH, missing_ok: bool = False) -> Release:
    """The release file at ``path``, validated; a :class:`SpecError` (exit 6) when it is not.

    With ``missing_ok``, a file that does not exist is :data:`NO_POST_RELEASE`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return NO_POST_RELEASE
        raise SpecError(str(path), "cannot read the release file: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), f"cannot read the release file: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(str(path), f"not valid YAML: {' '.join(str(exc).split())}") from None
    return release_from_data(data, str(path))


def release_from_data(data: Any, origin: str) -> Release:
    """A :class:`Release` from the parsed YAML, refusing anything but the two fields."""
    if not isinstance(data, dict):
        raise SpecError(origin, "expected a mapping with 'data_version' and 'post'")
    unknown = sorted(str(key) for key in set(data) - FIELDS)
    missing = sorted(FIELDS - set(data))
    if unknown or missing:
        wrong = [f"unknown field {name!r}" for name in unknown]
        wrong += [f"missing field {name!r}" for name in missing]
        raise SpecError(origin, "; ".join(wrong))
    data_version, post = data["data_version"], data["post"]
    if not is_calendar_version(data_version):
        raise SpecError(
            origin,
            f"data_version {data_version!r} is not a calendar version like 2026.5.18"
            " (a real date, no leading zeros)",
        )
    if not isinstance(post, int) or isinstance(post, bool) or post < 0:
        raise SpecError(origin, f"post {post!r} is not a whole number >= 0")
    return Release(data_version, post)


def is_calendar_version(value: object) -> bool:
    """``YEAR.MONTH.DAY`` of a real date, without leading zeros, as :func:`spec_version` writes."""
    found = CALENDAR_VERSION.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return False
    try:
        date = datetime.date(*(int(part) for part in found.groups()))
    except ValueError:
        return False
    return value == f"{date.year}.{date.month}.{date.day}"
