"""The canonical YAML spec: build it from pages, dump it, load and validate it.

Canonical means: products sorted by id, errors by code descending (``-1000``
first), keys in a fixed order, no timestamps of the run, and
``dump_spec(load_spec(text)) == text`` byte for byte. YAML is only ever read
with ``safe_load``; a loaded spec is validated against
``spec/errors.schema.json`` and then for what a schema cannot say (unique
codes and names), with errors that name the field.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from scraper.exceptions import SpecError
from scraper.model import (
    SCHEMA_VERSION,
    Alias,
    ErrorEntry,
    FormerMessage,
    FormerRow,
    MessageTable,
    Page,
    Product,
    Source,
    Spec,
    TableRow,
)
from scraper.yaml_document import check_schema, load_yaml, read_text

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
SCHEMA_PATH = SPEC_DIR / "errors.schema.json"
# C0 but tab, LF and CR; DEL; C1 (as scraper.parse refuses them); and surrogates.
UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


# -- from pages ----------------------------------------------------------------


def product_from_page(page: Page, product_id: str, title: str, source: Source) -> Product:
    """A product holding exactly what the page says, in canonical order (no dates)."""
    return Product(
        id=product_id,
        title=title,
        source=source,
        last_updated=page.last_updated,
        errors=sort_errors(page.errors),
        tables=page.tables,
    )


def sort_errors(errors: Iterable[ErrorEntry]) -> tuple[ErrorEntry, ...]:
    """Errors by code, descending: ``-1000`` before ``-1001``."""
    return tuple(sorted(errors, key=lambda entry: -entry.code))


def with_product(spec: Spec, product: Product) -> Spec:
    """``spec`` with ``product`` added or replaced, products sorted by id."""
    others = [p for p in spec.products if p.id != product.id]
    return Spec(tuple(sorted([*others, product], key=lambda p: p.id)), spec.schema_version)


# -- to and from plain data ----------------------------------------------------


class FlowList(list[Any]):
    """A list dumped inline (``[-1010, -2010]``): short lists of codes."""


def spec_to_data(spec: Spec) -> dict[str, Any]:
    """Plain dicts and lists in canonical key order, ready for YAML or JSON."""
    return {
        "schema_version": spec.schema_version,
        "products": [product_to_data(p) for p in sorted(spec.products, key=lambda p: p.id)],
    }


def product_to_data(product: Product) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": product.id,
        "title": product.title,
        "source": {"url": product.source.url, "format": product.source.format},
        "last_updated": product.last_updated,
    }
    if product.revised is not None:
        data["revised"] = product.revised
    data["errors"] = [error_to_data(e) for e in sort_errors(product.errors)]
    data["tables"] = [table_to_data(t) for t in product.tables]
    return data


def error_to_data(entry: ErrorEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"code": entry.code, "name": entry.name}
    if entry.title is not None:
        data["title"] = entry.title
    data["section"] = entry.section
    data["messages"] = list(entry.messages)
    if entry.former_messages:
        data["former_messages"] = [
            {"message": former.message, "last_seen": former.last_seen}
            for former in entry.former_messages
        ]
    if entry.notes:
        data["notes"] = list(entry.notes)
    if entry.aliases:
        data["aliases"] = [{"name": a.name, "messages": list(a.messages)} for a in entry.aliases]
    if entry.former_names:
        data["former_names"] = FlowList(entry.former_names)
    data["added"] = entry.added
    data["removed"] = entry.removed
    return data


def table_to_data(table: MessageTable) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": table.id,
        "title": table.title,
        "codes": FlowList(table.codes),
        "rows": [{"message": r.message, "description": r.description} for r in table.rows],
    }
    if table.former_rows:
        data["former_rows"] = [
            {"message": r.message, "description": r.description, "last_seen": r.last_seen}
            for r in table.former_rows
        ]
    return data


def spec_from_data(data: dict[str, Any]) -> Spec:
    """The model from already-validated plain data."""
    return Spec(tuple(product_from_data(p) for p in data["products"]), data["schema_version"])


def product_from_data(data: dict[str, Any]) -> Product:
    return Product(
        id=data["id"],
        title=data["title"],
        source=Source(data["source"]["url"], data["source"]["format"]),
        last_updated=data["last_updated"],
        errors=tuple(error_from_data(e) for e in data["errors"]),
        tables=tuple(table_from_data(t) for t in data["tables"]),
        revised=data.get("revised"),
    )


def error_from_data(data: dict[str, Any]) -> ErrorEntry:
    return ErrorEntry(
        code=data["code"],
        name=data["name"],
        section=data["section"],
        messages=tuple(data["messages"]),
        title=data.get("title"),
        aliases=tuple(Alias(a["name"], tuple(a["messages"])) for a in data.get("aliases", ())),
        added=data["added"],
        removed=data["removed"],
        former_names=tuple(data.get("former_names", ())),
        notes=tuple(data.get("notes", ())),
        former_messages=tuple(
            FormerMessage(f["message"], f["last_seen"]) for f in data.get("former_messages", ())
        ),
    )


def table_from_data(data: dict[str, Any]) -> MessageTable:
    return MessageTable(
        id=data["id"],
        title=data["title"],
        codes=tuple(data["codes"]),
        rows=tuple(TableRow(r["message"], r["description"]) for r in data["rows"]),
        former_rows=tuple(
            FormerRow(r["message"], r["description"], r["last_seen"])
            for r in data.get("former_rows", ())
        ),
    )


# -- YAML ----------------------------------------------------------------------


class CanonicalDumper(yaml.SafeDumper):
    """SafeDumper with block lists, literal multi-line strings and inline code lists."""


def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def represent_flow_list(dumper: yaml.SafeDumper, value: FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


CanonicalDumper.add_representer(str, represent_str)
CanonicalDumper.add_representer(FlowList, represent_flow_list)


def dump_spec(spec: Spec) -> str:
    """The canonical YAML text of ``spec``."""
    validate_semantics(spec, "spec")
    data = spec_to_data(spec)
    validate_text(data, "spec")
    return yaml.dump(
        data,
        Dumper=CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )


def load_spec(text: str, origin: str) -> Spec:
    """Parse, validate and convert spec YAML; every problem names the field."""
    data = load_yaml(text, origin, "a spec with schema_version and products")
    validate_data(data, origin)
    validate_text(data, origin)
    spec = spec_from_data(data)
    validate_semantics(spec, origin)
    return spec


def read_spec(path: Path, missing_ok: bool = False) -> Spec:
    """Load the spec at ``path``; an empty spec when it is absent and ``missing_ok``."""
    if missing_ok and not path.exists():
        return Spec(())
    text = read_text(path)
    return load_spec(text, str(path))


# -- validation ----------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def validate_data(data: Any, origin: str) -> None:
    """Check plain data against the JSON Schema; raise on the most relevant error."""
    check_schema(data, schema(), origin)


def validate_text(data: Any, origin: str, where: str = "$") -> None:
    """Refuse strings no page could have produced: control characters, lone surrogates.

    The parser refuses control characters (see README, "Untrusted input"), so
    a spec holding one was edited by hand or by something else; a lone
    surrogate cannot even be written out as UTF-8.
    """
    if isinstance(data, str):
        found = UNSAFE_TEXT.search(data)
        if found:
            raise SpecError(
                origin,
                f"{where}: character U+{ord(found.group()):04X} is not allowed;"
                " expected text without control characters or lone surrogates",
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            validate_text(value, origin, f"{where}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            validate_text(value, origin, f"{where}[{index}]")


def validate_semantics(spec: Spec, origin: str) -> None:
    """What the schema cannot say: unique ids, codes and enum names."""
    if spec.schema_version != SCHEMA_VERSION:
        raise SpecError(
            origin, f"$.schema_version: expected {SCHEMA_VERSION}, got {spec.schema_version}"
        )
    seen_products: set[str] = set()
    for index, product in enumerate(spec.products):
        where = f"$.products[{index}]"
        if product.id in seen_products:
            raise SpecError(origin, f"{where}.id: duplicate product id {product.id!r}")
        seen_products.add(product.id)
        validate_product(product, where, origin)


def validate_product(product: Product, where: str, origin: str) -> None:
    codes: set[int] = set()
    names: dict[str, int] = {}
    for index, entry in enumerate(sort_errors(product.errors)):
        field = f"{where}.errors[{index}]"
        if entry.code in codes:
            raise SpecError(origin, f"{field}.code: duplicate code {entry.code}")
        codes.add(entry.code)
        for name in (entry.name, *(a.name for a in entry.aliases)):
            if not name.isidentifier() or keyword.iskeyword(name):
                raise SpecError(origin, f"{field}.name: {name!r} is not a valid identifier")
            if names.setdefault(name, entry.code) != entry.code:
                raise SpecError(origin, f"{field}.name: {name!r} already names code {names[name]}")
    validate_former_names(product, where, origin)
    table_ids: set[str] = set()
    for index, table in enumerate(product.tables):
        if table.id in table_ids:
            raise SpecError(origin, f"{where}.tables[{index}].id: duplicate table id {table.id!r}")
        table_ids.add(table.id)


def validate_former_names(product: Product, where: str, origin: str) -> None:
    """A former name is an identifier, not one of its own code's current names, and
    belongs to one code only (another code may have taken it since: it is then
    not importable under that code, see ``render.importable_former_names``)."""
    owners: dict[str, int] = {}
    for index, entry in enumerate(sort_errors(product.errors)):
        field = f"{where}.errors[{index}].former_names"
        current = {entry.name, *(a.name for a in entry.aliases)}
        for name in entry.former_names:
            if not name.isidentifier() or keyword.iskeyword(name):
                raise SpecError(origin, f"{field}: {name!r} is not a valid identifier")
            if name in current:
                raise SpecError(origin, f"{field}: {name!r} is a current name of code {entry.code}")
            if owners.setdefault(name, entry.code) != entry.code:
                raise SpecError(
                    origin, f"{field}: {name!r} is already a former name of code {owners[name]}"
                )
