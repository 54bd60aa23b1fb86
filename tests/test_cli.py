"""The command line as an editor meets it: options checked where they are given, help and messages in Vietnamese."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_cli


@pytest.mark.parametrize("command", ["build", "check", "serve"])
@pytest.mark.parametrize("value", ["/guong-dien-hinh/", "sxd.quangtri.gov.vn", "ftp://sxd.quangtri.gov.vn/", "https://"])
def test_a_bad_base_url_is_the_options_error_with_a_valid_example(command, value, tmp_path):
    result = run_cli(command, "--base-url", value, "--out" if command != "check" else "--content",
                     str(tmp_path / ("public" if command != "check" else "content")))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "site.yaml:1" not in result.stderr and "C001" not in result.stderr  # the file is right, the value typed is not
    assert f"--base-url: “{value}”" in result.stderr
    assert "https://sxd.quangtri.gov.vn/" in result.stderr  # an example to copy
    assert not (tmp_path / "public").exists()


# argparse's own English, as Python prints it without a translation.
ARGPARSE_ENGLISH = re.compile(
    r"usage:|options:|positional arguments|show this help|error:|invalid choice|invalid \w+ value|expected one argument"
    r"|the following arguments|unrecognized arguments|argument --|choose from"
    r"|--([a-z-]+) (?i:\1)\b")  # `--out OUT`: argparse names a value after its option, in capitals
COMMANDS = ["build", "check", "schema", "report", "yearbook", "dossier", "serve", "guide", "new"]


@pytest.mark.parametrize("argv", [["-h"], *([command, "-h"] for command in COMMANDS)])
def test_help_is_vietnamese_throughout(argv):
    result = run_cli(*argv)
    assert result.returncode == 0
    assert result.stdout.startswith("cách dùng: build.py") and "tùy chọn:" in result.stdout
    assert "hiện phần trợ giúp này rồi thoát" in result.stdout
    assert not ARGPARSE_ENGLISH.findall(result.stdout), result.stdout


@pytest.mark.parametrize("argv, says", [
    ([], "thiếu tham số bắt buộc: LỆNH"),
    (["xay-dung"], "tham số LỆNH: không có lựa chọn 'xay-dung' (chọn một trong: 'build', "),
    (["check", "--format", "xml"], "tham số --format: không có lựa chọn 'xml'"),
    (["serve", "--port", "tám nghìn"], "tham số --port: giá trị 'tám nghìn' không hợp lệ: cần một số nguyên"),
    (["build", "--nhap"], "không hiểu tham số: --nhap"),
    (["build", "--out"], "tham số --out: cần một giá trị"),
    (["yearbook", "--year", "2023"], "thiếu tham số bắt buộc: --pdf"),
])
def test_usage_errors_are_vietnamese_throughout(argv, says):
    result = run_cli(*argv)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("cách dùng: build.py") and ": lỗi: " in result.stderr
    assert says in result.stderr, result.stderr
    assert not ARGPARSE_ENGLISH.findall(result.stderr), result.stderr


def _states(content: Path) -> dict[str, int]:
    counts = {"published": 0, "drafts": 0, "withdrawn": 0}
    for path in content.rglob("*.md"):
        if path.name.startswith("_"):
            continue
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        state = "withdrawn" if front.get("withdrawn") else "drafts" if front.get("draft") else "published"
        counts[state] += 1
    return counts


def test_the_build_summary_counts_published_drafts_and_withdrawn_profiles(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    one = sorted((content / "ho-so" / "2023").glob("*.md"))[0]
    one.write_text(one.read_text(encoding="utf-8").replace("\n---\n", "\nwithdrawn: true\n---\n", 1), encoding="utf-8")
    counts = _states(content)
    assert counts["drafts"] and counts["withdrawn"] == 1, counts
    out = tmp_path / "public"
    for options in ([], [], ["--drafts"]):  # the second build finds everything up to date
        result = run_cli("build", "--content", str(content), "--out", str(out), *options)
        assert result.returncode == 0, result.stderr
        line = result.stdout.strip().splitlines()[-1]
        drafts = "có trong bản này, gắn dải “Bản nháp”" if options else "chưa xuất bản"
        assert re.fullmatch(
            rf"Đã tạo \d+ trang vào thư mục {re.escape(str(out))}: {counts['published']} hồ sơ đã công bố, "
            rf"{counts['drafts']} bản nháp \({drafts}\), {counts['withdrawn']} hồ sơ đã rút \(không hiện trên trang\)\.",
            line), line
