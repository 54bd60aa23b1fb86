"""The preview server, driven as an editor would: a real server process, a real headless Chromium."""

import html
import http.client
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, call_wsgi, copy_project

from showcase.engine.preview import Preview, PreviewApp

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PROFILE = "ho-so/2023/nguyen-van-a.md"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, str, str]:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--out", str(tmp_path / "public"),
         "--port", str(port), *extra],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=open(tmp_path / "server.log", "w"), text=True,  # noqa: SIM115
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            continue
        found = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
        if found:
            assert int(found.group(1)) == port
            return process, f"http://127.0.0.1:{port}", found.group(2)
    raise AssertionError("the server did not print its URL")


def _get(base: str, path: str) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request("GET", path)  # sent as is: no client-side normalisation of ../
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _status(base: str, path: str) -> int:
    return _get(base, path)[0]


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def served(tmp_path):
    process, base, _ = _start_server(tmp_path)
    try:
        yield process, base, tmp_path / "content"
    finally:
        _stop(process)


def test_live_reload_under_a_sub_path(tmp_path):
    process, base, home = _start_server(tmp_path, "--base-url", "https://so-xay-dung.example/sxd/")
    try:
        assert home == "/sxd/guong-nguoi-tot-viec-tot/"
        status, page = _get(base, home)
        assert status == 200 and b"/livereload.js?port=" in page and b"/sxd/guong-nguoi-tot-viec-tot/assets/" in page
        assert _status(base, "/livereload.js") == 200
        assert _status(base, "/") == 200 and _status(base, "/sxd/") == 404
    finally:
        _stop(process)


def test_editor_sees_errors_and_fixes_without_reloading(served):
    from playwright.sync_api import sync_playwright

    process, base, content = served
    source = content / PROFILE
    original = source.read_text(encoding="utf-8")
    lines = original.split("\n")
    year_line = next(number for number, line in enumerate(lines, 1) if line.startswith("year:"))
    url = f"{base}/guong-nguoi-tot-viec-tot/ho-so/nguyen-van-a/"
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            assert "Nguyễn Văn A" in page.locator("h1").inner_text()
            page.wait_for_function("() => window.LiveReload !== undefined", timeout=10_000)

            # 1. An error saved in the editor: the open page turns into the error list by itself.
            source.write_text(original.replace("year: 2023", 'year: "2023"'), encoding="utf-8")
            problem = page.locator(".problem[data-code=E012]")
            problem.wait_for(timeout=10_000)
            text = problem.inner_text()
            assert "nguyen-van-a.md" in text and f"dòng {year_line}" in text
            assert "Cách sửa" in text and "year" in text

            # 2. Fixed (and changed): the profile page comes back with the change, still without a reload.
            saved = time.monotonic()
            source.write_text(original.replace("Không để hồ sơ nào trễ hạn", "Không để một hồ sơ nào trễ hạn"), encoding="utf-8")
            page.get_by_text("Không để một hồ sơ nào trễ hạn").wait_for(timeout=10_000)
            print(f"saved → page shows the change: {time.monotonic() - saved:.2f} s")
            log = (source.parents[3] / "server.log").read_text(encoding="utf-8")
            assert "Đã hiện trang vừa sửa sau" in log, log  # the fast path answered (quick.py)

            # 3. Saved half-written, then complete: error first, then the page again.
            cut = original.index("achievements:")
            source.write_text(original[:cut], encoding="utf-8")
            page.locator(".problem").first.wait_for(timeout=10_000)
            assert "nguyen-van-a.md" in page.locator(".problem").first.inner_text()
            source.write_text(original, encoding="utf-8")
            page.locator("h1", has_text="Nguyễn Văn A").wait_for(timeout=10_000)

            # 4. Deleted: the page answers "not found", the server goes on serving the rest.
            source.unlink()
            page.locator("h1", has_text="Không tìm thấy trang").wait_for(timeout=10_000)
            assert _status(base, "/guong-nguoi-tot-viec-tot/") == 200
            source.write_text(original, encoding="utf-8")
            page.locator("h1", has_text="Nguyễn Văn A").wait_for(timeout=10_000)
        finally:
            browser.close()
    assert process.poll() is None, "the server must survive every step"
    assert time.monotonic() - started < 30


def test_only_files_inside_the_output_folder_are_served(served):
    _, base, _ = served
    assert _status(base, "/guong-nguoi-tot-viec-tot/") == 200
    assert _status(base, "/") == 200  # redirect page to the section
    for escape in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/guong-nguoi-tot-viec-tot/../../server.log"):
        assert _status(base, escape) == 404, escape
    assert _status(base, "/guong-nguoi-tot-viec-tot") == 301


def test_layout_error_is_shown_on_the_page_not_raised(tmp_path):
    root = copy_project(tmp_path / "site")
    preview = Preview(root, root / "content", tmp_path / "public", stream=open(tmp_path / "log", "w"))  # noqa: SIM115
    app = PreviewApp(preview)
    assert preview.rebuild().ok
    status, body = call_wsgi(app, "/guong-nguoi-tot-viec-tot/")
    assert status.startswith("200")

    profile_layout = root / "layouts" / "profile.html"
    good = profile_layout.read_text(encoding="utf-8")
    profile_layout.write_text(good + "\n{% if %}\n", encoding="utf-8")
    state = preview.rebuild()
    assert not state.ok and state.problems[0].file.endswith("profile.html")
    assert state.problems[0].line == good.count("\n") + 2
    status, body = call_wsgi(app, "/guong-nguoi-tot-viec-tot/ho-so/nguyen-van-a/")
    assert status.startswith("500") and "profile.html" in body.decode() and "</head>" in body.decode()

    profile_layout.write_text(good.replace("{% block main %}", "{% block main %}{{ no_such_value }}", 1), encoding="utf-8")
    state = preview.rebuild()
    assert not state.ok and state.problems[0].file.endswith("profile.html") and "no_such_value" in state.problems[0].message

    (root / "data" / "units.yaml").write_text("units: [", encoding="utf-8")
    profile_layout.write_text(good, encoding="utf-8")
    state = preview.rebuild()
    assert not state.ok and state.problems[0].code == "C002" and state.problems[0].line == 1
    status, body = call_wsgi(app, "/guong-nguoi-tot-viec-tot/")
    assert "units.yaml" in body.decode()
    # Assets keep being served while the pages show the error.
    css = next((tmp_path / "public").rglob("*.css")).relative_to(tmp_path / "public").as_posix()
    assert call_wsgi(app, "/" + css)[0].startswith("200")


def test_error_page_escapes_what_the_editor_wrote(tmp_path):
    content = tmp_path / "content" / "ho-so" / "2023"
    content.mkdir(parents=True)
    text = (ROOT / "content" / PROFILE).read_text(encoding="utf-8")
    (content / "x.md").write_text(text.replace("unit: van-phong", 'unit: "<img src=x onerror=alert(1)>"'), encoding="utf-8")
    preview = Preview(ROOT, tmp_path / "content", tmp_path / "public", stream=open(tmp_path / "log", "w"))  # noqa: SIM115
    assert not preview.rebuild().ok
    status, body = call_wsgi(PreviewApp(preview), "/guong-nguoi-tot-viec-tot/")
    page = body.decode()
    assert status.startswith("500") and "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page
    assert "<code>unit</code>" in page and "x.md</code>, dòng 5" in page
    assert f'var built="{preview.generation}"' in page  # the catch-up script knows which build it shows


def test_where_there_are_no_file_events_a_poll_sees_the_save(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOWCASE_POLL", "1")
    process, base, _ = _start_server(tmp_path)
    try:
        source = tmp_path / "content" / PROFILE
        source.write_text(source.read_text(encoding="utf-8").replace("Không để hồ sơ nào", "Không để một hồ sơ nào"),
                          encoding="utf-8")
        deadline = time.monotonic() + 10
        while "Không để một hồ sơ nào" not in _get(base, "/guong-nguoi-tot-viec-tot/ho-so/nguyen-van-a/")[1].decode():
            assert time.monotonic() < deadline, "the poll did not see the save"
            time.sleep(0.1)
    finally:
        _stop(process)


def test_editors_form_in_the_preview_saves_into_the_working_copy(served):
    """`python3 dev.py preview` as an editor uses it: the form at quan-tri/, decap-server started by the preview
    on 127.0.0.1 (port `cms.local_port` of data/site.yaml), a save written into content/ and rebuilt."""
    from playwright.sync_api import sync_playwright

    process, base, content = served
    form = "/guong-nguoi-tot-viec-tot/quan-tri/"
    status, bundle = _get(base, form + "decap-cms.js")
    assert status == 200 and bundle == (ROOT / "node_modules" / "decap-cms" / "dist" / "decap-cms.js").read_bytes()
    profile = content / "ho-so" / "2023" / "cao-van-m.md"
    before = profile.read_text(encoding="utf-8")
    url = "/guong-nguoi-tot-viec-tot/ho-so/cao-van-m/"
    # A value found nowhere on the page before the save, so that only the rebuilt page can show it.
    position = "Trưởng phòng Quy hoạch – Kiến trúc, kiến trúc sư chính"
    assert shown_position(_get(base, url)[1]) == "Trưởng phòng Quy hoạch – Kiến trúc"
    assert "kiến trúc sư chính".encode() not in _get(base, url)[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(base + form)
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_text("Trần Thị B").first.wait_for()
            page.get_by_text("Cao Văn M").first.click()
            field = page.get_by_label(re.compile(r"^Chức vụ, vị trí công tác"))
            field.fill(position)
            page.get_by_role("button", name="Công bố").click()
            page.get_by_text("Công bố ngay").click()
            page.get_by_text("Đã công bố").first.wait_for(timeout=20_000)
            assert errors == []
        finally:
            browser.close()
    after = profile.read_text(encoding="utf-8")
    assert after != before and f"position: {position}\n" in after
    deadline = time.monotonic() + 30
    while (shown := shown_position(_get(base, url)[1])) != position:
        assert time.monotonic() < deadline, f"the saved profile's page was not rebuilt: its position reads {shown!r}"
        time.sleep(0.5)


def shown_position(page: bytes) -> str | None:
    """The position as a profile page shows it, under the name (layouts/profile.html)."""
    found = re.search(r'<p class="profile-position">([^<]*)</p>', page.decode("utf-8"))
    return html.unescape(found.group(1)) if found else None
