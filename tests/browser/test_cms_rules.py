"""The form refuses what `check` refuses, first and in check's words: in real Chromium, through the built form
against decap-server on a copy of the repository (fixtures of test_cms.py).

Each test changes a sample as an editor would, so that `check` would refuse the file the form would write, and
requires: check's own message for it (worded by Python, from the file as the form would write it) under the
field and in the preview, Save and Publish refused with it, and nothing changed on disk."""

from __future__ import annotations

import re

from showcase.common.diagnostics import message
from showcase.source.reader import read_profile
from showcase.source.validate import validate_profile

from .test_cms import labelled, publish_now, screenshot

COLLECTIVE = "2021/chi-bo-phong-quan-ly-nha-va-thi-truong-bat-dong-san.md"


def check_says(root, project, sample: str, old: str, new: str, code: str) -> str:
    """check's message of `code` for the sample with one line changed (the file the form would write)."""
    path = root / "content" / "ho-so" / sample
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    parsed = read_profile(sample, text.replace(old, new).encode("utf-8"))
    _, diagnostics = validate_profile(parsed, project, path.parent, path.name)
    found = [message(item, "vi")[0] for item in diagnostics if item.code == code]
    assert found, diagnostics
    return found[0]


def open_sample(page, root, sample: str):
    name = re.search(r"^name: (.*)$", (root / "content" / "ho-so" / sample).read_text(encoding="utf-8"), re.M).group(1)
    page.get_by_text(name).first.click()
    labelled(page, "Họ và tên / Tên tập thể").wait_for()


def preview_text(page) -> str:
    frame = page.frame_locator("iframe").first
    frame.locator(".cms-preview-checks").wait_for()
    return frame.locator(".cms-preview-checks").inner_text()


def assert_refused(page, path, original: bytes, said: str) -> None:
    """Publish now, and the refusal toast lists check's message; the file is as it was."""
    publish_now(page)
    toast = page.get_by_text(re.compile("^Không thể giữ lại mục:"))
    toast.first.wait_for()
    assert said in toast.first.inner_text() and "Error" not in toast.first.inner_text()
    page.wait_for_timeout(500)
    assert path.read_bytes() == original


def under_field(page, said: str):
    """check's message under its field (the form shows the catalog's `code` spans as code, without backticks)."""
    return page.locator(".showcase-check-error", has_text=said.replace("`", ""))


def only_refusals(errors: list[str], said: str) -> list[str]:
    """The console errors other than Decap's own log of a refused save (the error, then its rejected promise)."""
    refusals = [item for item in errors if said in item]
    rest = [item for item in errors if said not in item]
    unhandled = [item for item in rest if item == "uncaught: Object"]
    return [item for item in rest if item != "uncaught: Object"] + unhandled[len(refusals):]


def test_a_year_the_nominated_milestone_does_not_cover_is_refused_in_check_s_words(cms, repository):
    page, errors = cms
    root, project, _ = repository
    path = root / "content" / "ho-so" / COLLECTIVE
    original = path.read_bytes()
    said = check_says(root, project, COLLECTIVE, "year: 2021\n", "year: 2024\n", "E018")
    open_sample(page, root, COLLECTIVE)
    assert said not in page.inner_text("body")
    # `nominated: so-ket-2023`, one id where the field takes several, is shown as chosen, not as nothing
    page.get_by_text("Sơ kết giữa kỳ (Quý II/2023)", exact=True).first.wait_for()
    labelled(page, "Năm công nhận").fill("2024")
    shown = under_field(page, said)
    shown.first.wait_for()
    shown.first.scroll_into_view_if_needed()
    screenshot(page, "cms-loi-duoi-o")
    assert said in preview_text(page)
    assert_refused(page, path, original, said)
    labelled(page, "Năm công nhận").fill("2021")  # put right, the message goes
    shown.first.wait_for(state="detached")
    assert said not in preview_text(page)
    assert path.read_bytes() == original
    assert only_refusals(errors, said) == []


def test_a_unit_not_active_that_year_is_refused(cms, repository):
    page, errors = cms
    root, project, _ = repository
    sample = "2023/cao-van-m.md"
    path = root / "content" / "ho-so" / sample
    original = path.read_bytes()
    unit = re.search(r"^unit: (.*)$", original.decode(), re.M).group(0)
    said = check_says(root, project, sample, unit + "\n", "unit: bao-tri-duong-bo\n", "E017")
    open_sample(page, root, sample)
    field = labelled(page, "Phòng, đơn vị")
    field.click()
    field.fill("Ban Quản lý bảo trì đường bộ")
    page.get_by_role("option", name=re.compile("^Ban Quản lý bảo trì đường bộ")).click()
    under_field(page, said).first.wait_for()
    assert_refused(page, path, original, said)
    assert only_refusals(errors, said) == []


def test_criteria_of_another_field_are_refused(cms, repository):
    page, errors = cms
    root, project, _ = repository
    path = root / "content" / "ho-so" / COLLECTIVE
    original = path.read_bytes()
    said = check_says(root, project, COLLECTIVE, "field: hoc-tap-lam-theo-bac\n", "field: cai-cach-hanh-chinh\n", "E016")
    open_sample(page, root, COLLECTIVE)
    field = labelled(page, "Lĩnh vực")
    field.click()
    page.get_by_role("option", name="Cải cách hành chính", exact=True).click()
    under_field(page, said).first.wait_for()
    assert_refused(page, path, original, said)
    assert only_refusals(errors, said) == []


def test_a_photo_without_its_description_is_refused(cms, repository):
    page, errors = cms
    root, project, _ = repository
    sample = "2022/do-minh-duc.md"
    path = root / "content" / "ho-so" / sample
    original = path.read_bytes()
    alt = re.search(r"^photo_alt: .*$", original.decode(), re.M).group(0)
    said = check_says(root, project, sample, alt + "\n", "", "E026")
    open_sample(page, root, sample)
    labelled(page, "Mô tả ảnh").fill("")
    under_field(page, said).first.wait_for()
    assert_refused(page, path, original, said)
    assert only_refusals(errors, said) == []


def test_the_new_button_and_a_new_entry_say_what_they_are(cms):
    page, errors = cms
    button = page.locator("a[href$='/collections/ho-so/new']").first
    assert button.inner_text().strip() == "Thêm hồ sơ điển hình"  # not "＋ …", a box in fonts without that sign
    button.click()
    labelled(page, "Họ và tên / Tên tập thể").wait_for()
    shown = page.inner_text("body").lower()  # Decap writes the status in capitals (text-transform)
    assert "thay đổi đã được lưu" not in shown and "không có thay đổi nào chưa lưu" in shown
    assert errors == []
