"""What a Binance client's exception still carries of the HTTP response. Standard library only.

Loaded by :meth:`binance_errors.BinanceAPIError.from_exception`. It never
imports a client: each client family is recognised by the module name of the
exception's class (a string) and by the attributes it has. :func:`parts_of`
returns the :class:`ResponseParts` an exception still holds (status, body,
headers, URL, method) and the names of those the client dropped, or None for
an exception that is not an error response from Binance (a network error, a
timeout without a response, a missing argument, anything else).

What each client keeps (``incomplete`` lists the rest):

- python-binance (``binance.exceptions.BinanceAPIException``, sync and async):
  everything. The body is the exception's third argument; status, headers,
  URL and method come from the ``requests`` or ``aiohttp`` response it keeps.
- binance-connector (``binance.error``): ``ClientError`` (4xx) keeps status,
  code, msg, data and headers; ``ServerError`` (5xx) keeps status and the raw
  body, not the headers. Neither keeps the URL or the method.
- the modular SDK (``binance_common.errors``): one class per HTTP status
  (400, 401, 403, 404, 418, 429), the Binance code in ``.status_code`` and
  the message in ``.error_message``; 418 and 429 keep ``Retry-After`` alone.
  ``ClientError`` (any other 4xx, 408 included) keeps only the message;
  ``ServerError`` (5xx) only the status. No headers, URL or method.
- ccxt (``ccxt.base.errors``): sync, the ``requests.HTTPError`` on
  ``__context__`` has the whole response. Async (and sync when that is gone),
  only the text: ``binance 429 Too Many Requests {body}`` (418, 429) and
  ``binance POST URL 503 Service Unavailable body`` (other HTTP errors) keep
  the status; ``binance {body}`` keeps the body alone; ``binance MESSAGE``
  (a message ccxt matched) keeps the message alone.

The product comes from the URL when the client kept it; otherwise from the
client: the modular SDK's package (``binance_sdk_spot`` is ``spot``) and the
connector's module (``binance.spot._margin`` is ``margin``), both read from
the exception's traceback, or ccxt's exchange id (``binanceusdm``).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from types import TracebackType

    from ._errors import BinanceAPIError

CODE = "code"
MSG = "msg"
HTTP_STATUS = "http_status"
HEADERS = "headers"
URL = "url"
METHOD = "method"
PRODUCT = "product"

SDK_STATUS = {
    "BadRequestError": 400,
    "UnauthorizedError": 401,
    "ForbiddenError": 403,
    "NotFoundError": 404,
    "RateLimitBanError": 418,
    "TooManyRequestsError": 429,
}
"""The modular SDK's exception classes that stand for one HTTP status each."""

SDK_DEFAULT_MESSAGES = frozenset(
    {
        "An unexpected error occurred.",
        "Unauthorized access. Authentication required.",
        "Access to the requested resource is forbidden.",
        "Too many requests. You are being rate-limited.",
        "The IP address has been banned for exceeding rate limits.",
        "The requested resource was not found.",
        "The request was invalid or cannot be otherwise served.",
    }
)
"""The texts the modular SDK puts in ``error_message`` when the body had no ``msg``."""

SDK_PRODUCTS = {
    "binance_sdk_spot": "spot",
    "binance_sdk_derivatives_trading_usds_futures": "usdm",
    "binance_sdk_derivatives_trading_coin_futures": "coinm",
    "binance_sdk_derivatives_trading_options": "options",
    "binance_sdk_derivatives_trading_portfolio_margin": "portfolio_margin",
    "binance_sdk_margin_trading": "margin",
    "binance_sdk_wallet": "wallet",
    "binance_sdk_algo": "wallet",
    "binance_sdk_convert": "wallet",
    "binance_sdk_copy_trading": "wallet",
    "binance_sdk_sub_account": "wallet",
    "binance_sdk_institutional_loan": "wallet",
}
"""The modular SDK's packages and the product whose codes their API answers with.

The algo, convert, copy-trading, sub-account and institutional-loan pages list
the wallet page's codes (the shared SAPI list)."""

CONNECTOR_SPOT_MODULES = frozenset({"_trade", "_market", "_data_stream"})
"""binance-connector's modules that call ``/api/v3``; ``_margin`` calls the margin
SAPI, every other module the wallet's."""

CCXT_EXCHANGES = {"binance": None, "binanceusdm": "usdm", "binancecoinm": "coinm"}
"""ccxt's exchanges of binance.com, and the product the id names (``binance`` calls every API)."""

CCXT_HANDLERS = frozenset({"handle_errors", "handle_http_status_code"})
"""The ccxt methods that raise the errors of an HTTP response."""

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})


class ResponseParts:
    """What an exception still carries of Binance's HTTP response.

    ``body`` is what ``from_response`` accepts (text, bytes or a dict), None
    when the client dropped it. ``product`` is the product the client tells
    (its package or exchange id) when the URL does not. ``incomplete`` names
    the fields the client dropped, in the order of :data:`FIELDS`.
    """

    __slots__ = ("body", "headers", "incomplete", "method", "product", "status", "url")

    status: int | None
    body: object
    headers: Mapping[str, str] | None
    url: str | None
    method: str | None
    product: str | None
    incomplete: tuple[str, ...]

    def __init__(
        self,
        status: int | None,
        body: object,
        *,
        headers: Mapping[str, str] | None = None,
        url: str | None = None,
        method: str | None = None,
        product: str | None = None,
        dropped: tuple[str, ...] = (),
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers if callable(getattr(headers, "items", None)) else None
        self.url = url
        self.method = method.upper() if isinstance(method, str) else None
        self.product = product
        self.incomplete = tuple(name for name in FIELDS if name in dropped)

    def __repr__(self) -> str:
        return (
            f"ResponseParts(status={self.status!r}, body={self.body!r}, url={self.url!r},"
            f" method={self.method!r}, product={self.product!r}, incomplete={self.incomplete!r})"
        )


FIELDS = (CODE, MSG, HTTP_STATUS, HEADERS, URL, METHOD, PRODUCT)
"""Every field a client may drop, in the order ``incomplete`` lists them."""


def parts_of(exc: BaseException) -> ResponseParts | None:
    """The response parts ``exc`` carries, or None when it is no Binance error response.

    Never raises for a foreign exception: whatever does not look exactly like
    one of the known clients' errors gives None.
    """
    module = type(exc).__module__
    try:
        if module == "binance.exceptions":
            return python_binance_parts(exc)
        if module == "binance.error":
            return connector_parts(exc)
        if module == "binance_common.errors":
            return sdk_parts(exc)
        if module.startswith("ccxt."):
            return ccxt_parts(exc)
    except Exception:  # a look-alike with attributes of other types: not ours
        return None
    return None


def resolve_product(
    parts: ResponseParts, product: str | None
) -> tuple[str | None, tuple[str, ...]]:
    """The product to read the codes with, and ``parts.incomplete`` with ``product`` if assumed.

    The caller's ``product`` first, then the URL's (:func:`product_for_url`),
    then the client's (its package or exchange id). With none of them the
    product is None (``from_response`` then assumes ``spot``) and ``product``
    joins the incomplete fields.
    """
    if product is not None:
        return product, parts.incomplete
    from ._urls import product_for_url

    found = product_for_url(parts.url) or parts.product
    if found is not None:
        return found, parts.incomplete
    return None, (*parts.incomplete, PRODUCT)


UNDECIDED = frozenset({"server", "unknown", "invalid_payload"})
"""Categories whose advice the HTTP status may change: a server-side code, an
undocumented code, no code. Every other category comes with a 4xx status, so
the code decides without it."""
CAUTION = (
    "The client library dropped the HTTP status, and the code does not rule out a"
    " 5xx (or 408): the request may have taken effect."
)


def apply_caution(error: BinanceAPIError) -> None:
    """Make ``error``'s advice safe for the HTTP status its client dropped.

    Without the status, an error whose code does not decide (:data:`UNDECIDED`)
    may have been a 5xx or a 408, whose outcome is unknown: it becomes
    ``execution_unknown``, and its action ``reconcile`` (``retry`` for a
    request that only reads). An error whose status is known, or whose code
    decides, is left as it is.
    """
    if HTTP_STATUS not in error.incomplete or error.category not in UNDECIDED:
        return
    from ._advice import is_safe_method

    action = "retry" if is_safe_method(error.method) else "reconcile"
    if error.execution_unknown and error.action == action:
        return
    error.execution_unknown = True
    error.action = action
    error.reasons = (CAUTION, *error.reasons)


def class_names(exc: BaseException) -> set[str]:
    """The names of the exception's class and its bases."""
    return {cls.__name__ for cls in type(exc).__mro__}


def python_binance_parts(exc: BaseException) -> ResponseParts | None:
    """python-binance's ``BinanceAPIException``: the whole response, sync or async."""
    if "BinanceAPIException" not in class_names(exc):
        return None
    status = int_or_none(getattr(exc, "status_code", None))
    response = getattr(exc, "response", None)
    if status is None or response is None:
        return None
    args = exc.args
    if len(args) == 3 and isinstance(args[2], (str, bytes)):
        body: object = args[2]
    else:  # not as python-binance builds it: rebuild the body from what it parsed
        body = {"code": getattr(exc, "code", None), "msg": getattr(exc, "message", None)}
    request = getattr(response, "request", None)  # requests; aiohttp keeps .method
    method = getattr(request, "method", None) or getattr(response, "method", None)
    url = getattr(response, "url", None)
    return ResponseParts(
        status,
        body,
        headers=getattr(response, "headers", None),
        url=None if url is None else str(url),
        method=method if isinstance(method, str) else None,
    )


def connector_parts(exc: BaseException) -> ResponseParts | None:
    """binance-connector's ``ClientError`` (4xx) and ``ServerError`` (5xx)."""
    names = class_names(exc)
    status = int_or_none(getattr(exc, "status_code", None))
    if status is None:
        return None
    product = connector_product(exc)
    dropped = (URL, METHOD)
    if "ClientError" in names:
        code = getattr(exc, "error_code", None)
        message = getattr(exc, "error_message", None)
        if code is None:  # the body was not JSON: error_message is the raw text
            body: object = message
        else:
            body = {"code": code, "msg": message}
            data = getattr(exc, "error_data", None)
            if data is not None:
                body["data"] = data
        headers = getattr(exc, "header", None)
        return ResponseParts(status, body, headers=headers, product=product, dropped=dropped)
    if "ServerError" in names:
        body = getattr(exc, "message", None)
        return ResponseParts(status, body, product=product, dropped=(HEADERS, *dropped))
    return None


def connector_product(exc: BaseException) -> str | None:
    """The product of the connector module that sent the request, from the traceback."""
    for module in traceback_modules(exc):
        head, _, area = module.rpartition(".")
        if head == "binance.spot":
            if area in CONNECTOR_SPOT_MODULES:
                return "spot"
            return "margin" if area == "_margin" else "wallet"
    return None


def sdk_parts(exc: BaseException) -> ResponseParts | None:
    """The modular SDK's (``binance_common``) exceptions that stand for an HTTP error."""
    names = class_names(exc)
    message = getattr(exc, "error_message", None)
    msg = None if message in SDK_DEFAULT_MESSAGES else message
    product = sdk_product(exc)
    dropped = (HEADERS, URL, METHOD)
    for name, status in SDK_STATUS.items():
        if name in names:
            code = getattr(exc, "status_code", None)
            body = None if code is None and msg is None else {"code": code, "msg": msg}
            retry_after = int_or_none(getattr(exc, "retry_after", None))
            headers = None if retry_after is None else {"Retry-After": str(retry_after)}
            return ResponseParts(status, body, headers=headers, product=product, dropped=dropped)
    if "ServerError" in names:
        server_status = int_or_none(getattr(exc, "status_code", None))
        if server_status is None:
            return None
        return ResponseParts(server_status, None, product=product, dropped=(CODE, MSG, *dropped))
    if "ClientError" in names and isinstance(message, str):
        body = None if msg is None else {"msg": msg}
        return ResponseParts(None, body, product=product, dropped=(CODE, HTTP_STATUS, *dropped))
    return None


def sdk_product(exc: BaseException) -> str | None:
    """The product of the modular SDK package that sent the request, from the traceback."""
    for module in traceback_modules(exc):
        product = SDK_PRODUCTS.get(module.partition(".")[0])
        if product is not None:
            return product
    return None


def ccxt_parts(exc: BaseException) -> ResponseParts | None:
    """ccxt's errors: the response on ``__context__`` (sync), else what the text says.

    Only the exchanges of binance.com (``binance``, ``binanceusdm``,
    ``binancecoinm``). The text is read only when ccxt raised the error while
    handling a response (``handle_errors`` or ``handle_http_status_code`` is
    on the traceback): ccxt's own errors (a missing argument, an unknown
    symbol, a timeout) have the same shape and are not Binance's.
    """
    if "BaseError" not in class_names(exc):
        return None
    exchange, _, rest = str(exc).partition(" ")
    if exchange not in CCXT_EXCHANGES:
        return None
    product = CCXT_EXCHANGES[exchange]
    response = getattr(exc.__context__, "response", None)
    status = int_or_none(getattr(response, "status_code", None))
    if response is not None and status is not None:
        request = getattr(response, "request", None)
        return ResponseParts(
            status,
            getattr(response, "text", None),
            headers=getattr(response, "headers", None),
            url=getattr(response, "url", None),
            method=getattr(request, "method", None),
            product=product,
        )
    if not rest or not CCXT_HANDLERS.intersection(traceback_functions(exc)):
        return None
    return ccxt_text_parts(rest, product)


def ccxt_text_parts(rest: str, product: str | None) -> ResponseParts | None:
    """What ccxt's text keeps, ``rest`` being the text after the exchange id."""
    words = rest.split(" ", 3)
    if len(words) == 4 and words[0] in HTTP_METHODS and is_status(words[2]):
        method, url, status = words[0], words[1], int(words[2])
        body = strip_reason(status, words[3])
        return ResponseParts(
            status, body, url=url, method=method, product=product, dropped=(HEADERS,)
        )
    dropped = (HTTP_STATUS, HEADERS, URL, METHOD)
    head, _, tail = rest.partition(" ")
    if is_status(head):  # 418 and 429: the status, the reason, the body
        return ResponseParts(
            int(head), strip_reason(int(head), tail), product=product, dropped=dropped[1:]
        )
    found = json_object_in(rest)
    if found is not None:
        return ResponseParts(None, found, product=product, dropped=dropped)
    return ResponseParts(None, {"msg": rest}, product=product, dropped=(CODE, *dropped))


def is_status(word: str) -> bool:
    return len(word) == 3 and word.isdigit() and 400 <= int(word) <= 599


def strip_reason(status: int, text: str) -> str:
    """The body after the HTTP reason phrase that ccxt puts before it."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    if phrase and text.startswith(phrase + " "):
        return text[len(phrase) + 1 :]
    if text == phrase:
        return ""
    start = min((i for i in (text.find("{"), text.find("<")) if i >= 0), default=-1)
    return text[start:] if start >= 0 else text


def json_object_in(text: str) -> dict[str, object] | None:
    """The first JSON object in ``text`` that has a ``code``, or None."""
    import json

    decoder = json.JSONDecoder()
    start = text.find("{")
    while start >= 0:
        try:
            found, _ = decoder.raw_decode(text, start)
        except ValueError:
            found = None
        if isinstance(found, dict) and "code" in found:
            return found
        start = text.find("{", start + 1)
    return None


def traceback_modules(exc: BaseException) -> Iterator[str]:
    """The module names of the traceback's frames, innermost first."""
    names = [tb.tb_frame.f_globals.get("__name__") for tb in traceback_entries(exc)]
    return reversed([name for name in names if isinstance(name, str)])


def traceback_functions(exc: BaseException) -> set[str]:
    """The names of the functions on the traceback."""
    return {tb.tb_frame.f_code.co_name for tb in traceback_entries(exc)}


def traceback_entries(exc: BaseException) -> list[TracebackType]:
    """The traceback's entries, outermost first."""
    entries = []
    tb = exc.__traceback__
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    return entries


def int_or_none(value: object) -> int | None:
    """``value`` when it is an int (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
