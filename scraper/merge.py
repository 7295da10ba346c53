"""Merge a freshly scraped product into the committed one, and refuse a page that shrank.

:func:`merge_product` is a pure function of the committed product, the fresh
one (exactly what the page says now) and the date of the run:

* a code new to the spec gets ``added: DATE``; a code the page no longer lists
  is kept as a tombstone with ``removed: DATE``; a tombstone that comes back
  loses ``removed`` and keeps its first ``added`` date;
* messages, notes, title, section and aliases are the page's; tombstones keep
  theirs, except that a renamed section renames the tombstones' section too;
* a message a live code (or one of its aliases) no longer gives moves to the
  code's ``former_messages``, with ``last_seen`` = the product's ``revised``
  date before this update: the date of the newest revision merged that still
  documented it. A former message the page gives again leaves the list. A
  returning tombstone's dropped messages get ``last_seen: null`` (unknown);
* ``revised`` becomes ``DATE`` when the merge changed anything, and stays as
  it was otherwise;
* names are stable: a code keeps the name the spec gives it unless upstream
  renamed it; a name a code loses (a rename, a dropped alias) is kept in
  ``former_names`` so it stays importable. A newcomer whose name is already
  taken in the spec (live, tombstoned or former) gets ``_<digits>`` appended,
  as the parser does for two codes on one page: existing codes never lose a
  name to a newcomer;
* tables are the page's; a table whose content-based id changed keeps the
  id it had, when its rows show it is the same table. A row whose message
  the table no longer has moves to the table's ``former_rows``, dated like a
  former message, and leaves them when the page brings the message back.

:func:`shrink_problems` says what a page lost that a working page would not
lose: more than :data:`MAX_LOST_SHARE` of the live codes, every code of a
section, or every row of a table. Sections and tables are matched by content
(the codes a section lists, a table's id or rows), so a renamed heading is a
rename, not a loss.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from scraper.exceptions import ShrinkError
from scraper.model import Alias, ErrorEntry, FormerMessage, FormerRow, MessageTable, Product
from scraper.spec import sort_errors

MAX_LOST_SHARE = 0.10
"""The share of live codes a page may lose at once before the guard refuses it."""


# -- merging -------------------------------------------------------------------


def merge_product(old: Product | None, fresh: Product, date: str) -> Product:
    """The committed product ``old`` updated to what the page says in ``fresh`` on ``date``.

    ``old`` is ``None`` for a product the spec does not have yet. ``fresh`` is
    the product as :func:`scraper.spec.product_from_page` builds it: no dates,
    no former names. The result's ``title``, ``source`` and ``last_updated``
    are ``fresh``'s.
    """
    previous = {entry.code: entry for entry in old.errors} if old else {}
    book = NameBook(previous.values())
    renamed = section_renames(old, fresh) if old else {}
    merged: dict[int, ErrorEntry] = {}
    last_seen = old.revised if old else None
    for entry in sorted(fresh.errors, key=lambda e: (e.code not in previous, -e.code)):
        before = previous.get(entry.code)
        if before is None:
            merged[entry.code] = newcomer(entry, book, date)
        else:
            merged[entry.code] = carried_over(before, entry, book, last_seen)
    for code, before in previous.items():
        if code not in merged:
            merged[code] = tombstone(before, renamed, date)
    product = Product(
        id=fresh.id,
        title=fresh.title,
        source=fresh.source,
        last_updated=fresh.last_updated,
        errors=sort_errors(merged.values()),
        tables=with_former_rows(
            old.tables if old else (),
            stable_table_ids(old.tables if old else (), fresh.tables),
            last_seen,
        ),
        revised=old.revised if old else None,
    )
    return product if product == old else replace(product, revised=date)


def newcomer(entry: ErrorEntry, book: NameBook, date: str) -> ErrorEntry:
    """A code the spec did not have: dated, named so it takes no name already in the spec."""
    name = book.claim(entry.name, entry.code)
    aliases = tuple(Alias(book.claim(a.name, entry.code), a.messages) for a in entry.aliases)
    return replace(entry, name=name, aliases=aliases, added=date, removed=None, former_names=())


def carried_over(
    before: ErrorEntry, entry: ErrorEntry, book: NameBook, last_seen: str | None
) -> ErrorEntry:
    """A code the spec had and the page lists: the page's text under stable names.

    Messages it gave before and not now become former messages seen last on
    ``last_seen`` (unknown for a code that was a tombstone).
    """
    own = (before.name, *(a.name for a in before.aliases), *before.former_names)
    name = book.keep_or_claim(entry.name, entry.code, own)
    aliases = tuple(
        Alias(book.keep_or_claim(a.name, entry.code, own), a.messages) for a in entry.aliases
    )
    current = {name, *(a.name for a in aliases)}
    former = tuple(dict.fromkeys(n for n in (*before.former_names, *own) if n not in current))
    return replace(
        entry,
        name=name,
        aliases=aliases,
        added=before.added,
        removed=None,
        former_names=former,
        former_messages=former_messages(before, entry, last_seen if before.live else None),
    )


def documented_messages(entry: ErrorEntry) -> tuple[str, ...]:
    """The code's messages, then its aliases', without repeats."""
    own = (*entry.messages, *(m for alias in entry.aliases for m in alias.messages))
    return tuple(dict.fromkeys(own))


def former_messages(
    before: ErrorEntry, entry: ErrorEntry, last_seen: str | None
) -> tuple[FormerMessage, ...]:
    """``before``'s former messages the page does not give again, then the ones it just dropped."""
    now = set(documented_messages(entry))
    kept = [former for former in before.former_messages if former.message not in now]
    dropped = [
        FormerMessage(message, last_seen)
        for message in documented_messages(before)
        if message not in now
    ]
    return (*kept, *dropped)


def tombstone(before: ErrorEntry, renamed: dict[str, str], date: str) -> ErrorEntry:
    """A code the page no longer lists: kept, dated once, in its section's current title."""
    return replace(
        before,
        section=renamed.get(before.section, before.section),
        removed=before.removed or date,
    )


def upstream_name(name: str, code: int) -> str:
    """``name`` without the ``_<digits>`` a clash added (``TOO_MANY_REQUESTS_12014``)."""
    stripped = re.sub(rf"_{abs(code)}(?:_\d+)?$", "", name)
    return stripped or name


class NameBook:
    """Which code owns each enum name of a product: current, alias and former names.

    Every name of the committed spec is reserved for its code up front, so a
    code claiming a name later can only get a free one.
    """

    def __init__(self, entries: Iterable[ErrorEntry]) -> None:
        self.owner: dict[str, int] = {}
        for entry in entries:
            for name in (entry.name, *(a.name for a in entry.aliases), *entry.former_names):
                self.owner.setdefault(name, entry.code)

    def claim(self, name: str, code: int) -> str:
        """``name`` for ``code`` if it is free or already ``code``'s, else a suffixed one."""
        base = f"{upstream_name(name, code)}_{abs(code)}"
        counter = (f"{base}_{n}" for n in itertools.count(2))
        for candidate in itertools.chain((name, base), counter):
            if self.owner.setdefault(candidate, code) == code:
                return candidate
        raise AssertionError("unreachable: the counter is endless")  # pragma: no cover

    def keep_or_claim(self, name: str, code: int, own: Sequence[str]) -> str:
        """The code's own name that says what ``name`` says, else a newly claimed one."""
        for candidate in own:
            same = upstream_name(candidate, code) == upstream_name(name, code)
            if same and self.owner.get(candidate, code) == code:
                return candidate
        return self.claim(name, code)


# -- sections and tables, identified by content --------------------------------


def section_codes(product: Product) -> dict[str, set[int]]:
    """Each section title of ``product`` and the codes listed under it."""
    codes: dict[str, set[int]] = {}
    for entry in product.errors:
        codes.setdefault(entry.section, set()).add(entry.code)
    return codes


def section_renames(old: Product, new: Product) -> dict[str, str]:
    """Old section title to new title, for sections that only changed their heading.

    A section is renamed when its title is gone, a title that was not there
    before appeared, and the two share codes; the new title sharing the most
    codes wins (ties: the first in alphabetical order).
    """
    before, after = section_codes(old), section_codes(new)
    renames: dict[str, str] = {}
    for title, codes in sorted(before.items()):
        if title in after:
            continue
        candidates = [
            (len(codes & new_codes), new_title)
            for new_title, new_codes in after.items()
            if new_title not in before and codes & new_codes
        ]
        if candidates:
            renames[title] = min(candidates, key=lambda c: (-c[0], c[1]))[1]
    return renames


def table_messages(table: MessageTable) -> set[str]:
    return {row.message for row in table.rows}


def match_tables(
    old: Sequence[MessageTable], new: Sequence[MessageTable]
) -> list[tuple[MessageTable | None, MessageTable | None]]:
    """Pair each old table with the new table that is the same table, by id, else by rows.

    Tables left over on either side are paired with ``None``. Order: old
    tables in their order, then the new tables nobody matched.
    """
    pairs: dict[int, MessageTable] = {}
    free = list(new)
    for index, table in enumerate(old):
        same = next((t for t in free if t.id == table.id), None)
        if same is not None:
            pairs[index] = same
            free.remove(same)
    for index, table in enumerate(old):
        if index in pairs:
            continue
        overlaps = [(len(table_messages(table) & table_messages(t)), t) for t in free]
        best = max(overlaps, key=lambda pair: pair[0], default=(0, None))
        if best[1] is not None and best[0] > 0:
            pairs[index] = best[1]
            free.remove(best[1])
    matched: list[tuple[MessageTable | None, MessageTable | None]] = [
        (table, pairs.get(index)) for index, table in enumerate(old)
    ]
    return matched + [(None, table) for table in free]


def stable_table_ids(
    old: Sequence[MessageTable], new: Sequence[MessageTable]
) -> tuple[MessageTable, ...]:
    """``new``, with a table matched to an old one by its rows keeping the old id."""
    taken = {table.id for table in new}
    kept: list[MessageTable] = []
    pairs = match_tables(old, new)
    for table in new:
        before = next(b for b, a in pairs if a is table)
        if before is not None and before.id != table.id and before.id not in taken:
            taken.add(before.id)
            kept.append(replace(table, id=before.id))
        else:
            kept.append(table)
    return tuple(kept)


def with_former_rows(
    old: Sequence[MessageTable], new: Sequence[MessageTable], last_seen: str | None
) -> tuple[MessageTable, ...]:
    """``new``, each table keeping its counterpart's former rows and the rows it just dropped.

    Rows are compared by message: a row whose description changed is the same
    row. The former rows come in the order they were dropped.
    """
    kept: list[MessageTable] = []
    pairs = match_tables(old, new)
    for table in new:
        before = next((b for b, a in pairs if a is table), None)
        if before is None:
            kept.append(table)
            continue
        now = table_messages(table)
        former = [row for row in before.former_rows if row.message not in now]
        former += [
            FormerRow(row.message, row.description, last_seen)
            for row in before.rows
            if row.message not in now
        ]
        kept.append(replace(table, former_rows=tuple(former)))
    return tuple(kept)


# -- the shrink guard ----------------------------------------------------------


@dataclass(frozen=True)
class Shrinkage:
    """What a fresh page lost compared with the committed product."""

    lost_codes: tuple[int, ...]
    live_codes: int
    emptied_sections: tuple[tuple[str, tuple[int, ...]], ...]
    emptied_tables: tuple[MessageTable, ...]

    @property
    def too_many_codes(self) -> bool:
        return len(self.lost_codes) > MAX_LOST_SHARE * self.live_codes

    def problems(self) -> list[str]:
        """One phrase per reason to refuse; empty when the page may be merged."""
        problems = []
        if self.too_many_codes:
            lost, share = len(self.lost_codes), len(self.lost_codes) / self.live_codes
            problems.append(
                f"the page lost {lost} of {self.live_codes} live codes"
                f" ({share:.0%}, over {MAX_LOST_SHARE:.0%}): {codes_text(self.lost_codes)}"
            )
        for title, codes in self.emptied_sections:
            problems.append(f"section {title!r} lost all its codes: {codes_text(codes)}")
        for table in self.emptied_tables:
            problems.append(
                f"table {table.id!r} ({table.title!r}) lost all its {len(table.rows)} rows"
            )
        return problems


def shrinkage(old: Product, fresh: Product) -> Shrinkage:
    """Compare the live part of ``old`` with ``fresh``."""
    on_page = {entry.code for entry in fresh.errors}
    live = [entry for entry in old.errors if entry.live]
    lost = tuple(sorted((e.code for e in live if e.code not in on_page), reverse=True))
    sections: dict[str, list[int]] = {}
    for entry in live:
        sections.setdefault(entry.section, []).append(entry.code)
    emptied = tuple(
        (title, tuple(sorted(codes, reverse=True)))
        for title, codes in sorted(sections.items())
        if not on_page.intersection(codes)
    )
    tables = tuple(
        before
        for before, after in match_tables(old.tables, fresh.tables)
        if before and before.rows and after is None
    )
    return Shrinkage(lost, len(live), emptied, tables)


def shrink_problems(old: Product | None, fresh: Product) -> list[str]:
    """Why ``fresh`` looks like a broken page rather than an update; empty if it does not."""
    if old is None:
        return []
    return shrinkage(old, fresh).problems()


def check_shrink(old: Product | None, fresh: Product, origin: str) -> None:
    """Raise :class:`ShrinkError` naming what vanished, when :func:`shrink_problems` finds any."""
    problems = shrink_problems(old, fresh)
    if problems:
        raise ShrinkError(
            origin,
            f"refusing to update {fresh.id!r}: "
            + "; ".join(problems)
            + "; nothing was changed (rerun with --allow-shrink once a human has looked)",
        )


def codes_text(codes: Iterable[int]) -> str:
    return ", ".join(str(code) for code in codes)
