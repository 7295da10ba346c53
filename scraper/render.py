"""Render the spec into ``generated/``: the Python package, the Markdown reference, the JSON.

Rendering is a pure function from a :class:`Spec` to a mapping of relative
paths to file contents (:func:`render_all`); writing is someone else's job.
Upstream text is untrusted. It reaches Python source only through
:func:`python_literal` (``repr``), Markdown only through :func:`markdown_text`,
JSON only through ``json.dumps``; Jinja runs with ``StrictUndefined`` and
without autoescape, since none of its outputs is HTML. Generated Python is
then formatted by ``ruff format`` so the output is byte-stable and lint-clean.
"""

from __future__ import annotations

import html
import json
import keyword
import re
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from ruff.__main__ import find_ruff_bin

from scraper.exceptions import SpecError
from scraper.model import ErrorEntry, Product, Spec
from scraper.spec import spec_to_data

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
RUFF_CONFIG = TEMPLATES_DIR.parent / "pyproject.toml"
PACKAGE = "binance_errors"
PACKAGE_TEMPLATES = {
    "__init__.py": "package/__init__.py.j2",
    "_runtime.py": "package/_runtime.py.j2",
    "py.typed": "package/py.typed.j2",
}
IDENTIFIER = re.compile(r"[A-Z][A-Z0-9_]*")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")
INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})


def render_all(spec: Spec) -> dict[str, str]:
    """Every file of ``generated/``, keyed by its path relative to it."""
    env = environment()
    context = {"spec": spec, "version": spec_version(spec), "package": PACKAGE}
    files: dict[str, str] = {}
    for name, template in PACKAGE_TEMPLATES.items():
        files[f"{PACKAGE}/{name}"] = env.get_template(template).render(context)
    for product in spec.products:
        product_context = {**context, "product": product, "sections": sections(product.errors)}
        files[f"{PACKAGE}/{product.id}.py"] = env.get_template("package/product.py.j2").render(
            product_context
        )
    files["ERRORS.md"] = env.get_template("ERRORS.md.j2").render(context)
    files["errors.json"] = env.get_template("errors.json.j2").render(context)
    python = {path: text for path, text in files.items() if path.endswith(".py")}
    files.update(format_python(python))
    return files


def environment() -> jinja2.Environment:
    """A strict Jinja environment over ``templates/`` with our escaping filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["py"] = python_literal
    env.filters["md"] = markdown_text
    env.filters["anchor"] = anchor
    env.filters["identifier"] = identifier
    env.filters["int_literal"] = int_literal
    env.filters["json_document"] = json_document
    env.globals["anchor"] = anchor
    env.globals["spec_data"] = spec_to_data
    env.globals["messages_of"] = all_messages
    env.globals["sections_of"] = lambda product: sections(product.errors)
    return env


# -- escaping filters ----------------------------------------------------------


def python_literal(value: Any) -> str:
    """Python source for a str, int, bool, None, or tuple/list/dict of those."""
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        items = [python_literal(item) for item in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items())
            + "}"
        )
    raise SpecError("render", f"cannot write a {type(value).__name__} as a Python literal")


def identifier(value: str) -> str:
    """An enum member name, refused unless it is a plain UPPER_CASE identifier."""
    if not IDENTIFIER.fullmatch(value) or keyword.iskeyword(value):
        raise SpecError("render", f"{value!r} is not a valid enum member name")
    return value


def int_literal(value: int) -> str:
    """An integer as Python source, refusing anything that is not an int."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise SpecError("render", f"{value!r} is not an integer code")
    return str(value)


def markdown_text(value: str, newline: str = "<br>") -> str:
    """Text safe inside a Markdown table cell or heading: HTML and Markdown escaped.

    Invisible characters (bidi overrides, zero-width spaces) become character
    references: the rendered page shows the same text, the file shows them.
    """
    escaped = html.escape(value, quote=False)
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
    escaped = "".join(f"&#x{ord(c):X};" if is_invisible(c) else c for c in escaped)
    return escaped.replace("\r", "").replace("\n", newline)


def is_invisible(character: str) -> bool:
    """A format character (bidi control, zero-width, BOM) or a line/paragraph separator."""
    return unicodedata.category(character) in INVISIBLE_CATEGORIES


def anchor(*parts: object) -> str:
    """A stable HTML id made only of ``[a-z0-9-]``."""
    text = "-".join(str(part) for part in parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "section"


def json_document(data: Any) -> str:
    """Sorted, indented, stable JSON, final newline; invisible characters as ``\\u`` escapes."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return "".join(json.dumps(c)[1:-1] if is_invisible(c) else c for c in text) + "\n"


# -- what templates need -------------------------------------------------------


def sections(errors: Iterable[ErrorEntry]) -> list[str]:
    """Section titles in the order their first code appears."""
    return list(dict.fromkeys(entry.section for entry in errors))


def all_messages(entry: ErrorEntry) -> tuple[str, ...]:
    """The code's messages, then its aliases' messages, without repeats."""
    messages = [*entry.messages, *(m for alias in entry.aliases for m in alias.messages)]
    return tuple(dict.fromkeys(messages))


def spec_version(spec: Spec) -> str:
    """A calendar version from the newest upstream date in the spec (``2026.5.18``)."""
    dates = [p.last_updated for p in spec.products if p.last_updated]
    dates += [d for p in spec.products for e in p.errors for d in (e.added, e.removed) if d]
    if not dates:
        return "0.0.0"
    year, month, day = (int(part) for part in max(dates).split("-"))
    return f"{year}.{month}.{day}"


def product_of(spec: Spec, product_id: str) -> Product:
    product = spec.product(product_id)
    if product is None:
        raise SpecError("spec", f"no product {product_id!r}")
    return product


# -- formatting ----------------------------------------------------------------


def format_python(files: dict[str, str]) -> dict[str, str]:
    """Each source run through ``ruff format`` (the pinned ruff of the venv)."""
    return {path: ruff_format(text, path) for path, text in files.items()}


def ruff_format(source: str, path: str) -> str:
    result = subprocess.run(
        [
            find_ruff_bin(),
            "format",
            "--isolated",
            "--line-length",
            "100",
            "--stdin-filename",
            path,
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if result.returncode != 0:
        problem = result.stderr.strip().splitlines()[-1:] or ["ruff format failed"]
        raise SpecError(path, f"generated code does not format: {problem[0]}")
    return result.stdout
