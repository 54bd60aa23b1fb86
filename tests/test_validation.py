"""Every validation rule has a fixture that breaks it once; each must be reported once, at its line."""

import shutil

import pytest
import yaml
from conftest import FIXTURES, copy_fixture, run_cli

from showcase.engine import pipeline

EXPECTED = yaml.safe_load((FIXTURES / "invalid" / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_reports_exactly_its_problem(name, project, content_dir):
    code, line = EXPECTED[name]
    copy_fixture(name, content_dir)
    for photo in (FIXTURES / "invalid").glob("*.[jp][pn]g"):  # the photos the fixtures name
        shutil.copyfile(photo, content_dir / photo.name)
    result = pipeline.load_content(content_dir, project)
    errors = [item for item in result.diagnostics if item.severity == "error"]
    assert [(item.code, item.line) for item in errors] == [(code, line)], errors
    assert not result.profiles


def test_valid_fixture_has_no_diagnostics(project):
    result = pipeline.load_content(FIXTURES / "valid", project)
    assert result.diagnostics == []
    assert len(result.profiles) == 1


def test_every_code_the_validator_emits_has_a_message_in_both_languages():
    from showcase.common.diagnostics import catalog

    codes = {code for code, _ in EXPECTED.values()}
    for lang in ("vi", "en"):
        assert codes <= set(catalog(lang)["codes"]), lang
    assert set(catalog("vi")["codes"]) == set(catalog("en")["codes"])


def test_url_collision_after_folding_and_case(project, content_dir):
    base = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")
    (content_dir / "2022").mkdir()
    (content_dir / "2022" / "tran-thi-b.md").write_text(base, encoding="utf-8")
    (content_dir / "Trần-Thị-B.md").write_text(base, encoding="utf-8")
    result = pipeline.load_content(content_dir, project)
    assert [item.code for item in result.diagnostics] == ["E019"]
    assert "2022/tran-thi-b.md" in result.diagnostics[0].args["other"]


def test_photo_inside_content_is_accepted(project, content_dir):
    text = (FIXTURES / "invalid" / "photo-without-alt.md").read_text(encoding="utf-8")
    (content_dir / "p.md").write_text(text.replace("photo: anh.png", "photo: anh.png\nphoto_alt: Ảnh chân dung"), encoding="utf-8")
    shutil.copyfile(FIXTURES / "invalid" / "anh.png", content_dir / "anh.png")
    result = pipeline.load_content(content_dir, project)
    assert result.errors == 0, result.diagnostics
    assert result.profiles[0].photo == "anh.png"


def test_profile_without_criteria_is_a_warning_not_an_error(project, content_dir):
    text = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")
    (content_dir / "p.md").write_text(text.replace("criteria: [chung-1, a-2]\n", ""), encoding="utf-8")
    result = pipeline.load_content(content_dir, project)
    assert [(item.code, item.severity) for item in result.diagnostics] == [("W001", "warning")]
    assert len(result.profiles) == 1


def test_crlf_bom_and_nfd_input_read_like_clean_input(project, content_dir):
    import unicodedata

    text = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")
    messy = "\ufeff" + unicodedata.normalize("NFD", text).replace("\n", "\r\n")
    (content_dir / "p.md").write_bytes(messy.encode("utf-8"))
    result = pipeline.load_content(content_dir, project)
    assert result.diagnostics == []
    assert result.profiles[0].name == "Trần Thị B"


def test_cli_reports_all_files_in_one_run_with_exit_1(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "invalid", content)
    result = run_cli("check", "--content", str(content), "--format", "json")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    import json

    report = json.loads(result.stdout)
    files = {item["file"].rsplit("/", 1)[-1] for item in report["diagnostics"] if item["severity"] == "error"}
    assert files == set(EXPECTED)
    assert report["errors"] == len([d for d in report["diagnostics"] if d["severity"] == "error"])
    assert {"file", "line", "column", "severity", "code", "message"} <= set(report["diagnostics"][0])


def test_text_format_points_with_a_caret(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copyfile(FIXTURES / "invalid" / "unknown-unit.md", content / "unknown-unit.md")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    head = next(line for line in lines if "lỗi[E015]" in line)
    assert head.endswith(".") and "unknown-unit.md:5:7:" in head
    assert "5 | unit: kiem-dinh-xd" in result.stderr
    assert "  |       ^^^^^^^^^^^^" in result.stderr
    assert "`kiem-dinh` (Trung tâm Kiểm định chất lượng xây dựng)" in result.stderr


def test_english_messages(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copyfile(FIXTURES / "invalid" / "unknown-unit.md", content / "x.md")
    result = run_cli("check", "--content", str(content), "--lang", "en")
    assert "error[E015]" in result.stderr


def test_github_annotations(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copyfile(FIXTURES / "invalid" / "unknown-unit.md", content / "x.md")
    result = run_cli("check", "--content", str(content), "--format", "github")
    assert result.returncode == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith("::error file=") and ",line=5,col=7,title=E015::" in line


def test_an_output_that_cannot_be_written_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    done = run_cli("build", "--out", str(tmp_path / "a-file" / "public"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "không đọc hoặc ghi được tệp" in done.stderr and str(tmp_path / "a-file") in done.stderr


def test_usage_and_config_errors_exit_2(tmp_path):
    assert run_cli("check", "--format", "xml").returncode == 2
    assert run_cli("check", "--content", str(tmp_path / "missing")).returncode == 2


@pytest.mark.parametrize("name, quote", [
    ("unclosed-quote-then-quoted-word.md", '"'),
    ("unclosed-single-quote-then-quoted-word.md", "'"),
    ("unclosed-quote-at-end.md", '"'),
])
def test_an_unclosed_quote_is_reported_where_it_opens(name, quote, tmp_path):
    """YAML reads on to the next quote of a later line and stumbles there; the editor is sent to the opening quote."""
    content = tmp_path / "content"
    content.mkdir()
    copy_fixture(name, content)
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    head = next(line for line in result.stderr.splitlines() if "lỗi[E005]" in line)
    assert f"{name}:8:10:" in head, result.stderr
    assert "thiếu dấu ngoặc kép đóng" in head and quote in head
    assert f"8 | summary: {quote}Viên chức" in result.stderr
    assert "  |          ^" in result.stderr
