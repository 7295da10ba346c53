"""Render the spec into ``generated/``: the Python and npm packages, the Markdown, the JSON.

Rendering is a pure function from a :class:`Spec` and its
:class:`Annotations` to a mapping of relative paths to file contents
(:func:`render_all`); writing is someone else's job. Message templates become
pattern sources here (:mod:`scraper.matchers`), annotations become per-code
category and flag tables (:mod:`scraper.annotations`). The Markdown reference
is one page per product (``docs/<id>.md``) and an index (``ERRORS.md``) with
each product's figures.
Upstream text is untrusted. It reaches Python source only through
:func:`python_literal` (``repr``), JavaScript source only through
:func:`javascript_literal` (JSON, then escaped for JavaScript and HTML),
Markdown only through :func:`markdown_text`, JSON only through ``json.dumps``;
Jinja runs with ``StrictUndefined`` and without autoescape, since none of its
outputs is HTML. Generated Python is then formatted by ``ruff format`` so the
output is byte-stable and lint-clean; the JavaScript is written tidy by its
templates (:func:`typescript_files`).
"""

from __future__ import annotations

import html
import json
import keyword
import os
import re
import subprocess
import unicodedata
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from ruff.__main__ import find_ruff_bin

from scraper.annotations import (
    SAFE_METHODS,
    Annotations,
    HttpRule,
    MessageRule,
    ProductAnnotations,
    Resolved,
    resolve_spec,
)
from scraper.exceptions import SpecError
from scraper.matchers import compiled_templates
from scraper.model import ErrorEntry, FormerMessage, Product, Spec
from scraper.release import Release, package_version, read_release, spec_version
from scraper.spec import spec_to_data

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
RUFF_CONFIG = TEMPLATES_DIR.parent / "pyproject.toml"
PACKAGE = "binance_errors"
RUNTIME_DIR = TEMPLATES_DIR.parent / "runtime" / "python" / PACKAGE
"""The package's hand-written modules, which do not depend on the spec: copied as they are."""
PACKAGE_TEMPLATES = {"__init__.py": "package/__init__.py.j2"}
"""The package's modules that depend on the spec, besides one module per product."""
TYPESCRIPT = "typescript"
"""The npm package's folder in ``generated/``."""
TYPESCRIPT_RUNTIME_DIR = TEMPLATES_DIR.parent / "runtime" / TYPESCRIPT
"""The npm package's hand-written modules (JavaScript, declarations): copied as they are."""
TYPESCRIPT_TEMPLATES = {
    "package.json": "typescript/package.json.j2",
    "README.md": "typescript/README.md.j2",
    "index.js": "typescript/index.js.j2",
    "index.d.ts": "typescript/index.d.ts.j2",
    "products.js": "typescript/products.js.j2",
    "products.d.ts": "typescript/products.d.ts.j2",
}
"""The npm package's files that depend on the spec, besides two files per product."""
LICENSE_PATH = TEMPLATES_DIR.parent / "LICENSE"
IDENTIFIER = re.compile(r"[A-Z][A-Z0-9_]*")
MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")
JAVASCRIPT_RESERVED = frozenset(
    {
        *("await", "break", "case", "catch", "class", "const", "continue", "debugger"),
        *("default", "delete", "do", "else", "enum", "export", "extends", "false", "finally"),
        *("for", "function", "if", "implements", "import", "in", "instanceof", "interface"),
        *("let", "new", "null", "package", "private", "protected", "public", "return"),
        *("static", "super", "switch", "this", "throw", "true", "try", "typeof", "var"),
        *("void", "while", "with", "yield"),
    }
)
"""Words a JavaScript module cannot bind: a product id must not be one (it names an import)."""
JAVASCRIPT_UNSAFE = re.compile(r"[^\x20-\x7e]|<")
"""What :func:`javascript_literal` looks at after ``json.dumps``: '<' and every non-ASCII or
non-printable character (most are kept)."""
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")
URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})


def render_all(
    spec: Spec,
    annotations: Annotations,
    origin: str = "annotations",
    release: Release | None = None,
) -> dict[str, str]:
    """Every file of ``generated/``, keyed by its path relative to it.

    ``annotations`` are checked against ``spec`` first (a :class:`SpecError`
    naming ``origin`` when a rule names a product, code or section the spec
    lacks); with :data:`~scraper.annotations.NO_ANNOTATIONS` every code gets
    the ``unknown`` category. The package's version is
    :func:`~scraper.release.package_version` of ``spec`` and ``release``
    (by default ``templates/release.yaml``, read like the templates); the
    Markdown pages show the data's calendar version, without ``.postN``.
    """
    resolved = resolve_spec(annotations, spec, origin)
    if release is None:
        release = read_release()
    env = environment()
    context = {
        "spec": spec,
        "version": package_version(spec, release),
        "data_version": spec_version(spec),
        "package": PACKAGE,
        "json_data": json_data(spec, annotations, resolved),
    }
    products: list[dict[str, Any]] = [
        {
            **context,
            "product": product,
            "data_module": data_module(product.id),
            "sections": sections(product.errors),
            "templates": compiled_templates(product_messages(product)),
            "annotations": resolved[product.id],
        }
        for product in spec.products
    ]
    python: dict[str, str] = {}
    for name, template in PACKAGE_TEMPLATES.items():
        python[f"{PACKAGE}/{name}"] = env.get_template(template).render(context)
    files: dict[str, str] = {}
    for product_context in products:
        product_id = product_context["product"].id
        for name, template in product_modules(product_id).items():
            python[f"{PACKAGE}/{name}"] = env.get_template(template).render(product_context)
        files[f"docs/{product_id}.md"] = env.get_template("product.md.j2").render(product_context)
    files["ERRORS.md"] = env.get_template("ERRORS.md.j2").render(
        {**context, "clashes": code_clashes(spec)}
    )
    files["errors.json"] = env.get_template("errors.json.j2").render(context)
    typescript = typescript_files(env, context, products)
    return {**runtime_files(), **format_python(python), **files, **typescript}


def data_module(product_id: str) -> str:
    """The module that holds a product's data, imported on its first use: ``_spot_data``."""
    return f"_{product_id}_data"


def product_modules(product_id: str) -> dict[str, str]:
    """The two modules of a product (its API and enum, its data) and their templates."""
    return {
        f"{product_id}.py": "package/product.py.j2",
        f"{data_module(product_id)}.py": "package/product_data.py.j2",
    }


def runtime_files() -> dict[str, str]:
    """Every file of ``runtime/python/binance_errors``, keyed by its path in ``generated/``.

    They are copied byte for byte: they are Python source that ruff, mypy and
    the tests read as it is, so they are already formatted.
    """
    try:
        return {
            f"{PACKAGE}/{path.name}": path.read_text(encoding="utf-8")
            for path in sorted(RUNTIME_DIR.iterdir())
            if path.is_file() and path.suffix in (".py", ".typed")
        }
    except OSError as exc:
        raise SpecError(str(RUNTIME_DIR), f"cannot read the package runtime: {exc}") from None


def typescript_files(
    env: jinja2.Environment, context: dict[str, Any], products: list[dict[str, Any]]
) -> dict[str, str]:
    """Every file of the npm package, keyed by its path in ``generated/`` (``typescript/...``).

    The runtime (:func:`typescript_runtime_files`) is copied; the entry points,
    ``package.json`` and its README are rendered from ``context``; each product
    gets a module and its declarations from its context in ``products``; the
    repository's LICENSE goes with it.
    """
    files = {f"{TYPESCRIPT}/{name}": text for name, text in typescript_runtime_files().items()}
    for name, template in TYPESCRIPT_TEMPLATES.items():
        files[f"{TYPESCRIPT}/{name}"] = env.get_template(template).render(context)
    for product_context in products:
        product_id = product_context["product"].id
        for suffix in (".js", ".d.ts"):
            module = env.get_template(f"typescript/product{suffix}.j2")
            files[f"{TYPESCRIPT}/{product_id}{suffix}"] = module.render(product_context)
    files[f"{TYPESCRIPT}/LICENSE"] = read_source(LICENSE_PATH, "the license")
    return files


def typescript_runtime_files() -> dict[str, str]:
    """Every ``.js`` and ``.d.ts`` file under ``runtime/typescript``, keyed by its relative path.

    Copied byte for byte, like the Python runtime: they are the source that
    ``tsc --checkJs`` and the tests read. A SpecError when they cannot be read.
    """
    where = str(TYPESCRIPT_RUNTIME_DIR)
    if not TYPESCRIPT_RUNTIME_DIR.is_dir():
        raise SpecError(where, "cannot read the npm package's runtime: no such directory")
    try:
        return {
            path.relative_to(TYPESCRIPT_RUNTIME_DIR).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(TYPESCRIPT_RUNTIME_DIR.rglob("*"))
            if path.is_file() and path.name.endswith((".js", ".d.ts"))
        }
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(where, f"cannot read the npm package's runtime: {exc}") from None


def read_source(path: Path, what: str) -> str:
    """A file of the repository that goes into ``generated/`` as it is; SpecError if unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), f"cannot read {what}: {exc}") from None


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
    env.filters["js"] = javascript_literal
    env.filters["module_name"] = module_name
    env.filters["md"] = markdown_text
    env.filters["url"] = autolink_url
    env.filters["anchor"] = anchor
    env.filters["identifier"] = identifier
    env.filters["int_literal"] = int_literal
    env.filters["json_document"] = json_document
    env.filters["former_pair"] = former_pair
    env.filters["advice_fields"] = advice_fields
    env.filters["http_rule_fields"] = http_rule_fields
    env.filters["message_rule_fields"] = message_rule_fields
    env.globals["anchor"] = anchor
    env.globals["spec_data"] = spec_to_data
    env.globals["messages_of"] = all_messages
    env.globals["sections_of"] = lambda product: sections(product.errors)
    env.globals["figures_of"] = product_figures
    env.globals["importable_former_names"] = importable_former_names
    env.globals["advice_cell"] = advice_cell
    env.globals["error_data"] = error_data
    env.globals["http_rule_cell"] = http_rule_cell
    env.globals["message_rule_cell"] = http_rule_cell
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


def javascript_literal(value: Any) -> str:
    """JavaScript source for a str, int, bool, None, or tuple/list/dict (str keys) of those.

    ``json.dumps`` writes it (JSON is JavaScript expression syntax), then
    every '<' becomes ``\\u003c``, so neither ``</script`` nor ``<!--`` appears
    if the source is ever embedded in HTML, and every character that is not
    printable (``str.isprintable``: controls, format characters such as bidi
    overrides and zero-width spaces, line and paragraph separators, spaces
    other than U+0020) a ``\\u`` escape, as ``repr`` writes them on the
    Python side: the source shows every character and reads as it runs. A
    key ``__proto__`` (which an object literal would take as the prototype)
    and values of other types are refused.
    """
    check_json_value(value)
    text = json.dumps(value, ensure_ascii=False)
    return JAVASCRIPT_UNSAFE.sub(javascript_escape, text)


def javascript_escape(found: re.Match[str]) -> str:
    """One character of :data:`JAVASCRIPT_UNSAFE`: itself, or its ``\\u`` escape (a surrogate
    pair beyond the BMP, as JSON writes it)."""
    character = found.group()
    if character == "<":
        return "\\u003c"
    return character if character.isprintable() else json.dumps(character)[1:-1]


def check_json_value(value: Any) -> None:
    """SpecError unless ``value`` is made of the types :func:`javascript_literal` writes."""
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, (tuple, list)):
        for item in value:
            check_json_value(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or key == "__proto__":
                raise SpecError("render", f"cannot write the key {key!r} in a JavaScript object")
            check_json_value(item)
        return
    raise SpecError("render", f"cannot write a {type(value).__name__} as a JavaScript literal")


def module_name(value: str) -> str:
    """A product id as a JavaScript binding (``import * as spot``): refused unless it can be one."""
    if not MODULE_NAME.fullmatch(value) or value in JAVASCRIPT_RESERVED:
        raise SpecError("render", f"{value!r} cannot name a JavaScript module binding")
    return value


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


def autolink_url(value: str) -> str:
    """A URL safe inside a Markdown autolink (``<...>``), where backslash escapes do not work.

    Every character outside the URL syntax (spaces, ``<``, ``>``, ``|``,
    quotes, non-ASCII) is percent-encoded; an existing ``%XX`` is kept.
    """
    return urllib.parse.quote(value, safe=URL_SAFE)


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


def advice_cell(resolved: Resolved) -> str:
    """A Markdown table cell: the action, category and flags, the deciding reason, its sources."""
    return advice_text(
        resolved.action,
        resolved.category,
        retryable=resolved.retryable,
        unknown=resolved.execution_unknown,
        reasons=resolved.reasons[:1],
        sources=resolved.sources,
    )


def http_rule_cell(rule: HttpRule | MessageRule) -> str:
    """A Markdown table cell for an HTTP rule, like :func:`advice_cell`."""
    return advice_text(
        rule.action,
        rule.category,
        retryable=rule.retryable,
        unknown=rule.execution_unknown,
        reasons=(rule.reason,),
        sources=(rule.source,) if rule.source else (),
    )


def advice_text(
    action: str,
    category: str | None,
    *,
    retryable: bool | None,
    unknown: bool | None,
    reasons: tuple[str, ...],
    sources: tuple[str, ...],
) -> str:
    """``**action**`` · category · flags, then the reason and numbered links to the sources."""
    head = [f"**{action}**"]
    if category is not None:
        head.append(category)
    if retryable:
        head.append("retryable")
    if unknown:
        head.append("execution unknown")
    links = "".join(f" [[{n}]](<{autolink_url(s)}>)" for n, s in enumerate(sources, 1))
    reason = " ".join(markdown_text(r, " ") for r in reasons)
    return " · ".join(head) + (f"<br>{reason}" if reason else "") + links


def sections(errors: Iterable[ErrorEntry]) -> list[str]:
    """Section titles in the order their first code appears."""
    return list(dict.fromkeys(entry.section for entry in errors))


def all_messages(entry: ErrorEntry) -> tuple[str, ...]:
    """The code's messages, then its aliases' messages, without repeats."""
    messages = [*entry.messages, *(m for alias in entry.aliases for m in alias.messages)]
    return tuple(dict.fromkeys(messages))


@dataclass(frozen=True)
class ProductFigures:
    """What one product documents today; removed codes are counted apart."""

    codes: int
    messages: int
    aliases: int
    removed: int
    tables: int
    rows: int


def product_figures(product: Product) -> ProductFigures:
    """Counts of live codes, their messages (aliases' included), aliases, and table rows."""
    live = [entry for entry in product.errors if entry.live]
    return ProductFigures(
        codes=len(live),
        messages=sum(len(all_messages(entry)) for entry in live),
        aliases=sum(len(entry.aliases) for entry in live),
        removed=len(product.errors) - len(live),
        tables=len(product.tables),
        rows=sum(len(table.rows) for table in product.tables),
    )


@dataclass(frozen=True)
class CodeClashes:
    """How many live codes appear in more than one product, and under different names."""

    shared: int
    renamed: int


def code_clashes(spec: Spec) -> CodeClashes:
    names: dict[int, set[str]] = {}
    products: dict[int, int] = {}
    for product in spec.products:
        for entry in product.errors:
            if entry.live:
                names.setdefault(entry.code, set()).add(entry.name)
                products[entry.code] = products.get(entry.code, 0) + 1
    shared = [code for code, count in products.items() if count > 1]
    return CodeClashes(len(shared), sum(len(names[code]) > 1 for code in shared))


def importable_former_names(product: Product) -> dict[int, tuple[str, ...]]:
    """Each code's former names that no code of ``product`` uses now (enum aliases to emit)."""
    current = {name for entry in product.errors for name in current_names(entry)}
    return {
        entry.code: names
        for entry in product.errors
        if (names := tuple(n for n in entry.former_names if n not in current))
    }


def current_names(entry: ErrorEntry) -> tuple[str, ...]:
    """The code's name and its upstream aliases."""
    return (entry.name, *(alias.name for alias in entry.aliases))


def product_messages(product: Product) -> list[str]:
    """Every message of the product: its codes' (aliases included), their former messages,
    then its tables' rows and former rows."""
    messages = [message for entry in product.errors for message in all_messages(entry)]
    former = [f.message for entry in product.errors for f in entry.former_messages]
    rows = [row.message for table in product.tables for row in table.rows]
    rows += [row.message for table in product.tables for row in table.former_rows]
    return messages + former + rows


def error_data(entry: ErrorEntry, section_titles: list[str]) -> dict[str, Any]:
    """A code as the npm product module holds it: the fields it has, nothing empty.

    ``section`` is the index of the code's section in ``section_titles``;
    ``messages`` are :func:`all_messages`; ``former`` the former messages as
    ``[message, last_seen]``; ``aliases`` the aliases' names.
    """
    data: dict[str, Any] = {
        "code": entry.code,
        "name": entry.name,
        "section": section_titles.index(entry.section),
        "messages": all_messages(entry),
    }
    optional: dict[str, Any] = {
        "title": entry.title,
        "notes": entry.notes,
        "former": tuple(former_pair(former) for former in entry.former_messages),
        "aliases": tuple(alias.name for alias in entry.aliases),
        "formerNames": entry.former_names,
        "added": entry.added,
        "removed": entry.removed,
    }
    return {**data, **{key: value for key, value in optional.items() if value}}


def former_pair(former: FormerMessage) -> tuple[str, str | None]:
    """A former message as the product module holds it: ``(message, last_seen)``."""
    return (former.message, former.last_seen)


def json_data(
    spec: Spec, annotations: Annotations, resolved: dict[str, ProductAnnotations]
) -> dict[str, Any]:
    """The spec's data, each product with its resolved ``annotations``, and the advice's terms.

    The spec part is exactly :func:`spec_to_data`; ``annotations`` (per
    product: every code's advice, the universal codes its page omits, the
    ranges, the default and the HTTP rules) and ``templates`` (per product:
    every message with placeholders, current, former or in a table, to its
    compiled form, see :func:`scraper.matchers.compile_template`), and
    ``actions``, ``categories`` and ``safe_methods`` (top level) are added
    beside it, so a reader of the JSON needs neither the YAML files nor Python
    to match messages and take the same decisions.
    """
    data = spec_to_data(spec)
    for product, model in zip(data["products"], sorted(spec.products, key=lambda p: p.id)):
        product["annotations"] = product_annotations_data(resolved[product["id"]])
        product["templates"] = {
            template: list(compiled)
            for template, compiled in compiled_templates(product_messages(model)).items()
        }
    data["actions"] = dict(annotations.actions)
    data["categories"] = {
        category.name: {"meaning": category.meaning, "action": category.action}
        for category in annotations.categories
    }
    data["safe_methods"] = list(SAFE_METHODS)
    return data


def advice_data(resolved: Resolved) -> dict[str, Any]:
    return {
        "category": resolved.category,
        "retryable": resolved.retryable,
        "execution_unknown": resolved.execution_unknown,
        "action": resolved.action,
        "reasons": list(resolved.reasons),
        "sources": list(resolved.sources),
    }


def product_annotations_data(annotations: ProductAnnotations) -> dict[str, Any]:
    def by_code(codes: dict[int, Resolved]) -> list[dict[str, Any]]:
        ordered = sorted(codes.items(), key=lambda item: -item[0])
        return [{"code": code, **advice_data(resolved)} for code, resolved in ordered]

    return {
        "codes": by_code(annotations.codes),
        "universal": by_code(annotations.universal),
        "undocumented_ranges": [
            {"low": segment.low, "high": segment.high, **advice_data(segment.annotation)}
            for segment in annotations.ranges
        ],
        "default": advice_data(annotations.default),
        "http_rules": [http_rule_data(rule) for rule in annotations.http],
        "message_rules": [message_rule_data(rule) for rule in annotations.messages],
    }


def rule_effect(rule: HttpRule | MessageRule) -> tuple[object, ...]:
    """What an HTTP or message rule sets, in the order of the runtime's ``RuleFields``."""
    return (
        rule.category,
        rule.retryable,
        rule.execution_unknown,
        rule.action,
        rule.reason,
        rule.source,
    )


def rule_effect_data(rule: HttpRule | MessageRule) -> dict[str, Any]:
    """:func:`rule_effect` as named fields, for ``errors.json``."""
    names = ("category", "retryable", "execution_unknown", "action", "reason", "source")
    return dict(zip(names, rule_effect(rule)))


def message_rule_data(rule: MessageRule) -> dict[str, Any]:
    """A message rule as data, its phrases in the form the runtimes compare."""
    return {"codes": list(rule.codes), "message_has": list(rule.phrases), **rule_effect_data(rule)}


def message_rule_fields(rule: MessageRule) -> tuple[object, ...]:
    """A message rule as the product module's tuple (``_advice.MessageRule``)."""
    return (rule.codes, rule.phrases, *rule_effect(rule))


def http_rule_data(rule: HttpRule) -> dict[str, Any]:
    """An HTTP rule as data, its messages in the form the runtimes compare."""
    return {
        "status": [rule.low, rule.high],
        "messages": list(rule.variants),
        **rule_effect_data(rule),
    }


def http_rule_fields(rule: HttpRule) -> tuple[object, ...]:
    """An HTTP rule as the product module's tuple (``_advice.HttpRule``)."""
    return (rule.low, rule.high, rule.variants, *rule_effect(rule))


def advice_fields(resolved: Resolved) -> tuple[object, ...]:
    """A code's advice as the product module's tuple (see ``_Fields`` there)."""
    return (
        resolved.category,
        resolved.retryable,
        resolved.execution_unknown,
        resolved.action,
        resolved.reasons,
        resolved.sources,
    )


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
    command = [os.fsdecode(find_ruff_bin()), "format", "--config", str(RUFF_CONFIG)]
    result = subprocess.run(
        [*command, "--stdin-filename", path, "-"],
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
