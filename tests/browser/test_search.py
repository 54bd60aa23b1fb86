"""Search in the browser: forgiving of missing diacritics (đ included), filters narrow, works without JS."""

from __future__ import annotations

import re
from html import unescape

from showcase.common.text import fold

from .conftest import PREFIX, SEARCH_URL, site_pages


def profile_names(built_site) -> dict[str, list[str]]:
    """Name → URLs of the profile pages with that name (names collide), read from the built pages' h1."""
    names: dict[str, list[str]] = {}
    for url in site_pages(built_site):
        if f"{PREFIX}ho-so/" not in url:
            continue
        html = (built_site / url.lstrip("/") / "index.html").read_text(encoding="utf-8")
        match = re.search(r"<h1[^>]*>([^<]+)</h1>", html)
        if match and "layout-profile" in html:
            names.setdefault(unescape(match.group(1)).strip(), []).append(url)
    return names


# The page's answer to the query `q` (static/js/search.js): "Tìm thấy N điển hình cho “q”." (without a query,
# filters alone: "Tìm thấy N điển hình."), nothing found, or the invitation to type when there is nothing to search.
ANSWERED = r"""(q) => {
    const text = document.getElementById('search-status').textContent;
    if (text.startsWith('Không tìm thấy')) return true;
    if (!q) return /^Tìm thấy \d+ điển hình\.$/.test(text) || text.startsWith('Nhập từ khóa');
    const found = /^Tìm thấy \d+ điển hình cho “(.*)”\.$/.exec(text);
    return found !== null && found[1] === q;
}"""


def search(page, query: str) -> list[str]:
    """Type the query like a visitor, submit with Enter, return the result URLs in rank order once the page has
    answered this very query. The status line is emptied first: the previous query's answer, still on the page
    (its status may contain this query: "do minh duc", then "duc"), must not be read as this one's."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.eval_on_selector("#search-status", "status => { status.textContent = ''; }")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    try:
        page.wait_for_function(ANSWERED, arg=query.strip())
    except PlaywrightTimeout:
        raise AssertionError(f"the search page did not answer {query!r}: "
                             f"its status reads {page.text_content('#search-status')!r}") from None
    return page.eval_on_selector_all("#search-results a", "links => links.map(link => new URL(link.href).pathname)")


def rank(results: list[str], url: str) -> int | None:
    return results.index(url) + 1 if url in results else None


def ranks_first(results: list[str], urls: list[str]) -> bool:
    """The pages of that name (several people can share it) take the first places, in any order."""
    return set(results[: len(urls)]) == set(urls)


def test_name_typed_without_diacritics_ranks_first(search_page, built_site):
    names = profile_names(built_site)
    assert "Nguyễn Văn A" in names
    assert ranks_first(search(search_page, "nguyen van a"), names["Nguyễn Văn A"])


def test_d_with_stroke_folds_to_d(search_page, built_site):
    names = profile_names(built_site)
    assert "Đỗ Minh Đức" in names, "the sample content has Đỗ Minh Đức"
    assert ranks_first(search(search_page, "do minh duc"), names["Đỗ Minh Đức"])
    target = names["Đỗ Minh Đức"][0]
    # "duc" alone: every profile named Đức/Dực/... ranks above the rest, and this one among them.
    with_duc = [name for name in names if "duc" in fold(name).split()]
    position = rank(search(search_page, "duc"), target)
    assert position is not None and position <= len(with_duc), (position, with_duc)
    # Accented query still works, and ranks it first among exact matches too.
    assert ranks_first(search(search_page, "Đỗ Minh Đức"), names["Đỗ Minh Đức"])


def test_unit_and_achievement_words_are_searchable(search_page, built_site):
    html = (built_site / PREFIX.strip("/") / "ho-so").rglob("index.html")
    first = next(iter(sorted(html)))
    text = first.read_text(encoding="utf-8")
    url = "/" + first.parent.relative_to(built_site).as_posix() + "/"
    unit = unescape(re.search(r'data-pagefind-filter="unit"[^>]*><a [^>]+>([^<]+)</a>', text).group(1))
    assert url in search(search_page, fold(unit))


def test_excerpts_show_the_matched_words_marked_in_readable_text(search_page):
    """Searching "thanh tra" once gave "Chức vụThanh tra viên … Đơn vịThanh tra Sở": labels glued to values."""
    assert search(search_page, "thanh tra")
    excerpts = search_page.eval_on_selector_all(".search-result-excerpt", """items => items.map(item => ({
        text: item.textContent, marked: [...item.querySelectorAll("mark")].map(mark => mark.textContent)}))""")
    assert excerpts
    for excerpt in excerpts:
        text = excerpt["text"]
        assert not [text[at - 10:at + 10] for at in range(len(text) - 1) if text[at].islower() and text[at + 1].isupper()], text
    marked = [word for excerpt in excerpts for word in excerpt["marked"]]
    # Pagefind marks whole words that begin with a query word ("trật" for "tra")
    assert marked and all(fold(word).lower().startswith(("thanh", "tra")) for word in marked), marked
    assert any(fold(excerpt["text"]).lower().count("thanh tra") for excerpt in excerpts)


def status_count(page) -> int:
    match = re.search(r"Tìm thấy (\d+)", page.text_content("#search-status"))
    return int(match.group(1)) if match else 0


def toggle_with_keyboard(page, box) -> None:
    before = page.text_content("#search-status")
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_function("(before) => document.getElementById('search-status').textContent !== before", arg=before)


def test_filters_narrow_the_results_and_work_from_the_keyboard(search_page):
    page = search_page
    page.fill("#search-query", "")
    summary = page.locator("#search-filters summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#search-filters").evaluate("details => details.open")

    def option(name: str):
        """The filter option with the most profiles that is not all of them."""
        boxes = page.locator(f"#search-filters input[type=checkbox][name={name}]")
        totals = [int(page.locator(f"label[for='{boxes.nth(i).get_attribute('id')}'] .filter-count").get_attribute("data-total"))
                  for i in range(boxes.count())]
        index = max(range(len(totals)), key=lambda i: totals[i])
        return boxes.nth(index), totals[index], sum(totals)

    field_box, field_total, all_profiles = option("field")
    assert 0 < field_total < all_profiles, "the sample content should span several fields"
    toggle_with_keyboard(page, field_box)
    assert field_box.is_checked()
    assert status_count(page) == field_total
    metas = page.eval_on_selector_all(".search-result-meta", "items => items.map(item => item.textContent)")
    assert metas and all(field_box.get_attribute("value") in meta for meta in metas)
    assert "field=" in page.url  # the filter state is in the address, so it can be shared

    year_box, _, _ = option("year")
    toggle_with_keyboard(page, year_box)
    narrowed = status_count(page)
    assert 0 <= narrowed <= field_total
    metas = page.eval_on_selector_all(".search-result-meta", "items => items.map(item => item.textContent)")
    assert all(f"Năm {year_box.get_attribute('value')}" in meta for meta in metas)

    page.click("#clear-filters")
    page.wait_for_function("() => !document.querySelector('#search-filters input:checked')")


def test_search_works_under_sub_path_from_url_parameters(browser, site_server, built_site):
    names = profile_names(built_site)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{site_server}{SEARCH_URL}?q=nguyen+van+a", wait_until="load")
        page.wait_for_selector("#search-results a")
        first = page.eval_on_selector("#search-results a", "link => new URL(link.href).pathname")
        assert first in names["Nguyễn Văn A"]
        page.click("#search-results a")
        page.wait_for_url(f"{site_server}{first}")
    finally:
        context.close()


def test_without_javascript_the_page_offers_the_listings(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_server + SEARCH_URL, wait_until="load")
        assert page.locator("noscript").count() == 1
        assert page.locator("#search-query").is_disabled()
        links = page.eval_on_selector_all(".browse-fallback a", "links => links.map(link => new URL(link.href).pathname)")
        assert f"{PREFIX}tat-ca/" in links and f"{PREFIX}linh-vuc/" in links
        notice = page.locator("main .notice")
        assert notice.is_visible() and "JavaScript" in notice.text_content()
    finally:
        context.close()
