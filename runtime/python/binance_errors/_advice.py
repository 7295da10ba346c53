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

    RuleFields = tuple[Optional[str], Optional[bool], Optional[bool], str, str, Optional[str]]
    """What a rule sets: category, retryable, execution_unknown (None: unchanged), the
    action, the reason, the cited source (or None)."""
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
    (empty: any message), then :data:`RuleFields`; its category applies only to a response
    without a usable code)."""
    MessageRule = tuple[
        tuple[int, ...],
        tuple[str, ...],
        Optional[str],
        Optional[bool],
        Optional[bool],
        str,
        str,
        Optional[str],
    ]
    """(the codes it covers (empty: all), phrases as :func:`variant_key` writes them, then
    :data:`RuleFields`)."""

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


def find_message_rule(
    rules: "Iterable[MessageRule]", code: "int | None", texts: "Iterable[str]"
) -> "MessageRule | None":
    """The first rule (they come most specific first) whose phrase a text contains, for ``code``.

    A rule with codes covers those codes only; texts and phrases are compared
    as :func:`variant_key` writes them, the phrase anywhere in the text.
    """
    keys = [variant_key(text) for text in texts if text]
    if code is None or not keys:
        return None
    for rule in rules:
        codes, phrases = rule[0], rule[1]
        if codes and code not in codes:
            continue
        if any(phrase in key for phrase in phrases for key in keys):
            return rule
    return None


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
    *,
    code: "int | None" = None,
    texts: "Iterable[str]" = (),
    status: "int | None" = None,
    method: "str | None" = None,
    message_rules: "Iterable[MessageRule]" = (),
    http_rules: "Iterable[HttpRule]" = (),
) -> Annotation:
    """``base`` (a code's annotation) adjusted to one response, in three steps.

    1. The first message rule for ``code`` whose phrase the message contains
       (a code whose messages mean different things, such as Spot's -2010
       "insufficient balance" and "would immediately match") sets the fields
       it gives.
    2. The first HTTP rule covering ``status`` (and, where it lists variants,
       the message) sets ``retryable``, ``execution_unknown`` and ``action``
       where it gives them, and ``category`` when the response had no usable
       code (``code`` None).
    3. When the action is ``reconcile`` because the outcome is unknown, a
       method in :data:`SAFE_METHODS` turns it into ``retry``: a query can be
       resent. An unknown method (None) keeps ``reconcile``, the safe choice
       for an order.

    Each step's reason and source come before the earlier ones.
    """
    texts = tuple(texts)
    advice = base
    message_rule = find_message_rule(message_rules, code, texts)
    if message_rule is not None:
        advice = apply_rule(advice, message_rule[2:], set_category=True)
    http_rule = find_http_rule(http_rules, status, texts)
    if http_rule is not None:
        advice = apply_rule(advice, http_rule[3:], set_category=code is None)
    if advice.action == "reconcile" and advice.execution_unknown and is_safe_method(method):
        reason = f"{str(method).upper()} only reads, so resending it is safe."
        advice = Annotation(
            advice.category,
            advice.retryable,
            advice.execution_unknown,
            "retry",
            (reason, *advice.reasons),
            advice.sources,
        )
    return advice


def apply_rule(advice: Annotation, fields: "RuleFields", *, set_category: bool) -> Annotation:
    """``advice`` with a rule's fields (those it gives) set, its reason and source first."""
    category, retryable, unknown, action, reason, source = fields
    sources = advice.sources
    if source is not None:
        sources = (source, *(s for s in sources if s != source))
    return Annotation(
        category if set_category and category is not None else advice.category,
        advice.retryable if retryable is None else retryable,
        advice.execution_unknown if unknown is None else unknown,
        action,
        (reason, *advice.reasons),
        sources,
    )


def is_safe_method(method: "str | None") -> bool:
    """Whether ``method`` (any case) only reads; None (not known) is not."""
    return isinstance(method, str) and method.strip().upper() in SAFE_METHODS
