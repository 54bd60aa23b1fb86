"""Hostile and broken inputs: each ends in its diagnostic at its line (or a clean, script-free build),
within time and memory bounds, never a traceback; plus generated inputs (Hypothesis) through the real stages."""

import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from showcase.engine import pipeline
from showcase.site.linkcheck import check_links
from showcase.source.markup import MarkdownRenderer
from showcase.source.reader import MAX_FILE_BYTES, read_profile

HOSTILE = FIXTURES / "hostile"
EXPECTED = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))
BASE = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")
PHOTO_LINES = "position: Kỹ sư kiểm định\nphoto: anh.png\nphoto_alt: Ảnh chân dung"
IMAGES_CHECKED = "E027" in (ROOT / "showcase" / "source" / "validate.py").read_text(encoding="utf-8") or any(
    "E027" in path.read_text(encoding="utf-8") for path in (ROOT / "showcase").rglob("*.py") if path.name != "diagnostics.py")
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "base", "meta", "link", "frame"}
SCRIPT_URL = re.compile(r"^\s*(?:java|vb)script:|^\s*data:", re.IGNORECASE)


def _is_layout_search_form(attrs: dict) -> bool:
    return attrs.get("role") == "search" and attrs.get("method") == "get" and (attrs.get("action") or "").startswith("/")


class _Active(HTMLParser):
    """Tags that run or load code, event-handler attributes and script URLs, as a browser would parse them."""

    def __init__(self, allowed_tags: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form" and "search-form" in self.allowed_tags and _is_layout_search_form(dict(attrs)):
            pass  # the layouts' own search boxes (GET to the site's search page); editor text cannot make one
        elif tag in ACTIVE_TAGS - self.allowed_tags:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            compact = re.sub(r"[\t\n\r]", "", value or "").strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                                    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
            if name.startswith("on") or name == "style" or SCRIPT_URL.match(compact):
                self.found.append(f"{tag} {name}={value!r}")


def unsafe_markup(html: str, page_tags: bool = False) -> list[str]:
    """What in `html` could run script; a whole page may have its own <meta>, <link> and <style>-free head."""
    parser = _Active({"meta", "link", "svg", "script", "search-form"} if page_tags else set())  # SVG charts; <script>: below
    parser.feed(html)
    parser.close()
    found = parser.found
    if page_tags:  # JSON-LD data blocks are not run; anything else named script is
        html = re.sub(r'<script type="application/ld\+json">[^<]*</script>', "", html)
        # The layouts' own scripts: fingerprinted files of static/, loaded by URL, never written from content.
        html = re.sub(r'<script type="module" src="/[^"]*/assets/js/[^"]+"></script>', "", html)
        # The editors' form (quan-tri/): Decap's bundle and the form's scripts, files beside the page (layouts/cms/).
        html = re.sub(r'<script( type="module")? src="[a-z-]+\.js"( data-site-stylesheet="/[^"]*/assets/css/[^"]+")?></script>',
                      "", html)
    if re.search(r"<script", html, re.IGNORECASE):
        found.append("<script")
    return found


def _png(width: int, height: int, body: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + body


def generated_cases(folder: Path) -> dict[str, tuple[str, int] | str]:
    """Cases that need the file system; each writes its files under `folder` and returns {file: expectation}."""
    cases: dict[str, tuple[str, int] | str] = {}
    outside = folder.parent / "ngoai"
    outside.mkdir(exist_ok=True)
    (outside / "ho-so.md").write_text(BASE, encoding="utf-8")
    (outside / "anh.png").write_bytes((FIXTURES / "invalid" / "anh.png").read_bytes())
    (folder / "over-size-limit.md").write_text(BASE + "x" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    cases["over-size-limit.md"] = ("E002", 1)
    items = "".join(f"  - Thành tích {number}\n" for number in range(20000))
    (folder / "huge-document.md").write_text(BASE.replace("achievements:\n", "achievements:\n" + items, 1), encoding="utf-8")
    cases["huge-document.md"] = ("E008", 4999)  # where the 5000-item limit is reached
    os.symlink(outside / "ho-so.md", folder / "symlink-out.md")
    cases["symlink-out.md"] = ("E030", 1)
    os.symlink(outside / "anh.png", folder / "anh-ngoai.png")
    (folder / "photo-symlink-out.md").write_text(
        BASE.replace("position: Kỹ sư kiểm định", PHOTO_LINES.replace("anh.png", "anh-ngoai.png")), encoding="utf-8")
    cases["photo-symlink-out.md"] = ("E021", 5)
    (folder / "nguyen-van-duc.md").write_text(BASE, encoding="utf-8")
    (folder / "Nguyễn-Văn-Đức.md").write_text(BASE, encoding="utf-8")  # same URL once folded
    cases["Nguyễn-Văn-Đức.md"] = "clean"  # the first in path order keeps the URL
    cases["nguyen-van-duc.md"] = ("E019", 1)
    (folder / "Tran-Thi-B.md").write_text(BASE, encoding="utf-8")
    (folder / "tran-thi-b.md").write_text(BASE, encoding="utf-8")
    cases["Tran-Thi-B.md"] = "clean"
    cases["tran-thi-b.md"] = ("E019", 1)
    (folder / "zz-slug-claims-other.md").write_text(BASE.replace("name: Trần Thị B", "name: Trần Thị B\nslug: nguyen-van-duc"),
                                                    encoding="utf-8")
    cases["zz-slug-claims-other.md"] = ("E019", 3)
    if IMAGES_CHECKED:
        for name, data in (("not-image", b"<html>not an image</html>"), ("corrupt", _png(40, 40, b"\x00" * 30)),
                           ("bomb", _png(100_000, 100_000, b""))):
            (folder / f"{name}.png").write_bytes(data)
            (folder / f"photo-{name}.md").write_text(
                BASE.replace("position: Kỹ sư kiểm định", PHOTO_LINES.replace("anh.png", f"{name}.png")), encoding="utf-8")
            cases[f"photo-{name}.md"] = ("E027", 5)
    return cases


def errors_of(result, name: str) -> set[tuple[str, int]]:
    return {(item.code, item.line) for item in result.diagnostics
            if item.severity == "error" and item.file.endswith("/" + name)}


def assert_safe(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        if path.endswith(".html"):
            assert unsafe_markup(data.decode("utf-8"), page_tags=True) == [], path


def test_corpus_is_large_and_covers_every_kind():
    assert len(EXPECTED) >= 40
    assert {value[0] for value in EXPECTED.values() if value != "clean"} >= {
        "E001", "E003", "E004", "E005", "E007", "E008", "E009", "E012", "E021", "E022", "E023", "E043", "E044"}
    assert sum(value == "clean" for value in EXPECTED.values()) >= 5


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(name, project, content_dir):
    shutil.copyfile(HOSTILE / name, content_dir / name)
    shutil.copyfile(FIXTURES / "invalid" / "anh.png", content_dir / "anh.png")
    started = time.perf_counter()
    result = pipeline.load_content(content_dir, project)
    assert time.perf_counter() - started < 5
    assert all(item.line >= 1 and item.column >= 1 and item.file for item in result.diagnostics)
    assert not any(item.code == "E999" for item in result.diagnostics)
    expected = EXPECTED[name]
    if expected == "clean":
        assert result.errors == 0, result.diagnostics
        assert len(result.profiles) == 1
        _, files = pipeline.render_site(result, project, include_drafts=True)
        assert_safe(files)
        assert not check_links(files, project.site.prefix)
        for path, data in files.items():  # body HTML cannot close the layout's <main> or leave a <div> open
            if path.endswith(".html"):
                page = data.decode("utf-8").lower()
                assert page.count("<main") == page.count("</main>") <= 1, path
                assert page.count("<div") == page.count("</div>"), path
                assert "\x00" not in page, path
    else:
        assert errors_of(result, name) == {tuple(expected)}, result.diagnostics
        assert not result.profiles


def test_generated_cases(project, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    cases = generated_cases(content)
    result = pipeline.load_content(content, project)
    for name, expected in cases.items():
        if expected == "clean":
            assert not errors_of(result, name), (name, result.diagnostics)
        else:
            assert errors_of(result, name) == {expected}, (name, errors_of(result, name))


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_whole_corpus_through_the_cli_within_memory_and_time_bounds(tmp_path):
    """`check` and `build` on all of it at once, under 1 GiB of address space and 20 s: exit 1, a diagnostic
    for each bad file at its line, no traceback, the previous output untouched."""
    content = tmp_path / "content"
    content.mkdir()
    for name in EXPECTED:
        shutil.copyfile(HOSTILE / name, content / name)
    shutil.copyfile(FIXTURES / "invalid" / "anh.png", content / "anh.png")
    expected = {name: tuple(value) if value != "clean" else value for name, value in EXPECTED.items()}
    expected.update(generated_cases(content))
    out = tmp_path / "public"
    (out / "cu").mkdir(parents=True)
    (out / "cu" / "index.html").write_bytes(b"trang cu")
    command = [sys.executable, str(ROOT / "build.py")]
    checked = subprocess.run([*command, "check", "--format", "json", "--content", str(content)], capture_output=True, text=True,
                             timeout=20, preexec_fn=_limits, cwd=ROOT)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr
    report = json.loads(checked.stdout)["diagnostics"]
    for name, value in expected.items():
        found = {(item["code"], item["line"]) for item in report if item["severity"] == "error" and item["file"].endswith("/" + name)}
        assert found == (set() if value == "clean" else {value}), (name, found)
    built = subprocess.run([*command, "build", "--content", str(content), "--out", str(out)], capture_output=True, text=True,
                           timeout=20, preexec_fn=_limits, cwd=ROOT)
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert [path.name for path in out.rglob("*")] == ["cu", "index.html"] and (out / "cu" / "index.html").read_bytes() == b"trang cu"


# --- property-based: generated front-matter and Markdown through the real stages ---------------------

HOSTILE_STRINGS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "jav&#x61;script:x",
    "<svg/onload=alert(1)>", "data:text/html;base64,PHNjcmlwdD4=", "\u200b", "\u202e", "\x00", "\x07", "\u2028",
    "&", "*a", "&a", "!!python/object", "{{ 7*7 }}", "{% raw %}", "---", "\t", "'", '"', ":", "#", "- ", "yes", "~",
    "Nguyễn Văn Đức", "Nguye\u0302\u0303n", "\ufeff", "</textarea>", "<a href='javascript:x'>a</a>", "`<script>`",
]
texts = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=40),
                  st.lists(st.sampled_from(HOSTILE_STRINGS), max_size=4).map("".join))
scalars = st.one_of(texts, st.integers(), st.booleans(), st.none(), st.dates(), st.floats(allow_nan=False))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
                      max_leaves=12)
KEYS = ["name", "kind", "field", "unit", "year", "achievements", "position", "summary", "criteria", "awards", "stage",
        "nominated", "consent", "photo", "photo_alt", "slug", "aliases", "draft", "withdrawn"]
front_matter = st.dictionaries(st.one_of(st.sampled_from(KEYS), texts), values, max_size=10)
markdown_lines = st.lists(st.one_of(texts, st.sampled_from([
    "[x](javascript:alert(1))", "<script>", "<div onclick=x>", "![a](data:image/png;base64,AA)", "```", "> " * 30,
    "<a href=\"jav\tascript:x\">t</a>", "<IMG SRC=JaVaScRiPt:alert(1)>", "<<script>script>", "<scr<script>ipt>",
])), max_size=12).map("\n".join)


def _dump(data: dict) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return yaml.safe_dump({str(key): str(value) for key, value in data.items()}, allow_unicode=True)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=front_matter, body=markdown_lines, raw=st.booleans())
def test_generated_profiles_never_crash_and_never_emit_script(data, body, raw, project, tmp_path):
    text = ("---\n" + _dump(data) + "---\n" + body) if not raw else ("---\n" + "\n".join(f"{k}: {v}" for k, v in data.items())
                                                                       + "\n---\n" + body)
    parsed = read_profile("ho-so/x.md", text.encode("utf-8", "surrogatepass"))
    from showcase.source.validate import validate_profile

    profile, diagnostics = validate_profile(parsed, project, tmp_path, "x.md")
    for item in diagnostics:
        assert item.file == "ho-so/x.md" and item.line >= 1 and item.column >= 1
    html = MarkdownRenderer().render(parsed.body)
    assert unsafe_markup(html) == [], html
