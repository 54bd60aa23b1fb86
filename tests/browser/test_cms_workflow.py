"""The production workflow, exercised for real: Draft → In review → Ready → Publish on a Git repository.

On the site, saving from the form opens a branch and a pull request (the GitHub backend, editorial_workflow)
and publishing merges it. decap-server's Git mode (MODE=git) does the same on a local repository: a draft is
a `cms/<collection>/<slug>` branch with its status in the branch's description, publishing merges it into
the current branch. Here a copy of the project is such a repository, and the built form drives it in
Chromium: the published profile lands on `main` with every key kept and passes check; a refused save leaves
no branch; a draft that check would refuse is not published from the workflow board either (prePublish).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time

import pytest
from conftest import copy_project

from showcase.common.config import load_project
from showcase.common.diagnostics import message
from showcase.engine import pipeline
from showcase.site.cms import connect_sources
from showcase.site.publish import cms_content_security_policy
from showcase.source.reader import read_profile
from showcase.source.validate import validate_profile

from .conftest import CSP as SITE_POLICY
from .conftest import require_tool, serving
from .test_cms import CMS, DECAP_SERVER, free_port, labelled, screenshot

SAMPLE = "2023/cao-van-m.md"
COLLECTIVE = "2021/chi-bo-phong-quan-ly-nha-va-thi-truong-bat-dong-san.md"


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def cms_branches(root) -> list[str]:
    return [line.strip(" *") for line in git(root, "branch", "--list", "cms/*").splitlines()]


@pytest.fixture(scope="module")
def git_repository(tmp_path_factory):
    """A copy of the project as a Git repository on `main`, its form pointed at a free decap-server port; built."""
    root = copy_project(tmp_path_factory.mktemp("git-repo"))
    port = free_port()
    site_file = root / "data" / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8").replace("local_port: 8081", f"local_port: {port}"),
                         encoding="utf-8")
    (root / ".gitignore").write_text("public/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=Văn phòng", "-c", "user.email=vp@example.org", "add", ".")
    git(root, "-c", "user.name=Văn phòng", "-c", "user.email=vp@example.org", "commit", "-q", "-m", "Trang mẫu")
    git(root, "config", "user.name", "Biên tập viên")
    git(root, "config", "user.email", "btv@example.org")
    project = load_project(root)
    result, _ = pipeline.build(root / "content", root / "public", project, include_drafts=False, cache_dir=None)
    assert not result.errors
    return root, project, port


@pytest.fixture(scope="module")
def git_server(git_repository):
    root, _, port = git_repository
    require_tool(DECAP_SERVER, "run npm ci (python3 dev.py test does it)")
    if shutil.which("node") is None:
        pytest.fail("missing node: install the Debian package nodejs (python3 dev.py test does it)", pytrace=False)
    process = subprocess.Popen(["node", str(DECAP_SERVER)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PORT": str(port), "GIT_REPO_DIRECTORY": str(root), "MODE": "git"})
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail(f"decap-server (git) did not start: {process.stdout.read() if process.poll() is not None else ''}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


GONE_DRAFT = "(the published draft, asked for once more)"


def _after_publish(response) -> bool:
    """decap-server's 404 for the draft just merged and deleted, which the form asks for once more (a console
    error 'Failed to load resource' of Decap's own; the GitHub backend answers that question with nothing)."""
    return response.status == 404 and response.url.endswith("/api/v1") and '"action":"unpublishedEntry"' in (
        response.request.post_data or "")


def without_gone_draft(errors: list[str]) -> list[str]:
    """The console errors but the 404 of each published draft asked for once more."""
    rest = [item for item in errors if item != GONE_DRAFT]
    for _ in range(errors.count(GONE_DRAFT)):
        rest.remove("Failed to load resource: the server responded with a status of 404 (Not Found)")
    return rest


@pytest.fixture
def board(browser, git_repository, git_server):
    root, project, _ = git_repository
    policy = cms_content_security_policy(["'self'"], connect_sources(project))
    with serving(root / "public", lambda path: policy if path.startswith(CMS) else SITE_POLICY) as origin:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda item: item.type == "error" and errors.append(item.text))
        page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
        page.on("response", lambda response: _after_publish(response) and errors.append(GONE_DRAFT))
        page.on("dialog", lambda dialog: dialog.accept())  # "Bạn có chắc chắn muốn công bố mục này?"
        page.goto(origin + CMS)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_text("Hồ sơ điển hình").first.wait_for()
        yield page, errors
        context.close()


def open_profile(page, root, sample: str) -> None:
    name = re.search(r"^name: (.*)$", (root / "content" / "ho-so" / sample).read_text(encoding="utf-8"), re.M).group(1)
    page.get_by_text(name).first.click()
    labelled(page, "Họ và tên / Tên tập thể").wait_for()


def open_board(page, name: str):
    """The workflow board's card of `name`. decap-server's Git mode serves one request at a time and gives up
    on one that waited 3 s ("Request timed out", shown as API_ERROR), which a busy machine reaches while the
    board loads: then the board is opened once more."""
    for attempt in (1, 2):
        page.get_by_text("Cao Văn M").first.wait_for()
        page.get_by_role("link", name="Biên tập").click()
        card = page.locator("[class*='WorkflowCard']", has_text=name).first
        failed = page.get_by_text(re.compile("API_ERROR"))
        card.or_(failed.first).wait_for(timeout=60_000)
        if card.is_visible() or attempt == 2:
            return card
        page.reload()
        page.get_by_text("Hồ sơ điển hình").first.wait_for()
    return card


def set_status(page, status: str) -> None:
    page.get_by_role("button", name=re.compile("^Trạng thái:")).click()
    page.get_by_role("menuitem", name=status).click()


def test_a_profile_goes_from_draft_to_published_on_the_main_branch(board, git_repository):
    page, errors = board
    root, project, _ = git_repository
    path = root / "content" / "ho-so" / SAMPLE
    original = path.read_text(encoding="utf-8")
    old = re.search(r"^position: (.*)$", original, re.M).group(1)
    open_profile(page, root, SAMPLE)
    labelled(page, "Chức vụ, vị trí công tác").fill(old + " (quy trình)")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_text("Mục đã được lưu").first.wait_for(timeout=20_000)
    assert len(cms_branches(root)) == 1 and git(root, "show", f"main:content/ho-so/{SAMPLE}") == original  # a draft
    set_status(page, "Đang xét duyệt")
    page.get_by_role("button", name=re.compile("^Trạng thái: Đang xét duyệt")).wait_for()
    set_status(page, "Sẵn sàng")
    screenshot(page, "cms-quy-trinh")
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay").click()
    page.get_by_text("Đã công bố").first.wait_for(timeout=20_000)
    assert cms_branches(root) == []  # merged, then deleted
    published = git(root, "show", f"main:content/ho-so/{SAMPLE}")
    assert published == original.replace(f"\nposition: {old}\n", f"\nposition: {old} (quy trình)\n")  # every key kept
    git(root, "checkout", "-q", "main")
    result = pipeline.load_content(root / "content", project, cache_dir=None)
    assert [item for item in result.diagnostics if item.severity == "error"] == []
    assert without_gone_draft(errors) == []


def test_a_refused_save_leaves_no_branch(board, git_repository):
    page, _ = board
    root, project, _ = git_repository
    before = git(root, "rev-parse", "main")
    open_profile(page, root, COLLECTIVE)
    labelled(page, "Năm công nhận").fill("2024")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_text(re.compile("^Không thể giữ lại mục:")).first.wait_for()
    page.wait_for_timeout(1000)
    assert cms_branches(root) == [] and git(root, "rev-parse", "main") == before
    assert git(root, "status", "--porcelain") == ""


def test_a_draft_check_would_refuse_is_not_published_from_the_board(board, git_repository):
    """A draft made before a rule changed, or on another computer: Ready on the board, but publishing it from
    there (which runs no field validation) is refused with check's message, and nothing is merged."""
    page, _ = board
    root, project, _ = git_repository
    branch = "cms/ho-so/" + COLLECTIVE.removesuffix(".md")
    path = root / "content" / "ho-so" / COLLECTIVE
    text = path.read_text(encoding="utf-8").replace("year: 2021\n", "year: 2024\n")
    # Made as decap-server makes a draft, without touching the working copy or its index (the form's
    # server is using them): a commit on a branch of its own, its status in the branch's description.
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=root, input=text, capture_output=True, text=True,
                          check=True).stdout.strip()
    index = {**os.environ, "GIT_INDEX_FILE": str(root / ".git" / "draft-index")}
    subprocess.run(["git", "read-tree", "main"], cwd=root, env=index, check=True)
    subprocess.run(["git", "update-index", "--cacheinfo", f"100644,{blob},content/ho-so/{COLLECTIVE}"], cwd=root, env=index,
                   check=True)
    tree = subprocess.run(["git", "write-tree"], cwd=root, env=index, capture_output=True, text=True, check=True).stdout.strip()
    git(root, "update-ref", f"refs/heads/{branch}", git(root, "commit-tree", tree, "-p", "main", "-m", "Sửa hồ sơ").strip())
    git(root, "config", f"branch.{branch}.description", "decap-cms/pending_publish")
    before = git(root, "rev-parse", "main")
    parsed = read_profile(COLLECTIVE, text.encode("utf-8"))
    said = next(message(item, "vi")[0] for item in validate_profile(parsed, project, path.parent, path.name)[1]
                if item.code == "E018")
    page.reload()  # the form read the drafts when it opened, before this one was made
    card = open_board(page, "Chi bộ Phòng Quản lý nhà")
    card.hover()
    card.get_by_role("button", name=re.compile("^Công bố")).click()
    page.get_by_text(re.compile("^Không thể công bố:")).first.wait_for()
    assert said in page.get_by_text(re.compile("^Không thể công bố:")).first.inner_text()
    assert git(root, "rev-parse", "main") == before and cms_branches(root) == [branch]
