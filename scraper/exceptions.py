"""The failures the tool reports, each with its own exit status.

Every failure names the source it concerns and what was expected; the CLI
prints ``error: <source>: <problem>`` on one line and exits with the
class's ``exit_code``. The codes are part of the interface (README, --help).
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base class: a failure the user can act on, never a bug."""

    exit_code = 1

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class StaleOutputError(ScraperError):
    """``check`` found ``generated/`` out of date with the spec."""

    exit_code = 1


class RefusedError(ScraperError):
    """A guard refused the page (shrink, rewrite, identity); refused until a human allows it."""

    exit_code = 3


class ShrinkError(RefusedError):
    """The fresh page lost too much; refused until a human allows it."""


class FetchError(ScraperError):
    """The source could not be read: network, HTTP status, size, missing file."""

    exit_code = 4


class PageError(ScraperError):
    """The source was read but is not an error-code page we understand."""

    exit_code = 5


class SpecError(ScraperError):
    """The spec, the sources or the annotations file is invalid."""

    exit_code = 6


class OutputError(ScraperError):
    """An output file could not be written (disk full, permissions); nothing was changed."""

    exit_code = 73  # sysexits.h EX_CANTCREAT


def printable(text: str) -> str:
    """``text`` with anything a terminal would act on (escapes, newlines) made visible."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success (for update: also 'no changes')"),
    (1, "check: generated/ is stale"),
    (2, "usage error"),
    (
        RefusedError.exit_code,
        "refused by a guard (shrink, rewrite, identity): nothing changed; --allow-* overrides",
    ),
    (FetchError.exit_code, "fetch failed: network, HTTP status, size cap, missing file"),
    (PageError.exit_code, "page not understood: not an error-code page, or malformed"),
    (SpecError.exit_code, "invalid spec, sources, annotations or release file"),
    (
        OutputError.exit_code,
        "cannot write an output file (disk full, permissions); nothing changed",
    ),
)
