"""Publishing on Netlify: the configuration, headers and redirects as Netlify's own parsers read them,
withdrawn and draft profiles, aliases, and the link check that guards every build."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli
from pagefind_bundle import meaning

from showcase.engine import pipeline
from showcase.site.linkcheck import check_links

PREFIX = "/guong-nguoi-tot-viec-tot/"
BASE = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")
SITE = yaml.safe_load((ROOT / "data" / "site.yaml").read_text(encoding="utf-8"))
NODE_TOOLS = ROOT / "node_modules" / "@netlify" / "config"


def variant(**changes: str) -> str:
    """The valid fixture with front-matter lines replaced or added (value None removes the key)."""
    head, body = BASE.split("\n---\n", 1)
    lines = head.split("\n")
    for key, value in changes.items():
        lines = [line for line in lines if not line.startswith(f"{key}:")]
        if value is not None:
            lines.insert(1, f"{key}: {value}")
    return "\n".join(lines) + "\n---\n" + body


def write_content(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tran-thi-b.md").write_text(
        variant(aliases=f"[{PREFIX}ho-so/ten-cu/, {PREFIX}ho-so/ten-cu-khac]"), encoding="utf-8")
    (folder / "le-van-rut.md").write_text(
        variant(name="Lê Văn Rútgọn", withdrawn="true", aliases=f"[{PREFIX}ho-so/rut-cu/]"), encoding="utf-8")
    (folder / "pham-thi-nhap.md").write_text(variant(name="Phạm Thị Nhápnháp", draft="true"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The same content built as production and as a deploy preview."""
    root = tmp_path_factory.mktemp("publish")
    content = write_content(root / "content")
    built = {}
    for name, flags in (("production", []), ("preview", ["--drafts", "--preview"])):
        out = root / name
        result = run_cli("build", "--content", str(content), "--out", str(out), *flags)
        assert result.returncode == 0, result.stderr
        built[name] = out
    return built


CMS = f"{PREFIX}quan-tri/"


def html_files(out: Path) -> list[Path]:
    """The site's pages: the editors' form (always noindex, see test_cms_folder_...) is not one of them."""
    return sorted(path for path in out.rglob("*.html") if not ("/" + path.relative_to(out).as_posix()).startswith(CMS))


def netlify_view(out: Path, *probes: str) -> dict:
    if not NODE_TOOLS.exists() or shutil.which("node") is None:
        pytest.fail("npm tools missing: run `npm install` (python3 dev.py test does it)")
    result = subprocess.run(["node", str(ROOT / "tests" / "netlify" / "inspect.mjs"), str(ROOT), str(out), *probes],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_netlify_contexts_resolved_by_netlify_config(sites):
    view = netlify_view(sites["production"])
    production, preview, branch = (view["contexts"][name] for name in ("production", "deploy-preview", "branch-deploy"))
    for context in (production, preview, branch):
        assert context["environment"]["PYTHON_VERSION"] == "3.11"
        assert Path(context["publish"]) == ROOT / "public"
        assert context["command"].startswith("python build.py build")
    assert "--drafts" not in production["command"] and "--preview" not in production["command"]
    for context in (preview, branch):
        assert "--drafts" in context["command"] and "--preview" in context["command"]
    assert (ROOT / "requirements.txt").exists()  # Netlify installs it before the build command
    # The build cache (.cache/) and the output (public/, pages checked by their bytes before they are kept:
    # test_speed.py) survive between deploys in every context, so production builds are incremental.
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    for context in (production, preview, branch):
        assert {"package": "netlify-plugin-cache", "inputs": {"paths": [".cache", "public"]}} in context["plugins"]
    assert "netlify-plugin-cache" in package["devDependencies"]
    assert (ROOT / "node_modules" / "netlify-plugin-cache" / "manifest.yml").is_file()


def test_headers_parsed_by_netlify_apply_to_the_right_paths(sites):
    out = sites["production"]
    asset = next(path for path in (out / PREFIX.strip("/") / "assets").rglob("*.css"))
    asset_url = "/" + asset.relative_to(out).as_posix()
    pages = [PREFIX, f"{PREFIX}ho-so/tran-thi-b/", f"{PREFIX}linh-vuc/", f"{PREFIX}tat-ca/", "/404.html", "/"]
    view = netlify_view(out, asset_url, *pages)
    assert view["headerErrors"] == []
    ancestors = " ".join(SITE["frame_ancestors"])
    for url in [asset_url, *pages]:
        merged = {}
        cache_rules = policies = 0
        for rule in view["matches"][url]:
            merged.update(rule["values"])
            cache_rules += "Cache-Control" in rule["values"]
            policies += "Content-Security-Policy" in rule["values"]
        assert cache_rules == 1, (url, view["matches"][url])  # Netlify would join two values with a comma
        assert policies == 1, (url, view["matches"][url])  # and a browser would enforce both policies
        csp = merged["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval'" not in csp.replace("wasm-unsafe-eval'", "")
        assert f"frame-ancestors {ancestors}" in csp and "script-src 'self' 'wasm-unsafe-eval'" in csp
        assert "object-src 'none'" in csp and "base-uri 'self'" in csp
        assert merged["Strict-Transport-Security"].startswith("max-age=") and merged["X-Content-Type-Options"] == "nosniff"
        assert merged["Referrer-Policy"] and "camera=()" in merged["Permissions-Policy"]
        assert "X-Robots-Tag" not in merged
        if url == asset_url:
            assert merged["Cache-Control"] == "public, max-age=31536000, immutable"
        else:
            assert "immutable" not in merged["Cache-Control"] and "max-age=300" in merged["Cache-Control"]


def test_cms_folder_alone_gets_the_policy_decap_needs(sites):
    """Decap compiles its config schema at run time: its folder, and only it, allows 'unsafe-eval', through
    exactly one policy (Netlify joins the values of every matching rule, and a browser enforces each)."""
    out = sites["production"]
    probes = [CMS, f"{CMS}index.html", f"{CMS}config.yml", f"{CMS}decap-cms.js", PREFIX, f"{PREFIX}ho-so/tran-thi-b/",
              f"{PREFIX}feed.xml", "/"]
    view = netlify_view(out, *probes)
    assert view["headerErrors"] == []
    for url in probes:
        policies = [rule["values"]["Content-Security-Policy"] for rule in view["matches"][url]
                    if "Content-Security-Policy" in rule["values"]]
        assert len(policies) == 1, (url, view["matches"][url])
        relaxed = "'unsafe-eval'" in policies[0]
        assert relaxed == url.startswith(CMS), (url, policies[0])
        if relaxed:
            assert "connect-src 'self' blob: data: https://api.github.com" in policies[0] and "object-src 'none'" in policies[0]
            assert "upgrade-insecure-requests" not in policies[0]  # decap-server answers on http://127.0.0.1
    page = (out / CMS.lstrip("/") / "index.html").read_text(encoding="utf-8")
    assert 'name="robots" content="noindex, nofollow"' in page
    assert CMS not in (out / PREFIX.lstrip("/") / "sitemap.xml").read_text(encoding="utf-8")
    for feed in ("feed.xml", "feed.json"):
        assert "quan-tri" not in (out / PREFIX.lstrip("/") / feed).read_text(encoding="utf-8")
    folder = out / PREFIX.lstrip("/") / "pagefind"
    fragments = meaning({path.relative_to(folder).as_posix(): path.read_bytes()
                         for path in folder.rglob("*") if path.is_file() and "pagefind-" not in path.name or
                         path.name == "pagefind-entry.json"})["fragments"]
    assert fragments and not any(b"quan-tri" in fragment for fragment in fragments.values())


def test_redirects_parsed_by_netlify_301_for_aliases_410_for_withdrawn(sites):
    out = sites["production"]
    view = netlify_view(out)
    assert view["redirectErrors"] == []
    rules = {(rule["from"], rule["to"], rule["status"]) for rule in view["redirects"]}
    target = f"{PREFIX}ho-so/tran-thi-b/"
    gone = f"{PREFIX}da-go/"
    assert (f"{PREFIX}ho-so/ten-cu/", target, 301) in rules
    assert (f"{PREFIX}ho-so/ten-cu-khac/", target, 301) in rules
    assert (f"{PREFIX}ho-so/le-van-rut/", gone, 410) in rules
    assert (f"{PREFIX}ho-so/rut-cu/", gone, 410) in rules
    assert len(rules) == 4
    assert (out / gone.lstrip("/") / "index.html").exists() and (out / target.lstrip("/") / "index.html").exists()
    assert 'name="robots" content="noindex"' in (out / gone.lstrip("/") / "index.html").read_text(encoding="utf-8")


def test_withdrawn_profile_is_nowhere_in_the_output(sites):
    for out in sites.values():
        assert not (out / PREFIX.strip("/") / "ho-so" / "le-van-rut").exists()
        for path in out.rglob("*"):
            if path.is_file():
                assert "Rútgọn".encode() not in path.read_bytes(), path  # pages, listings, feeds, search index, sitemap


def test_production_has_no_drafts_and_no_noindex(sites):
    out = sites["production"]
    assert not (out / PREFIX.strip("/") / "ho-so" / "pham-thi-nhap").exists()
    for path in html_files(out):
        text = path.read_text(encoding="utf-8")
        assert "Nhápnháp" not in text and "draft-banner" not in text
        assert 'name="robots" content="noindex, nofollow"' not in text
    assert "X-Robots-Tag" not in (out / "_headers").read_text(encoding="utf-8")


def test_preview_has_drafts_with_banner_and_noindex_everywhere(sites):
    out = sites["preview"]
    draft = out / PREFIX.strip("/") / "ho-so" / "pham-thi-nhap" / "index.html"
    assert draft.exists()
    assert 'class="draft-banner"' in draft.read_text(encoding="utf-8") and "Bản nháp" in draft.read_text(encoding="utf-8")
    published = out / PREFIX.strip("/") / "ho-so" / "tran-thi-b" / "index.html"
    assert 'class="draft-banner"' not in published.read_text(encoding="utf-8")
    for path in html_files(out):
        if path.name == "index.html" and path.parent == out:
            continue  # the meta-refresh page at the domain root (sub-path sites only) has no layout
        assert '<meta name="robots" content="noindex' in path.read_text(encoding="utf-8"), path
    view = netlify_view(out, f"{PREFIX}ho-so/tran-thi-b/")
    merged = {key: value for rule in view["matches"][f"{PREFIX}ho-so/tran-thi-b/"] for key, value in rule["values"].items()}
    assert merged["X-Robots-Tag"].startswith("noindex")


def test_html_has_no_inline_script_or_style_the_csp_would_block(sites):
    for path in html_files(sites["preview"]):
        text = path.read_text(encoding="utf-8").lower()
        assert "style=" not in text and "<style" not in text, path
        assert "<script>" not in text and " on" not in text.replace(" only", ""), path


@pytest.mark.parametrize("aliases, code, line", [
    (f"[{PREFIX}ho-so/tran-thi-b/]", "E041", 2),  # its own live URL
    ("[https://example.com/x/]", "E042", 2),
    ("['/a/*']", "E042", 2),
    ("['/a/:slug/']", "E042", 2),
    ("[/a/../b/]", "E042", 2),
    (f"[{PREFIX}linh-vuc/]", "E041", 2),
])
def test_bad_aliases(aliases, code, line, project, content_dir):
    (content_dir / "tran-thi-b.md").write_text(variant(aliases=aliases), encoding="utf-8")
    result = pipeline.load_content(content_dir, project)
    assert [(item.code, item.line) for item in result.diagnostics if item.severity == "error"] == [(code, line)]


def test_alias_claimed_twice_or_equal_to_another_profile(project, content_dir):
    (content_dir / "tran-thi-b.md").write_text(variant(aliases=f"[{PREFIX}ho-so/chung/]"), encoding="utf-8")
    (content_dir / "tran-thi-c.md").write_text(
        variant(aliases=f"[{PREFIX}ho-so/CHUNG, {PREFIX}ho-so/tran-thi-b/]"), encoding="utf-8")
    result = pipeline.load_content(content_dir, project)
    found = [(item.code, item.file.rsplit("/", 1)[-1], item.args["alias"]) for item in result.diagnostics]
    assert found == [("E041", "tran-thi-c.md", f"{PREFIX}ho-so/CHUNG/"), ("E041", "tran-thi-c.md", f"{PREFIX}ho-so/tran-thi-b/")]


def test_broken_internal_link_fails_the_build_and_keeps_output(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "tran-thi-b.md").write_text(BASE, encoding="utf-8")
    out = tmp_path / "public"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    (content / "tran-thi-b.md").write_text(BASE + f"\nXem [hồ sơ cũ]({PREFIX}ho-so/khong-co/).\n", encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[E040]" in result.stderr and f"{PREFIX}ho-so/khong-co/" in result.stderr
    assert "ho-so/tran-thi-b/index.html" in result.stderr
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


def test_link_check_rules():
    files = {
        "s/index.html": b'<a href="a/">x</a><a href="/s/b/c.html#top">y</a><img src="img/p.jpg" srcset="img/p.jpg 1x, img/q.jpg 2x">'
                        b'<a href="/khac/trang/">other site</a><a href="https://x.vn/">ext</a><a href="#top">t</a>',
        "s/a/index.html": b'<a href="../b/c.html">back</a>\n<a href="../nope/">bad</a><link rel="stylesheet" href="/s/x.css">',
        "s/b/c.html": b"", "s/img/p.jpg": b"",
    }
    found = [(item.file, item.line, item.args["link"]) for item in check_links(files, "/s/")]
    assert found == [("s/a/index.html", 2, "../nope/"), ("s/a/index.html", 2, "/s/x.css"), ("s/index.html", 1, "img/q.jpg")]
    assert [item.args["link"] for item in check_links({"i.html": b'<a href="javascript:alert(1)">x</a>'})] == ["javascript:alert(1)"]
