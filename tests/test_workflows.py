"""The GitHub workflows: zizmor (offline) and the workflow schema, plus the update job's contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.y*ml"))


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in the venv; run 'make test' to install group 'dev'")
    return str(path)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def test_zizmor_finds_nothing() -> None:
    result = run(tool("zizmor"), "--offline", "--no-progress", ".github/workflows")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


def test_zizmor_would_catch_a_dangerous_workflow(tmp_path: Path) -> None:
    """The check can fail: an unpinned action and an expression inside ``run:``."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: issues\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo '${{ github.event.issue.title }}'\n",
        encoding="utf-8",
    )
    result = run(tool("zizmor"), "--offline", "--no-progress", str(bad.parent))
    assert result.returncode != 0
    assert "template-injection" in result.stdout and "artipacked" in result.stdout


def test_every_workflow_matches_the_github_schema() -> None:
    files = [str(path.relative_to(REPO)) for path in workflow_files()]
    assert {f".github/workflows/{name}.yml" for name in ("ci", "update", "release")} <= set(files)
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_actions_are_pinned_by_sha_with_the_version_in_a_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", text, re.MULTILINE)
    assert uses
    for action, comment in uses:
        assert PINNED.match(action), action
        assert re.match(r"\s+# v\d+\.\d+\.\d+$", comment), f"{action}: no '# vX.Y.Z' comment"


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_no_expressions_inside_run_scripts(path: Path) -> None:
    for step in steps(load(path)):
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_update_workflow_contract() -> None:
    workflow = load(WORKFLOWS / "update.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert set(triggers) == {"schedule", "workflow_dispatch"} and triggers["schedule"][0]["cron"]
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["group"]
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    by_use = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
    pull = by_use["peter-evans/create-pull-request"]
    assert pull["uses"].endswith("@271a8d0340265f705b14b6d32b9829c1cb33d45e")
    assert pull["with"]["delete-branch"] is True
    assert pull["with"]["branch"] and pull["with"]["labels"]
    assert pull["with"]["body-path"] == "${{ runner.temp }}/pr-body.md"
    assert "steps.app-token.outputs.token" in pull["with"]["token"]
    app = by_use["actions/create-github-app-token"]
    assert app["if"] == "vars.UPDATE_APP_CLIENT_ID != ''"
    update = next(step for step in job["steps"] if "make update" in step.get("run", ""))
    assert 'PR_BODY="$RUNNER_TEMP/pr-body.md"' in update["run"]
    assert "CHANGELOG=CHANGELOG.md" in update["run"]
    assert pull["with"]["add-paths"].split() == [
        "spec/errors.yaml",
        "generated",
        "CHANGELOG.md",
        "templates/release.yaml",
        "tests/conformance/cases.json",
    ]
    update_recipe = subprocess.run(
        ["make", "-n", "update", "SOURCE=page.md"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "scraper update --source page.md" in update_recipe
    assert "scripts/conformance.py" in update_recipe  # new data, new answers
    checkout = by_use["actions/checkout"]
    assert checkout["with"]["persist-credentials"] is False


def test_the_release_workflow_contract() -> None:
    """On a version tag: test and build with read access, publish with an OIDC token only."""
    workflow = load(WORKFLOWS / "release.yml")
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    runs = [step.get("run", "") for step in build["steps"]]
    assert runs.index("make test") < runs.index("make dist") < runs.index("make dist-npm")
    check = next(run for run in runs if "check_release.py" in run)
    assert '"$GITHUB_REF_NAME" dist --npm dist-npm' in check
    assert runs.index(check) > runs.index("make dist-npm")
    uploads = {
        step["with"]["name"]: step
        for step in build["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact@")
    }
    upload = uploads["dist"]
    assert upload["with"]["path"] == "dist/" and upload["with"]["if-no-files-found"] == "error"
    assert uploads["npm"]["with"]["path"] == "dist-npm/"
    download, pypi = publish["steps"]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"name": upload["with"]["name"], "path": "dist/"}
    # Trusted publishing: no password or token input; v1.14.2 accepts Metadata 2.5.
    assert pypi["uses"] == ("pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33")
    assert "with" not in pypi
    checkout = build["steps"][0]
    assert checkout["with"]["persist-credentials"] is False


def test_the_npm_job_publishes_the_checked_tarball_with_provenance() -> None:
    """After PyPI: the tarball the build job checked, its version against the tag, provenance."""
    workflow = load(WORKFLOWS / "release.yml")
    build, npm = workflow["jobs"]["build"], workflow["jobs"]["npm"]
    assert npm["needs"] == ["build", "publish"]
    assert npm["permissions"] == {"contents": "read", "id-token": "write"}
    assert npm["environment"]["name"] == "npm"
    download = npm["steps"][0]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"name": "npm", "path": "dist-npm/"}
    node = next(
        step for step in npm["steps"] if step.get("uses", "").startswith("actions/setup-node")
    )
    assert node["with"]["registry-url"] == "https://registry.npmjs.org"
    assert node["with"]["package-manager-cache"] is False
    runs = [step.get("run", "") for step in npm["steps"]]
    assert any("11.5.1" in run and "npm --version" in run for run in runs)
    version = next(run for run in runs if "package/package.json" in run)
    assert '"v$version" != "$GITHUB_REF_NAME"' in version
    assert runs[-1] == "npm publish dist-npm/*.tgz --provenance --access public"
    assert not any("npm install" in run for run in runs)  # nothing installed ad hoc
    for job in (build, workflow["jobs"]["publish"], npm):
        assert "secrets." not in str(job)


def test_make_test_runs_with_node_20_in_ci_and_the_release() -> None:
    """make test-ts fails under CI without Node 20: the workflows that run make test set it up."""
    for path, job in (("ci.yml", "test"), ("release.yml", "build")):
        steps = load(WORKFLOWS / path)["jobs"][job]["steps"]
        uses = [step.get("uses", "").split("@")[0] for step in steps]
        runs = [step.get("run", "") for step in steps]
        node = steps[uses.index("actions/setup-node")]
        assert node["with"] == {"node-version": "20", "package-manager-cache": False}
        assert uses.index("actions/setup-node") < runs.index("make test")


def test_only_the_publish_jobs_can_mint_an_id_token() -> None:
    for path in workflow_files():
        workflow = load(path)
        assert "id-token" not in workflow.get("permissions", {})
        for name, job in workflow["jobs"].items():
            if "id-token" in job.get("permissions", {}):
                assert (path.name, name) in {("release.yml", "publish"), ("release.yml", "npm")}


def test_dependabot_covers_actions_pip_and_npm_weekly_grouped() -> None:
    config = load(REPO / ".github" / "dependabot.yml")
    updates = {entry["package-ecosystem"]: entry for entry in config["updates"]}
    assert set(updates) == {"github-actions", "pip", "npm"}
    assert updates["npm"]["directory"] == "/tests/typescript"
    assert (REPO / "tests" / "typescript" / "package-lock.json").is_file()
    for entry in updates.values():
        assert entry["directory"] in ("/", "/tests/typescript")
        assert entry["schedule"]["interval"] == "weekly"
        assert entry["groups"] and all(g["patterns"] == ["*"] for g in entry["groups"].values())
    result = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml"
    )
    assert result.returncode == 0, result.stdout + result.stderr
