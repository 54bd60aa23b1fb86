"""Search over an index split by year (a large site's): the search page loads the first bundle and merges
the others; queries, đ-folding and filters must cover every year, at a cost a phone can afford.

The sample content is built with a low `search_shard_min` so that its 46 profiles are split like a
large site's, instead of generating thousands of profiles.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from html import unescape

import pytest
from conftest import ROOT

from showcase.common.config import load_project
from showcase.common.text import fold
from showcase.engine import pipeline

from .conftest import MOBILE, PREFIX, _SiteHandler, gzip_size, local_file
from .test_search import search

SEARCH_URL = f"{PREFIX}tim-kiem/"


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sharded") / "project"
    for part in ("data", "layouts", "static", "content"):
        shutil.copytree(ROOT / part, root / part)
    with (root / "data" / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("\nsearch_shard_min: 10\n")
    out = root.parent / "public"
    result, _ = pipeline.build(root / "content", out, load_project(root), include_drafts=False, cache_dir=None)
    assert not result.errors
    return out


def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="module")
def sharded_server(sharded_site):
    server, thread = serve(sharded_site)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def profiles(site) -> dict[str, tuple[str, str]]:
    """Profile URL → (name, year), read from the built pages."""
    found = {}
    for path in sorted((site / PREFIX.strip("/") / "ho-so").glob("*/index.html")):
        html = path.read_text(encoding="utf-8")
        name = unescape(re.search(r"<h1[^>]*>([^<]+)</h1>", html).group(1)).strip()
        year = re.search(r'data-pagefind-filter="year"[^>]*><a[^>]*>(\d+)<', html).group(1)
        found["/" + path.parent.relative_to(site).as_posix() + "/"] = (name, year)
    return found


class Visitor:
    """A phone visiting the search page; records what the search downloads."""

    def __init__(self, browser, origin, site):
        self.context = browser.new_context(viewport=MOBILE, locale="vi-VN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.errors: list[str] = []
        self.downloads: list[str] = []
        self.site, self.origin = site, origin
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("requestfinished", lambda request: "/pagefind/" in request.url and self.downloads.append(request.url))
        self.page.goto(origin + SEARCH_URL, wait_until="load")
        self.page.wait_for_selector("body[data-search-ready]")

    def search(self, query: str) -> list[str]:
        return search(self.page, query)

    def cost(self) -> tuple[int, int]:
        """(requests, bytes over the wire with gzip) of the search files downloaded so far."""
        sizes = []
        for url in self.downloads:
            data = local_file(self.site, url.removeprefix(self.origin)).read_bytes()
            sizes.append(gzip_size(data) if url.endswith((".js", ".json")) else len(data))  # the rest is gzip already
        return len(sizes), sum(sizes)

    def close(self) -> None:
        self.context.close()
        assert self.errors == []


@pytest.fixture(scope="module")
def visitor(browser, sharded_server, sharded_site):
    visitor = Visitor(browser, sharded_server, sharded_site)
    yield visitor
    visitor.close()


def test_search_page_merges_a_bundle_per_year(sharded_site):
    html = (sharded_site / SEARCH_URL.strip("/") / "index.html").read_text(encoding="utf-8")
    bundles = re.search(r'data-bundles="([^"]*)"', html).group(1).split()
    years = sorted({year for _, year in profiles(sharded_site).values()})
    assert bundles == [f"{PREFIX}pagefind/{year}/" for year in years] and len(years) >= 3
    assert not (sharded_site / PREFIX.strip("/") / "pagefind" / "pagefind.js").exists()


def test_a_profile_of_every_year_is_found(visitor, sharded_site):
    by_year: dict[str, list[str]] = {}
    for url, (_, year) in profiles(sharded_site).items():
        by_year.setdefault(year, []).append(url)
    names = profiles(sharded_site)
    for year, urls in sorted(by_year.items()):
        url = urls[-1]
        assert url in visitor.search(fold(names[url][0])), (year, names[url][0])


def test_d_with_stroke_folds_to_d_across_bundles(visitor, sharded_site):
    names = profiles(sharded_site)
    target = next(url for url, (name, _) in names.items() if name == "Đỗ Minh Đức")
    with_duc = [url for url, (name, _) in names.items() if "duc" in fold(name).split()]
    results = visitor.search("duc")
    assert target in results and results.index(target) < len(with_duc)
    # Every profile named Đức (several years, so several bundles) comes before the rest.
    assert set(results[: len(with_duc)]) == set(with_duc)


def test_year_filters_and_counts_cover_every_bundle(visitor, sharded_site):
    page = visitor.page
    names = profiles(sharded_site)
    page.click("#search-filters summary")
    boxes = page.locator("#search-filters input[type=checkbox][name=year]")
    assert boxes.count() == len({year for _, year in names.values()})
    for index in range(boxes.count()):
        box = boxes.nth(index)
        year = box.get_attribute("value")
        visitor.search("")  # filters alone
        box.check()
        page.wait_for_function("() => document.getElementById('search-status').textContent.startsWith('Tìm thấy')")
        count = int(re.search(r"Tìm thấy (\d+)", page.text_content("#search-status")).group(1))
        assert count == sum(1 for _, profile_year in names.values() if profile_year == year)
        metas = page.eval_on_selector_all(".search-result-meta", "items => items.map(item => item.textContent)")
        assert metas and all(f"Năm {year}" in meta for meta in metas)
        box.uncheck()
    # With a query, the count next to each year is that year's matches, summed over the bundles.
    page.wait_for_function("() => !document.querySelector('#search-filters input:checked')")
    visitor.search("nguyen")
    total = int(re.search(r"Tìm thấy (\d+)", page.text_content("#search-status")).group(1))
    counts = [int(text.strip("()")) for text in page.eval_on_selector_all(
        "#search-filters input[name=year] + label .filter-count", "items => items.map(item => item.textContent)")]
    assert sum(counts) == total > 0


def test_cost_for_a_phone_compared_with_one_bundle(browser, sharded_server, sharded_site, site_server, built_site, capsys):
    """What one search downloads: every bundle costs its entry files and, per search, its index chunk and
    filters; the WebAssembly (the largest file) and pagefind.js come once, from the first bundle."""
    costs = {}
    for label, origin, site in (("one bundle", site_server, built_site), ("by year", sharded_server, sharded_site)):
        visitor = Visitor(browser, origin, site)
        try:
            visitor.search("nguyen van")
            costs[label] = visitor.cost()
            wasm = [url for url in visitor.downloads if url.endswith(".pagefind") and "/wasm." in url]
            scripts = [url for url in visitor.downloads if url.endswith("/pagefind.js")]
            assert len(wasm) == 1 and len(scripts) == 1, (wasm, scripts)
        finally:
            visitor.close()
    with capsys.disabled():
        print(f"\nsearch cost (requests, bytes gzip) for one query: {costs}")
    (one_requests, one_bytes), (shard_requests, shard_bytes) = costs["one bundle"], costs["by year"]
    bundles = len(list((sharded_site / PREFIX.strip("/") / "pagefind").glob("*/pagefind-entry.json")))
    # A few small files more per extra bundle, not another copy of the engine.
    assert shard_bytes < one_bytes + bundles * 12_000, costs
    assert shard_requests <= one_requests + (bundles - 1) * 8, costs


def test_search_results_and_bundle_sizes_are_those_of_the_baseline(visitor, sharded_site):
    """The same queries as on the site in one bundle (test_search_baseline.py), over the bundles of every year."""
    from .test_search_baseline import bundle_bytes, check_against_baseline, top_results

    check_against_baseline("a bundle per year", top_results(visitor.page), bundle_bytes(sharded_site))
