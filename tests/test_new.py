"""`build.py new`: from flags, from answers piped to its questions; never overwrites."""

import subprocess
import sys

from conftest import ROOT, run_cli
from test_frontmatter_yaml import decap_yaml

from showcase.commands.new import Answers, default_year, render_profile
from showcase.common import yaml12
from showcase.source import skeleton
from showcase.source.schema import PROFILE_FIELDS


def _new(content, *flags, answers: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "new", "--content", str(content), *flags],
        input=answers or "", capture_output=True, text=True, timeout=60,
    )


def _front(path) -> dict:
    return yaml12.load(path.read_text(encoding="utf-8").split("---\n")[1])


def _check(content) -> subprocess.CompletedProcess:
    return run_cli("check", "--content", str(content))


def test_from_flags_passes_check_and_never_overwrites(content_dir):
    flags = ["--name", "Trần Thị Hoà", "--kind", "ca-nhan", "--unit", "kiem-dinh", "--field", "cong-tac-lao-dong",
             "--year", "2024", "--criteria", "chung-1,a-2", "--position", "Kỹ sư", "--achievement", "Hoàn thành 300 mẫu",
             "--consent-date", "01/03/2024", "--consent-document", "Phiếu đồng ý số 3/PĐY", "--yes"]
    result = _new(content_dir, *flags)
    assert result.returncode == 0, result.stderr
    path = content_dir / "ho-so" / "2024" / "tran-thi-hoa.md"
    assert str(path) in result.stdout and "python build.py serve" in result.stdout
    front = _front(path)
    assert front["name"] == "Trần Thị Hoà" and front["criteria"] == ["chung-1", "a-2"] and front["draft"] is True
    assert front["consent"]["scope"] == ["ho-ten", "chuc-vu", "thanh-tich", "cau-chuyen"]
    assert str(front["consent"]["date"]) == "2024-03-01"
    # Laid out exactly as the editors' web form (Decap CMS) would save it; the hints are on the terminal instead.
    written = path.read_text(encoding="utf-8").split("---\n")[1]
    assert written == decap_yaml([(front, list(PROFILE_FIELDS))])[0]
    assert "awards:" in result.stdout and "photo_alt" in result.stdout
    checked = _check(content_dir)
    assert checked.returncode == 0, checked.stderr
    # Criteria and stage are filled: what is left to say about the draft is its template summary and body (W005).
    body = path.read_text(encoding="utf-8").split("\n").index(skeleton.body(True)[0]) + 1
    summary = path.read_text(encoding="utf-8").split("\n").index(f"summary: {skeleton.SUMMARY}") + 1
    assert [line for line in checked.stderr.splitlines() if path.name in line] == [
        f"{content_dir}/ho-so/2024/tran-thi-hoa.md:{summary}:10: cảnh báo[W005]: Trường `summary` vẫn là chữ mẫu do lệnh "
        f"`build.py new` tạo ra: “{skeleton.SUMMARY}”; cần thay trước khi bỏ dòng `draft: true`.",
        f"{content_dir}/ho-so/2024/tran-thi-hoa.md:{body}:1: cảnh báo[W005]: Bài viết vẫn là chữ mẫu do lệnh "
        "`build.py new` tạo ra (4 đoạn trong ngoặc đơn, đoạn đầu tiên ở dòng này); cần thay trước khi bỏ dòng "
        "`draft: true`."]

    before = path.read_bytes()
    again = _new(content_dir, *flags)
    assert again.returncode == 1 and "không ghi đè" in again.stderr
    assert path.read_bytes() == before


def test_piped_answers_to_the_questions(content_dir):
    # name, year (Enter = default), kind 2 = tập thể, unit 1, field 3, criteria "1,5", stage Enter, achievements.
    answers = "Tổ Một cửa – Văn phòng Sở\n2023\n2\n1\n3\n1,5\n\nGiải quyết 100% hồ sơ đúng hạn\n\n"
    result = _new(content_dir, answers=answers)
    assert result.returncode == 0, result.stderr
    assert "Loại điển hình" in result.stdout and "1. Cá nhân (ca-nhan)" in result.stdout
    path = content_dir / "ho-so" / "2023" / "to-mot-cua-van-phong-so.md"
    front = _front(path)
    assert (front["kind"], front["unit"], front["field"], front["year"]) == ("tap-the", "van-phong", "cai-cach-hanh-chinh", 2023)
    assert front["criteria"] == ["chung-1", "c-1"] and front["stage"] == "phat-hien"
    assert front["achievements"] == ["Giải quyết 100% hồ sơ đúng hạn"] and "consent" not in front
    assert _check(content_dir).returncode == 0


def test_piped_answers_for_a_person_ask_consent_and_retry_bad_answers(content_dir):
    # A wrong number and a wrong date are asked again; an inactive unit is not offered for 2023.
    # name, year, kind, unit 99 then 7, field, criteria (empty: asked again) 1, stage Enter, position, no achievement,
    # consent date (impossible, then right), document, scope.
    # A scope that leaves out what the profile publishes is refused and asked again.
    answers = "Lê Văn C\n2023\n1\n99\n7\n1\n\n1\n\nKỹ sư\n\n31/02/2023\n02/03/2023\nPhiếu số 9\n1,2,3\n1-5\n"
    result = _new(content_dir, answers=answers)
    assert result.returncode == 0, result.stderr
    assert "Không có lựa chọn “99”" in result.stdout and "không phải là một ngày hợp lệ" in result.stdout
    assert "quan-ly-van-tai" not in result.stdout  # only from 2025
    front = _front(content_dir / "ho-so" / "2023" / "le-van-c.md")
    assert front["unit"] == "kiem-dinh" and front["consent"]["scope"] == ["ho-ten", "chuc-vu", "anh", "thanh-tich", "cau-chuyen"]
    assert "chưa đồng ý: Thành tích, khen thưởng (thanh-tich), Bài viết về điển hình (cau-chuyen)" in result.stdout
    assert front["criteria"] == ["chung-1"] and front["position"] == "Kỹ sư"
    assert "Cần chọn ít nhất một mục" in result.stdout
    assert _check(content_dir).returncode == 0


def test_refusals_are_explained(content_dir):
    bad_unit = _new(content_dir, "--name", "X Y", "--kind", "tap-the", "--unit", "quan-ly-van-tai", "--field", "1",
                    "--year", "2023", "--yes")
    assert bad_unit.returncode == 2 and "không hoạt động trong năm 2023" in bad_unit.stderr
    bad_criterion = _new(content_dir, "--name", "X Y", "--kind", "tap-the", "--unit", "van-phong", "--field",
                         "cai-cach-hanh-chinh", "--year", "2023", "--criteria", "a-3", "--yes")
    assert bad_criterion.returncode == 2 and "c-1" in bad_criterion.stderr
    missing = _new(content_dir, "--name", "X Y", "--yes")
    assert missing.returncode == 2 and "--kind" in missing.stderr
    ended = _new(content_dir, answers="Nguyễn Văn D\n")
    assert ended.returncode == 2 and "hết dữ liệu vào" in ended.stderr
    assert not any(content_dir.rglob("*.md"))


def test_same_file_name_in_another_year_is_refused(content_dir):
    common = ["--kind", "tap-the", "--unit", "van-phong", "--field", "cai-cach-hanh-chinh", "--yes"]
    assert _new(content_dir, "--name", "Tổ Một cửa", "--year", "2022", *common).returncode == 0
    clash = _new(content_dir, "--name", "Tổ Một cửa", "--year", "2023", *common)
    assert clash.returncode == 1 and "--slug to-mot-cua-van-phong" in clash.stderr
    assert _new(content_dir, "--name", "Tổ Một cửa", "--year", "2023", "--slug", "to-mot-cua-van-phong", *common).returncode == 0
    assert _check(content_dir).returncode == 0


def test_default_year_is_clamped_to_the_plans(project):
    import datetime

    assert default_year(project, datetime.date(2023, 5, 1)) == 2023
    assert default_year(project, datetime.date(2031, 1, 1)) == max(plan.end for plan in project.plans)
    assert default_year(project, datetime.date(1999, 1, 1)) == min(plan.start for plan in project.plans)


def test_awkward_names_stay_valid_yaml(project):
    answers = Answers(name='Đội "Xung kích": #1', kind="tap-the", unit="van-phong", field="cai-cach-hanh-chinh", year=2023,
                      achievements=["Đạt 100%: vượt chỉ tiêu # lần đầu"])
    front = yaml12.load(render_profile(answers, project).split("---\n")[1])
    assert front["name"] == 'Đội "Xung kích": #1' and front["achievements"] == ["Đạt 100%: vượt chỉ tiêu # lần đầu"]


def test_template_text_left_by_new_is_an_error_once_published(content_dir):
    """The body, the summary and the achievement `new` writes for the editor to replace never get published."""
    result = _new(content_dir, "--name", "Tổ Một cửa", "--kind", "tap-the", "--unit", "van-phong",
                  "--field", "cai-cach-hanh-chinh", "--year", "2023", "--criteria", "chung-1", "--yes")
    assert result.returncode == 0, result.stderr
    path = content_dir / "ho-so" / "2023" / "to-mot-cua.md"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    summary = next(number for number, line in enumerate(lines, 1) if line.startswith("summary:"))
    achievement = next(number for number, line in enumerate(lines, 1) if line.startswith("  - Viết thành tích"))
    body = next(number for number, line in enumerate(lines, 1) if line.startswith("(Đoạn mở đầu"))

    draft = _check(content_dir)
    assert draft.returncode == 0, draft.stderr
    warned = [(line.split(":")[1], line.split(": ")[1]) for line in draft.stderr.splitlines() if path.name in line]
    assert warned == [(str(summary), "cảnh báo[W005]"), (str(achievement), "cảnh báo[W005]"),
                      (str(body), "cảnh báo[W005]")], draft.stderr

    path.write_text(text.replace("\ndraft: true", "\n# draft: true"), encoding="utf-8")
    published = _check(content_dir)
    assert published.returncode == 1
    found = [(line.split(":")[1], line.split(": ")[1]) for line in published.stderr.splitlines() if path.name in line]
    assert found == [(str(summary), "lỗi[E046]"), (str(achievement), "lỗi[E046]"), (str(body), "lỗi[E046]")]
    assert "Trường `summary` vẫn là chữ mẫu do lệnh `build.py new` tạo ra: “Một câu giới thiệu ngắn về điển hình”." \
        in published.stderr
    built = run_cli("build", "--content", str(content_dir), "--out", str(content_dir.parent / "public"))
    assert built.returncode == 1 and not (content_dir.parent / "public").exists()
