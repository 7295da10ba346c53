"""``BinanceAPIError.from_payload`` on the real generated package: real-shaped and malformed input."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from scraper.spec import read_spec
from tests.conftest import SPEC_PATH, run_python

WEIGHT = (
    "Too much request weight used; current limit is 6000 request weight per 1 MINUTE."
    " Please use WebSocket Streams for live updates to avoid polling the API."
)


def from_payload(package: ModuleType, payload: object, **options: Any) -> Any:
    error = package.BinanceAPIError.from_payload(payload, **options)
    assert isinstance(error, package.BinanceAPIError) and isinstance(error, Exception)
    return error


@pytest.mark.parametrize(
    "payload",
    [
        {"code": -1003, "msg": WEIGHT},
        json.dumps({"code": -1003, "msg": WEIGHT}),
        json.dumps({"code": -1003, "msg": WEIGHT}).encode(),
        bytearray(json.dumps({"code": -1003, "msg": WEIGHT}).encode()),
    ],
    ids=["dict", "str", "bytes", "bytearray"],
)
def test_rest_payload(package: ModuleType, payload: object) -> None:
    error = from_payload(package, payload, http_status=429)
    spot = package.spot
    assert error.code is spot.ErrorCode.TOO_MANY_REQUESTS
    assert error.msg == WEIGHT
    assert error.match.template.startswith("Too much request weight used")
    assert error.match.params == ("6000", "1 MINUTE")
    assert error.category == "rate_limit" and error.retryable and not error.execution_unknown
    assert error.product == "spot" and error.http_status == 429 and error.problem is None
    assert error.payload == {"code": -1003, "msg": WEIGHT}
    assert error.reasons[1:] == spot.annotation(-1003).reasons
    assert error.reason.startswith("HTTP 429: a rate limit was broken")
    assert error.action == "retry"
    assert str(error) == f"spot -1003 TOO_MANY_REQUESTS (HTTP 429): {WEIGHT}"


def test_order_rejection_keeps_the_table_row(package: ModuleType) -> None:
    error = from_payload(
        package, b'{"code":-2010,"msg":"Account has insufficient balance for requested action."}'
    )
    assert error.code is package.spot.ErrorCode.NEW_ORDER_REJECTED
    assert package.spot.ErrorCode.NEW_ORDER_REJECTED.category == "order_rejected"
    assert error.category == "account" and not error.retryable  # what this message means
    assert error.action == "stop"
    assert error.match.table_row.description == "Not enough funds to complete the action."


def test_cancel_replace_payload_keeps_its_data(package: ModuleType) -> None:
    payload = {
        "code": -2022,
        "msg": "Order cancel-replace failed.",
        "data": {"cancelResult": "FAILURE", "newOrderResult": "NOT_ATTEMPTED"},
    }
    error = from_payload(package, payload, http_status=400)
    assert error.code is package.spot.ErrorCode.ORDER_CANCEL_REPLACE_FAILED
    assert error.category == "order_rejected"
    assert error.payload["data"]["cancelResult"] == "FAILURE"


def test_websocket_api_envelope(package: ModuleType) -> None:
    payload = {
        "id": "e2a85d9f-07a5-4f94-8d5f-789dc3deb097",
        "status": 400,
        "error": {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."},
        "rateLimits": [{"rateLimitType": "REQUEST_WEIGHT", "limit": 6000, "count": 1}],
    }
    error = from_payload(package, json.dumps(payload))
    assert error.code is package.spot.ErrorCode.INVALID_TIMESTAMP
    assert error.http_status == 400
    assert error.category == "timing" and error.retryable
    assert error.match.template == "Timestamp for this request is outside of the recvWindow."
    assert error.payload == payload  # the whole envelope: id and rateLimits stay available


@pytest.mark.parametrize(("code", "status"), [(-1006, None), (-1007, 408), (-1000, 500)])
def test_execution_unknown_codes(package: ModuleType, code: int, status: int | None) -> None:
    error = from_payload(package, {"code": code, "msg": "whatever"}, http_status=status)
    assert error.execution_unknown


@pytest.mark.parametrize("status", [500, 502, 503, 504, 599])
def test_http_5xx_leaves_execution_unknown(package: ModuleType, status: int) -> None:
    error = from_payload(package, {"code": -1121, "msg": "Invalid symbol."}, http_status=status)
    assert error.execution_unknown
    assert error.category == "request"  # the code still says what kind of error it is
    websocket = {"status": status, "error": {"code": -1121, "msg": "Invalid symbol."}}
    assert from_payload(package, websocket).execution_unknown


@pytest.mark.parametrize("status", [400, 401, 403, 418, 429, 499, 600])
def test_other_statuses_do_not(package: ModuleType, status: int) -> None:
    error = from_payload(package, {"code": -1121, "msg": "Invalid symbol."}, http_status=status)
    assert not error.execution_unknown


def test_unknown_code(package: ModuleType) -> None:
    error = from_payload(package, {"code": -424242, "msg": "Brand new error."})
    assert error.code == -424242 and type(error.code) is int
    assert error.match is None and error.problem is None
    assert error.category == "unknown" and not error.retryable
    assert str(error) == "spot -424242: Brand new error."
    in_range = from_payload(package, {"code": -1150, "msg": "Brand new request error."})
    assert in_range.category == "request"


def test_unknown_message_for_a_known_code(package: ModuleType) -> None:
    error = from_payload(package, {"code": -1003, "msg": "A message Binance never documented."})
    assert error.code is package.spot.ErrorCode.TOO_MANY_REQUESTS
    assert error.match is None and error.category == "rate_limit"


MALFORMED = {
    "not json": ("<html><body>502 Bad Gateway</body></html>", "not JSON"),
    "empty": ("", "not JSON"),
    "empty bytes": (b"", "not JSON"),
    "not utf-8": (b"\xff\xfe{", "not UTF-8"),
    "list": ("[1, 2]", "not a JSON object but list"),
    "number": (b"42", "not a JSON object but int"),
    "null": ("null", "not a JSON object but NoneType"),
    "none": (None, "no body"),
    "object()": (object(), "not a JSON object but object"),
    "no code": ({"msg": "Invalid symbol."}, "no 'code'"),
    "string code": ({"code": "-1121", "msg": "Invalid symbol."}, "'code' is not an integer"),
    "bool code": ({"code": True, "msg": "Invalid symbol."}, "'code' is not an integer"),
    "float code": ({"code": -1121.0, "msg": "Invalid symbol."}, "'code' is not an integer"),
    "nested too deep": ("[" * 100_000 + "]" * 100_000, "not JSON"),
    "error not object": ({"status": 400, "error": "boom"}, "no 'code'"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_payload_without_a_code(package: ModuleType, name: str) -> None:
    payload, problem = MALFORMED[name]
    error = from_payload(package, payload, http_status=502)
    assert error.code is None and error.match is None
    assert error.problem is not None and problem in error.problem
    assert error.category == "invalid_payload"
    assert error.execution_unknown and error.retryable  # HTTP 502: the outcome is unknown
    assert error.action == "reconcile"  # no method given: an order is checked first
    text = str(error)
    assert text.startswith("malformed Binance error payload from spot (HTTP 502): ")
    assert "\n" not in text and len(text) < 300


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"code": -1121}, "no 'msg'"),
        ({"code": -1121, "msg": None}, "'msg' is not a string"),
        ({"code": -1121, "msg": ["Invalid symbol."]}, "'msg' is not a string"),
    ],
)
def test_malformed_message_keeps_the_code(
    package: ModuleType, payload: object, problem: str
) -> None:
    error = from_payload(package, payload)
    assert error.code is package.spot.ErrorCode.BAD_SYMBOL
    assert error.msg == "" and error.match is None
    assert problem in error.problem
    assert error.category == "request"
    assert str(error).startswith("malformed Binance error payload for spot -1121 BAD_SYMBOL: ")


def test_unknown_product_is_the_callers_bug(package: ModuleType) -> None:
    known = ", ".join(package.PRODUCTS)
    with pytest.raises(ValueError, match=rf"^unknown product 'moon'; expected one of: {known}$"):
        package.BinanceAPIError.from_payload({"code": -1003, "msg": "x"}, product="moon")
    with pytest.raises(ValueError, match="unknown product"):
        package.BinanceAPIError.from_payload({"code": -1003, "msg": "x"}, product=None)
    with pytest.raises(TypeError, match="http_status must be an int or None, not str"):
        package.BinanceAPIError.from_payload({"code": -1003, "msg": "x"}, http_status="500")


@pytest.mark.parametrize("product_id", [product.id for product in read_spec(SPEC_PATH).products])
def test_every_product_works(package: ModuleType, product_id: str) -> None:
    module = getattr(package, product_id)
    for member in module.ErrorCode:
        message = member.messages[0] if member.messages else ""
        error = from_payload(package, {"code": int(member), "msg": message}, product=product_id)
        assert error.code is member and error.product == product_id
        advice = module.advice(int(member), msg=message)  # the code's, unless a message rule says
        assert (error.category, error.action) == (advice.category, advice.action)
        assert error.problem is None


def test_pickles_and_raises(package: ModuleType) -> None:
    error = from_payload(package, {"code": -1003, "msg": WEIGHT}, http_status=429)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error)
    assert (copy.code, copy.match, copy.category, copy.http_status, copy.payload) == (
        error.code,
        error.match,
        error.category,
        error.http_status,
        error.payload,
    )
    with pytest.raises(package.BinanceAPIError) as raised:
        raise error
    assert raised.value.retryable


def test_from_payload_imports_only_the_product_asked_for(generated_tree: Path) -> None:
    result = run_python(
        generated_tree,
        "from binance_errors import BinanceAPIError, PRODUCTS\n"
        'error = BinanceAPIError.from_payload(b\'{"code": -1003, "msg": "Too many requests queued."}\')\n'
        "loaded = sorted(m for m in sys.modules if m.startswith('binance_errors.'))\n"
        "print(error.code.name, loaded)\n",
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "TOO_MANY_REQUESTS ['binance_errors._advice', 'binance_errors._errors', 'binance_errors._matching', 'binance_errors._response', 'binance_errors._runtime', 'binance_errors._spot_data', 'binance_errors.spot']"
    )


CONSUMER = """\
from binance_errors import BinanceAPIError, MessageMatch, spot


def handle(body: bytes, status: int) -> str:
    error = BinanceAPIError.from_payload(body, product="spot", http_status=status)
    found: MessageMatch | None = error.match
    if error.execution_unknown:
        return "reconcile"
    if error.retryable and error.code == spot.ErrorCode.TOO_MANY_REQUESTS:
        return "back off"
    params: tuple[str, ...] = found.params if found is not None else ()
    return f"{error.category} {params}"
"""


def test_consumer_code_type_checks_against_the_package(
    generated_tree: Path, tmp_path: Path
) -> None:
    """``BinanceAPIError`` is loaded lazily, yet type checkers see it (mypy --strict)."""
    consumer = tmp_path / "consumer.py"
    consumer.write_text(CONSUMER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(consumer)],
        env={**os.environ, "MYPYPATH": str(generated_tree)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
