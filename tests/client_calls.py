"""Each client library sends a signed order or an account query, and we catch what it raises.

Standard library only at import: each function imports its client, so that
this module also serves the subprocess that runs binance-connector (whose
``binance`` package python-binance's would shadow in this process). Every
function takes the fake server's port, the API family (``spot`` or
``usdm``) and the call (``order``: a signed order, ``account``: a signed
account query), and returns the exception the client raised.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from collections.abc import Callable
from typing import Any

KEY = "k" * 64
SECRET = "s" * 64
HOSTS = {"spot": "api.binance.com", "usdm": "fapi.binance.com"}


class NothingRaisedError(AssertionError):
    """The client returned instead of raising: the fake server answered 2xx."""


def caught(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise NothingRaisedError("the client raised nothing")


async def caught_async(call: Callable[[], Any]) -> BaseException:
    try:
        await call()
    except Exception as exc:
        return exc
    raise NothingRaisedError("the client raised nothing")


def python_binance(port: int, family: str, kind: str) -> BaseException:
    """python-binance's ``Client`` (requests)."""
    from binance.client import Client

    client = Client(KEY, SECRET, ping=False)
    point_python_binance(client, port)
    calls = {
        ("spot", "order"): lambda: client.create_order(**SPOT_ORDER),
        ("spot", "account"): client.get_account,
        ("usdm", "order"): lambda: client.futures_create_order(**FUTURES_ORDER),
        ("usdm", "account"): client.futures_account,
    }
    return caught(calls[family, kind])


def python_binance_async(port: int, family: str, kind: str) -> BaseException:
    """python-binance's ``AsyncClient`` (aiohttp)."""

    async def run() -> BaseException:
        from binance.async_client import AsyncClient

        client = AsyncClient(KEY, SECRET)
        point_python_binance(client, port)
        calls = {
            ("spot", "order"): lambda: client.create_order(**SPOT_ORDER),
            ("spot", "account"): client.get_account,
            ("usdm", "order"): lambda: client.futures_create_order(**FUTURES_ORDER),
            ("usdm", "account"): client.futures_account,
        }
        try:
            return await caught_async(calls[family, kind])
        finally:
            await client.close_connection()

    return asyncio.run(run())


def point_python_binance(client: Any, port: int) -> None:
    client.API_URL = f"http://{HOSTS['spot']}:{port}/api"
    client.FUTURES_URL = f"http://{HOSTS['usdm']}:{port}/fapi"


SPOT_ORDER = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "1",
    "price": "1",
}
FUTURES_ORDER = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"}


def binance_connector(port: int, family: str, kind: str) -> BaseException:
    """binance-connector's ``Spot`` (requests); it has no futures client."""
    from binance.spot import Spot

    client = Spot(api_key=KEY, api_secret=SECRET, base_url=f"http://{HOSTS['spot']}:{port}")
    calls = {
        ("spot", "order"): lambda: client.new_order(**SPOT_ORDER),
        ("spot", "account"): client.account,
    }
    return caught(calls[family, kind])


def binance_sdk(port: int, family: str, kind: str) -> BaseException:
    """The modular SDK: ``binance-sdk-spot`` and ``binance-sdk-derivatives-trading-usds-futures``."""
    from binance_common.configuration import ConfigurationRestAPI

    # retries=0: the SDK resends a GET after a 5xx, with a back-off of seconds.
    config = ConfigurationRestAPI(
        api_key=KEY,
        api_secret=SECRET,
        base_path=f"http://{HOSTS[family]}:{port}",
        retries=0,
        timeout=10_000,
    )
    if family == "spot":
        from binance_sdk_spot.spot import Spot

        spot = Spot(config_rest_api=config).rest_api
        if kind == "order":
            return caught(lambda: spot.new_order(**SDK_SPOT_ORDER))
        return caught(spot.get_account)
    from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
        DerivativesTradingUsdsFutures,
    )

    futures = DerivativesTradingUsdsFutures(config_rest_api=config).rest_api
    if kind == "order":
        return caught(lambda: futures.new_order(**SDK_FUTURES_ORDER))
    return caught(futures.account_information_v2)


# The SDK takes its enums or their values; plain strings keep this module import-free.
SDK_SPOT_ORDER: dict[str, Any] = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "time_in_force": "GTC",
    "quantity": 1.0,
    "price": 1.0,
}
SDK_FUTURES_ORDER: dict[str, Any] = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "MARKET",
    "quantity": 1.0,
}


def ccxt_urls(urls: dict[str, Any], port: int) -> dict[str, Any]:
    """ccxt's ``urls['api']`` with every ``https://HOST/path`` on ``http://HOST:PORT/path``."""
    pointed: dict[str, Any] = {}
    for name, url in urls.items():
        if isinstance(url, str) and url.startswith("https://"):
            host, _, path = url.removeprefix("https://").partition("/")
            pointed[name] = f"http://{host}:{port}/{path}"
        else:
            pointed[name] = url
    return pointed


def ccxt_call(exchange: Any, family: str, kind: str) -> Any:
    """ccxt's implicit API methods: they call the endpoint directly, without loading markets."""
    if family == "spot":
        if kind == "order":
            return lambda: exchange.private_post_order(dict(SPOT_ORDER))
        return exchange.private_get_account
    if kind == "order":
        return lambda: exchange.fapiprivate_post_order(dict(FUTURES_ORDER))
    return exchange.fapiprivatev2_get_account


def ccxt_sync(port: int, family: str, kind: str) -> BaseException:
    """ccxt (requests): ``binance`` for Spot, ``binanceusdm`` for USDⓈ-M futures."""
    import ccxt

    exchange = (ccxt.binance if family == "spot" else ccxt.binanceusdm)(
        {"apiKey": KEY, "secret": SECRET, "timeout": 10_000}
    )
    exchange.urls["api"] = ccxt_urls(exchange.urls["api"], port)
    return caught(ccxt_call(exchange, family, kind))


def ccxt_async(port: int, family: str, kind: str) -> BaseException:
    """ccxt's ``async_support`` (aiohttp)."""

    async def run() -> BaseException:
        import ccxt.async_support as ccxt

        exchange = (ccxt.binance if family == "spot" else ccxt.binanceusdm)(
            {"apiKey": KEY, "secret": SECRET, "timeout": 10_000}
        )
        exchange.urls["api"] = ccxt_urls(exchange.urls["api"], port)
        try:
            return await caught_async(ccxt_call(exchange, family, kind))
        finally:
            await exchange.close()

    return asyncio.run(run())


CLIENTS: dict[str, Callable[[int, str, str], BaseException]] = {
    "python-binance": python_binance,
    "python-binance async": python_binance_async,
    "binance-connector": binance_connector,
    "binance-sdk": binance_sdk,
    "ccxt": ccxt_sync,
    "ccxt async": ccxt_async,
}


def error_fields(error: Any) -> dict[str, object]:
    """What a test compares of a ``BinanceAPIError``, as JSON-able values."""
    if error is None:
        return {"none": True}
    return {
        "code": None if error.code is None else int(error.code),
        "msg": error.msg,
        "http_status": error.http_status,
        "headers": dict(error.headers),
        "retry_after": error.retry_after,
        "category": error.category,
        "retryable": error.retryable,
        "execution_unknown": error.execution_unknown,
        "action": error.action,
        "template": None if error.match is None else error.match.template,
        "product": error.product,
        "url": error.url,
        "method": error.method,
        "incomplete": list(error.incomplete),
        "cause": type(error.__cause__).__name__,
    }


def readme_globals(client: str, port: int) -> dict[str, Any]:
    """What a README example of ``client`` takes as given: ``client`` or ``exchange``, made."""
    if client == "python-binance":
        from binance.client import Client

        made = Client(KEY, SECRET, ping=False)
        point_python_binance(made, port)
        return {"client": made}
    if client == "binance-connector":
        from binance.spot import Spot

        return {"client": Spot(KEY, SECRET, base_url=f"http://{HOSTS['spot']}:{port}")}
    if client == "binance-sdk":
        from binance_common.configuration import ConfigurationRestAPI
        from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
            DerivativesTradingUsdsFutures,
        )

        config = ConfigurationRestAPI(
            api_key=KEY, api_secret=SECRET, base_path=f"http://{HOSTS['usdm']}:{port}", retries=0
        )
        return {"client": DerivativesTradingUsdsFutures(config_rest_api=config)}
    if client == "ccxt":
        import ccxt

        exchange = ccxt.binanceusdm({"apiKey": KEY, "secret": SECRET})
    else:
        import ccxt.async_support

        exchange = ccxt.async_support.binance({"apiKey": KEY, "secret": SECRET})
    exchange.urls["api"] = ccxt_urls(exchange.urls["api"], port)
    return {"exchange": exchange}


def run_example(text: str, globs: dict[str, Any], name: str) -> tuple[int, int, str]:
    """Run one README example as a doctest: (failed, attempted, the failures' report)."""
    import doctest
    import io

    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    test = doctest.DocTestParser().get_doctest(text, globs, name, "README.md", 0)
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=flags)
    runner.run(test, out=report.write)
    failed, attempted = runner.summarize(verbose=False)
    return failed, attempted, report.getvalue()


def main() -> None:
    """The subprocess: read ``[client, port, [[family, kind], ...]]`` as JSON on stdin.

    For each call, print one JSON line: ``error_fields`` of ``from_exception``
    on what the client raised. With a README example's text in place of the
    calls, run it and print ``[failed, attempted, report]``. Every host name
    resolves to 127.0.0.1.
    """
    import importlib

    from tests.fake_binance import loopback_only

    error_class = importlib.import_module("binance_errors").BinanceAPIError
    socket.getaddrinfo = loopback_only(socket.getaddrinfo)  # type: ignore[assignment]
    client, port, calls = json.load(sys.stdin)
    if isinstance(calls, str):  # a README example
        failed, attempted, report = run_example(calls, readme_globals(client, port), client)
        print(json.dumps([failed, attempted, report]))
        return
    for family, kind in calls:
        exc = CLIENTS[client](port, family, kind)
        print(json.dumps(error_fields(error_class.from_exception(exc))), flush=True)


if __name__ == "__main__":
    main()
