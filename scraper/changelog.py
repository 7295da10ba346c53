"""``CHANGELOG.md``: what changed in each version of the package, newest first.

The update job adds to it (``update --changelog CHANGELOG.md``): the summary
of its pull-request body, one bullet per changed product, under a heading for
the version the update produces (``## 2026.5.18``, or ``## 2026.5.18.post1``
when the data changed without a newer date). The heading goes above every
other version's; a version that already has a heading (a maintainer wrote it
first) gets the new bullets at the top of its list. A bullet
that is already there is not added twice, so applying the same update again
changes nothing. Everything above the first version heading (the title and
any introduction) is kept as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from scraper.diff import SpecDiff, product_summary

VERSION_HEADING = "## "
NEW_CHANGELOG = """\
# Changelog

Every version of `binance-error-codes`, newest first. The version is
`YEAR.MONTHDAY.POST`: the date of the newest change in Binance's documentation
(`2026.627` is 2026-06-27) and a release number that counts the releases of
that date (data edited on a page without a new date, or a change to the
generated code alone). Versions up to 2026.5.18 were `YEAR.MONTH.DAY`. The
update job adds each version's summary when it opens its pull request;
maintainers add the entries of code-only releases by hand.
"""


def changelog_bullets(diff: SpecDiff) -> list[str]:
    """The pull-request body's summary, one line per changed product (``spot: 2 codes added.``)."""
    return [f"{product_summary(product)}." for product in diff.changed]


def add_entry(changelog: str | None, version: str, bullets: Sequence[str]) -> str:
    """``changelog`` (``None``: a new file) with ``bullets`` listed under ``## version``.

    Only the lines added change: the rest of the file is kept byte for byte
    (but for a final newline). The text comes back as it was when every
    bullet is already listed under that heading.
    """
    text = changelog if changelog is not None else NEW_CHANGELOG
    lines = text.splitlines()
    heading = f"{VERSION_HEADING}{version}"
    if heading in lines:
        start = lines.index(heading) + 1
        end = next_heading(lines, start)
        present = set(lines[start:end])
        items = [f"- {line}" for line in dict.fromkeys(bullets) if f"- {line}" not in present]
        if not items:
            return text
        first = next((i for i in range(start, end) if lines[i].strip()), end)
        if first == end:
            lines[start:end] = ["", *items] + ([""] if end < len(lines) else [])
        elif lines[first].startswith("- "):
            lines[first:first] = items
        else:
            lines[first:first] = [*items, ""]
    else:
        items = [f"- {line}" for line in dict.fromkeys(bullets)]
        if not items:
            return text
        at = next_heading(lines, 0)
        section = [heading, "", *items, ""]
        if at == len(lines):
            section = ([""] if lines and lines[-1].strip() else []) + section[:-1]
        lines[at:at] = section
    return "\n".join(lines) + "\n"


def next_heading(lines: Sequence[str], start: int) -> int:
    """Index of the first version heading at or after ``start``, or ``len(lines)``."""
    return next(
        (i for i in range(start, len(lines)) if lines[i].startswith(VERSION_HEADING)), len(lines)
    )
