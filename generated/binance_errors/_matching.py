"""Message matching, loaded on the first ``match()`` call. Standard library only.

Importing this module imports nothing but :mod:`binance_errors._runtime`:
``re`` is imported when a :class:`MessageMatcher` first matches. There is no
``from __future__ import annotations`` (it imports ``__future__``):
annotations that Python 3.9 cannot evaluate are strings.

Everything here is specified so that another language can behave
identically from the same data (``errors.json``): the ladder of kinds, the
normal forms (:func:`normalise_message`, :func:`fold`), the patterns built
from a compiled template (:data:`PLACEHOLDER_PATTERNS`, :func:`escape`,
:func:`loose_literal`) and each tolerance rule. The regexes use only syntax
Python and JavaScript share, without flags.

The ladder
----------
:meth:`MessageMatcher.match` tries these kinds in order; the first that
finds a message wins. A *candidate* is a documented message of the code (its
aliases' included) or a row of a table the page binds to the code.

1. ``exact``: one of the code's messages equals the message, both in
   :func:`normalise_message` form (a dict lookup), or the message is a full
   match of one of its templates' strict pattern (:meth:`Template.strict`),
   the template with the most literal text first.
2. ``table``: the same with the rows of the tables bound to the code.
3. ``normalised``: the message, in :func:`fold` form, equals a candidate
   without placeholders in :func:`fold` form, or is a full match of a
   candidate's loose pattern (:meth:`Template.loose`: letter case, quote
   style and spaces around punctuation do not matter).
4. ``extended``: a candidate's loose pattern matches a part of the message,
   with server text before and/or after it at punctuation
   (:meth:`Tolerance._placed`), or after one bracketed group is taken out of
   the message (``IP(203.0.113.9) banned``); that text is ``detail``.
5. ``former``: rules 1, 3 and 4 on the messages the code's page used to give
   and the rows its bound tables used to have (``detail`` set by rule 4).
6. ``other_code``: rules 1 and 3 on the messages of the product's other
   codes; exactly one other code must fit, and ``documented_code`` names it.

Anchoring: rules 3 to 6 use a template with placeholders, and rule 4 any
candidate, only when its literal text, in :func:`fold` form, has at least
:data:`MIN_ANCHOR` characters; so the whole documented text is always in the
message. A value may not hold a literal segment of its own template
(:meth:`Template.values`). When two different templates fit equally well,
the answer is None, not a guess (:func:`best`).
"""

from ._runtime import MessageTable, TableRow

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Mapping
    from typing import Any

KINDS = ("exact", "table", "normalised", "extended", "former", "other_code")
"""How a message was recognised, strictest first: the order :meth:`MessageMatcher.match` tries."""

PLACEHOLDER_PATTERNS = {
    "s": "(.*?)",
    "d": "([-+]?[0-9]+)",
    "b": "([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])",
    "named": "(.*?)",
    "letter": "'(.*?)'",
    "list": "(.+?)(?:\\.\\.\\.|\u2026)?",
}
"""The regex each placeholder kind of a compiled template becomes: one group each.

``s`` and ``named``: any text, shortest first; ``d``: an optionally signed
integer; ``b``: true or false in any case; ``letter``: any text in single
quotes (the quotes outside the group); ``list``: one or more characters,
shortest first, then an optional ``...`` or ``\u2026``. A compiled template
``[L0, K1, L1, ..., Kn, Ln]`` becomes ``escape(L0) + PATTERN[K1] +
escape(L1) + ...`` (:meth:`Template.strict`), matched against the whole
:func:`normalise_message` form of a message.
"""

REGEX_SPECIAL = "\\^$.|?*+()[]{}"
"""The characters :func:`escape` puts a backslash before in literal text."""

QUOTE_CHARACTERS = "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033"
"""Every quote character: :func:`fold` writes each as ``'``; :func:`loose_literal` accepts any."""

QUOTE_CLASS = "[" + QUOTE_CHARACTERS + "]"
"""A regex character class of :data:`QUOTE_CHARACTERS` (none of them needs escaping in it)."""

TIGHT_CHARACTERS = ".,;:!?()[]{}='"
"""Punctuation and brackets: a space next to one does not matter (after quotes became ``'``)."""

SEAM_CHARACTERS = TIGHT_CHARACTERS + "-|/\u2013\u2014"
"""Characters that delimit server text from the documented text (see :func:`delimited`)."""

UNQUOTE_PAIRS = {"'": "'", '"': '"', "\u2018": "\u2019", "\u201c": "\u201d"}
"""Quotes an unquoted placeholder's value loses when it is wholly inside one pair of them."""

MAX_TEMPLATED_LENGTH = 4096
"""Longer messages are only looked up exactly, never matched against patterns.

No documented template comes near this length, and the cap keeps a
pathological message (a template's literal text repeated thousands of times)
from costing time quadratic in its length.
"""

MAX_TOLERANT_LENGTH = 1024
"""Longer messages get the strict kinds (``exact``, ``table``) only."""

MIN_ANCHOR = 12
"""Literal characters (in :func:`fold` form) a template needs before rules 3 to 6 use it."""

MIN_GUARD = 4
"""Characters a literal segment needs before :meth:`Template.values` guards against it."""

MAX_REPEATS = 4
"""Rules 3 to 6 skip a template one of whose literal segments the message holds more often."""

MAX_STARTS = 8
"""Places in a message :meth:`Template.starts` offers for the documented text to begin."""

MAX_INSERTED_GROUPS = 4
"""Bracketed groups of a message that rule 4 tries taking out."""

MEMO_SIZE = 1024
"""How many answers of the pattern and tolerant kinds a matcher remembers (0: none).

Servers send the same few messages again and again; remembering the answer
for a ``(code, normalised message)`` pair makes a repeat cost a dict lookup.
The memory is emptied whenever it is full, so it stays bounded.
"""


EXACT: "tuple[str, str | None, int | None]" = ("exact", None, None)
"""The kind, detail and documented code of every ``exact`` match: shared."""


class MessageMatch:
    """Which documented message a runtime message is, how it was found, and the values filled in.

    ``code`` is the product's ``ErrorCode`` member for the code asked about,
    or the plain int for a code the product does not document (a table can
    name such codes). ``template`` is the message as documented; ``params``
    holds one string per placeholder, in order, as sent (empty for a message
    without placeholders); ``table_row`` is the row when the message came
    from a message table, else None. ``kind`` is one of :data:`KINDS`.
    ``detail`` is the text the server sent beyond the documented message
    (kind ``extended``, or a ``former`` wording found the same way), else
    None. ``documented_code`` is, for kind ``other_code``, the code the page
    documents the message under (a member), else None.
    """

    __slots__ = ("_how", "code", "params", "table_row", "template")

    code: int
    template: str
    params: tuple[str, ...]
    table_row: "TableRow | None"
    _how: "tuple[str, str | None, int | None]"

    def __init__(
        self,
        code: int,
        template: str,
        params: tuple[str, ...],
        table_row: "TableRow | None" = None,
        *,
        kind: str = "exact",
        detail: "str | None" = None,
        documented_code: "int | None" = None,
    ) -> None:
        put = object.__setattr__
        put(self, "code", code)
        put(self, "template", template)
        put(self, "params", params)
        put(self, "table_row", table_row)
        plain = kind == "exact" and detail is None and documented_code is None
        put(self, "_how", EXACT if plain else (kind, detail, documented_code))

    @property
    def kind(self) -> str:
        """How the message was recognised: one of :data:`KINDS`."""
        return self._how[0]

    @property
    def detail(self) -> "str | None":
        """The text the server sent beyond the documented message, else None."""
        return self._how[1]

    @property
    def documented_code(self) -> "int | None":
        """For kind ``other_code``, the code the page documents the message under."""
        return self._how[2]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        extra = "" if self.kind == "exact" else f", kind={self.kind!r}"
        if self.detail is not None:
            extra += f", detail={self.detail!r}"
        if self.documented_code is not None:
            extra += f", documented_code={self.documented_code!r}"
        return (
            f"MessageMatch(code={self.code!r}, template={self.template!r},"
            f" params={self.params!r}, table_row={self.table_row!r}{extra})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MessageMatch):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> "tuple[object, tuple[object, ...]]":
        fields = (self.code, self.template, self.params, self.table_row)
        return (_restore_match, ((*fields, self.kind, self.detail, self.documented_code),))

    def _key(self) -> "tuple[object, ...]":
        documented = None if self.documented_code is None else int(self.documented_code)
        fields = (int(self.code), self.template, self.params, self.table_row)
        return (*fields, self.kind, self.detail, documented)


def _restore_match(state: "tuple[Any, ...]") -> MessageMatch:
    """Unpickle a :class:`MessageMatch` (its last three fields are keyword-only)."""
    code, template, params, table_row, kind, detail, documented_code = state
    return MessageMatch(
        code, template, params, table_row, kind=kind, detail=detail, documented_code=documented_code
    )


# -- normal forms and patterns -------------------------------------------------------


def normalise_message(message: str) -> str:
    """``message`` with whitespace runs collapsed, ends stripped and trailing periods dropped.

    Whitespace is what Python's ``str.split()`` splits on (in JavaScript,
    ``\\s`` plus U+001C..U+001F and U+0085, less U+FEFF: the npm package's
    ``text.js`` spells the class out). Documented messages and
    patterns are compared in this form, so spacing and a missing (or doubled)
    final period do not stop a message from matching.
    """
    return " ".join(message.split()).rstrip(". ")


def quote_as_one(char: str) -> str:
    """``'`` for any of :data:`QUOTE_CHARACTERS`, else ``char``."""
    return "'" if char and char in QUOTE_CHARACTERS else char


def fold(key: str) -> str:
    """The tolerant form of a :func:`normalise_message`-d text, character by character.

    ASCII ``A``-``Z`` become lower case (nothing else changes case); every
    character of :data:`QUOTE_CHARACTERS` becomes ``'``; a space is dropped
    when the character before it or the one after it (its quote replaced) is
    in :data:`TIGHT_CHARACTERS`. Two texts are the same message for rule 3
    when their folded forms are equal. (The text has no two spaces in a row,
    so "the character before" is the same before and after dropping.)
    """
    global _FOLD_SPACES  # noqa: PLW0603 - compiled on first use, like the product patterns
    if _FOLD_SPACES is None:
        import re

        tight = escape(TIGHT_CHARACTERS)
        _FOLD_SPACES = re.compile(f"(?<=[{tight}]) | (?=[{tight}])")
    return _FOLD_SPACES.sub("", key.translate(FOLD_TABLE))


FOLD_TABLE: "dict[int, int | str]" = {
    **{ord(c): ord(c) + 32 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    **{ord(c): "'" for c in QUOTE_CHARACTERS},
}
"""What :func:`fold` replaces before it drops spaces: ASCII capitals and quotes."""

_FOLD_SPACES: "re.Pattern[str] | None" = None


def escape(literal: str) -> str:
    """``literal`` as regex source: a backslash before each :data:`REGEX_SPECIAL` character."""
    return "".join("\\" + char if char in REGEX_SPECIAL else char for char in literal)


def loose_literal(literal: str) -> str:
    """Regex source matching ``literal`` as :func:`fold` sees it, on an unfolded text.

    Character by character: an ASCII letter becomes a class of its two cases
    (``[Aa]``); a quote becomes :data:`QUOTE_CLASS`; a space next to a
    character of :data:`TIGHT_CHARACTERS` is left out, and each tight
    character (quotes included) may have one space on either side (`` ?``,
    never twice in a row); anything else is :func:`escape`-d.
    """
    out: list[str] = []
    for index, char in enumerate(literal):
        before = quote_as_one(literal[index - 1]) if index else ""
        after = quote_as_one(literal[index + 1]) if index + 1 < len(literal) else ""
        tight = {before, after} & set(TIGHT_CHARACTERS)
        if char == " " and tight:
            continue
        folded = quote_as_one(char)
        if folded in TIGHT_CHARACTERS:
            body = QUOTE_CLASS if folded == "'" else escape(char)
            out.append(("" if out and out[-1].endswith(" ?") else " ?") + body + " ?")
        elif char.isascii() and char.isalpha():
            out.append("[" + char.upper() + char.lower() + "]")
        else:
            out.append(escape(char))
    return "".join(out)


LOOSE_PLACEHOLDER_PATTERNS = {**PLACEHOLDER_PATTERNS, "letter": QUOTE_CLASS + "(.*?)" + QUOTE_CLASS}
""":data:`PLACEHOLDER_PATTERNS` for loose patterns: a ``letter`` value may be in any quotes."""


def unquote(value: str) -> str:
    """``value`` without the one pair of quotes around it, if the quote occurs nowhere else."""
    if len(value) >= 2:
        closing = UNQUOTE_PAIRS.get(value[0])
        if closing is not None and value[-1] == closing:
            inner = value[1:-1]
            if value[0] not in inner and closing not in inner:
                return inner
    return value


def delimited(key: str, seam: int) -> bool:
    """Whether the seam at ``key[seam]`` has punctuation on one side (spaces skipped).

    True when the last non-space character before the seam, or the first one
    after it, is in :data:`SEAM_CHARACTERS` (quotes count as ``'``). So
    ``..., request ip: 1.2.3.4`` or ``... queued. And more`` is server text
    next to the documented one, but ``Far too many ...`` or ``Invalid symbol
    status`` is another message.
    """
    before = quote_as_one(key[:seam].rstrip(" ")[-1:])
    after = quote_as_one(key[seam:].lstrip(" ")[:1])
    return bool(before and before in SEAM_CHARACTERS) or bool(after and after in SEAM_CHARACTERS)


# -- templates -------------------------------------------------------------------------


class Template:
    """One documented text the matcher knows: its compiled form and where it came from.

    ``parts`` is the compiled form (literal, kind, literal, ...); ``row`` the
    table row it is, if any; ``templated`` whether it has placeholders;
    ``unquoted`` says, per placeholder, whether the
    template writes it without quotes right around it (its value then loses a
    pair of quotes it arrives in, see :func:`unquote`). Patterns are built on
    first use.
    """

    __slots__ = (
        "_anchor",
        "_folded",
        "_needles",
        "_patterns",
        "_strict",
        "guards",
        "parts",
        "plain",
        "row",
        "templated",
        "text",
        "unquoted",
        "unquoting",
    )

    def __init__(self, text: str, parts: "tuple[str, ...]", row: "TableRow | None") -> None:
        self.text = text
        self.parts = parts
        self.row = row
        self.unquoted = tuple(
            parts[i] in ("s", "named")
            and not parts[i - 1].endswith(tuple(UNQUOTE_PAIRS))
            and not parts[i + 1].startswith(tuple(UNQUOTE_PAIRS.values()))
            for i in range(1, len(parts), 2)
        )
        literals = (part.strip() for part in parts[::2])
        self.guards = tuple(literal for literal in literals if len(literal) >= MIN_GUARD)
        self.templated = len(parts) > 1
        self.unquoting = any(self.unquoted)
        self.plain = not self.unquoting and not self.guards
        self._folded: tuple[str, ...] | None = None
        self._needles: tuple[str, ...] | None = None
        self._anchor = -1
        self._strict: re.Pattern[str] | None = None
        self._patterns: dict[str, re.Pattern[str]] = {}

    @property
    def folded_literals(self) -> "tuple[str, ...]":
        """The literal segments in :func:`fold` form."""
        found = self._folded
        if found is None:
            found = self._folded = tuple(fold(part) for part in self.parts[::2])
        return found

    @property
    def anchor(self) -> int:
        """How many literal characters the template has, in :func:`fold` form."""
        if self._anchor < 0:
            self._anchor = sum(len(part) for part in self.folded_literals)
        return self._anchor

    def _pattern(self, name: str, source: "Any") -> "re.Pattern[str]":
        found = self._patterns.get(name)
        if found is None:
            import re

            found = self._patterns[name] = re.compile(source())
        return found

    def strict(self) -> "re.Pattern[str]":
        """The pattern of rules 1 and 2: literals :func:`escape`-d, kinds as in
        :data:`PLACEHOLDER_PATTERNS`; for ``fullmatch``."""
        found = self._strict
        if found is None:
            found = self._strict = self._pattern(
                "strict", lambda: self._source(escape, PLACEHOLDER_PATTERNS)
            )
        return found

    def loose(self) -> "re.Pattern[str]":
        """The pattern of rules 3 to 6: literals as :func:`loose_literal`, kinds as in
        :data:`LOOSE_PLACEHOLDER_PATTERNS`, the whole wrapped in one group; so group 1 is
        the template and groups 2 to k+1 its k placeholders."""
        return self._pattern(
            "loose", lambda: "(" + self._source(loose_literal, LOOSE_PLACEHOLDER_PATTERNS) + ")"
        )

    def loose_around(self) -> "re.Pattern[str]":
        """:meth:`loose` followed by ``(.*)``, the text after the template; without it when the
        template ends with a placeholder (which would take that text itself)."""
        return self._pattern(
            "around", lambda: self.loose().pattern + ("(.*)" if self.parts[-1] else "")
        )

    def _source(self, literal: "Any", kinds: "Mapping[str, str]") -> str:
        return "".join(
            literal(part) if i % 2 == 0 else kinds[part] for i, part in enumerate(self.parts)
        )

    def starts(self, key: str) -> "list[int]":
        """Where the template may begin in ``key``: where the loose pattern of its first literal
        (without its trailing spaces) matches, at most :data:`MAX_STARTS` places; a template
        that begins with a placeholder, at 0 only."""
        first = self.parts[0].rstrip(" ")
        if not first:
            return [0]
        pattern = self._pattern("first", lambda: loose_literal(first))
        found: list[int] = []
        position = 0
        while len(found) < MAX_STARTS:
            hit = pattern.search(key, position)
            if hit is None:
                break
            found.append(hit.start())
            position = hit.start() + 1
        return found

    def crowded(self, folded: str) -> bool:
        """Whether the folded message holds one of the literal segments (folded, stripped, three
        characters or more) more than :data:`MAX_REPEATS` times, or not at all.

        Rules 3 to 6 then skip the template: a real message holds each once,
        and a message that holds one many times would cost the regex engine
        time growing with a power of its length.
        """
        needles = self._needles
        if needles is None:
            stripped = (part.strip(" ") for part in self.folded_literals)
            needles = self._needles = tuple(needle for needle in stripped if len(needle) >= 3)
        for needle in needles:  # noqa: SIM110 - a loop is faster than any() over a generator
            if needle not in folded or folded.count(needle) > MAX_REPEATS:
                return True
        return False

    def values(self, groups: "tuple[str, ...]") -> "tuple[str, ...] | None":
        """The placeholders' values, an unquoted placeholder's value without its quotes.

        None when a value holds a literal segment of the template (stripped, at
        least :data:`MIN_GUARD` characters, :attr:`guards`): the placeholder
        would be swallowing the template's own words, so the message is not an
        instance of it.
        """
        if self.plain:
            return groups
        values = groups
        if self.unquoting:
            values = tuple(
                unquote(value) if unquoted else value
                for value, unquoted in zip(groups, self.unquoted)
            )
        for guard in self.guards:
            for value in values:
                if guard in value:
                    return None
        return values


class Fit:
    """A template found in a message: the values, the detail, and the span it covers."""

    __slots__ = ("detail", "params", "span", "template")

    def __init__(
        self,
        template: Template,
        params: "tuple[str, ...]",
        detail: "str | None",
        span: "tuple[int, int]",
    ) -> None:
        self.template = template
        self.params = params
        self.detail = detail
        self.span = span


def best(fits: "list[Fit]", nested: bool = False) -> "Fit | None":
    """The fit with the most literal text; None when another template ties with it.

    With ``nested``, also None when another fit's span is not inside the winner's.
    """
    if not fits:
        return None
    winner = max(fits, key=lambda fit: fit.template.anchor)
    for fit in fits:
        if fit.template.text == winner.template.text:
            continue
        if fit.template.anchor == winner.template.anchor:
            return None
        if nested and not (winner.span[0] <= fit.span[0] and fit.span[1] <= winner.span[1]):
            return None
    return winner


def inserted_groups(key: str) -> "list[tuple[int, int]]":
    """Spans of the first :data:`MAX_INSERTED_GROUPS` bracketed groups of ``key``: ``(...)`` or
    ``[...]`` with no bracket inside, leftmost first."""
    global _GROUPS  # noqa: PLW0603 - compiled on first use
    if _GROUPS is None:
        import re

        _GROUPS = re.compile(r"\([^()\[\]]*\)|\[[^()\[\]]*\]")
    return [found.span() for found in _GROUPS.finditer(key)][:MAX_INSERTED_GROUPS]


_GROUPS: "re.Pattern[str] | None" = None


# -- the matcher -----------------------------------------------------------------------


class MessageMatcher:
    """Matches one product's messages; builds its tables and compiles its patterns on first use.

    ``members`` are the product's ``ErrorCode`` members; ``messages`` maps each
    code to its documented messages, ``former`` to the messages its page used
    to give; ``templates`` maps each message with placeholders (current,
    former and table rows) to its compiled form, most specific first (written
    by the generator); every other message is looked up exactly, in
    normalised form. Table rows count for every code their table names.
    Results of exact lookups are built once and shared: they are immutable;
    the others are remembered (:data:`MEMO_SIZE`). Safe to share between
    threads: a race on the first call only builds the tables twice, and the
    memory is a dict (one lookup, one store per answer).
    """

    __slots__ = (
        "_by_code",
        "_exact",
        "_former",
        "_members",
        "_memo",
        "_messages",
        "_own",
        "_rows",
        "_tables",
        "_templates",
        "_tolerant",
    )

    def __init__(
        self,
        members: "Iterable[int]",
        messages: "Mapping[int, tuple[str, ...]]",
        templates: "Mapping[str, tuple[str, ...]]",
        tables: "tuple[MessageTable, ...]",
        former: "Mapping[int, tuple[str, ...]] | None" = None,
    ) -> None:
        self._members = members
        self._messages = messages
        self._templates = templates
        self._tables = tables
        self._former = former or {}
        self._exact: dict[int, dict[str, MessageMatch]] | None = None
        self._by_code: dict[int, int] = {}
        self._own: dict[int, list[Template]] = {}
        self._rows: dict[int, list[Template]] = {}
        self._tolerant: Tolerance | None = None
        self._memo: dict[tuple[int, str], MessageMatch | None] = {}

    def match(self, code: int, msg: str) -> "MessageMatch | None":
        """The documented message ``msg`` is an instance of, for ``code``; else None.

        Tries the kinds of :data:`KINDS` in order (see the module doc). Never
        raises: an unknown code, an unknown message, or arguments of the
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
                if found.table_row is None or code not in self._own:
                    return found
                # a table row: the code's own templates come first
                return self._strict(code, key, self._own[code], "exact") or found
        if len(key) > MAX_TEMPLATED_LENGTH:
            return None
        memo = self._memo
        pair = (code, key)
        if pair in memo:
            return memo[pair]
        found = self._templated(code, key) or self._tolerate(code, key)
        if MEMO_SIZE:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[pair] = found
        return found

    def _templated(self, code: int, key: str) -> "MessageMatch | None":
        """Kinds 1 and 2 by pattern: the code's own templates, then its tables' templated rows."""
        own = self._own.get(code)
        hit = self._strict(code, key, own, "exact") if own is not None else None
        rows = self._rows.get(code)
        if hit is None and rows is not None:
            hit = self._strict(code, key, rows, "table")
        return hit

    def _strict(
        self, code: int, key: str, templates: "list[Template]", kind: str
    ) -> "MessageMatch | None":
        for template in templates:
            instance = template.strict().fullmatch(key)
            params = None if instance is None else template.values(instance.groups())
            if params is not None:
                member = self._by_code.get(code, code)
                return MessageMatch(member, template.text, params, template.row, kind=kind)
        return None

    def _tolerate(self, code: int, key: str) -> "MessageMatch | None":
        """Kinds 3 to 6, for a code the product documents or binds a table to."""
        known = code in self._by_code or code in self._rows or code in (self._exact or {})
        if len(key) > MAX_TOLERANT_LENGTH or not known:
            return None
        tolerance = self._tolerant
        if tolerance is None:
            tolerance = self._tolerant = Tolerance(self)
        return tolerance.match(code, key)

    def _build(self) -> "dict[int, dict[str, MessageMatch]]":
        by_code = {int(member): member for member in self._members}
        templates = self._templates
        exact: dict[int, dict[str, MessageMatch]] = {}
        own: dict[int, list[Template]] = {}
        rows: dict[int, list[Template]] = {}
        for code, messages in self._messages.items():
            member = by_code.get(code, code)
            for message in messages:
                parts = templates.get(message)
                if parts is None:
                    found = MessageMatch(member, message, ())
                    exact.setdefault(code, {}).setdefault(normalise_message(message), found)
                else:
                    own.setdefault(code, []).append(Template(message, parts, None))
        for table in self._tables:
            for row in table.rows:
                parts = templates.get(row.message)
                for code in table.codes:
                    if parts is None:
                        member = by_code.get(code, code)
                        found = MessageMatch(member, row.message, (), row, kind="table")
                        exact.setdefault(code, {}).setdefault(normalise_message(row.message), found)
                    else:
                        rows.setdefault(code, []).append(Template(row.message, parts, row))
        order = {template: index for index, template in enumerate(templates)}
        for found_templates in (*own.values(), *rows.values()):
            found_templates.sort(key=lambda t: order[t.text])
        self._by_code = by_code
        self._own = own
        self._rows = rows
        self._exact = exact
        return exact


class Tolerance:
    """The tolerant kinds of one product (3 to 6 of the ladder), built on the first need.

    Per code: its documented messages and bound rows (``current``) and its
    former messages and the former rows of its tables (``former``), each as
    :class:`Template` objects; product wide, the messages of every code for
    ``other_code``.
    """

    __slots__ = ("_by_code", "_current", "_former", "_plain", "_templated")

    def __init__(self, matcher: MessageMatcher) -> None:
        self._by_code = matcher._by_code
        templates = matcher._templates

        def template(text: str, row: "TableRow | None") -> Template:
            parts = templates.get(text)
            return Template(text, parts if parts is not None else (normalise_message(text),), row)

        current: dict[int, list[Template]] = {}
        former: dict[int, list[Template]] = {}
        for code, messages in matcher._messages.items():
            current[code] = [template(message, None) for message in dict.fromkeys(messages)]
        for code, messages in matcher._former.items():
            former[code] = [template(message, None) for message in dict.fromkeys(messages)]
        for table in matcher._tables:
            for code in table.codes:
                current.setdefault(code, []).extend(template(r.message, r) for r in table.rows)
                former.setdefault(code, []).extend(
                    template(r.message, r) for r in table.former_rows
                )
        self._current = current
        self._former = former
        self._plain: dict[str, dict[int, Template]] | None = None
        self._templated: list[tuple[int, Template, str]] | None = None

    def match(self, code: int, key: str) -> "MessageMatch | None":
        member = self._by_code.get(code, code)
        folded = fold(key)
        current = self._current.get(code, [])
        fit = self._normalised(current, key, folded)
        if fit is not None:
            return self._result(member, fit, "normalised")
        fit = self._extended(current, key, folded)
        if fit is not None:
            return self._result(member, fit, "extended")
        former = self._former.get(code, [])
        fit = (
            self._exact_of(former, key)
            or self._normalised(former, key, folded)
            or self._extended(former, key, folded)
        )
        if fit is not None:
            return self._result(member, fit, "former")
        return self._other_code(code, member, key, folded)

    @staticmethod
    def _result(member: int, fit: Fit, kind: str) -> MessageMatch:
        template = fit.template
        return MessageMatch(
            member, template.text, fit.params, template.row, kind=kind, detail=fit.detail
        )

    @staticmethod
    def _exact_of(templates: "list[Template]", key: str) -> "Fit | None":
        """Rule 1 on these templates: equal in normalised form, or a full match of the pattern."""
        for template in templates:
            if not template.templated:
                if template.parts[0] == key:
                    return Fit(template, (), None, (0, len(key)))
                continue
            instance = template.strict().fullmatch(key)
            params = None if instance is None else template.values(instance.groups())
            if params is not None:
                return Fit(template, params, None, (0, len(key)))
        return None

    @staticmethod
    def _normalised(templates: "list[Template]", key: str, folded: str) -> "Fit | None":
        """Rule 3: the whole message is one template, in folded form.

        The template with the most literal text wins; a tie gives None.
        """
        fits = []
        for template in templates:
            if not template.templated:
                if template.folded_literals[0] == folded:
                    fits.append(Fit(template, (), None, (0, len(key))))
                continue
            if template.anchor < MIN_ANCHOR or template.crowded(folded):
                continue
            found = template.loose().fullmatch(key)
            params = None if found is None else template.values(found.groups()[1:])
            if params is not None:
                fits.append(Fit(template, params, None, (0, len(key))))
        return best(fits)

    def _extended(self, templates: "list[Template]", key: str, folded: str) -> "Fit | None":
        """Rule 4: the whole template, with server text before or after it, or inside it.

        Before/after: the template's loose pattern matches ``key`` from one of
        :meth:`Template.starts` (the first that works) up to the text after it
        (:meth:`Template.loose_around`); some text is before or after it, and
        each seam with such text is :func:`delimited`. Inside: up to
        :data:`MAX_INSERTED_GROUPS` bracketed groups of the message, one at a
        time, are taken out (replaced by a space, then normalised again) and
        the before/after rule tried on what is left, where no text around is
        needed; the group is then the detail, followed by any text around.
        Only templates with :data:`MIN_ANCHOR` literal characters. The
        template with the most literal text wins if every other template that
        fits lies inside its span; else None.
        """
        fit = self._around(templates, key, folded)
        if fit is not None:
            return fit
        for start, end in inserted_groups(key):
            rest = normalise_message(key[:start] + " " + key[end:])
            fit = self._around(templates, rest, fold(rest), allow_plain=True)
            if fit is not None:
                extra = [key[start:end]] + ([fit.detail] if fit.detail else [])
                return Fit(fit.template, fit.params, " ".join(extra), fit.span)
        return None

    @staticmethod
    def _around(
        templates: "list[Template]", key: str, folded: str, allow_plain: bool = False
    ) -> "Fit | None":
        fits = []
        for template in templates:
            if template.anchor < MIN_ANCHOR or template.crowded(folded):
                continue
            fit = Tolerance._placed(template, key, allow_plain)
            if fit is not None:
                fits.append(fit)
        return best(fits, nested=True)

    @staticmethod
    def _placed(template: Template, key: str, allow_plain: bool) -> "Fit | None":
        """The template at its first start where it fits with text around it (rule 4)."""
        pattern = template.loose_around()
        count = len(template.parts) // 2
        for start in template.starts(key):
            found = pattern.fullmatch(key, start)
            if found is None:
                continue
            end = found.end(1)
            if not (start or end < len(key) or allow_plain):
                continue
            if (start and not delimited(key, start)) or (
                end < len(key) and not delimited(key, end)
            ):
                continue
            params = template.values(found.groups()[1 : count + 1])
            if params is None:
                continue
            pieces = (key[:start].strip(), key[end:].strip())
            detail = " ".join(piece for piece in pieces if piece) or None
            return Fit(template, params, detail, (start, end))
        return None

    def _other_code(self, code: int, member: int, key: str, folded: str) -> "MessageMatch | None":
        """Rule 6: documented for exactly one other code (rules 1 and 3 on its own messages).

        Table rows do not count: a row belongs to no code in particular.
        """
        found: dict[int, Fit] = {}
        for other, template in self._plain_codes().get(folded, {}).items():
            found[other] = Fit(template, (), None, (0, len(key)))
        for other, template, needle in self._templated_codes():
            if needle not in folded or other in found or template.crowded(folded):
                continue
            fit = self._exact_of([template], key) or self._normalised([template], key, folded)
            if fit is not None:
                found[other] = fit
        found.pop(code, None)
        if len(found) != 1:
            return None
        ((other, fit),) = found.items()
        documented = self._by_code.get(other, other)
        return MessageMatch(
            member, fit.template.text, fit.params, kind="other_code", documented_code=documented
        )

    def _plain_codes(self) -> "dict[str, dict[int, Template]]":
        """Each documented message without placeholders, in :func:`fold` form: code to template."""
        plain = self._plain
        if plain is None:
            plain = {}
            for code, templates in self._current.items():
                for template in templates:
                    if template.row is None and not template.templated:
                        folded = template.folded_literals[0]
                        plain.setdefault(folded, {}).setdefault(code, template)
            self._plain = plain
        return plain

    def _templated_codes(self) -> "list[tuple[int, Template, str]]":
        """Each code's own templates with placeholders and :data:`MIN_ANCHOR` literal characters,
        with the longest of their folded literals (checked first: the cheapest way to skip)."""
        templated = self._templated
        if templated is None:
            templated = [
                (code, template, max((p.strip(" ") for p in template.folded_literals), key=len))
                for code, templates in self._current.items()
                for template in templates
                if template.row is None and template.templated and template.anchor >= MIN_ANCHOR
            ]
            self._templated = templated
        return templated
