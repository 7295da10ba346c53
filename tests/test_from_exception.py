"""``BinanceAPIError.from_exception`` on exceptions made here: foreign ones, look-alikes, overrides.

The real clients' exceptions, raised by real requests, are in
``tests/test_clients.py``; these are the cases a fake server cannot produce
(an exception that is not Binance's, a ccxt text without a response) and
the promise that importing the package imports no client.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import pytest

from tests.conftest import run_python

ORDER_REJECTED = '{"code":-2010,"msg":"Account has insufficient balance for requested action."}'


def client_class(module: str, name: str, base: type[BaseException] = Exception) -> type[Any]:
    """An exception class that says it lives in ``module``, as a client's does."""
    return type(name, (base,), {"__module__": module})


def raised(exc: BaseException) -> BaseException:
    """``exc`` with a traceback, as a client hands it over."""
    try:
        raise exc
    except BaseException as caught:
        return caught


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("boom"),
        KeyError("code"),
        client_class("binance.exceptions", "BinanceRequestException")("Invalid Response: <html>"),
        client_class("binance.error", "ParameterRequiredError")(["symbol"]),
        client_class("binance_common.errors", "NetworkError")("Network error: refused"),
        client_class("binance_common.errors", "RequiredError")("symbol"),
        client_class("ccxt.base.errors", "RequestTimeout")(
            "binance POST https://api.binance.com/api/v3/order"
        ),
        client_class("ccxt.base.errors", "BaseError")('kraken {"error": ["EAPI:Invalid key"]}'),
        client_class("somewhere.else", "BinanceAPIException")(None, 400, ORDER_REJECTED),
    ],
    ids=lambda exc: f"{type(exc).__module__}.{type(exc).__name__}",
)
def test_an_exception_that_is_not_a_binance_response_gives_none(
    package: ModuleType, exc: BaseException
) -> None:
    assert package.BinanceAPIError.from_exception(raised(exc)) is None


def test_ccxt_text_is_read_only_when_ccxt_was_handling_a_response(package: ModuleType) -> None:
    """ccxt's own errors (an argument missing, an unknown symbol) look the same: they are not Binance's."""
    invalid = client_class("ccxt.base.errors", "BaseError")
    own = raised(invalid("binance createOrder() requires a price argument"))
    assert package.BinanceAPIError.from_exception(own) is None

    def handle_errors() -> None:  # the name ccxt's response handler has
        raise invalid("binance Account has insufficient balance for requested action.")

    try:
        handle_errors()
    except BaseException as exc:
        error = package.BinanceAPIError.from_exception(exc)
    assert error.code is None and error.msg.startswith("Account has insufficient balance")
    assert error.incomplete == ("code", "http_status", "headers", "url", "method", "product")
    assert error.execution_unknown and error.action == "reconcile"  # nothing rules out a 5xx


class LookAlikeError(Exception):
    """Has the names of python-binance's exception, and values of the wrong types."""

    __module__ = "binance.exceptions"
    status_code = "400"
    response = object()


def test_a_look_alike_with_other_types_gives_none(package: ModuleType) -> None:
    LookAlikeError.__name__ = "BinanceAPIException"
    assert package.BinanceAPIError.from_exception(LookAlikeError("x")) is None
    broken = client_class("binance.error", "ClientError")()
    broken.status_code, broken.error_code, broken.header = 400, -2010, 42  # headers not a mapping
    broken.error_message = "Account has insufficient balance for requested action."
    error = package.BinanceAPIError.from_exception(broken)  # never raises for what it is given
    assert int(error.code) == -2010 and error.headers == {} and error.action == "stop"


def test_not_an_exception_is_the_callers_bug(package: ModuleType) -> None:
    with pytest.raises(TypeError, match="exc must be an exception, not dict"):
        package.BinanceAPIError.from_exception({"code": -2010})


def sdk_server_error(package_name: str) -> BaseException:
    """The modular SDK's ServerError, raised from a module of ``package_name``."""
    server_error = client_class("binance_common.errors", "ServerError")
    exc = server_error("Server error: 503")
    exc.error_message, exc.status_code = "Server error: 503", 503
    namespace: dict[str, Any] = {"__name__": f"{package_name}.rest_api.api", "exc": exc}
    exec("def new_order():\n    raise exc\n", namespace)  # a frame of that module
    try:
        namespace["new_order"]()
    except BaseException as caught:
        return caught
    raise AssertionError


def test_the_callers_method_and_product_win(package: ModuleType) -> None:
    exc = sdk_server_error("binance_sdk_derivatives_trading_usds_futures")
    error = package.BinanceAPIError.from_exception(exc)
    assert error.product == "usdm" and error.method is None
    assert error.incomplete == ("code", "msg", "headers", "url", "method")
    assert error.action == "reconcile" and error.execution_unknown  # a 5xx, method unknown
    query = package.BinanceAPIError.from_exception(exc, method="GET", product="spot")
    assert query.product == "spot" and query.method == "GET"
    assert query.incomplete == ("code", "msg", "headers", "url")
    assert query.action == "retry"  # a GET whose outcome is unknown is simply resent
    assert query.__cause__ is exc


def test_without_url_or_client_the_product_is_assumed_and_said(package: ModuleType) -> None:
    exc = sdk_server_error("my_own_code")
    error = package.BinanceAPIError.from_exception(exc)
    assert error.product == "spot" and error.incomplete[-1] == "product"


def test_sdk_retry_after_survives_without_the_headers(package: ModuleType) -> None:
    banned = client_class("binance_common.errors", "RateLimitBanError")()
    banned.error_message = "Way too much request weight used; IP banned until 4102444800000."
    banned.status_code, banned.retry_after = -1003, 120
    error = package.BinanceAPIError.from_exception(raised(banned))
    assert (error.http_status, int(error.code), error.retry_after) == (418, -1003, 120.0)
    assert error.headers == {} and "headers" in error.incomplete


def test_the_cause_and_traceback_stay(package: ModuleType) -> None:
    exc = sdk_server_error("binance_sdk_spot")
    error = package.BinanceAPIError.from_exception(exc)
    assert error.__cause__ is exc and isinstance(exc.__traceback__, TracebackType)
    with pytest.raises(package.BinanceAPIError) as caught:
        raise error
    assert caught.value.__cause__ is exc


def test_importing_the_package_imports_no_client_and_no_http_library(
    generated_tree: Path,
) -> None:
    result = run_python(
        generated_tree,
        "import binance_errors\n"
        "from binance_errors import BinanceAPIError, product_for_url\n"
        "assert BinanceAPIError.from_exception(ValueError()) is None\n"
        "assert product_for_url('https://fapi.binance.com/fapi/v1/order') == 'usdm'\n"
        "bad = {'binance', 'binance_common', 'ccxt', 'requests', 'aiohttp', 'urllib3', 'httpx',\n"
        "       'http', 'http.client', 'urllib.request', 'socket', 'ssl', 'asyncio'}\n"
        "print(sorted(bad.intersection(sys.modules)))\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
