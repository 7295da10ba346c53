"""The hand-written annotations (``spec/annotations.yaml``): categories and retry hints per code.

The file holds a ``default`` and a list of ``rules``. A rule selects codes by
exactly one of ``codes``, ``range`` (inclusive) or ``section``; ``products``
limits it to some products, otherwise it is shared by all. It sets any of
``category``, ``retryable`` and ``execution_unknown``, with a one-line
``reason``.

Each field of a code is decided on its own by the most specific rule that sets
it (:func:`level`), else by the default:

1. ``codes``, product-scoped, then shared;
2. ``section``, product-scoped, then shared;
3. ``range``, the narrowest first; for equal widths product-scoped first;
4. ``default``.

Two rules at the same level that set the same field of the same code are a
conflict, refused rather than decided by file order. A shared ``codes`` rule
may only name a code that has the same name in every product that documents
it, since codes above the 11xx range mean different things on different APIs
(``-2021`` is ``ORDER_CANCEL_REPLACE_PARTIALLY_FAILED`` on spot and
``ORDER_WOULD_IMMEDIATELY_TRIGGER`` on USDⓈ-M futures); such a rule has to
name its products. Codes a product does not document are resolved at run time
from the range rules and the default only (:attr:`ProductAnnotations.ranges`).

Every problem is a :class:`SpecError` (exit 6) naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from scraper.exceptions import SpecError
from scraper.model import ErrorEntry, Product, Spec
from scraper.yaml_document import check_schema, load_yaml, read_text

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "spec" / "annotations.schema.json"
FIELDS = ("category", "retryable", "execution_unknown")
SELECTORS = ("codes", "range", "section")


@dataclass(frozen=True)
class Rule:
    """One rule of the file, ``index`` being its position (``$.rules[index]``)."""

    index: int
    reason: str
    codes: tuple[int, ...] = ()
    range: tuple[int, int] | None = None
    section: str | None = None
    products: tuple[str, ...] = ()
    category: str | None = None
    retryable: bool | None = None
    execution_unknown: bool | None = None

    @property
    def where(self) -> str:
        return f"$.rules[{self.index}]"

    def value(self, field: str) -> str | bool | None:
        """What the rule sets ``field`` to, or ``None`` when it leaves it alone."""
        value: str | bool | None = getattr(self, field)
        return value

    def applies_to(self, product_id: str) -> bool:
        return not self.products or product_id in self.products

    def selects(self, product_id: str, code: int, section: str | None) -> bool:
        """Whether the rule covers ``code`` (listed under ``section``, None if undocumented)."""
        if not self.applies_to(product_id):
            return False
        if self.range is not None:
            return self.range[0] <= code <= self.range[1]
        if self.section is not None:
            return section == self.section
        return section is not None and code in self.codes


@dataclass(frozen=True)
class Default:
    """What a code gets for each field that no rule decides."""

    category: str
    retryable: bool
    execution_unknown: bool
    reason: str


@dataclass(frozen=True)
class Annotations:
    """The whole annotations file."""

    categories: tuple[tuple[str, str], ...]
    default: Default
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Resolved:
    """A code's category and flags, and the reasons of the rules that decided them."""

    category: str
    retryable: bool
    execution_unknown: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CodeRange:
    """Codes ``low..high`` (inclusive) that a product does not document resolve to this."""

    low: int
    high: int
    annotation: Resolved


@dataclass(frozen=True)
class ProductAnnotations:
    """Everything the renderer needs for one product."""

    codes: dict[int, Resolved]
    ranges: tuple[CodeRange, ...]
    default: Resolved


NO_ANNOTATIONS = Annotations(
    categories=(("unknown", "No annotation says what this code means."),),
    default=Default("unknown", False, False, "No annotations file was given."),
    rules=(),
)
"""What a spec is rendered with when there is no annotations file."""


# -- reading -------------------------------------------------------------------


def read_annotations(path: Path) -> Annotations:
    """Load, validate and convert the annotations file at ``path``."""
    text = read_text(path)
    return load_annotations(text, str(path))


def load_annotations(text: str, origin: str) -> Annotations:
    """Parse YAML text (``safe_load`` only), check it against the schema and convert it."""
    data = load_yaml(text, origin, "schema_version, categories, default, rules")
    check_schema(data, schema(), origin)
    annotations = annotations_from_data(data)
    validate_rules(annotations, origin)
    return annotations


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def annotations_from_data(data: dict[str, Any]) -> Annotations:
    default = data["default"]
    return Annotations(
        categories=tuple(data["categories"].items()),
        default=Default(
            default["category"],
            default["retryable"],
            default["execution_unknown"],
            default["reason"],
        ),
        rules=tuple(rule_from_data(index, item) for index, item in enumerate(data["rules"])),
    )


def rule_from_data(index: int, item: dict[str, Any]) -> Rule:
    bounds = item.get("range")
    return Rule(
        index=index,
        reason=item["reason"],
        codes=tuple(item.get("codes", ())),
        range=(bounds[0], bounds[1]) if bounds is not None else None,
        section=item.get("section"),
        products=tuple(item.get("products", ())),
        category=item.get("category"),
        retryable=item.get("retryable"),
        execution_unknown=item.get("execution_unknown"),
    )


def validate_rules(annotations: Annotations, origin: str) -> None:
    """What the schema cannot say about the file on its own."""
    declared = {name for name, _ in annotations.categories}
    if annotations.default.category not in declared:
        raise SpecError(
            origin,
            f"$.default.category: {unknown_category(annotations, annotations.default.category)}",
        )
    for rule in annotations.rules:
        given = [name for name in SELECTORS if rule_has(rule, name)]
        if len(given) != 1:
            found = ", ".join(given) or "none"
            raise SpecError(
                origin, f"{rule.where}: give exactly one of codes, range, section (found: {found})"
            )
        if all(rule.value(field) is None for field in FIELDS):
            raise SpecError(
                origin, f"{rule.where}: sets none of category, retryable, execution_unknown"
            )
        if rule.category is not None and rule.category not in declared:
            raise SpecError(
                origin, f"{rule.where}.category: {unknown_category(annotations, rule.category)}"
            )
        if rule.range is not None and rule.range[0] > rule.range[1]:
            raise SpecError(
                origin,
                f"{rule.where}.range: lower bound first, got [{rule.range[0]}, {rule.range[1]}]",
            )


def rule_has(rule: Rule, selector: str) -> bool:
    if selector == "codes":
        return bool(rule.codes)
    return getattr(rule, selector) is not None


def unknown_category(annotations: Annotations, name: str) -> str:
    declared = ", ".join(sorted(declared for declared, _ in annotations.categories))
    return f"category {name!r} is not declared under categories ({declared})"


# -- against the spec ----------------------------------------------------------


def resolve_spec(
    annotations: Annotations, spec: Spec, origin: str
) -> dict[str, ProductAnnotations]:
    """Check the annotations against ``spec`` and resolve every product's codes."""
    check_against_spec(annotations, spec, origin)
    return {product.id: resolve_product(annotations, product, origin) for product in spec.products}


def check_against_spec(annotations: Annotations, spec: Spec, origin: str) -> None:
    """Every product, code and section a rule names exists; shared code rules are unambiguous."""
    products = {product.id: product for product in spec.products}
    for rule in annotations.rules:
        for position, product_id in enumerate(rule.products):
            if product_id not in products:
                known = ", ".join(sorted(products)) or "none"
                raise SpecError(
                    origin,
                    f"{rule.where}.products[{position}]: no product {product_id!r} in the spec"
                    f" (products: {known})",
                )
        scope = [products[p] for p in rule.products] or list(products.values())
        for position, code in enumerate(rule.codes):
            check_code(rule, position, code, scope, origin)
        if rule.section is not None:
            check_section(rule, rule.section, scope, origin)


def check_code(rule: Rule, position: int, code: int, scope: list[Product], origin: str) -> None:
    where = f"{rule.where}.codes[{position}]"
    entries = {product.id: product.error(code) for product in scope}
    if rule.products:
        missing = [product_id for product_id, entry in entries.items() if entry is None]
        if missing:
            raise SpecError(origin, f"{where}: {code} is not a code of product {missing[0]!r}")
        return
    names = {product_id: entry.name for product_id, entry in entries.items() if entry}
    if not names:
        raise SpecError(origin, f"{where}: {code} is not a code of any product in the spec")
    if len(set(names.values())) > 1:
        named = ", ".join(f"{product_id}: {name}" for product_id, name in sorted(names.items()))
        raise SpecError(
            origin,
            f"{where}: {code} names different errors per product ({named}); give the rule products",
        )


def check_section(rule: Rule, section: str, scope: list[Product], origin: str) -> None:
    having = [p.id for p in scope if any(e.section == section for e in p.errors)]
    if rule.products and len(having) != len(scope):
        missing = next(p.id for p in scope if p.id not in having)
        raise SpecError(
            origin, f"{rule.where}.section: product {missing!r} has no section {section!r}"
        )
    if not having:
        raise SpecError(origin, f"{rule.where}.section: no product has a section {section!r}")


# -- resolution ----------------------------------------------------------------


def level(rule: Rule) -> tuple[int, int, int]:
    """Sort key of a rule among those selecting one code: smaller is more specific."""
    shared = 0 if rule.products else 1
    if rule.codes:
        return (0, shared, 0)
    if rule.section is not None:
        return (1, shared, 0)
    assert rule.range is not None  # validate_rules allows exactly one selector
    return (2, rule.range[1] - rule.range[0], shared)


def resolve_product(annotations: Annotations, product: Product, origin: str) -> ProductAnnotations:
    """Category and flags of every code of ``product``, of its undocumented ranges, and default."""
    rules = [rule for rule in annotations.rules if rule.applies_to(product.id)]
    codes = {
        entry.code: resolve_code(
            annotations, rules, entry.code, product_id=product.id, entry=entry, origin=origin
        )
        for entry in product.errors
    }
    return ProductAnnotations(
        codes=codes,
        ranges=undocumented_ranges(annotations, rules, product.id, origin),
        default=resolve_code(annotations, [], 0, product_id=product.id, entry=None, origin=origin),
    )


def resolve_code(
    annotations: Annotations,
    rules: Iterable[Rule],
    code: int,
    *,
    product_id: str,
    entry: ErrorEntry | None,
    origin: str,
) -> Resolved:
    """Decide each field of ``code`` by the most specific rule that sets it."""
    section = entry.section if entry is not None else None
    candidates = sorted(
        (rule for rule in rules if rule.selects(product_id, code, section)), key=level
    )
    values: dict[str, str | bool] = {}
    deciders: list[Rule] = []
    for field in FIELDS:
        setters = [rule for rule in candidates if rule.value(field) is not None]
        if not setters:
            continue
        first = setters[0]
        if len(setters) > 1 and level(setters[1]) == level(first):
            subject = f"{product_id} {code}" if entry else f"undocumented {product_id} code {code}"
            raise SpecError(
                origin,
                f"{setters[1].where}.{field}: conflicts with {first.where} for {subject};"
                " make one of them more specific",
            )
        value = first.value(field)
        assert value is not None  # setters only holds rules that set the field
        values[field] = value
        if first not in deciders:
            deciders.append(first)
    default = annotations.default
    reasons = [rule.reason for rule in sorted(deciders, key=level)]
    if "category" not in values:
        reasons.append(default.reason)
    return Resolved(
        category=str(values.get("category", default.category)),
        retryable=bool(values.get("retryable", default.retryable)),
        execution_unknown=bool(values.get("execution_unknown", default.execution_unknown)),
        reasons=tuple(dict.fromkeys(reasons)),
    )


def undocumented_ranges(
    annotations: Annotations, rules: list[Rule], product_id: str, origin: str
) -> tuple[CodeRange, ...]:
    """Disjoint ranges, ascending, that cover every code some range rule selects."""
    ranged = [rule.range for rule in rules if rule.range is not None]
    bounds = sorted({low for low, _ in ranged} | {high + 1 for _, high in ranged})
    segments: list[CodeRange] = []
    for low, next_low in zip(bounds, bounds[1:]):
        if not any(r[0] <= low <= r[1] for r in ranged):
            continue
        resolved = resolve_code(
            annotations, rules, low, product_id=product_id, entry=None, origin=origin
        )
        previous = segments[-1] if segments else None
        if previous and previous.high == low - 1 and previous.annotation == resolved:
            segments[-1] = CodeRange(previous.low, next_low - 1, resolved)
        else:
            segments.append(CodeRange(low, next_low - 1, resolved))
    return tuple(segments)
