"""The search stage: Pagefind bundles built before anything is written, published with the pages, đ folded
for search, split by year on a large site, each year's bundle cached by what it indexes."""

import gzip
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from pagefind_bundle import SIGNATURE, meaning, page_count

from showcase.common.config import ConfigError, load_project
from showcase.common.text import dd_words
from showcase.engine import pipeline
from showcase.site import search
from showcase.site.search import bundle_urls, indexed_part, page_url, shard_names

PREFIX = "guong-nguoi-tot-viec-tot/"


def test_dd_words_folds_only_words_with_d_stroke():
    assert dd_words("Đỗ Minh Đức") == "do duc"
    assert dd_words("Nguyễn Văn A") == ""
    assert dd_words("Đức", "đức", None, "ĐỨC") == "duc"
    assert dd_words("đường đô thị") == "duong do"


def test_page_url():
    assert page_url("a/b/index.html") == "/a/b/"
    assert page_url("404.html") == "/404.html"


def test_bundle_is_published_under_the_section_and_indexes_only_profiles(built_site):
    bundle = built_site / PREFIX / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert not list(bundle.glob("pagefind-ui*")), "unused UI bundles are not published"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    profiles = list((built_site / PREFIX / "ho-so").glob("*/index.html"))
    assert indexed == len(profiles) > 0
    assert not (built_site.parent / "pagefind").exists() and not (built_site / "pagefind").exists()


def test_profile_page_marks_body_filters_and_folded_name(built_site):
    for path in (built_site / PREFIX / "ho-so").glob("*/index.html"):
        html = path.read_text(encoding="utf-8")
        assert html.count("data-pagefind-body") == 1
        for name in ("field", "unit", "year", "kind"):
            assert f'data-pagefind-filter="{name}"' in html
        name = re.search(r"<h1[^>]*>([^<]+)</h1>", html).group(1)
        if "Đ" in name or "đ" in name:
            assert f"⟦ {dd_words(name)}" in html
    for listing in (built_site / PREFIX / "tat-ca").rglob("index.html"):
        assert "data-pagefind-body" not in listing.read_text(encoding="utf-8")


def test_search_page_lists_every_filter_value(built_site):
    html = (built_site / PREFIX / "tim-kiem" / "index.html").read_text(encoding="utf-8")
    for name in ("field", "unit", "year", "kind"):
        assert f'name="{name}"' in html
    assert "<noscript>" in html and 'type="module"' in html
    assert "<script>" not in html and " style=" not in html


# --- shards and their cache --------------------------------------------------------------------------------------

@pytest.fixture
def scratch(tmp_path):
    """A copy of the project's data, layouts and static files and of the sample content, with a low
    sharding threshold so that the 46 sample profiles are split by year like a large site's."""
    root = tmp_path / "project"
    for part in ("data", "layouts", "static", "content"):
        shutil.copytree(ROOT / part, root / part)
    with (root / "data" / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("\nsearch_shard_min: 10\n")
    return root


@pytest.fixture
def pagefind_runs(monkeypatch):
    """Every Pagefind run, observed (the real one runs): the URLs it indexed."""
    runs: list[set[str]] = []
    real = search.run_pagefind

    def observed(pages, language, *rest):
        runs.append(set(pages))
        return real(pages, language, *rest)

    monkeypatch.setattr(search, "run_pagefind", observed)
    return runs


def build(root: Path, out: Path, jobs: int | None = None) -> dict[str, bytes]:
    result, _ = pipeline.build(root / "content", out, load_project(root), include_drafts=False, cache_dir=None, jobs=jobs)
    assert not result.errors, [(item.code, item.args) for item in result.diagnostics if item.severity == "error"]
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


def bundles(tree: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Bundle folder (relative to the section) → its files."""
    found: dict[str, dict[str, bytes]] = {}
    for path, data in tree.items():
        if path.startswith(PREFIX + "pagefind/"):
            inner = path[len(PREFIX + "pagefind/"):]
            shard = inner.split("/", 1)[0] if inner.split("/", 1)[0].isdigit() else ""
            found.setdefault(shard, {})[inner[len(shard) + 1:] if shard else inner] = data
    return found


def years_of_profiles(tree: dict[str, bytes]) -> dict[str, str]:
    """Profile URL → year, read from the rendered pages."""
    years = {}
    for path, data in tree.items():
        if path.startswith(PREFIX + "ho-so/") and b"data-pagefind-body" in data:
            years[page_url(path)] = re.search(rb'data-pagefind-filter="year"[^>]*><a[^>]*>(\d+)<', data).group(1).decode()
    return years


def test_shard_names_by_threshold():
    years = ["2021", "2023", "2021", "2022"]
    assert shard_names(years, threshold=5) == [""]
    assert shard_names(years, threshold=4) == ["2021", "2022", "2023"]
    assert shard_names([], threshold=1) == [""]
    assert shard_names(["", ""], threshold=1) == [""], "pages without a key never make a shard of their own"
    assert bundle_urls("/a/", years, threshold=5) == ["/a/pagefind/"]
    assert bundle_urls("/a/", years, threshold=1) == ["/a/pagefind/2021/", "/a/pagefind/2022/", "/a/pagefind/2023/"]


def test_indexed_part_is_the_whole_body_element_with_nested_ones():
    page = ('<html><body><article class="x" data-pagefind-body><p>a</p><article>b</article>'
            '<ARTICLE>c</ARTICLE>d</article><aside>related</aside></body></html>')
    assert indexed_part(page) == ('<article class="x" data-pagefind-body><p>a</p><article>b</article>'
                                  "<ARTICLE>c</ARTICLE>d</article>")
    assert indexed_part("<main data-pagefind-bodyx>") is None
    assert indexed_part("<html><body><p>no body marker</p></body></html>") is None


def test_small_site_keeps_one_bundle(built_site):
    html = (built_site / PREFIX / "tim-kiem" / "index.html").read_text(encoding="utf-8")
    assert f'data-bundles="/{PREFIX}pagefind/"' in html
    assert not [path for path in (built_site / PREFIX / "pagefind").iterdir() if path.name.isdigit()]


def test_index_of_the_indexed_parts_equals_the_index_of_the_whole_pages(built_site):
    """Pagefind reads only the data-pagefind-body element of each page: nothing it indexes (words, filters,
    metadata, fragments) lies outside it, so the scratch pages may hold only that element."""
    pages = {page_url(path.relative_to(built_site).as_posix()): path.read_text(encoding="utf-8")
             for path in sorted(built_site.rglob("*.html")) if "data-pagefind-body" in path.read_text(encoding="utf-8")}
    # Pagefind numbers pages in the order it finds the files, which depends on the file system: the
    # whole pages go where run_pagefind puts its scratch pages, written in the same order.
    root = search.scratch_root()
    with tempfile.TemporaryDirectory(dir=root) as work:
        site, output = Path(work) / "site", Path(work) / "whole"
        for url, html in pages.items():
            (site / url.lstrip("/")).mkdir(parents=True)
            (site / url.lstrip("/") / "index.html").write_text(html, encoding="utf-8")
        subprocess.run([str(search.pagefind_binary()), "--site", str(site), "--output-path", str(output),
                        "--force-language", "vi", "--silent"], check=True, timeout=120)
        whole = {path.relative_to(output).as_posix(): path.read_bytes() for path in output.rglob("*") if path.is_file()}
    parts = search.run_pagefind({url: indexed_part(html) for url, html in pages.items()}, "vi", root)
    assert meaning(parts) == meaning(whole)
    assert page_count(parts) == len(pages) > 40


def test_large_site_is_split_by_year_and_the_search_page_lists_the_bundles(scratch, tmp_path, pagefind_runs):
    tree = build(scratch, tmp_path / "public")
    years = years_of_profiles(tree)
    found = bundles(tree)
    assert sorted(found) == sorted(set(years.values())) and len(found) >= 3
    for year, bundle in found.items():
        assert "pagefind.js" in bundle and not any(name.startswith("pagefind-ui") for name in bundle)
        assert page_count(bundle) == sum(1 for value in years.values() if value == year)
    html = tree[PREFIX + "tim-kiem/index.html"].decode("utf-8")
    listed = re.search(r'data-bundles="([^"]*)"', html).group(1).split()
    assert listed == [f"/{PREFIX}pagefind/{year}/" for year in sorted(found)]
    assert len(pagefind_runs) == len(found)
    for run in pagefind_runs:
        assert len({years[url] for url in run}) == 1, "a run indexes the pages of one year"


def test_editing_one_profile_reindexes_only_its_year(scratch, tmp_path, pagefind_runs):
    out = tmp_path / "public"
    before = build(scratch, out)
    years = years_of_profiles(before)
    runs = len(pagefind_runs)
    assert build(scratch, out) == before and len(pagefind_runs) == runs, "nothing changed: every shard from the cache"

    # A new name: the profile's own page changes, and so do the related-profile cards on other years' pages,
    # which are not indexed: only the profile's year is indexed again.
    def cited_on_another_year(url: str) -> bool:
        return any(f'href="{url}"'.encode() in before[other.lstrip("/") + "index.html"]
                   for other, year in years.items() if year != years[url])

    url = next(url for url in sorted(years) if cited_on_another_year(url))
    source = next((scratch / "content" / "ho-so").glob(f"*/{url.rstrip('/').rsplit('/', 1)[1]}.md"))
    text = source.read_text(encoding="utf-8")
    name = re.search(r"^name: (.+)$", text, re.MULTILINE).group(1)
    source.write_text(text.replace(f"name: {name}", f"name: {name} Mới", 1), encoding="utf-8")
    after = build(scratch, out)
    edited_year = source.parent.name
    new_runs = pagefind_runs[runs:]
    assert len(new_runs) == 1 and {years[url] for url in new_runs[0]} == {edited_year}
    changed_elsewhere = [path for path, data in after.items() if path in before and before[path] != data
                         and page_url(path) in years and years[page_url(path)] != edited_year]
    assert changed_elsewhere, "the edit changed related cards on other years' pages, which must not re-index them"
    assert bundles(after)[edited_year] != bundles(before)[edited_year]
    for year in set(years.values()) - {edited_year}:
        assert bundles(after)[year] == bundles(before)[year]


def test_damaged_or_deleted_cache_entry_is_rebuilt_to_the_same_output(scratch, tmp_path, pagefind_runs):
    out = tmp_path / "public"
    before = build(scratch, out)
    cache = scratch / ".cache" / "search"
    entries = sorted(entry for entry in cache.iterdir() if entry.name != search.PART_DIGESTS)
    assert len(entries) == len(bundles(before)) and all(entry.suffix == ".bundle" for entry in entries)
    (cache / search.PART_DIGESTS).write_text('{"format": "3", "digests": [1, 2', encoding="utf-8")  # damaged too
    data = bytearray(entries[0].read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte changed
    entries[0].write_bytes(bytes(data))
    entries[1].write_bytes(entries[1].read_bytes()[:-100])  # truncated
    entries[-1].unlink()  # deleted
    runs = len(pagefind_runs)
    after = build(scratch, out, jobs=1)
    assert len(pagefind_runs) - runs == 3
    # Bundles are rebuilt for the damaged entries, to the same bytes (search_canonical puts Pagefind's filters in order).
    assert after == before
    assert build(scratch, out, jobs=2) == after and len(pagefind_runs) - runs == 3, "the repaired entries are reused"


def test_pagefind_failure_is_a_diagnostic_and_nothing_is_published(scratch, tmp_path, monkeypatch):
    out = tmp_path / "public"
    before = build(scratch, out)
    shutil.rmtree(scratch / ".cache")
    source = sorted((scratch / "content" / "ho-so").rglob("*.md"))[0]
    source.write_text(source.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    monkeypatch.setattr(search, "pagefind_binary", lambda: tmp_path / "missing" / "pagefind")  # as if not installed
    result, written = pipeline.build(scratch / "content", out, load_project(scratch), include_drafts=False, cache_dir=None)
    assert written == 0 and [item.code for item in result.diagnostics if item.severity == "error"] == ["B001"]
    assert {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()} == before


def test_shard_threshold_setting_is_checked(scratch):
    settings = scratch / "data" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("search_shard_min: 10", "search_shard_min: 0"), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_project(scratch)
    assert [item.code for item in error.value.diagnostics] == ["C012"]  # a number below its minimum (data_schema: search_shard_min ≥ 1)
    assert "search_shard_min" in str(error.value)


def test_scratch_space_that_fails_falls_back_to_the_disk(tmp_path):
    """/dev/shm can be small (64 MB in many containers): a scratch root that fails is replaced by the disk."""
    pages = {"/a/": indexed_part('<main data-pagefind-body><h1>Đỗ Minh Đức</h1><p>Cải cách hành chính</p></main>')}
    bundle = search.run_pagefind(pages, "vi", str(tmp_path / "not-there"))
    assert page_count(bundle) == 1
    assert search.scratch_root(needed=1 << 62) is None, "no memory folder has room for 4 EiB"


def test_pagefind_runs_with_one_allocator_arena_which_its_binary_reads():
    """One arena keeps Pagefind's peak memory about a sixth lower; a setting the user made wins. The
    binary must really read the variable: with jemalloc's `stats_print` it prints its statistics."""
    name, value = search.PAGEFIND_ALLOCATOR
    assert search.pagefind_environment({"PATH": "/bin"}) == {"PATH": "/bin", name: value}
    assert search.pagefind_environment({name: "narenas:2"})[name] == "narenas:2"
    done = subprocess.run([str(search.pagefind_binary()), "--version"], capture_output=True, timeout=60,
                          env=search.pagefind_environment({name: f"{value},stats_print:true"}))
    arenas = value.partition("narenas:")[2]
    assert done.returncode == 0
    assert re.search(rf"^\s*opt\.narenas: {arenas}$", done.stderr.decode("utf-8", "replace"), re.MULTILINE)


# --- what a visitor reads in a result's excerpt ---------------------------------------------------------------------

def indexed_fragments(bundle_dir: Path) -> list[dict]:
    """Every page Pagefind indexed, as its fragment says (gzip: the signature, then JSON): the text
    excerpts are cut from, its metadata and filters."""
    fragments = []
    for path in sorted((bundle_dir / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        fragments.append(json.loads(data[len(SIGNATURE):] if data.startswith(SIGNATURE) else data))
    return fragments


def joined_words(text: str) -> list[str]:
    """Places where a lower-case letter runs straight into an upper-case one: two texts glued together
    ("Đơn vịThanh tra Sở"), which no Vietnamese word or name does."""
    return [text[max(0, at - 15):at + 16] for at in range(len(text) - 1) if text[at].islower() and text[at + 1].isupper()]


def test_indexed_text_reads_as_sentences_with_labels_apart_from_values(built_site):
    fragments = indexed_fragments(built_site / PREFIX / "pagefind")
    assert len(fragments) > 40
    glued = {fragment["url"]: joined_words(fragment["content"]) for fragment in fragments}
    assert {url: places for url, places in glued.items() if places} == {}
    for fragment in fragments:  # the facts read "Đơn vị: Thanh tra Sở", as a sentence would
        assert f"Đơn vị: {fragment['meta']['unit']}." in fragment["content"], fragment["url"]
        assert f"Năm: {fragment['meta']['year']}." in fragment["content"], fragment["url"]
