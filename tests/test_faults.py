"""Network faults, through the real CLI, against real servers on 127.0.0.1.

Every test runs ``python -m scraper`` in a subprocess against pytest-httpserver
or, where HTTP itself must be broken (a body cut short, a bad status line), a
small raw socket server. A workspace holds a good spec and ``generated/``
tree; after a failure every file in it must be byte- and mtime-identical, and
stderr must be exactly one line naming the URL and the cause.

``COMMANDS`` lists the commands that fetch a page; every test runs once per
entry, so a new fetching command is covered by adding one line there.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scraper.parse import parse_document
from scraper.spec import read_spec
from tests.conftest import FIXTURES, copy_workspace, run_cli, snapshot
from tests.raw_server import RawServer, http_reply

MINI = FIXTURES / "mini.html"
PAGE = MINI.read_bytes()
HTML = "text/html; charset=utf-8"
TIMEOUT = 0.5
"""The wait of the tests about timeouts: small, so the suite stays fast."""
PATIENT = 10.0
"""The wait of every other test: a server thread on a loaded CI machine may take a moment."""
RETRIES = ("--retries", "1")
"""Two attempts, no backoff."""

Command = Callable[[Path, str], list[str | Path]]


def scrape_command(workspace: Path, url: str) -> list[str | Path]:
    return ["scrape", "--source", url, "--product", "spot", "--out", workspace / "spec/errors.yaml"]


def update_command(workspace: Path, url: str) -> list[str | Path]:
    spec, out = workspace / "spec/errors.yaml", workspace / "generated"
    release = workspace / "release.yaml"
    return [
        *("update", "--product", "spot", "--source", url),
        *("--spec", spec, "--out", out, "--release", release),
    ]


COMMANDS = [
    pytest.param(scrape_command, id="scrape"),
    pytest.param(update_command, id="update"),
]
pytestmark = pytest.mark.parametrize("command", COMMANDS)


# -- the workspace and what "untouched" means ---------------------------------


def old_page() -> str:
    """mini.html without its -2021 code: what the workspace was made from."""
    text = PAGE.decode()
    start = text.index('<h3 class="anchor" id="-2021">')
    end = text.index("</ul>", start) + len("</ul>")
    return text[:start] + text[end:]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template")
    page = root.parent / f"{root.name}-old.html"
    page.write_text(old_page(), encoding="utf-8")
    spec = root / "spec" / "errors.yaml"
    assert run_cli("scrape", "--source", page, "--product", "spot", "--out", spec).returncode == 0
    assert run_cli("generate", "--spec", spec, "--out", root / "generated").returncode == 0
    return root


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template (mtimes kept), also the subprocess's working directory."""
    return copy_workspace(template, tmp_path)


@dataclass
class Run:
    status: int
    stderr: str
    seconds: float


def run(command: Command, workspace: Path, url: str, *extra: str, timeout: float = PATIENT) -> Run:
    started = time.monotonic()
    bounds = ("--timeout", str(timeout), *RETRIES)
    result = run_cli(*command(workspace, url), *bounds, *extra, cwd=workspace)
    return Run(result.returncode, result.stderr, time.monotonic() - started)


def assert_refused(result: Run, status: int, url: str, cause: str) -> None:
    assert result.status == status, result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {url}: "), result.stderr
    assert cause in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def fails_cleanly(
    command: Command,
    workspace: Path,
    url: str,
    status: int,
    cause: str,
    *extra: str,
    timeout: float = PATIENT,
) -> Run:
    """Run ``command`` on ``url``; it must fail with one line and change no file."""
    before = snapshot(workspace)
    result = run(command, workspace, url, *extra, timeout=timeout)
    assert_refused(result, status, url, cause)
    assert snapshot(workspace) == before
    return result


def succeeds(command: Command, workspace: Path, url: str) -> Run:
    """Run ``command`` on ``url``; the spec must now hold exactly what mini.html says."""
    result = run(command, workspace, url)
    assert result.status == 0, result.stderr
    product = read_spec(workspace / "spec" / "errors.yaml").product("spot")
    assert product is not None
    expected = parse_document(PAGE.decode(), "html", "mini.html")
    assert {e.code: e.messages for e in product.errors} == {
        e.code: e.messages for e in expected.errors
    }
    return result


# -- a server that can stall ----------------------------------------------------


@pytest.fixture
def stalling_server() -> Iterator[tuple[HTTPServer, threading.Event]]:
    """A threaded pytest-httpserver whose handlers may block until the test ends."""
    release = threading.Event()
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server, release
    release.set()
    server.clear()
    server.stop()


# -- transient faults: retried, then the page is read --------------------------


def test_503_then_200_succeeds(command: Command, workspace: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/docs/errors").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/docs/errors").respond_with_data(PAGE, content_type=HTML)
    succeeds(command, workspace, httpserver.url_for("/docs/errors"))
    assert len(httpserver.log) == 2


def test_429_with_retry_after_waits_then_succeeds(
    command: Command, workspace: Path, httpserver: HTTPServer
) -> None:
    seen: list[float] = []

    def handler(request: Request) -> Response:
        seen.append(time.monotonic())
        if len(seen) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(PAGE, content_type=HTML)

    httpserver.expect_request("/docs/errors").respond_with_handler(handler)
    succeeds(command, workspace, httpserver.url_for("/docs/errors"))
    assert len(seen) == 2
    assert 0.95 <= seen[1] - seen[0] < 3, seen


def test_redirects_are_followed(command: Command, workspace: Path, httpserver: HTTPServer) -> None:
    for path, status, target in [("/a", 301, "/b"), ("/b", 302, "/c"), ("/c", 307, "/page")]:
        httpserver.expect_request(path).respond_with_response(
            Response(status=status, headers={"Location": target})
        )
    httpserver.expect_request("/page").respond_with_data(PAGE, content_type=HTML)
    succeeds(command, workspace, httpserver.url_for("/a"))


def test_gzip_body_is_read(command: Command, workspace: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/docs/errors").respond_with_data(
        gzip.compress(PAGE), content_type=HTML, headers={"Content-Encoding": "gzip"}
    )
    succeeds(command, workspace, httpserver.url_for("/docs/errors"))
    assert "gzip" in httpserver.log[0][0].headers["Accept-Encoding"]


# -- HTTP failures -------------------------------------------------------------


def test_persistent_500_gives_up_after_bounded_tries_and_time(
    command: Command, workspace: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/docs/errors").respond_with_data("broken", status=500)
    url = httpserver.url_for("/docs/errors")
    result = fails_cleanly(
        command,
        workspace,
        url,
        4,
        "HTTP 500 INTERNAL SERVER ERROR after 3 attempts",
        "--retries",
        "2",
    )
    assert len(httpserver.log) == 3
    # Backoff 0 s before the 2nd try and 2 s before the 3rd; the rest is start-up.
    assert 2 <= result.seconds < 10, result.seconds


def test_404_is_not_retried(command: Command, workspace: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/docs/errors").respond_with_data("gone", status=404)
    url = httpserver.url_for("/docs/errors")
    fails_cleanly(command, workspace, url, 4, "HTTP 404 NOT FOUND")
    assert len(httpserver.log) == 1


def test_server_that_never_answers_hits_the_timeout(
    command: Command, workspace: Path, stalling_server: tuple[HTTPServer, threading.Event]
) -> None:
    server, release = stalling_server

    def never(request: Request) -> Response:
        release.wait(30)
        return Response("too late")

    server.expect_request("/docs/errors").respond_with_handler(never)
    url = server.url_for("/docs/errors")
    result = fails_cleanly(
        command,
        workspace,
        url,
        4,
        "no data for 0.5s (read timeout) after 2 attempts",
        timeout=TIMEOUT,
    )
    assert 2 * TIMEOUT <= result.seconds < 8, result.seconds


def test_redirect_loop_is_refused(
    command: Command, workspace: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/a").respond_with_response(
        Response(status=302, headers={"Location": "/b"})
    )
    httpserver.expect_request("/b").respond_with_response(
        Response(status=302, headers={"Location": "/a"})
    )
    fails_cleanly(command, workspace, httpserver.url_for("/a"), 4, "more than 5 redirects")
    assert len(httpserver.log) == 6


def test_redirect_to_a_local_file_is_refused(
    command: Command, workspace: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/docs/errors").respond_with_response(
        Response(status=302, headers={"Location": "file:///etc/passwd"})
    )
    url = httpserver.url_for("/docs/errors")
    fails_cleanly(command, workspace, url, 4, "No connection adapters were found for 'file:")


def test_body_over_the_size_cap_is_refused(
    command: Command, workspace: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/docs/errors").respond_with_data(PAGE, content_type=HTML)
    url = httpserver.url_for("/docs/errors")
    cause = f"body of {len(PAGE)} bytes is over the 1000-byte cap"
    fails_cleanly(command, workspace, url, 4, cause, "--max-bytes", "1000")


def test_gzip_bomb_is_refused_at_the_cap(
    command: Command, workspace: Path, httpserver: HTTPServer
) -> None:
    bomb = gzip.compress(b"<p>" + b" " * 50_000_000 + b"</p>")
    assert len(bomb) < 100_000
    httpserver.expect_request("/docs/errors").respond_with_data(
        bomb, content_type=HTML, headers={"Content-Encoding": "gzip"}
    )
    url = httpserver.url_for("/docs/errors")
    fails_cleanly(
        command, workspace, url, 4, "body is over the 1000000-byte cap", "--max-bytes", "1000000"
    )


def test_chunked_body_over_the_cap_is_refused(command: Command, workspace: Path) -> None:
    def endless(connection: socket.socket) -> None:
        connection.sendall(http_reply("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n"))
        chunk = b"x" * 4096
        for _ in range(1000):
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    with RawServer(endless) as server:
        fails_cleanly(
            command,
            workspace,
            server.url,
            4,
            "body is over the 100000-byte cap",
            "--max-bytes",
            "100000",
        )


def test_corrupt_gzip_is_refused(command: Command, workspace: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/docs/errors").respond_with_data(
        b"this is not gzip" * 10, content_type=HTML, headers={"Content-Encoding": "gzip"}
    )
    url = httpserver.url_for("/docs/errors")
    fails_cleanly(command, workspace, url, 4, "body does not decode as its Content-Encoding says")


# -- broken HTTP, from a raw socket --------------------------------------------


def test_body_cut_short_is_an_error(command: Command, workspace: Path) -> None:
    reply = http_reply(
        f"HTTP/1.1 200 OK\nContent-Type: {HTML}\nContent-Length: 5000\n", PAGE[:1000]
    )
    with RawServer(reply) as server:
        cause = "body cut short: the connection closed with 4000 bytes still expected"
        fails_cleanly(command, workspace, server.url, 4, cause)
        assert server.connections == 1


def test_chunked_body_cut_short_is_an_error(command: Command, workspace: Path) -> None:
    chunk = PAGE[:1000]
    reply = http_reply(
        "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n",
        b"%x\r\n%s\r\n%x\r\n%s" % (len(chunk), chunk, 5000, PAGE[1000:2000]),
    )
    with RawServer(reply) as server:
        fails_cleanly(command, workspace, server.url, 4, "body cut short")


def test_body_that_stalls_midway_hits_the_timeout(command: Command, workspace: Path) -> None:
    reply = http_reply("HTTP/1.1 200 OK\nContent-Length: 5000\n", PAGE[:1000])
    with RawServer(reply, hold=None) as server:
        result = fails_cleanly(
            command, workspace, server.url, 4, "no data for 0.5s (read timeout)", timeout=TIMEOUT
        )
    assert result.seconds < 5


def test_connection_closed_without_a_response(command: Command, workspace: Path) -> None:
    with RawServer(b"") as server:
        cause = "the server closed the connection without a response after 2 attempts"
        fails_cleanly(command, workspace, server.url, 4, cause)
        assert server.connections == 2


def test_garbage_instead_of_http(command: Command, workspace: Path) -> None:
    with RawServer(b"SSH-2.0-OpenSSH_9.6\r\n\r\n") as server:
        fails_cleanly(command, workspace, server.url, 4, "not a valid HTTP response")


def test_terminal_escapes_in_the_status_line_are_not_replayed(
    command: Command, workspace: Path
) -> None:
    reply = http_reply("HTTP/1.1 500 \x1b[2J\x1b[31mPWNED\nContent-Length: 0\n")
    with RawServer(reply) as server:
        result = fails_cleanly(command, workspace, server.url, 4, "HTTP 500 \\x1b[2J\\x1b[31mPWNED")
    assert "\x1b" not in result.stderr


def test_connection_refused(command: Command, workspace: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/docs/errors"
    fails_cleanly(command, workspace, url, 4, "cannot connect: connection refused after 2 attempts")


# -- a 200 that is not an error-code page --------------------------------------


LATIN_1 = b"<html><body><h3>-1000 UNKNOWN</h3><ul><li>caf\xe9</li></ul></body></html>"
NOT_A_PAGE = {
    "json": (
        json.dumps({"code": -1121, "msg": "Invalid symbol."}).encode(),
        "application/json",
        "looks like JSON",
    ),
    "empty": (b"", HTML, "empty document"),
    "whitespace": (b" \r\n\t\n", HTML, "empty document"),
    "not-utf8": (
        LATIN_1,
        "text/html",
        f"body is not valid UTF-8 text (byte 0xe9 at offset {LATIN_1.index(0xE9)})",
    ),
    "unknown-charset": (PAGE, "text/html; charset=x-klingon", "unknown charset 'x-klingon'"),
    "other-html": (
        b"<!doctype html><html><body><h1>Welcome</h1><p>Nothing here.</p></body></html>",
        HTML,
        "no error-code headings found",
    ),
    "control-character": (
        PAGE.replace(b"Too many requests queued.", b"Too many\x1b[31m requests queued."),
        HTML,
        "control character U+001B on line 17",
    ),
}


@pytest.mark.parametrize("case", sorted(NOT_A_PAGE))
def test_200_that_is_not_an_error_code_page(
    command: Command, workspace: Path, httpserver: HTTPServer, case: str
) -> None:
    body, content_type, cause = NOT_A_PAGE[case]
    httpserver.expect_request("/docs/errors").respond_with_data(body, content_type=content_type)
    fails_cleanly(command, workspace, httpserver.url_for("/docs/errors"), 5, cause)
    assert len(httpserver.log) == 1
