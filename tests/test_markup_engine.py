"""The Markdown engine: cmark-gfm replaced Python-Markdown for speed (issue 7), on the condition that the
sample content renders identically and sanitizing stays nh3's. Python-Markdown is kept for this test only."""

import re
import sys

import markdown
import pytest
from conftest import ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st

from showcase.source import markup
from showcase.source.markup import MarkdownRenderer, sanitize, typographic_quotes_html
from showcase.source.reader import read_profile

sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402


def python_markdown(text: str) -> str:
    """The renderer before the change, exactly as it was configured, followed by the stage both engines
    share since (typographic quotes, issue 20)."""
    converter = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code"], output_format="html")
    return typographic_quotes_html(sanitize(converter.convert(text)))


def bodies(folder):
    for path in sorted(folder.rglob("*.md")):
        yield path, read_profile(str(path), path.read_bytes()).body


@pytest.mark.parametrize("corpus", ["sample", "generated"])
def test_renders_like_python_markdown(corpus, tmp_path):
    folder = ROOT / "content" if corpus == "sample" else generate(tmp_path / "content", 120, seed=13)
    renderer = MarkdownRenderer()
    checked = 0
    for path, body in bodies(folder):
        assert renderer.render(body) == python_markdown(body), path
        checked += 1
    assert checked >= 40


def test_tables_lists_code_and_allowed_inline_html():
    html = MarkdownRenderer().render(
        "| Năm | Số |\n|---|---:|\n| 2021 | 3 |\n\n3. ba\n4. bốn\n\n```\nmã <b>\n```\n\nChữ H<sub>2</sub>O và <mark>đánh dấu</mark>.")
    assert '<td align="right">3</td>' in html and '<ol start="3">' in html
    assert "<pre><code>mã &lt;b&gt;\n</code></pre>" in html
    assert "H<sub>2</sub>O" in html and "<mark>đánh dấu</mark>" in html


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    '<img src="x" onerror="alert(1)">',
    "<a href=\"jav&#x61;script:alert(1)\">x</a>",
    "<iframe src=\"https://example.com\"></iframe>",
    '<p style="color:red" class="x">chữ</p>',
])
def test_nothing_unsafe_survives(text):
    html = MarkdownRenderer().render(text).lower()
    for bad in ("<script", "javascript:", "onerror", "<iframe", "style=", "class="):
        assert bad not in html


PIECES = ["<", ">", "&", "&#x61;", "&#97;", "\t", "\r", "\x00", "`", "```\n", "\n", " ", "](", "href=", "src =",
          "java", "script:", "vb", "data:", "DATA:", "Script:", "img", "onerror=", "style=", "<img ", "a", "đường",
          "Xây dựng", "[x]:", "<https://a.vn>", "\"", "'", "da", "ta:", "scr", "ipt:", "d&#97;"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
@example(["](", "da", "\t", "ta:"])  # a URL hidden by a control character only
@example(["[x]:", " ", "scr", "\r", "ipt:"])
def test_unsafe_scan_fast_path_finds_what_the_full_scan_finds(pieces):
    """scan_unsafe skips texts without "<", "&", a control character, "script" or "data": the full
    scan must find nothing in them, and both must agree on everything else."""
    text = "".join(pieces)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markup, "_MAY_BE_UNSAFE", re.compile(""))
        everything = markup.scan_unsafe(text, 1)
    assert markup.scan_unsafe(text, 1) == everything
    if not markup._MAY_BE_UNSAFE.search(text):
        assert everything == []


def test_unsafe_scan_still_reads_hidden_links():
    assert [code for code, *_ in markup.scan_unsafe("[x](d&#97;ta:text/html,hi)", 1)] == ["E022"]
    assert [code for code, *_ in markup.scan_unsafe("[x](java\tscript:alert(1))", 1)] == ["E022"]
    assert [code for code, *_ in markup.scan_unsafe("[x](da\tta:text/html,hi)", 1)] == ["E022"]
    assert markup.scan_unsafe("Hoàn thành dự án đúng tiến độ, tiết kiệm 12% kinh phí.", 1) == []
