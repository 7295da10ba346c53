"""Message matching, loaded on the first ``match()`` call. Standard library only.

Importing this module imports nothing but :mod:`binance_errors._runtime`:
``re`` is imported when a :class:`MessageMatcher` first matches. There is no
``from __future__ import annotations`` (it imports ``__future__``):
annotations that Python 3.9 cannot evaluate are strings.
"""

from ._runtime import MessageTable, TableRow

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Mapping


class MessageMatch:
    """Which documented message a runtime message is, and the values Binance filled in.

    ``code`` is the product's ``ErrorCode`` member, or the plain int for a code
    the product does not document (a table can name such codes). ``template``
    is the message as documented; ``params`` holds one string per placeholder,
    in order (empty for a message without placeholders); ``table_row`` is the
    row when the message came from a message table, else None.
    """

    __slots__ = ("code", "params", "table_row", "template")

    code: int
    template: str
    params: tuple[str, ...]
    table_row: "TableRow | None"

    def __init__(
        self, code: int, template: str, params: tuple[str, ...], table_row: "TableRow | None" = None
    ) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "table_row", table_row)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return (
            f"MessageMatch(code={self.code!r}, template={self.template!r},"
            f" params={self.params!r}, table_row={self.table_row!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MessageMatch):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> "tuple[type[MessageMatch], tuple[object, ...]]":
        return (MessageMatch, (self.code, self.template, self.params, self.table_row))

    def _key(self) -> "tuple[int, str, tuple[str, ...], TableRow | None]":
        return (int(self.code), self.template, self.params, self.table_row)


MAX_TEMPLATED_LENGTH = 4096
"""Longer messages are only looked up exactly, never matched against patterns.

No documented template comes near this length, and the cap keeps a
pathological message (a template's literal text repeated thousands of times)
from costing time quadratic in its length.
"""


def normalise_message(message: str) -> str:
    """``message`` with whitespace runs collapsed, ends stripped and trailing periods dropped.

    Documented messages and patterns are compared in this form, so spacing
    and a missing (or doubled) final period do not stop a message from matching.
    """
    return " ".join(message.split()).rstrip(". ")


class MessageMatcher:
    """Matches one product's messages; builds its tables and compiles its patterns on first use.

    ``members`` are the product's ``ErrorCode`` members; ``messages`` maps each
    code to its documented messages; ``patterns`` maps each message with
    placeholders to its pattern source, most specific first (written by the
    generator); every other message is looked up exactly, in normalised form.
    Table rows count for every code their table names. Results of exact
    lookups are built once and shared: they are immutable. Safe to share
    between threads: a race on the first call only builds the tables twice.
    """

    __slots__ = ("_exact", "_members", "_messages", "_patterns", "_sources", "_tables")

    def __init__(
        self,
        members: "Iterable[int]",
        messages: "Mapping[int, tuple[str, ...]]",
        patterns: "Mapping[str, str]",
        tables: "tuple[MessageTable, ...]",
    ) -> None:
        self._members = members
        self._messages = messages
        self._sources = patterns
        self._tables = tables
        self._exact: dict[int, dict[str, MessageMatch]] | None = None
        self._patterns: dict[int, list[tuple[re.Pattern[str], str, TableRow | None, int]]] = {}

    def match(self, code: int, msg: str) -> "MessageMatch | None":
        """The documented message ``msg`` is an instance of, for ``code``; else None.

        Never raises: an unknown code, an unknown message, or arguments of the
        wrong type (a non-int code, a non-str message) give None.
        """
        if not isinstance(msg, str) or not isinstance(code, int):
            return None
        exact = self._exact
        if exact is None:
            exact = self._build()
        key = " ".join(msg.split()).rstrip(". ")  # normalise_message, inlined: the hot path
        candidates = exact.get(code)
        if candidates is not None:
            found = candidates.get(key)
            if found is not None:
                return found
        if len(key) > MAX_TEMPLATED_LENGTH:
            return None
        for pattern, template, row, member in self._patterns.get(code, ()):
            instance = pattern.fullmatch(key)
            if instance is not None:
                return MessageMatch(member, template, instance.groups(), row)
        return None

    def _build(self) -> "dict[int, dict[str, MessageMatch]]":
        import re

        by_code = {int(member): member for member in self._members}
        sources = self._sources
        exact: dict[int, dict[str, MessageMatch]] = {}
        templated: dict[str, list[tuple[int, TableRow | None]]] = {}
        documented = [
            (code, message, None)
            for code, messages in self._messages.items()
            for message in messages
        ]
        rows = [
            (code, row.message, row)
            for table in self._tables
            for row in table.rows
            for code in table.codes
        ]
        for code, message, row in documented + rows:
            if message in sources:
                templated.setdefault(message, []).append((code, row))
            else:
                member = by_code.get(code, int(code))
                found = MessageMatch(member, message, (), row)
                exact.setdefault(code, {}).setdefault(normalise_message(message), found)
        patterns: dict[int, list[tuple[re.Pattern[str], str, TableRow | None, int]]] = {}
        for template, source in sources.items():
            compiled = re.compile(source)
            for code, row in templated.get(template, ()):
                member = by_code.get(code, int(code))
                patterns.setdefault(code, []).append((compiled, template, row, member))
        self._patterns = patterns
        self._exact = exact
        return exact
