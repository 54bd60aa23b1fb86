"""What a visitor sees before scrolling: on a phone the section's home page must show an exemplar in the
first screen, the menu must not push it down (two lines at most, or a menu button that works without
JavaScript), and there is one search box, not two."""

from __future__ import annotations

import pytest

from .conftest import PREFIX

PHONE = {"width": 375, "height": 667}  # the smallest phone screen still common (iPhone SE)
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def open_page(browser, site_server):
    """Open a URL of the site at a viewport size (JavaScript on or off); the pages are closed at the end."""
    contexts = []

    def opener(url: str, viewport: dict, javascript: bool = True):
        context = browser.new_context(viewport=viewport, locale="vi-VN", java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.goto(site_server + url, wait_until="load")
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_home_shows_an_exemplar_in_the_first_screen(open_page, viewport):
    page = open_page(PREFIX, viewport)
    card = page.locator("main .card").first
    assert card.count() == 1
    title = card.locator(".card-title").bounding_box()
    assert title is not None and title["y"] + title["height"] <= viewport["height"], (
        f"the first exemplar's name is at {title['y']:.0f}–{title['y'] + title['height']:.0f} px, below the first screen")


def visible_link_lines(page) -> int:
    """How many lines the main menu's visible links take."""
    return page.evaluate("""() => new Set([...document.querySelectorAll('nav[aria-label="Điều hướng chính"] a')]
        .filter((link) => link.checkVisibility({visibilityProperty: true}))
        .map((link) => Math.round(link.getBoundingClientRect().top))).size""")


def test_menu_on_a_phone_takes_two_lines_at_most_or_opens_from_a_button_without_javascript(open_page):
    page = open_page(PREFIX, PHONE, javascript=False)
    links = page.locator('nav[aria-label="Điều hướng chính"] a')
    assert links.count() >= 6
    lines = visible_link_lines(page)
    assert lines <= 2, f"the menu takes {lines} lines"
    if lines == 0:  # collapsed: its button must show every link, with no script on the page
        button = page.locator('nav[aria-label="Điều hướng chính"] summary')
        assert button.is_visible() and button.inner_text().strip()
        button.click()
        assert all(links.nth(index).is_visible() for index in range(links.count()))


def test_menu_on_a_desktop_shows_every_link_on_one_line(open_page):
    page = open_page(PREFIX, DESKTOP)
    links = page.locator('nav[aria-label="Điều hướng chính"] a')
    assert all(links.nth(index).is_visible() for index in range(links.count()))
    assert visible_link_lines(page) == 1
