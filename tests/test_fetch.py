"""Fetching over real HTTP (pytest-httpserver on 127.0.0.1) and from files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scraper.exceptions import FetchError, PageError
from scraper.fetch import USER_AGENT, FetchPolicy, fetch

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
    with pytest.raises(PageError, match="not valid utf-8"):
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
