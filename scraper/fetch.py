"""Read a page from a URL or a local file.

HTTP goes through one ``requests`` session with a timeout, a descriptive
User-Agent, a redirect limit, a size cap and urllib3 retries with backoff on
connection errors, read timeouts, 429 and 5xx (honouring ``Retry-After``, but
never waiting longer than the policy allows). Every failure is a
:class:`~scraper.exceptions.FetchError` naming the URL or path; nothing here
knows what the page means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from scraper.exceptions import FetchError, PageError

USER_AGENT = (
    "binance-error-codes/1 (+https://github.com/binance-error-codes/binance-error-codes;"
    " reads Binance's public error-code documentation once a day)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how trusting a fetch is. Every bound is finite."""

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5


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
        return min(super().parse_retry_after(retry_after), self.max_retry_after)


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
                data = read_capped(url, response, policy.max_bytes)
                content_type = response.headers.get("Content-Type")
                charset = response.encoding if "charset=" in (content_type or "") else None
        except requests.exceptions.RetryError as exc:
            raise FetchError(
                url, f"gave up after {policy.retries} retries: {reason(exc)}"
            ) from None
        except requests.exceptions.TooManyRedirects:
            raise FetchError(url, f"more than {policy.max_redirects} redirects") from None
        except requests.exceptions.Timeout:
            raise FetchError(
                url, f"timed out after {policy.timeout:g}s ({policy.retries} retries)"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(url, reason(exc)) from None
    return Document(url, decode(data, charset, url), content_type)


def check_status(url: str, response: requests.Response, policy: FetchPolicy) -> None:
    """Refuse any final status other than 2xx."""
    if 200 <= response.status_code < 300:
        return
    tries = ""
    if response.status_code in RETRY_STATUSES:
        tries = f" after {policy.retries + 1} attempts"
    raise FetchError(url, f"HTTP {response.status_code} {response.reason or ''}".rstrip() + tries)


def read_capped(url: str, response: requests.Response, max_bytes: int) -> bytes:
    """The decoded body, refusing it as soon as it outgrows ``max_bytes``."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, f"body of {declared} bytes is over the {max_bytes}-byte cap")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"body is over the {max_bytes}-byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(data: bytes, charset: str | None, origin: str) -> str:
    """Bytes to text: the declared charset, else UTF-8 (a BOM is dropped)."""
    encoding = charset or "utf-8-sig"
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise PageError(origin, f"body is not valid {encoding} text") from None


def reason(exc: BaseException) -> str:
    """The innermost useful sentence of a requests/urllib3 exception."""
    inner: BaseException = exc
    while inner.args and isinstance(inner.args[0], BaseException):
        inner = inner.args[0]
    text = str(getattr(inner, "reason", None) or inner)
    return " ".join(text.split()) or type(inner).__name__
