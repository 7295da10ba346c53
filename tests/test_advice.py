"""The decision: from_response applies the code's advice, the HTTP rules and the method.

Every case goes through the generated package rendered from the committed spec
and annotations (the ``package`` fixture), the way a trading program calls it.
The cited sources are checked against Binance's saved pages.
"""

from __future__ import annotations

import json
import pickle
import re
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.annotations import ACTIONS, read_annotations
from tests.conftest import ANNOTATIONS_PATH, upstream_file

TIMEOUT = "Timeout waiting for response from backend server. Send status unknown; execution status unknown."
THROTTLED = (
    "Request throttled by system-level protection. Reduce-only/close-position orders are exempt."
    " Please try again."
)
UNKNOWN_503 = "Unknown error, please check your request or try again later."
FAPI_ORDER = "https://fapi.binance.com/fapi/v1/order"
SPOT_ORDER = "https://api.binance.com/api/v3/order"


def respond(package: ModuleType, status: int | None, body: object, **options: Any) -> Any:
    return package.BinanceAPIError.from_response(status, body, **options)


def body(code: int, msg: str) -> bytes:
    return json.dumps({"code": code, "msg": msg}).encode()


# -- one decision per response: (product, status, body, method) -> action -----------

CASES = [
    # Spot: every 5XX is execution unknown; an order is reconciled, a query resent.
    (
        "spot",
        500,
        body(-1000, "An unknown error occurred while processing the request."),
        "POST",
        "reconcile",
    ),
    (
        "spot",
        500,
        body(-1000, "An unknown error occurred while processing the request."),
        "GET",
        "retry",
    ),
    ("spot", 502, b"<html><body>502 Bad Gateway</body></html>", "POST", "reconcile"),
    ("spot", 502, b"<html><body>502 Bad Gateway</body></html>", "GET", "retry"),
    ("spot", 503, body(-1007, TIMEOUT), "DELETE", "reconcile"),
    ("spot", 409, body(-2021, "Order cancel-replace partially failed."), "POST", "reconcile"),
    ("spot", 429, body(-1003, "Too many requests queued."), "POST", "retry"),
    (
        "spot",
        418,
        body(-1003, "Way too much request weight used; IP banned until 1700000000000."),
        "POST",
        "retry",
    ),
    ("spot", 403, b"<html>403 Forbidden</html>", "POST", "stop"),
    (
        "spot",
        400,
        body(-1021, "Timestamp for this request is outside of the recvWindow."),
        "POST",
        "resync_and_retry",
    ),
    ("spot", 400, body(-1013, "Filter failure: LOT_SIZE"), "POST", "fix_request"),
    ("spot", 401, body(-2015, "Invalid API-key, IP, or permissions for action."), "POST", "stop"),
    ("spot_testnet", 500, b"", None, "reconcile"),
    # USDⓈ-M futures: the HTTP 503 variants, JSON or text, and -1008.
    ("usdm", 503, b"Service Unavailable.", "POST", "retry"),
    ("usdm", 503, json.dumps({"msg": "Service Unavailable."}), "POST", "retry"),
    (
        "usdm",
        503,
        body(-1001, "Internal error; unable to process your request. Please try again."),
        "POST",
        "retry",
    ),
    ("usdm", 503, UNKNOWN_503, "POST", "reconcile"),
    ("usdm", 503, body(-1000, UNKNOWN_503), "GET", "retry"),
    ("usdm", 503, body(-1008, THROTTLED), "POST", "reconcile"),
    ("usdm", 503, body(-1008, THROTTLED), "GET", "retry"),
    ("usdm", 400, body(-1008, THROTTLED), "POST", "reconcile"),
    ("usdm", 408, body(-1007, TIMEOUT), "POST", "reconcile"),
    ("usdm", 504, b"<html>504 Gateway Time-out</html>", "POST", "reconcile"),
    (
        "usdm",
        401,
        body(-2015, "Invalid API-key, IP, or permissions for action, request ip: 203.0.113.9"),
        "GET",
        "stop",
    ),
    (
        "usdm",
        400,
        body(-1021, "Timestamp for this request is outside of the recvWindow."),
        "POST",
        "resync_and_retry",
    ),
    (
        "usdm",
        429,
        body(-1003, "Too many requests; current limit is 2400 requests per minute."),
        "GET",
        "retry",
    ),
    # COIN-M, portfolio margin and options document the same variants.
    ("coinm", 503, b"Service Unavailable.", "POST", "retry"),
    ("coinm", 408, body(-1007, TIMEOUT), "POST", "reconcile"),
    ("portfolio_margin", 503, UNKNOWN_503, "POST", "reconcile"),
    ("portfolio_margin", 500, "Request occur unknown error.", "POST", "reconcile"),
    ("options", 503, b"Service Unavailable.", "POST", "retry"),
    ("options", 408, body(-1007, TIMEOUT), "POST", "reconcile"),  # -1007 is not on its page
    ("options", 400, body(-1006, "An unexpected response was received."), "GET", "retry"),
    # Margin and wallet: the SAPI pages say what Spot's says of 5XX.
    ("margin", 500, b"", "POST", "reconcile"),
    ("wallet", 504, b"<html>504</html>", "GET", "retry"),
    ("wallet", 409, b"{}", "POST", "reconcile"),
]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c[0]}-{c[1]}-{c[3]}-{i}" for i, c in enumerate(CASES)]
)
def test_one_action_per_response(
    package: ModuleType, case: tuple[str, int, object, str | None, str]
) -> None:
    product, status, payload, method, action = case
    error = respond(package, status, payload, product=product, method=method)
    assert error.action == action, (error.action, error.reasons)
    assert error.action in ACTIONS
    assert (action == "reconcile") == (error.execution_unknown and method != "GET")
    assert error.reasons and error.reason == error.reasons[0]
    if action in ("retry", "resync_and_retry"):
        assert error.retryable


def test_the_futures_503_variants_set_the_flags_binance_gives(package: ModuleType) -> None:
    failure = respond(package, 503, b"Service Unavailable.", product="usdm")
    assert (failure.category, failure.retryable, failure.execution_unknown) == (
        "server",
        True,
        False,
    )
    assert failure.sources == (
        "https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info"
        "#b-service-unavailable-failure",
    )
    unknown = respond(package, 503, UNKNOWN_503, product="usdm")
    assert unknown.execution_unknown and unknown.action == "reconcile"
    assert "UNKNOWN" in unknown.reason
    # The same text under another status is not the documented variant: the 5XX rule decides.
    other = respond(package, 500, b"Service Unavailable.", product="usdm")
    assert other.execution_unknown and other.action == "reconcile"
    # A variant differing only in case, spacing or the final period is the variant.
    assert respond(package, 503, b"service  unavailable", product="usdm").action == "retry"


def test_a_field_report_makes_futures_1008_safe(package: ModuleType) -> None:
    error = respond(package, 503, body(-1008, THROTTLED), product="usdm", method="POST")
    assert error.retryable and error.execution_unknown and error.action == "reconcile"
    assert any("banbox/banbot/issues/114" in reason for reason in error.reasons)


def test_universal_codes_keep_their_meaning_where_the_page_omits_them(package: ModuleType) -> None:
    options = package.options
    assert options.lookup(-1007) is None  # the page does not list it
    timeout = options.annotation(-1007)
    assert timeout.execution_unknown and timeout.action == "reconcile"
    assert options.annotation(-1003).category == "rate_limit"
    error = respond(package, None, body(-1007, TIMEOUT), product="options", method="POST")
    assert error.code == -1007 and error.execution_unknown and error.action == "reconcile"


@pytest.mark.parametrize(
    ("product", "msg", "category", "action"),
    [
        ("spot", "Account has insufficient balance for requested action.", "account", "stop"),
        ("spot", "account has insufficient balance for requested action", "account", "stop"),
        ("spot", "Order would immediately match and take.", "order_rejected", "fix_request"),
        ("spot", "Duplicate order sent.", "order_rejected", "reconcile"),
        ("spot", "Market is closed.", "order_rejected", "stop"),
        ("spot", "This account may not place or cancel orders.", "account", "stop"),
        ("spot", "Rest API trading is not enabled.", "unsupported", "fix_request"),
        ("margin", "Account has insufficient balance for requested action.", "account", "stop"),
        ("wallet", "Unknown order sent.", "not_found", "fix_request"),
    ],
)
def test_a_message_narrows_a_code_whose_messages_differ(
    package: ModuleType, product: str, msg: str, category: str, action: str
) -> None:
    error = respond(package, 400, body(-2010, msg), product=product, method="POST")
    assert (error.category, error.action) == (category, action), error.reasons
    base = getattr(package, product).annotation(-2010).reasons
    assert error.reasons[-len(base) :] == base  # the message's reason, if any, comes first


def test_message_rules_come_before_http_rules(package: ModuleType) -> None:
    msg = "Account has insufficient balance for requested action."
    error = respond(package, 503, body(-2010, msg), product="spot", method="POST")
    assert error.category == "account"  # the message says what failed
    assert error.action == "reconcile"  # the 5XX says it may have happened anyway
    assert error.reason.startswith("HTTP 5XX")


def test_the_method_turns_reconcile_into_retry_only_for_queries(package: ModuleType) -> None:
    advice = package.usdm.advice
    for method, action in [
        ("GET", "retry"),
        ("get", "retry"),
        ("HEAD", "retry"),
        ("POST", "reconcile"),
        ("PUT", "reconcile"),
        ("DELETE", "reconcile"),
        (None, "reconcile"),
        ("order.place", "reconcile"),
    ]:
        assert advice(-1007, method=method).action == action, method
    assert advice(-2019, method="GET").action == advice(-2019, method="POST").action


# -- what to wait: Retry-After and the ban time -------------------------------------


def test_retry_after_comes_from_the_header(package: ModuleType) -> None:
    headers = {"Retry-After": "30", "X-MBX-USED-WEIGHT-1M": "6001", "x-mbx-order-count-10s": "12"}
    error = respond(package, 429, body(-1003, "Too many requests queued."), headers=headers)
    assert error.retry_after == 30.0
    assert error.headers == {"X-MBX-USED-WEIGHT-1M": 6001, "X-MBX-ORDER-COUNT-10S": 12}


def test_retry_after_as_an_http_date(package: ModuleType) -> None:
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 120))
    error = respond(package, 429, b"{}", headers=[("retry-after", later)])
    assert error.retry_after is not None and 100 <= error.retry_after <= 121


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(600, 600.0), (-600, 0.0)],
    ids=["ban in the future", "ban already over"],
)
def test_retry_after_from_a_ban_time(package: ModuleType, offset: int, expected: float) -> None:
    now = 1_700_000_000.0
    until = int((now + offset) * 1000)
    msg = f"Way too many requests; IP(203.0.113.9) banned until {until}. Please use the websocket."
    error = package.BinanceAPIError.from_parts(418, body(-1003, msg), product="usdm", now=now)
    assert error.retry_after == pytest.approx(expected)
    assert error.action == "retry" and error.category == "rate_limit"
    live = respond(package, 418, body(-1003, msg), product="usdm")
    assert live.retry_after is not None and live.retry_after >= 0


def test_the_header_wins_over_the_ban_time(package: ModuleType) -> None:
    msg = f"Way too many requests; IP banned until {int(time.time() * 1000) + 600_000}."
    error = respond(package, 418, body(-1003, msg), headers={"Retry-After": "5"})
    assert error.retry_after == 5.0


@pytest.mark.parametrize(
    "value", ["soon", "-5", "1.5e3", "", "٣٠", "Mon, 99 Foo 2025 25:61:61 GMT", "Tue, 15 Nov 1994"]
)
def test_a_retry_after_that_is_not_a_number_says_nothing(package: ModuleType, value: str) -> None:
    headers = {"Retry-After": value, "X-MBX-USED-WEIGHT-1M": value}
    error = respond(package, 429, body(-1003, "Too many requests queued."), headers=headers)
    assert error.retry_after is None
    assert error.headers == {}
    assert error.action == "retry"


# -- which product: the URL says (every host family: tests/test_urls.py) ----------------


class BrokenUrl:
    def __str__(self) -> str:
        raise RuntimeError("no text")


def test_from_response_takes_the_product_from_the_url(package: ModuleType) -> None:
    error = respond(package, 400, body(-2019, "Margin is insufficient."), url=FAPI_ORDER)
    assert error.product == "usdm" and error.code.name == "MARGIN_NOT_SUFFICIEN"
    assert error.url == FAPI_ORDER
    explicit = respond(package, 400, body(-2019, "x"), url=FAPI_ORDER, product="coinm")
    assert explicit.product == "coinm"
    assert respond(package, 400, body(-1013, "x"), url="https://example.com").product == "spot"
    assert respond(package, 400, body(-1013, "x"), url=BrokenUrl()).product == "spot"


# -- bad input: a result, or TypeError for the caller's own mistake ---------------------


@pytest.mark.parametrize(
    "payload",
    [
        None,
        b"",
        b"\xff\xfe",
        "<html>",
        "[]",
        "42",
        '{"code": "x"}',
        {"error": 5},
        [1],
        3.5,
        object(),
    ],
)
def test_any_body_gives_an_error_never_an_exception(package: ModuleType, payload: object) -> None:
    error = respond(package, 500, payload, product="wallet", method="POST")
    assert error.code is None and error.problem
    assert error.category == "invalid_payload" and error.action == "reconcile"


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"status": "500"}, "status must be an int or None, not str"),
        ({"status": True}, "status must be an int or None, not bool"),
        ({"headers": 42}, "headers must be a mapping or (name, value) pairs, not int"),
        (
            {"headers": "Retry-After: 5"},
            "headers must be a mapping or (name, value) pairs, not str",
        ),
        ({"headers": [("a", "b", "c")]}, "headers must be (name, value) pairs"),
        ({"method": 1}, "method must be a str or None, not int"),
    ],
)
def test_the_callers_type_mistakes_raise_type_error(
    package: ModuleType, options: dict[str, Any], problem: str
) -> None:
    status = options.pop("status", 400)
    with pytest.raises(TypeError, match=re.escape(problem)):
        respond(package, status, b"{}", **options)


def test_headers_of_other_types_are_skipped(package: ModuleType) -> None:
    headers = {"Retry-After": 7, b"X-MBX-USED-WEIGHT-1M": b"12", "X-MBX-ORDER-COUNT-1D": None}
    error = respond(package, 429, b"{}", headers=headers)
    assert error.retry_after is None  # 7 is not text: a server sends text
    assert error.headers == {"X-MBX-USED-WEIGHT-1M": 12}


RESPONSES = st.fixed_dictionaries(
    {
        "status": st.one_of(st.none(), st.integers(100, 599)),
        "body": st.one_of(
            st.none(),
            st.binary(max_size=200),
            st.text(max_size=200),
            st.dictionaries(
                st.sampled_from(["code", "msg", "status", "error", "x"]),
                st.one_of(st.integers(), st.text(max_size=50), st.none(), st.booleans()),
            ),
        ),
        "headers": st.dictionaries(
            st.sampled_from(["Retry-After", "X-MBX-USED-WEIGHT-1M", "Content-Type"]),
            st.text(max_size=30),
        ),
        "method": st.one_of(st.none(), st.sampled_from(["GET", "POST", "DELETE", "put"])),
        "product": st.sampled_from(
            ["spot", "usdm", "coinm", "options", "portfolio_margin", "margin", "wallet"]
        ),
    }
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(response=RESPONSES)
def test_from_response_never_raises_on_what_a_server_sends(
    package: ModuleType, response: dict[str, Any]
) -> None:
    status, payload = response.pop("status"), response.pop("body")
    error = respond(package, status, payload, **response)
    method = response["method"]
    assert error.action in ACTIONS
    assert (error.action == "reconcile") == (
        error.execution_unknown and (method or "").upper() != "GET"
    )
    assert error.retry_after is None or error.retry_after >= 0
    assert "\n" not in str(error)


def test_errors_pickle_with_their_advice(package: ModuleType) -> None:
    error = respond(
        package,
        429,
        body(-1003, "Too many requests queued."),
        headers={"Retry-After": "3"},
        method="POST",
    )
    copy = pickle.loads(pickle.dumps(error))
    for field in (
        "code",
        "msg",
        "action",
        "reasons",
        "sources",
        "retry_after",
        "headers",
        "method",
    ):
        assert getattr(copy, field) == getattr(error, field), field


# -- every cited source exists -------------------------------------------------------


def saved_pages() -> dict[str, str]:
    """Each saved general-information page's URL (its front matter) and text."""
    folder = upstream_file("general-info")
    pages = {}
    for path in sorted(Path(folder).glob("*.md")):
        if path.name == "INDEX.md":
            continue
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^source_url: (\S+)$", text, re.MULTILINE)
        assert found, path
        pages[found.group(1)] = text
    return pages


def anchors_of(url: str, text: str) -> set[str]:
    """The anchors a page offers: its permalinks, and the slugs of its headings."""
    path = re.sub(r"^https://developers\.binance\.com", "", url)
    links = set(re.findall(rf"\]\({re.escape(path)}#([^\s)\"]+)", text))
    headings = re.findall(r"^#{1,6} +(.+?)\s*$", text, re.MULTILINE)
    slugs = {
        re.sub(r"[^\w\- ]", "", h.split("[")[0].strip().lower()).replace(" ", "-") for h in headings
    }
    return links | slugs


def cited_sources() -> set[str]:
    annotations = read_annotations(ANNOTATIONS_PATH)
    cited = {rule.source for rule in annotations.rules if rule.source}
    cited |= {rule.source for rule in annotations.messages if rule.source}
    return cited | {rule.source for rule in annotations.http if rule.source}


def test_every_cited_anchor_exists_in_the_saved_page() -> None:
    pages = saved_pages()
    sources = cited_sources()
    assert len(sources) >= 10
    missing = []
    for source in sorted(sources):
        page, _, anchor = source.partition("#")
        assert page in pages, f"{source}: no saved page (../shared/upstream/general-info)"
        if anchor not in anchors_of(page, pages[page]):
            missing.append(source)
    assert not missing


def test_the_anchor_check_can_fail() -> None:
    pages = saved_pages()
    page = "https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info"
    anchors = anchors_of(page, pages[page])
    assert "b-service-unavailable-failure" in anchors and "http-return-codes" in anchors
    assert "c-service-unavailable-failure" not in anchors
