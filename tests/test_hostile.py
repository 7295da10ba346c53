"""Hostile page content, from the page through scrape and generate to an import in both languages.

``fixtures/hostile.html`` and its Markdown twin ``hostile.md`` hold, in names,
sections, messages and table cells: triple quotes, backslashes and a literal
``\\n``, Jinja syntax, ``</script>``, pipes, ``<img onerror>``, shell and
Python payloads, bidi overrides, a BOM, a 10,000-character message,
non-ASCII and emoji, and names that are keywords in another case or collide
once normalised. The expected values below are written out by hand: every
message must come out exactly as a reader of the page sees it, in the spec,
in the imported Python module, in the npm package's module imported by Node,
in the JSON and in the rendered Markdown. The payloads would create a file
named ``PWNED`` if anything ever ran them.
"""

from __future__ import annotations

import json
import keyword
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt

from scraper.exceptions import PageError
from scraper.model import ErrorEntry, MessageTable, Page, TableRow
from scraper.parse import parse_document
from scraper.spec import load_spec, spec_to_data
from tests.conftest import FIXTURES, REPO, node_or_skip, run_cli

LONG = " ".join(["Lorem|ipsum\\é中😀%s"] * 700)
SECTION_1 = 'Quotes & "strings" — </script> | {{ section }} {% if x %}'
SECTION_2 = "Names that collide"
PWNED = "touch PWNED"

EXPECTED_ERRORS = (
    ErrorEntry(
        -1000,
        "UNKNOWN",
        SECTION_1,
        (
            "Triple \"\"\" double and ''' single quotes.",
            "Back\\slash, two \\\\ backslashes, a literal \\n, \\t, \\x00 and \\u0000.",
            "Jinja {{ 7*7 }}, {% raw %}{% endraw %} and {# comment #}.",
        ),
    ),
    ErrorEntry(
        -1001,
        "CLASS",
        SECTION_1,
        (
            "</script><script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<!-- not a comment --> & &amp; &lt;",
        ),
        "class",
    ),
    ErrorEntry(
        -1002,
        "NONE",
        SECTION_1,
        (
            "Pipes | in | the || middle |",
            f"$({PWNED}) ${{IFS}} `{PWNED}` ; rm -rf PWNED",
            f"__import__('os').system('{PWNED}')",
            f"'''+__import__('os').system('{PWNED}')+'''",
        ),
        "None",
    ),
    ErrorEntry(
        -1003,
        "IMPORT_OS_OS_SYSTEM_TOUCH_PWNED",
        SECTION_1,
        (
            f"import os; os.system('{PWNED}')",  # heading text that reads as a message
            "abc\u202edcba\u202c, an RLM\u200f, an isolate \u2067rtl\u2069"
            " and a zero\u200bwidth space.",
            "\ufeffA message that starts with a byte-order mark.",
        ),
        f"import os; os.system('{PWNED}')",
    ),
    ErrorEntry(
        -1004,
        "ORDER_FAILED",
        SECTION_2,
        ("Order failed.", "Non-ASCII: é, 中文, 😀, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, ﷽ and ｆｕｌｌｗｉｄｔｈ."),  # noqa: RUF001
        "Order failed.",
    ),
    ErrorEntry(
        -1005,
        "ORDER_FAILED_1005",
        SECTION_2,
        ("Format strings: %s %d %(name)s {0} {} {name!r}.",),
    ),
    ErrorEntry(
        -1006,
        "ORDER_FAILED_1006",
        SECTION_2,
        (
            "Órdér fäiled",
            "YAML: - item, key: value, &anchor, *alias,"
            f' !!python/object/apply:os.system ["{PWNED}"], ? x, %YAML 1.2, ---',
        ),
        "Órdér fäiled",
    ),
    ErrorEntry(-1007, "DUP_1009", SECTION_2, ('JSON: "}, {"code": 1, "msg": "x"}]',)),
    ErrorEntry(-1008, "DUP", SECTION_2, ("Python: \\N{BULLET} and \"\\x41\" and b'\\xff'",)),
    ErrorEntry(
        -1009,
        "DUP_1009_2",
        SECTION_2,
        (
            "Markdown: *not emphasis*, _not either_, [not a link](javascript:alert(1)),"
            " # not a heading, > not a quote, ~~not struck~~.",
        ),
    ),
    ErrorEntry(-1010, "ERROR_1010", SECTION_2, (LONG,), "日本語"),
    ErrorEntry(-1011, "ERROR_1011", SECTION_2, ("null", "True", "~"), "😀"),
    ErrorEntry(-1012, "E_2FA", SECTION_2, ("Line one\nline two",), "2FA"),
    ErrorEntry(-1013, "ERROR_1013", SECTION_2, ("A message for a code with no name.",), '"""'),
    ErrorEntry(
        -1014,
        "CONFIG",
        SECTION_2,
        (
            "{{ config }}",
            f"{{{{ config.__class__.__init__.__globals__['os'].system('{PWNED}') }}}}",
        ),
        "{{ config }}",
    ),
    ErrorEntry(
        -1015,
        "ABCDEF",
        SECTION_2,
        ("A right-to-left override in the heading above.",),
        "ABC\u202eDEF",
    ),
    ErrorEntry(-1016, "TRUE", SECTION_2, ("Upper-case names are never keywords.",)),
    ErrorEntry(-1017, "TRUE_1017", SECTION_2, ('"Quoted," she said.',), "True"),
    ErrorEntry(
        -1018, "PRIVATE", SECTION_2, ("A name that starts with an underscore.",), "_PRIVATE"
    ),
)
EXPECTED_TABLE = MessageTable(
    "order_rejections",
    "Messages for -1010 ERROR_MSG_RECEIVED, -2010 NEW_ORDER_REJECTED | <b>",
    (-1010, -2010),
    (
        TableRow("Unknown | order <sent>.", "Desc with <img src=x onerror=alert(1)> and {{ x }}"),
        TableRow("Back\\slash \\\\ and `code`", "Line one\nline two"),
        TableRow("A.", "Two messages in one cell."),
        TableRow("B.", "Two messages in one cell."),
        TableRow("Long row", f"$({PWNED}) '''\"\"\" || \\n"),
    ),
)
EXPECTED = Page(EXPECTED_ERRORS, (EXPECTED_TABLE,), "2025-06-11")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# -- the parser ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hostile.html", "hostile.md"])
def test_hostile_page_parses_to_exactly_what_a_reader_sees(name: str) -> None:
    assert len(LONG) >= 10_000
    page = parse_document(fixture_text(name), None, name)
    for got, expected in zip(page.errors, EXPECTED.errors, strict=True):
        assert got == expected
    assert page == EXPECTED


def test_crlf_line_endings_change_nothing() -> None:
    for name in ["hostile.html", "hostile.md"]:
        text = fixture_text(name).replace("\n", "\r\n")
        assert parse_document(text, None, name) == EXPECTED


def test_names_are_identifiers_and_unique() -> None:
    names = [e.name for e in EXPECTED.errors]
    assert len(set(names)) == len(names)
    for name in names:
        assert name.isidentifier() and not keyword.iskeyword(name) and name == name.upper()


@pytest.mark.parametrize(
    ("headings", "names"),
    [
        # a later code gets _<digits>; a taken suffix gets _2, _3, ... after it
        (["DUP", "DUP"], ["DUP", "DUP_1001"]),
        (["DUP_1002", "DUP", "DUP"], ["DUP_1002", "DUP", "DUP_1002_2"]),
        (["DUP_1002", "DUP_1002_2", "DUP", "DUP"], ["DUP_1002", "DUP_1002_2", "DUP", "DUP_1003"]),
        # derived names collide like written ones, in page order
        (
            ["Order failed.", "ORDER_FAILED", "Órdér fäiled"],
            ["ORDER_FAILED", "ORDER_FAILED_1001", "ORDER_FAILED_1002"],
        ),
        # keywords in another case are fine as they are
        (["class", "None", "True", "TRUE"], ["CLASS", "NONE", "TRUE", "TRUE_1003"]),
    ],
)
def test_name_collisions_resolve_deterministically(headings: list[str], names: list[str]) -> None:
    text = "## Codes\n" + "".join(
        f"### -{1000 + i} {heading}\n* message {i}\n" for i, heading in enumerate(headings)
    )
    page = parse_document(text, "markdown", "x")
    assert [e.name for e in page.errors] == names


CONTROL_CHARACTERS = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x80",
    "\x85",
    "\x9b",
    "\x9f",
]


@pytest.mark.parametrize("name", ["hostile.html", "hostile.md"])
@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_are_refused_with_their_line(name: str, character: str) -> None:
    lines = fixture_text(name).split("\n")
    index = next(i for i, line in enumerate(lines) if "Upper-case names are never" in line)
    lines[index] = lines[index].replace("never", f"ne{character}ver")
    message = f"control character U+{ord(character):04X} on line {index + 1};"
    with pytest.raises(PageError, match=re.escape(message)):
        parse_document("\n".join(lines), None, name)


REFERENCES = [
    "&#0;",
    "&#27;",
    "&#x1B;",
    "&#x1b",
    "&#127;",
    "&#x85;",
    "&#155;",
    "&#xD800;",
    "&#x110000;",
]


@pytest.mark.parametrize("name", ["hostile.html", "hostile.md"])
@pytest.mark.parametrize("reference", REFERENCES)
def test_references_to_control_characters_are_refused(name: str, reference: str) -> None:
    lines = fixture_text(name).split("\n")
    index = next(i for i, line in enumerate(lines) if "Upper-case names are never" in line)
    lines[index] = lines[index].replace("never", f"ne{reference} ver")
    with pytest.raises(PageError, match=f"character reference '{reference}' on line {index + 1}"):
        parse_document("\n".join(lines), None, name)


def test_tab_newline_and_carriage_return_are_whitespace() -> None:
    text = "## S\r\n### -1000 UNKNOWN\r\n* tab\there, then\r\n  a new line\n"
    assert parse_document(text, "markdown", "x").errors[0].messages == (
        "tab here, then a new line",
    )


def test_a_control_character_through_the_cli_is_one_line(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        fixture_text("hostile.html").replace("Upper-case", "Upper\x1b[2J-case"), "utf-8"
    )
    out = tmp_path / "errors.yaml"
    result = run_cli("scrape", "--source", page, "--product", "spot", "--out", out)
    assert result.returncode == 5
    line = (
        fixture_text("hostile.html")
        .split("\n")
        .index(next(x for x in fixture_text("hostile.html").split("\n") if "Upper-case" in x))
    )
    assert result.stderr == (
        f"error: {page}: control character U+001B on line {line + 1};"
        " expected text without control characters\n"
    )
    assert not out.exists()


# -- through scrape and generate ---------------------------------------------------


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scrape (both twins) and generate, in a subprocess whose working directory is here."""
    root = tmp_path_factory.mktemp("hostile")
    for twin in ["html", "md"]:
        result = run_cli(
            "scrape",
            "--source",
            FIXTURES / f"hostile.{twin}",
            "--product",
            "spot",
            "--out",
            root / f"{twin}.yaml",
            cwd=root,
        )
        assert result.returncode == 0, result.stderr
    result = run_cli(
        "generate", "--spec", root / "html.yaml", "--out", root / "generated", cwd=root
    )
    assert result.returncode == 0, result.stderr
    return root


def test_both_twins_give_the_same_spec(workspace: Path) -> None:
    assert (workspace / "html.yaml").read_bytes() == (workspace / "md.yaml").read_bytes()


def test_the_spec_holds_every_message_exactly(workspace: Path) -> None:
    spec = load_spec((workspace / "html.yaml").read_text(encoding="utf-8"), "spec")
    product = spec.products[0]
    assert product.errors == EXPECTED.errors
    assert product.tables == EXPECTED.tables


def test_the_json_is_the_spec(workspace: Path) -> None:
    spec = load_spec((workspace / "html.yaml").read_text(encoding="utf-8"), "spec")
    text = (workspace / "generated" / "errors.json").read_text(encoding="utf-8")
    data = json.loads(text)
    for product in data["products"]:
        product.pop("annotations")  # resolved advice beside the spec's own data
        product.pop("templates")  # the compiled templates, likewise
    for key in ("categories", "actions", "safe_methods"):
        data.pop(key)
    assert data == json.loads(json.dumps(spec_to_data(spec)))
    assert not [c for c in text if unicodedata.category(c) in ("Cf", "Cc") and c != "\n"]


IMPORT_AND_DUMP = """
import json, sys
sys.path[:0] = [sys.argv[1]]
before = set(sys.modules)
from binance_errors import spot
codes = [
    [m.name, int(m), list(m.messages), m.title, m.section, list(m.aliases)]
    for m in spot.ErrorCode
]
tables = [[t.id, t.title, list(t.codes), [[r.message, r.description] for r in t.rows]] for t in spot.TABLES]
matched = [[getattr(spot.match(int(m), t), "template", None) for t in m.messages] for m in spot.ErrorCode]
print(json.dumps({"codes": codes, "tables": tables, "matched": matched}))
"""


@pytest.fixture(scope="module")
def python_dump(workspace: Path) -> dict[str, Any]:
    """What the generated Python module holds and answers, dumped by a fresh interpreter."""
    generated = workspace / "generated"
    result = subprocess.run(
        [sys.executable, "-I", "-c", IMPORT_AND_DUMP, str(generated)],
        capture_output=True,
        text=True,
        cwd=workspace,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    dumped: dict[str, Any] = json.loads(result.stdout)
    return dumped


def test_the_module_imports_and_holds_every_message_exactly(python_dump: dict[str, Any]) -> None:
    dumped = python_dump
    assert dumped["codes"] == [
        [e.name, e.code, list(e.messages), e.title, e.section, []] for e in EXPECTED.errors
    ]
    table = EXPECTED_TABLE
    assert dumped["tables"] == [
        [table.id, table.title, list(table.codes), [[r.message, r.description] for r in table.rows]]
    ]


IMPORT_AND_DUMP_JS = """
const spot = await import(process.argv[1]);
const codes = [];
for (const code of [...new Set(Object.values(spot.ErrorCode))]) {
  const info = spot.lookup(code);
  codes.push([info.name, info.code, info.messages, info.title ?? null, info.section, info.aliases]);
}
const tables = spot.tables().map((t) => [t.id, t.title, t.codes, t.rows.map((r) => [r.message, r.description])]);
const names = Object.entries(spot.ErrorCode);
const matched = codes.map(([, code, messages]) => messages.map((m) => spot.match(code, m)?.template ?? null));
console.log(JSON.stringify({ codes, tables, names, matched }));
"""


def test_the_npm_module_imports_and_holds_every_message_exactly(
    workspace: Path, python_dump: dict[str, Any]
) -> None:
    """Node imports the generated JavaScript; every string comes back as the spec has it, and
    ``match`` gives every message the answer Python gives."""
    node = node_or_skip()
    module = workspace / "generated" / "typescript" / "spot.js"
    result = subprocess.run(
        [node, "--input-type=module", "-e", IMPORT_AND_DUMP_JS, module.as_uri()],
        capture_output=True,
        text=True,
        cwd=workspace,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    dumped = json.loads(result.stdout)
    assert dumped["codes"] == [
        [e.name, e.code, list(e.messages), e.title, e.section, []] for e in EXPECTED.errors
    ]
    assert dumped["names"] == [[e.name, e.code] for e in EXPECTED.errors]
    assert dumped["matched"] == python_dump["matched"]
    assert sum(template is not None for row in dumped["matched"] for template in row) >= 25
    table = EXPECTED_TABLE
    assert dumped["tables"] == [
        [table.id, table.title, list(table.codes), [[r.message, r.description] for r in table.rows]]
    ]
    assert not list(workspace.rglob("PWNED*"))


def test_the_javascript_source_shows_every_character(workspace: Path) -> None:
    """No invisible, direction-changing or line-separating character reaches the JavaScript,
    and nothing that would end or comment out a <script> element embedding it."""
    folder = workspace / "generated" / "typescript"
    for path in [folder / "spot.js", folder / "spot.d.ts", folder / "index.js"]:
        source = path.read_text(encoding="utf-8")
        hidden = {c for c in source if unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp")}
        assert hidden <= {"\n"}, path.name
        assert "</script" not in source.lower() and "<!--" not in source, path.name
    assert "\\u202e" in (folder / "spot.js").read_text(encoding="utf-8")


def test_the_python_source_shows_every_character(workspace: Path) -> None:
    """No invisible or direction-changing character reaches the source (Trojan Source)."""
    sources = sorted((workspace / "generated" / "binance_errors").glob("*.py"))
    assert {path.name for path in sources} >= {"spot.py", "_spot_data.py"}
    for path in sources:
        source = path.read_text(encoding="utf-8")
        hidden = {c for c in source if unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp")}
        assert hidden <= {"\n"}, path.name


def markdown_files(workspace: Path) -> list[Path]:
    """The Markdown reference (``ERRORS.md``, ``docs/``); the npm package's README, which
    holds no upstream text but product ids, is left out."""
    generated = workspace / "generated"
    files = sorted(p for p in generated.rglob("*.md") if "typescript" not in p.parts)
    assert files
    return files


def unescaped_pipes(line: str) -> int:
    """Pipes that split a GFM table row: those not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


def test_markdown_tables_keep_their_column_count(workspace: Path) -> None:
    delimiter = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")
    checked = 0
    for path in markdown_files(workspace):
        lines = path.read_text(encoding="utf-8").split("\n")
        for index, line in enumerate(lines):
            if not delimiter.match(line):
                continue
            columns = line.count("|") - 1
            assert unescaped_pipes(lines[index - 1]) == columns + 1, lines[index - 1]
            row = index + 1
            while row < len(lines) and lines[row].startswith("|"):
                assert unescaped_pipes(lines[row]) == columns + 1, (path, lines[row][:200])
                row += 1
                checked += 1
        assert not [c for c in "".join(lines) if unicodedata.category(c) in ("Cf", "Cc")]
    assert checked >= len(EXPECTED.errors) + len(EXPECTED_TABLE.rows)


def cell_text(cell: Tag) -> str:
    for br in cell.find_all("br"):
        br.replace_with("\n")
    return cell.get_text()


def rendered_markdown(workspace: Path) -> list[BeautifulSoup]:
    """Every generated Markdown file, rendered by a CommonMark + GFM tables renderer."""
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    return [
        BeautifulSoup(renderer.render(path.read_text(encoding="utf-8")), "html.parser")
        for path in markdown_files(workspace)
    ]


def test_markdown_shows_every_message_exactly(workspace: Path) -> None:
    """Rendered, every table cell and heading reads exactly as the text it shows."""
    rows: list[list[str]] = []
    headings: list[str] = []
    for soup in rendered_markdown(workspace):
        assert not soup.find_all(["script", "img", "iframe", "style"])
        assert {t.name for t in soup.find_all(True)} <= {
            *("table", "thead", "tbody", "tr", "th", "td", "a", "br", "code", "strong"),
            *("h1", "h2", "h3", "h4", "p", "ul", "li", "del", "s", "em"),
        }
        rows += [
            [cell_text(cell) for cell in tr.find_all(["td", "th"])] for tr in soup.find_all("tr")
        ]
        headings += [h.get_text() for h in soup.find_all(["h2", "h3"])]
    for entry in EXPECTED.errors:
        shown = [row for row in rows if row[0] == str(entry.code)]
        assert shown, entry.code
        for row in shown:
            assert row[1].split("\n") == [entry.name, *([entry.title] if entry.title else [])]
            assert row[2] == "\n".join(entry.messages)
    for table_row in EXPECTED_TABLE.rows:
        assert [table_row.message, table_row.description] in rows
    assert SECTION_1 in headings and EXPECTED_TABLE.title in headings


def test_nothing_was_executed(workspace: Path) -> None:
    """The payloads name a file PWNED; no stage may have created one anywhere we ran."""
    assert not list(workspace.rglob("PWNED*"))
    for directory in [REPO, Path.cwd(), workspace.parent]:
        assert not [name for name in os.listdir(directory) if name.startswith("PWNED")]


def test_generated_tree_passes_check(workspace: Path) -> None:
    result = run_cli("check", "--spec", workspace / "html.yaml", "--out", workspace / "generated")
    assert result.returncode == 0, result.stdout
