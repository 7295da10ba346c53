"""The language guard, on Binance's real pages: English is read, zh-CN is refused.

Every non-English page here is built at test time from the real zh-CN text of
the reference data: the zh-CN halves of the bilingual captures (Markdown, as
Binance's site exports them, with ``/docs/zh-CN/`` permalinks), the zh-CN Spot
page's published revisions, and the zh-CN half of ``spot-md-1.txt`` rendered
into the Docusaurus HTML shell of ``spot-html-1.txt`` with a zh-CN head, as
``developers.binance.com/docs/zh-CN/...`` serves it. The signals are then taken
away one by one, to show each step of the detection on its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scraper.exceptions import PageError
from scraper.language import (
    MAX_FOREIGN_SHARE,
    check_language,
    foreign_letters,
    page_language,
    parse_english_document,
)
from scraper.model import Page
from scraper.parse import markdown_to_html, parse_document
from tests.conftest import (
    REPO,
    capture_text,
    history_files,
    run_cli,
    snapshot,
    upstream_file,
)

H1 = re.compile(r"^# ", re.MULTILINE)
SPOT_URL = "https://developers.binance.com/docs/binance-spot-api-docs/errors"
ZH_SPOT_URL = "https://developers.binance.com/docs/zh-CN/binance-spot-api-docs/errors"
CONTENT_START = '<div class="theme-doc-markdown markdown">'
BILINGUAL = (
    "coinm-md-1.txt",
    "coinm-md-2.txt",
    "margin-md-1.txt",
    "options-md-1.txt",
    "other-portfolio-margin-pro-md-1.txt",
    "other-wallet-md-1.txt",
    "portfolio-margin-md-1.txt",
    "spot-md-1.txt",
    "spot-testnet-md-1.txt",
    "usdm-md-1.txt",
)


def zh_half(capture: str) -> str:
    """The zh-CN half of a bilingual capture: from its second top-level heading on."""
    text = capture_text(capture)
    starts = [found.start() for found in H1.finditer(text)]
    assert len(starts) == 2, capture
    return text[starts[1] :]


def zh_docusaurus_page() -> str:
    """The zh-CN Spot page as Docusaurus serves it: spot-html-1's shell, zh-CN head and text."""
    shell = capture_text("spot-html-1.txt")
    start = shell.index(CONTENT_START) + len(CONTENT_START)
    end = shell.index("</article>")
    article = markdown_to_html(zh_half("spot-md-1.txt"))
    page = shell[:start] + article + "</div>" + shell[end:]
    for old, new in (
        ('<html lang="en"', '<html lang="zh-CN"'),
        ('property="og:locale" content="en"', 'property="og:locale" content="zh_CN"'),
        ('property="og:locale:alternate" content="zh_CN"', 'property="og:locale:alternate" content="en"'),
        ('name="docusaurus_locale" content="en"', 'name="docusaurus_locale" content="zh-CN"'),
        (f'rel="canonical" href="{SPOT_URL}"', f'rel="canonical" href="{ZH_SPOT_URL}"'),
        (f'property="og:url" content="{SPOT_URL}"', f'property="og:url" content="{ZH_SPOT_URL}"'),
    ):  # fmt: skip
        assert page.count(old) == 1, old
        page = page.replace(old, new)
    return page


def without(page: str, *patterns: str) -> str:
    """``page`` with every match of each pattern removed."""
    for pattern in patterns:
        page, count = re.subn(pattern, "", page)
        assert count, pattern
    return page


LANG = r'(?<=<html) lang="zh-CN"'
OG_LOCALE = r'<meta data-rh="true" property="og:locale" content="zh_CN">'
DOCUSAURUS_LOCALE = r'<meta data-rh="true" name="docusaurus_locale" content="zh-CN">'
OWN_ADDRESS = (
    r'<link data-rh="true" rel="canonical"[^>]*>|<meta data-rh="true" property="og:url"[^>]*>'
)
PERMALINK_LOCALE = r"(?<=/docs/)zh-CN/"

SIGNALS = [
    pytest.param((), "zh-CN", '<html lang="zh-CN">', id="html-lang"),
    pytest.param((LANG,), "zh-CN", '<meta property="og:locale" content="zh_CN">', id="og-locale"),
    pytest.param(
        (LANG, OG_LOCALE),
        "zh-CN",
        '<meta name="docusaurus_locale" content="zh-CN">',
        id="docusaurus-locale",
    ),
    pytest.param(
        (LANG, OG_LOCALE, DOCUSAURUS_LOCALE),
        "zh-CN",
        '<link rel="alternate" hreflang="zh-CN"> to the page itself',
        id="own-alternate",
    ),
    pytest.param(
        (LANG, OG_LOCALE, DOCUSAURUS_LOCALE, OWN_ADDRESS),
        "zh-CN",
        "103 of 103 code headings link to /docs/zh-CN/",
        id="permalinks",
    ),
    pytest.param(
        (LANG, OG_LOCALE, DOCUSAURUS_LOCALE, OWN_ADDRESS, PERMALINK_LOCALE),
        "CJK script",
        "103 of 103 codes are written in it, 100%, over 25%; first -1000: '未知错误'",
        id="script",
    ),
]


@pytest.mark.parametrize(("removed", "name", "evidence"), SIGNALS)
def test_each_signal_of_the_zh_cn_docusaurus_page_names_its_language(
    removed: tuple[str, ...], name: str, evidence: str
) -> None:
    page_text = without(zh_docusaurus_page(), *removed)
    page = parse_document(page_text, None, "zh.html")
    found = page_language(page_text, None, page, "zh.html")
    assert found is not None and (found.name, found.evidence) == (name, evidence)
    assert not found.english
    with pytest.raises(PageError) as caught:
        check_language(page_text, None, page, "zh.html")
    assert caught.value.exit_code == 5
    assert caught.value.problem == (
        f"the page is in {name} ({evidence}), not English;"
        " expected the English page (Binance serves each page in several languages)"
    )


def test_the_english_docusaurus_page_says_english() -> None:
    text = capture_text("spot-html-1.txt")
    page = parse_english_document(text, None, "spot-html-1.txt")
    found = page_language(text, None, page, "spot-html-1.txt")
    assert found is not None and found.english and found.evidence == '<html lang="en">'
    # Its zh-CN translation is listed as an alternate, which names no language of its own.
    assert ZH_SPOT_URL in text


@pytest.mark.parametrize("capture", BILINGUAL)
def test_the_zh_cn_half_of_every_bilingual_capture_is_refused(capture: str) -> None:
    """Markdown says no language; the ``/docs/zh-CN/`` permalinks do, then the script."""
    text = zh_half(capture)
    with pytest.raises(PageError, match=r"the page is in zh-CN \(\d+ of \d+ code headings link"):
        parse_english_document(text, "markdown", capture)
    unlinked = text.replace("/docs/zh-CN/", "/docs/")
    page = parse_document(unlinked, "markdown", capture)
    found = page_language(unlinked, "markdown", page, capture)
    if capture == "spot-testnet-md-1.txt":  # its zh-CN page is the English text, untranslated
        assert found is None
    else:
        assert found is not None and found.name == "CJK script"


@pytest.mark.parametrize("capture", BILINGUAL)
def test_the_bilingual_captures_are_read_in_english(capture: str) -> None:
    text = capture_text(capture)
    page = parse_english_document(text, None, capture)
    assert page_language(text, None, page, capture) is None
    assert not any(foreign_letters(entry) for entry in page.errors)


def test_every_english_page_passes() -> None:
    """Every capture of a page (English halves) and every English Spot revision."""
    captures = sorted(upstream_file("captures").glob("*.txt"))
    pages: list[tuple[str, str, str | None]] = [
        (path.name, path.read_text(encoding="utf-8"), None) for path in captures
    ]
    pages += [(p.name, p.read_text(encoding="utf-8"), "markdown") for p in history_files("spot")]
    pages += [
        (p.name, p.read_text(encoding="utf-8"), "markdown") for p in history_files("spot-testnet")
    ]
    read = 0
    for name, text, fmt in pages:
        if name == "other-spot-rest-error-codes-html-1.txt":  # no codes: not a page to read
            continue
        page = parse_english_document(text, fmt, name)
        assert not any(foreign_letters(entry) for entry in page.errors), name
        read += 1
    assert read == len(pages) - 1 >= 87


def test_a_stray_cjk_character_is_not_a_language() -> None:
    """options' English page ends one message with a CJK full stop: punctuation, not a letter."""
    text = capture_text("options-md-1.txt")
    page = parse_english_document(text, None, "options-md-1.txt")
    entry = next(e for e in page.errors if e.code == -1129)
    assert any("。" in message for message in entry.messages)
    assert foreign_letters(entry) == []


def test_an_english_page_quoting_chinese_in_a_few_codes_passes() -> None:
    """usdm's zh-CN messages put into a quarter of its English page's codes: still English."""
    english = capture_text("usdm-md-1.txt")
    page = parse_document(english, None, "en")
    chinese = {e.code: e for e in parse_document(zh_half("usdm-md-1.txt"), "markdown", "zh").errors}
    translated = [
        e.code for e in page.errors if e.code in chinese and foreign_letters(chinese[e.code])
    ]
    limit = int(MAX_FOREIGN_SHARE * len(page.errors))

    def quoting(count: int) -> Page:
        """The page with the zh-CN messages of its first ``count`` translated codes."""
        done = set(translated[:count])
        errors = tuple(
            replace(e, messages=chinese[e.code].messages) if e.code in done else e
            for e in page.errors
        )
        return replace(page, errors=errors)

    few = quoting(limit)
    assert sum(bool(foreign_letters(e)) for e in few.errors) == limit == 50
    assert page_language(english, None, few, "en") is None
    with pytest.raises(PageError, match=r"in CJK script \(51 of 201 codes"):
        check_language(english, None, quoting(limit + 1), "en")


@pytest.mark.parametrize("revision", [0, -1], ids=["oldest", "newest"])
def test_the_zh_cn_spot_revisions_are_refused_by_their_script(revision: int) -> None:
    path = history_files("spot-zh-CN")[revision]
    text = path.read_text(encoding="utf-8")
    with pytest.raises(PageError, match=r"the page is in CJK script \(\d+ of \d+ codes"):
        parse_english_document(text, "markdown", path.name)


# -- through the update command ------------------------------------------------------


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A copy of the committed spec and annotations, and the release file, to update."""
    spec = tmp_path / "spec"
    spec.mkdir()
    for name in ("errors.yaml", "annotations.yaml"):
        shutil.copy(REPO / "spec" / name, spec / name)
    shutil.copy(REPO / "templates" / "release.yaml", tmp_path / "release.yaml")
    return tmp_path


def update(workspace: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "update", *args, "--date", "2026-07-01",
        "--spec", workspace / "spec" / "errors.yaml", "--out", workspace / "generated",
        "--release", workspace / "release.yaml", "--pr-body", workspace / "body.md",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("product", "make_page", "expected"),
    [
        pytest.param(
            "usdm",
            lambda: zh_half("usdm-md-1.txt"),
            "the page is in zh-CN (198 of 198 code headings link to /docs/zh-CN/), not English",
            id="usdm-zh-cn-markdown",
        ),
        pytest.param(
            "spot",
            zh_docusaurus_page,
            'the page is in zh-CN (<html lang="zh-CN">), not English',
            id="spot-zh-cn-docusaurus",
        ),
        pytest.param(
            "spot",
            lambda: history_files("spot-zh-CN")[-1].read_text(encoding="utf-8"),
            "the page is in CJK script (104 of 104 codes are written in it, 100%, over 25%;",
            id="spot-zh-cn-revision",
        ),
    ],
)
def test_update_refuses_a_zh_cn_page_and_changes_nothing(
    committed: Path, product: str, make_page: Callable[[], str], expected: str
) -> None:
    source = committed / "page.txt"
    source.write_text(make_page(), encoding="utf-8")
    before = snapshot(committed)
    result = update(committed, "--product", product, "--source", source)
    assert result.returncode == 5, result.stderr
    assert result.stderr.startswith(f"error: {source}: {expected}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert {k: v for k, v in snapshot(committed).items() if k != "body.md"} == before
    body = (committed / "body.md").read_text(encoding="utf-8")
    assert body.startswith(f"No changes. Not updated: 1 product ({product}).")
    assert "not English" in body and "(exit status 5)" in body


def test_a_zh_cn_live_page_makes_way_for_the_english_fallback(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """A CDN serving the zh-CN page at the English URL: the fallback is read instead."""
    httpserver.expect_request("/spot").respond_with_data(
        zh_docusaurus_page(), content_type="text/html; charset=utf-8"
    )
    newest = upstream_file("history", "spot", history_files("spot")[-1].name)
    httpserver.expect_request("/spot.md").respond_with_data(newest.read_bytes())
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "products:\n"
        f"- {{id: spot, title: Spot, url: '{httpserver.url_for('/spot')}', format: html,\n"
        f"   fallback: {{url: '{httpserver.url_for('/spot.md')}', format: markdown}}}}\n",
        encoding="utf-8",
    )
    result = update(tmp_path, "--all", "--sources", sources, "--retries", "0")
    assert result.returncode == 0, result.stderr
    assert f"spot: skipped {httpserver.url_for('/spot')}: the page is in zh-CN" in result.stdout
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    assert f"- `spot`: {httpserver.url_for('/spot.md')}" in body
    assert "skipped" in body and "the page is in zh-CN" in body
