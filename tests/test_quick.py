"""The preview's fast path (showcase/engine/quick.py): an edited profile's page at once, the page the full build makes."""

import shutil
from pathlib import Path

import pytest
from conftest import call_wsgi, copy_project

from showcase.common.config import load_project
from showcase.engine import pipeline
from showcase.engine.preview import Preview, PreviewApp
from showcase.engine.quick import quick_render

PROFILE = "ho-so/2023/nguyen-van-a.md"
PAGE = "guong-nguoi-tot-viec-tot/ho-so/nguyen-van-a/index.html"


@pytest.fixture
def site(tmp_path):
    """A copy of the whole project, built once as the preview builds it (drafts included), with its model."""
    root = copy_project(tmp_path / "site")
    project = load_project(root)
    kept = []
    result, _ = pipeline.build(root / "content", tmp_path / "public", project, include_drafts=True,
                               cache_dir=tmp_path / "cache", keep_model=kept.append)
    assert not result.errors and len(kept) == 1
    return root, project, kept[0], tmp_path / "public"


def _edit(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("profile, page, replacements", [
    (PROFILE, PAGE, [("Không để hồ sơ nào trễ hạn", "Không để một hồ sơ nào trễ hạn"),
                     ("name: Nguyễn Văn A", "name: Nguyễn Văn Á"), ("kind: ca-nhan", "kind: ca-nhan\ndraft: true"),
                     ("nhân rộng ở các bộ phận", "**nhân rộng** ở các bộ phận")]),
    ("ho-so/2022/bui-van-u.md", "guong-nguoi-tot-viec-tot/ho-so/bui-van-u/index.html", [("\n---\n", "\n---\nĐoạn mới.\n\n")]),
])
def test_the_quick_page_is_the_page_the_full_build_makes(site, tmp_path, profile, page, replacements):
    root, project, model, out = site
    before = (out / page).read_bytes()
    _edit(root / "content" / profile, *replacements)
    outcome = quick_render(model, project, root / "content", [root / "content" / profile], include_drafts=True)
    assert outcome is not None and not outcome.diagnostics and list(outcome.pages) == [page]
    assert outcome.pages[page] != before
    result, _ = pipeline.build(root / "content", out, project, include_drafts=True, cache_dir=tmp_path / "cache")
    assert not result.errors
    assert outcome.pages[page] == (out / page).read_bytes()


@pytest.mark.parametrize("change", ["unit", "slug", "withdrawn", "intro", "new file", "photo"])
def test_an_edit_that_moves_a_page_waits_for_the_full_build(site, change):
    root, project, model, _ = site
    content = root / "content"
    path = content / PROFILE
    if change == "unit":
        _edit(path, ("unit: van-phong", "unit: quan-ly-xay-dung"))
    elif change == "slug":
        _edit(path, ("kind: ca-nhan", "kind: ca-nhan\nslug: nguyen-van-a-moi"))
    elif change == "withdrawn":
        _edit(path, ("kind: ca-nhan", "kind: ca-nhan\nwithdrawn: true"))
    elif change == "intro":
        path = content / "_index.md"
        _edit(path, ("title: Gương người tốt, việc tốt", "title: Gương người tốt"))
    elif change == "new file":
        path = content / "ho-so" / "2023" / "nguyen-van-a-2.md"
        shutil.copy(content / PROFILE, path)
    else:
        path = content / "ho-so" / "2022" / "bui-van-u.md"
        _edit(path, ("photo: bui-van-u.jpg", "photo: do-minh-duc.jpg"))
    assert quick_render(model, project, content, [path], include_drafts=True) is None


def test_an_edit_with_errors_answers_with_its_problems_at_once(site):
    root, project, model, _ = site
    _edit(root / "content" / PROFILE, ("year: 2023", 'year: "2023"'))
    outcome = quick_render(model, project, root / "content", [root / "content" / PROFILE], include_drafts=True)
    assert outcome is not None and outcome.errors and not outcome.pages
    problem = next(item for item in outcome.diagnostics if item.severity == "error")
    assert problem.code == "E012" and problem.file.endswith("nguyen-van-a.md") and problem.line == 7


def test_the_preview_shows_the_quick_page_until_the_full_build_has_it(tmp_path):
    root = copy_project(tmp_path / "site")
    preview = Preview(root, root / "content", tmp_path / "public", stream=open(tmp_path / "log", "w"))  # noqa: SIM115
    app = PreviewApp(preview)
    assert preview.rebuild().ok and preview.model is not None
    url = "/" + PAGE.removesuffix("index.html")
    source = root / "content" / PROFILE

    # An error: every page shows it at once, before any full build.
    _edit(source, ("year: 2023", 'year: "2023"'))
    preview.changes += 1
    assert preview.quick([source], preview.changes)
    status, body = call_wsgi(app, url)
    assert status.startswith("500") and "E012" in body.decode() and "nguyen-van-a.md" in body.decode()

    # Fixed and changed: the page comes back with the change, still before any full build.
    _edit(source, ('year: "2023"', "year: 2023"), ("Không để hồ sơ nào trễ hạn", "Không để một hồ sơ nào trễ hạn"))
    preview.changes += 1
    assert preview.quick([source], preview.changes)
    status, body = call_wsgi(app, url)
    assert status.startswith("200") and "Không để một hồ sơ nào trễ hạn" in body.decode()
    assert b"Kh\xc3\xb4ng \xc4\x91\xe1\xbb\x83 m\xe1\xbb\x99t" not in (tmp_path / "public" / PAGE).read_bytes()

    # The full build covers the change: the overlay goes, the published page is the same bytes.
    quick_page = preview.overlay[PAGE][1]
    preview.apply(preview.build(), preview.changes)
    assert not preview.overlay and preview.quick_state is None and preview.current().ok
    assert (tmp_path / "public" / PAGE).read_bytes() == quick_page

    # A build that started before the last change does not hide that change: it read the profile as it was,
    # so its page on disk lacks the change and only the overlay kept past that build can show it.
    started_before = preview.build()
    _edit(source, ("Không để một hồ sơ", "Không để bất kỳ hồ sơ"))
    preview.changes += 1
    assert preview.quick([source], preview.changes)
    preview.apply(started_before, preview.changes - 1)
    assert "Không để bất kỳ hồ sơ".encode() not in (tmp_path / "public" / PAGE).read_bytes()
    status, body = call_wsgi(app, url)
    assert status.startswith("200") and "Không để bất kỳ hồ sơ" in body.decode(), "the change was hidden by an older build"


def test_a_save_through_a_temporary_file_takes_the_fast_path(tmp_path):
    """`sed -i`, gedit and vim write a temporary file and rename it over the profile: the batch of file
    events then names a file that is gone already. It is not a reason to wait for the full build;
    a photo gone is."""
    import asyncio

    from showcase.engine.preview import Rebuilds

    root = copy_project(tmp_path / "site")
    preview = Preview(root, root / "content", tmp_path / "public", stream=open(tmp_path / "log", "w"))  # noqa: SIM115
    assert preview.rebuild().ok
    reloads = []
    rebuilds = Rebuilds(preview, lambda: reloads.append(preview.generation))
    rebuilds.request = lambda: None  # the full build is not what this test is about
    source = root / "content" / PROFILE
    temporary = source.with_name("sedX1b2c3")
    temporary.write_text(source.read_text(encoding="utf-8").replace("Không để hồ sơ", "Không để một hồ sơ"), encoding="utf-8")
    temporary.replace(source)
    loop = asyncio.new_event_loop()  # the server's loop, where the fast path schedules the full build
    asyncio.set_event_loop(loop)
    try:
        rebuilds.changed([("added", str(temporary)), ("deleted", str(temporary)), ("modified", str(source))])
        assert PAGE in preview.overlay and len(reloads) == 1

        photo = root / "content" / "ho-so" / "2022" / "bui-van-u.jpg"
        photo.unlink()
        _edit(source, ("Không để một hồ sơ", "Không để bất kỳ hồ sơ"))
        rebuilds.changed([("deleted", str(photo)), ("modified", str(source))])
        assert b"b\xe1\xba\xa5t k\xe1\xbb\xb3" not in preview.overlay[PAGE][1] and len(reloads) == 1
    finally:
        asyncio.set_event_loop(None)
        loop.close()
