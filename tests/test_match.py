"""``<product>.match()`` on the real generated package, for every message of the committed spec."""

from __future__ import annotations

import copy
import pickle
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
    assert first == again and hash(first) == hash(again) and first is not again
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
