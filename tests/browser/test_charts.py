"""The statistics and milestone pages' charts, as a visitor sees them: each under its own heading, as wide
as the text, in the page's font, and no line, bar or text drawn over a label."""

from __future__ import annotations

import pytest

from .conftest import PREFIX

STATISTICS = f"{PREFIX}thong-ke/"
MILESTONE = f"{PREFIX}so-ket/so-ket-2023/"

# Every chart's parts in document (= paint) order: its labels (HTML or SVG text) and its marks (bars, lines).
CHART_PARTS = """() => [...document.querySelectorAll('main [role="img"]')].map((chart) => {
    const named = (chart.getAttribute('aria-labelledby') || '').split(' ').map((id) => document.getElementById(id));
    const heading = named.find((element) => element && /^H[2-6]$/.test(element.tagName));
    const box = (element) => {
        const r = element.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    const parts = [...chart.querySelectorAll('.chart-label, text, rect, line')]
        .filter((element) => !element.closest('defs, pattern'))
        .map((element) => ({kind: /^(text|DIV|SPAN|P)$/.test(element.tagName) ? 'label' : 'mark',
                            text: element.textContent, font: getComputedStyle(element).fontFamily, ...box(element)}));
    return {name: chart.getAttribute('aria-labelledby'), heading: heading ? heading.textContent : null,
            width: chart.getBoundingClientRect().width, parts};
})"""


@pytest.fixture(scope="module")
def charts_at(browser, site_server):
    found = {}

    def read(url: str, width: int) -> tuple[list[dict], dict]:
        if (url, width) not in found:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
            try:
                page = context.new_page()
                page.goto(site_server + url, wait_until="load")
                page_text = page.evaluate("""() => { const p = document.querySelector('main p');
                    return {font: getComputedStyle(p).fontFamily, width: document.querySelector('main').clientWidth
                            - parseFloat(getComputedStyle(document.querySelector('main')).paddingLeft)
                            - parseFloat(getComputedStyle(document.querySelector('main')).paddingRight)}; }""")
                found[url, width] = (page.evaluate(CHART_PARTS), page_text)
            finally:
                context.close()
        return found[url, width]

    return read


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - .5 and b["left"] < a["right"] - .5 and a["top"] < b["bottom"] - .5 and b["top"] < a["bottom"] - .5


@pytest.mark.parametrize("url", [STATISTICS, MILESTONE])
@pytest.mark.parametrize("width", [375, 1280])
def test_charts_have_a_heading_the_full_width_and_the_page_font(charts_at, url, width):
    charts, page = charts_at(url, width)
    assert len(charts) >= (3 if url == STATISTICS else 1)
    for chart in charts:
        assert chart["heading"], f"{chart['name']}: no heading names the chart"
        assert chart["width"] >= page["width"] - 1, (chart["name"], chart["width"], page["width"])
        fonts = {part["font"] for part in chart["parts"] if part["kind"] == "label"}
        assert fonts == {page["font"]}, chart["name"]


@pytest.mark.parametrize("url", [STATISTICS, MILESTONE])
@pytest.mark.parametrize("width", [375, 1280])
def test_nothing_is_drawn_over_a_label(charts_at, url, width):
    charts, _ = charts_at(url, width)
    covered = []
    for chart in charts:
        parts = chart["parts"]
        for index, label in enumerate(parts):
            if label["kind"] != "label" or not label["text"].strip():
                continue
            covered += [(chart["name"], label["text"], later["kind"], later["text"]) for later in parts[index + 1:]
                        if overlaps(label, later)]
    assert covered == []
