"""The editors' guide: generated from the data, every code explained, every example true."""

import os
import pty
import re
import subprocess
import sys

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

from showcase.commands.guide import OUTPUT, base_profile, compose, diagnose_data, examples, render_guide
from showcase.common.config import PLAN_LISTS
from showcase.common.diagnostics import catalog
from showcase.engine import pipeline
from showcase.source.schema import PROFILE_FIELDS

GUIDE = ROOT / OUTPUT
TESTABLE = sorted(code for code, entry in examples()["codes"].items() if entry["where"] != "none")


def _section(text: str, number: int) -> str:
    return text.split(f"\n## {number}. ", 1)[1].split("\n## ", 1)[0]


def test_committed_guide_is_regenerated_identically(project):
    assert GUIDE.read_text(encoding="utf-8") == render_guide(project), "run: python build.py guide"
    result = run_cli("guide", "--check")
    assert result.returncode == 0, result.stderr


def test_every_code_has_an_entry_with_examples():
    codes = examples()["codes"]
    for lang in ("vi", "en"):
        assert set(catalog(lang)["codes"]) == set(codes), lang
    for code, entry in codes.items():
        assert entry["meaning"].strip() and entry["wrong"].strip() and entry["right"].strip(), code
        assert entry["where"] in ("front", "body", "file", "data", "none"), code
        assert f"\n### {code} — {catalog('vi')['codes'][code]['title']}\n" in GUIDE.read_text(encoding="utf-8")
    # Most codes can be shown as a file: the exceptions are whole-folder or program conditions.
    assert set(codes) - set(TESTABLE) <= {"E002", "E027", "E029", "E030", "E040", "E041", "E999", "W004", "B001", "B002",
                                         "C001", "C016", "C017", "C021",
                                         # a private file beside the profiles; the dossier's warnings (not check's)
                                         "E050", "W006", "W007", "W008", "W009"}


def _check(files: dict[str, bytes], tmp_path, project) -> list:
    content = tmp_path / "content"
    for relative, data in files.items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_bytes(data)
    return pipeline.load_content(content, project).diagnostics


@pytest.mark.parametrize("code", TESTABLE)
def test_wrong_example_yields_its_code_and_right_example_none(code, tmp_path, project):
    if examples()["codes"][code]["where"] == "data":  # a data file's lines: the loader reads them, not check
        found = {item.code for item in diagnose_data(code, "wrong", project)}
        assert found == {code}, f"{code}: the wrong example must show this problem only, got {sorted(found)}"
        assert diagnose_data(code, "right", project) == []
        return
    wrong = _check(compose(code, "wrong", project), tmp_path / "wrong", project)
    found = {item.code for item in wrong}
    assert code in found, (code, [(item.code, item.args) for item in wrong])
    assert found == {code}, f"{code}: the wrong example must show this problem only, got {sorted(found)}"
    right = _check(compose(code, "right", project), tmp_path / "right", project)
    assert right == [], (code, [(item.code, item.args) for item in right])


def test_sample_profile_is_valid(tmp_path, project):
    assert _check({"ho-so/2023/nguyen-van-a.md": base_profile(project).encode()}, tmp_path, project) == []


def test_guide_lists_equal_the_data(project):
    text = GUIDE.read_text(encoding="utf-8")
    lists = _section(text, 5)
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", lists, re.M)) | set(re.findall(r"^#### .* — `([a-z0-9-]+)`$", lists, re.M))
    expected = set(project.units) | set(project.personal_data.scopes)
    for plan in project.plans:
        expected |= {item for source in PLAN_LISTS for item in plan.ids(source)}
    assert listed == expected
    for plan in project.plans:  # each field lists, per kind, exactly the criteria the validator accepts
        for field in plan.fields.values():
            block = lists.split(f"— `{field.id}`", 1)[1].split("\n#### ", 1)[0]
            for kind in plan.kinds.values():
                line = next(line for line in block.split("\n") if line.startswith(f"- **{kind.label}**"))
                own = [item.id for item in plan.applicable_criteria(field.id, kind.id) if item.field]
                assert re.findall(r"`([a-z0-9-]+)`", line) == own
    for unit in project.units.values():
        years = f"từ {unit.from_year}" if unit.from_year and not unit.until_year else None
        if years:
            assert f"| `{unit.id}` | {unit.name} | {years} |" in lists

    fields = _section(text, 4)
    names = set(re.findall(r"^\| `([a-z_.]+)` \|", fields, re.M))
    expected_names = set(PROFILE_FIELDS)
    for name, spec in PROFILE_FIELDS.items():
        children = spec.fields or (spec.items.fields if spec.items is not None else {})
        expected_names |= {f"{name}.{child}" for child in children}
    assert names == expected_names
    for name in PROFILE_FIELDS:
        row = next(line for line in fields.split("\n") if line.startswith(f"| `{name}` |"))
        assert PROFILE_FIELDS[name].meaning in row and ("✱" in row) == PROFILE_FIELDS[name].required


def test_readme_links_the_guide():
    assert "docs/huong-dan-bien-tap.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_pull_request_workflow_runs_check_with_annotations():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = workflow["jobs"]["check"]["steps"]
    assert any(step.get("with", {}).get("python-version") == "3.11" for step in steps)
    commands = [step.get("run", "") for step in steps]
    assert "pip install -r requirements.txt" in commands and "python build.py check --format github" in commands


def test_github_annotations_point_at_the_line(content_dir):
    (content_dir / "a.md").write_bytes((FIXTURES / "invalid" / "year-as-text.md").read_bytes())
    result = run_cli("check", "--content", str(content_dir), "--format", "github")
    assert result.returncode == 1
    assert re.search(r"^::error file=[^,]*a\.md,line=7,col=\d+,title=E012::", result.stdout, re.M), result.stdout


def test_text_output_shows_the_line_with_a_caret_and_colours_only_on_a_terminal(content_dir):
    (content_dir / "a.md").write_bytes((FIXTURES / "invalid" / "year-as-text.md").read_bytes())
    piped = run_cli("check", "--content", str(content_dir), env={"TERM": "xterm"})
    assert "\033[" not in piped.stderr
    lines = piped.stderr.split("\n")
    source = next(index for index, line in enumerate(lines) if line.startswith("7 | year:"))
    caret = lines[source + 1]
    column = lines[source].index('"năm 2022"')
    assert caret[column:column + 10] == "^" * 10 and set(caret[:column].replace("|", "")) == {" "}

    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content_dir)],
                               stdin=follower, stdout=follower, stderr=follower, env={**env, "TERM": "xterm"}, close_fds=True)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(leader)
    assert b"\033[1;31m" in output and b"E012" in output


def test_every_fix_in_the_guide_is_concrete_and_copyable(project):
    """Each code's "Cách sửa" is the fix an editor is shown for its wrong example, with real values: no "…" left
    where a field name, an id or an example belongs."""
    text = render_guide(project)
    for code, entry in catalog("vi")["codes"].items():
        section = text.split(f"\n### {code} — ", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        fixes = re.findall(r"^Cách sửa: (.+)$", section, re.M)
        assert len(fixes) == (1 if entry.get("fix") else 0), code
        for fix in fixes:
            assert "…" not in fix and "..." not in fix and "{" not in fix, (code, fix)


def _glued_code_spans(markdown: str) -> list[str]:
    """Words written straight after an inline code span (`ca-nhan`phải), outside fenced blocks."""
    glued, fenced = [], False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
            continue
        parts = line.split("`")
        if fenced or len(parts) % 2 == 0:
            continue
        glued += [f"`{parts[index - 1]}`{parts[index][:12]}" for index in range(2, len(parts), 2)
                  if parts[index][:1].isalpha()]
    return glued


def test_no_word_is_glued_to_a_code_span(project):
    assert _glued_code_spans(render_guide(project)) == []
