"""Which product's error codes a Binance URL answers with: :func:`product_for_url`.

Binance serves each API from its own hosts, and the SAPI paths of
``api.binance.com`` from several documentation pages: the margin paths use the
margin page's list; every other SAPI path (wallet, sub-account, convert, algo,
copy trading, institutional loans, ...) uses the list that the wallet page and
those pages share. Standard library only; imports nothing at import time.
"""

from __future__ import annotations

SPOT_HOSTS = frozenset(
    {
        "api.binance.com",
        "api1.binance.com",
        "api2.binance.com",
        "api3.binance.com",
        "api4.binance.com",
        "api-gcp.binance.com",
        "data-api.binance.vision",
        "ws-api.binance.com",
    }
)
"""Spot REST and WebSocket API hosts (``/api``, ``/sapi``, ``/ws-api``)."""

SPOT_TESTNET_HOSTS = frozenset(
    {
        "testnet.binance.vision",
        "ws-api.testnet.binance.vision",
        "demo-api.binance.com",
        "demo-ws-api.binance.com",
    }
)
"""The Spot Test Network and demo trading (the same code list as the testnet page)."""

FUTURES_HOSTS = {
    "fapi.binance.com": "usdm",
    "ws-fapi.binance.com": "usdm",
    "demo-fapi.binance.com": "usdm",
    "dapi.binance.com": "coinm",
    "ws-dapi.binance.com": "coinm",
    "demo-dapi.binance.com": "coinm",
    "eapi.binance.com": "options",
    "papi.binance.com": "portfolio_margin",
}
"""Hosts that serve one product only."""

FUTURES_PATHS = {"fapi": "usdm", "ws-fapi": "usdm", "dapi": "coinm", "ws-dapi": "coinm"}
"""First path segment on the shared futures testnet host (``testnet.binancefuture.com``)."""

SHARED_FUTURES_HOSTS = frozenset({"testnet.binancefuture.com"})

MARGIN_SAPI = ("margin", "bnbBurn", "userDataStream", "userListenToken")
"""SAPI path segments (after the version) documented on the margin trading page."""


def product_for_url(url: object) -> str | None:
    """The product whose error codes ``url`` answers with, or None for any other URL.

    ``url`` is a string (or an object whose ``str()`` is one, such as
    ``yarl.URL`` or ``httpx.URL``), with or without a scheme, ``https``,
    ``wss`` or none. Hosts are compared without case and without a port; a
    path without a host says nothing. Never raises.
    """
    try:
        text = "" if url is None else str(url).strip()
    except Exception:  # whatever a foreign URL object does, it says nothing
        return None
    host, segments = split_url(text)
    if host in FUTURES_HOSTS:
        return FUTURES_HOSTS[host]
    if host in SHARED_FUTURES_HOSTS:
        return FUTURES_PATHS.get(segments[0]) if segments else None
    if host in SPOT_TESTNET_HOSTS:
        return "spot_testnet"
    return spot_host_product(segments) if host in SPOT_HOSTS else None


def split_url(text: str) -> tuple[str, list[str]]:
    """The lower-case host (no port, no credentials) and the path's non-empty segments.

    Without a scheme the text is taken as ``host/path`` (``fapi.binance.com/fapi/v1``),
    unless it starts with ``/``: a bare path has no host.
    """
    if "://" in text:
        rest = text.split("://", 1)[1]
    elif text.startswith("//"):
        rest = text[2:]
    else:
        rest = "" if text.startswith("/") else text
    authority, _, path = rest.partition("/")
    host = authority.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    path = path.split("?", 1)[0].split("#", 1)[0]
    return host, [segment for segment in path.split("/") if segment]


def spot_host_product(segments: list[str]) -> str | None:
    """``spot`` for ``/api`` and ``/ws-api`` paths; ``margin`` or ``wallet`` for ``/sapi``."""
    if not segments:
        return "spot"
    if segments[0] == "sapi":
        resource = segments[2] if len(segments) > 2 else ""
        return "margin" if resource in MARGIN_SAPI else "wallet"
    if segments[0] == "wapi":
        return "wallet"
    return "spot"
