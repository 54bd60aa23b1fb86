"""What a visitor's search finds must not change when the build is made faster.

`tests/fixtures/search-baseline.json` holds, for a fixed list of queries on the sample site, the
first results in rank order, how many the page showed (`count`, at most a page of 10) and how many it
said it found (`total`, "Tìm thấy N"), and the size of the search bundles, as the build made them
before the speed work of issue 21 (commit 39c2b70, read in a real browser through the search page):
the site as it is (one bundle), and split into a bundle per year as a large site is
(test_search_shards.py). The totals were added later, read from 39c2b70's build the same way (which
gave the stored results and sizes again, byte for byte). Any change of the search's input (what is
indexed, how, in which bundles) shows here as a change of what visitors get. When a change of results
is wanted (new sample content, a deliberate change of ranking), write the file again from the new build:

    SHOWCASE_SEARCH_BASELINE=write python -m pytest tests/browser -k baseline
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import PREFIX
from .test_search import search, status_count

BASELINE = Path(__file__).resolve().parent.parent / "fixtures" / "search-baseline.json"
TOP = 5
BUNDLE_TOLERANCE = 0.10  # the "same bundle sizes within 10 %"
# Names typed with and without marks (đ among them), fields, units, kinds, phrases, a word of the bodies.
QUERIES = [
    "nguyen van a", "Nguyễn Văn A", "do minh duc", "Đỗ Minh Đức", "duc", "đức",
    "cải cách hành chính", "cai cach hanh chinh", "thanh tra", "quy hoạch", "quy hoach do thi",
    "giao thông", "an toan giao thong", "xây dựng", "vat lieu xay dung", "môi trường", "nha o",
    "sáng kiến", "sang kien", "tập thể", "một cửa", "số hóa", "tiết kiệm", "khen thưởng",
]


def bundle_bytes(built_site) -> int:
    return sum(path.stat().st_size for path in (built_site / PREFIX.strip("/") / "pagefind").rglob("*") if path.is_file())


def top_results(page) -> dict[str, dict]:
    """Each query's first results, in rank order, how many the page showed (at most a page of them) and how many
    it says it found ("Tìm thấy N"): one page more or less matching a query changes that total."""
    found = {}
    for query in QUERIES:
        urls = search(page, query)
        found[query] = {"top": urls[:TOP], "count": len(urls), "total": status_count(page)}
        assert len(urls) <= found[query]["total"], (query, found[query])
    return found


def check_against_baseline(section: str, results: dict[str, dict], size: int) -> None:
    """`section` of the baseline (one site: its results and its bundles' size) against what the build gives now."""
    stored = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    now = {"queries": results, "bundle_bytes": size}
    if os.environ.get("SHOWCASE_SEARCH_BASELINE") == "write":
        stored[section] = now
        BASELINE.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        # Not a pass (nothing was compared) and not a skip, which a run could take unnoticed.
        pytest.fail(f"baseline {section!r} written to {BASELINE}: check it with git diff, then run the test "
                    "without SHOWCASE_SEARCH_BASELINE", pytrace=False)
    baseline = stored[section]
    assert sorted(baseline["queries"]) == sorted(QUERIES), "the list of queries changed: write the baseline again"
    assert sum(1 for entry in baseline["queries"].values() if entry["count"]) >= len(QUERIES) - 2, "queries that find nothing test nothing"
    changed = {query: {key: (baseline["queries"][query].get(key), value) for key, value in results[query].items()
                       if value != baseline["queries"][query].get(key)} for query in QUERIES}
    assert {query: change for query, change in changed.items() if change} == {}, "what visitors get (baseline, now)"
    assert abs(size - baseline["bundle_bytes"]) <= BUNDLE_TOLERANCE * baseline["bundle_bytes"], (size, baseline["bundle_bytes"])


def test_search_results_and_bundle_size_are_those_of_the_baseline(search_page, built_site):
    check_against_baseline("one bundle", top_results(search_page), bundle_bytes(built_site))
