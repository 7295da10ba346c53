"""The typed, immutable model shared by every stage of the pipeline.

``parse`` produces a :class:`Page`; ``spec`` turns pages into a :class:`Spec`
and back; ``render`` reads a :class:`Spec`. Nothing here knows about HTML,
YAML or HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alias:
    """A second heading for a code that is already listed under another name.

    Upstream sometimes lists one code twice with two names (margin's ``-5012``);
    the second one is kept, with its own messages, as an alias of the first.
    """

    name: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class FormerMessage:
    """A message a code's page used to give and no longer does.

    ``last_seen`` is the date of the newest page revision merged into the spec
    that still documented it: the product's ``revised`` date just before the
    update that found it gone (see :func:`scraper.merge.merge_product`).
    ``None`` when the spec had no such date (a product built by ``scrape``).
    """

    message: str
    last_seen: str | None


@dataclass(frozen=True)
class ErrorEntry:
    """One error code as documented under its ``-NNNN NAME`` heading.

    ``title`` keeps the heading's free text when the name had to be derived
    from it (``-2021 Order cancel-replace partially failed``); it is ``None``
    when the heading already carried an UPPER_CASE name. ``former_names`` are
    names the code had in an earlier version of the spec (upstream renamed
    it, or dropped an alias); they stay importable so consumers' code keeps
    working.

    ``messages`` are what the server may send (templates); ``notes`` are the
    page's prose about the code that describes rather than quotes a message
    (``This code is sent when ...``; see :func:`scraper.parse.is_note`).
    ``former_messages`` are messages earlier revisions of the page gave.
    """

    code: int
    name: str
    section: str
    messages: tuple[str, ...]
    title: str | None = None
    aliases: tuple[Alias, ...] = ()
    added: str | None = None
    removed: str | None = None
    former_names: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    former_messages: tuple[FormerMessage, ...] = ()

    @property
    def live(self) -> bool:
        """Whether upstream still documents this code."""
        return self.removed is None


@dataclass(frozen=True)
class TableRow:
    """One row of a message table: the message as sent, and what it means."""

    message: str
    description: str


@dataclass(frozen=True)
class FormerRow:
    """A row a message table used to have: its message, description, and ``last_seen`` date.

    ``last_seen`` is dated as :class:`FormerMessage`'s is.
    """

    message: str
    description: str
    last_seen: str | None


@dataclass(frozen=True)
class MessageTable:
    """A table of messages shared by several codes (order rejections, filters).

    ``former_rows`` are rows whose message earlier revisions of the page had
    and the page no longer has.
    """

    id: str
    title: str
    codes: tuple[int, ...]
    rows: tuple[TableRow, ...]
    former_rows: tuple[FormerRow, ...] = ()


@dataclass(frozen=True)
class Page:
    """Everything one error-code page says, in page order."""

    errors: tuple[ErrorEntry, ...]
    tables: tuple[MessageTable, ...]
    last_updated: str | None


@dataclass(frozen=True)
class Source:
    """Where a product's page canonically lives, and in which format."""

    url: str
    format: str


@dataclass(frozen=True)
class Product:
    """One Binance API's error codes: the unit of the spec and of the output.

    ``revised`` is the date of the newest update that changed the product (the
    page revision it reflects); ``None`` for a product built by ``scrape``,
    which records no dates.
    """

    id: str
    title: str
    source: Source
    last_updated: str | None
    errors: tuple[ErrorEntry, ...]
    tables: tuple[MessageTable, ...]
    revised: str | None = None

    def error(self, code: int) -> ErrorEntry | None:
        """The entry for ``code``, or ``None``."""
        for entry in self.errors:
            if entry.code == code:
                return entry
        return None


SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Spec:
    """The whole spec: what ``spec/errors.yaml`` holds."""

    products: tuple[Product, ...]
    schema_version: int = SCHEMA_VERSION

    def product(self, product_id: str) -> Product | None:
        """The product with this id, or ``None``."""
        for product in self.products:
            if product.id == product_id:
                return product
        return None
