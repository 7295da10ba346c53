"""Read an HTTP error response: the body's code and message, the rate-limit headers, the wait.

Everything here takes what a server (or a proxy in front of it) sent and never
raises on it: a body that is not JSON, a header that is not a number, a ban
time that is not a time all give a result that says so (a ``problem``, or
None). Only the caller's own type mistakes (headers that are not a mapping or
pairs) raise ``TypeError``. Loaded with ``BinanceAPIError``; it imports
``json`` only for a body given as text or bytes, and ``email.utils`` only for
a ``Retry-After`` given as an HTTP date.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

RATE_LIMIT_PREFIXES = ("X-MBX-USED-WEIGHT-", "X-MBX-ORDER-COUNT-", "X-SAPI-USED-")
"""Response headers that report the used request weight and order counts."""
BANNED_UNTIL = "banned until "
"""What precedes the end of an IP ban, as milliseconds since the epoch, in -1003's message."""


class Body:
    """A response body, decoded as far as it goes.

    ``document`` is the JSON object (the whole envelope for the WebSocket
    API), or None. ``data`` is the object holding ``code`` and ``msg``: the
    document, or its ``error`` member for an envelope. ``status`` is the
    envelope's ``status``, if any. ``text`` is the body as text when it is not
    a JSON object (an HTML or plain-text page), else None. ``problem`` says why
    it is not an error payload, or is None.
    """

    __slots__ = ("data", "document", "problem", "status", "text")

    def __init__(
        self,
        document: dict[str, object] | None,
        text: str | None,
        problem: str | None,
    ) -> None:
        self.document = document
        self.text = text
        self.problem = problem
        self.data = document
        self.status: int | None = None
        envelope = (
            document.get("error") if document is not None and "code" not in document else None
        )
        if document is not None and isinstance(envelope, dict):
            status = document.get("status")
            if isinstance(status, int) and not isinstance(status, bool):
                self.status = status
            self.data = envelope


def decode_body(body: object) -> Body:
    """``body`` (a dict, JSON text, bytes, or None) as a :class:`Body`."""
    if body is None:
        return Body(None, None, "no body")
    text: str | None = None
    if isinstance(body, (bytes, bytearray, memoryview)):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            return Body(None, None, f"not UTF-8 ({exc.reason} at byte {exc.start})")
    if isinstance(body, str):
        import json

        text = body
        try:
            body = json.loads(body)
        except ValueError as exc:
            return Body(None, text, f"not JSON ({exc}): {shorten(text)}")
        except RecursionError:
            return Body(None, None, "not JSON we can read: nested too deeply")
    if not isinstance(body, dict):
        return Body(None, text, f"not a JSON object but {type(body).__name__}: {shorten(body)}")
    return Body(body, None, None)


def read_fields(
    data: dict[str, object] | None, problem: str | None
) -> tuple[int | None, str, str | None]:
    """The payload's code, msg, and the first problem found with them."""
    if data is None:
        return None, "", problem
    code = data.get("code")
    msg = data.get("msg")
    text = msg if isinstance(msg, str) else ""
    if "code" not in data:
        return None, text, f"no 'code' in {shorten(data)}"
    if not isinstance(code, int) or isinstance(code, bool):
        return None, text, f"'code' is not an integer: {shorten(code)}"
    if "msg" not in data:
        return code, text, f"no 'msg' in {shorten(data)}"
    if not isinstance(msg, str):
        return code, text, f"'msg' is not a string: {shorten(msg)}"
    return code, text, None


def shorten(value: object, limit: int = 120) -> str:
    """``repr(value)``, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def header_items(headers: object) -> list[tuple[str, str]]:
    """``headers`` as (name, value) pairs of text: a mapping, a multidict or an iterable of pairs.

    Names and values that are neither ``str`` nor ``bytes`` (Latin-1, as HTTP
    has it) are skipped. ``None`` gives no pairs; anything else that is not a
    mapping or an iterable of pairs is the caller's mistake: ``TypeError``.
    """
    if headers is None:
        return []
    items = getattr(headers, "items", None)
    pairs: Iterable[object]
    if callable(items):
        pairs = items()
    elif isinstance(headers, (str, bytes)) or not hasattr(headers, "__iter__"):
        raise TypeError(
            f"headers must be a mapping or (name, value) pairs, not {type(headers).__name__}"
        )
    else:
        pairs = headers
    found: list[tuple[str, str]] = []
    for pair in pairs:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"headers must be (name, value) pairs, got {shorten(pair)}")
        name, value = (as_text(part) for part in pair)
        if name is not None and value is not None:
            found.append((name, value))
    return found


def as_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    return None


def rate_limit_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The used-weight and order-count headers, names in upper case, values as ints.

    A value that is not a whole number is left out: the header then says nothing.
    """
    found: dict[str, int] = {}
    for name, value in pairs:
        upper = name.strip().upper()
        if upper.startswith(RATE_LIMIT_PREFIXES):
            number = whole_number(value)
            if number is not None:
                found[upper] = number
    return found


def whole_number(text: str) -> int | None:
    """``text`` as a non-negative decimal integer (ASCII digits only), else None."""
    stripped = text.strip()
    if not stripped.isascii() or not stripped.isdigit():
        return None
    return int(stripped)


def retry_after(pairs: Iterable[tuple[str, str]], msg: str, now: float) -> float | None:
    """Seconds to wait before sending again: the ``Retry-After`` header, else the ban's end.

    ``Retry-After`` is a number of seconds (Binance sends it with 418 and 429)
    or an HTTP date. A -1003 message saying ``banned until <milliseconds since
    the epoch>`` gives the time left until then. A time already past gives 0;
    a value that is neither gives None (nothing is said). ``now`` is the
    current time in seconds since the epoch.
    """
    for name, value in pairs:
        if name.strip().lower() == "retry-after":
            seconds = retry_after_value(value.strip(), now)
            if seconds is not None:
                return seconds
    return ban_time_left(msg, now)


def retry_after_value(value: str, now: float) -> float | None:
    """A ``Retry-After`` value (seconds, or an HTTP date) as seconds from ``now``."""
    number = whole_number(value)
    if number is not None:
        return float(number)
    if not value or value[0].isdigit():
        return None
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - now)


def ban_time_left(msg: str, now: float) -> float | None:
    """Seconds until the end of the ban a message announces (``banned until 1700000000000``)."""
    start = msg.find(BANNED_UNTIL) if isinstance(msg, str) else -1
    if start < 0:
        return None
    digits = msg[start + len(BANNED_UNTIL) :].split(" ", 1)[0].rstrip(".,;")
    number = whole_number(digits)
    if number is None or not 9 <= len(digits) <= 13:
        return None
    until = number / 1000 if len(digits) > 10 else float(number)
    return max(0.0, until - now)
