"""Hand-written and generated YAML files: read safely, check against a JSON Schema.

Every YAML file the tooling reads (the spec, the annotations, the product
registry) goes through :func:`load_yaml` (``safe_load`` only; a syntax error
names its line and column) and :func:`check_schema` (the most relevant schema
error, naming the field as ``$.products[0].errors[3].code``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from scraper.exceptions import SpecError


def read_text(path: Path) -> str:
    """A UTF-8 file's text; a missing or unreadable file is a :class:`SpecError` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise SpecError(str(path), f"cannot read: {reason}") from None


def load_yaml(text: str, origin: str, expected: str) -> Any:
    """The document in ``text``; ``expected`` says what an empty one should have held."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise SpecError(origin, f"not valid YAML{where}: {problem}") from None
    if data is None:
        raise SpecError(origin, f"empty file; expected {expected}")
    return data


def check_schema(data: Any, schema: dict[str, Any], origin: str) -> None:
    """Raise a :class:`SpecError` naming the field of the most relevant schema error."""
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise SpecError(origin, f"{error.json_path}: {error.message}")
