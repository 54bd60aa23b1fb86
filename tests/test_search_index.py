"""The search stage: Pagefind bundle built in memory, published with the pages, đ folded for search."""

import json
import re

from showcase.search import page_url
from showcase.text import dd_words

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
