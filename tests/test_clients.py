"""``BinanceAPIError.from_exception`` against the real client libraries and a fake Binance.

Each client sends a real signed request (an order, an account query) to a
fake Binance on 127.0.0.1 (:mod:`tests.fake_binance`; every host name
resolves there while these tests run), which answers with one of
:data:`CASES`. What the client raises goes through ``from_exception``; the
response the server sent goes through ``from_response``. The two must agree
on every field the client kept; ``incomplete`` must name exactly the fields
:func:`expected_lost` says the client drops; and where they differ, the
exception's advice must be the safe one (:func:`assert_safe`).

binance-connector runs in a subprocess with ``.venv/binance-connector``
first on ``sys.path`` (its ``binance`` package is also python-binance's
name). ``pytest -s tests/test_clients.py -p no:xdist`` prints the table
client x case -> fields kept and lost.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.client_calls import CLIENTS, error_fields, readme_globals, run_example
from tests.conftest import REPO, without_coverage
from tests.fake_binance import HTML, JSON, TEXT, FakeBinance, Reply, Request, loopback_only
from tests.readme import fenced_blocks

CONNECTOR = REPO / ".venv" / "binance-connector"
BANNED_UNTIL_MS = 4102444800000  # 2100-01-01: far enough that the ban is never over
WEIGHT = (("X-MBX-USED-WEIGHT-1M", "42"), ("X-MBX-ORDER-COUNT-10S", "3"))
TIMEOUT_1007 = (
    b'{"code":-1007,"msg":"Timeout waiting for response from backend server.'
    b' Send status unknown; execution status unknown."}'
)


@dataclass(frozen=True)
class Case:
    """One response the fake Binance sends: to which API family and call, and what."""

    name: str
    family: str  # spot or usdm
    kind: str  # order (POST) or account (GET)
    reply: Reply


def json_reply(status: int, body: str, *extra: tuple[str, str]) -> Reply:
    return Reply(status, body.encode(), JSON, (*WEIGHT, *extra))


CASES = [
    Case(
        "400 -1013",
        "spot",
        "order",
        json_reply(400, '{"code":-1013,"msg":"Filter failure: LOT_SIZE"}'),
    ),
    Case(
        "400 -2010",
        "spot",
        "order",
        json_reply(
            400, '{"code":-2010,"msg":"Account has insufficient balance for requested action."}'
        ),
    ),
    Case(
        "400 -1021",
        "spot",
        "account",
        json_reply(
            400, '{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'
        ),
    ),
    Case(
        "401 -2015",
        "spot",
        "account",
        json_reply(401, '{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}'),
    ),
    Case(
        "429 -1003",
        "spot",
        "order",
        json_reply(
            429,
            '{"code":-1003,"msg":"Too much request weight used; current limit is 6000 request weight'
            ' per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."}',
            ("Retry-After", "7"),
        ),
    ),
    Case(
        "418 banned",
        "spot",
        "account",
        json_reply(
            418,
            '{"code":-1003,"msg":"Way too much request weight used; IP banned until'
            f' {BANNED_UNTIL_MS}. Please use WebSocket Streams for live updates to avoid bans."}}',
            ("Retry-After", "120"),
        ),
    ),
    Case("408 -1007", "spot", "order", Reply(408, TIMEOUT_1007, JSON, WEIGHT)),
    Case("503 -1007", "spot", "order", Reply(503, TIMEOUT_1007, JSON, WEIGHT)),
    Case("503 text", "spot", "order", Reply(503, b"Service Unavailable.", TEXT)),
    Case(
        "500 HTML",
        "spot",
        "order",
        Reply(500, b"<html><body>500 Internal Server Error</body></html>", HTML),
    ),
    Case(
        "502 HTML",
        "spot",
        "account",
        Reply(502, b"<html><body>502 Bad Gateway</body></html>", HTML),
    ),
    Case(
        "400 -2019",
        "usdm",
        "order",
        json_reply(400, '{"code":-2019,"msg":"Margin is insufficient."}'),
    ),
    Case(
        "400 -4164",
        "usdm",
        "order",
        json_reply(
            400,
            '{"code":-4164,"msg":"Order\'s notional must be no smaller than 5 (unless you choose reduce only)."}',
        ),
    ),
    Case(
        "429 -1003 futures",
        "usdm",
        "account",
        json_reply(
            429,
            '{"code":-1003,"msg":"Too many requests; current limit of IP(127.0.0.1) is 2400 requests per minute."}',
            ("Retry-After", "30"),
        ),
    ),
    Case("503 text futures", "usdm", "order", Reply(503, b"Service Unavailable.", TEXT, WEIGHT)),
    Case(
        "503 JSON futures",
        "usdm",
        "order",
        json_reply(503, '{"code":-1001,"msg":"Service Unavailable."}'),
    ),
    Case(
        "503 -1000 futures",
        "usdm",
        "account",
        json_reply(
            503,
            '{"code":-1000,"msg":"Unknown error, please check your request or try again later."}',
        ),
    ),
]
"""Every response the package must handle, as the fake Binance sends it."""

FAMILIES = {"binance-connector": {"spot"}}
"""The API families a client can call, where not all of them (the connector is Spot only)."""


def cases_for(client: str) -> list[Case]:
    families = FAMILIES.get(client, {"spot", "usdm"})
    return [case for case in CASES if case.family in families]


def expected_lost(client: str, case: Case) -> set[str]:
    """The fields ``client`` drops from ``case``'s response: what ``incomplete`` must say.

    Written from each client's source (see ``binance_errors._clients``), not
    from what the recognisers return.
    """
    status = case.reply.status
    if client in ("python-binance", "python-binance async", "ccxt"):
        return set()
    if client == "binance-connector":
        return {"url", "method"} | ({"headers"} if status >= 500 else set())
    if client == "binance-sdk":
        where = {"headers", "url", "method"}
        if status >= 500:
            return {"code", "msg"} | where
        if status in (400, 401, 403, 404, 418, 429):
            return where
        return {"code", "http_status"} | where  # 408: the SDK's catch-all ClientError
    assert client == "ccxt async"
    return ccxt_async_lost(case)


def ccxt_async_lost(case: Case) -> set[str]:
    """ccxt without the response: the text keeps what the raising path put in it.

    418 and 429: ``binance 429 Too Many Requests {body}``; a body whose code
    ccxt maps: ``binance {body}``; a message ccxt maps exactly (-2010's):
    ``binance MESSAGE``; anything else: ``binance POST URL 503 Service
    Unavailable body``, which keeps all but the headers.
    """
    status = case.reply.status
    where = {"headers", "url", "method"}
    if status in (418, 429):
        return where | ({"product"} if case.family == "spot" else set())
    if case.reply.content_type != JSON:
        return {"headers"}
    spot = {"product"} if case.family == "spot" else set()
    if case.name == "400 -2010":
        return {"code", "http_status"} | where | spot
    return {"http_status"} | where | spot


COMPARED = (
    "code",
    "msg",
    "http_status",
    "headers",
    "retry_after",
    "template",
    "product",
    "url",
    "method",
    "category",
    "retryable",
    "execution_unknown",
    "action",
)
DEPENDS = {
    "code": {"code"},
    "msg": {"msg"},
    "http_status": {"http_status"},
    "headers": {"headers"},
    "retry_after": {"headers", "msg"},
    "template": {"code", "msg", "product"},
    "product": {"product"},
    "url": {"url"},
    "method": {"method"},
}
"""The fields each compared field is read from; the advice depends on all of them."""
ADVICE = {"code", "msg", "http_status", "product", "method"}


def assert_agrees(client: str, case: Case, got: dict[str, Any], raw: dict[str, Any]) -> None:
    """``got`` (from the exception) equals ``raw`` (from the response) where nothing was lost."""
    lost = set(got["incomplete"])
    assert lost == expected_lost(client, case), (client, case.name, got)
    assert got["cause"] != "NoneType"
    for name in COMPARED:
        depends = DEPENDS.get(name, ADVICE)
        if depends & lost:
            continue
        if name == "retry_after" and raw[name] is not None:
            assert got[name] == pytest.approx(raw[name], abs=5), (client, case.name, name)
        else:
            assert got[name] == raw[name], (client, case.name, name, got[name], raw[name])
    if ADVICE & lost:
        assert_safe(got, raw, case)
    if got["retry_after"] is None:
        assert raw["retry_after"] is None or "headers" in lost


def assert_safe(got: dict[str, Any], raw: dict[str, Any], case: Case) -> None:
    """Advice from less than the whole response: the same, or the safe choice for what is left.

    Safe: an outcome Binance leaves unknown is never taken for a failure,
    and what could have been an order is checked (``reconcile``) rather than
    resent or given up.
    """
    if got["action"] == raw["action"]:
        assert got["execution_unknown"] or not raw["execution_unknown"], case.name
        return
    assert got["action"] == "reconcile", (case.name, got["action"], raw["action"])
    assert got["execution_unknown"], case.name


ROWS: list[str] = []


def table_row(client: str, case: Case, got: dict[str, Any]) -> str:
    lost = got["incomplete"]
    kept = [
        n
        for n in ("code", "msg", "http_status", "headers", "url", "method", "product")
        if n not in lost
    ]
    return (
        f"| {client} | {case.name} | {', '.join(kept) or '-'} | {', '.join(lost) or '-'}"
        f" | {got['action']} |"
    )


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBinance]:
    """The fake Binance, with every host name resolving to it while the module runs."""
    with pytest.MonkeyPatch.context() as patch, FakeBinance(lifetime=600) as server:
        patch.setattr(socket, "getaddrinfo", loopback_only(socket.getaddrinfo))
        yield server


def raw_fields(package: ModuleType, request: Request, case: Case) -> dict[str, Any]:
    """``from_response`` on the response the server sent, for the request it received."""
    error = package.BinanceAPIError.from_response(
        case.reply.status,
        case.reply.body,
        headers=case.reply.all_headers(),
        url=request.url,
        method=request.method,
    )
    return error_fields(error)


IN_PROCESS = [name for name in CLIENTS if name != "binance-connector"]


@pytest.mark.parametrize(
    ("client", "case"),
    [(client, case) for client in IN_PROCESS for case in cases_for(client)],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_from_exception_agrees_with_from_response(
    package: ModuleType, fake: FakeBinance, client: str, case: Case
) -> None:
    fake.reply = case.reply
    fake.requests.clear()
    exc = CLIENTS[client](fake.port, case.family, case.kind)
    error = package.BinanceAPIError.from_exception(exc)
    assert error is not None, f"{client} {case.name}: not recognised: {exc!r}"
    assert error.__cause__ is exc
    got = error_fields(error)
    (request,) = fake.requests
    assert_agrees(client, case, got, raw_fields(package, request, case))
    print(table_row(client, case, got))


@pytest.fixture(scope="module")
def connector_results(
    generated_tree: Path, fake: FakeBinance
) -> list[tuple[dict[str, Any], Request]]:
    """binance-connector on every Spot case, in a subprocess that sees its ``binance`` package."""
    if not (CONNECTOR / "binance" / "error.py").exists():
        pytest.fail(f"{CONNECTOR} is missing: `make test` (any make target) installs it")
    cases = cases_for("binance-connector")
    fake.queue[:] = [case.reply for case in cases]
    fake.requests.clear()
    path = [str(CONNECTOR), str(generated_tree), str(REPO)]
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path[:0] = {path!r}\n" + CHILD],
        input=json.dumps(["binance-connector", fake.port, [[c.family, c.kind] for c in cases]]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=without_coverage(),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not fake.queue and len(fake.requests) == len(cases)
    return [
        (json.loads(line), fake.requests[i]) for i, line in enumerate(result.stdout.splitlines())
    ]


CHILD = """\
import binance, tests.client_calls as calls
assert binance.__file__.startswith(sys.path[0]), binance.__file__  # the connector's, not python-binance's
calls.main()
"""


@pytest.mark.parametrize("index", range(len(cases_for("binance-connector"))))
def test_binance_connector(
    package: ModuleType, connector_results: list[tuple[dict[str, Any], Request]], index: int
) -> None:
    case = cases_for("binance-connector")[index]
    got, request = connector_results[index]
    assert_agrees("binance-connector", case, got, raw_fields(package, request, case))
    print(table_row("binance-connector", case, got))


README_EXAMPLES = {
    "python-binance": "400 -2010",
    "binance-connector": "503 -1007",
    "binance-sdk": "503 text futures",
    "ccxt": "429 -1003 futures",
    "ccxt async": "400 -1021",
}
"""The README's ``pycon`` examples, in order: the client, and the case the fake Binance answers."""


def case_named(name: str) -> Case:
    (case,) = [case for case in CASES if case.name == name]
    return case


def test_the_readme_has_one_example_per_client() -> None:
    blocks = [block for block in fenced_blocks() if block.language == "pycon"]
    assert len(blocks) == len(README_EXAMPLES)
    assert all("from_exception(exc" in block.text for block in blocks)


@pytest.mark.parametrize("index", range(len(README_EXAMPLES)))
def test_the_readme_client_examples_pass(
    package: ModuleType, generated_tree: Path, fake: FakeBinance, index: int
) -> None:
    """Each ``pycon`` example of the README, run against its client and the fake Binance."""
    block = [block for block in fenced_blocks() if block.language == "pycon"][index]
    client, case_name = list(README_EXAMPLES.items())[index]
    fake.reply = case_named(case_name).reply
    fake.requests.clear()
    if client == "binance-connector":
        path = [str(CONNECTOR), str(generated_tree), str(REPO)]
        result = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.path[:0] = {path!r}\n" + CHILD],
            input=json.dumps([client, fake.port, block.text]),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=without_coverage(),
        )
        assert result.returncode == 0, result.stderr[-3000:]
        failed, attempted, report = json.loads(result.stdout)
    else:
        failed, attempted, report = run_example(
            block.text, readme_globals(client, fake.port), f"README.md:{block.line}"
        )
    assert attempted >= 4 and failed == 0, f"README.md:{block.line} ({client}):\n{report}"
    assert len(fake.requests) == 1
