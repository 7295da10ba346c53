"""The registry of products and where their pages live (``spec/sources.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.exceptions import SpecError
from scraper.model import Source
from scraper.yaml_document import check_schema, load_yaml

SOURCES_PATH = Path(__file__).resolve().parent.parent / "spec" / "sources.yaml"

SOURCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["url", "format"],
    "additionalProperties": False,
    "properties": {
        "url": {"type": "string", "pattern": "^https?://"},
        "format": {"enum": ["html", "markdown"]},
    },
}
SOURCES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["products"],
    "additionalProperties": False,
    "properties": {
        "products": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "title", "url", "format"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "title": {"type": "string", "minLength": 1},
                    "url": SOURCE_SCHEMA["properties"]["url"],
                    "format": SOURCE_SCHEMA["properties"]["format"],
                    "fallback": SOURCE_SCHEMA,
                    "capture": {"type": "string"},
                },
            },
        }
    },
}


@dataclass(frozen=True)
class ProductSource:
    """One product's entry in the registry."""

    id: str
    title: str
    source: Source
    fallback: Source | None = None
    capture: str | None = None


def load_sources(path: Path = SOURCES_PATH) -> tuple[ProductSource, ...]:
    """Every product in the registry, in file order."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(
            str(path), f"cannot read: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    data = load_yaml(text, str(path), "a 'products' list")
    check_schema(data, SOURCES_SCHEMA, str(path))
    products = tuple(product_source(item) for item in data["products"])
    ids = [p.id for p in products]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SpecError(str(path), f"duplicate product id {duplicates[0]!r}")
    return products


def product_source(item: dict[str, Any]) -> ProductSource:
    fallback = item.get("fallback")
    return ProductSource(
        id=item["id"],
        title=item["title"],
        source=Source(item["url"], item["format"]),
        fallback=Source(fallback["url"], fallback["format"]) if fallback else None,
        capture=item.get("capture"),
    )


def find_source(product_id: str, path: Path = SOURCES_PATH) -> ProductSource:
    """The registry entry for ``product_id``; an error listing the known ids otherwise."""
    products = load_sources(path)
    for product in products:
        if product.id == product_id:
            return product
    known = ", ".join(p.id for p in products)
    raise SpecError(str(path), f"unknown product {product_id!r}; expected one of: {known}")
