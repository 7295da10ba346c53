"""The table types every product module builds at import. Standard library only.

Importing this module imports nothing else. Matching and annotations live in
:mod:`binance_errors._matching` and :mod:`binance_errors._advice`, loaded on the first
``match()`` or ``annotation()`` call, so importing a product stays cheap. There is no
``from __future__ import annotations`` (it imports ``__future__``):
annotations that Python 3.9 cannot evaluate are strings.
"""


class TableRow:
    """One row of a message table: the message Binance sends, and what it means."""

    __slots__ = ("description", "message")

    message: str
    description: str

    def __init__(self, message: str, description: str) -> None:
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "description", description)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return f"TableRow(message={self.message!r}, description={self.description!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TableRow):
            return NotImplemented
        return (self.message, self.description) == (other.message, other.description)

    def __hash__(self) -> int:
        return hash((self.message, self.description))

    def __reduce__(self) -> "tuple[type[TableRow], tuple[str, str]]":
        return (TableRow, (self.message, self.description))


class MessageTable:
    """A table of messages that several codes share (order rejections, filter failures).

    ``former_rows`` are rows whose message the page's table used to have.
    """

    __slots__ = ("codes", "former_rows", "id", "rows", "title")

    id: str
    title: str
    codes: tuple[int, ...]
    rows: tuple[TableRow, ...]
    former_rows: tuple[TableRow, ...]

    def __init__(
        self,
        id: str,
        title: str,
        codes: tuple[int, ...],
        rows: tuple[TableRow, ...],
        former_rows: tuple[TableRow, ...] = (),
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "former_rows", former_rows)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return f"MessageTable(id={self.id!r}, codes={self.codes!r}, rows=<{len(self.rows)} rows>)"

    def __reduce__(self) -> "tuple[type[MessageTable], tuple[object, ...]]":
        return (MessageTable, (self.id, self.title, self.codes, self.rows, self.former_rows))
