"""Fetching over real HTTP (pytest-httpserver on 127.0.0.1) and from files."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scraper.exceptions import FetchError, PageError
from scraper.fetch import USER_AGENT, FetchPolicy, fetch
from tests.raw_server import RawServer, http_reply

FAST = FetchPolicy(timeout=5, retries=2, backoff=0, max_retry_after=2)


def test_fetches_a_page_and_identifies_itself(httpserver: HTTPServer) -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("User-Agent", ""))
        return Response("<html><body>ok é</body></html>", content_type="text/html; charset=utf-8")

    httpserver.expect_request("/errors").respond_with_handler(handler)
    document = fetch(httpserver.url_for("/errors"), FAST)
    assert document.text == "<html><body>ok é</body></html>"
    assert document.origin == httpserver.url_for("/errors")
    assert seen == [USER_AGENT]


def test_retries_a_503_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/errors").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/errors").respond_with_data("fine")
    assert fetch(httpserver.url_for("/errors"), FAST).text == "fine"


def test_gives_up_on_persistent_500(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/errors").respond_with_data("broken", status=500)
    with pytest.raises(FetchError, match="500"):
        fetch(httpserver.url_for("/errors"), FAST)
    assert len(httpserver.log) == FAST.retries + 1


def test_404_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/errors").respond_with_data("missing", status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(httpserver.url_for("/errors"), FAST)
    assert len(httpserver.log) == 1


def test_body_over_the_cap_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data("x" * 5000)
    with pytest.raises(FetchError, match="over the 1000-byte cap"):
        fetch(httpserver.url_for("/big"), FetchPolicy(retries=0, max_bytes=1000))


def test_undecodable_body_is_not_a_page(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/bin").respond_with_data(b"\xff\xfe\xfa", content_type="text/html")
    with pytest.raises(PageError, match=r"not valid UTF-8 text \(byte 0xff at offset 0\)"):
        fetch(httpserver.url_for("/bin"), FAST)


def test_reads_a_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes("\ufeff<html>é</html>".encode())
    assert fetch(str(page)).text == "<html>é</html>"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no such file"):
        fetch(str(tmp_path / "absent.html"))
    with pytest.raises(FetchError, match="not a regular file"):
        fetch(str(tmp_path))


def test_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("x" * 2000)
    with pytest.raises(FetchError, match="over the 1000-byte cap"):
        fetch(str(page), FetchPolicy(max_bytes=1000))


def test_retry_after_is_capped(httpserver: HTTPServer) -> None:
    """A server asking for an hour's pause gets the policy's cap (1 s here)."""
    seen: list[float] = []

    def handler(request: Request) -> Response:
        seen.append(time.monotonic())
        if len(seen) == 1:
            return Response("later", status=503, headers={"Retry-After": "3600"})
        return Response("fine")

    httpserver.expect_request("/errors").respond_with_handler(handler)
    policy = FetchPolicy(timeout=5, retries=1, backoff=0, max_retry_after=1)
    assert fetch(httpserver.url_for("/errors"), policy).text == "fine"
    assert 0.95 <= seen[1] - seen[0] < 3


@pytest.mark.parametrize("value", ["soon", "-5", "1.5e9"])
def test_malformed_retry_after_means_the_usual_backoff(httpserver: HTTPServer, value: str) -> None:
    httpserver.expect_ordered_request("/errors").respond_with_data(
        "busy", status=429, headers={"Retry-After": value}
    )
    httpserver.expect_ordered_request("/errors").respond_with_data("fine")
    assert fetch(httpserver.url_for("/errors"), FAST).text == "fine"


def test_a_trickling_body_hits_the_body_timeout() -> None:
    """One byte every 50 ms never trips the read timeout; the body's own deadline stops it."""

    def trickle(connection: socket.socket) -> None:
        connection.sendall(http_reply("HTTP/1.1 200 OK\nContent-Length: 100000\n"))
        for _ in range(100_000):
            connection.sendall(b"a")
            time.sleep(0.05)

    policy = FetchPolicy(timeout=1, retries=0, body_timeout=1)
    with RawServer(trickle) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"body still arriving after 1s \(\d+ bytes so far\)"):
            fetch(server.url, policy)
    assert time.monotonic() - started < 3


def test_a_body_cut_short_is_not_retried() -> None:
    reply = http_reply("HTTP/1.1 200 OK\nContent-Length: 10\n", b"short")
    with RawServer(reply) as server:
        with pytest.raises(FetchError, match="5 bytes still expected"):
            fetch(server.url, FAST)
        assert server.connections == 1


def test_server_controlled_text_cannot_reach_the_terminal() -> None:
    reply = http_reply("HTTP/1.1 404 \x1b]0;owned\x07Not\x85found\nContent-Length: 0\n")
    with RawServer(reply) as server, pytest.raises(FetchError) as caught:
        fetch(server.url, FAST)
    assert caught.value.problem == "HTTP 404 \\x1b]0;owned\\x07Not\\x85found"
