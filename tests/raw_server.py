"""A raw TCP server on 127.0.0.1 for the HTTP that pytest-httpserver cannot send.

A body cut short, a bad status line, a connection closed without a reply, a
body that trickles: real bytes on a real socket, so the client code under test
meets them exactly as it would on the network.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable


class RawServer:
    """A TCP server on 127.0.0.1 that answers every request with the same bytes.

    It reads the request head, sends ``reply``, waits ``hold`` seconds (or
    until the test ends, with ``hold=None``), then closes the connection.
    ``reply`` may also be a function that writes to the socket itself.
    """

    def __init__(
        self, reply: bytes | Callable[[socket.socket], None], hold: float | None = 0
    ) -> None:
        self.reply = reply
        self.hold = hold
        self.connections = 0
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.thread = threading.Thread(target=self.serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/docs/errors"

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.listener.close()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self.answer, args=(connection,), daemon=True).start()

    def answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                read_head(connection)
                if callable(self.reply):
                    self.reply(connection)
                else:
                    connection.sendall(self.reply)
                self.stop.wait(self.hold)
            except OSError:
                pass  # the client gave up first: that is what some tests want


def read_head(connection: socket.socket) -> bytes:
    data = b""
    connection.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def http_reply(head: str, body: bytes = b"") -> bytes:
    """A response with ``head`` (status line and headers, ``\n``-separated), not kept alive."""
    head += "Connection: close\n"
    return head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body
