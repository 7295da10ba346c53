"""What a code means for a caller: :class:`Annotation`. Standard library only.

Loaded on the first ``annotation()`` call or ``BinanceAPIError``, so importing
a product stays cheap; importing this module imports nothing. There is no
``from __future__ import annotations`` (it imports ``__future__``).
"""


class Annotation:
    """What a code means for a caller, from the project's hand-written annotations.

    ``retryable``: the condition is transient and the same request may succeed
    when sent again after a back-off. ``execution_unknown``: the request may
    have taken effect; check the order or account before sending it again.
    ``reasons`` are the one-line reasons of the rules that decided this.
    """

    __slots__ = ("category", "execution_unknown", "reasons", "retryable")

    category: str
    retryable: bool
    execution_unknown: bool
    reasons: tuple[str, ...]

    def __init__(
        self, category: str, retryable: bool, execution_unknown: bool, reasons: tuple[str, ...]
    ) -> None:
        object.__setattr__(self, "category", category)
        object.__setattr__(self, "retryable", retryable)
        object.__setattr__(self, "execution_unknown", execution_unknown)
        object.__setattr__(self, "reasons", reasons)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return (
            f"Annotation(category={self.category!r}, retryable={self.retryable!r},"
            f" execution_unknown={self.execution_unknown!r}, reasons={self.reasons!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Annotation):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> "tuple[type[Annotation], tuple[object, ...]]":
        return (Annotation, self._key())

    def _key(self) -> tuple[str, bool, bool, tuple[str, ...]]:
        return (self.category, self.retryable, self.execution_unknown, self.reasons)
