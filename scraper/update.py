"""The update job: read each product's page, merge it into the spec, regenerate, report.

For every product asked for, :func:`update_spec` reads its page (the
registry's ``url``, then its ``fallback`` when the first cannot be read or
understood, or is not in English (:mod:`scraper.language`); or the one source
given on the command line), refuses a page that is another product's, shrank
or rewrites too much (:func:`scraper.guards.check_page`) unless allowed, and
merges it into the committed product (:func:`scraper.merge.merge_product`). A
product that fails is reported and left as it was; the others go on.

:func:`run_update` computes everything in memory first (the new spec, every
file of ``generated/``, the release file's next ``post``, the changelog, the
pull-request body) and only then writes them in one step
(:func:`scraper.atomic_write.write_trees`): all of them or none. When nothing
changed, nothing is written, not even a modification time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scraper.annotations import Annotations
from scraper.atomic_write import Tree, write_trees
from scraper.changelog import add_entry, changelog_bullets
from scraper.diff import SpecDiff, diff_specs, summary_line, to_markdown
from scraper.exceptions import FetchError, OutputError, PageError, ScraperError
from scraper.fetch import FetchPolicy, fetch
from scraper.guards import Allowed, check_page
from scraper.language import parse_english_document
from scraper.merge import merge_product
from scraper.model import Product, Spec
from scraper.release import (
    RELEASE_PATH,
    Release,
    next_release,
    package_version,
    read_release,
    release_text,
)
from scraper.render import markdown_text, render_all
from scraper.sources import ProductSource
from scraper.spec import dump_spec, product_from_page, read_spec, with_product


@dataclass(frozen=True)
class Attempt:
    """One place to read a product's page from, and its format (``None``: detect)."""

    location: str
    format: str | None


@dataclass(frozen=True)
class Job:
    """One product to update, and where to read its page, in the order to try."""

    entry: ProductSource
    attempts: tuple[Attempt, ...]

    @classmethod
    def from_registry(cls, entry: ProductSource) -> Job:
        """The registry's live ``url``, then its ``fallback``."""
        attempts = [Attempt(entry.source.url, entry.source.format)]
        if entry.fallback is not None:
            attempts.append(Attempt(entry.fallback.url, entry.fallback.format))
        return cls(entry, tuple(attempts))

    @classmethod
    def from_source(cls, entry: ProductSource, location: str, fmt: str | None) -> Job:
        """Exactly one source, named on the command line: no fallback."""
        return cls(entry, (Attempt(location, fmt),))


@dataclass(frozen=True)
class Failure:
    """A product that could not be updated, and why."""

    product: str
    error: ScraperError


@dataclass(frozen=True)
class Updated:
    """A product that was read and merged: where from, and which sources failed first."""

    product: Product
    origin: str
    skipped: tuple[ScraperError, ...] = ()


@dataclass(frozen=True)
class SpecUpdate:
    """The spec before and after, what each product did, and the difference."""

    old: Spec
    new: Spec
    updated: tuple[Updated, ...] = ()
    failures: tuple[Failure, ...] = ()
    diff: SpecDiff = field(default_factory=SpecDiff)

    @property
    def exit_code(self) -> int:
        """0, or the status of the first product that failed (registry order)."""
        return self.failures[0].error.exit_code if self.failures else 0


# -- reading and merging -------------------------------------------------------


def read_product(job: Job, policy: FetchPolicy) -> tuple[Product, str, tuple[ScraperError, ...]]:
    """The product as the first readable source of ``job`` says it; which; what failed first.

    A source that cannot be fetched or understood makes way for the next; when
    none works, the first one's failure is raised, naming the others'.
    """
    failed: list[ScraperError] = []
    for attempt in job.attempts:
        try:
            document = fetch(attempt.location, policy)
            page = parse_english_document(document.text, attempt.format, document.origin)
        except (FetchError, PageError) as exc:
            failed.append(exc)
            continue
        entry = job.entry
        product = product_from_page(page, entry.id, entry.title, entry.source)
        return product, document.origin, tuple(failed)
    first, others = failed[0], failed[1:]
    also = "".join(f"; fallback {e.source} failed too: {e.problem}" for e in others)
    raise type(first)(first.source, first.problem + also)


def update_spec(
    spec: Spec,
    jobs: Sequence[Job],
    date: str,
    policy: FetchPolicy | None = None,
    allow_shrink: bool = False,
    *,
    allow_rewrite: bool = False,
    allow_replace: bool = False,
) -> SpecUpdate:
    """``spec`` with every job's product merged in; a failing product is left as it was.

    ``allow_*`` let a page through the guard of that name (:mod:`scraper.guards`).
    """
    policy = policy or FetchPolicy()
    allowed = Allowed(shrink=allow_shrink, rewrite=allow_rewrite, replace=allow_replace)
    new = spec
    updated: list[Updated] = []
    failures: list[Failure] = []
    for job in jobs:
        try:
            fresh, origin, skipped = read_product(job, policy)
            old = new.product(job.entry.id)
            check_page(old, fresh, origin, allowed)
            merged = merge_product(old, fresh, date)
        except ScraperError as exc:
            failures.append(Failure(job.entry.id, exc))
            continue
        new = with_product(new, merged)
        updated.append(Updated(merged, origin, skipped))
    return SpecUpdate(spec, new, tuple(updated), tuple(failures), diff_specs(spec, new))


# -- the pull-request body -----------------------------------------------------


PR_BODY_LIMIT = 60_000
"""Characters of PR body kept: GitHub refuses a body over 65,536 characters."""


def pr_body(update: SpecUpdate, limit: int = PR_BODY_LIMIT) -> str:
    """The semantic diff, then the products that failed and where each page came from.

    A body longer than ``limit`` is cut at a line and says so; ``scraper diff``
    gives the whole report.
    """
    body = full_pr_body(update)
    if len(body) <= limit:
        return body
    note = (
        "\n… (cut to fit a pull request; `python -m scraper diff OLD.yaml NEW.yaml`"
        " prints the whole report)\n"
    )
    cut = body.rfind("\n", 0, limit - len(note))
    return body[: max(cut, 0)] + "\n" + note


def full_pr_body(update: SpecUpdate) -> str:
    """:func:`pr_body` without the length limit."""
    body = to_markdown(update.diff)
    lines = [first_line(update), *body.splitlines()[1:]]
    if update.failures:
        lines += ["", f"## Not updated ({len(update.failures)})", ""]
        lines += [
            f"- `{f.product}`: {markdown_text(str(f.error), ' ')} (exit status {f.error.exit_code})"
            for f in update.failures
        ]
    if update.updated:
        lines += ["", "## Sources read", ""]
        for done in update.updated:
            lines.append(f"- `{done.product.id}`: {markdown_text(done.origin, ' ')}")
            lines += [f"  - skipped {markdown_text(str(e), ' ')}" for e in done.skipped]
    return "\n".join(lines) + "\n"


def first_line(update: SpecUpdate) -> str:
    """The summary line, with the products that could not be updated."""
    line = summary_line(update.diff)
    if update.failures:
        names = ", ".join(f.product for f in update.failures)
        count = len(update.failures)
        line += f" Not updated: {count} product{'s' if count > 1 else ''} ({names})."
    return line


# -- the whole job -------------------------------------------------------------


@dataclass(frozen=True)
class UpdateRun:
    """What :func:`run_update` did: the update, the files it wrote, the package versions.

    ``versions`` is the package's version before and after the update.
    """

    update: SpecUpdate
    spec_changed: bool
    generated_changed: tuple[str, ...]
    versions: tuple[str, str] = ("", "")

    @property
    def wrote_anything(self) -> bool:
        return self.spec_changed or bool(self.generated_changed)


def run_update(
    spec_path: Path,
    out: Path,
    jobs: Sequence[Job],
    date: str,
    *,
    annotations: Annotations,
    annotations_origin: str = "annotations",
    policy: FetchPolicy | None = None,
    allow_shrink: bool = False,
    allow_rewrite: bool = False,
    allow_replace: bool = False,
    pr_body_path: Path | None = None,
    changelog_path: Path | None = None,
    release_path: Path = RELEASE_PATH,
) -> UpdateRun:
    """Update the spec at ``spec_path`` and the tree at ``out``; write the PR body and changelog.

    ``annotations`` and the release file at ``release_path`` are rendered into
    the tree exactly as ``generate`` does, so an update never leaves
    ``generated/`` stale. When the data changed, the release file gets the
    next version's ``data_version`` and ``post`` (:func:`scraper.release.next_release`).

    A missing spec file starts from an empty spec, a missing release file from
    ``post`` 0. Nothing is written when no product could be read. The PR body
    is written when something changed or some product failed. When the spec
    changed, the changelog at ``changelog_path`` gets the PR body's summary
    under the new version (:func:`scraper.changelog.add_entry`). All of it is
    written in one all-or-nothing step.
    """
    release = read_release(release_path, missing_ok=True)
    spec = read_spec(spec_path, missing_ok=True)
    update = update_spec(
        spec,
        jobs,
        date,
        policy,
        allow_shrink,
        allow_rewrite=allow_rewrite,
        allow_replace=allow_replace,
    )
    trees: list[Tree] = []
    new_release = next_release(spec, update.new, release) if update.new != spec else release
    versions = (package_version(spec, release), package_version(update.new, new_release))
    run = UpdateRun(update, spec_changed=False, generated_changed=(), versions=versions)
    if new_release != release:
        trees.append(release_tree(release_path, new_release))
    if update.updated:
        spec_tree = Tree(spec_path.parent, {spec_path.name: dump_spec(update.new)}, prune=False)
        generated = render_all(update.new, annotations, annotations_origin, new_release)
        generated_tree = Tree(out, generated)
        trees += [spec_tree, generated_tree]
        changed = tuple(generated_tree.changes())
        run = UpdateRun(update, bool(spec_tree.changes()), changed, versions)
    if changelog_path is not None and run.spec_changed:
        bullets = changelog_bullets(update.diff)
        trees.append(changelog_tree(changelog_path, versions[1], bullets))
    if pr_body_path is not None and (run.wrote_anything or update.failures):
        trees.append(Tree(pr_body_path.parent, {pr_body_path.name: pr_body(update)}, prune=False))
    write_trees(trees)
    return run


def release_tree(path: Path, release: Release) -> Tree:
    """The release file at ``path`` (created when missing) giving ``release``."""
    try:
        current: str | None = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        current = None
    return Tree(path.parent, {path.name: release_text(current, release)}, prune=False)


def changelog_tree(path: Path, version: str, bullets: Sequence[str]) -> Tree:
    """The changelog at ``path`` (created when missing) with ``bullets`` under ``version``."""
    try:
        current: str | None = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        current = None
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(str(path), f"cannot read the changelog: {exc}") from None
    return Tree(path.parent, {path.name: add_entry(current, version, bullets)}, prune=False)
