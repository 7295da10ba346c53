"""The committed advice covers every documented code: a real category, coherent flags, a reason.

``spec/annotations.yaml`` is resolved against ``spec/errors.yaml`` as
``generate`` does. No documented code of any product may be left ``unknown``
(that category is for codes no page documents), every code carries a reason,
and a table of spot checks pins the decisions a trading program depends on
most: what is retried, what is reconciled before a resend, what stops.
"""

from __future__ import annotations

from functools import cache

import pytest

from scraper.annotations import Resolved, read_annotations, resolve_spec
from scraper.spec import read_spec
from tests.conftest import ANNOTATIONS_PATH, SPEC_PATH


@cache
def resolved() -> dict[str, dict[int, Resolved]]:
    annotations = read_annotations(ANNOTATIONS_PATH)
    found = resolve_spec(annotations, read_spec(SPEC_PATH), str(ANNOTATIONS_PATH))
    return {product_id: product.codes for product_id, product in found.items()}


def test_no_documented_code_is_unknown() -> None:
    left = [
        f"{product_id} {code}"
        for product_id, codes in resolved().items()
        for code, found in codes.items()
        if found.category == "unknown"
    ]
    assert left == []


def test_every_code_has_a_reason_and_a_declared_category() -> None:
    declared = {category.name for category in read_annotations(ANNOTATIONS_PATH).categories}
    for product_id, codes in resolved().items():
        for code, found in codes.items():
            assert found.reasons and all(reason.strip() for reason in found.reasons), (
                product_id,
                code,
            )
            assert found.category in declared, (product_id, code, found.category)


def test_every_product_is_covered() -> None:
    spec = read_spec(SPEC_PATH)
    assert set(resolved()) == {product.id for product in spec.products}
    for product in spec.products:
        assert set(resolved()[product.id]) == {entry.code for entry in product.errors}


# product, code, category, action, retryable, execution_unknown
SPOT_CHECKS = [
    # rate limits: waiting clears a request rate, not a standing cap
    ("wallet", -4005, "rate_limit", "retry", True, False),  # CAPAITAL_TOO_MANY_REQUEST
    ("margin", -12014, "rate_limit", "retry", True, False),  # more than 1 request in 2 s
    ("margin", -6009, "rate_limit", "retry", True, False),  # REQUEST_FREQUENCY_TOO_HIGH
    ("usdm", -2025, "rate_limit", "stop", False, False),  # MAX_OPEN_ORDER_EXCEEDED
    ("options", -6050, "rate_limit", "stop", False, False),  # max open orders on symbol
    ("wallet", -4023, "rate_limit", "stop", False, False),  # 24h withdrawal maximum
    ("margin", -13001, "rate_limit", "stop", False, False),  # BLVT 24h redemption limit
    # busy or failed on Binance's side
    ("margin", -3044, "server", "reconcile", True, True),  # SYSTEM_BUSY
    ("wallet", -1004, "server", "reconcile", True, True),  # SERVER_BUSY
    ("wallet", -10001, "server", "retry", True, False),  # SYSTEM_MAINTENANCE
    ("margin", -3037, "server", "retry", True, False),  # PNL_CLEARING, wait a second
    ("options", -4078, "server", "reconcile", True, True),  # options internal error
    # funds moved or maybe moved: check before resending
    ("wallet", -4027, "server", "reconcile", False, True),  # withdrawal tranId not obtained
    ("wallet", -3029, "server", "reconcile", False, True),  # TRANSFER_FAILED
    ("options", -3029, "server", "reconcile", False, True),  # TRANSFER_FAILED
    ("margin", -5010, "server", "reconcile", False, True),  # TRANSFER_FAIL
    ("wallet", -10016, "server", "reconcile", False, True),  # LOAN_FAILED
    ("wallet", -6013, "server", "reconcile", False, True),  # PURCHASING_FAILED
    ("margin", -2021, "order_rejected", "reconcile", False, True),  # cancel-replace partial
    ("usdm", -4083, "order_rejected", "reconcile", False, True),  # batch placement failed
    ("usdm", -4116, "request", "reconcile", False, True),  # clientOrderId duplicated
    ("options", -6044, "request", "reconcile", False, True),  # clientOrderId duplicated
    ("coinm", -4111, "request", "reconcile", False, True),  # clientTranId duplicated
    ("portfolio_margin", -5041, "rate_limit", "reconcile", True, True),  # queue timeout
    # clock
    ("usdm", -5028, "timing", "resync_and_retry", True, False),  # ME_RECVWINDOW_REJECT
    ("portfolio_margin", -5028, "timing", "resync_and_retry", True, False),
    ("coinm", -4188, "timing", "resync_and_retry", True, False),  # ME_INVALID_TIMESTAMP
    # the account must change
    ("usdm", -2019, "account", "stop", False, False),  # MARGIN_NOT_SUFFICIEN
    ("options", -2027, "account", "stop", False, False),  # OPTION_MARGIN_NOT_SUFFICIENT
    ("wallet", -4026, "account", "stop", False, False),  # insufficient balance (withdraw)
    ("usdm", -4109, "account", "stop", False, False),  # INACTIVE_ACCOUNT
    ("usdm", -4400, "account", "stop", False, False),  # reduce-only for a while, no time given
    ("options", -6055, "account", "stop", False, False),  # USER_LIQUIDATING
    ("options", -5009, "account", "stop", False, False),  # restricted jurisdiction IP
    ("margin", -3007, "account", "retry", True, False),  # pending transaction, try later
    ("wallet", -4014, "account", "retry", True, False),  # no withdrawal within 2 min of login
    # the order or request as sent
    ("usdm", -4164, "filter", "fix_request", False, False),  # MIN_NOTIONAL
    ("usdm", -4014, "filter", "fix_request", False, False),  # tick size
    ("coinm", -4155, "filter", "fix_request", False, False),  # stop price multiplier floor
    ("options", -4004, "filter", "fix_request", False, False),  # below min quantity
    ("usdm", -2021, "order_rejected", "fix_request", False, False),  # would trigger at once
    ("usdm", -4061, "order_rejected", "fix_request", False, False),  # position side mismatch
    ("usdm", -5022, "order_rejected", "fix_request", False, False),  # post-only would take
    ("options", -6046, "order_rejected", "fix_request", False, False),  # FOK not filled
    ("usdm", -1112, "order_rejected", "fix_request", False, False),  # empty book
    ("usdm", -4015, "request", "fix_request", False, False),  # client order id too long
    ("wallet", -4034, "request", "stop", False, False),  # address suspected fake
    # one code, different meanings per product
    ("coinm", -4087, "request", "fix_request", False, False),  # INVALID_PAIR
    ("usdm", -4087, "account", "stop", False, False),  # REDUCE_ONLY_ORDER_PERMISSION
    ("coinm", -4088, "request", "fix_request", False, False),  # INVALID_TIME_INTERVAL
    ("usdm", -4088, "account", "stop", False, False),  # NO_PLACE_ORDER_PERMISSION
    ("usdm", -5041, "order_rejected", "fix_request", False, False),  # BBO_ORDER_REJECT
    ("margin", -2018, "request", "fix_request", False, False),  # OTO_PENDING_SIDE_ERROR
    ("usdm", -2018, "account", "stop", False, False),  # BALANCE_NOT_SUFFICIENT
    # nothing to do, or nothing there
    ("usdm", -4046, "no_change", "fix_request", False, False),  # NO_NEED_TO_CHANGE_MARGIN_TYPE
    ("coinm", -4059, "no_change", "fix_request", False, False),  # position side already set
    ("usdm", -4054, "not_found", "fix_request", False, False),  # no position to add margin to
    ("wallet", -4029, "not_found", "fix_request", False, False),  # withdrawal record missing
    ("usdm", -4056, "auth", "stop", False, False),  # INVALID_API_KEY_TYPE
    ("usdm", -4120, "unsupported", "fix_request", False, False),  # use the Algo endpoints
]


@pytest.mark.parametrize(
    "check", SPOT_CHECKS, ids=[f"{check[0]}{check[1]}" for check in SPOT_CHECKS]
)
def test_spot_check(check: tuple[str, int, str, str, bool, bool]) -> None:
    product_id, code, *expected = check
    found = resolved()[product_id][code]
    assert [found.category, found.action, found.retryable, found.execution_unknown] == expected


def test_the_spot_checks_span_the_products() -> None:
    assert len(SPOT_CHECKS) >= 30
    assert {check[0] for check in SPOT_CHECKS} >= {
        "usdm",
        "coinm",
        "portfolio_margin",
        "options",
        "margin",
        "wallet",
    }
