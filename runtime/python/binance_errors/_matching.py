"""Message matching, loaded on the first ``match()`` call. Standard library only.

Importing this module imports nothing but :mod:`binance_errors._runtime`:
``re`` is imported when a :class:`MessageMatcher` first matches. There is no
``from __future__ import annotations`` (it imports ``__future__``):
annotations that Python 3.9 cannot evaluate are strings.

Everything here is specified so that another language can behave
identically from the same data (``errors.json``): the ladder of kinds, the
two normal forms (:func:`normalise_message`, :func:`fold`), the
placeholder regexes (:data:`PLACEHOLDER_PATTERNS`) and each tolerance rule.

The ladder
----------
:meth:`MessageMatcher.match` tries these kinds in order; the first that
finds a message wins:

1. ``exact``: one of the code's documented messages, compared in
   :func:`normalise_message` form (a dict lookup), or one of its templates
   (a full match of the template's pattern, most literal text first).
2. ``table``: a row of a message table the page binds to the code, the same
   way.
3. ``normalised``: a documented message or bound row, compared in
   :func:`fold` form (letter case, spaces around punctuation, quote style).
4. ``extended``: a documented message or bound row, in :func:`fold` form,
   with text the server added before or after it, or one bracketed group it
   inserted inside it (``IP(203.0.113.9) banned``); that text is the match's
   ``detail`` (see :meth:`MessageMatcher._extended`).
5. ``former``: a message the page used to give for the code, by rules 1, 3
   and 4 (``detail`` set when by rule 4).
6. ``other_code``: a message the page gives for exactly one other code of the
   product, by rules 1 and 3; ``documented_code`` names that code.

Anchoring: kinds 3 to 6 use a template only when its literal text, in
:func:`fold` form, has at least :data:`MIN_ANCHOR` characters (kind 3 on a
template without placeholders excepted: the whole message must equal it).
When two different templates fit equally well, the answer is None, not a
guess.
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
shortest first, then an optional ``...`` or ``\u2026``. In the syntax Python
and JavaScript share. A compiled template ``[L0, K1, L1, ..., Kn, Ln]``
becomes ``escape(L0) + PATTERN[K1] + escape(L1) + ...``, matched against the
whole :func:`normalise_message` form of a message.
"""

QUOTE_CHARACTERS = "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033"
"""Every quote character :func:`fold` writes as ``'``."""

TIGHT_CHARACTERS = ".,;:!?()[]{}='"
"""Punctuation and brackets :func:`fold` drops the spaces around (after quotes became ``'``)."""

UNQUOTE_PAIRS = {"'": "'", '"': '"', "\u2018": "\u2019", "\u201c": "\u201d"}
"""Quotes an unquoted placeholder's value loses when it is wholly inside one pair of them."""

REGEX_SPECIAL = "\\^$.|?*+()[]{}"
"""The characters :func:`escape` puts a backslash before in literal text."""

SEAM_CHARACTERS = TIGHT_CHARACTERS + "-|/\u2013\u2014"
"""Characters that delimit server text from the documented text (see :func:`delimited`)."""

MAX_TEMPLATED_LENGTH = 4096
"""Longer messages are only looked up exactly, never matched against patterns.

No documented template comes near this length, and the cap keeps a
pathological message (a template's literal text repeated thousands of times)
from costing time quadratic in its length.
"""

MAX_TOLERANT_LENGTH = 1024
"""Longer messages get the strict kinds (``exact``, ``table``) only."""

MIN_ANCHOR = 12
"""Literal characters (in :func:`fold` form) a template needs before a tolerant rule uses it."""

MAX_INSERTED_GROUPS = 4
"""Bracketed groups of a message that :meth:`MessageMatcher._extended` tries taking out."""


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

    __slots__ = ("code", "detail", "documented_code", "kind", "params", "table_row", "template")

    code: int
    template: str
    params: tuple[str, ...]
    table_row: "TableRow | None"
    kind: str
    detail: "str | None"
    documented_code: "int | None"

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
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "table_row", table_row)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "detail", detail)
        object.__setattr__(self, "documented_code", documented_code)

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
        return (
            int(self.code),
            self.template,
            self.params,
            self.table_row,
            self.kind,
            self.detail,
            documented,
        )


def _restore_match(state: "tuple[Any, ...]") -> MessageMatch:
    """Unpickle a :class:`MessageMatch` (its last three fields are keyword-only)."""
    code, template, params, table_row, kind, detail, documented_code = state
    return MessageMatch(
        code, template, params, table_row, kind=kind, detail=detail, documented_code=documented_code
    )


def normalise_message(message: str) -> str:
    """``message`` with whitespace runs collapsed, ends stripped and trailing periods dropped.

    Whitespace is what Python's ``str.split()`` splits on (JavaScript:
    ``/\\s+/`` plus U+001C..U+001F and U+0085). Documented messages and
    patterns are compared in this form, so spacing and a missing (or doubled)
    final period do not stop a message from matching.
    """
    return " ".join(message.split()).rstrip(". ")


def fold(key: str) -> "tuple[str, list[int]]":
    """The tolerant form of a :func:`normalise_message`-d text, and where each character came from.

    Character by character: ASCII ``A``-``Z`` become lower case (nothing
    else changes case); every character of :data:`QUOTE_CHARACTERS` becomes
    ``'``; a space is dropped when the character before it (as written so far)
    or the one after it (after quote replacement) is in
    :data:`TIGHT_CHARACTERS`. Trailing periods and spaces were dropped by
    the normalisation already. ``origin[i]`` is the index in ``key`` of the
    ``i``-th folded character, so values and detail found in the folded text
    are cut from ``key`` as sent.
    """
    out: list[str] = []
    origin: list[int] = []
    last = len(key) - 1
    for index, char in enumerate(key):
        folded = char
        if char == " ":
            after = key[index + 1] if index < last else " "
            if after in QUOTE_CHARACTERS:
                after = "'"
            if (out and out[-1] in TIGHT_CHARACTERS) or after in TIGHT_CHARACTERS:
                continue
        elif "A" <= char <= "Z":
            folded = chr(ord(char) + 32)
        elif char in QUOTE_CHARACTERS:
            folded = "'"
        out.append(folded)
        origin.append(index)
    return "".join(out), origin


def unquote(value: str) -> str:
    """``value`` without the one pair of quotes around it, if the quote occurs nowhere else."""
    if len(value) >= 2:
        closing = UNQUOTE_PAIRS.get(value[0])
        if closing is not None and value[-1] == closing:
            inner = value[1:-1]
            if value[0] not in inner and closing not in inner:
                return inner
    return value


def escape(literal: str) -> str:
    """``literal`` as regex source: a backslash before each :data:`REGEX_SPECIAL` character."""
    return "".join("\\" + char if char in REGEX_SPECIAL else char for char in literal)


class Template:
    """One documented text the matcher knows: its compiled form and where it came from.

    ``parts`` is the compiled form (literal, kind, literal, ...); ``row`` the
    table row it is, if any; ``unquoted`` says, per placeholder, whether the
    template writes it without quotes right around it (its value then loses a
    pair of quotes it arrives in, see :func:`unquote`). The patterns are built
    on first use: :meth:`strict` for kinds 1 and 2, :meth:`folded` for the
    others.
    """

    __slots__ = ("_anchor", "_folded", "_strict", "parts", "row", "text", "unquoted")

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
        self._anchor = -1
        self._strict: re.Pattern[str] | None = None
        self._folded: dict[bool, re.Pattern[str]] = {}

    @property
    def templated(self) -> bool:
        """Whether the text has placeholders."""
        return len(self.parts) > 1

    @property
    def anchor(self) -> int:
        """How many literal characters the template has, in :func:`fold` form."""
        if self._anchor < 0:
            self._anchor = sum(len(fold(self.parts[i])[0]) for i in range(0, len(self.parts), 2))
        return self._anchor

    def strict(self) -> "re.Pattern[str]":
        """The pattern of the compiled form (:data:`PLACEHOLDER_PATTERNS`), for ``fullmatch``."""
        if self._strict is None:
            import re

            source = "".join(
                escape(part) if i % 2 == 0 else PLACEHOLDER_PATTERNS[part]
                for i, part in enumerate(self.parts)
            )
            self._strict = re.compile(source)
        return self._strict

    def folded(self, around: bool) -> "re.Pattern[str]":
        """The pattern of the :func:`fold`-ed literals, as ``(before)(template)(after)``.

        Each literal is folded alone; a space it starts (ends) with next to a
        placeholder becomes optional (`` ?``), since :func:`fold` drops it next
        to a quoted value. Without ``around``, ``before`` and ``after`` are
        empty groups ``()``. With it, ``before`` is ``(.*?)`` and ``after``
        ``(.*)``, but only next to literal text: a template that starts (ends)
        with a placeholder gets ``()`` there too. Group 2 is the template;
        groups 3 to n-1 its placeholders; group n ``after``.
        """
        pattern = self._folded.get(around)
        if pattern is None:
            import re

            pieces = []
            last = len(self.parts) - 1
            for i, part in enumerate(self.parts):
                if i % 2:
                    pieces.append(PLACEHOLDER_PATTERNS[part])
                    continue
                text = fold(part)[0]
                head = " ?" if i > 0 and text.startswith(" ") else ""
                tail = " ?" if i < last and text.endswith(" ") else ""
                core = text[len(head) // 2 : len(text) - len(tail) // 2]
                pieces.append(head + escape(core) + tail)
            before = "(.*?)" if around and self.parts[0] else "()"
            after = "(.*)" if around and self.parts[-1] else "()"
            pattern = re.compile(before + "(" + "".join(pieces) + ")" + after)
            self._folded[around] = pattern
        return pattern

    def values(self, groups: "Iterable[str]") -> "tuple[str, ...]":
        """The placeholders' values, an unquoted placeholder's value without its quotes."""
        return tuple(
            unquote(value) if unquoted else value for value, unquoted in zip(groups, self.unquoted)
        )


class Fit:
    """A template found in a folded message: the values, the detail, and the span it covers."""

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


class MessageMatcher:
    """Matches one product's messages; builds its tables and compiles its patterns on first use.

    ``members`` are the product's ``ErrorCode`` members; ``messages`` maps each
    code to its documented messages, ``former`` to the messages its page used
    to give; ``templates`` maps each message with placeholders (current,
    former and table rows) to its compiled form, most specific first (written
    by the generator); every other message is looked up exactly, in
    normalised form. Table rows count for every code their table names.
    Results of exact lookups are built once and shared: they are immutable.
    Safe to share between threads: a race on the first call only builds the
    tables twice.
    """

    __slots__ = (
        "_by_code",
        "_exact",
        "_former",
        "_members",
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
                if found.kind == "exact" or code not in self._own:
                    return found
                # a table row: the code's own templates come first
                return self._strict(code, key, self._own[code], "exact") or found
        if len(key) > MAX_TEMPLATED_LENGTH:
            return None
        return self._templated(code, key) or self._tolerate(code, key)

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
            if instance is not None:
                member = self._by_code.get(code, code)
                params = template.values(instance.groups())
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
    former messages (``former``), each as :class:`Template` objects; product
    wide, the messages of every code for ``other_code``.
    """

    __slots__ = ("_by_code", "_current", "_former", "_plain", "_templated")

    def __init__(self, matcher: MessageMatcher) -> None:
        self._by_code = matcher._by_code
        templates = matcher._templates

        def template(text: str, row: "TableRow | None") -> Template:
            parts = templates.get(text)
            return Template(text, parts if parts is not None else (normalise_message(text),), row)

        current: dict[int, list[Template]] = {}
        for code, messages in matcher._messages.items():
            current[code] = [template(message, None) for message in dict.fromkeys(messages)]
        for table in matcher._tables:
            for row in table.rows:
                for code in table.codes:
                    current.setdefault(code, []).append(template(row.message, row))
        self._current = current
        self._former = {
            code: [template(message, None) for message in dict.fromkeys(messages)]
            for code, messages in matcher._former.items()
        }
        self._plain: dict[str, dict[int, Template]] | None = None
        self._templated: dict[int, list[Template]] | None = None

    def match(self, code: int, key: str) -> "MessageMatch | None":
        member = self._by_code.get(code, code)
        folded, origin = fold(key)
        current = self._current.get(code, [])
        fit = self._normalised(current, key, folded, origin)
        if fit is not None:
            return self._result(member, fit, "normalised")
        fit = self._extended(current, key, folded, origin)
        if fit is not None:
            return self._result(member, fit, "extended")
        former = self._former.get(code, [])
        fit = (
            self._exact_of(former, key)
            or self._normalised(former, key, folded, origin)
            or self._extended(former, key, folded, origin)
        )
        if fit is not None:
            return self._result(member, fit, "former")
        return self._other_code(code, member, key, folded, origin)

    def _result(self, member: int, fit: Fit, kind: str) -> MessageMatch:
        template = fit.template
        params = fit.params
        return MessageMatch(
            member, template.text, params, template.row, kind=kind, detail=fit.detail
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
            if instance is not None:
                return Fit(template, template.values(instance.groups()), None, (0, len(key)))
        return None

    @staticmethod
    def _normalised(
        templates: "list[Template]", key: str, folded: str, origin: "list[int]"
    ) -> "Fit | None":
        """Rule 3: the whole folded message is one template.

        The template with the most literal text wins; a tie gives None.
        """
        fits = []
        for template in templates:
            if template.templated and template.anchor < MIN_ANCHOR:
                continue
            found = template.folded(around=False).fullmatch(folded)
            if found is not None:
                params = template.values(cut(key, origin, found.span(i)) for i in inner(found))
                fits.append(Fit(template, params, None, (0, len(folded))))
        return best(fits)

    def _extended(
        self, templates: "list[Template]", key: str, folded: str, origin: "list[int]"
    ) -> "Fit | None":
        """Rule 4: the whole template, with server text before or after it, or inserted inside it.

        Before/after: the folded message is ``before + T + after`` with ``T`` a
        full match of the template's folded pattern (shortest ``before``
        first), ``before`` or ``after`` not empty, each seam between them and
        ``T`` :func:`delimited` by punctuation. Inside: up to :data:`MAX_INSERTED_GROUPS`
        bracketed groups of the message (``(...)`` or ``[...]``, no nesting),
        one at a time, are taken out (replaced by a space, then normalised
        again) and the before/after rule tried on what is left; the group is
        then the detail, with any text before or after. Only templates with
        :data:`MIN_ANCHOR` literal characters. The template with the most
        literal text wins if every other template that fits lies inside its
        span; else None.
        """
        fit = self._around(templates, key, folded, origin)
        if fit is not None:
            return fit
        for start, end in inserted_groups(key):
            rest = normalise_message(key[:start] + " " + key[end:])
            rest_folded, rest_origin = fold(rest)
            fit = self._around(templates, rest, rest_folded, rest_origin, allow_plain=True)
            if fit is not None:
                extra = [key[start:end]] + ([fit.detail] if fit.detail else [])
                return Fit(fit.template, fit.params, " ".join(extra), fit.span)
        return None

    @staticmethod
    def _around(
        templates: "list[Template]",
        key: str,
        folded: str,
        origin: "list[int]",
        allow_plain: bool = False,
    ) -> "Fit | None":
        fits = []
        for template in templates:
            if template.anchor < MIN_ANCHOR:
                continue
            found = template.folded(around=True).fullmatch(folded)
            if found is None:
                continue
            before, after = found.group(1), found.group(found.re.groups)
            if not (before or after or allow_plain):
                continue
            start, end = found.span(2)
            if before and not delimited(folded, start):
                continue
            if after and not delimited(folded, end):
                continue
            params = template.values(cut(key, origin, found.span(i)) for i in inner(found))
            pieces = [
                cut(key, origin, (0, start)).strip(),
                cut(key, origin, (end, len(folded))).strip(),
            ]
            detail = " ".join(piece for piece in pieces if piece) or None
            fits.append(Fit(template, params, detail, (start, end)))
        return best(fits, nested=True)

    def _other_code(
        self, code: int, member: int, key: str, folded: str, origin: "list[int]"
    ) -> "MessageMatch | None":
        """Rule 6: documented for exactly one other code (rules 1 and 3 on its own messages).

        Table rows do not count: a row belongs to no code in particular.
        """
        found: dict[int, Fit] = {}
        for other, template in self._plain_codes().get(folded, {}).items():
            found[other] = Fit(template, (), None, (0, len(folded)))
        for other, templates in self._templated_codes().items():
            if other in found:
                continue
            fit = self._exact_of(templates, key) or self._normalised(templates, key, folded, origin)
            if fit is not None:
                found[other] = fit
        found.pop(code, None)
        if len(found) != 1:
            return None
        ((other, fit),) = found.items()
        documented = self._by_code.get(other, other)
        template = fit.template
        return MessageMatch(
            member, template.text, fit.params, kind="other_code", documented_code=documented
        )

    def _plain_codes(self) -> "dict[str, dict[int, Template]]":
        """Each documented message without placeholders, in :func:`fold` form: code to template."""
        plain = self._plain
        if plain is None:
            plain = {}
            for code, templates in self._current.items():
                for template in templates:
                    if template.row is None and not template.templated:
                        folded = fold(template.parts[0])[0]
                        plain.setdefault(folded, {}).setdefault(code, template)
            self._plain = plain
        return plain

    def _templated_codes(self) -> "dict[int, list[Template]]":
        """Each code's own templates with placeholders and :data:`MIN_ANCHOR` literal characters."""
        templated = self._templated
        if templated is None:
            templated = {}
            for code, templates in self._current.items():
                for template in templates:
                    if (
                        template.row is None
                        and template.templated
                        and template.anchor >= MIN_ANCHOR
                    ):
                        templated.setdefault(code, []).append(template)
            self._templated = templated
        return templated


def inner(found: "re.Match[str]") -> "range":
    """The group numbers of a folded match's placeholders (see :meth:`Template.folded`)."""
    return range(3, found.re.groups)


def cut(key: str, origin: "list[int]", span: "tuple[int, int]") -> str:
    """The text of ``key`` that the folded characters ``span`` came from (spaces between kept)."""
    start, end = span
    if start >= end:
        return ""
    return key[origin[start] : origin[end - 1] + 1]


def delimited(folded: str, seam: int) -> bool:
    """Whether a character on either side of ``seam`` is one of :data:`SEAM_CHARACTERS`.

    So ``..., request ip: 1.2.3.4`` or ``... queued. And more`` is server text
    next to the documented one, but ``Far too many ...`` or ``Invalid symbol
    status`` is another message.
    """
    return 0 < seam < len(folded) and (
        folded[seam - 1] in SEAM_CHARACTERS or folded[seam] in SEAM_CHARACTERS
    )


def best(fits: "list[Fit]", nested: bool = False) -> "Fit | None":
    """The fit with the most literal text; None when another template ties with it.

    With ``nested``, also None when another fit is not inside the winner's span.
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
    """Spans of the first :data:`MAX_INSERTED_GROUPS` bracketed groups of ``key``, no nesting."""
    spans: list[tuple[int, int]] = []
    opening = {"(": ")", "[": "]"}
    index = 0
    while index < len(key) and len(spans) < MAX_INSERTED_GROUPS:
        closing = opening.get(key[index])
        if closing is None:
            index += 1
            continue
        end = key.find(closing, index + 1)
        inside = key[index + 1 : end] if end > 0 else ""
        if end < 0 or any(c in inside for c in "()[]"):
            index += 1
            continue
        spans.append((index, end + 1))
        index = end + 1
    return spans
