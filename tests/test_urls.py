"""``product_for_url``: every Binance REST and WebSocket API host and path family, and nothing else."""

from __future__ import annotations

from types import ModuleType

import pytest

FAMILIES = {
    # Spot REST, on every host Binance lists, and its WebSocket API.
    "https://api.binance.com/api/v3/order": "spot",
    "https://api1.binance.com/api/v3/account": "spot",
    "https://api2.binance.com/api/v3/order": "spot",
    "https://api3.binance.com/api/v3/order": "spot",
    "https://api4.binance.com/api/v3/order": "spot",
    "https://api-gcp.binance.com/api/v3/order": "spot",
    "https://data-api.binance.vision/api/v3/klines": "spot",
    "wss://ws-api.binance.com:443/ws-api/v3": "spot",
    # The Spot testnet and demo trading, REST and WebSocket API.
    "https://testnet.binance.vision/api/v3/order": "spot_testnet",
    "wss://ws-api.testnet.binance.vision/ws-api/v3": "spot_testnet",
    "https://demo-api.binance.com/api/v3/order": "spot_testnet",
    "wss://demo-ws-api.binance.com/ws-api/v3": "spot_testnet",
    # Futures, options, portfolio margin: one host each, with their testnets.
    "https://fapi.binance.com/fapi/v1/order": "usdm",
    "https://fapi.binance.com/futures/data/openInterestHist": "usdm",
    "wss://ws-fapi.binance.com/ws-fapi/v1": "usdm",
    "https://demo-fapi.binance.com/fapi/v1/order": "usdm",
    "https://testnet.binancefuture.com/fapi/v1/order": "usdm",
    "wss://testnet.binancefuture.com/ws-fapi/v1": "usdm",
    "https://dapi.binance.com/dapi/v1/order": "coinm",
    "https://demo-dapi.binance.com/dapi/v1/order": "coinm",
    "https://testnet.binancefuture.com/dapi/v1/order": "coinm",
    "https://eapi.binance.com/eapi/v1/order": "options",
    "https://papi.binance.com/papi/v1/um/order": "portfolio_margin",
    # SAPI: the margin paths use the margin page's list ...
    "https://api.binance.com/sapi/v1/margin/order": "margin",
    "https://api.binance.com/sapi/v1/margin/loan": "margin",
    "https://api.binance.com/sapi/v1/bnbBurn": "margin",
    "https://api.binance.com/sapi/v1/userDataStream": "margin",
    # ... every other path the wallet page's, which algo, convert, copy trading,
    # sub-account and institutional loans share (../shared/upstream/captures/INDEX.md).
    "https://api.binance.com/sapi/v1/capital/withdraw/apply": "wallet",
    "https://api.binance.com/sapi/v1/algo/futures/newOrderVp": "wallet",
    "https://api.binance.com/sapi/v1/convert/getQuote": "wallet",
    "https://api.binance.com/sapi/v1/copyTrading/futures/userStatus": "wallet",
    "https://api.binance.com/sapi/v1/sub-account/list": "wallet",
    "https://api.binance.com/sapi/v1/margin-loan/flexible/borrow": "wallet",
    "https://api.binance.com/sapi/v1/asset/transfer": "wallet",
}


@pytest.mark.parametrize(("url", "product"), FAMILIES.items())
def test_every_family(package: ModuleType, url: str, product: str) -> None:
    assert package.product_for_url(url) == product


@pytest.mark.parametrize(
    "url",
    [
        "https://api.binance.us/api/v3/order",  # Binance.US: another company, other pages
        "https://www.binance.com/bapi/composite/v1/public/cms/article",
        "https://stream.binance.com:9443/ws/btcusdt@trade",  # market streams answer no errors
        "http://127.0.0.1:8080/api/v3/order",
        "https://api.binance.com.evil.example/api/v3/order",
        "/api/v3/order",
        "",
        None,
        42,
    ],
)
def test_anything_else_is_none(package: ModuleType, url: object) -> None:
    assert package.product_for_url(url) is None


def test_a_port_case_and_no_scheme_change_nothing(package: ModuleType) -> None:
    assert package.product_for_url("HTTP://FAPI.Binance.COM:8443/fapi/v1/order") == "usdm"
    assert package.product_for_url("dapi.binance.com/dapi/v1/order") == "coinm"
    assert package.product_for_url("https://user:pw@fapi.binance.com/fapi/v1/order") == "usdm"
    assert (
        package.product_for_url("https://api.binance.com/sapi/v1/userDataStream/isolated")
        == "margin"
    )


def test_from_response_uses_the_url_when_no_product_is_given(package: ModuleType) -> None:
    body = '{"code":-4164,"msg":"Order\'s notional must be no smaller than 5."}'
    error = package.BinanceAPIError.from_response(
        400, body, url="https://fapi.binance.com/fapi/v1/order", method="POST"
    )
    assert error.product == "usdm" and error.code.name == "MIN_NOTIONAL"
    assert package.BinanceAPIError.from_response(400, body, product="coinm").product == "coinm"
