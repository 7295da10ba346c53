"""A fake Binance on 127.0.0.1 that answers every request with one chosen error response.

Real clients send it real HTTP (a signed ``POST /api/v3/order``, ``GET
/api/v3/account``, the futures equivalents); it answers each with the
:class:`Reply` the test set, records what it was asked, and keeps the exact
bytes it sent so a test can give them to ``from_response``. It is bounded: the
listener polls, every connection has a timeout, and the server shuts itself
down after ``lifetime`` seconds even when a test forgets to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON = "application/json;charset=UTF-8"
TEXT = "text/plain"
HTML = "text/html"


@dataclass(frozen=True)
class Reply:
    """One HTTP response: status, body, content type and extra headers (name, value)."""

    status: int
    body: bytes
    content_type: str = JSON
    headers: tuple[tuple[str, str], ...] = ()

    def all_headers(self) -> dict[str, str]:
        """Every header the server sends with this reply, as a client sees them."""
        return {
            "Content-Type": self.content_type,
            "Content-Length": str(len(self.body)),
            **dict(self.headers),
        }


@dataclass
class Request:
    """What a client sent: method, ``Host`` header, path (without the query), query string."""

    method: str
    host: str
    path: str
    query: str

    @property
    def url(self) -> str:
        """The URL the client asked for, as ``from_response`` is given it."""
        query = f"?{self.query}" if self.query else ""
        return f"http://{self.host}{self.path}{query}"


@dataclass
class FakeBinance:
    """The server; ``reply`` is what it answers, ``requests`` what it was sent."""

    reply: Reply = field(default_factory=lambda: Reply(200, b"{}"))
    lifetime: float = 300.0
    requests: list[Request] = field(default_factory=list)
    queue: list[Reply] = field(default_factory=list)
    """Replies to send first, one per request, in order; then :attr:`reply`."""

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10

            def do_GET(self) -> None:
                fake.answer(self)

            def do_POST(self) -> None:
                fake.answer(self)

            def do_PUT(self) -> None:
                fake.answer(self)

            def do_DELETE(self) -> None:
                fake.answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: pytest shows the test's own output

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.timer = threading.Timer(self.lifetime, self.server.shutdown)
        self.timer.daemon = True

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def base(self, host: str) -> str:
        """``http://HOST:PORT``: a Binance host name on this server's port.

        The test resolves every host name to 127.0.0.1 (:func:`loopback_only`),
        so a client pointed at ``http://fapi.binance.com:PORT`` reaches this
        server and reports the URL a real call would have.
        """
        return f"http://{host}:{self.port}"

    def __enter__(self) -> FakeBinance:
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        """Read the request's body, record the request, send :attr:`reply`."""
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        path, _, query = handler.path.partition("?")
        host = handler.headers.get("Host", "")
        self.requests.append(Request(handler.command, host, path, query))
        reply = self.queue.pop(0) if self.queue else self.reply
        handler.send_response(reply.status)
        for name, value in reply.all_headers().items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(reply.body)
        handler.wfile.flush()


def loopback_only(real: Callable[..., object]) -> Callable[..., object]:
    """A ``socket.getaddrinfo`` that resolves every host name to 127.0.0.1.

    Installed while the client tests run, so that whatever host a client is
    given, it connects to this machine and nowhere else.
    """

    def resolve(host: object, port: object, *args: object, **kwargs: object) -> object:
        return real("127.0.0.1", port, *args, **kwargs)

    return resolve
