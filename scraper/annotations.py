"""The hand-written advice (``spec/annotations.yaml``): what each code means and what to do.

The file holds the ``actions`` a caller can take, the ``categories`` (each
with the action its codes get by default), a ``default``, a list of code
``rules`` and a list of ``http`` rules.

A code rule selects codes by exactly one of ``codes``, ``range`` (inclusive),
``section``, ``name_has`` (words of the enum name, ``INSUFFICIENT`` or
``TOO_MANY``) or ``message_has`` (phrases of the documented messages, ``try
again later``); ``products`` limits it to some products, otherwise it is
shared by all. It sets any of ``category``, ``retryable``,
``execution_unknown`` and ``action``, with a one-line ``reason`` and, where
the reason rests on Binance's words, the ``source`` (a page URL with its
anchor). A shared ``codes`` rule may be ``universal``: the code means the same
on every API, so a product whose page omits it still knows it (options'
page lists no ``-1007``, yet its timeouts are timeouts).

Each field of a code is decided on its own by the most specific rule that sets
it (:func:`level`), else by the default:

1. ``codes``, product-scoped, then shared;
2. ``name_has`` / ``message_has``, product-scoped, then shared;
3. ``section``, product-scoped, then shared;
4. ``range``, the narrowest first; for equal widths product-scoped first;
5. ``default``.

The ``action`` a rule does not set follows from the resolved fields
(:func:`derive_action`): ``reconcile`` when the execution is unknown, the
category's action when it is ``resync_and_retry``, ``retry`` when retryable,
else the category's action. Whatever decides it, the result must be coherent
(:func:`incoherence`): ``reconcile`` exactly when the execution is unknown,
``retry`` and ``resync_and_retry`` only when retryable.

Two rules at the same level that set the same field of the same code are a
conflict, refused rather than decided by file order. A shared ``codes`` rule
may only name a code that has the same name in every product that documents
it, since codes above the 11xx range mean different things on different APIs;
such a rule has to name its products. A keyword rule must select at least one
code. Codes a product does not document are resolved at run time from the
universal codes, the range rules and the default.

An HTTP rule applies to a response whose status is in ``status`` (one status,
or ``[low, high]``) and, when it lists ``messages``, whose message is one of
them (compared as the runtime does, see :func:`variant_key`). It sets the
``action`` and any of ``retryable``, ``execution_unknown``, and the
``category`` of a response without a usable code.

Every problem is a :class:`SpecError` (exit 6) naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from scraper.exceptions import SpecError
from scraper.model import ErrorEntry, Product, Spec
from scraper.yaml_document import check_schema, load_yaml, read_text

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "spec" / "annotations.schema.json"
FIELDS = ("category", "retryable", "execution_unknown", "action")
SELECTORS = ("codes", "range", "section", "name_has", "message_has")
ACTIONS = ("retry", "resync_and_retry", "reconcile", "fix_request", "stop")
"""Every action, in the order the README lists them."""
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
"""Request methods that only read: an execution-unknown one is resent, not reconciled."""


@dataclass(frozen=True)
class Rule:
    """One code rule of the file, ``index`` being its position (``$.rules[index]``)."""

    index: int
    reason: str
    codes: tuple[int, ...] = ()
    range: tuple[int, int] | None = None
    section: str | None = None
    name_has: tuple[str, ...] = ()
    message_has: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    universal: bool = False
    category: str | None = None
    retryable: bool | None = None
    execution_unknown: bool | None = None
    action: str | None = None
    source: str | None = None

    @property
    def where(self) -> str:
        return f"$.rules[{self.index}]"

    def value(self, field: str) -> str | bool | None:
        """What the rule sets ``field`` to, or ``None`` when it leaves it alone."""
        value: str | bool | None = getattr(self, field)
        return value

    def applies_to(self, product_id: str) -> bool:
        return not self.products or product_id in self.products

    def selects(self, product_id: str, code: int, entry: ErrorEntry | None) -> bool:
        """Whether the rule covers ``code``, documented as ``entry`` (None: undocumented)."""
        if not self.applies_to(product_id):
            return False
        if self.range is not None:
            return self.range[0] <= code <= self.range[1]
        if entry is None:
            return self.universal and code in self.codes
        return self.selects_entry(entry)

    def selects_entry(self, entry: ErrorEntry) -> bool:
        """Whether a selector other than ``range`` covers the documented ``entry``."""
        if self.section is not None:
            return entry.section == self.section
        if self.name_has:
            return any(name_has_word(entry, word) for word in self.name_has)
        if self.message_has:
            return any(message_has_phrase(entry, phrase) for phrase in self.message_has)
        return entry.code in self.codes


@dataclass(frozen=True)
class HttpRule:
    """One HTTP rule of the file (``$.http[index]``): a status (range) and message variants."""

    index: int
    reason: str
    action: str
    low: int
    high: int
    messages: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    category: str | None = None
    retryable: bool | None = None
    execution_unknown: bool | None = None
    source: str | None = None

    @property
    def where(self) -> str:
        return f"$.http[{self.index}]"

    def applies_to(self, product_id: str) -> bool:
        return not self.products or product_id in self.products

    @property
    def variants(self) -> tuple[str, ...]:
        """The messages as the runtime compares them."""
        return tuple(dict.fromkeys(variant_key(message) for message in self.messages))

    def specificity(self) -> tuple[int, int, int]:
        """Sort key among one product's rules: message variants first, then narrower ranges."""
        return (0 if self.messages else 1, self.high - self.low, self.index)


@dataclass(frozen=True)
class MessageRule:
    """A message rule (``$.messages[index]``): what a code's message containing a phrase means.

    For codes whose messages mean different things (Spot's -2010 covers "Account
    has insufficient balance" and "Order would immediately match and take"),
    the runtime narrows the code's advice by the message it received.
    """

    index: int
    reason: str
    action: str
    message_has: tuple[str, ...]
    codes: tuple[int, ...] = ()
    products: tuple[str, ...] = ()
    category: str | None = None
    retryable: bool | None = None
    execution_unknown: bool | None = None
    source: str | None = None

    @property
    def where(self) -> str:
        return f"$.messages[{self.index}]"

    def applies_to(self, product_id: str) -> bool:
        return not self.products or product_id in self.products

    @property
    def phrases(self) -> tuple[str, ...]:
        """The phrases as the runtime compares them."""
        return tuple(dict.fromkeys(variant_key(phrase) for phrase in self.message_has))

    def covers(self, code: int, message: str) -> bool:
        """Whether the rule applies to ``message`` sent with ``code``."""
        key = variant_key(message)
        return (not self.codes or code in self.codes) and any(p in key for p in self.phrases)


@dataclass(frozen=True)
class Category:
    """A category: what it means, and the action its codes get unless a rule says otherwise."""

    name: str
    meaning: str
    action: str


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

    actions: tuple[tuple[str, str], ...]
    categories: tuple[Category, ...]
    default: Default
    rules: tuple[Rule, ...]
    http: tuple[HttpRule, ...] = ()
    messages: tuple[MessageRule, ...] = ()

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)


@dataclass(frozen=True)
class Resolved:
    """A code's category, flags and action, with the reasons and sources of the deciding rules."""

    category: str
    retryable: bool
    execution_unknown: bool
    action: str
    reasons: tuple[str, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeRange:
    """Codes ``low..high`` (inclusive) that a product does not document resolve to this."""

    low: int
    high: int
    annotation: Resolved


@dataclass(frozen=True)
class ProductAnnotations:
    """Everything the renderer needs for one product.

    ``codes`` are the documented codes; ``universal`` the universal codes the
    product's page omits; ``http`` the HTTP rules that apply, most specific
    first.
    """

    codes: dict[int, Resolved]
    ranges: tuple[CodeRange, ...]
    default: Resolved
    universal: dict[int, Resolved]
    http: tuple[HttpRule, ...] = ()
    messages: tuple[MessageRule, ...] = ()


NO_ANNOTATIONS = Annotations(
    actions=(("stop", "Do not resend."),),
    categories=(Category("unknown", "No annotation says what this code means.", "stop"),),
    default=Default("unknown", False, False, "No annotations file was given."),
    rules=(),
)
"""What a spec is rendered with when there is no annotations file."""


def variant_key(text: str) -> str:
    """``text`` as the runtime compares HTTP message variants (``_advice.variant_key``)."""
    return " ".join(text.split()).rstrip(". ").lower()


def name_has_word(entry: ErrorEntry, word: str) -> bool:
    """Whether ``word`` (``TOO_MANY``) is a run of whole ``_``-separated words of a name."""
    names = (entry.name, *(alias.name for alias in entry.aliases))
    return any(f"_{word}_" in f"_{name}_" for name in names)


def message_has_phrase(entry: ErrorEntry, phrase: str) -> bool:
    """Whether a documented message of the code contains ``phrase`` (case and spacing aside)."""
    wanted = variant_key(phrase)
    messages = (*entry.messages, *(m for alias in entry.aliases for m in alias.messages))
    return any(wanted in variant_key(message) for message in messages)


# -- reading -------------------------------------------------------------------


def read_annotations(path: Path) -> Annotations:
    """Load, validate and convert the annotations file at ``path``."""
    text = read_text(path)
    return load_annotations(text, str(path))


def load_annotations(text: str, origin: str) -> Annotations:
    """Parse YAML text (``safe_load`` only), check it against the schema and convert it."""
    data = load_yaml(text, origin, "schema_version, actions, categories, default, rules")
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
        actions=tuple(data["actions"].items()),
        categories=tuple(
            Category(name, item["meaning"], item["action"])
            for name, item in data["categories"].items()
        ),
        default=Default(
            default["category"],
            default["retryable"],
            default["execution_unknown"],
            default["reason"],
        ),
        rules=tuple(rule_from_data(index, item) for index, item in enumerate(data["rules"])),
        http=tuple(http_rule_from_data(index, item) for index, item in enumerate(data["http"])),
        messages=tuple(
            message_rule_from_data(index, item)
            for index, item in enumerate(data.get("messages", ()))
        ),
    )


def rule_from_data(index: int, item: dict[str, Any]) -> Rule:
    bounds = item.get("range")
    return Rule(
        index=index,
        reason=item["reason"],
        codes=tuple(item.get("codes", ())),
        range=(bounds[0], bounds[1]) if bounds is not None else None,
        section=item.get("section"),
        name_has=tuple(item.get("name_has", ())),
        message_has=tuple(item.get("message_has", ())),
        products=tuple(item.get("products", ())),
        universal=item.get("universal", False),
        category=item.get("category"),
        retryable=item.get("retryable"),
        execution_unknown=item.get("execution_unknown"),
        action=item.get("action"),
        source=item.get("source"),
    )


def http_rule_from_data(index: int, item: dict[str, Any]) -> HttpRule:
    status = item["status"]
    low, high = (status, status) if isinstance(status, int) else (status[0], status[1])
    return HttpRule(
        index=index,
        reason=item["reason"],
        action=item["action"],
        low=low,
        high=high,
        messages=tuple(item.get("messages", ())),
        products=tuple(item.get("products", ())),
        category=item.get("category"),
        retryable=item.get("retryable"),
        execution_unknown=item.get("execution_unknown"),
        source=item.get("source"),
    )


def message_rule_from_data(index: int, item: dict[str, Any]) -> MessageRule:
    return MessageRule(
        index=index,
        reason=item["reason"],
        action=item["action"],
        message_has=tuple(item["message_has"]),
        codes=tuple(item.get("codes", ())),
        products=tuple(item.get("products", ())),
        category=item.get("category"),
        retryable=item.get("retryable"),
        execution_unknown=item.get("execution_unknown"),
        source=item.get("source"),
    )


def validate_rules(annotations: Annotations, origin: str) -> None:
    """What the schema cannot say about the file on its own."""
    actions = {name for name, _ in annotations.actions}
    if missing := [action for action in ACTIONS if action not in actions]:
        raise SpecError(origin, f"$.actions: missing {', '.join(missing)}")
    for category in annotations.categories:
        check_action(category.action, actions, f"$.categories.{category.name}.action", origin)
    check_category(annotations, annotations.default.category, "$.default.category", origin)
    for rule in annotations.rules:
        validate_rule(annotations, rule, actions, origin)
    for http in annotations.http:
        check_rule_fields(annotations, http, actions, origin)
        if http.low > http.high:
            raise SpecError(
                origin, f"{http.where}.status: lower bound first, got [{http.low}, {http.high}]"
            )
    for message in annotations.messages:
        check_rule_fields(annotations, message, actions, origin)


def validate_rule(annotations: Annotations, rule: Rule, actions: set[str], origin: str) -> None:
    given = [name for name in SELECTORS if rule_has(rule, name)]
    if len(given) != 1:
        found = ", ".join(given) or "none"
        raise SpecError(
            origin,
            f"{rule.where}: give exactly one of {', '.join(SELECTORS)} (found: {found})",
        )
    if all(rule.value(field) is None for field in FIELDS):
        raise SpecError(
            origin, f"{rule.where}: sets none of category, retryable, execution_unknown, action"
        )
    if rule.category is not None:
        check_category(annotations, rule.category, f"{rule.where}.category", origin)
    if rule.action is not None:
        check_action(rule.action, actions, f"{rule.where}.action", origin)
    if rule.range is not None and rule.range[0] > rule.range[1]:
        raise SpecError(
            origin,
            f"{rule.where}.range: lower bound first, got [{rule.range[0]}, {rule.range[1]}]",
        )
    if rule.universal and (not rule.codes or rule.products):
        raise SpecError(
            origin,
            f"{rule.where}.universal: only a shared codes rule (no products) can be universal",
        )


def check_category(annotations: Annotations, name: str, where: str, origin: str) -> None:
    if annotations.category(name) is None:
        declared = ", ".join(sorted(c.name for c in annotations.categories))
        raise SpecError(
            origin, f"{where}: category {name!r} is not declared under categories ({declared})"
        )


def check_action(name: str, actions: set[str], where: str, origin: str) -> None:
    if name not in actions:
        raise SpecError(origin, f"{where}: {name!r} is not an action ({', '.join(ACTIONS)})")


def check_rule_fields(
    annotations: Annotations, rule: HttpRule | MessageRule, actions: set[str], origin: str
) -> None:
    """An HTTP or message rule's action and category are declared and agree with its flags."""
    check_action(rule.action, actions, f"{rule.where}.action", origin)
    if rule.category is not None:
        check_category(annotations, rule.category, f"{rule.where}.category", origin)
    problem = incoherence(rule.action, rule.retryable, rule.execution_unknown)
    if problem:
        raise SpecError(origin, f"{rule.where}: {problem}")


def rule_has(rule: Rule, selector: str) -> bool:
    if selector in ("codes", "name_has", "message_has"):
        return bool(getattr(rule, selector))
    return getattr(rule, selector) is not None


# -- against the spec ----------------------------------------------------------


def resolve_spec(
    annotations: Annotations, spec: Spec, origin: str
) -> dict[str, ProductAnnotations]:
    """Check the annotations against ``spec`` and resolve every product's codes."""
    check_against_spec(annotations, spec, origin)
    universal = universal_codes(annotations)
    return {
        product.id: resolve_product(annotations, product, universal, origin)
        for product in spec.products
    }


def check_against_spec(annotations: Annotations, spec: Spec, origin: str) -> None:
    """Every product, code and section a rule names exists; shared code rules are unambiguous."""
    products = {product.id: product for product in spec.products}
    for rule in annotations.rules:
        check_products(rule.where, rule.products, products, origin)
    for http in annotations.http:
        check_products(http.where, http.products, products, origin)
    for message in annotations.messages:
        check_products(message.where, message.products, products, origin)
        check_message_rule(
            message, [products[p] for p in message.products] or list(products.values()), origin
        )
    for rule in annotations.rules:
        scope = [products[p] for p in rule.products] or list(products.values())
        for position, code in enumerate(rule.codes):
            check_code(rule, position, code, scope, origin)
        if rule.section is not None:
            check_section(rule, rule.section, scope, origin)
        if rule.name_has or rule.message_has:
            check_keywords(rule, scope, origin)


def check_products(
    where: str, named: tuple[str, ...], products: dict[str, Product], origin: str
) -> None:
    for position, product_id in enumerate(named):
        if product_id not in products:
            known = ", ".join(sorted(products)) or "none"
            raise SpecError(
                origin,
                f"{where}.products[{position}]: no product {product_id!r} in the spec"
                f" (products: {known})",
            )


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


def check_keywords(rule: Rule, scope: list[Product], origin: str) -> None:
    """Each word or phrase of a keyword rule selects at least one code in its scope."""
    field = "name_has" if rule.name_has else "message_has"
    for position, word in enumerate(getattr(rule, field)):
        single = (
            replace(rule, name_has=(word,)) if rule.name_has else replace(rule, message_has=(word,))
        )
        if not any(
            single.selects(product.id, entry.code, entry)
            for product in scope
            for entry in product.errors
        ):
            raise SpecError(
                origin, f"{rule.where}.{field}[{position}]: {word!r} selects no code of the spec"
            )


def check_message_rule(rule: MessageRule, scope: list[Product], origin: str) -> None:
    """Its codes exist in its products, and each phrase is in a message one of them sends."""
    for position, code in enumerate(rule.codes):
        if not any(product.error(code) for product in scope):
            raise SpecError(
                origin, f"{rule.where}.codes[{position}]: {code} is not a code of its products"
            )
    for position, phrase in enumerate(rule.message_has):
        single = replace(rule, message_has=(phrase,))
        if not any(
            single.covers(code, message)
            for product in scope
            for code, message in code_messages(product)
        ):
            raise SpecError(
                origin,
                f"{rule.where}.message_has[{position}]: {phrase!r} is in no message of its codes",
            )


def code_messages(product: Product) -> list[tuple[int, str]]:
    """Every (code, message) the product documents: its codes' messages and its tables' rows."""
    pairs = [
        (entry.code, message)
        for entry in product.errors
        for message in (*entry.messages, *(m for a in entry.aliases for m in a.messages))
    ]
    return pairs + [
        (code, row.message)
        for table in product.tables
        for row in table.rows
        for code in table.codes
    ]


# -- resolution ----------------------------------------------------------------


def level(rule: Rule) -> tuple[int, int, int]:
    """Sort key of a rule among those selecting one code: smaller is more specific."""
    shared = 0 if rule.products else 1
    if rule.codes:
        return (0, shared, 0)
    if rule.name_has or rule.message_has:
        return (1, shared, 0)
    if rule.section is not None:
        return (2, shared, 0)
    assert rule.range is not None  # validate_rules allows exactly one selector
    return (3, rule.range[1] - rule.range[0], shared)


def universal_codes(annotations: Annotations) -> tuple[int, ...]:
    """Every code a universal rule names, in file order."""
    return tuple(
        dict.fromkeys(code for rule in annotations.rules if rule.universal for code in rule.codes)
    )


def resolve_product(
    annotations: Annotations, product: Product, universal: tuple[int, ...], origin: str
) -> ProductAnnotations:
    """Category, flags and action of every code of ``product``, its omissions, ranges, default."""
    rules = [rule for rule in annotations.rules if rule.applies_to(product.id)]
    codes = {
        entry.code: resolve_code(
            annotations, rules, entry.code, product_id=product.id, entry=entry, origin=origin
        )
        for entry in product.errors
    }
    omitted = {
        code: resolve_code(
            annotations, rules, code, product_id=product.id, entry=None, origin=origin
        )
        for code in universal
        if product.error(code) is None
    }
    return ProductAnnotations(
        codes=codes,
        ranges=undocumented_ranges(annotations, rules, product.id, origin),
        default=resolve_code(annotations, [], 0, product_id=product.id, entry=None, origin=origin),
        universal=omitted,
        http=product_http_rules(annotations, product.id, origin),
        messages=product_message_rules(annotations, product, origin),
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
    candidates = sorted(
        (rule for rule in rules if rule.selects(product_id, code, entry)), key=level
    )
    subject = f"{product_id} {code}" if entry else f"undocumented {product_id} code {code}"
    values: dict[str, str | bool] = {}
    deciders: list[Rule] = []
    for field in FIELDS:
        setters = [rule for rule in candidates if rule.value(field) is not None]
        if not setters:
            continue
        first = setters[0]
        if len(setters) > 1 and level(setters[1]) == level(first):
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
    return resolved_from(annotations, values, deciders, subject, origin)


def resolved_from(
    annotations: Annotations,
    values: dict[str, str | bool],
    deciders: list[Rule],
    subject: str,
    origin: str,
) -> Resolved:
    """The :class:`Resolved` of the values rules set; the default and derivation do the rest."""
    default = annotations.default
    category = str(values.get("category", default.category))
    retryable = bool(values.get("retryable", default.retryable))
    unknown = bool(values.get("execution_unknown", default.execution_unknown))
    found = annotations.category(category)
    assert found is not None  # validate_rules checked every category
    action = str(values.get("action", derive_action(found.action, retryable, unknown)))
    problem = incoherence(action, retryable, unknown)
    if problem:
        where = ", ".join(rule.where for rule in deciders) or "$.default"
        raise SpecError(origin, f"{where}: {problem} for {subject}")
    ordered = sorted(deciders, key=level)
    reasons = [rule.reason for rule in ordered]
    if "category" not in values:
        reasons.append(default.reason)
    sources = [rule.source for rule in ordered if rule.source]
    return Resolved(
        category=category,
        retryable=retryable,
        execution_unknown=unknown,
        action=action,
        reasons=tuple(dict.fromkeys(reasons)),
        sources=tuple(dict.fromkeys(sources)),
    )


def derive_action(category_action: str, retryable: bool, execution_unknown: bool) -> str:
    """The action of a code no rule gives one: from its flags, then its category."""
    if execution_unknown:
        return "reconcile"
    if category_action == "resync_and_retry" and retryable:
        return "resync_and_retry"
    if retryable:
        return "retry"
    return "fix_request" if category_action == "resync_and_retry" else category_action


def incoherence(action: str, retryable: bool | None, execution_unknown: bool | None) -> str | None:
    """What is contradictory about an action and its flags (None: nothing).

    ``reconcile`` is the action exactly when the execution is unknown;
    ``retry`` and ``resync_and_retry`` say the request may succeed when sent
    again, so they need ``retryable``. Flags a rule leaves unset (None) are
    not checked.
    """
    if execution_unknown is not None and (action == "reconcile") != execution_unknown:
        if execution_unknown:
            return f"action {action!r} for an execution-unknown error; it must be 'reconcile'"
        return "action 'reconcile' for an error whose execution is known"
    if action in ("retry", "resync_and_retry") and retryable is False:
        return f"action {action!r} for an error that is not retryable"
    return None


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


def product_http_rules(
    annotations: Annotations, product_id: str, origin: str
) -> tuple[HttpRule, ...]:
    """The HTTP rules of ``product_id``, most specific first; overlapping equals are refused."""
    rules = sorted(
        (rule for rule in annotations.http if rule.applies_to(product_id)),
        key=HttpRule.specificity,
    )
    for position, rule in enumerate(rules):
        for other in rules[position + 1 :]:
            same_span = (rule.low, rule.high) == (other.low, other.high)
            shared = set(rule.variants) & set(other.variants)
            if same_span and (shared or not (rule.messages or other.messages)):
                raise SpecError(
                    origin,
                    f"{other.where}: covers the same responses of {product_id} as {rule.where};"
                    " give them different statuses or messages",
                )
    return tuple(rules)


def product_message_rules(
    annotations: Annotations, product: Product, origin: str
) -> tuple[MessageRule, ...]:
    """The message rules of ``product``: those naming codes first, then file order.

    Two rules that cover the same documented message of the same code and
    decide it differently are refused: the first would win silently.
    """
    rules = sorted(
        (rule for rule in annotations.messages if rule.applies_to(product.id)),
        key=lambda rule: (0 if rule.codes else 1, rule.index),
    )
    for code, message in code_messages(product):
        covering = [rule for rule in rules if rule.covers(code, message)]
        outcomes = {(r.category, r.retryable, r.execution_unknown, r.action) for r in covering}
        if len(outcomes) > 1:
            raise SpecError(
                origin,
                f"{covering[1].where}: decides {product.id} {code} {message!r} unlike"
                f" {covering[0].where}; make their phrases or codes tell them apart",
            )
    return tuple(rules)
