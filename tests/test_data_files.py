"""The office's data files are checked as well as profiles: every rule of common/data_schema.py has a fixture
that breaks it (tests/fixtures/data-invalid/, with the code and line each must give), and a broken data file
reaches the office from `check`, `build` and `serve` with its file, line, column, caret, a Vietnamese message that
names the unit, criterion or milestone, a fix, every problem in one run, and exit status 1."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, call_wsgi, copy_project

from showcase.common.config import ConfigError, load_project
from showcase.common.diagnostics import catalog, message
from showcase.engine.preview import Preview, PreviewApp

DATA_FIXTURES = FIXTURES / "data-invalid"
EXPECTED = yaml.safe_load((DATA_FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
TARGETS = {"units": "data/units.yaml", "site": "data/site.yaml", "personal-data": "data/personal-data.yaml",
           "plans": "data/plans/2021-2025.yaml"}
FORM_ONLY = {"C021"}  # what the web form says before a save (a change that would break profiles): never from a file


def target_of(case: str) -> str:
    """Where a fixture goes in the project: the data file it replaces, or beside the plan."""
    folder, name = case.split("/")
    return f"data/plans/{name}" if folder == "plans-added" else TARGETS[folder]


def data_with(case: str, root: Path) -> Path:
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copyfile(DATA_FIXTURES / case, root / target_of(case))
    return root


def expected_of(case: str) -> set[tuple[str, str, int]]:
    return {(item[0], target_of(case), item[1]) if len(item) == 2 else tuple(item) for item in EXPECTED[case]}


def problems_of(root: Path) -> list:
    with pytest.raises(ConfigError) as error:
        load_project(root)
    return error.value.diagnostics


def test_every_data_rule_has_a_failing_fixture():
    codes = {code for code in catalog("vi")["codes"] if code.startswith("C")}
    fixtures = {item[0] for items in EXPECTED.values() for item in items} | {"C017"}  # no plan: its own test
    assert codes - FORM_ONLY == fixtures
    assert sorted(EXPECTED) == sorted(path.relative_to(DATA_FIXTURES).as_posix()
                                      for path in DATA_FIXTURES.rglob("*.yaml") if path.name != "expected.yaml")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_data_fixture_gives_its_diagnostics_with_place_caret_and_words(case, tmp_path):
    found = problems_of(data_with(case, tmp_path))
    assert {(item.code, item.file, item.line) for item in found} == expected_of(case)
    for item in found:
        text, fix = message(item, "vi")
        assert item.column >= 1 and item.source_line is not None, item
        assert text and fix and not re.search(r"\{[a-z_]+\}", text + fix), (text, fix)
        english = message(item, "en")
        assert not re.search(r"\{[a-z_]+\}", "".join(english)), english


def test_the_sample_data_has_no_problem(project):
    assert project.units and project.plans


def test_a_missing_units_file_and_no_plan_are_diagnostics_too(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "units.yaml").unlink()
    for plan in (tmp_path / "data" / "plans").glob("*.yaml"):
        plan.unlink()
    found = {(item.code, item.file) for item in problems_of(tmp_path)}
    assert found == {("C001", "data/units.yaml"), ("C017", "data/plans")}


def test_every_problem_of_every_file_comes_in_one_run(tmp_path):
    data_with("units/until-before-from.yaml", tmp_path)
    shutil.copyfile(DATA_FIXTURES / "plans/milestone-covers-outside.yaml", tmp_path / "data/plans/2021-2025.yaml")
    shutil.copyfile(DATA_FIXTURES / "site/per-page-zero.yaml", tmp_path / "data/site.yaml")
    assert {item.code for item in problems_of(tmp_path)} == {"C014", "C015", "C012"}


# --- the way the office meets it: check, build and serve on a copy of the project ---------------------------

# The issue's ways of breaking a data file: (fixture, code, line, words of the message).
ISSUE_CASES = [
    ("units/missing-colon.yaml", "C002", 14, "thiếu dấu hai chấm"),
    ("units/from-not-number.yaml", "C007", 34, "`from` của đơn vị `quan-ly-van-tai`"),
    ("units/until-before-from.yaml", "C014", 35, "`until` của đơn vị `quan-ly-van-tai` là 2020"),
    ("units/id-duplicate.yaml", "C010", 28, "Mã `van-phong`"),
    ("plans/criterion-kind-unknown.yaml", "C013", 82, "tiêu chí `a-3`"),
    ("plans/milestone-covers-outside.yaml", "C015", 185, "mốc sơ kết, tổng kết `so-ket-2023`"),
    ("plans-added/2024-2028.yaml", "C016", 14, "chồng lên"),
]


@pytest.fixture
def runnable(tmp_path):
    """A copy of the project with its code, run as the office runs it (`python build.py …` in the copy)."""
    root = copy_project(tmp_path / "project")
    shutil.copyfile(ROOT / "build.py", root / "build.py")
    shutil.copytree(ROOT / "showcase", root / "showcase", ignore=shutil.ignore_patterns("__pycache__"))
    if (ROOT / "node_modules").exists():
        (root / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    return root


def run_in(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "build.py"), *args], cwd=root, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})


@pytest.mark.parametrize("case, code, line, words", ISSUE_CASES)
def test_check_and_build_report_a_broken_data_file_with_its_line_and_exit_1(runnable, case, code, line, words):
    file = target_of(case)
    shutil.copyfile(DATA_FIXTURES / case, runnable / file)
    text = run_in(runnable, "check")
    assert text.returncode == 1 and "Traceback" not in text.stderr, text.stderr
    assert f"{file}:{line}:" in text.stderr and f"lỗi[{code}]" in text.stderr and words in text.stderr, text.stderr
    assert re.search(rf"^ *{line} \| .*\n *\| *\^+", text.stderr, re.M), text.stderr  # the line, and a caret under it
    assert "= cách sửa: " in text.stderr
    data = run_in(runnable, "check", "--format", "json")
    assert data.returncode == 1
    records = json.loads(data.stdout)["diagnostics"]
    assert any(item["file"] == file and item["line"] == line and item["code"] == code and item["fix"] for item in records)
    github = run_in(runnable, "check", "--format", "github")
    assert github.returncode == 1 and f"::error file={file},line={line}," in github.stdout
    out = runnable / "public"
    out.mkdir()
    (out / "index.html").write_text("trang cũ", encoding="utf-8")
    built = run_in(runnable, "build", "--out", str(out))
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert f"{file}:{line}:" in built.stderr and "được giữ nguyên" in built.stderr
    assert [path.name for path in out.iterdir()] == ["index.html"]  # the previous site stays published


def test_serve_shows_a_broken_data_file_in_the_browser_and_recovers(tmp_path):
    root = copy_project(tmp_path / "site")
    preview = Preview(root, root / "content", tmp_path / "public", stream=open(tmp_path / "log", "w"))  # noqa: SIM115
    app = PreviewApp(preview)
    assert preview.rebuild().ok
    before = sorted(path.relative_to(tmp_path / "public") for path in (tmp_path / "public").rglob("*"))
    good = (root / "data" / "units.yaml").read_bytes()
    for case, code, line, _words in ISSUE_CASES:
        file = target_of(case)
        original = (root / file).read_bytes() if (root / file).exists() else None
        shutil.copyfile(DATA_FIXTURES / case, root / file)
        state = preview.rebuild()
        assert not state.ok and (file, line, code) in {(item.file, item.line, item.code) for item in state.problems}
        status, body = call_wsgi(app, "/guong-nguoi-tot-viec-tot/")
        page = body.decode()
        assert status.startswith("500") and f"<code>{file}</code>, dòng {line}" in page and code in page
        assert 'class="caret"' in page and "Cách sửa" in page
        if original is None:
            (root / file).unlink()
        else:
            (root / file).write_bytes(original)
    assert sorted(path.relative_to(tmp_path / "public") for path in (tmp_path / "public").rglob("*")) == before
    assert (root / "data" / "units.yaml").read_bytes() == good
    assert preview.rebuild().ok


@pytest.mark.parametrize("argv", [["report"], ["schema"], ["guide", "--check"], ["yearbook", "--year", "2023", "--pdf", "k.pdf"]])
def test_every_command_that_reads_the_data_reports_a_broken_file_the_same_way(runnable, argv):
    shutil.copyfile(DATA_FIXTURES / "units/until-before-from.yaml", runnable / "data/units.yaml")
    result = run_in(runnable, *argv)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "data/units.yaml:35:12: lỗi[C014]" in result.stderr, result.stderr
