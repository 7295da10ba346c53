"""Templates to patterns (scraper/matchers.py): every placeholder form Binance uses, and round trips."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scraper.matchers import (
    GROUPS,
    REGEX_SPECIAL,
    Part,
    Placeholder,
    compile_template,
    fill,
    is_templated,
    normalise,
    pattern_source,
    patterns_of,
    placeholders,
    regex_of,
    specificity,
    split_template,
)
from scraper.parse import parse_document
from tests.conftest import capture_text

TEXT_VALUES = (
    "BTCUSDT",
    "1 MINUTE",
    "0.00100000",
    "it's",
    'say "hi"',
    "a.b*c+?(x)[y]{z}|^$\\d",
    "Ünïcödé 中文",
)
"""Values with spaces, dots, quotes, regex metacharacters and non-ASCII text."""
VALUES = {
    "s": TEXT_VALUES,
    "named": TEXT_VALUES,
    "letter": TEXT_VALUES,
    "d": ("42", "-7", "+3"),
    "b": ("true", "FALSE"),
    "list": ("'quantity', 'quoteOrderQty'", "'price'"),
}


def sample_values(template: str, rotation: int) -> list[str]:
    """One value per placeholder, from :data:`VALUES`, starting ``rotation`` along.

    Two placeholders separated by whitespace alone (``per %s %s``) are split at
    the first space by design, so the first of them gets a value without one.
    """
    parts = split_template(template)
    values: list[str] = []
    for index, part in enumerate(parts):
        if not isinstance(part, Placeholder):
            continue
        pool = VALUES[part.kind]
        if space_then_placeholder(parts, index):
            pool = tuple(value for value in pool if " " not in value)
        values.append(pool[(rotation + len(values)) % len(pool)])
    return values


def space_then_placeholder(parts: tuple[Part, ...], index: int) -> bool:
    following = parts[index + 1 : index + 3]
    return (
        len(following) == 2
        and isinstance(following[0], str)
        and not following[0].strip()
        and isinstance(following[1], Placeholder)
    )


def groups(template: str, message: str) -> tuple[str, ...] | None:
    """What the template's pattern extracts from ``message`` (normalised first), or None."""
    found = re.fullmatch(pattern_source(template), normalise(message))
    return found.groups() if found else None


# -- what a placeholder is -------------------------------------------------------

SPLITS = {
    "Parameter '%s' was empty.": ("Parameter '", Placeholder("s", "%s"), "' was empty."),
    "Expected: '%d'.": ("Expected: '", Placeholder("d", "%d"), "'."),
    "reduceOnly '%b'.": ("reduceOnly '", Placeholder("b", "%b"), "'."),
    "Fields [%s] must": ("Fields [", Placeholder("s", "%s"), "] must"),
    "include the '{param}' tag.": ("include the '", Placeholder("named", "{param}"), "' tag."),
    "schema 'x'. use 'y'": (
        "schema ",
        Placeholder("letter", "'x'"),
        ". use ",
        Placeholder("letter", "'y'"),
    ),
    "Conflicting fields: ['%s'...]": (
        "Conflicting fields: [",
        Placeholder("list", "'%s'..."),
        "]",
    ),
    "up to %sx in your region": ("up to ", Placeholder("s", "%s"), "x in your region"),
    "%s": (Placeholder("s", "%s"),),
    "per %s %s.": ("per ", Placeholder("s", "%s"), " ", Placeholder("s", "%s"), "."),
    "100%% of %s": ("100% of ", Placeholder("s", "%s")),
}


@pytest.mark.parametrize("template", sorted(SPLITS))
def test_split_template(template: str) -> None:
    assert split_template(template) == SPLITS[template]


@pytest.mark.parametrize(
    "text",
    [
        "Limit price needs to be within (-15%,15%) of current index price.",
        "A 'word' in quotes and 'ab' are literal.",
        "Braces {} and {1} and { param } are literal.",
        "A %z or %5 is not a placeholder.",
        "Invalid MDEntryType (269) combination.",
        "",
    ],
)
def test_text_without_placeholders_is_literal(text: str) -> None:
    assert not is_templated(text)
    assert placeholders(text) == ()
    assert split_template(text) == ((text,) if text else ())
    assert groups(text, text) == ()


def test_percent_escape_needs_a_pattern() -> None:
    assert is_templated("100%% sure")
    assert groups("100%% sure", "100% sure") == ()
    assert groups("100%% sure", "100%% sure") is None


# -- what a placeholder matches ------------------------------------------------


@pytest.mark.parametrize(
    ("template", "message", "expected"),
    [
        ("Parameter '%s' was empty.", "Parameter 'symbol' was empty.", ("symbol",)),
        ("Parameter '%s' was empty.", "Parameter '' was empty.", ("",)),
        ("Parameter '%s' was empty.", "Parameter 'it's' was empty.", ("it's",)),
        ("Expected: '%d'.", "Expected: '42'.", ("42",)),
        ("Expected: '%d'.", "Expected: '-42'.", ("-42",)),
        ("Expected: '%d'.", "Expected: '+7'.", ("+7",)),
        ("Expected: '%d'.", "Expected: '4.2'.", None),
        ("Expected: '%d'.", "Expected: 'four'.", None),
        ("Expected: '%d'.", "Expected: '\uff14\uff12'.", None),  # fullwidth digits
        ("reduceOnly '%b'.", "reduceOnly 'true'.", ("true",)),
        ("reduceOnly '%b'.", "reduceOnly 'FALSE'", ("FALSE",)),
        ("reduceOnly '%b'.", "reduceOnly 'maybe'.", None),
        ("include the '{param}' tag.", "include the 'quantity' tag.", ("quantity",)),
        (
            "schema 'x'. Please use schema 'y' or higher.",
            "schema 'spot_2_0'. Please use schema 'spot_3_0' or higher.",
            ("spot_2_0", "spot_3_0"),
        ),
        ("Conflicting fields: ['%s'...]", "Conflicting fields: ['a', 'b']", ("'a', 'b'",)),
        ("Conflicting fields: ['%s'...]", "Conflicting fields: ['a'...]", ("'a'",)),
        ("Conflicting fields: ['%s'...]", "Conflicting fields: []", None),
        ("Fields [%s] must", "Fields [price, quantity] must", ("price, quantity",)),
        ("up to %sx in your region", "up to 20x in your region", ("20",)),
        ("%s", "anything at all.", ("anything at all",)),
        ("IP banned until %s.", "IP banned until 1700000000000.", ("1700000000000",)),
        ("IP banned until %s.", "IP banned until 1.5..", ("1.5",)),
        ("Start Trading Must Slowly..", "Start Trading Must Slowly.", ()),
        ("reduce the position. .", "reduce the position", ()),
        ("per %s %s.", "per 1 MINUTE.", ("1", "MINUTE")),
        ("Symbol='%s', id: '%s'.", "Symbol='BTC(.*)USDT', id: 'a|b'.", ("BTC(.*)USDT", "a|b")),
    ],
)
def test_what_placeholders_match(
    template: str, message: str, expected: tuple[str, ...] | None
) -> None:
    assert groups(template, message) == expected


def test_whitespace_and_final_period_do_not_matter() -> None:
    template = "Too many new orders; current limit is %s orders per %s."
    assert groups(template, "  Too many\tnew orders;\ncurrent limit is 10 orders per SECOND ") == (
        "10",
        "SECOND",
    )
    assert groups("Too  many  requests.", "Too many requests") == ()


def test_literal_text_is_escaped() -> None:
    template = "Price * QTY is zero or less (^$|[a]{1}+?) \\d."
    assert groups(template, "Price * QTY is zero or less (^$|[a]{1}+?) \\d.") == ()
    assert groups(template, "Price xx QTY is zero or less (^$|[a]{1}+?) \\d.") is None
    assert " " in pattern_source(template) and "\\ " not in pattern_source(template)


def test_patterns_are_anchored() -> None:
    assert groups("Parameter '%s' was empty.", "Oh. Parameter 'x' was empty.") is None
    assert groups("Parameter '%s' was empty.", "Parameter 'x' was empty. Oh.") is None


# -- order, fill, normalise ----------------------------------------------------


def test_normalise() -> None:
    assert normalise("  Foo \n bar.  ") == "Foo bar"
    assert normalise("Foo..") == "Foo"
    assert normalise("Foo. . ") == "Foo"
    assert normalise("...") == ""
    assert normalise("Foo") == "Foo"
    assert normalise("") == ""


def test_specificity_counts_literal_text() -> None:
    assert specificity("%s") == 0
    assert specificity("Parameter '%s' was empty.") == len("Parameter '' was empty.")
    assert specificity("schema 'x'") == len("schema ")


def test_patterns_of_orders_most_specific_first_and_skips_exact_messages() -> None:
    messages = [
        "%s",
        "Exact message.",
        "Param '%s' or '%s' must be sent.",
        "Tag '%s' missing.",
        "%s",
    ]
    assert list(patterns_of(messages)) == [
        "Param '%s' or '%s' must be sent.",
        "Tag '%s' missing.",
        "%s",
    ]


def test_fill() -> None:
    assert fill("Param '%s' or '%s'.", ["a", "b"]) == "Param 'a' or 'b'."
    assert fill("schema 'x'", ["v1"]) == "schema 'v1'"
    assert fill("fields: ['%s'...]", ["'a', 'b'"]) == "fields: ['a', 'b']"
    assert fill("100%% of %d", ["3"]) == "100% of 3"
    with pytest.raises(ValueError, match="takes 2 values, got 1"):
        fill("Param '%s' or '%s'.", ["a"])
    with pytest.raises(ValueError, match="takes 0 values, got 1"):
        fill("Exact.", ["a"])


# -- properties ----------------------------------------------------------------

LITERAL = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="%{}'"), max_size=12)
VALUE = st.text(
    alphabet=st.sampled_from(list('abcXYZ019 .,;:!?*+()[]{}|^$\\"-_/')), min_size=1, max_size=10
).filter(lambda value: value == " ".join(value.split()) and not value.endswith("."))


@given(
    head=LITERAL,
    tail=LITERAL,
    value=VALUE,
    kind=st.sampled_from(["'%s'", "[%s]", "'{param}'", "'x'"]),
)
def test_one_delimited_placeholder_round_trips(head: str, tail: str, value: str, kind: str) -> None:
    """A placeholder with a delimiter after it gives back exactly the value put in."""
    assume(kind[-1] not in value)
    template = f"{head} {kind} {tail}"
    message = fill(template, [value])
    assert groups(template, message) == (value,)


@given(
    literals=st.lists(LITERAL.filter(lambda text: text.strip() != ""), min_size=2, max_size=4),
    data=st.data(),
)
def test_any_template_matches_its_instances(literals: list[str], data: st.DataObject) -> None:
    """Whatever the values, an instance matches, and the values found rebuild the message."""
    template = "%s".join(literals)
    values = [data.draw(VALUE) for _ in range(len(literals) - 1)]
    message = fill(template, values)
    found = groups(template, message)
    assert found is not None
    assert normalise(fill(template, found)) == normalise(message)


# -- every template on every captured page ---------------------------------------

CAPTURES = [
    "spot-html-1.txt",
    "spot-testnet-md-1.txt",
    "usdm-md-1.txt",
    "coinm-md-2.txt",
    "options-md-1.txt",
    "portfolio-margin-md-1.txt",
    "margin-md-1.txt",
    "other-wallet-md-1.txt",
]


def first_match(messages: list[str], message: str) -> tuple[str, tuple[str, ...]] | None:
    """What the generated matcher does for one code: exact lookup, then patterns in order."""
    key = normalise(message)
    for candidate in messages:
        if not is_templated(candidate) and normalise(candidate) == key:
            return candidate, ()
    for template, source in patterns_of(messages).items():
        found = re.fullmatch(source, key)
        if found is not None:
            return template, found.groups()
    return None


@pytest.mark.parametrize("name", CAPTURES)
def test_every_captured_template_gives_back_its_values(name: str) -> None:
    """Every product's templates, not just the committed spec's, in the company of their code's."""
    page = parse_document(capture_text(name), None, name)
    checked = 0
    for entry in page.errors:
        messages = [*entry.messages, *(m for alias in entry.aliases for m in alias.messages)]
        for template in filter(is_templated, messages):
            for rotation in range(3):
                values = sample_values(template, rotation)
                assert first_match(messages, fill(template, values)) == (template, tuple(values))
                checked += 1
    assert checked > 0


# -- the compiled form: what other languages get ---------------------------------------


def test_compile_template_alternates_literals_and_kinds() -> None:
    assert compile_template("Too much request weight used; current limit is %s request weight per %s.") == (
        "Too much request weight used; current limit is ", "s", " request weight per ", "s", "",
    )  # fmt: skip
    assert compile_template("%s") == ("", "s", "")
    assert compile_template("Conflicting fields: ['%s'...]") == (
        "Conflicting fields: [",
        "list",
        "]",
    )
    assert compile_template("schema 'x'. Use 'y'.") == ("schema ", "letter", ". Use ", "letter", "")
    assert compile_template("per %s %s") == ("per ", "s", " ", "s", "")
    assert compile_template("100%% of %d  done. ") == ("100% of ", "d", " done")
    assert compile_template("Plain text.") == ("Plain text",)


def test_the_runtime_builds_the_generator_s_patterns_from_the_json(
    package: ModuleType, generated_tree: Path
) -> None:
    """errors.json's compiled forms and the documented kind table give exactly the runtime's
    patterns: what a port to another language needs is all in the data."""
    matching = importlib.import_module("binance_errors._matching")
    assert matching.PLACEHOLDER_PATTERNS == GROUPS
    assert matching.REGEX_SPECIAL == REGEX_SPECIAL
    data = json.loads((generated_tree / "errors.json").read_text(encoding="utf-8"))
    checked = 0
    for product in data["products"]:
        for template, compiled in product["templates"].items():
            assert tuple(compiled) == compile_template(template)
            runtime = matching.Template(template, tuple(compiled), None).strict().pattern
            assert runtime == regex_of(tuple(compiled)) == pattern_source(template)
            checked += 1
    assert checked > 100
