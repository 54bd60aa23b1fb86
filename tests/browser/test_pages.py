"""Every page of the built site in real Chromium: no errors, accessible, responsive, stable, light."""

from __future__ import annotations

import re

from .conftest import MISSING_URL, PREFIX, site_pages

# Every kind of page the generator makes; pages of new layouts are crawled too, automatically.
EXPECTED_LAYOUTS = {"home", "profile", "list", "terms", "search", "404"}
PAGE_BUDGET = 100 * 1024  # bytes transferred (gzip), images excluded


def content_pages(crawl):
    return [report for report in crawl.values() if not report.redirect]


def test_crawl_covers_every_page_and_page_type(crawl, built_site):
    assert set(site_pages(built_site)) <= set(crawl)
    layouts = {report.layout for report in content_pages(crawl)}
    assert layouts >= EXPECTED_LAYOUTS, EXPECTED_LAYOUTS - layouts
    paginated = [url for url in crawl if "/trang/2/" in url]
    assert paginated, "the sample site should have a second listing page"


def test_no_console_errors(crawl):
    problems = {url: report.console_errors for url, report in crawl.items()
                if report.console_errors and not (url == MISSING_URL and all("404" in text for text in report.console_errors))}
    assert problems == {}


def test_no_failed_requests(crawl):
    assert {url: report.failed_requests for url, report in crawl.items() if report.failed_requests} == {}


def test_pages_answer_200_and_missing_pages_get_the_404_page(crawl):
    assert {url: report.status for url, report in crawl.items() if url != MISSING_URL and report.status != 200} == {}
    missing = crawl[MISSING_URL]
    assert missing.status == 404 and missing.layout == "404"


def test_axe_finds_no_wcag_21_aa_violation(crawl):
    violations = {url: report.axe_violations for url, report in crawl.items() if report.axe_violations}
    assert violations == {}


def test_no_horizontal_overflow_at_375px(crawl):
    assert {report.url: report.overflow for report in content_pages(crawl) if report.overflow > 0} == {}


def test_no_layout_shift(crawl):
    assert {url: report.layout_shift for url, report in crawl.items() if report.layout_shift > 0} == {}


def test_pages_without_photos_stay_under_100_kb(crawl):
    heavy = {url: report.bytes_gzip for url, report in crawl.items() if report.bytes_gzip > PAGE_BUDGET}
    assert heavy == {}
    assert all(report.bytes_gzip > 0 for report in content_pages(crawl))


def test_narrowest_phone_320px(browser, site_server, crawl):
    """One page of each layout at 320 px: nothing wider than the screen."""
    samples = {}
    for url, report in crawl.items():
        if not report.redirect and report.layout not in samples:
            samples[report.layout] = url
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        overflow = {}
        for url in samples.values():
            page.goto(site_server + url, wait_until="load")
            width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if width > 0:
                overflow[url] = width
    finally:
        context.close()
    assert overflow == {}


def test_keyboard_user_reaches_skip_link_first_and_sees_focus(browser, site_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{site_server}{PREFIX}", wait_until="load")
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const element = document.activeElement, style = getComputedStyle(element), box = element.getBoundingClientRect();
            return {cls: element.className, outline: style.outlineStyle, width: parseFloat(style.outlineWidth), top: box.top};
        }""")
        assert focused["cls"] == "skip-link"
        assert focused["outline"] != "none" and focused["width"] >= 2 and focused["top"] >= 0
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "noi-dung"
    finally:
        context.close()


def test_profile_prints_on_a4_without_navigation(browser, site_server, crawl):
    profile = next(url for url, report in crawl.items() if report.layout == "profile")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_server + profile, wait_until="load")
        # What a reader sees on screen and not on paper: each part must be on the page, shown on screen, hidden in print.
        parts = [".site-nav-wrap", ".header-search", ".related", ".breadcrumb"]
        shown = """(selectors) => Object.fromEntries(selectors.map((selector) => {
            const element = document.querySelector(selector);
            return [selector, element ? getComputedStyle(element).display !== 'none' : null];
        }))"""
        on_screen = page.evaluate(shown, parts)
        assert [part for part in parts if on_screen[part] is None] == [], f"{profile}: parts missing from the page"
        assert [part for part in parts if not on_screen[part]] == [], f"{profile}: parts hidden on screen already"
        page.emulate_media(media="print")
        on_paper = page.evaluate(shown, parts)
        assert [part for part in parts if on_paper[part]] == [], f"{profile}: parts printed"
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert pdf.startswith(b"%PDF") and 1 <= pages <= 10, pages
    finally:
        context.close()


def test_no_inline_script_or_style_for_a_strict_csp(built_site):
    """A Content-Security-Policy without 'unsafe-inline' must not break any page."""
    offenders = []
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        # JSON-LD is a data block, never executed: CSP script-src does not apply to it.
        inline_script = re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")[^>]*>", html)
        if inline_script or "<style" in html or re.search(r"\sstyle=", html) or re.search(r"\son[a-z]+=", html):
            offenders.append(str(path.relative_to(built_site)))
    assert offenders == []
