"""What an error means for a caller, and the one thing to do about it. Standard library only.

:class:`Annotation` is a code's advice as ``spec/annotations.yaml`` resolves it
(category, flags, the action for a request whose effect is not known to be
harmless to repeat, the reasons and the pages they cite). :func:`advise` adjusts
it to one response: the product's HTTP rules (a status, optionally one of the
message variants Binance documents for it, such as the futures' HTTP 503
"Service Unavailable."), then the request's method (an execution-unknown GET is
simply resent). The rules are data written by the generator into each product
module; this module only applies them.

Loaded on the first ``annotation()`` or ``advice()`` call, or by
``BinanceAPIError``; importing it imports nothing. There is no ``from
__future__ import annotations`` (it imports ``__future__``).
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Optional

    HttpRule = tuple[
        int,
        int,
        tuple[str, ...],
        Optional[str],
        Optional[bool],
        Optional[bool],
        str,
        str,
        Optional[str],
    ]
    """(lowest status, highest status, message variants as :func:`variant_key` writes them
    (empty: any message), category for a response without a usable code (None: unchanged),
    retryable, execution_unknown (None: unchanged), action, reason, cited source or None)."""

ACTIONS = ("retry", "resync_and_retry", "reconcile", "fix_request", "stop")
"""Every action, from the least to the most drastic (see README, "What to do")."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that only read: resending one whose outcome is unknown changes nothing."""


class Annotation:
    """What a code means for a caller, and what to do, with the reasons and their sources.

    ``retryable``: the condition is transient and the same request may succeed
    when sent again after a back-off. ``execution_unknown``: the request may
    have taken effect; check before sending it again. ``action`` is the one
    decision: ``retry``, ``resync_and_retry``, ``reconcile``, ``fix_request``
    or ``stop`` (:data:`ACTIONS`). ``reasons`` are the one-line reasons of the
    rules that decided this, most specific first; ``sources`` the Binance pages
    (URL and anchor) those rules cite.
    """

    __slots__ = ("action", "category", "execution_unknown", "reasons", "retryable", "sources")

    category: str
    retryable: bool
    execution_unknown: bool
    action: str
    reasons: "tuple[str, ...]"
    sources: "tuple[str, ...]"

    def __init__(  # noqa: PLR0917 - one positional argument per field of the data tuples
        self,
        category: str,
        retryable: bool,
        execution_unknown: bool,
        action: str,
        reasons: "tuple[str, ...]",
        sources: "tuple[str, ...]" = (),
    ) -> None:
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "retryable", retryable)
        object.__setattr__(self, "execution_unknown", execution_unknown)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "reasons", reasons)
        object.__setattr__(self, "sources", sources)

    @property
    def reason(self) -> str:
        """The most specific reason: the one of the rule that decided the action."""
        return self.reasons[0] if self.reasons else ""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return (
            f"Annotation(category={self.category!r}, retryable={self.retryable!r},"
            f" execution_unknown={self.execution_unknown!r}, action={self.action!r},"
            f" reasons={self.reasons!r}, sources={self.sources!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Annotation):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> "tuple[type[Annotation], tuple[object, ...]]":
        return (Annotation, self._key())

    def _key(self) -> "tuple[str, bool, bool, str, tuple[str, ...], tuple[str, ...]]":
        return (
            self.category,
            self.retryable,
            self.execution_unknown,
            self.action,
            self.reasons,
            self.sources,
        )


INVALID_PAYLOAD = "invalid_payload"
"""The category of an error whose payload had no usable code."""
NO_CODE = "The payload has no usable error code, so nothing more is known about the error."
NO_CODE_ANNOTATION = Annotation(INVALID_PAYLOAD, False, False, "stop", (NO_CODE,))
"""The advice for a body without a usable code, before the HTTP rules have their say."""


def variant_key(text: str) -> str:
    """``text`` as HTTP rules compare it: whitespace collapsed, no trailing periods, lower case.

    The generator writes every documented variant in this form; the same
    steps in the same order give the same key in any language (``lower`` is
    Unicode's default lower-casing, as JavaScript's ``toLowerCase``).
    """
    return " ".join(text.split()).rstrip(". ").lower()


def find_http_rule(
    rules: "Iterable[HttpRule]", status: "int | None", texts: "Iterable[str]"
) -> "HttpRule | None":
    """The first rule (they come most specific first) that covers ``status`` and the texts.

    A rule with message variants covers a response only when one of ``texts``
    (the error's ``msg``, or a body that is plain text) is one of them.
    """
    if status is None:
        return None
    keys = {variant_key(text) for text in texts if text}
    for rule in rules:
        low, high, variants = rule[0], rule[1], rule[2]
        if low <= status <= high and (not variants or keys.intersection(variants)):
            return rule
    return None


def advise(
    base: Annotation,
    rules: "Iterable[HttpRule]",
    *,
    status: "int | None" = None,
    texts: "Iterable[str]" = (),
    method: "str | None" = None,
    has_code: bool = True,
) -> Annotation:
    """``base`` adjusted to a response: its HTTP status and message, then the request's method.

    The first matching HTTP rule sets ``retryable``, ``execution_unknown`` and
    ``action`` where it gives them, and ``category`` when the response had no
    usable code (``has_code`` false); its reason and source come first. Then,
    when the action is ``reconcile`` only because the outcome is unknown, a
    method in :data:`SAFE_METHODS` turns it into ``retry``: a query can be
    resent. An unknown method (None) keeps ``reconcile``, the safe choice for
    an order.
    """
    category, retryable, unknown = base.category, base.retryable, base.execution_unknown
    action, reasons, sources = base.action, base.reasons, base.sources
    rule = find_http_rule(rules, status, texts)
    if rule is not None:
        _, _, _, rule_category, rule_retryable, rule_unknown, action, reason, source = rule
        if not has_code and rule_category is not None:
            category = rule_category
        if rule_retryable is not None:
            retryable = rule_retryable
        if rule_unknown is not None:
            unknown = rule_unknown
        reasons = (reason, *reasons)
        if source is not None:
            sources = (source, *(s for s in sources if s != source))
    if action == "reconcile" and unknown and is_safe_method(method):
        action = "retry"
        reasons = (f"{str(method).upper()} only reads, so resending it is safe.", *reasons)
    return Annotation(category, retryable, unknown, action, reasons, sources)


def is_safe_method(method: "str | None") -> bool:
    """Whether ``method`` (any case) only reads; None (not known) is not."""
    return isinstance(method, str) and method.strip().upper() in SAFE_METHODS
