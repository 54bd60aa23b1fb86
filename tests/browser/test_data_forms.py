"""The office's data files edited in the web form, in real headless Chromium, against decap-server on a copy of the
repository (as tests/browser/test_cms.py does for profiles): each form saves one edit as one changed line with the
file's comments kept, a new unit and a new plan period come out as new lines and a new file, and a change that
`check` would refuse, or that would break existing profiles, is refused before anything is written, in the
loader's own words, naming the profiles."""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from showcase.common.config import ConfigError, load_project
from showcase.common.diagnostics import message
from showcase.engine import pipeline
from showcase.site.cms import select_options

from .test_cms import choose, labelled, new_entry, publish_now, screenshot

DATA_FILES = ("data/units.yaml", "data/site.yaml", "data/personal-data.yaml", "data/plans/2021-2025.yaml")
REFUSED = "Không thể giữ lại mục"


@pytest.fixture
def data_kept(repository):
    """The copy's data files as they were before the test, put back after it (and the site built again when the
    test built it from other data, so that the next test's form starts from the same data)."""
    root, _, _ = repository
    saved = {path: path.read_bytes() for path in (root / "data").rglob("*.yaml")}
    form = root / "public" / "guong-nguoi-tot-viec-tot" / "quan-tri" / "data-schema.json"
    built = form.read_bytes()
    yield root
    for path in (root / "data").rglob("*.yaml"):
        if path not in saved:
            path.unlink()
    for path, data in saved.items():
        path.write_bytes(data)
    if form.read_bytes() != built:
        rebuild(root)


def visible(locator):
    """The one a clerk sees of the form's fields with this label (the fields of folded list items are there too)."""
    return locator.locator("visible=true")


def open_office_form(page, title: str) -> None:
    page.get_by_text("Dữ liệu của Văn phòng").first.click()
    page.get_by_text(title, exact=True).first.click()


def open_plan(page, plan_id: str) -> None:
    page.get_by_text("Kế hoạch", exact=True).first.click()
    page.get_by_text(f"({plan_id})").first.click()
    labelled(page, "Mã kế hoạch").wait_for()


def expand(page, summary: str) -> None:
    """Open a list item of the form by its summary line (Decap's toggle is the first button of its bar)."""
    page.get_by_text(summary, exact=True).first.locator("xpath=..").locator("button").first.click()


def saved(page) -> None:
    publish_now(page)
    page.get_by_text("Đã công bố").first.wait_for(timeout=20_000)


def refusal(page) -> str:
    toast = page.get_by_text(re.compile(REFUSED)).first
    toast.wait_for(timeout=10_000)
    return toast.inner_text()


def changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines removed, lines added) from one text to the other."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def check_errors(root: Path) -> list:
    """What `check` says of the copy now: its data files, then every profile."""
    try:
        project = load_project(root)
    except ConfigError as error:
        return error.diagnostics
    result = pipeline.load_content(root / "content", project, cache_dir=None)
    return [item for item in result.diagnostics if item.severity == "error"]


def rebuild(root: Path):
    project = load_project(root)
    result, _ = pipeline.build(root / "content", root / "public", project, include_drafts=False, cache_dir=None)
    assert not result.errors, [item for item in result.diagnostics if item.severity == "error"]
    return project


# (form, how to reach the value, its label, the new value, the line it was, the line it must become)
ONE_EDIT = [
    ("Đơn vị", "thanh-tra — Thanh tra Sở", "Tên đơn vị", "Thanh tra Sở Xây dựng", "    name: Thanh tra Sở",
     "    name: Thanh tra Sở Xây dựng"),
    ("Thông tin trang", None, "Tên chuyên mục", "Gương người tốt, việc tốt – Sở Xây dựng",
     "title: Gương người tốt, việc tốt", "title: Gương người tốt, việc tốt – Sở Xây dựng"),
    ("Dữ liệu cá nhân", "anh — Ảnh chân dung", "Tên phạm vi", "Ảnh chân dung (chụp rõ mặt)",
     "    label: Ảnh chân dung", "    label: Ảnh chân dung (chụp rõ mặt)"),
    ("Kế hoạch", None, "Chỉ tiêu (lời văn)", "Tối thiểu 01 điển hình mỗi năm ở mỗi phòng, đơn vị",
     "  text: Tối thiểu 01 tập thể/cá nhân điển hình tiên tiến/năm ở mỗi phòng, đơn vị",
     "  text: Tối thiểu 01 điển hình mỗi năm ở mỗi phòng, đơn vị"),
]
FILE_OF = dict(zip(("Đơn vị", "Thông tin trang", "Dữ liệu cá nhân", "Kế hoạch"), DATA_FILES, strict=True))


@pytest.mark.parametrize("form, item, label, value, was, becomes", ONE_EDIT, ids=[case[0] for case in ONE_EDIT])
def test_one_edit_in_each_data_form_changes_one_line_and_keeps_the_comments(cms, data_kept, form, item, label, value,
                                                                             was, becomes):
    page, errors = cms
    path = data_kept / FILE_OF[form]
    before = path.read_text(encoding="utf-8")
    if form == "Kế hoạch":
        open_plan(page, "2021-2025")
    else:
        open_office_form(page, form)
    if item:
        expand(page, item)
    visible(labelled(page, label)).fill(value)
    saved(page)
    after = path.read_text(encoding="utf-8")
    assert changes(before, after) == ([was], [becomes])
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and comments == [line for line in after.splitlines() if line.lstrip().startswith("#")]
    assert check_errors(data_kept) == []
    assert errors == []


def test_a_unit_added_from_2026_is_new_lines_only_and_the_next_profile_form_offers_it(cms, data_kept):
    page, errors = cms
    path = data_kept / "data" / "units.yaml"
    before = path.read_text(encoding="utf-8")
    open_office_form(page, "Đơn vị")
    page.get_by_text("van-phong — Văn phòng Sở").wait_for()
    page.get_by_role("button", name=re.compile("Thêm đơn vị")).click()
    labelled(page, "Mã đơn vị").last.fill("quan-ly-ket-cau-ha-tang")
    labelled(page, "Tên đơn vị").last.fill("Phòng Quản lý kết cấu hạ tầng giao thông")
    labelled(page, "Hoạt động từ năm").last.fill("2026")  # "Loại" is "Phòng chuyên môn" already, the default
    screenshot(page, "du-lieu-them-don-vi")
    saved(page)
    removed, added = changes(before, path.read_text(encoding="utf-8"))
    assert removed == [] and added == ["  - id: quan-ly-ket-cau-ha-tang", "    name: Phòng Quản lý kết cấu hạ tầng giao thông",
                                       "    type: phong", "    from: 2026"]
    assert check_errors(data_kept) == []
    project = rebuild(data_kept)
    assert project.units["quan-ly-ket-cau-ha-tang"].from_year == 2026
    page.goto(page.url.split("#")[0])
    page.get_by_text("Hồ sơ điển hình").first.wait_for()
    new_entry(page)
    labelled(page, "Phòng, đơn vị").click()
    assert "Phòng Quản lý kết cấu hạ tầng giao thông (từ 2026)" in page.get_by_role("option").all_inner_texts()
    assert errors == []


def test_retiring_a_unit_is_one_new_line_and_its_profiles_stay_valid(cms, data_kept):
    page, errors = cms
    path = data_kept / "data" / "units.yaml"
    before = path.read_text(encoding="utf-8")
    open_office_form(page, "Đơn vị")
    expand(page, "thanh-tra — Thanh tra Sở")
    visible(labelled(page, "Hoạt động đến năm")).fill("2025")
    screenshot(page, "du-lieu-ngung-don-vi")
    saved(page)
    assert changes(before, path.read_text(encoding="utf-8")) == ([], ["    until: 2025"])
    assert check_errors(data_kept) == []
    assert load_project(data_kept).units["thanh-tra"].active_in(2025) is True
    assert load_project(data_kept).units["thanh-tra"].active_in(2026) is False
    assert errors == []


def published_with(root: Path, **wanted) -> list[tuple[str, int]]:
    """(name, year) of the copy's published profiles whose front matter has these values."""
    found = []
    for path in sorted((root / "content" / "ho-so").rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if all(test(front.get(key)) for key, test in wanted.items()) and not front.get("draft") \
                and not front.get("withdrawn"):
            found.append((front["name"], front["year"]))
    return found


def refused_unit_edit(page, path: Path, unit: str, label: str, value: str, shot: str = "") -> str:
    """Edit one field of one unit in the form and save: the refusal's text, the file untouched."""
    before = path.read_bytes()
    open_office_form(page, "Đơn vị")
    expand(page, unit)
    visible(labelled(page, label)).fill(value)
    publish_now(page)
    text = refusal(page)
    if shot:
        screenshot(page, shot)
    assert path.read_bytes() == before
    return text


NHA = "quan-ly-nha — Phòng Quản lý nhà và Thị trường bất động sản"


def test_renaming_an_id_profiles_use_is_refused_naming_them(cms, data_kept):
    page, _ = cms
    path = data_kept / "data" / "units.yaml"
    before = path.read_bytes()
    text = refused_unit_edit(page, path, NHA, "Mã đơn vị", "quan-ly-nha-o", "du-lieu-tu-choi")
    # What check says once the id is renamed: those profiles (and the draft of 2025, counted) fail with E015.
    path.write_bytes(before.replace(b"id: quan-ly-nha\n", b"id: quan-ly-nha-o\n"))
    failing = {item.file for item in check_errors(data_kept) if item.code == "E015"}
    path.write_bytes(before)
    published = published_with(data_kept, unit=lambda value: value == "quan-ly-nha")
    assert len(failing) == len(published) + 1
    assert f"làm {len(failing)} hồ sơ không còn hợp lệ" in text and "(E015)" in text and "`quan-ly-nha`" in text
    assert all(f"{name} ({year})" in text for name, year in published)
    assert "thêm 1 hồ sơ chưa công bố hoặc đã rút (không nêu tên)" in text and "(C021)" in text


def test_a_unit_s_last_year_before_its_profiles_years_is_refused_with_those_profiles(cms, data_kept):
    page, _ = cms
    text = refused_unit_edit(page, data_kept / "data" / "units.yaml", NHA, "Hoạt động đến năm", "2022")
    later = [(name, year) for name, year in published_with(data_kept, unit=lambda value: value == "quan-ly-nha")
             if year > 2022]
    assert later and all(f"{name} ({year})" in text for name, year in later)
    assert "(E017)" in text and "Thu hẹp các năm hoạt động của `quan-ly-nha`" in text


def test_a_unit_s_last_year_before_its_first_is_refused_in_the_loader_s_words(cms, data_kept):
    page, _ = cms
    path = data_kept / "data" / "units.yaml"
    before = path.read_bytes()
    text = refused_unit_edit(page, path, "quan-ly-van-tai — Phòng Quản lý vận tải, phương tiện và người lái",
                             "Hoạt động đến năm", "2020")
    # The sentence `check` prints for the same file.
    path.write_bytes(before.replace(b"    from: 2025\n  - id: bao", b"    from: 2025\n    until: 2020\n  - id: bao"))
    problems = check_errors(data_kept)
    path.write_bytes(before)
    assert [item.code for item in problems] == ["C014"]
    words, fix = message(problems[0], "vi")
    assert words in text and fix in text


def test_a_plan_duplicated_into_2026_2030_is_a_new_file_and_a_2026_profile_validates_against_it(cms, data_kept):
    page, errors = cms
    old = data_kept / "data" / "plans" / "2021-2025.yaml"
    original = old.read_bytes()
    open_plan(page, "2021-2025")
    page.get_by_role("button", name="Đã công bố").click()
    screenshot(page, "du-lieu-sao-chep-ke-hoach")
    page.get_by_text("Sao chép", exact=True).click()
    labelled(page, "Mã kế hoạch").fill("2026-2030")
    labelled(page, "Tên kế hoạch").fill("Kế hoạch xây dựng và nhân rộng điển hình tiên tiến Sở Xây dựng giai đoạn 2026 - 2030")
    expand(page, "so-ket-2023 — Sơ kết giữa kỳ (Quý II/2023)")
    expand(page, "tong-ket-2025 — Tổng kết 5 năm (Quý I/2025)")
    # In the form's order: the period, then each milestone's year and the years it covers.
    starts, ends = visible(labelled(page, "Từ năm")), visible(labelled(page, "Đến năm"))
    for index, value in enumerate(("2026", "2026", "2026")):
        starts.nth(index).fill(value)
    for index, value in enumerate(("2030", "2028", "2030")):
        ends.nth(index).fill(value)
    for index, (milestone, label, year) in enumerate((("so-ket-2028", "Sơ kết giữa kỳ (Quý II/2028)", "2028"),
                                                      ("tong-ket-2030", "Tổng kết 5 năm (Quý I/2030)", "2030"))):
        visible(labelled(page, "Mã mốc")).nth(index).fill(milestone)
        visible(labelled(page, "Tên mốc")).nth(index).fill(label)
        visible(labelled(page, "Năm tổ chức")).nth(index).fill(year)
    screenshot(page, "du-lieu-ke-hoach-moi")
    saved(page)
    new = data_kept / "data" / "plans" / "2026-2030.yaml"
    assert new.is_file() and old.read_bytes() == original
    text = new.read_text(encoding="utf-8")
    assert 'id: "2026-2030"' in text and "  start: 2026\n  end: 2030\n" in text and "id: so-ket-2028" in text
    assert "# Đối tượng (mục II.2)" in text  # the explanations of the keys came along,
    assert text.startswith("# Hướng dẫn cho cán bộ văn phòng") and "giai đoạn 2021-2025." not in text  # not the heading
    assert check_errors(data_kept) == []
    project = rebuild(data_kept)
    assert project.plan_for_year(2026).id == "2026-2030"
    page.goto(page.url.split("#")[0])
    page.get_by_text("Hồ sơ điển hình").first.wait_for()
    new_entry(page)
    name = "Tổ Kiểm định số 3"
    labelled(page, "Họ và tên / Tên tập thể").fill(name)
    choose(page, "Loại điển hình", "Tập thể (kế hoạch 2021-2025)")
    choose(page, "Phòng, đơn vị", "Trung tâm Kiểm định chất lượng xây dựng")
    choose(page, "Lĩnh vực", "Cải cách hành chính (kế hoạch 2021-2025)")
    labelled(page, "Năm công nhận").fill("2026")
    criterion = next(option["label"] for option in select_options(project, "criteria")
                     if option["value"] == "c-1" and "kế hoạch 2026-2030" in option["label"])
    choose(page, "Tiêu chí đạt được", criterion)
    page.get_by_role("button", name=re.compile("thành tích tiêu biểu$")).click()
    page.locator("[id^='item-field-']").last.fill("Rút ngắn thời gian trả kết quả kiểm định còn 3 ngày.")
    choose(page, "Giai đoạn trong quy trình", "Bình chọn (kế hoạch 2021-2025)")
    saved(page)
    result = pipeline.load_content(data_kept / "content", project, cache_dir=None)
    mine = [item for item in result.profiles if item.name == name]
    assert [item.plan_id for item in mine] == ["2026-2030"]
    assert not [item for item in result.diagnostics if item.severity == "error"]
    assert errors == []
    for path in (data_kept / "content" / "ho-so" / "2026").glob("*.md"):
        path.unlink()
    shutil.rmtree(data_kept / "content" / "ho-so" / "2026", ignore_errors=True)
