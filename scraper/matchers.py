"""Compile Binance's message templates into a language-neutral form, at generation time.

Binance documents many messages as format strings: ``Parameter '%s' was
empty.`` The generated package matches a runtime message against them and
returns the values Binance filled in. This module decides what a placeholder
is and what it may match. It writes each template as its *compiled form*
(:func:`compile_template`): a list that alternates literal text and
placeholder kinds, always starting and ending with a literal (possibly
empty)::

    "Too much request weight used; current limit is %s request weight per %s."
    -> ["Too much request weight used; current limit is ", "s",
        " request weight per ", "s", ""]

The literals are already normalised (below); the kinds are the keys of
:data:`GROUPS`. The product modules and ``errors.json`` carry this form, so
that any language can build its own patterns from it: the Python runtime
(``_matching.py``) turns it into a regular expression on first use with the
same kind-to-regex table as :data:`GROUPS`, escaping the literals.

Both sides are compared in a normalised form (:func:`normalise`): runs of
whitespace collapse to one space, the ends are stripped, and trailing periods
are dropped, so ``"Too many requests queued"`` matches ``Too many requests
queued.``. A pattern is built from the normalised template, so it applies to
the normalised message; the generated runtime normalises the same way.

Placeholders (anything else, ``%`` included, is literal text):

========================  =====================================================
in the template           matches (one group each, quotes stay outside it)
========================  =====================================================
``%s``                    any text, shortest first (``.*?``), possibly empty
``%d``                    an optionally signed decimal integer
``%b``                    ``true`` or ``false``, in any letter case
``%%``                    a literal ``%`` (no group)
``{name}``                any text, like ``%s`` (``{param}``)
``'x'``                   a single lower-case letter in single quotes is a
                          metavariable (``schema 'x'``): any text in the quotes
``'%s'...``               a list (``['%s'...]``): one or more items, the group
                          holds them as sent (``'a', 'b'``), a trailing
                          ellipsis is allowed
========================  =====================================================

Shortest-first keeps groups from running past the literal text that follows
them, so a value may contain spaces, dots, quotes or regex metacharacters. The
only truly ambiguous case is two placeholders separated by whitespace alone
(``per %s %s``): the first then ends at the first space. When several
templates of one code match a message, the one with the most literal text wins
(:func:`specificity`), then upstream order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

TOKEN = re.compile(
    r"""
      (?P<list>'%[sdb]'(?:\.\.\.|…))           # a quoted placeholder that repeats
    | %(?P<printf>[sdb])                       # printf-style
    | (?P<percent>%%)                          # an escaped percent sign
    | \{(?P<named>[A-Za-z_][A-Za-z0-9_]*)\}    # str.format-style, named
    | '(?P<letter>[a-z])'                      # a quoted one-letter metavariable
    """,
    re.VERBOSE,
)
WHITESPACE = re.compile(r"\s+")

GROUPS = {
    "s": r"(.*?)",
    "d": r"([-+]?[0-9]+)",
    "b": r"([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])",
    "named": r"(.*?)",
    "letter": r"'(.*?)'",
    "list": r"(.+?)(?:\.\.\.|…)?",
}
"""The regular expression each kind of placeholder becomes (the same in ``_matching.py``).

Written in the syntax Python and JavaScript share: no inline flags, no
possessive or atomic groups.
"""


@dataclass(frozen=True)
class Placeholder:
    """One placeholder of a template: its kind (a key of :data:`GROUPS`) and its text."""

    kind: str
    text: str


Part = str | Placeholder
"""A template is a sequence of literal strings and placeholders."""


def normalise(message: str) -> str:
    """``message`` with whitespace runs collapsed, ends stripped and trailing periods dropped.

    The generated runtime applies the same rule to the messages it is given
    (``" ".join(msg.split()).rstrip(". ")``). Dropping every trailing period,
    not just one, also absorbs upstream typos such as ``Slowly..`` and
    ``position. .``.
    """
    return " ".join(message.split()).rstrip(". ")


def split_template(template: str) -> tuple[Part, ...]:
    """The template's literal runs and placeholders, in order; ``%%`` becomes ``%``."""
    parts: list[Part] = []
    literal: list[str] = []
    position = 0
    for token in TOKEN.finditer(template):
        literal.append(template[position : token.start()])
        position = token.end()
        kind = token.lastgroup
        if kind == "percent":
            literal.append("%")
            continue
        if kind == "printf":
            kind = token.group("printf")
        assert kind is not None  # every alternative of TOKEN is a named group
        if "".join(literal):
            parts.append("".join(literal))
        literal = []
        parts.append(Placeholder(kind, token.group()))
    literal.append(template[position:])
    if "".join(literal):
        parts.append("".join(literal))
    return tuple(parts)


def placeholders(template: str) -> tuple[Placeholder, ...]:
    """The template's placeholders, in order."""
    return tuple(part for part in split_template(template) if isinstance(part, Placeholder))


def is_templated(template: str) -> bool:
    """Whether the message has placeholders or ``%%`` (and so needs a pattern, not a lookup)."""
    return TOKEN.search(template) is not None


def compile_template(template: str) -> tuple[str, ...]:
    """The template's compiled form: literal, kind, literal, ..., literal (see the module doc).

    An odd number of strings: the even positions are literal text, normalised
    as :func:`normalise` leaves a message (one space, no leading or trailing
    whitespace, no trailing periods), possibly empty; the odd positions are
    placeholder kinds (keys of :data:`GROUPS`).
    """
    compiled: list[str] = [""]
    for part in normalised_parts(split_template(template)):
        if isinstance(part, str):
            compiled[-1] += part
        else:
            compiled += [part.kind, ""]
    return tuple(compiled)


def regex_of(compiled: tuple[str, ...]) -> str:
    """The regex source of a compiled template: literals escaped, kinds as groups."""
    return "".join(
        escape(part) if index % 2 == 0 else GROUPS[part] for index, part in enumerate(compiled)
    )


def pattern_source(template: str) -> str:
    """The regular expression (source) that matches normalised instances of ``template``.

    It is meant for ``re.fullmatch`` on a :func:`normalise`-d message: one group
    per placeholder, in order; literal text escaped, its whitespace
    normalised like the message's. The runtime builds the same from
    :func:`compile_template`'s form.
    """
    return regex_of(compile_template(template))


def normalised_parts(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """The parts as :func:`normalise` would leave their text: one space, no trailing periods."""
    out = [WHITESPACE.sub(" ", part) if isinstance(part, str) else part for part in parts]
    if out and isinstance(out[0], str):
        out[0] = out[0].lstrip()
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip(". ")
    return tuple(part for part in out if part != "")


REGEX_SPECIAL = "\\^$.|?*+()[]{}"
"""The characters :func:`escape` puts a backslash before (the same in ``_matching.py``)."""


def escape(literal: str) -> str:
    """``literal`` as regex source: a backslash before each of :data:`REGEX_SPECIAL`, nothing else.

    Enough outside a character class in Python and JavaScript alike, and
    readable (spaces stay spaces).
    """
    return "".join("\\" + char if char in REGEX_SPECIAL else char for char in literal)


def specificity(template: str) -> int:
    """How much literal text the template has: more means a more specific template."""
    return sum(len(part) for part in split_template(template) if isinstance(part, str))


def fill(template: str, values: Iterable[str]) -> str:
    """The message Binance would send for ``template`` with these values (for tests and docs)."""
    parts = split_template(template)
    supplied = list(values)
    wanted = sum(isinstance(part, Placeholder) for part in parts)
    if len(supplied) != wanted:
        raise ValueError(f"{template!r} takes {wanted} values, got {len(supplied)}")
    given = iter(supplied)
    text: list[str] = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
        elif part.kind == "letter":
            text.append(f"'{next(given)}'")
        else:
            text.append(next(given))
    return "".join(text)


def templated_in_order(messages: Iterable[str]) -> list[str]:
    """The templated ``messages`` without repeats, most specific first, then in order."""
    templated = dict.fromkeys(m for m in messages if is_templated(m))
    return sorted(templated, key=specificity, reverse=True)


def patterns_of(messages: Iterable[str]) -> dict[str, str]:
    """Pattern sources of the templated ``messages``, most specific first, then in order."""
    return {template: pattern_source(template) for template in templated_in_order(messages)}


def compiled_templates(messages: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Compiled forms of the templated ``messages``, most specific first, then in order."""
    return {template: compile_template(template) for template in templated_in_order(messages)}
