"""The guards: refuse a page that is not a newer version of the product's committed page.

A page can keep its codes and still be wrong: another product's list that a
mirror filed under this product's address, or this page rewritten beyond what
Binance ever does in one edit (a translation, a template gone wrong). Before a
page is merged, :func:`check_page` compares it with the committed product and
refuses it, with a :class:`~scraper.exceptions.RefusedError` (exit 3) naming
every problem and the flag that overrides each, when:

* **identity** (``--allow-replace``): the page and the product share fewer than
  :data:`MIN_SHARED_SHARE` of the larger of the two code lists, counting only
  codes listed under the same name: it is another page, even when it is larger
  (the override accepts it as the product's page, past the other guards too);
* **shrink** (``--allow-shrink``): it lost too much (:func:`scraper.merge.shrink_problems`);
* **rewrite** (``--allow-rewrite``): it changes the messages or the name of more
  than :data:`MAX_REWRITTEN_SHARE` of the codes it keeps (and at least
  :data:`MIN_REWRITTEN`), or renames more than
  :data:`MAX_RENAMED_SHARE` (and at least :data:`MIN_RENAMED`) of the
  product's sections or of its message tables.

A product the spec does not have yet is never refused. The thresholds come
from the pages' real history; each constant's docstring gives the figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scraper.exceptions import RefusedError
from scraper.merge import codes_text, match_tables, section_renames, shrink_problems, upstream_name
from scraper.model import ErrorEntry, Product

MIN_SHARED_SHARE = 1 / 3
"""The share of the larger code list the page and the product must share, same code and name.

Measured on every pair of captures of different products (15 pages; the
SAPI pages of wallet, margin, portfolio margin pro and the five others that
copy the wallet list are one family, usdm, coinm and portfolio margin
another): at most 29% (options' 47-code composite against the Spot page),
20% for usdm offered as options and options as usdm, 14% for portfolio margin
pro as options, 17% for it as portfolio margin. Every real update shares
more: 38% for the old composite options list (47 codes) followed by today's
page (122), 76% or more for every other step of the Spot and Spot testnet
histories and of the older captures. A third sits between the two.

Pages of one family list the same codes under the same names and cannot be
told apart this way (the usdm page offered as portfolio margin shares 80%);
the shrink and rewrite guards catch most of those.
"""

MAX_REWRITTEN_SHARE = 0.25
"""The share of the codes a page keeps whose messages or name it may change in one update.

Measured by replaying the 42 Spot revisions (2020-2026), the 24 Spot testnet
revisions and the older captures of usdm, coinm and options: at most 13%
(Spot testnet on 2024-06-21, 7 of 54 codes), 6.8% for Spot (2025-04-01, 6 of
88), 1.5% for the captures. A zh-CN page rewrites 94% or more. 25% is about
twice the most ever seen.
"""

MIN_REWRITTEN = 3
"""One or two edited codes are never a rewrite, however few codes a page keeps."""

MAX_RENAMED_SHARE = 0.5
"""The share of a product's sections, or of its message tables, one update may rename."""

MIN_RENAMED = 2
"""Renames below this count are never refused (a product with one table may rename it).

In the same replays at most one section (of 3) and one table (of 2) was
renamed per step; refusing two or more renames when they are most of them
leaves that untouched and catches a page whose headings were all rewritten.
"""

EXAMPLES = 10
"""Codes listed by a refusal before it says how many more there are."""


@dataclass(frozen=True)
class Allowed:
    """The guards a human overrode for this run, after looking at the page."""

    shrink: bool = False
    rewrite: bool = False
    replace: bool = False


def check_page(
    old: Product | None, fresh: Product, origin: str, allowed: Allowed = Allowed()
) -> None:
    """Raise :class:`RefusedError` when a guard not ``allowed`` refuses ``fresh`` over ``old``.

    The message names every problem found, then the flags that would let the
    page through; nothing has been changed when it is raised. A page that
    looks like another page is refused for that alone: what it would lose and
    rewrite follows from it. ``--allow-replace`` accepts the page as the
    product's page whatever it changes, so it lets the page through every guard.
    """
    if old is None or allowed.replace:
        return
    found = [("--allow-replace", identity_problems(old, fresh))]
    if not found[0][1]:
        if not allowed.shrink:
            found.append(("--allow-shrink", shrink_problems(old, fresh)))
        if not allowed.rewrite:
            found.append(("--allow-rewrite", rewrite_problems(old, fresh)))
    problems = [problem for _, some in found for problem in some]
    if problems:
        flags = " ".join(flag for flag, some in found if some)
        raise RefusedError(
            origin,
            f"refusing to update {fresh.id!r}: "
            + "; ".join(problems)
            + f"; nothing was changed (rerun with {flags} once a human has looked)",
        )


# -- identity ------------------------------------------------------------------


def own_names(entry: ErrorEntry) -> set[str]:
    """Every name a committed code answers to, without the ``_<digits>`` of a clash."""
    names = (entry.name, *(a.name for a in entry.aliases), *entry.former_names)
    return {upstream_name(name, entry.code) for name in names}


def shared_codes(old: Product, fresh: Product) -> list[int]:
    """The page's codes that the product lists live under the same name."""
    live = {entry.code: own_names(entry) for entry in old.errors if entry.live}
    return [
        entry.code
        for entry in fresh.errors
        if upstream_name(entry.name, entry.code) in live.get(entry.code, ())
    ]


def identity_problems(old: Product, fresh: Product) -> list[str]:
    """Why ``fresh`` looks like another page than ``old``'s; empty if it does not."""
    live = sum(entry.live for entry in old.errors)
    if not live:
        return []
    shared = len(shared_codes(old, fresh))
    larger = max(live, len(fresh.errors))
    if shared >= MIN_SHARED_SHARE * larger:
        return []
    return [
        f"it looks like a different page: it shares {shared} codes (same code and name) with"
        f" the {live} live codes of {old.id!r}, {shared / larger:.0%} of the larger list"
        f" ({larger} codes on the {'page' if larger > live else 'product'}), under"
        f" {MIN_SHARED_SHARE:.0%}"
    ]


# -- rewrite -------------------------------------------------------------------


@dataclass(frozen=True)
class Rewrite:
    """What a page changes in the codes, sections and tables it keeps."""

    kept: int
    messages: tuple[ErrorEntry, ...]  # the committed entries whose messages the page changes
    names: tuple[tuple[int, str, str], ...]  # code, committed name, page's name
    example: tuple[int, str, str] | None  # see message_change
    sections: tuple[tuple[str, str], ...]  # committed title, page's title
    live_sections: int
    tables: tuple[tuple[str, str], ...]  # committed title, page's title
    kept_tables: int

    @property
    def rewritten(self) -> list[int]:
        """The kept codes whose messages or name change, in the committed order."""
        codes = {entry.code for entry in self.messages} | {code for code, _, _ in self.names}
        return sorted(codes, reverse=True)

    def problems(self) -> list[str]:
        problems = []
        rewritten = self.rewritten
        if len(rewritten) >= MIN_REWRITTEN and len(rewritten) > MAX_REWRITTEN_SHARE * self.kept:
            share = len(rewritten) / self.kept
            example = ""
            if self.example is not None:
                code, before, after = self.example
                example = f"; e.g. {code}: {' -> '.join(map(repr, excerpts(before, after)))}"
            problems.append(
                f"it rewrites {len(rewritten)} of the {self.kept} codes it keeps ({share:.0%},"
                f" over {MAX_REWRITTEN_SHARE:.0%}): {len(self.messages)} with new messages,"
                f" {len(self.names)} renamed{example}; codes: {first_codes(rewritten)}"
            )
        for what, renames, total in (
            ("sections", self.sections, self.live_sections),
            ("message tables", self.tables, self.kept_tables),
        ):
            if too_many_renames(len(renames), total):
                listed = ", ".join(f"{a!r} -> {b!r}" for a, b in renames)
                problems.append(f"it renames {len(renames)} of the {total} {what}: {listed}")
        return problems


def rewrite(old: Product, fresh: Product) -> Rewrite:
    """Compare the live part of ``old`` with what ``fresh`` says about the same codes."""
    before = {entry.code: entry for entry in old.errors if entry.live}
    pairs = [(before[e.code], e) for e in fresh.errors if e.code in before]
    changed = tuple(b for b, a in pairs if b.messages != a.messages)
    names = tuple(
        (a.code, b.name, a.name)
        for b, a in pairs
        if upstream_name(b.name, b.code) != upstream_name(a.name, a.code)
    )
    example = next((message_change(b, a) for b, a in pairs if b in changed), None)
    live_sections = {entry.section for entry in before.values()}
    sections = tuple(
        (title, new) for title, new in section_renames(old, fresh).items() if title in live_sections
    )
    tables = [(b, a) for b, a in match_tables(old.tables, fresh.tables) if b and a]
    renamed_tables = tuple((b.title, a.title) for b, a in tables if b.title != a.title)
    return Rewrite(
        kept=len(pairs),
        messages=changed,
        names=names,
        example=example,
        sections=sections,
        live_sections=len(live_sections),
        tables=renamed_tables,
        kept_tables=len(tables),
    )


def message_change(before: ErrorEntry, after: ErrorEntry) -> tuple[int, str, str]:
    """The code, its first message the page drops and the first it brings (``''``: none)."""
    gone = next((m for m in before.messages if m not in after.messages), "")
    new = next((m for m in after.messages if m not in before.messages), "")
    return after.code, gone, new


def excerpts(before: str, after: str, width: int = 60) -> tuple[str, str]:
    """Both texts from a little before the first character where they differ, cut at ``width``."""
    same = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), None)
    start = max(0, (min(len(before), len(after)) if same is None else same) - 20)
    marker = "…" if start else ""
    end = start + width
    return marker + before[start:end], marker + after[start:end]


def rewrite_problems(old: Product, fresh: Product) -> list[str]:
    """Why ``fresh`` rewrites ``old`` more than an update does; empty if it does not."""
    return rewrite(old, fresh).problems()


def too_many_renames(renamed: int, total: int) -> bool:
    return renamed >= MIN_RENAMED and renamed > MAX_RENAMED_SHARE * total


def first_codes(codes: Iterable[int]) -> str:
    """The first :data:`EXAMPLES` codes, then how many more."""
    codes = list(codes)
    more = f" and {len(codes) - EXAMPLES} more" if len(codes) > EXAMPLES else ""
    return codes_text(codes[:EXAMPLES]) + more
