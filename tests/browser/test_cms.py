"""The editors' web form (Decap CMS) in real headless Chromium, against a copy of the repository.

The sample site is built from a copy of the project, served with the headers Netlify would send (the
CMS folder's own policy, the strict one elsewhere), and the form talks to decap-server (npm) on
127.0.0.1, which reads and writes the copy's working tree, as in `python3 dev.py preview`. What the form
saves is then read back by the validator (`check`) and compared with the sample it came from.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project

from showcase.common.config import load_project
from showcase.common.text import slugify
from showcase.engine import pipeline
from showcase.site.cms import connect_sources, select_options
from showcase.site.publish import cms_content_security_policy

from .conftest import CSP as SITE_POLICY
from .conftest import require_tool, serving

PREFIX = "/guong-nguoi-tot-viec-tot/"
CMS = f"{PREFIX}quan-tri/"
DECAP_SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
SCREENSHOTS = ROOT / "docs" / "anh"  # the editors' guide shows these; SHOWCASE_SCREENSHOTS=1 writes them there


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """A copy of the project whose site.yaml points the form at a free decap-server port; built."""
    root = copy_project(tmp_path_factory.mktemp("repo"))
    port = free_port()
    site_file = root / "data" / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8").replace("local_port: 8081", f"local_port: {port}"),
                         encoding="utf-8")
    project = load_project(root)
    result, _ = pipeline.build(root / "content", root / "public", project, include_drafts=False, cache_dir=None)
    assert not result.errors, [item for item in result.diagnostics if item.severity == "error"]
    return root, project, port


@pytest.fixture(scope="module")
def decap_server(repository):
    root, _, port = repository
    require_tool(DECAP_SERVER, "run npm ci (python3 dev.py test does it)")
    if shutil.which("node") is None:
        pytest.fail("missing node: install the Debian package nodejs (python3 dev.py test does it)", pytrace=False)
    process = subprocess.Popen(["node", str(DECAP_SERVER)], env={**os.environ, "PORT": str(port), "GIT_REPO_DIRECTORY": str(root)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail(f"decap-server did not start: {process.stdout.read() if process.poll() is not None else ''}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def cms_origin(repository, decap_server):
    root, project, _ = repository
    cms_policy = cms_content_security_policy(["'self'"], connect_sources(project))
    with serving(root / "public", lambda path: cms_policy if path.startswith(CMS) else SITE_POLICY) as origin:
        yield origin


@pytest.fixture
def cms(browser, cms_origin):
    """A signed-in form (the local backend needs no account), with every console error recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.goto(cms_origin + CMS)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Hồ sơ điển hình").first.wait_for()
    yield page, errors
    context.close()


def screenshot(page, name: str) -> None:
    """Kept for the editors' guide when SHOWCASE_SCREENSHOTS=1 (then commit docs/anh/)."""
    if os.environ.get("SHOWCASE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def labelled(page, label: str):
    """The input of a form field, by the label an editor reads (Decap adds "(không bắt buộc)" to optional ones)."""
    return page.get_by_label(re.compile(f"^{re.escape(label)}( \\(không bắt buộc\\))?$"))


def choose(page, label: str, *options: str) -> None:
    """Pick options of a select (react-select) by their shown names, as an editor does."""
    field = labelled(page, label)
    for option in options:
        field.click()
        field.fill(option)
        page.get_by_role("option", name=option, exact=True).click()


def new_entry(page) -> None:
    page.locator("a[href$='/collections/ho-so/new']").first.click()
    labelled(page, "Họ và tên / Tên tập thể").wait_for()


def publish_now(page) -> None:
    page.get_by_role("button", name="Công bố").click()
    page.get_by_text("Công bố ngay").click()


def profile_files(root: Path) -> set[Path]:
    return set((root / "content" / "ho-so").rglob("*.md"))


def test_cms_lists_every_sample_and_offers_the_plan_s_choices(cms, repository):
    page, errors = cms
    root, project, _ = repository
    samples = profile_files(root)
    page.get_by_text("Trần Thị B").first.wait_for()
    screenshot(page, "cms-danh-sach")
    names = {yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["name"] for path in samples}
    body = page.inner_text("body")
    assert all(name in body for name in names), sorted(name for name in names if name not in body)
    new_entry(page)
    labelled(page, "Phòng, đơn vị").click()
    shown = set(page.get_by_role("option").all_inner_texts())
    assert {unit.name for unit in project.units.values()} <= {text.split(" (")[0] for text in shown}
    assert len(shown) == len(project.units)
    assert errors == []


def test_new_profile_from_the_form_passes_check(cms, repository):
    page, errors = cms
    root, project, _ = repository
    before = profile_files(root)
    name = "Đặng Thị Thu Hà – Tổ “Một cửa”"
    new_entry(page)
    labelled(page, "Họ và tên / Tên tập thể").fill(name)
    choose(page, "Loại điển hình", "Cá nhân")
    labelled(page, "Chức vụ, vị trí công tác").fill("Chuyên viên Bộ phận Một cửa")
    choose(page, "Phòng, đơn vị", "Văn phòng Sở")
    choose(page, "Lĩnh vực", "Cải cách hành chính")
    labelled(page, "Năm công nhận").fill("2024")
    labelled(page, "Giới thiệu ngắn").fill("Người đưa dịch vụ công trực tuyến về với người dân.")
    choose(page, "Tiêu chí đạt được", next(option["label"] for option in select_options(project, "criteria") if option["value"] == "c-1"))
    page.get_by_role("button", name=re.compile("thành tích tiêu biểu$")).click()
    page.locator("[id^='item-field-']").last.fill("Hướng dẫn 1.200 lượt người dân nộp hồ sơ trực tuyến trong năm 2024.")
    choose(page, "Giai đoạn trong quy trình", "Bình chọn")
    labelled(page, "Ngày đồng ý").fill("2024-03-05")
    labelled(page, "Văn bản đồng ý").fill("Phiếu đồng ý số 09/PĐY-VP")
    choose(page, "Thông tin được phép công bố", "Họ và tên", "Chức vụ, nơi công tác", "Thành tích, khen thưởng",
           "Bài viết về điển hình")
    screenshot(page, "cms-bieu-mau")
    english = [word for word in ("Add ", "Expand", "Collapse", "Group by", "Set ", "Choose images") if word in page.inner_text("body")]
    assert english == []  # Decap's Vietnamese phrases, completed by cms.js
    publish_now(page)
    page.get_by_text("Đã công bố").first.wait_for(timeout=20_000)
    created = sorted(profile_files(root) - before)
    assert [path.relative_to(root / "content" / "ho-so").as_posix() for path in created] == [f"2024/{slugify(name)}.md"]
    text = created[0].read_text(encoding="utf-8")
    assert "draft: true" in text  # a new profile starts as a draft
    result = pipeline.load_content(root / "content", project, cache_dir=None)
    mine = [item for item in result.diagnostics if item.file.endswith(created[0].name)]
    assert [item for item in mine if item.severity == "error"] == [], mine
    assert errors == []


def test_required_field_left_empty_shows_the_error_and_saves_nothing(cms, repository):
    page, _ = cms
    root, _, _ = repository
    before = profile_files(root)
    new_entry(page)
    choose(page, "Loại điển hình", "Tập thể")
    publish_now(page)
    page.get_by_text("Họ và tên / Tên tập thể bắt buộc nhập.").first.wait_for()
    assert profile_files(root) == before


@pytest.mark.parametrize("sample", ["2023/cao-van-m.md", "2022/do-minh-duc.md", "2021/phong-quy-hoach-kien-truc.md", "2021/tran-thi-b.md"])
def test_sample_saved_from_the_form_changes_only_the_edited_line(cms, repository, sample):
    page, errors = cms
    root, project, _ = repository
    path = root / "content" / "ho-so" / sample
    original = path.read_text(encoding="utf-8")
    front = yaml.safe_load(original.split("---")[1])
    page.get_by_text(front["name"]).first.click()
    position = labelled(page, "Chức vụ, vị trí công tác")
    position.wait_for()
    edited = front["position"] + " (sửa)"
    position.fill(edited)
    publish_now(page)
    page.get_by_text("Đã công bố").first.wait_for(timeout=20_000)
    saved = path.read_text(encoding="utf-8")
    # The whole file: a key moved, a line doubled or a blank line added shows in the diff.
    old_line = f"\nposition: {front['position']}\n"
    assert original.count(old_line) == 1, "every sample here has a one-line position"
    expected = original.replace(old_line, f"\nposition: {edited}\n")
    assert saved == expected, "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), saved.splitlines(keepends=True), "expected", "saved by the form"))
    result = pipeline.load_content(root / "content", project, cache_dir=None)
    assert not [item for item in result.diagnostics if item.severity == "error" and item.file.endswith(path.name)]
    assert errors == []


def test_keys_editors_rarely_touch_survive_a_save(cms, repository):
    """slug, aliases, withdrawn and draft are fields of the form too: saving another field keeps them."""
    page, errors = cms
    root, project, _ = repository
    path = root / "content" / "ho-so" / "2024" / "to-thu-nghiem-luu.md"
    path.write_text(
        "---\nname: Tổ Thử nghiệm lưu\nkind: tap-the\nunit: van-phong\nfield: cai-cach-hanh-chinh\nyear: 2024\n"
        "achievements:\n  - Một thành tích để thử.\ndraft: true\nwithdrawn: false\nslug: to-thu-nghiem-luu-moi\n"
        "aliases:\n  - /guong-nguoi-tot-viec-tot/ho-so/to-thu-nghiem-luu/\n---\nBài viết ngắn.\n", encoding="utf-8")
    original = path.read_text(encoding="utf-8")
    page.reload()
    page.get_by_text("Tổ Thử nghiệm lưu").first.click()
    labelled(page, "Chức vụ, vị trí công tác").fill("Tổ công tác")
    publish_now(page)
    page.get_by_text("Đã công bố").first.wait_for(timeout=20_000)
    saved = path.read_text(encoding="utf-8")
    assert saved == original.replace("kind: tap-the\n", "kind: tap-the\nposition: Tổ công tác\n")
    result = pipeline.load_content(root / "content", project, cache_dir=None)
    assert not [item for item in result.diagnostics if item.severity == "error" and item.file.endswith(path.name)]
    assert errors == []


def test_photo_uploaded_in_the_form_is_stored_beside_the_profile(cms, repository, tmp_path):
    page, errors = cms
    root, project, _ = repository
    photo = tmp_path / "anh-to-ky-thuat.jpg"
    photo.write_bytes((root / "content" / "ho-so" / "2022" / "bui-van-u.jpg").read_bytes())
    name = "Tổ Kỹ thuật có ảnh"
    new_entry(page)
    labelled(page, "Họ và tên / Tên tập thể").fill(name)
    choose(page, "Loại điển hình", "Tập thể")
    choose(page, "Phòng, đơn vị", "Văn phòng Sở")
    choose(page, "Lĩnh vực", "Cải cách hành chính")
    labelled(page, "Năm công nhận").fill("2025")
    page.get_by_role("button", name=re.compile("thành tích tiêu biểu$")).click()
    page.locator("[id^='item-field-']").last.fill("Một thành tích của tổ.")
    page.get_by_role("button", name="Chọn một hình").click()
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_text(photo.name).wait_for()
    page.get_by_role("button", name="Lấy những cái đã chọn").click()
    labelled(page, "Mô tả ảnh").fill("Các thành viên tổ kỹ thuật tại hiện trường")
    publish_now(page)
    page.get_by_text("Đã công bố").first.wait_for(timeout=20_000)
    folder = root / "content" / "ho-so" / "2025"
    saved = (folder / f"{slugify(name)}.md").read_text(encoding="utf-8")
    assert f"photo: {photo.name}\n" in saved and (folder / photo.name).read_bytes() == photo.read_bytes()
    result = pipeline.load_content(root / "content", project, cache_dir=None)
    assert not [item for item in result.diagnostics if item.severity == "error" and item.file.endswith(f"{slugify(name)}.md")]
    assert errors == []
