"""The exception for Binance's error responses: :class:`BinanceAPIError`.

Loaded on first use (``binance_errors.BinanceAPIError``), so that importing a
product module stays cheap; it imports the product module, and ``json`` for a
body given as text, only when :meth:`BinanceAPIError.from_response` needs them.
"""

from __future__ import annotations

from ._advice import NO_CODE_ANNOTATION, Annotation
from ._matching import MessageMatch
from ._response import decode_body, header_items, rate_limit_headers, read_fields, retry_after

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


class BinanceAPIError(Exception):
    """An error Binance returned: what it means and what to do about it.

    Build it with :meth:`from_response` (or :meth:`from_payload` for a body
    alone). ``code`` is the product's ``ErrorCode`` member, the plain int for
    a code the product does not document, or None when the body had no
    usable code. ``msg`` is Binance's message ('' when it had none). ``match``
    says which documented message it is, with the values Binance filled in.

    The advice: ``category`` (what kind of failure), ``retryable`` (the same
    request may succeed later), ``execution_unknown`` (it may have taken
    effect), and the one decision, ``action``: ``retry``,
    ``resync_and_retry``, ``reconcile``, ``fix_request`` or ``stop``. It comes
    from the code's annotation, adjusted to the HTTP status and message
    variant by the product's HTTP rules and to the request's ``method``.
    ``reason`` is the deciding rule's reason (``reasons`` has them all),
    ``sources`` the Binance pages they cite.

    ``retry_after`` is how many seconds to wait before sending again (from
    ``Retry-After``, or the end of an IP ban the message announces), None when
    nothing says. ``headers`` holds the used-weight and order-count headers.
    ``problem`` is None for a well-formed payload, else what was wrong with it
    (``category`` is then ``invalid_payload`` unless the body still had a
    usable code, or an HTTP rule names the category). ``payload`` is the
    decoded JSON object (the whole envelope, for the WebSocket API), or None.
    ``incomplete`` names the fields (``code``, ``msg``, ``http_status``,
    ``headers``, ``url``, ``method``, ``product``) that the client library
    dropped before we saw the error (:meth:`from_exception`).
    """

    code: int | None
    msg: str
    match: MessageMatch | None
    category: str
    retryable: bool
    execution_unknown: bool
    action: str
    reasons: tuple[str, ...]
    sources: tuple[str, ...]
    product: str
    http_status: int | None
    method: str | None
    url: str | None
    headers: dict[str, int]
    retry_after: float | None
    payload: dict[str, object] | None
    problem: str | None
    incomplete: tuple[str, ...]

    def __init__(
        self,
        code: int | None,
        msg: str,
        *,
        product: str,
        match: MessageMatch | None = None,
        annotation: Annotation | None = None,
        http_status: int | None = None,
        payload: dict[str, object] | None = None,
        problem: str | None = None,
        method: str | None = None,
        url: str | None = None,
        headers: dict[str, int] | None = None,
        retry_after: float | None = None,
        incomplete: tuple[str, ...] = (),
    ) -> None:
        super().__init__(describe_error(code, msg, product, http_status, problem))
        if annotation is None:
            annotation = NO_CODE_ANNOTATION
        self.code = code
        self.msg = msg
        self.match = match
        self.category = annotation.category
        self.retryable = annotation.retryable
        self.execution_unknown = annotation.execution_unknown
        self.action = annotation.action
        self.reasons = annotation.reasons
        self.sources = annotation.sources
        self.product = product
        self.http_status = http_status
        self.method = method
        self.url = url
        self.headers = dict(headers or {})
        self.retry_after = retry_after
        self.payload = payload
        self.problem = problem
        self.incomplete = incomplete

    @property
    def reason(self) -> str:
        """The reason of the rule that decided the action (the first of ``reasons``)."""
        return self.reasons[0] if self.reasons else ""

    @property
    def annotation(self) -> Annotation:
        """The advice as one :class:`Annotation`: category, flags, action, reasons, sources."""
        return Annotation(
            self.category,
            self.retryable,
            self.execution_unknown,
            self.action,
            self.reasons,
            self.sources,
        )

    def __reduce__(self) -> tuple[object, tuple[dict[str, object]]]:
        state: dict[str, object] = {
            "code": self.code,
            "msg": self.msg,
            "product": self.product,
            "match": self.match,
            "annotation": self.annotation,
            "http_status": self.http_status,
            "payload": self.payload,
            "problem": self.problem,
            "method": self.method,
            "url": self.url,
            "headers": self.headers,
            "retry_after": self.retry_after,
            "incomplete": self.incomplete,
        }
        return (_rebuild_error, (state,))

    @classmethod
    def from_response(
        cls,
        status: int | None,
        body: object,
        *,
        headers: object = None,
        url: object = None,
        product: str | None = None,
        method: str | None = None,
    ) -> BinanceAPIError:
        """The error for one HTTP (or WebSocket API) response, and what to do about it.

        ``status`` is the HTTP status (None when unknown; a WebSocket API
        envelope's ``status`` stands in for it). ``body`` is the body as
        received: a dict, JSON text or bytes, HTML, or None. ``headers`` is a
        mapping (any case) or (name, value) pairs. ``product`` is the API
        that answered (a name in ``PRODUCTS``); when it is None, ``url`` says
        (:func:`binance_errors.product_for_url`), else ``spot``. ``method``
        (``GET``, ``POST``, ...) decides what an error of unknown outcome
        calls for: a GET is resent (``retry``), anything else, or no method,
        is checked first (``reconcile``).

        Never raises because of what the server sent. Raises ValueError for
        an unknown ``product`` and TypeError when ``status`` is not an int or
        None, ``method`` not a str or None, or ``headers`` neither a mapping
        nor pairs: those are the caller's bugs.
        """
        return cls.from_parts(
            status, body, headers=headers, url=url, product=product, method=method
        )

    @classmethod
    def from_payload(
        cls, payload: object, product: str = "spot", http_status: int | None = None
    ) -> BinanceAPIError:
        """The error for a Binance error response body: a dict, or JSON as str or bytes.

        The same as ``from_response(http_status, payload, product=product)``,
        except that ``product`` must be given (it defaults to ``spot``).
        """
        check_status(http_status, "http_status")
        return cls.from_parts(http_status, payload, product=str(product_module(product).PRODUCT))

    @classmethod
    def from_parts(
        cls,
        status: int | None,
        body: object,
        *,
        headers: object = None,
        url: object = None,
        product: str | None = None,
        method: str | None = None,
        incomplete: tuple[str, ...] = (),
        now: float | None = None,
    ) -> BinanceAPIError:
        """:meth:`from_response`, plus what a client library dropped (``incomplete``) and the time.

        ``now`` (seconds since the epoch, default the current time) is when
        the response arrived: the time a ban's end is counted from.
        """
        check_status(status, "status")
        if method is not None and not isinstance(method, str):
            raise TypeError(f"method must be a str or None, not {type(method).__name__}")
        address = url_text(url)
        name = product if product is not None else product_of_url(address)
        module = product_module(name)
        pairs = header_items(headers)
        decoded = decode_body(body)
        if status is None:
            status = decoded.status
        code, msg, problem = read_fields(decoded.data, decoded.problem)
        text = msg if msg or decoded.text is None else decoded.text
        advice: Annotation = module.advice(code, http_status=status, msg=text, method=method)
        if now is None:
            import time

            now = time.time()
        member: int | None = None if code is None else module.lookup(code)
        return cls(
            code if member is None else member,
            msg,
            product=name,
            match=module.match(code, msg) if code is not None and problem is None else None,
            annotation=advice,
            http_status=status,
            payload=decoded.document,
            problem=problem,
            method=method.strip().upper() if method is not None else None,
            url=address,
            headers=rate_limit_headers(pairs),
            retry_after=retry_after(pairs, msg, now),
            incomplete=incomplete,
        )

    @classmethod
    def from_exception(
        cls, exc: BaseException, *, product: str | None = None, method: str | None = None
    ) -> BinanceAPIError | None:
        """The error for a Binance client library's exception, or None if it is not Binance's.

        Recognises the exceptions of python-binance (sync and async),
        binance-connector, the modular SDK (``binance_common``) and ccxt
        (sync and async) by their module names and attributes, without
        importing any of them; anything else (a network error, a timeout
        without a response, another exchange) gives None. What the client
        kept of the response goes through :meth:`from_response`; the fields
        it dropped are named in ``incomplete`` (``code``, ``msg``,
        ``http_status``, ``headers``, ``url``, ``method``, and ``product``
        when nothing said which API answered and ``spot`` is assumed), and the
        advice is the safe one for what is left. ``product`` and ``method``
        override what the exception says. The original is ``__cause__``.

        Raises TypeError when ``exc`` is not an exception, and as
        :meth:`from_response` for a bad ``product`` or ``method``.
        """
        from ._clients import apply_caution, parts_of, resolve_product

        if not isinstance(exc, BaseException):
            raise TypeError(f"exc must be an exception, not {type(exc).__name__}")
        parts = parts_of(exc)
        if parts is None:
            return None
        name, incomplete = resolve_product(parts, product)
        if method is not None:
            incomplete = tuple(field for field in incomplete if field != "method")
        error = cls.from_parts(
            parts.status,
            parts.body,
            headers=parts.headers,
            url=parts.url,
            product=name,
            method=parts.method if method is None else method,
            incomplete=incomplete,
        )
        apply_caution(error)
        error.__cause__ = exc
        return error


DEFAULT_PRODUCT = "spot"
"""The product assumed when neither ``product`` nor a known URL says which API answered."""


def _rebuild_error(state: dict[str, Any]) -> BinanceAPIError:
    """Unpickle a :class:`BinanceAPIError` (exceptions pickle their ``args`` only)."""
    return BinanceAPIError(**state)


def check_status(status: object, name: str) -> None:
    """TypeError unless ``status`` (the argument ``name``) is an int (not a bool) or None."""
    if status is not None and (not isinstance(status, int) or isinstance(status, bool)):
        raise TypeError(f"{name} must be an int or None, not {type(status).__name__}")


def url_text(url: object) -> str | None:
    """``url`` as text (a ``str``, or what ``str()`` makes of a URL object); None if it has none."""
    if url is None or isinstance(url, str):
        return url
    try:
        return str(url)
    except Exception:  # a foreign object's __str__ may fail in any way: it then says nothing
        return None


def product_of_url(url: str | None) -> str:
    """The product ``url`` belongs to, else :data:`DEFAULT_PRODUCT`."""
    from ._urls import product_for_url

    return product_for_url(url) or DEFAULT_PRODUCT


def product_module(product: object) -> ModuleType:
    """The product's module, imported now; ValueError naming the known ids otherwise."""
    from . import PRODUCTS

    if not isinstance(product, str) or product not in PRODUCTS:
        raise ValueError(f"unknown product {product!r}; expected one of: {', '.join(PRODUCTS)}")
    import importlib

    return importlib.import_module(f".{product}", __package__)


def describe_error(
    code: int | None, msg: str, product: str, http_status: int | None, problem: str | None
) -> str:
    """The exception's text: ``spot -1003 TOO_MANY_REQUESTS: ...`` or what was malformed.

    One line whatever the server sent: whitespace runs become one space and
    other characters a terminal would act on are escaped (``err.msg`` keeps
    the message as sent).
    """
    status = f" (HTTP {http_status})" if http_status is not None else ""
    msg = one_line(msg)
    name = getattr(code, "name", None)
    label = str(code) if code is None or name is None else f"{int(code)} {name}"
    if problem is not None:
        where = f" for {product} {label}" if code is not None else f" from {product}"
        return f"malformed Binance error payload{where}{status}: {problem}"
    return f"{product} {label}{status}: {msg}"


def one_line(text: str) -> str:
    """``text`` with whitespace collapsed and unprintable characters escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in " ".join(text.split()))
