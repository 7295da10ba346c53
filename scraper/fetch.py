"""Read a page from a URL or a local file.

HTTP goes through one ``requests`` session with a timeout, a descriptive
User-Agent, a redirect limit, a size cap and urllib3 retries with backoff on
connection errors, read timeouts, 429 and 5xx (honouring ``Retry-After``, but
never waiting longer than the policy allows; a malformed ``Retry-After`` means
the usual backoff). The body is read a piece at a time, so the size cap and
the body's own deadline hold however the server sends it: all at once,
chunked, gzip-compressed, or one byte at a time. Every failure is a
:class:`~scraper.exceptions.FetchError` naming the URL or path and the cause
in words; a body that does not decode as text is a
:class:`~scraper.exceptions.PageError`. Nothing here knows what the page means.
"""

from __future__ import annotations

import codecs
import http.client
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from scraper.exceptions import FetchError, PageError, printable

USER_AGENT = (
    "binance-error-codes/1 (+https://github.com/binance-error-codes/binance-error-codes;"
    " reads Binance's public error-code documentation once a day)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK_BYTES = 65536


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how trusting a fetch is. Every bound is finite.

    ``timeout`` bounds each wait for a connection or for the next bytes;
    ``body_timeout`` bounds the whole body, so a server that trickles a byte
    at a time cannot hold the job forever. Retries (``retries`` after the
    first attempt) cover connection failures, timeouts before the body, 429
    and 5xx; a body cut short is not retried.
    """

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5
    body_timeout: float = 120.0


@dataclass(frozen=True)
class Document:
    """Text read from a source: what was asked for, and what came back."""

    origin: str
    text: str
    content_type: str | None = None


class CappedRetry(Retry):
    """urllib3's ``Retry`` with an upper bound on ``Retry-After`` waits."""

    def __init__(self, *args: Any, max_retry_after: float = 60.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after

    def new(self, **kw: Any) -> CappedRetry:
        kw.setdefault("max_retry_after", self.max_retry_after)
        retry = super().new(**kw)
        assert isinstance(retry, CappedRetry)
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        """Seconds to wait, capped; 0 (the usual backoff) when the header is malformed."""
        try:
            seconds = super().parse_retry_after(retry_after)
        except urllib3.exceptions.InvalidHeader:
            return 0.0
        return min(seconds, self.max_retry_after)


def is_url(source: str) -> bool:
    """Whether ``source`` names an HTTP(S) URL rather than a file."""
    return source.lower().startswith(("http://", "https://"))


def fetch(source: str, policy: FetchPolicy | None = None) -> Document:
    """Read ``source`` (a URL or a file path) as text."""
    policy = policy or FetchPolicy()
    if is_url(source):
        return fetch_url(source, policy)
    return read_file(Path(source), policy)


def read_file(path: Path, policy: FetchPolicy) -> Document:
    """Read a local file, refusing one larger than the size cap."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FetchError(str(path), "not a regular file")
        if size > policy.max_bytes:
            raise FetchError(
                str(path), f"file is {size} bytes, over the {policy.max_bytes}-byte cap"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise FetchError(str(path), "no such file") from None
    except OSError as exc:
        raise FetchError(str(path), f"cannot read: {exc.strerror or exc}") from None
    return Document(str(path), decode(data, None, str(path)))


def make_session(policy: FetchPolicy) -> requests.Session:
    """A session that retries, backs off and identifies itself."""
    retry = CappedRetry(
        total=policy.retries,
        connect=policy.retries,
        read=policy.retries,
        status=policy.retries,
        other=0,
        redirect=policy.max_redirects,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        backoff_factor=policy.backoff,
        backoff_max=policy.max_retry_after,
        respect_retry_after_header=True,
        raise_on_status=False,
        max_retry_after=policy.max_retry_after,
    )
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "text/html, text/markdown;q=0.9, text/plain;q=0.8"
    session.max_redirects = policy.max_redirects
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch_url(url: str, policy: FetchPolicy) -> Document:
    """GET ``url`` with retries and return its decoded body."""
    with make_session(policy) as session:
        try:
            with session.get(url, timeout=policy.timeout, stream=True) as response:
                check_status(url, response, policy)
                data = read_capped(url, response, policy)
                content_type = response.headers.get("Content-Type")
                charset = response.encoding if "charset=" in (content_type or "") else None
        except requests.exceptions.TooManyRedirects:
            raise FetchError(url, f"more than {policy.max_redirects} redirects") from None
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise FetchError(url, describe(exc, policy)) from None
    return Document(url, decode(data, charset, url), content_type)


def check_status(url: str, response: requests.Response, policy: FetchPolicy) -> None:
    """Refuse any final status other than 2xx."""
    if 200 <= response.status_code < 300:
        return
    tries = ""
    if response.status_code in RETRY_STATUSES:
        tries = f" after {policy.retries + 1} attempts"
    status = f"HTTP {response.status_code} {printable(response.reason or '')}".rstrip()
    raise FetchError(url, status + tries)


def read_capped(url: str, response: requests.Response, policy: FetchPolicy) -> bytes:
    """The decoded body, refused once it outgrows ``max_bytes`` or ``body_timeout``.

    ``read1`` returns as soon as some bytes arrive (at most ``CHUNK_BYTES``
    of them, decompressed), so both bounds are checked at least once per
    ``timeout`` however slowly the server sends.
    """
    max_bytes = policy.max_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, f"body of {declared} bytes is over the {max_bytes}-byte cap")
    deadline = time.monotonic() + policy.body_timeout
    chunks: list[bytes] = []
    size = 0
    while chunk := response.raw.read1(CHUNK_BYTES, decode_content=True):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"body is over the {max_bytes}-byte cap")
        if time.monotonic() > deadline:
            raise FetchError(
                url, f"body still arriving after {policy.body_timeout:g}s ({size} bytes so far)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def decode(data: bytes, charset: str | None, origin: str) -> str:
    """Bytes to text: the declared charset, else UTF-8 (a BOM is dropped)."""
    encoding = charset or "utf-8-sig"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise PageError(origin, f"unknown charset {printable(encoding)!r}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        name = "UTF-8" if charset is None else printable(charset)
        raise PageError(
            origin,
            f"body is not valid {name} text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
        ) from None


def describe(exc: BaseException, policy: FetchPolicy) -> str:
    """The cause of a requests/urllib3 failure in a few words, with the attempts it took."""
    causes = list(chain(exc))
    attempts = ""
    if any(isinstance(c, urllib3.exceptions.MaxRetryError) for c in causes):
        attempts = f" after {policy.retries + 1} attempts"
    for cause in causes:
        phrase = phrase_for(cause, policy)
        if phrase:
            return phrase + attempts
    innermost = causes[-1]
    return (one_line(innermost, policy) or type(innermost).__name__) + attempts


def cut_short(cause: http.client.IncompleteRead, policy: FetchPolicy) -> str:
    if cause.expected:
        return f"body cut short: the connection closed with {cause.expected} bytes still expected"
    return "body cut short: the connection closed early"


def one_line(cause: BaseException, policy: FetchPolicy) -> str:
    return printable(" ".join(str(cause).split()))


Phrase = Callable[[Any, FetchPolicy], str]
PHRASES: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], Phrase], ...] = (
    # Most specific first: NameResolutionError is a NewConnectionError, which
    # is a ConnectTimeoutError; InvalidChunkLength is an IncompleteRead.
    (urllib3.exceptions.InvalidChunkLength, lambda c, p: "malformed chunked body"),
    (http.client.IncompleteRead, cut_short),
    (
        urllib3.exceptions.DecodeError,
        lambda c, p: "body does not decode as its Content-Encoding says",
    ),
    (
        urllib3.exceptions.ReadTimeoutError,
        lambda c, p: f"no data for {p.timeout:g}s (read timeout)",
    ),
    (urllib3.exceptions.NameResolutionError, lambda c, p: "cannot resolve the host name"),
    (
        urllib3.exceptions.NewConnectionError,
        lambda c, p: f"cannot connect: {connection_failure(c)}",
    ),
    (
        urllib3.exceptions.ConnectTimeoutError,
        lambda c, p: f"cannot connect within {p.timeout:g}s (connect timeout)",
    ),
    (
        http.client.RemoteDisconnected,
        lambda c, p: "the server closed the connection without a response",
    ),
    (ConnectionResetError, lambda c, p: "the server reset the connection"),
    (
        http.client.HTTPException,
        lambda c, p: f"not a valid HTTP response ({type(c).__name__})",
    ),
    (urllib3.exceptions.SSLError, lambda c, p: f"TLS failed: {one_line(c, p)}"),
    ((requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL), one_line),
)


def phrase_for(cause: BaseException, policy: FetchPolicy) -> str | None:
    """A plain sentence for the failures a fetch meets in practice, else None."""
    for kinds, phrase in PHRASES:
        if isinstance(cause, kinds):
            return phrase(cause, policy)
    return None


def connection_failure(cause: BaseException) -> str:
    """The operating system's words for a failed connect ("Connection refused")."""
    for inner in chain(cause):
        if isinstance(inner, OSError) and inner.strerror:
            return inner.strerror.lower()
    return "no connection"


def chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it wraps (args, ``reason``, cause, context), outermost first."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            wrapped.append(reason)
        wrapped += [e for e in (current.__cause__, current.__context__) if e is not None]
        pending.extend(wrapped)
