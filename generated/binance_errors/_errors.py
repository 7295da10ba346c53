"""The exception for Binance's error responses: :class:`BinanceAPIError`.

Loaded on first use (``binance_errors.BinanceAPIError``), so that importing a
product module stays cheap; it imports ``json`` and the product module only
when :meth:`BinanceAPIError.from_payload` needs them.
"""

from __future__ import annotations

from ._advice import Annotation
from ._matching import MessageMatch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


class BinanceAPIError(Exception):
    """An error Binance returned, with what the project knows about its code and message.

    Build it with :meth:`from_payload`. ``code`` is the product's ``ErrorCode``
    member, the plain int for a code the product does not document, or None
    when the payload had no usable code. ``msg`` is Binance's message ('' when
    it had none). ``match`` says which documented message it is, with the
    values Binance filled in. ``category``, ``retryable`` and
    ``execution_unknown`` come from the annotations; any HTTP 5xx status makes
    ``execution_unknown`` true, since Binance says the execution status of
    such a request is unknown. ``problem`` is None for a well-formed payload,
    else what was wrong with it (``category`` is then ``invalid_payload``
    unless the payload still had a usable code). ``payload`` is the decoded
    JSON object (the whole envelope, for the WebSocket API), or None.
    """

    code: int | None
    msg: str
    match: MessageMatch | None
    category: str
    retryable: bool
    execution_unknown: bool
    reasons: tuple[str, ...]
    product: str
    http_status: int | None
    payload: dict[str, object] | None
    problem: str | None

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
    ) -> None:
        super().__init__(describe_error(code, msg, product, http_status, problem))
        if annotation is None:
            annotation = Annotation(INVALID_PAYLOAD, False, False, (NO_CODE,))
        self.code = code
        self.msg = msg
        self.match = match
        self.category = annotation.category
        self.retryable = annotation.retryable
        self.execution_unknown = annotation.execution_unknown or is_server_error(http_status)
        self.reasons = annotation.reasons
        self.product = product
        self.http_status = http_status
        self.payload = payload
        self.problem = problem

    def __reduce__(self) -> tuple[object, tuple[dict[str, object]]]:
        state: dict[str, object] = {
            "code": self.code,
            "msg": self.msg,
            "product": self.product,
            "match": self.match,
            "annotation": Annotation(
                self.category, self.retryable, self.execution_unknown, self.reasons
            ),
            "http_status": self.http_status,
            "payload": self.payload,
            "problem": self.problem,
        }
        return (_rebuild_error, (state,))

    @classmethod
    def from_payload(
        cls, payload: object, product: str = "spot", http_status: int | None = None
    ) -> BinanceAPIError:
        """The error for a Binance error response body: a dict, or JSON as str or bytes.

        ``product`` is the API that answered (a name in ``PRODUCTS``); only
        that product's module is imported. A WebSocket API envelope
        (``{"status": 400, "error": {"code": ..., "msg": ...}}``) is unwrapped,
        its ``status`` standing in for ``http_status``. A malformed payload
        (not JSON, not an object, no integer ``code``, no string ``msg``) still
        gives a BinanceAPIError, whose ``problem`` says what was wrong.

        Raises ValueError for an unknown product, and TypeError when
        ``http_status`` is neither an int nor None: those are the caller's bugs.
        """
        module = product_module(product)
        if http_status is not None and (
            not isinstance(http_status, int) or isinstance(http_status, bool)
        ):
            raise TypeError(f"http_status must be an int or None, not {type(http_status).__name__}")
        document, problem = decode_payload(payload)
        data = document
        envelope = data.get("error") if data is not None and "code" not in data else None
        if data is not None and isinstance(envelope, dict):
            status = data.get("status")
            if http_status is None and isinstance(status, int) and not isinstance(status, bool):
                http_status = status
            data = envelope
        code, msg, problem = read_fields(data, problem)
        if code is None:
            return cls(
                None,
                msg,
                product=product,
                http_status=http_status,
                payload=document,
                problem=problem,
            )
        member: int | None = module.lookup(code)
        return cls(
            code if member is None else member,
            msg,
            product=product,
            match=module.match(code, msg) if problem is None else None,
            annotation=module.annotation(code),
            http_status=http_status,
            payload=document,
            problem=problem,
        )


INVALID_PAYLOAD = "invalid_payload"
"""The category of an error whose payload had no usable code."""
NO_CODE = "The payload has no usable error code, so nothing more is known about the error."


def _rebuild_error(state: dict[str, Any]) -> BinanceAPIError:
    """Unpickle a :class:`BinanceAPIError` (exceptions pickle their ``args`` only)."""
    return BinanceAPIError(**state)


def product_module(product: object) -> ModuleType:
    """The product's module, imported now; ValueError naming the known ids otherwise."""
    from . import PRODUCTS

    if not isinstance(product, str) or product not in PRODUCTS:
        raise ValueError(f"unknown product {product!r}; expected one of: {', '.join(PRODUCTS)}")
    import importlib

    return importlib.import_module(f".{product}", __package__)


def decode_payload(payload: object) -> tuple[dict[str, object] | None, str | None]:
    """The payload as a JSON object, or None and what is wrong with it."""
    if isinstance(payload, (bytes, bytearray, memoryview)):
        try:
            payload = bytes(payload).decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, f"not UTF-8 ({exc.reason} at byte {exc.start})"
    if isinstance(payload, str):
        import json

        try:
            payload = json.loads(payload)
        except ValueError as exc:
            return None, f"not JSON ({exc}): {shorten(payload)}"
        except RecursionError:
            return None, "not JSON we can read: nested too deeply"
    if not isinstance(payload, dict):
        return None, f"not a JSON object but {type(payload).__name__}: {shorten(payload)}"
    return payload, None


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


def is_server_error(http_status: int | None) -> bool:
    return http_status is not None and 500 <= http_status <= 599


def describe_error(
    code: int | None, msg: str, product: str, http_status: int | None, problem: str | None
) -> str:
    """The exception's text: ``spot -1003 TOO_MANY_REQUESTS: ...`` or what was malformed."""
    status = f" (HTTP {http_status})" if http_status is not None else ""
    name = getattr(code, "name", None)
    label = str(code) if code is None or name is None else f"{int(code)} {name}"
    if problem is not None:
        where = f" for {product} {label}" if code is not None else f" from {product}"
        return f"malformed Binance error payload{where}{status}: {problem}"
    return f"{product} {label}{status}: {msg}"
