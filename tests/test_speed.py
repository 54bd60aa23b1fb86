"""Build speed machinery: cache, parallelism and incremental writes never change the output."""

import datetime
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from showcase.common.clock import reference_date
from showcase.common.config import load_project
from showcase.common.diagnostics import Diagnostic
from showcase.engine import analysis, background, incremental, pipeline, publishing
from showcase.engine.cache import ProfileCache

sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def scratch(tmp_path):
    """A copy of the project's data, layouts and static files, so a test may edit a layout."""
    root = tmp_path / "project"
    for part in ("data", "layouts", "static"):
        shutil.copytree(ROOT / part, root / part)
    return root


def cold(content: Path, root: Path, out: Path) -> dict[str, bytes]:
    """Reference build: no cache, serial."""
    result, _ = pipeline.build(content, out, load_project(root), include_drafts=False, cache_dir=None, jobs=1)
    assert not result.errors
    return tree(out)


@pytest.mark.parametrize("corpus", ["sample", "generated"])
def test_cold_incremental_serial_parallel_builds_are_identical(corpus, scratch, tmp_path, monkeypatch):
    content = ROOT / "content"
    if corpus == "generated":
        content = generate(tmp_path / "content", 40, seed=7, project=load_project(scratch))
    monkeypatch.setenv("SHOWCASE_PARALLEL_MIN", "0")  # a pool even for a few files
    cache, out = tmp_path / "cache", tmp_path / "public"

    def cached(jobs: int) -> dict[str, bytes]:
        result, pages = pipeline.build(content, out, load_project(scratch), include_drafts=False, cache_dir=cache, jobs=jobs)
        assert not result.errors and pages > 0
        return tree(out)

    reference = cold(content, scratch, tmp_path / "reference")
    assert cached(2) == reference  # parallel, cold cache
    assert cached(1) == reference  # serial, everything from the cache, nothing to write
    pages = sorted(out.rglob("index.html"))  # someone damaged the output: the next build repairs it
    pages[0].unlink()
    with pages[-1].open("ab") as handle:
        handle.write(b"<!-- edited by hand -->")
    assert cached(2) == reference

    if corpus == "generated":  # edit one profile: incremental equals cold
        edited = sorted(content.rglob("ho-so-*.md"))[5]
        edited.write_text(edited.read_text(encoding="utf-8").replace("name: \"", "name: \"Đã sửa ", 1), encoding="utf-8")
        assert cached(1) == cold(content, scratch, tmp_path / "reference-2")

    with (scratch / "layouts" / "profile.html").open("a", encoding="utf-8") as handle:  # edit one layout
        handle.write("<!-- sửa bố cục -->\n")
    assert cached(2) == cold(content, scratch, tmp_path / "reference-3")


def test_deleted_or_corrupt_cache_changes_nothing_but_time(scratch, tmp_path):
    content = generate(tmp_path / "content", 12, seed=3, project=load_project(scratch))
    cache, out = tmp_path / "cache", tmp_path / "public"
    project = load_project(scratch)
    pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
    reference = cold(content, scratch, tmp_path / "reference")
    stores = sorted(cache.rglob("*.pickle"))
    assert {path.relative_to(cache).parts[0].split("-")[0] for path in stores} == {"profiles", "pages", "stamp"}
    originals = {store: store.read_bytes() for store in stores}

    def flipped(data: bytes) -> bytes:
        """One bit changed inside stored HTML (or anywhere, where there is none): still a valid pickle."""
        at = data.find(b"<p>") + 3 if b"<p>" in data else len(data) // 2
        return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]

    for damage in (b"", b"\x80\x05garbage", b"not a pickle at all", flipped):
        for store in stores:
            store.write_bytes(damage(originals[store]) if callable(damage) else damage)
        result, _ = pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
        assert not result.errors and tree(out) == reference
        loaded = pipeline.load_content(content, project, cache_dir=cache)  # what check finds, quota warnings too
        today = reference_date(os.environ, datetime.date.today())
        assert sorted(loaded.diagnostics + pipeline.quota_warnings(loaded, project, today), key=Diagnostic.sort_key) \
            == result.diagnostics
    shutil.rmtree(cache)
    pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
    assert tree(out) == reference


def test_an_edit_rewrites_one_bucket_of_the_profile_cache(scratch, tmp_path):
    content = generate(tmp_path / "content", 40, seed=5, project=load_project(scratch))
    cache, project = tmp_path / "cache", load_project(scratch)
    pipeline.load_content(content, project, cache_dir=cache, jobs=1)
    (folder,) = cache.glob("profiles-*")

    def buckets() -> dict[str, int]:
        return {path.name: path.stat().st_ino for path in folder.glob("*.pickle")}

    before = buckets()
    assert len(before) > 10  # 40 files spread over the buckets
    edited, deleted = sorted(content.rglob("ho-so/**/*.md"))[:2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột đoạn mới.\n", encoding="utf-8")
    pipeline.load_content(content, project, cache_dir=cache, jobs=1)
    assert len([name for name, inode in buckets().items() if before[name] != inode]) == 1
    unchanged = buckets()
    pipeline.load_content(content, project, cache_dir=cache, jobs=1)
    assert buckets() == unchanged  # nothing changed, nothing saved
    deleted.unlink()
    reloaded = pipeline.load_content(content, project, cache_dir=cache, jobs=1)
    assert deleted.relative_to(content).as_posix() not in {profile.rel_path for profile in reloaded.profiles}
    stored = ProfileCache.open(cache, content.resolve(), project.fingerprint).entries
    assert len(stored) == len(reloaded.profiles) and deleted.relative_to(content).as_posix() not in stored


def age(*folders: Path) -> None:
    """Date every file back an hour, as files are when an editor saves and builds later."""
    for folder in folders:
        for path in folder.rglob("*"):
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 3_600_000_000_000))


def test_unchanged_build_answers_from_the_stamp_without_reading(scratch, tmp_path):
    content = generate(tmp_path / "content", 6, seed=4, project=load_project(scratch))
    cache, out = tmp_path / "cache", tmp_path / "public"
    age(content, scratch)

    def build():
        return pipeline.build(content, out, load_project(scratch), include_drafts=False, cache_dir=cache, jobs=1)

    first, pages = build()
    reference = tree(out)
    again, pages_again = build()
    assert again.published_count == first.profile_count == 6 and not again.profiles  # nothing was read
    assert again.diagnostics == first.diagnostics and pages_again == pages and tree(out) == reference

    edited = sorted(content.rglob("ho-so-*.md"))[2]  # same size, an hour older than before: still seen
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("name: \"", "name: \"Z", 1).replace("\n\n", "\n", 1), encoding="utf-8")
    age(content)
    changed, _ = build()
    assert changed.published_count is None and len(changed.profiles) == 6
    assert tree(out) == cold(content, scratch, tmp_path / "reference-edit")
    # The stamp of a build that updated the spare tree records the output as published (not listed
    # again): the next build finds it exact.
    assert build()[0].published_count == 6

    (out / sorted(tree(out))[0]).write_bytes(b"damaged")  # the output was touched: rebuilt, not trusted
    repaired, _ = build()
    assert repaired.published_count is None and tree(out) == cold(content, scratch, tmp_path / "reference-edit-2")

    with (scratch / "layouts" / "profile.html").open("a", encoding="utf-8") as handle:  # just saved: too fresh to trust
        handle.write("<!-- vừa sửa -->\n")
    build()
    fresh, _ = build()
    assert fresh.published_count is None


def test_an_edit_renders_only_the_pages_it_changes(scratch, tmp_path):
    from showcase.engine.cache import PageManifest

    content = generate(tmp_path / "content", 30, seed=9, project=load_project(scratch))
    cache, out = tmp_path / "cache", tmp_path / "public"
    project = load_project(scratch)
    pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
    edited = sorted(content.rglob("ho-so-*.md"))[4]
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n---\n", "\n---\nMột câu mới ở đầu bài.\n\n", 1),
                      encoding="utf-8")
    result = pipeline.load_content(content, project, cache_dir=cache)
    published = (out.resolve(), PageManifest.open(cache, out.resolve()))
    pages, files = pipeline.render_site(result, project, include_drafts=False, published=published)
    kept = files.kept
    html_pages = [page.output_path for page in pages]
    assert len(kept) > len(html_pages) // 2  # the other profiles' pages, most listings, the dashboard
    assert not any(edited.stem in path for path in kept)  # the edited profile is rendered again
    _, fresh = pipeline.render_site(result, project, include_drafts=False)
    assert list(files) == list(fresh) and all(files[path] == fresh[path] for path in fresh)


def test_the_output_manifest_records_each_file_as_published(scratch, tmp_path):
    """After an edit the manifest holds every published file's signature without listing the folder
    again (kept files are hard links: their stat is known); a wrong one would make the next build
    distrust, and write again, a file nobody touched."""
    from showcase.common.fingerprints import file_signatures
    from showcase.engine.cache import PageManifest

    content = generate(tmp_path / "content", 20, seed=4, project=load_project(scratch))
    cache, out, project = tmp_path / "cache", tmp_path / "public", load_project(scratch)
    for edit in range(3):  # cold (renamed into place), then two edits (a new tree, then the spare)
        if edit:
            edited = sorted(content.rglob("ho-so-*.md"))[edit]
            edited.write_text(edited.read_text(encoding="utf-8") + f"\nĐoạn sửa {edit}.\n", encoding="utf-8")
        pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
        recorded = {path: entry[1] for path, entry in PageManifest.open(cache, out.resolve()).entries.items()}
        assert recorded == file_signatures(out.resolve())


def test_render_keys_do_not_depend_on_how_the_profiles_were_loaded(scratch, tmp_path):
    """Analysed in this process, or read back from the cache: the same pages, the same keys (with the
    pickle memo, which strings are one object leaked into the yearbooks' keys)."""
    from showcase.engine.rendering import render_key

    content = generate(tmp_path / "content", 20, seed=6, project=load_project(scratch))
    project, cache = load_project(scratch), tmp_path / "cache"

    def keys(result) -> dict[str, str]:
        model = pipeline.site_model(result, project, include_drafts=False)
        return {page.output_path: render_key(page, model.environment_key) for page in model.pages}

    fresh = keys(pipeline.load_content(content, project, cache_dir=cache, jobs=1))
    assert keys(pipeline.load_content(content, project, cache_dir=cache, jobs=1)) == fresh


def test_a_shared_card_or_entry_changes_the_key_of_every_page_showing_it_and_of_no_other(scratch, tmp_path):
    """Cards, details and yearbook entries enter a page's key as a digest made once per process: after
    an edit of one profile, the pages whose keys change must be exactly those whose context, pickled
    whole as plain data, changed (its listings, its neighbours' pages, the yearbooks of its year)."""
    import pickle

    from showcase.engine.rendering import render_key

    content = generate(tmp_path / "content", 60, seed=8, project=load_project(scratch))
    project = load_project(scratch)
    edited = sorted(content.rglob("ho-so-*.md"))[7]

    def plain(value):
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value

    def pages():
        model = pipeline.site_model(pipeline.load_content(content, project, cache_dir=None, jobs=1), project,
                                    include_drafts=False)
        return {page.output_path: (render_key(page, model.environment_key), pickle.dumps(plain(page.context)))
                for page in model.pages}

    before = pages()
    text = edited.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    edited.write_text("---\nsummary: Tóm tắt đã sửa.\n" + re.sub(r"(?m)^summary: .*\n", "", text[4:]), encoding="utf-8")
    after = pages()
    assert before.keys() == after.keys()
    changed_contexts = {path for path in after if after[path][1] != before[path][1]}
    changed_keys = {path for path in after if after[path][0] != before[path][0]}
    assert changed_keys == changed_contexts
    assert any("/ho-so/" in path for path in changed_keys) and any("nam/" in path for path in changed_keys)
    assert any("ky-yeu" in path for path in changed_keys), sorted(changed_keys)


def test_dict_first_lookups_render_every_page_as_jinja2_does(scratch, tmp_path, monkeypatch):
    """render.DataEnvironment reads `item.name` as a dict key first; every page of a generated site
    (profiles, listings, yearbooks, milestone reviews, statistics) must come out byte for byte as
    with Jinja2's own attribute-first lookup."""
    import jinja2

    from showcase.site import render

    content = generate(tmp_path / "content", 60, seed=9, project=load_project(scratch))
    project = load_project(scratch)
    result = pipeline.load_content(content, project, cache_dir=None, jobs=1)

    def pages() -> dict[str, str]:
        model = pipeline.site_model(result, project, include_drafts=False)
        return {page.output_path: model.environment.get_template(page.template).render(page=page, **page.context)
                for page in model.pages}

    ours = pages()
    monkeypatch.setattr(render, "DataEnvironment", jinja2.Environment)
    assert pages() == ours
    assert len({path.split("/")[1] for path in ours if path.count("/") > 1}) >= 6  # many kinds of pages compared


def test_dict_first_lookups_give_keys_that_shadow_methods_and_keep_the_methods():
    from showcase.site.render import DataEnvironment

    template = DataEnvironment(undefined=__import__("jinja2").StrictUndefined).from_string(
        "{{ group.items|join(',') }}|{{ extra.get('x', 'none') }}|{{ extra.x is defined }}")
    assert template.render(group={"items": ["a", "b"]}, extra={}) == "a,b|none|False"


def test_an_output_folder_restored_from_a_build_cache_is_kept_not_rendered_again(scratch, tmp_path, monkeypatch):
    """Netlify's build cache restores public/ as copies (new inodes and times): the pages are checked
    by their bytes and kept; a copy whose bytes differ at the same size is made again."""
    from showcase.engine.cache import PageManifest

    unchanged = PageManifest.unchanged

    content = generate(tmp_path / "content", 20, seed=6, project=load_project(scratch))
    cache, out, project = tmp_path / "cache", tmp_path / "public", load_project(scratch)
    pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
    reference = tree(out)
    shutil.move(out, tmp_path / "saved")
    shutil.copytree(tmp_path / "saved", out, copy_function=shutil.copyfile)  # what a cache restore gives
    damaged = sorted(path for path in reference if path.endswith(".html"))[-1]
    data = (out / damaged).read_bytes()
    (out / damaged).write_bytes(data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:])  # same size, other bytes
    result = pipeline.load_content(content, project, cache_dir=cache)
    pages, files = pipeline.render_site(result, project, include_drafts=False,
                                        published=(out.resolve(), PageManifest.open(cache, out.resolve())))
    assert set(files.kept) == {page.output_path for page in pages} - {damaged}
    asked = []  # publishing does not read the kept pages again: they were checked when chosen
    monkeypatch.setattr(PageManifest, "unchanged", lambda self, out_dir, path, *rest: asked.append(path) or unchanged(
        self, out_dir, path, *rest))
    publishing.publish_changed(files, out.resolve(), PageManifest.open(cache, out.resolve()), "", len(pages))
    assert asked and not set(asked) & set(files.kept)
    monkeypatch.undo()
    pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
    assert tree(out) == reference


def test_render_keys_do_not_depend_on_the_hash_seed():
    """Render keys pickle page contexts: equal inputs must give equal keys in every process, or pages
    would be rendered again for nothing."""
    import subprocess

    script = (
        "import datetime, hashlib, sys; from pathlib import Path; sys.path.insert(0, '.');"
        "from showcase.engine import pipeline; from showcase.common.config import load_project; from showcase.site.model import build_site;"
        "from showcase.engine.rendering import render_key; p = load_project(Path('.'));"
        "r = pipeline.load_content(Path('content'), p, cache_dir=None);"
        "from showcase.office.dashboard_pages import dashboard_pages; day = datetime.date(2026, 1, 1);"
        "pages = build_site(r.profiles, p, r.intro, False, {}, lambda c, d: dashboard_pages(r.profiles, p, c, day, d));"
        "print(hashlib.sha256(''.join(render_key(page, 'e') for page in pages).encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1 and len(next(iter(digests)).strip()) == 64


def test_a_new_day_reanalyses_only_the_consents_it_can_change(scratch, tmp_path, monkeypatch):
    """The consent check compares dates with the build's day (E044): a cached result is kept as long
    as that comparison cannot come out otherwise, so a daily deploy does not analyse everything again."""
    import datetime
    import re

    content = generate(tmp_path / "content", 12, seed=6, project=load_project(scratch))
    project, cache = load_project(scratch), tmp_path / "cache"
    dated = [path for path in sorted(content.rglob("ho-so-*.md")) if "consent:" in path.read_text(encoding="utf-8")]
    future = datetime.date.today() + datetime.timedelta(days=10)
    early = dated[0]
    text = early.read_text(encoding="utf-8")
    early.write_text(re.sub(r"(consent:\n  date: )\S+", rf"\g<1>{future.isoformat()}", text), encoding="utf-8")
    assert early.read_text(encoding="utf-8") != text
    first = pipeline.load_content(content, project, cache_dir=cache, jobs=1)
    assert [item.code for item in first.diagnostics] == ["E044"]

    analysed = []
    real = analysis.analyse_profile
    monkeypatch.setattr(analysis, "analyse_profile", lambda path, *rest: analysed.append(path.name) or real(path, *rest))
    same_day = pipeline.load_content(content, project, cache_dir=cache, jobs=1)
    assert analysed == [] and same_day.diagnostics == first.diagnostics

    later = datetime.datetime.combine(future + datetime.timedelta(days=5), datetime.time(), datetime.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(later.timestamp())))  # the day the consent is no longer ahead
    next_day = pipeline.load_content(content, project, cache_dir=cache, jobs=1)
    assert analysed == [early.name] and next_day.diagnostics == []
    assert next_day.diagnostics == pipeline.load_content(content, project, cache_dir=None, jobs=1).diagnostics


def test_the_output_listed_by_another_process_keeps_what_it_lists(scratch, tmp_path, monkeypatch):
    """A large output folder is listed by a forked process while the site model is built: the listing
    is file_signatures' own, and an edit built with it keeps (hard-links, same inode) the pages it did
    not change and publishes what a cold build does."""
    from showcase.common.fingerprints import file_signatures

    content = generate(tmp_path / "content", 20, seed=5, project=load_project(scratch))
    cache, out, project = tmp_path / "cache", tmp_path / "public", load_project(scratch)
    pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
    monkeypatch.setattr(background, "LISTING_APART_MIN", 0)
    with background.listed_in_background(out.resolve(), 1) as listing:
        assert listing() == file_signatures(out.resolve()) != {}
    before = {path: path.stat().st_ino for path in out.rglob("*.html")}
    edited = sorted(content.rglob("ho-so-*.md"))[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột câu thêm.\n", encoding="utf-8")
    result, _ = pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=1)
    assert not result.errors and tree(out) == cold(content, scratch, tmp_path / "reference")
    kept = [path for path, inode in before.items() if path.exists() and path.stat().st_ino == inode]
    assert len(kept) > len(before) // 2


def test_the_output_manifest_keeps_each_link_target_once(scratch, tmp_path, monkeypatch):
    """Link targets found by the render workers come back with a copy of each string per batch of
    pages; the manifest must hold one string per distinct target (pickled once), or at 10,000
    profiles it is ten times larger, slower to load and save, and held by every build."""
    from showcase.engine.cache import PageManifest

    content = generate(tmp_path / "content", 30, seed=6, project=load_project(scratch))
    cache, out, project = tmp_path / "cache", tmp_path / "public", load_project(scratch)
    monkeypatch.setenv("SHOWCASE_PARALLEL_MIN", "0")  # a pool even for a few pages

    def build_and_count() -> tuple[int, int, int]:
        result, _ = pipeline.build(content, out, project, include_drafts=False, cache_dir=cache, jobs=2)
        assert not result.errors
        links = PageManifest.open(cache, out.resolve()).links
        targets = [target for page_targets in links.values() for target in page_targets]
        assert len(links) > 50
        return len({id(target) for target in targets}), len(set(targets)), len(targets)

    objects, distinct, total = build_and_count()
    assert objects == distinct < total // 5
    # After an edit, the pages scanned again hold their own copies beside those loaded from the last
    # manifest: a few more objects, never one a page.
    edited = sorted(content.rglob("ho-so-*.md"))[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột câu thêm.\n", encoding="utf-8")
    objects, distinct, total = build_and_count()
    assert distinct <= objects < 2 * distinct < total // 2


def test_spooled_pages_publish_the_same_bytes_and_leave_nothing(scratch, tmp_path, monkeypatch):
    """Render workers write every page to a spool folder, linked into the new tree when published: the
    output is the same as with pages sent back and written by the main process, in serial and in
    parallel, cold and incremental, and the spool folder is gone afterwards."""
    from showcase.engine import rendering as render

    content = generate(tmp_path / "content", 20, seed=8, project=load_project(scratch))
    monkeypatch.setattr(render, "SPOOL_MIN", 1 << 62)  # nothing spooled
    reference = cold(content, scratch, tmp_path / "reference")
    monkeypatch.undo()
    assert render.SPOOL_MIN == 0
    monkeypatch.setenv("SHOWCASE_PARALLEL_MIN", "0")
    for jobs in (1, 2):
        out = tmp_path / f"public-{jobs}"
        for _ in range(2):
            result, _ = pipeline.build(content, out, load_project(scratch), include_drafts=False,
                                       cache_dir=tmp_path / f"c{jobs}", jobs=jobs)
            assert not result.errors and tree(out) == reference
            assert not list(tmp_path.glob(".public-*.spool-*"))
    edited = sorted(content.rglob("ho-so-*.md"))[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột câu thêm.\n", encoding="utf-8")
    result, _ = pipeline.build(content, out, load_project(scratch), include_drafts=False, cache_dir=tmp_path / "c2", jobs=2)
    monkeypatch.setattr(render, "SPOOL_MIN", 1 << 62)
    assert not result.errors and tree(out) == cold(content, scratch, tmp_path / "reference-edited")
    assert not list(tmp_path.glob(".public-*.spool-*"))


def test_pages_written_in_pieces_publish_the_same_bytes(scratch, tmp_path, monkeypatch):
    """Very large pages are encoded and written a piece at a time and hashed from the spool file: with
    every page taken that way, in pieces of 7 characters (Vietnamese letters are 2 or 3 bytes), cold
    and incremental builds, serial and parallel, publish what a build holding whole pages does."""
    from showcase.common.fingerprints import content_key, content_key_of_file
    from showcase.engine import rendering as render

    data = "Điển hình tiên tiến – ệ ữ 🙂\n".encode() * 1000
    (tmp_path / "page.html").write_bytes(data)
    assert content_key_of_file(tmp_path / "page.html", len(data)) == content_key(data)

    content = generate(tmp_path / "content", 20, seed=8, project=load_project(scratch))
    reference = cold(content, scratch, tmp_path / "reference")
    monkeypatch.setattr(render, "STREAM_MIN", 0)
    monkeypatch.setattr(render, "STREAM_PIECE", 7)
    monkeypatch.setenv("SHOWCASE_PARALLEL_MIN", "0")
    for jobs in (1, 2):
        out = tmp_path / f"public-{jobs}"
        result, _ = pipeline.build(content, out, load_project(scratch), include_drafts=False,
                                   cache_dir=tmp_path / f"c{jobs}", jobs=jobs)
        assert not result.errors and tree(out) == reference
    edited = sorted(content.rglob("ho-so-*.md"))[3]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột câu thêm.\n", encoding="utf-8")
    result, _ = pipeline.build(content, out, load_project(scratch), include_drafts=False, cache_dir=tmp_path / "c2", jobs=2)
    assert not result.errors
    edited_tree = tree(out)
    monkeypatch.undo()
    assert edited_tree == cold(content, scratch, tmp_path / "reference-edited")
    assert not list(tmp_path.glob(".public-*.spool-*"))


def test_cache_sees_a_fixed_error_and_a_new_photo(scratch, tmp_path):
    content = generate(tmp_path / "content", 3, seed=5, project=load_project(scratch))
    project, cache = load_project(scratch), tmp_path / "cache"
    profile = sorted(content.rglob("ho-so-*.md"))[0]
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("---\n", "---\nphoto: anh.jpg\nphoto_alt: Ảnh minh họa\n", 1), encoding="utf-8")
    codes = [item.code for item in pipeline.load_content(content, project, cache_dir=cache).diagnostics]
    assert "E020" in codes  # the photo does not exist yet
    (profile.parent / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0photo")
    fresh = pipeline.load_content(content, project, cache_dir=None).diagnostics
    assert "E020" not in [item.code for item in fresh]
    assert pipeline.load_content(content, project, cache_dir=cache).diagnostics == fresh


def test_generated_corpus_passes_check(tmp_path):
    content = generate(tmp_path / "content", 25, seed=11)
    result = pipeline.load_content(content, load_project(ROOT), cache_dir=None)
    assert result.files == 25 and result.diagnostics == []
    words = [len(path.read_text(encoding="utf-8").split("\n---\n", 1)[1].split()) for path in content.rglob("ho-so-*.md")]
    assert min(words) >= 300 and max(words) <= 700


def test_benchmark_runs_end_to_end(tmp_path):
    """Proves the benchmark works at a tiny size; it asserts nothing about time."""
    import run as bench

    output = tmp_path / "benchmarks.md"
    stale = "# Benchmarks\n\nNotes kept.\n\n<!-- bench:results -->\nSTALE-RESULTS\n<!-- /bench:results -->\nAfter.\n"
    output.write_text(stale, encoding="utf-8")
    assert bench.main(["--sizes", "30", "--runs", "1", "--timeline", "--work", str(tmp_path / "work"), "--output", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert "Notes kept." in text and "After." in text and "STALE-RESULTS" not in text
    assert "python bench/run.py --sizes 30 --runs 1 --timeline" in text
    for row in ("ours: cold build", "ours: no-change rebuild", "ours: rebuild after editing one profile",
                "Hugo alone, cold", "Pagefind over Hugo's output", "**Hugo + Pagefind cold**"):
        assert re.search(rf"\| {re.escape(row)}.*?\| \d+\.\d+ \(\d+\.\d+× / \d+\.\d+×\)", text), row
    assert re.search(r"\| `serve`: save → edited page shown .*\| \d+ ms [✓✗] \| < 300 ms \|", text)
    assert re.search(r"\| peak memory, ours .*\| \d+ MiB vs \d+ MiB", text)
    # The stage timelines (SHOWCASE_TIMINGS=1), written by the script between their own markers.
    timeline = text.split("<!-- bench:timeline -->", 1)[1].split("<!-- /bench:timeline -->", 1)[0]
    for stage in ("profiles analysed", "site model built", "pagefind ran on", "process ended"):
        assert stage in timeline, stage
    assert "Cold build:" in timeline and "One-profile edit:" in timeline


def test_benchmark_measures_a_corpus_it_did_not_generate(tmp_path):
    """`--content`: the bundled sample site, written by hand, measured as it is (its drafts too), in a copy."""
    import run as bench

    content = ROOT / "content"
    before = {path: path.read_bytes() for path in content.rglob("*.md")}
    output = tmp_path / "benchmarks.md"
    assert bench.main(["--content", str(content), "--runs", "1", "--work", str(tmp_path / "work"), "--output", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    files = len(bench.profile_files(content))
    assert f"python bench/run.py --content {content} --runs 1" in text
    match = re.search(rf"Corpus {re.escape(str(content))}: {files} profile files; pages indexed, Hugo's site (\d+), ours (\d+)\.", text)
    assert match and match.group(1) == match.group(2) and 0 < int(match.group(2)) <= files
    assert re.search(r"\| ours: cold build \(no cache\) \| \d+\.\d+ \(", text) and f"{files} profiles: s" in text
    assert {path: path.read_bytes() for path in content.rglob("*.md")} == before  # the edits went to the copy


def test_the_pages_the_search_indexes_are_found_through_extends_and_includes():
    """They are rendered first, so that the search index is made while the other pages render."""
    import jinja2

    from showcase.site.render import templates_holding

    environment = jinja2.Environment(loader=jinja2.DictLoader({
        "base.html": "<main data-pagefind-body>{% block main %}{% endblock %}</main>",
        "plain-base.html": "<main>{% block main %}{% endblock %}</main>",
        "extends.html": "{% extends 'base.html' %}",
        "includes.html": "{% extends 'plain-base.html' %}{% block main %}{% include 'part.html' %}{% endblock %}",
        "part.html": "<article data-pagefind-body></article>",
        "none.html": "{% extends 'plain-base.html' %}{% import 'macros.html' as m %}",
        "macros.html": "{% macro x() %}{% endmacro %}",
    }))
    found = templates_holding(environment, "data-pagefind-body", ["extends.html", "includes.html", "none.html", "none.html"])
    assert found == {"extends.html", "includes.html"}


def test_timings_show_where_a_build_spends_its_time_only_when_asked(tmp_path):
    """`SHOWCASE_TIMINGS=1`: one line per stage on stderr, seconds since the process started, in order."""
    content = ROOT / "content"
    started = time.monotonic()
    asked = run_cli("build", "--content", str(content), "--out", str(tmp_path / "asked"), env={"SHOWCASE_TIMINGS": "1"})
    lasted = time.monotonic() - started
    assert asked.returncode == 0, asked.stderr
    marks = re.findall(r"^\[MainProcess\] +(\d+\.\d{3}) s  (.+)$", asked.stderr, re.MULTILINE)
    stages = [stage for _, stage in marks]
    for stage in ("up-to-date check", "profiles analysed", "site model built", "links checked", "output manifest saved"):
        assert stage in stages, stages
    assert stages.index("profiles analysed") < stages.index("site model built") < stages.index("links checked")
    seconds = [float(value) for value, _ in marks]
    assert seconds == sorted(seconds) and 0 < seconds[0] < 60
    # Counted from the process's start, not from a boot time rounded to the second: never later than
    # the whole process, seen from outside.
    assert seconds[-1] <= lasted + 0.02, (seconds[-1], lasted)
    quiet = run_cli("build", "--content", str(content), "--out", str(tmp_path / "quiet"), env={"SHOWCASE_TIMINGS": ""})
    assert quiet.returncode == 0 and "[MainProcess]" not in quiet.stderr


def _collector_state(_state, _item) -> bool:
    import gc

    return gc.isenabled()


def test_stages_pause_the_garbage_collector_but_their_workers_do_not(monkeypatch):
    """load_content and the site model run with the collector paused (a second of 10,000 profiles'
    builds went to it); the pools they start must collect, or a long analysis would grow unbounded."""
    import gc

    from showcase.engine.parallel import collector_paused, parallel_map

    monkeypatch.setenv("SHOWCASE_PARALLEL_MIN", "0")
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not end the outer one
        assert parallel_map(_collector_state, list(range(8)), lambda: None, jobs=2) == [True] * 8
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_a_build_runs_with_the_collector_paused_between_its_stages_too(scratch, tmp_path, monkeypatch):
    """After loading, the build holds millions of objects: a full collection, triggered by whatever
    allocates next (once, the search thread removing its scratch pages: 0.3 s), and each time the
    collector came back on between two stages (it then walked all the stage before had made), cost
    about 0.5 s of an edit at 10,000 profiles. The whole build runs with the collector paused; it
    runs as before once the build returns."""
    import gc

    from showcase.site import linkcheck

    content = generate(tmp_path / "content", 8, seed=2, project=load_project(scratch))
    seen = []

    def check_and_record(*args, **kwargs):
        seen.append(("link check", gc.isenabled()))
        return linkcheck.check_links_cached(*args, **kwargs)

    def spool_and_record(*args, **kwargs):  # between loading and the site model
        seen.append(("spool", gc.isenabled()))
        return spool_folder(*args, **kwargs)

    spool_folder = incremental.spool_folder
    monkeypatch.setattr(incremental, "check_links_cached", check_and_record)
    monkeypatch.setattr(incremental, "spool_folder", spool_and_record)
    result, _ = pipeline.build(content, tmp_path / "public", load_project(scratch), include_drafts=False,
                               cache_dir=tmp_path / "cache")
    assert not result.errors and seen == [("spool", False), ("link check", False)] and gc.isenabled()


def test_a_plans_yearbooks_are_one_render_task_and_every_page_is_in_one_task(scratch, tmp_path):
    """Render tasks: consecutive pages, at most RENDER_SPAN and SPAN_COST each, except that a plan's
    yearbooks (which hold the same entries) form one task wherever they are in the page list."""
    from showcase.engine import rendering as render

    content = generate(tmp_path / "content", 60, seed=5, project=load_project(scratch))
    project = load_project(scratch)
    result = pipeline.load_content(content, project, cache_dir=None)
    pages = pipeline.site_model(result, project, include_drafts=False).pages
    spans, costs = render._spans(pages)
    assert sorted(index for span in spans for index in span) == list(range(len(pages)))
    yearbooks = {index for index, page in enumerate(pages) if page.template == "yearbook.html"}
    assert len(yearbooks) > 2 and any(pages[index].template == "milestone.html"
                                      for index in range(min(yearbooks), max(yearbooks)))  # not consecutive
    assert yearbooks in [set(span) for span in spans]
    others = [index for index in range(len(pages)) if index not in yearbooks]
    for span, cost in zip(spans, costs, strict=True):
        assert cost == sum(render.page_cost(pages[index]) for index in span)
        if not set(span) & yearbooks:  # consecutive, leaving out the group's pages
            first = others.index(span[0])
            assert len(span) <= render.RENDER_SPAN and list(span) == others[first:first + len(span)]
            assert len(span) == 1 or cost <= render.SPAN_COST


def test_every_library_that_shapes_the_output_is_in_the_generator_version():
    """A new version of any runtime library but the preview server's and the dossier's must invalidate the caches (the
    Markdown engine was once missing from the list after it changed)."""
    from showcase.common.fingerprints import OUTPUT_LIBRARIES

    # The preview server's, and the Word dossier's (build.py dossier: no page of the site comes from them).
    preview_only = {"livereload", "watchfiles", "docxtpl", "python-docx", "lxml"}
    pinned = set()
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            name, _, extras = re.split(r"[=<>~!;]", requirement, maxsplit=1)[0].partition("[")
            pinned.add(name.strip().lower().replace("_", "-"))
            pinned.update(f"{name.strip()}-{extra}".lower() for extra in extras.rstrip("]").split(",") if extra)
    listed = {library.lower().replace("_", "-") for library in OUTPUT_LIBRARIES}
    assert listed == pinned - preview_only
    from importlib.metadata import version

    assert all(version(library) for library in OUTPUT_LIBRARIES)  # each name is the installed distribution's


def test_the_cache_keeps_the_eight_newest_stores_of_each_kind(tmp_path):
    """One store per content or output folder ever built: old ones (files, bucket folders, stores of the
    single-file format) and temporary files of killed builds do not pile up."""
    from showcase.engine.cache import _prune

    cache = tmp_path / "cache"
    cache.mkdir()
    for age in range(10):
        old = cache / (f"profiles-{age:02d}" if age % 2 else f"profiles-{age:02d}.pickle")  # folders and files
        old.mkdir() if age % 2 else old.write_bytes(b"x")
        os.utime(old, (1000 + age, 1000 + age))
    leftover = cache / "pages-aa.pickle.tmp123"
    leftover.write_bytes(b"x")
    os.utime(leftover, (1000, 1000))
    kept = cache / "profiles-new"
    (kept / "bucket-00.pickle.tmp456").parent.mkdir()
    (kept / "bucket-00.pickle.tmp456").write_bytes(b"x")
    os.utime(kept / "bucket-00.pickle.tmp456", (1000, 1000))
    _prune(kept)
    assert sorted(path.name for path in cache.glob("profiles-*")) == [
        "profiles-03", "profiles-04.pickle", "profiles-05", "profiles-06.pickle", "profiles-07", "profiles-08.pickle",
        "profiles-09", "profiles-new"]
    assert not list(kept.iterdir()) and leftover.exists()  # another kind's leftovers are its own to clean
    (cache / "pages-bb.pickle").write_bytes(b"x")
    _prune(cache / "pages-bb.pickle")
    assert not leftover.exists()
