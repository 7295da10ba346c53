"""spec/annotations.yaml: validation with errors that name the field, precedence, and the CLI."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from scraper.annotations import (
    CodeRange,
    Resolved,
    load_annotations,
    read_annotations,
    resolve_spec,
)
from scraper.exceptions import SpecError
from scraper.model import ErrorEntry, Product, Source, Spec
from scraper.spec import dump_spec, read_spec
from tests.conftest import ANNOTATIONS_PATH, FIXTURES, SPEC_PATH, run_cli

HEADER = """\
schema_version: 2
actions: {retry: r, resync_and_retry: t, reconcile: c, fix_request: f, stop: s}
categories:
  server: {meaning: s, action: stop}
  rate_limit: {meaning: r, action: stop}
  request: {meaning: q, action: fix_request}
  order_rejected: {meaning: o, action: fix_request}
  auth: {meaning: a, action: stop}
  timing: {meaning: t, action: resync_and_retry}
  unknown: {meaning: u, action: stop}
default: {category: unknown, retryable: false, execution_unknown: false, reason: default}
http: []
"""


def product(product_id: str, *entries: tuple[int, str, str]) -> Product:
    return Product(
        id=product_id,
        title=product_id.upper(),
        source=Source(f"https://example.com/{product_id}", "html"),
        last_updated=None,
        errors=tuple(
            ErrorEntry(code, name, section, ("Something went wrong.",))
            for code, name, section in entries
        ),
        tables=(),
    )


SPEC = Spec(
    (
        product(
            "spot",
            (-1003, "TOO_MANY_REQUESTS", "10xx general"),
            (-1021, "INVALID_TIMESTAMP", "10xx general"),
            (-2021, "ORDER_CANCEL_REPLACE_PARTIALLY_FAILED", "cancelReplace"),
        ),
        product(
            "usdm",
            (-1003, "TOO_MANY_REQUESTS", "10xx general"),
            (-2021, "ORDER_WOULD_IMMEDIATELY_TRIGGER", "20xx processing"),
            (-4005, "QTY_GREATER_THAN_MAX_QTY", "40xx filters"),
        ),
    )
)


def resolve(rules: str, spec: Spec = SPEC) -> dict[str, dict[int, Resolved]]:
    annotations = load_annotations(HEADER + "rules:\n" + textwrap.dedent(rules), "test.yaml")
    return {pid: found.codes for pid, found in resolve_spec(annotations, spec, "test.yaml").items()}


def refused(rules: str, spec: Spec = SPEC) -> str:
    with pytest.raises(SpecError) as raised:
        resolve(rules, spec)
    assert raised.value.exit_code == 6
    assert raised.value.source == "test.yaml"
    return raised.value.problem


# -- the committed file ----------------------------------------------------------


def test_committed_annotations_fit_the_committed_spec() -> None:
    annotations = read_annotations(ANNOTATIONS_PATH)
    declared = {category.name for category in annotations.categories}
    assert {
        "rate_limit",
        "auth",
        "timing",
        "server",
        "request",
        "order_rejected",
        "filter",
    } <= declared
    resolved = resolve_spec(annotations, read_spec(SPEC_PATH), str(ANNOTATIONS_PATH))
    spot = resolved["spot"].codes
    assert all(found.category in declared and found.reasons for found in spot.values())
    assert spot[-1006].execution_unknown and spot[-1007].execution_unknown
    assert spot[-1003] == Resolved(
        "rate_limit", True, False, "retry", (spot[-1003].reasons[0],), spot[-1003].sources
    )
    assert spot[-1013].category == "filter"
    assert spot[-2021].category == "order_rejected"  # by its section
    assert spot[-2010].category == "order_rejected"  # by the 20xx range
    assert spot[-1100].category == "request"  # by the 11xx range


# -- precedence ----------------------------------------------------------------

LEVELS = """\
- {range: [-9999, -1000], category: auth, reason: wide range}
- {range: [-1099, -1000], category: server, reason: narrow range}
- {range: [-1099, -1000], products: [usdm], category: request, reason: usdm range}
- {section: 10xx general, category: rate_limit, reason: shared section}
- {section: 10xx general, products: [spot], category: request, reason: spot section}
- {codes: [-1003], category: order_rejected, reason: shared code}
- {codes: [-1003], products: [usdm], category: unknown, reason: usdm code}
"""


def test_product_code_beats_code_beats_section_beats_range() -> None:
    codes = resolve(LEVELS)
    assert codes["usdm"][-1003].category == "unknown"  # product + code
    assert codes["spot"][-1003].category == "order_rejected"  # shared code
    assert codes["spot"][-1021].category == "request"  # product + section
    assert codes["usdm"][-4005].category == "auth"  # the only range that covers it
    without_codes = resolve(LEVELS.rsplit("- {codes", 2)[0])
    assert without_codes["usdm"][-1003].category == "rate_limit"  # shared section
    ranges_only = resolve("\n".join(LEVELS.splitlines()[:3]) + "\n")
    assert ranges_only["spot"][-1003].category == "server"  # the narrowest range
    assert ranges_only["usdm"][-1003].category == "request"  # product range on a tie


def test_each_field_is_decided_on_its_own() -> None:
    codes = resolve(
        """\
        - {range: [-1099, -1000], category: server, reason: 10xx}
        - {codes: [-1003], retryable: true, reason: back off}
        - {codes: [-1003], products: [spot], execution_unknown: true, reason: spot says so}
        """
    )
    spot, usdm = codes["spot"][-1003], codes["usdm"][-1003]
    assert spot == Resolved("server", True, True, "reconcile", ("spot says so", "back off", "10xx"))
    assert usdm == Resolved("server", True, False, "retry", ("back off", "10xx"))
    assert codes["usdm"][-4005] == Resolved("unknown", False, False, "stop", ("default",))


def test_undocumented_codes_resolve_by_range() -> None:
    annotations = load_annotations(
        HEADER
        + "rules:\n"
        + textwrap.dedent(
            """\
            - {range: [-1199, -1000], category: request, reason: 1xxx}
            - {range: [-1099, -1000], category: server, reason: 10xx}
            - {range: [-1199, -1100], retryable: true, reason: 11xx}
            - {codes: [-1003], category: rate_limit, reason: code}
            """
        ),
        "test.yaml",
    )
    ranges = resolve_spec(annotations, SPEC, "test.yaml")["spot"].ranges
    assert ranges == (
        CodeRange(-1199, -1100, Resolved("request", True, False, "retry", ("11xx", "1xxx"))),
        CodeRange(-1099, -1000, Resolved("server", False, False, "stop", ("10xx",))),
    )


# -- conflicts and clashes -----------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        (
            "- {codes: [-1003], category: server, reason: a}\n"
            "- {codes: [-1003], category: auth, reason: b}\n",
            "$.rules[1].category: conflicts with $.rules[0] for spot -1003",
        ),
        (
            "- {codes: [-1003], products: [spot], retryable: true, reason: a}\n"
            "- {codes: [-1003], products: [spot, usdm], retryable: false, reason: b}\n",
            "$.rules[1].retryable: conflicts with $.rules[0] for spot -1003",
        ),
        (
            "- {range: [-1099, -1000], category: server, reason: a}\n"
            "- {range: [-1149, -1050], category: auth, reason: b}\n",
            "$.rules[1].category: conflicts with $.rules[0] for undocumented spot code -1099",
        ),
        (
            "- {section: 10xx general, category: server, reason: a}\n"
            "- {section: 10xx general, category: server, reason: b}\n",
            "$.rules[1].category: conflicts with $.rules[0]",
        ),
    ],
)
def test_rules_at_the_same_level_may_not_decide_the_same_field(rules: str, problem: str) -> None:
    assert refused(rules).startswith(problem)


def test_a_code_that_means_different_things_needs_products() -> None:
    problem = refused("- {codes: [-2021], category: order_rejected, reason: cancel-replace}\n")
    assert problem == (
        "$.rules[0].codes[0]: -2021 names different errors per product"
        " (spot: ORDER_CANCEL_REPLACE_PARTIALLY_FAILED, usdm: ORDER_WOULD_IMMEDIATELY_TRIGGER);"
        " give the rule products"
    )
    codes = resolve(
        """\
        - {codes: [-2021], products: [spot], category: order_rejected, reason: cancel-replace}
        - {codes: [-2021], products: [usdm], category: request, reason: would trigger}
        """
    )
    assert codes["spot"][-2021].category == "order_rejected"
    assert codes["usdm"][-2021].category == "request"


# -- naming what is not in the spec --------------------------------------------


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        (
            "- {codes: [-9999], category: server, reason: x}\n",
            "$.rules[0].codes[0]: -9999 is not a code of any product in the spec",
        ),
        (
            "- {codes: [-1003, -4005], products: [spot], category: server, reason: x}\n",
            "$.rules[0].codes[1]: -4005 is not a code of product 'spot'",
        ),
        (
            "- {codes: [-1003], products: [spot, coinm], category: server, reason: x}\n",
            "$.rules[0].products[1]: no product 'coinm' in the spec (products: spot, usdm)",
        ),
        (
            "- {range: [-1099, -1000], products: [coinm], category: server, reason: x}\n",
            "$.rules[0].products[0]: no product 'coinm' in the spec",
        ),
        (
            "- {section: Nowhere, category: server, reason: x}\n",
            "$.rules[0].section: no product has a section 'Nowhere'",
        ),
        (
            "- {section: cancelReplace, products: [usdm], category: server, reason: x}\n",
            "$.rules[0].section: product 'usdm' has no section 'cancelReplace'",
        ),
    ],
)
def test_names_missing_from_the_spec_are_refused(rules: str, problem: str) -> None:
    assert refused(rules).startswith(problem)


# -- the file itself -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty file"),
        ("rules: [", "not valid YAML at line 1"),
        ("!!python/object:os.system {}", "not valid YAML"),
        (HEADER, "$: 'rules' is a required property"),
        (
            HEADER + "rules: [{codes: [-1003], category: server}]",
            "$.rules[0]: 'reason' is a required",
        ),
        (
            HEADER + "rules: [{codes: [-1003], retryable: 'yes', reason: x}]",
            "$.rules[0].retryable: 'yes' is not of type 'boolean'",
        ),
        (
            HEADER + "rules: [{codes: [-1003], colour: red, reason: x}]",
            "$.rules[0]: Additional properties are not allowed ('colour' was unexpected)",
        ),
        (
            HEADER + "rules: [{codes: -1003, category: server, reason: x}]",
            "$.rules[0].codes: -1003 is not of type 'array'",
        ),
        (
            HEADER + "rules: [{range: [-1000], category: server, reason: x}]",
            "$.rules[0].range: [-1000] is too short",
        ),
        (
            HEADER + 'rules: [{codes: [-1003], category: server, reason: "two\\nlines"}]',
            "$.rules[0].reason: 'two\\nlines' does not match",
        ),
        (
            HEADER
            + "rules: [{codes: [-1003], range: [-1099, -1000], category: server, reason: x}]",
            "$.rules[0]: give exactly one of codes, range, section, name_has, message_has"
            " (found: codes, range)",
        ),
        (
            HEADER + "rules: [{products: [spot], category: server, reason: x}]",
            "$.rules[0]: give exactly one of codes, range, section, name_has, message_has"
            " (found: none)",
        ),
        (
            HEADER + "rules: [{codes: [-1003], reason: x}]",
            "$.rules[0]: sets none of category, retryable, execution_unknown, action",
        ),
        (
            HEADER + "rules: [{codes: [-1003], category: weather, reason: x}]",
            "$.rules[0].category: category 'weather' is not declared under categories (auth,",
        ),
        (
            HEADER + "rules: [{range: [-1000, -1099], category: server, reason: x}]",
            "$.rules[0].range: lower bound first, got [-1000, -1099]",
        ),
        (
            HEADER.replace("category: unknown", "category: nothing") + "rules: []",
            "$.default.category: category 'nothing' is not declared",
        ),
    ],
)
def test_invalid_files_name_the_field(text: str, problem: str) -> None:
    with pytest.raises(SpecError) as raised:
        load_annotations(text, "a.yaml")
    assert raised.value.source == "a.yaml"
    assert raised.value.problem.startswith(problem), raised.value.problem
    assert "\n" not in str(raised.value)


# -- through the CLI -------------------------------------------------------------


def golden_copy(tmp_path: Path) -> Path:
    spec = tmp_path / "spec.yaml"
    shutil.copy(FIXTURES / "golden" / "spec.yaml", spec)
    shutil.copy(FIXTURES / "golden" / "annotations.yaml", tmp_path / "annotations.yaml")
    return spec


def test_generate_reads_the_annotations_beside_the_spec(tmp_path: Path) -> None:
    spec, out = golden_copy(tmp_path), tmp_path / "out"
    assert run_cli("generate", "--spec", spec, "--out", out).returncode == 0
    module = (out / "binance_errors" / "_spot_data.py").read_text()
    assert (
        '-1003: (\n        "rate_limit",\n        True,\n        False,\n        "retry",' in module
    )
    (tmp_path / "annotations.yaml").unlink()
    assert run_cli("check", "--spec", spec, "--out", out).returncode == 1


def test_annotation_for_a_missing_code_fails_generate(tmp_path: Path) -> None:
    spec, out = golden_copy(tmp_path), tmp_path / "out"
    assert run_cli("generate", "--spec", spec, "--out", out).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    annotations = tmp_path / "annotations.yaml"
    annotations.write_text(
        annotations.read_text().replace(
            "\nhttp:\n", "\n- {codes: [-4242], category: server, reason: gone}\nhttp:\n"
        )
    )
    result = run_cli("generate", "--spec", spec, "--out", out)
    assert result.returncode == 6
    assert result.stderr == (
        f"error: {annotations}: $.rules[6].codes[0]: -4242 is not a code of any product in the spec\n"
    )
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_explicit_annotations_file_must_exist(tmp_path: Path) -> None:
    spec = golden_copy(tmp_path)
    missing = tmp_path / "nope.yaml"
    result = run_cli("generate", "--spec", spec, "--annotations", missing, "--out", tmp_path / "o")
    assert result.returncode == 6
    assert result.stderr == f"error: {missing}: no such file\n"
    assert not (tmp_path / "o").exists()


def test_annotations_for_a_product_the_spec_lacks(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(dump_spec(SPEC), encoding="utf-8")
    (tmp_path / "annotations.yaml").write_text(
        HEADER + "rules:\n- {codes: [-1003], products: [margin], category: server, reason: x}\n"
    )
    result = run_cli("generate", "--spec", spec, "--out", tmp_path / "out")
    assert result.returncode == 6
    assert "$.rules[0].products[0]: no product 'margin' in the spec" in result.stderr
    assert result.stderr.count("\n") == 1


# -- keywords, universal codes, actions, HTTP and message rules ----------------------


def test_keyword_rules_sit_between_codes_and_sections() -> None:
    codes = resolve(
        """\
        - {section: 10xx general, category: server, reason: section}
        - {name_has: [TOO_MANY], category: rate_limit, retryable: true, reason: named so}
        - {message_has: ["WENT wrong"], products: [usdm], category: request, reason: says so}
        - {codes: [-1003], products: [usdm], category: auth, reason: code}
        """
    )
    assert codes["spot"][-1003].category == "rate_limit"  # keyword beats section
    assert codes["spot"][-1003].action == "retry"
    assert codes["usdm"][-1003].category == "auth"  # code beats keyword
    assert codes["usdm"][-4005].category == "request"  # every message went wrong
    assert codes["spot"][-1021].category == "server"


def test_name_has_matches_whole_words_only() -> None:
    codes = resolve("- {name_has: [MANY], category: rate_limit, reason: many}\n")
    assert codes["spot"][-1003].category == "rate_limit"  # TOO_MANY_REQUESTS
    problem = refused("- {name_has: [MAN], category: rate_limit, reason: a part of a word}\n")
    assert problem == "$.rules[0].name_has[0]: 'MAN' selects no code of the spec"


def test_universal_codes_reach_products_whose_page_omits_them() -> None:
    spec = Spec((SPEC.products[0], product("options", (-1002, "UNAUTHORIZED", "10xx general"))))
    annotations = load_annotations(
        HEADER
        + "rules:\n- {codes: [-1021], universal: true, category: timing, retryable: true, reason: t}\n",
        "test.yaml",
    )
    resolved = resolve_spec(annotations, spec, "test.yaml")
    assert resolved["spot"].universal == {}
    assert resolved["options"].universal == {
        -1021: Resolved("timing", True, False, "resync_and_retry", ("t",))
    }
    problem = refused(
        "- {codes: [-1021], products: [spot], universal: true, category: timing, reason: t}\n"
    )
    assert (
        problem == "$.rules[0].universal: only a shared codes rule (no products) can be universal"
    )


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        (
            "- {codes: [-1003], execution_unknown: true, action: retry, reason: x}\n",
            "$.rules[0]: action 'retry' for an execution-unknown error; it must be 'reconcile'"
            " for spot -1003",
        ),
        (
            "- {codes: [-1003], action: reconcile, reason: x}\n",
            "$.rules[0]: action 'reconcile' for an error whose execution is known for spot -1003",
        ),
        (
            "- {codes: [-1003], action: retry, reason: x}\n",
            "$.rules[0]: action 'retry' for an error that is not retryable for spot -1003",
        ),
    ],
)
def test_an_action_must_agree_with_the_flags(rules: str, problem: str) -> None:
    assert refused(rules) == problem


def test_actions_follow_from_the_flags_and_the_category() -> None:
    codes = resolve(
        """\
        - {codes: [-1021], products: [spot], category: timing, retryable: true, reason: clock}
        - {codes: [-1003], products: [spot], category: request, reason: bad}
        - {codes: [-1003], products: [usdm], category: request, action: stop, reason: explicit}
        """
    )
    assert codes["spot"][-1021].action == "resync_and_retry"
    assert codes["spot"][-1003].action == "fix_request"  # the category's action
    assert codes["usdm"][-1003].action == "stop"


def http_spec(http: str, messages: str = "") -> str:
    return HEADER.replace("http: []\n", http) + messages + "rules: []\n"


def test_http_rules_sort_most_specific_first() -> None:
    text = http_spec(
        """\
http:
- {status: [500, 599], execution_unknown: true, action: reconcile, reason: any 5xx}
- {status: 503, messages: [Service Unavailable.], execution_unknown: false, retryable: true, action: retry, reason: variant}
- {status: 503, products: [usdm], execution_unknown: true, action: reconcile, reason: any 503}
"""
    )
    resolved = resolve_spec(load_annotations(text, "a.yaml"), SPEC, "a.yaml")
    assert [rule.reason for rule in resolved["usdm"].http] == ["variant", "any 503", "any 5xx"]
    assert [rule.reason for rule in resolved["spot"].http] == ["variant", "any 5xx"]
    assert resolved["spot"].http[0].variants == ("service unavailable",)


@pytest.mark.parametrize(
    ("http", "problem"),
    [
        (
            "http:\n- {status: 503, action: retry, retryable: true, reason: a}\n"
            "- {status: 503, products: [spot], action: stop, reason: b}\n",
            "$.http[1]: covers the same responses of spot as $.http[0]",
        ),
        (
            "http:\n- {status: 503, action: reconcile, execution_unknown: false, reason: a}\n",
            "$.http[0]: action 'reconcile' for an error whose execution is known",
        ),
        (
            "http:\n- {status: [599, 500], action: stop, reason: a}\n",
            "$.http[0].status: lower bound first, got [599, 500]",
        ),
        (
            "http:\n- {status: 503, action: stop, category: weather, reason: a}\n",
            "$.http[0].category: category 'weather' is not declared",
        ),
        (
            "http:\n- {status: 503, products: [moon], action: stop, reason: a}\n",
            "$.http[0].products[0]: no product 'moon' in the spec",
        ),
    ],
)
def test_http_rules_are_checked(http: str, problem: str) -> None:
    with pytest.raises(SpecError) as raised:
        resolve_spec(load_annotations(http_spec(http), "a.yaml"), SPEC, "a.yaml")
    assert raised.value.problem.startswith(problem), raised.value.problem


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        (
            "messages:\n- {message_has: [nowhere to be seen], action: stop, reason: a}\n",
            "$.messages[0].message_has[0]: 'nowhere to be seen' is in no message of its codes",
        ),
        (
            "messages:\n- {message_has: [went wrong], codes: [-9999], action: stop, reason: a}\n",
            "$.messages[0].codes[0]: -9999 is not a code of its products",
        ),
        (
            "messages:\n- {message_has: [wrong], action: stop, reason: a}\n"
            "- {message_has: [Went Wrong.], codes: [-1003], action: fix_request, reason: b}\n",
            "$.messages[0]: decides spot -1003 'Something went wrong.' unlike $.messages[1]",
        ),
        (
            "messages:\n- {message_has: [wrong], action: retry, retryable: false, reason: a}\n",
            "$.messages[0]: action 'retry' for an error that is not retryable",
        ),
    ],
)
def test_message_rules_are_checked(messages: str, problem: str) -> None:
    with pytest.raises(SpecError) as raised:
        resolve_spec(load_annotations(http_spec("http: []\n", messages), "a.yaml"), SPEC, "a.yaml")
    assert raised.value.problem.startswith(problem), raised.value.problem


def test_message_rules_naming_codes_come_first() -> None:
    text = http_spec(
        "http: []\n",
        "messages:\n- {message_has: [wrong], action: stop, reason: any}\n"
        "- {message_has: [wrong], codes: [-1021], action: stop, reason: code}\n",
    )
    resolved = resolve_spec(load_annotations(text, "a.yaml"), SPEC, "a.yaml")
    assert [rule.reason for rule in resolved["spot"].messages] == ["code", "any"]
    assert resolved["spot"].messages[0].phrases == ("wrong",)
