"""The link check's fast scanner finds exactly what html.parser finds, on the whole sample site and on hard cases."""

from html.parser import HTMLParser

from showcase.site.linkcheck import check_links, links_of


class ReferenceLinks(HTMLParser):
    """The reference reading: the standard library's HTML tokenizer (what the link check used before)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name in {"href", "src", "poster", "action"}:
                self.found.append((value, line))
            elif name in ("srcset", "imagesrcset"):
                self.found += [(part.strip().split()[0], line) for part in value.split(",") if part.strip()]

    handle_startendtag = handle_starttag


def reference(html: str) -> list[tuple[str, int]]:
    parser = ReferenceLinks()
    parser.feed(html)
    parser.close()
    return parser.found


def test_scanner_equals_html_parser_on_every_page_of_the_sample_site(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 50
    total = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert links_of(html) == reference(html), page
        total += len(reference(html))
    assert total > 1000


HARD_CASES = [
    '<a href="/a/">x</a><!-- <a href="/commented/"> -->\n<img src=\'/b.png\' alt="a > b">',
    '<script type="application/ld+json">{"x": "<a href=\\"/in-script/\\">"}</script>\n<a HREF=/c/ title=x>',
    '<p>text with href="/not-a-link/" in it</p><a href="/d/?a=1&amp;b=2#x">',
    '<img srcset="/e-1.png 1x,\n /e-2.png 2x" src="/e.png">\n\n<link rel=preload imagesrcset="/f.avif 400w, /f2.avif 800w">',
    '<!DOCTYPE html>\n<style>a[href="/g/"]{}</style><form action="/h/"><video poster="/i.jpg"></video>',
    '<a\n  class="x"\n  href="/j/"\n>multi-line tag</a><br/><a href="/k/"/>',
    '<p title="a <!-- b">x</p><a href="/l/">y</a><p title=\'-->\'>z</p>',
    '<span data-x="href=/no/">t</span><a title="src>" href="/m/">u</a><a data-src="/n/" HREF = "/o/">',
    '<div class="a"><STYLE>p{}</STYLE><Script>var a="<a href=/p/>"</Script></div><a href="/q/">',
    'a < b and c <d <a href="/r/"> <scripts src="/s/"></scripts> <script-x src="/t/"> <',
    '<p>no links at all</p>' * 3 + '<a href="/u/">' + '<i>x</i>' * 5 + '<img src="/v.png">',
]


def test_scanner_equals_html_parser_on_hard_cases():
    for html in HARD_CASES:
        assert links_of(html) == reference(html), html


def test_broken_link_is_reported_with_its_line():
    files = {"index.html": b"<p>\n<a href='/missing/'>x</a>\n<a href='/'>home</a>", "other.html": b""}
    [diagnostic] = check_links(files, "/")
    assert (diagnostic.code, diagnostic.file, diagnostic.line, diagnostic.args["link"]) == ("E040", "index.html", 2, "/missing/")


def test_pagination_shows_a_window_of_constant_size():
    from showcase.site.model import paginate

    pages = paginate(list(range(100)), 5, lambda n: f"/p/{n}/")
    assert len(pages) == 20
    first, middle, last = (pages[i][1]["pages"] for i in (0, 9, 19))
    assert [item["number"] for item in first if not item["gap"]] == [1, 2, 3, 20]
    assert [item["gap"] for item in first] == [False, False, False, True, False]
    assert [item["number"] for item in middle if not item["gap"]] == [1, 8, 9, 10, 11, 12, 20]
    assert sum(1 for item in middle if item["gap"]) == 2
    assert [item["number"] for item in last if not item["gap"]] == [1, 18, 19, 20]
    assert all(len(pagination["pages"]) <= 9 for _, pagination in pages)
    assert [item["number"] for item in paginate(list(range(20)), 5, str)[1][1]["pages"]] == [1, 2, 3, 4]


def test_cached_targets_still_catch_a_link_whose_target_disappeared():
    from showcase.common.fingerprints import content_key
    from showcase.site.linkcheck import check_links_cached

    files = {"a/index.html": b"<p>\n<a href='../b/'>b</a>", "b/index.html": b"<a href='/a/'>a</a>"}
    keys = {path: content_key(data) for path, data in files.items()}
    broken, known = check_links_cached(files, "/", keys, {})
    assert broken == [] and known[keys["a/index.html"]] == ("b/index.html",)
    del files["b/index.html"]  # page a unchanged (same key), its target gone: found from the cached targets
    broken, _ = check_links_cached(files, "/", keys, known)
    assert [(item.file, item.line, item.args["link"]) for item in broken] == [("a/index.html", 2, "../b/")]
    forged = {keys["a/index.html"]: ()}  # a stale or damaged cache entry cannot hide a broken link of a changed page
    changed = {"a/index.html": b"<a href='/missing/'>x</a>"}
    assert len(check_links_cached(changed, "/", {"a/index.html": content_key(changed["a/index.html"])}, forged)[0]) == 1
