"""``<product>.match()`` on the real generated package, for every message of the committed spec."""

from __future__ import annotations

import copy
import importlib
import pickle
import re
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.matchers import fill, normalise, placeholders
from scraper.model import ErrorEntry, Product
from scraper.render import all_messages
from scraper.spec import read_spec
from tests.conftest import SPEC_PATH, run_python
from tests.test_matchers import sample_values
from tests.test_real_traffic import WORD, in_order, literal_words

SPEC = read_spec(SPEC_PATH)


def templated() -> list[tuple[str, int, str]]:
    return [
        (product.id, entry.code, message)
        for product in SPEC.products
        for entry in product.errors
        for message in all_messages(entry)
        if placeholders(message)
    ]


def exact() -> list[tuple[str, int, str]]:
    return [
        (product.id, entry.code, message)
        for product in SPEC.products
        for entry in product.errors
        for message in all_messages(entry)
        if not placeholders(message)
    ]


def table_rows() -> list[tuple[str, int, str, str]]:
    return [
        (product.id, code, row.message, row.description)
        for product in SPEC.products
        for table in product.tables
        for row in table.rows
        for code in table.codes
    ]


def product_module(package: ModuleType, product_id: str) -> Any:
    return getattr(package, product_id)


def entry_of(product_id: str, code: int) -> ErrorEntry | None:
    product = SPEC.product(product_id)
    assert isinstance(product, Product)
    return product.error(code)


# -- every message of the spec -------------------------------------------------


@pytest.mark.parametrize(("product_id", "code", "template"), templated())
@pytest.mark.parametrize("rotation", range(3))
def test_every_templated_message_gives_its_template_and_values(
    package: ModuleType, product_id: str, code: int, template: str, rotation: int
) -> None:
    module = product_module(package, product_id)
    values = sample_values(template, rotation)
    message = fill(template, values)
    found = module.match(code, message)
    assert found is not None, message
    assert found.template == template
    assert found.params == tuple(values)
    assert found.code is module.ErrorCode(code)
    assert found.table_row is None


@pytest.mark.parametrize(("product_id", "code", "message"), exact())
def test_every_exact_message_matches_itself(
    package: ModuleType, product_id: str, code: int, message: str
) -> None:
    module = product_module(package, product_id)
    without_period = message[:-1] if message.endswith(".") else message
    variants = [message, without_period, f"  {message.replace(' ', chr(10) + ' ')}  "]
    for variant in variants:
        found = module.match(code, variant)
        assert found is not None, variant
        assert normalise(found.template) == normalise(message)
        assert found.params == ()
        assert found.table_row is None
        assert found.code is module.ErrorCode(code)


@pytest.mark.parametrize(("product_id", "code", "message", "description"), table_rows())
def test_every_table_row_matches_for_the_codes_its_table_names(
    package: ModuleType, product_id: str, code: int, message: str, description: str
) -> None:
    module = product_module(package, product_id)
    entry = entry_of(product_id, code)
    own = {normalise(m) for m in all_messages(entry)} if entry else set()
    found = module.match(code, message.rstrip(".") + " ")
    assert found is not None
    if normalise(message) in own:  # the code's own message wins over a table row
        assert found.table_row is None
        return
    assert found.template == message
    assert found.table_row == package.TableRow(message, description)
    if entry is None:
        assert found.code == code and type(found.code) is int
    else:
        assert found.code is module.ErrorCode(code)


# -- the cases the issue names -------------------------------------------------


def test_order_rejections_and_filter_failures(package: ModuleType) -> None:
    spot = package.spot
    found = spot.match(-2010, "Account has insufficient balance for requested action.")
    assert found.code is spot.ErrorCode.NEW_ORDER_REJECTED
    assert found.table_row.description == "Not enough funds to complete the action."
    filter_failure = spot.match(-1013, "Filter failure: LOT_SIZE")
    assert filter_failure.code is spot.ErrorCode.INVALID_MESSAGE
    assert filter_failure.template == "Filter failure: LOT_SIZE"
    assert "quantity" in filter_failure.table_row.description
    amend = spot.match(-2038, "Order amend is not supported for this symbol")
    assert amend.code == -2038 and amend.table_row is not None
    assert spot.match(-1003, "Filter failure: LOT_SIZE") is None
    assert spot.match(-2010, "Filter failure: LOT_SIZE") is None


def test_design_example(package: ModuleType) -> None:
    found = package.spot.match(
        -1003,
        "Too much request weight used; current limit is 6000 request weight per 1 MINUTE."
        " Please use WebSocket Streams for live updates to avoid polling the API.",
    )
    assert found.params == ("6000", "1 MINUTE")
    assert found.template.startswith("Too much request weight used; current limit is %s")


def test_most_specific_template_wins(package: ModuleType) -> None:
    spot = package.spot
    found = spot.match(-1128, "Conflicting fields: ['quantity', 'price']")
    assert found.template == "Conflicting fields: ['%s'...]"
    assert found.params == ("'quantity', 'price'",)
    found = spot.match(
        -1161,
        "Unable to encode the response in SBE schema 'spot_2_0'. Please use schema 'spot_3_0' or higher.",
    )
    assert found.params == ("spot_2_0", "spot_3_0")


@pytest.mark.parametrize(
    ("code", "msg"),
    [
        (-424242, "Too many requests queued."),
        (-1003, "Something Binance has not documented."),
        (-1003, ""),
        (-1003, "Too many requests queued and more."),  # extended needs a word boundary
        (-1003, "Far too many requests queued."),  # a different message, not detail
        (-1179, "MsgSeqNum(34) contains an unexpected value. Expected: 'twelve'."),
        (0, "x"),
        (True, "x"),
        ("-1003", "Too many requests queued."),
        (-1003.0, "Too many requests queued."),
        (None, "Too many requests queued."),
        (-1003, None),
        (-1003, b"Too many requests queued."),
        (-1003, ["Too many requests queued."]),
        (-1003, "x" * 100_000),
    ],
)
def test_no_match_is_none_never_an_exception(
    package: ModuleType, code: object, msg: object
) -> None:
    assert package.spot.match(code, msg) is None


def test_long_messages_are_only_looked_up_exactly(package: ModuleType) -> None:
    """Past 4096 characters no pattern is tried, so hostile input cannot cost quadratic time."""
    spot = package.spot
    fits = "x" * (4096 - len("Parameter '' was empty"))
    assert spot.match(-1105, f"Parameter '{fits}' was empty.").params == (fits,)
    assert spot.match(-1105, f"Parameter '{fits}y' was empty.") is None
    hostile = "Component '" + "' is incorrectly populated on '" * 30_000
    assert spot.match(-1174, hostile) is None
    assert spot.match(-1003, "  Too many requests queued.  " + " " * 10_000).template == (
        "Too many requests queued."
    )


@settings(max_examples=200, deadline=None)
@given(code=st.integers(min_value=-100_000, max_value=100_000), msg=st.text(max_size=300))
def test_arbitrary_input_never_raises(package: ModuleType, code: int, msg: str) -> None:
    found = package.spot.match(code, msg)
    if found is not None:
        assert normalise(fill(found.template, found.params)) == normalise(msg)


# -- the result ----------------------------------------------------------------


def test_result_is_small_frozen_and_comparable(package: ModuleType) -> None:
    spot = package.spot
    first = spot.match(-1105, "Parameter 'symbol' was empty.")
    again = spot.match(-1105, "Parameter 'symbol' was empty")
    assert first == again and hash(first) == hash(again)  # remembered: maybe the same object
    assert first != spot.match(-1105, "Parameter 'side' was empty.")
    assert first != ("not", "a", "match")
    with pytest.raises(AttributeError, match="immutable"):
        first.params = ("side",)
    with pytest.raises(AttributeError):
        first.extra = 1
    assert not hasattr(first, "__dict__")
    assert repr(first) == (
        "MessageMatch(code=<ErrorCode.PARAM_EMPTY: -1105>, template=\"Parameter '%s' was empty.\","
        " params=('symbol',), table_row=None)"
    )
    assert pickle.loads(pickle.dumps(first)) == first
    assert copy.deepcopy(first) == first
    assert isinstance(first, package.MessageMatch)


def test_annotations_reach_the_enum_and_undocumented_codes(package: ModuleType) -> None:
    spot = package.spot
    assert spot.ErrorCode.TOO_MANY_REQUESTS.category == "rate_limit"
    assert spot.ErrorCode.TOO_MANY_REQUESTS.retryable
    assert (
        spot.ErrorCode.TIMEOUT.execution_unknown
        and spot.ErrorCode.UNEXPECTED_RESP.execution_unknown
    )
    assert not spot.ErrorCode.BAD_SYMBOL.execution_unknown
    assert spot.ErrorCode.INVALID_TIMESTAMP.category == "timing"
    assert spot.ErrorCode.ORDER_CANCEL_REPLACE_FAILED.category == "order_rejected"
    assert spot.annotation(-1003) == spot.annotation(spot.ErrorCode.TOO_MANY_REQUESTS)
    assert spot.annotation(-1150).category == "request"  # undocumented, inside 11xx
    assert spot.annotation(-2099).category == "order_rejected"
    undocumented = spot.annotation(-424242)
    assert undocumented.category == "unknown" and not undocumented.retryable
    assert undocumented.reasons
    for member in spot.ErrorCode:
        assert member.category in {
            "server", "rate_limit", "timing", "auth", "request", "filter",
            "order_rejected", "not_found", "unsupported", "session", "account", "unknown",
        }  # fmt: skip


def test_importing_a_product_loads_no_re_json_or_typing(generated_tree: Path) -> None:
    result = run_python(
        generated_tree,
        "before = set(sys.modules)\n"
        "from binance_errors import spot\n"
        "loaded = set(sys.modules) - before\n"
        "heavy = {'re', 'json', 'typing', 'dataclasses', 'importlib', 'collections.abc',"
        " 'binance_errors._matching', 'binance_errors._errors'}\n"
        "print(sorted(loaded & heavy))\n"
        "spot.match(-1105, \"Parameter 'x' was empty.\")\n"
        "print('re' in sys.modules, 'json' in sys.modules, 'binance_errors._matching' in sys.modules)\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "True False True"]


# -- tolerant kinds: what the issue names ----------------------------------------------

REQUEST_IP = "Invalid API-key, IP, or permissions for action, request ip: 203.0.113.9"
BANNED = (
    "Way too many requests; IP(203.0.113.9) banned until 1700000000000."
    " Please use the websocket for live updates to avoid bans."
)


@pytest.mark.parametrize(
    ("product_id", "code", "msg", "kind", "template", "params", "detail"),
    [
        *(
            (p, -2015, REQUEST_IP, "extended", "Invalid API-key, IP, or permissions for action.",
             (), ", request ip: 203.0.113.9")
            for p in ("usdm", "coinm", "options", "portfolio_margin")
        ),
        ("usdm", -1003, BANNED, "extended",
         "Way too many requests; IP banned until %s. Please use the websocket for live updates to avoid bans.",
         ("1700000000000",), "(203.0.113.9)"),
        ("usdm", -4116, "ClientOrderId is duplicated.", "normalised", "clientOrderId is duplicated",
         (), None),
        ("usdm", -4164, "Order's notional must be no smaller than 20(unless you choose reduce only).",
         "normalised", "Order's notional must be no smaller than %s (unless you choose reduce only)",
         ("20",), None),
        ("spot", -1003,
         "Too much request weight used; current limit is 1200 request weight per 1 MINUTE."
         " Please use the websocket for live updates to avoid polling the API.", "former",
         "Too much request weight used; current limit is %s request weight per %s %s."
         " Please use the websocket for live updates to avoid polling the API.",
         ("1200", "1", "MINUTE"), None),
        ("spot", -1111, "Precision is over the maximum defined for this asset.", "former",
         "Precision is over the maximum defined for this asset.", (), None),
        ("spot", -2010, "This action disabled is on this account.", "former",
         "This action disabled is on this account.", (), None),
        ("spot", -1013, "Market is closed.", "table", "Market is closed.", (), None),
        ("spot_testnet", -1013, "Filter failure: LOT_SIZE", "table", "Filter failure: LOT_SIZE",
         (), None),
        ("spot", -2021, "Order cancel-replace partially failed.", "exact",
         "Order cancel-replace partially failed", (), None),
        ("spot", -2022, "Order cancel-replace failed.", "exact", "Order cancel-replace failed.",
         (), None),
        ("margin", -1105, "Parameter 'symbol' was empty.", "exact", "Parameter %s was empty.",
         ("symbol",), None),
        ("wallet", -1102, "Mandatory parameter 'quoteQty' was not sent, was empty/null, or malformed.",
         "exact", "Mandatory parameter %s was not sent, was empty/null, or malformed.",
         ("quoteQty",), None),
    ],
)  # fmt: skip
def test_what_servers_really_send(  # noqa: PLR0917 - one parameter per column of the table
    package: ModuleType,
    product_id: str,
    code: int,
    msg: str,
    kind: str,
    template: str,
    params: tuple[str, ...],
    detail: str | None,
) -> None:
    found = product_module(package, product_id).match(code, msg)
    assert found is not None
    assert (found.kind, found.template, found.params, found.detail) == (
        kind,
        template,
        params,
        detail,
    )
    assert found.documented_code is None
    assert in_order(literal_words(found.template), WORD.findall(msg.lower()))


def test_other_code_names_the_code_that_documents_the_message(package: ModuleType) -> None:
    spot, usdm = package.spot, package.usdm
    found = spot.match(-1013, "Too many requests queued.")
    assert (found.kind, found.code, found.documented_code) == (
        "other_code",
        spot.ErrorCode.INVALID_MESSAGE,
        spot.ErrorCode.TOO_MANY_REQUESTS,
    )
    found = usdm.match(-4015, "ClientOrderId is duplicated.")
    assert found.kind == "other_code" and found.documented_code == -4116
    assert found.template == "clientOrderId is duplicated"
    assert spot.match(-424242, "Too many requests queued.") is None  # undocumented code: nothing


def test_the_strict_kinds_come_first(package: ModuleType) -> None:
    spot = package.spot
    assert spot.match(-1003, "Too many requests queued.").kind == "exact"
    assert spot.match(-2010, "Market is closed.").kind == "table"
    assert spot.match(-1003, "TOO MANY REQUESTS QUEUED").kind == "normalised"
    assert spot.match(-1003, "Too many requests queued. Retry later.").kind == "extended"


@pytest.mark.parametrize(
    "msg",
    [
        "Too many requests queued and more.",  # no punctuation at the seam: other words
        "Far too many requests queued.",
        "Invalid symbol status.",  # another code's message, not -1121's with detail
        "Too many requests",  # a part of the documented text
    ],
)
def test_extended_needs_the_whole_text_and_a_delimited_seam(package: ModuleType, msg: str) -> None:
    found = package.spot.match(-1003, msg) if "requests" in msg else package.spot.match(-1121, msg)
    assert found is None or found.kind == "other_code"


UNQUOTED = sorted(
    {
        (product.id, entry.code, message)
        for product in SPEC.products
        for entry in product.errors
        for message in all_messages(entry)
        if re.search(r"(?<!['\"])%s(?!['\"])", message) and message.count("%") == 1
    }
)


@pytest.mark.parametrize(("product_id", "code", "template"), UNQUOTED)
def test_an_unquoted_placeholder_returns_a_quoted_value_without_its_quotes(
    package: ModuleType, product_id: str, code: int, template: str
) -> None:
    module = product_module(package, product_id)
    for sent, value in [
        ("'symbol'", "symbol"),
        ('"symbol"', "symbol"),
        ("symbol", "symbol"),
        ("'a', 'b'", "'a', 'b'"),  # a list keeps its quotes
        ("two words", "two words"),
    ]:
        found = module.match(code, fill(template, [sent]))
        assert found is not None, (template, sent)
        assert found.params == (value,), (template, sent)
        assert found.kind == "exact"


def test_a_placeholder_never_swallows_literal_words(package: ModuleType) -> None:
    margin = package.margin
    found = margin.match(-1105, "Parameter 'symbol' was empty.")
    assert found.params == ("symbol",)
    found = margin.match(-1106, "Parameter 'price' sent when not required.")
    assert found.template == "Parameter %s sent when not required." and found.params == ("price",)


def test_ties_give_none_rather_than_a_guess(package: ModuleType) -> None:
    matcher = importlib.import_module("binance_errors._matching").MessageMatcher(
        [], {-1: ("Order is closed.", "ORDER IS CLOSED", "Order %s is gone now.", "Order %s is gone now!")},
        {"Order %s is gone now.": ("Order ", "s", " is gone now"),
         "Order %s is gone now!": ("Order ", "s", " is gone now!")},
        (),
    )  # fmt: skip
    assert matcher.match(-1, "Order is closed.").kind == "exact"
    assert matcher.match(-1, "order IS closed") is None  # two documented texts fold alike
    assert matcher.match(-1, "Order 7 is gone now!").template == "Order %s is gone now!"
    assert matcher.match(-1, "Order 7 is gone now!, request id: 9").template == (
        "Order %s is gone now!"
    )  # the one with more literal text covers the other
    assert matcher.match(-1, "Order is closed. Order 7 is gone now.") is None  # two, side by side


def test_a_short_template_is_not_used_tolerantly(package: ModuleType) -> None:
    matcher = importlib.import_module("binance_errors._matching").MessageMatcher(
        [], {-1: ("Bad %s.", "Invalid."), -2: ("Timeout.",)}, {"Bad %s.": ("Bad ", "s", "")}, ()
    )
    assert matcher.match(-1, "Bad input.").kind == "exact"
    assert matcher.match(-1, "BAD input") is None  # 4 literal characters anchor nothing
    assert matcher.match(-1, "Invalid., id: 3") is None
    assert matcher.match(-1, "INVALID").kind == "normalised"  # the whole message, folded
    assert matcher.match(-1, "Timeout.").kind == "other_code"


def test_fold_is_specified_character_by_character(package: ModuleType) -> None:
    fold = importlib.import_module("binance_errors._matching").fold
    assert fold("Order's notional is 20 (unless)") == "order's notional is 20(unless)"
    quotes = "\u201cquoted\u201d \u2018x\u2019 `y\u00b4"
    assert fold("Ünïcödé ÄBC " + quotes) == "Ünïcödé Äbc'quoted''x''y'"
    assert fold("a , b ( c ) d [ e ] f = g") == "a,b(c)d[e]f=g"


def test_loose_patterns_accept_what_fold_forgives(package: ModuleType) -> None:
    """A loose literal matches exactly the texts that fold like it (on normalised text)."""
    matching = importlib.import_module("binance_errors._matching")
    literal = "Order's notional (unless you choose: 'x')"
    pattern = re.compile(matching.loose_literal(literal))
    for text in [
        literal,
        "ORDER'S NOTIONAL(UNLESS YOU CHOOSE:'X')",
        'Order\u2019s notional ( unless you choose : "x" )',
    ]:
        assert pattern.fullmatch(text), text
        assert matching.fold(text) == matching.fold(literal)
    for text in ["Orders notional (unless you choose: 'x')", "Order's  notional (unless)"]:
        assert not pattern.fullmatch(text), text
    assert matching.loose_literal("a.b") == "[Aa] ?\\. ?[Bb]"
    assert matching.loose_literal("a).") == "[Aa] ?\\) ?\\. ?"


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_tolerant_match_always_holds_the_template_s_literal_words(
    package: ModuleType, data: st.DataObject
) -> None:
    """Mutate real messages (case, spacing, quotes, added text, dropped words): whatever
    tolerant match comes back has every literal word of its template in the message."""
    product_id, code, template = data.draw(st.sampled_from(ALL_MESSAGES))
    module = product_module(package, product_id)
    message = fill(template, sample_values(template, data.draw(st.integers(0, 2))))
    words = message.split(" ")
    mutation = data.draw(st.sampled_from(["upper", "drop", "prefix", "suffix", "insert", "quotes"]))
    extra = data.draw(st.text(alphabet="abc XYZ019.,;:()[]'\"", max_size=20))
    if mutation == "upper":
        message = message.upper()
    elif mutation == "drop" and len(words) > 1:
        del words[data.draw(st.integers(0, len(words) - 1))]
        message = " ".join(words)
    elif mutation == "prefix":
        message = extra + message
    elif mutation == "suffix":
        message = message + extra
    elif mutation == "insert":
        words.insert(data.draw(st.integers(0, len(words))), extra)
        message = " ".join(words)
    else:
        message = message.replace("'", '"')
    found = module.match(code, message)
    if found is not None and found.kind not in ("exact", "table"):
        assert in_order(literal_words(found.template), WORD.findall(message.lower())), (
            message,
            found,
        )
        for value in found.params:
            assert value in " ".join(message.split())


ALL_MESSAGES = exact() + templated()


@pytest.mark.parametrize(
    ("product_id", "code", "msg"),
    [
        (
            "spot",
            -1003,
            ("Too much request weight used; current limit is x request weight per ") * 15,
        ),
        ("spot", -1174, "Component '" + "' is incorrectly populated on '" * 35),
        ("usdm", -1003, "Way too many requests; IP(" + "x" * 900 + ") banned until"),
        ("spot", -1013, "Filter failure: " * 60),
        ("spot", -1003, "(" * 300 + ")" * 300),
        ("options", -1008, "Too much request weight used; current limit is " + "a " * 480),
    ],
)
def test_hostile_messages_stay_cheap_on_the_tolerant_path(
    package: ModuleType, product_id: str, code: int, msg: str
) -> None:
    """Messages built to make the patterns backtrack: each answered well under a second."""
    module = product_module(package, product_id)
    module.match(code, "warm up")
    started = time.perf_counter()
    assert module.match(code, msg) is None
    assert time.perf_counter() - started < 0.5


def test_answers_are_remembered_and_the_memory_stays_bounded(package: ModuleType) -> None:
    spot = package.spot
    matcher = spot._load_matcher()
    matcher._memo.clear()
    first = spot.match(-2015, "Invalid API-key, IP, or permissions for action, request ip: 1.2.3.4")
    assert first.kind == "extended"
    assert (
        spot.match(-2015, "Invalid API-key, IP, or permissions for action, request ip: 1.2.3.4")
        is first
    )
    assert spot.match(-1003, "Too many requests queued.").kind == "exact"  # a dict hit: not stored
    assert len(matcher._memo) == 1
    size = importlib.import_module("binance_errors._matching").MEMO_SIZE
    for number in range(size + 10):
        assert spot.match(-1003, f"Unheard of #{number}") is None
    assert 0 < len(matcher._memo) <= size
