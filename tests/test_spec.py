"""The canonical spec: determinism, round trips, and validation that names the field."""

from __future__ import annotations

import pytest

from scraper.exceptions import SpecError
from scraper.model import Source, Spec
from scraper.parse import parse_document
from scraper.spec import dump_spec, load_spec, product_from_page, with_product
from tests.conftest import FIXTURES, REPO, capture_text

SPOT = Source("https://developers.binance.com/docs/binance-spot-api-docs/errors", "html")
GOLDEN_SPEC = FIXTURES / "golden" / "spec.yaml"


def spec_of(text: str) -> Spec:
    page = parse_document(text, None, "page")
    return with_product(Spec(()), product_from_page(page, "spot", "Binance Spot API", SPOT))


def test_same_page_same_bytes() -> None:
    text = capture_text("spot-html-1.txt")
    assert dump_spec(spec_of(text)) == dump_spec(spec_of(text))


def test_load_then_dump_is_identical() -> None:
    for text in (
        GOLDEN_SPEC.read_text(encoding="utf-8"),
        dump_spec(spec_of(capture_text("spot-html-1.txt"))),
    ):
        assert dump_spec(load_spec(text, "spec")) == text


def test_committed_spec_is_canonical() -> None:
    text = (REPO / "spec" / "errors.yaml").read_text(encoding="utf-8")
    assert dump_spec(load_spec(text, "spec/errors.yaml")) == text


def test_errors_sorted_by_code_descending() -> None:
    spec = spec_of(capture_text("spot-html-1.txt"))
    codes = [e.code for e in spec.products[0].errors]
    assert codes == sorted(codes, reverse=True) and codes[0] == -1000


def test_awkward_text_round_trips() -> None:
    text = (FIXTURES / "mini.md").read_text(encoding="utf-8")
    awkward = [
        "yes",
        "null",
        "'%s' and \"%s\"",
        "line one\nline two",
        "trailing newline\n",
        "  leading spaces",
        "# not a comment",
        "key: value",
        "- dash",
        "{{ jinja }}",
        "\u200fright-to-left",
        "é中文",
    ]
    bullets = "".join(f"* {line}\n" for line in awkward if "\n" not in line)
    spec = spec_of(text + "\n## More\n### -1999 AWKWARD\n" + bullets)
    dumped = dump_spec(spec)
    loaded = load_spec(dumped, "spec")
    assert loaded == spec and dump_spec(loaded) == dumped


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (
            ("code: -1003", "code: minus"),
            r"\$\.products\[0\]\.errors\[1\]\.code: 'minus' is not of type 'integer'",
        ),
        (
            ("name: UNKNOWN", "name: not-valid"),
            r"\$\.products\[0\]\.errors\[0\]\.name: 'not-valid' does not match",
        ),
        (("schema_version: 1", "schema_version: 2"), r"\$\.schema_version: 1 was expected"),
        (("  - code: -1003", "  - code: -1000"), r"errors\[\d\]\.code: duplicate code -1000"),
        (("name: TOO_MANY_REQUESTS", "name: UNKNOWN"), r"'UNKNOWN' already names code -1000"),
        (("last_updated: '2025-06-11'", "last_updated: June"), r"\$\.products\[0\]\.last_updated"),
        (("    removed: null\n", "    removed: null\n    colour: red\n"), r"Additional properties"),
        (
            ("former_names: [TOO_MANY_REQUEST]", "former_names: [too_many]"),
            r"errors\[1\]\.former_names\[0\]: 'too_many' does not match",
        ),
        (("former_names: [TOO_MANY_REQUEST]", "former_names: []"), r"should be non-empty"),
        (
            ("former_names: [TOO_MANY_REQUEST]", "former_names: [TOO_MANY_REQUESTS]"),
            r"errors\[1\]\.former_names: 'TOO_MANY_REQUESTS' is a current name of code -1003",
        ),
        (
            (
                "    removed: '2024-04-02'\n",
                "    removed: '2024-04-02'\n    former_names: [TOO_MANY_REQUEST]\n",
            ),
            r"'TOO_MANY_REQUEST' is already a former name of code -1003",
        ),
    ],
)
def test_invalid_spec_errors_name_the_field(edit: tuple[str, str], field: str) -> None:
    text = GOLDEN_SPEC.read_text(encoding="utf-8").replace(*edit, 1)
    with pytest.raises(SpecError, match=field):
        load_spec(text, "spec/errors.yaml")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty file"),
        ("schema_version: [1\n", "not valid YAML at line 2"),
        ("!!python/object:os.system ls\n", "not valid YAML"),
        ("- 1\n- 2\n", "is not of type 'object'"),
    ],
)
def test_unreadable_specs(text: str, problem: str) -> None:
    with pytest.raises(SpecError, match=problem):
        load_spec(text, "spec/errors.yaml")
