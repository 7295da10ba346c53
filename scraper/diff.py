"""The semantic difference between two specs: what a reviewer of an update needs to see.

:func:`diff_specs` compares two :class:`~scraper.model.Spec` values product by
product: codes added, removed (tombstoned), returned, deleted outright,
renamed, their messages, notes, aliases and sections, renamed sections, and
the message tables' rows. Former messages follow from the messages (a message
a code drops becomes one), so they are not listed apart. Sections and tables
are matched by content (see :mod:`scraper.merge`), so a renamed heading shows
as a rename.

:func:`to_markdown` is the pull-request body, :func:`to_json` the same for
machines; both start with :func:`summary_line` and order everything
deterministically (products by id, codes as in the spec, ``-1000`` first).
Upstream text reaches Markdown only through :func:`scraper.render.markdown_text`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scraper.merge import match_tables, section_renames
from scraper.model import ErrorEntry, MessageTable, Product, Source, Spec, TableRow
from scraper.render import markdown_text

FORMATS = ("markdown", "json")


# -- the model of a difference -------------------------------------------------


@dataclass(frozen=True)
class CodeRename:
    code: int
    old: str
    new: str


@dataclass(frozen=True)
class MessageChange:
    code: int
    name: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class AliasChange:
    code: int
    name: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class SectionMove:
    code: int
    name: str
    old: str
    new: str


@dataclass(frozen=True)
class TableChange:
    """One message table's differences.

    ``id`` is ``None`` for a table the new spec no longer has, ``old_id`` for
    a table the old one did not have; ids or titles that differ are a rename.
    """

    id: str | None
    title: str
    old_id: str | None
    old_title: str | None
    rows_added: tuple[TableRow, ...] = ()
    rows_removed: tuple[TableRow, ...] = ()
    descriptions_changed: tuple[tuple[TableRow, TableRow], ...] = ()
    codes_before: tuple[int, ...] = ()
    codes_after: tuple[int, ...] = ()

    @property
    def is_new(self) -> bool:
        return self.old_id is None

    @property
    def is_gone(self) -> bool:
        return self.id is None

    @property
    def renamed(self) -> bool:
        """Present on both sides under another id or title."""
        both = not self.is_new and not self.is_gone
        return both and (self.old_id != self.id or self.old_title != self.title)

    @property
    def rows_changed(self) -> int:
        return len(self.rows_added) + len(self.rows_removed) + len(self.descriptions_changed)


@dataclass(frozen=True)
class ProductDiff:
    """Everything that differs in one product; every list in spec order."""

    id: str
    title: str
    status: str = "changed"  # "changed", "new" (not in the old spec), "dropped" (not in the new)
    added: tuple[ErrorEntry, ...] = ()
    removed: tuple[ErrorEntry, ...] = ()
    returned: tuple[ErrorEntry, ...] = ()
    deleted: tuple[ErrorEntry, ...] = ()
    renamed: tuple[CodeRename, ...] = ()
    messages: tuple[MessageChange, ...] = ()
    notes: tuple[MessageChange, ...] = ()
    aliases: tuple[AliasChange, ...] = ()
    moved: tuple[SectionMove, ...] = ()
    sections_renamed: tuple[tuple[str, str], ...] = ()
    tables: tuple[TableChange, ...] = ()
    last_updated: tuple[str | None, str | None] | None = None
    source: tuple[Source, Source] | None = None
    titles: tuple[str, str] | None = None

    @property
    def empty(self) -> bool:
        return self.status == "changed" and not any(
            (
                self.added,
                self.removed,
                self.returned,
                self.deleted,
                self.renamed,
                self.messages,
                self.notes,
                self.aliases,
                self.moved,
                self.sections_renamed,
                self.tables,
                self.last_updated,
                self.source,
                self.titles,
            )
        )


@dataclass(frozen=True)
class SpecDiff:
    products: tuple[ProductDiff, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return all(product.empty for product in self.products)

    @property
    def changed(self) -> tuple[ProductDiff, ...]:
        return tuple(product for product in self.products if not product.empty)


# -- computing it --------------------------------------------------------------


def diff_specs(old: Spec, new: Spec) -> SpecDiff:
    """The difference from ``old`` to ``new``, one entry per product in either, by id."""
    ids = sorted({p.id for p in old.products} | {p.id for p in new.products})
    return SpecDiff(tuple(diff_products(old.product(i), new.product(i)) for i in ids))


def diff_products(old: Product | None, new: Product | None) -> ProductDiff:
    """The difference between two versions of one product (either may be absent)."""
    if new is None:
        assert old is not None
        return ProductDiff(old.id, old.title, status="dropped", deleted=old.errors)
    if old is None:
        empty = Product(new.id, new.title, new.source, None, (), ())
        return diff_present(empty, new, status="new")
    return diff_present(old, new, status="changed")


def diff_present(old: Product, new: Product, status: str) -> ProductDiff:
    before = {entry.code: entry for entry in old.errors}
    after = {entry.code: entry for entry in new.errors}
    codes = sorted(set(before) | set(after), key=lambda code: -code)
    renames = section_renames(old, new)
    pairs = [(before.get(code), after.get(code)) for code in codes]
    both = [(b, a) for b, a in pairs if b is not None and a is not None]
    return ProductDiff(
        id=new.id,
        title=new.title,
        status=status,
        added=tuple(a for b, a in pairs if b is None and a is not None and a.live),
        removed=tuple(
            a for b, a in pairs if a is not None and not a.live and (b is None or b.live)
        ),
        returned=tuple(a for b, a in both if not b.live and a.live),
        deleted=tuple(b for b, a in pairs if b is not None and a is None),
        renamed=tuple(CodeRename(a.code, b.name, a.name) for b, a in both if b.name != a.name),
        messages=tuple(
            MessageChange(a.code, a.name, b.messages, a.messages)
            for b, a in both
            if b.messages != a.messages
        ),
        notes=tuple(
            MessageChange(a.code, a.name, b.notes, a.notes) for b, a in both if b.notes != a.notes
        ),
        aliases=tuple(change for b, a in both if (change := alias_change(b, a))),
        moved=tuple(
            SectionMove(a.code, a.name, b.section, a.section)
            for b, a in both
            if b.section != a.section and renames.get(b.section) != a.section
        ),
        sections_renamed=tuple(sorted(renames.items())),
        tables=table_changes(old.tables, new.tables),
        last_updated=(old.last_updated, new.last_updated)
        if old.last_updated != new.last_updated and status == "changed"
        else None,
        source=(old.source, new.source)
        if old.source != new.source and status == "changed"
        else None,
        titles=(old.title, new.title) if old.title != new.title and status == "changed" else None,
    )


def alias_change(before: ErrorEntry, after: ErrorEntry) -> AliasChange | None:
    old = [a.name for a in before.aliases]
    new = [a.name for a in after.aliases]
    added = tuple(n for n in new if n not in old)
    removed = tuple(n for n in old if n not in new)
    if not added and not removed:
        return None
    return AliasChange(after.code, after.name, added, removed)


def table_changes(
    old: Sequence[MessageTable], new: Sequence[MessageTable]
) -> tuple[TableChange, ...]:
    """Per table: added or gone, renamed (id or title), rows and codes that changed."""
    changes = []
    for before, after in match_tables(old, new):
        if after is None:
            assert before is not None
            changes.append(
                TableChange(None, before.title, before.id, before.title, rows_removed=before.rows)
            )
            continue
        if before is None:
            changes.append(TableChange(after.id, after.title, None, None, rows_added=after.rows))
            continue
        change = table_change(before, after)
        if change is not None:
            changes.append(change)
    return tuple(changes)


def table_change(before: MessageTable, after: MessageTable) -> TableChange | None:
    removed = [row for row in before.rows if row not in after.rows]
    added = [row for row in after.rows if row not in before.rows]
    reworded = []
    for row in list(removed):
        twin = next((r for r in added if r.message == row.message), None)
        if twin is not None:
            reworded.append((row, twin))
            removed.remove(row)
            added.remove(twin)
    change = TableChange(
        id=after.id,
        title=after.title,
        old_id=before.id,
        old_title=before.title,
        rows_added=tuple(added),
        rows_removed=tuple(removed),
        descriptions_changed=tuple(reworded),
        codes_before=before.codes if before.codes != after.codes else (),
        codes_after=after.codes if before.codes != after.codes else (),
    )
    renamed = before.id != after.id or before.title != after.title
    if not renamed and not change.rows_changed and before.codes == after.codes:
        return None
    return change


# -- the summary line ----------------------------------------------------------


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def product_summary(diff: ProductDiff) -> str:
    """``spot: 2 codes added, 1 code removed, ...``: only the counts that are not zero."""
    if diff.status == "dropped":
        return f"{diff.id}: dropped from the spec ({plural(len(diff.deleted), 'code')})"
    counts = (
        (len(diff.added), "code", "added"),
        (len(diff.removed), "code", "removed"),
        (len(diff.returned), "code", "returned"),
        (len(diff.deleted), "code", "deleted from the spec"),
        (len(diff.renamed), "code", "renamed"),
        (len(diff.messages), "code", "with changed messages"),
        (len(diff.notes), "code", "with changed notes"),
        (len(diff.aliases), "code", "with changed aliases"),
        (len(diff.moved), "code", "moved to another section"),
        (len(diff.sections_renamed), "section", "renamed"),
        (sum(t.rows_changed for t in diff.tables), "table row", "changed"),
    )
    tables = (
        (sum(t.is_new for t in diff.tables), "table", "added"),
        (sum(t.is_gone for t in diff.tables), "table", "gone"),
        (sum(t.renamed for t in diff.tables), "table", "renamed"),
    )
    parts = ["new product"] if diff.status == "new" else []
    parts += [f"{plural(count, noun)} {what}" for count, noun, what in counts + tables if count]
    if diff.last_updated:
        parts.append("page date changed")
    if diff.source or diff.titles:
        parts.append("title or source changed")
    return f"{diff.id}: " + ", ".join(parts)


def summary_line(diff: SpecDiff) -> str:
    """One line: every changed product's counts, or ``No changes.``."""
    changed = diff.changed
    if not changed:
        return "No changes."
    return "; ".join(product_summary(product) for product in changed) + "."


# -- Markdown ------------------------------------------------------------------


def to_markdown(diff: SpecDiff) -> str:
    """The pull-request body: the summary line, then one section per changed product."""
    lines = [summary_line(diff)]
    for product in diff.changed:
        lines += ["", f"## {markdown_text(product.title, ' ')} (`{product.id}`)"]
        lines += product_markdown(product)
    return "\n".join(lines) + "\n"


def code_label(entry: ErrorEntry) -> str:
    return f"`{entry.code}` `{entry.name}`"


def quoted(text: str) -> str:
    return f"“{markdown_text(text)}”"


def block(title: str, items: Sequence[str], count: int | None = None) -> list[str]:
    """A ``###`` heading with a count (default: of ``items``), then the items; or nothing."""
    if not items:
        return []
    return ["", f"### {title} ({len(items) if count is None else count})", "", *items]


def product_markdown(diff: ProductDiff) -> list[str]:
    if diff.status == "dropped":
        return ["", f"The product is no longer in the spec; its {len(diff.deleted)} codes went."]
    lines: list[str] = []
    if diff.status == "new":
        lines += ["", "A product new to the spec: every code it lists is added."]
    lines += block(
        "Added", [f"- {code_label(e)}: {messages_markdown(e.messages)}" for e in diff.added]
    )
    lines += block(
        "Removed upstream (kept, deprecated)",
        [f"- {code_label(e)}, removed {e.removed}" for e in diff.removed],
    )
    lines += block(
        "Returned",
        [f"- {code_label(e)}: {messages_markdown(e.messages)}" for e in diff.returned],
    )
    lines += block(
        "Deleted from the spec (consumers' code naming them breaks)",
        [f"- {code_label(e)}" for e in diff.deleted],
    )
    lines += block(
        "Renamed",
        [f"- `{r.code}` `{r.old}` → `{r.new}` (`{r.old}` stays importable)" for r in diff.renamed],
    )
    lines += block(
        "Messages changed",
        [line for change in diff.messages for line in message_lines(change)],
        len(diff.messages),
    )
    lines += block(
        "Notes changed",
        [line for change in diff.notes for line in message_lines(change, "notes")],
        len(diff.notes),
    )
    lines += block("Aliases changed", [alias_line(c) for c in diff.aliases])
    lines += block(
        "Sections renamed",
        [f"- {quoted(old)} → {quoted(new)}" for old, new in diff.sections_renamed],
    )
    lines += block(
        "Moved to another section",
        [f"- `{m.code}` `{m.name}`: {quoted(m.old)} → {quoted(m.new)}" for m in diff.moved],
    )
    lines += block(
        "Tables", [line for t in diff.tables for line in table_lines(t)], len(diff.tables)
    )
    lines += block("Page", page_lines(diff))
    return lines


def messages_markdown(messages: Iterable[str]) -> str:
    texts = [quoted(m) for m in messages]
    return " ".join(texts) if texts else "(no message)"


def message_lines(change: MessageChange, what: str = "messages") -> list[str]:
    gone = [m for m in change.before if m not in change.after]
    new = [m for m in change.after if m not in change.before]
    lines = [f"- `{change.code}` `{change.name}`"]
    lines += [f"  - before: {quoted(m)}" for m in gone]
    lines += [f"  - after: {quoted(m)}" for m in new]
    if not gone and not new:
        lines.append(f"  - same {what}, new order")
    return lines


def alias_line(change: AliasChange) -> str:
    parts = [f"alias `{n}` added" for n in change.added]
    parts += [f"alias `{n}` dropped (stays importable)" for n in change.removed]
    return f"- `{change.code}` `{change.name}`: " + ", ".join(parts)


def row_text(row: TableRow) -> str:
    return f"{quoted(row.message)}: {markdown_text(row.description)}"


def table_lines(change: TableChange) -> list[str]:
    if change.is_gone:
        return [
            f"- `{change.old_id}` {quoted(change.title)}: gone ({len(change.rows_removed)} rows)"
        ]
    if change.is_new:
        return [f"- `{change.id}` {quoted(change.title)}: new, {len(change.rows_added)} rows"]
    head = f"- `{change.id}` {quoted(change.title)}"
    notes = []
    if change.old_id != change.id:
        notes.append(f"was `{change.old_id}`")
    if change.old_title != change.title and change.old_title is not None:
        notes.append(f"renamed from {quoted(change.old_title)}")
    lines = [head + (f" ({', '.join(notes)})" if notes else "")]
    lines += [f"  - row added: {row_text(r)}" for r in change.rows_added]
    lines += [f"  - row removed: {row_text(r)}" for r in change.rows_removed]
    lines += [
        f"  - description of {quoted(old.message)}: {markdown_text(old.description)}"
        f" → {markdown_text(new.description)}"
        for old, new in change.descriptions_changed
    ]
    if change.codes_before != change.codes_after:
        lines.append(f"  - codes: {list(change.codes_before)} → {list(change.codes_after)}")
    return lines


def page_lines(diff: ProductDiff) -> list[str]:
    lines = []
    if diff.last_updated:
        old, new = diff.last_updated
        lines.append(f"- last updated: {old or 'not given'} → {new or 'not given'}")
    if diff.titles:
        lines.append(f"- title: {quoted(diff.titles[0])} → {quoted(diff.titles[1])}")
    if diff.source:
        old_source, new_source = diff.source
        lines.append(
            f"- source: <{markdown_text(old_source.url, ' ')}> ({old_source.format})"
            f" → <{markdown_text(new_source.url, ' ')}> ({new_source.format})"
        )
    return lines


# -- JSON ----------------------------------------------------------------------


def entry_data(entry: ErrorEntry) -> dict[str, Any]:
    return {
        "code": entry.code,
        "name": entry.name,
        "section": entry.section,
        "messages": list(entry.messages),
        "notes": list(entry.notes),
        "added": entry.added,
        "removed": entry.removed,
    }


def row_data(row: TableRow) -> dict[str, str]:
    return {"message": row.message, "description": row.description}


def table_data(change: TableChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "title": change.title,
        "old_id": change.old_id,
        "old_title": change.old_title,
        "rows_added": [row_data(r) for r in change.rows_added],
        "rows_removed": [row_data(r) for r in change.rows_removed],
        "descriptions_changed": [
            {"message": old.message, "before": old.description, "after": new.description}
            for old, new in change.descriptions_changed
        ],
        "codes_before": list(change.codes_before),
        "codes_after": list(change.codes_after),
    }


def product_data(diff: ProductDiff) -> dict[str, Any]:
    return {
        "id": diff.id,
        "title": diff.title,
        "status": diff.status,
        "summary": product_summary(diff),
        "added": [entry_data(e) for e in diff.added],
        "removed": [entry_data(e) for e in diff.removed],
        "returned": [entry_data(e) for e in diff.returned],
        "deleted": [entry_data(e) for e in diff.deleted],
        "renamed": [{"code": r.code, "old": r.old, "new": r.new} for r in diff.renamed],
        "messages_changed": [
            {"code": c.code, "name": c.name, "before": list(c.before), "after": list(c.after)}
            for c in diff.messages
        ],
        "notes_changed": [
            {"code": c.code, "name": c.name, "before": list(c.before), "after": list(c.after)}
            for c in diff.notes
        ],
        "aliases_changed": [
            {"code": c.code, "name": c.name, "added": list(c.added), "removed": list(c.removed)}
            for c in diff.aliases
        ],
        "moved": [
            {"code": m.code, "name": m.name, "old_section": m.old, "new_section": m.new}
            for m in diff.moved
        ],
        "sections_renamed": [{"old": old, "new": new} for old, new in diff.sections_renamed],
        "tables": [table_data(t) for t in diff.tables],
        "last_updated": list(diff.last_updated) if diff.last_updated else None,
        "source": [s.url for s in diff.source] if diff.source else None,
        "title_changed": list(diff.titles) if diff.titles else None,
    }


def to_data(diff: SpecDiff) -> dict[str, Any]:
    return {
        "summary": summary_line(diff),
        "products": [product_data(product) for product in diff.changed],
    }


def to_json(diff: SpecDiff) -> str:
    """The difference as stable, indented JSON with a final newline."""
    return json.dumps(to_data(diff), indent=2, ensure_ascii=False) + "\n"


def render_diff(diff: SpecDiff, fmt: str) -> str:
    """:func:`to_markdown` or :func:`to_json`."""
    return to_json(diff) if fmt == "json" else to_markdown(diff)
