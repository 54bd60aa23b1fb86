"""Photos (sizes, formats, privacy, cache, E027) and sharing files (feeds, sitemap, robots.txt, JSON-LD, Open Graph)."""

import io
import json
import re
import shutil
import struct
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli
from PIL import Image, ImageCms

from showcase.common.diagnostics import resolve
from showcase.common.text import slugify
from showcase.engine import pipeline
from showcase.site import images
from showcase.site.feeds import JSON_FEED_VERSION
from showcase.source import photos

PREFIX = "/guong-nguoi-tot-viec-tot/"
ORIGIN = "https://sxd.quangtri.gov.vn"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
VALID = (FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8")


# --- helpers --------------------------------------------------------------------------------


def photo_bytes(size=(1500, 1200), orientation: int | None = None, fmt="JPEG", mode="RGB") -> bytes:
    """A picture whose top-left quarter is red, with EXIF (GPS, camera, orientation) and an ICC profile."""
    image = Image.new(mode, size, (40, 90, 160) if mode == "RGB" else (40, 90, 160, 128))
    image.paste((220, 30, 30) if mode == "RGB" else (220, 30, 30, 255), (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[0x010F] = "Hang may anh"  # Make
    exif[0x0131] = "Phan mem chinh anh"  # Software
    if orientation:
        exif[0x0112] = orientation
    exif.get_ifd(0x8825)[2] = (16.0, 47.0, 0.0)  # GPSLatitude: where the person lives
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(buffer, fmt, exif=exif.tobytes(), icc_profile=icc, **({"quality": 95} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def header_only_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IEND", b""))


def profile_text(name="Trần Thị B", photo: str | None = None, extra: str = "") -> str:
    text = VALID.replace("name: Trần Thị B", f"name: {json.dumps(name, ensure_ascii=False)}")
    text = text.replace("scope: [ho-ten,", "scope: [anh, ho-ten,")
    if photo:
        text = text.replace("consent:", f"photo: {photo}\nphoto_alt: Ảnh chân dung minh họa\nconsent:")
    return text.replace("stage: binh-chon", f"stage: binh-chon{extra}")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))
            self._script = None

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def parse_html(path: Path) -> _Tags:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])


def published_samples() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        if path.name.startswith("_"):
            continue
        data = front_matter(path)
        if not data.get("draft") and not data.get("withdrawn"):
            found.append((path, data))
    return found


def canonical(path: Path, data: dict) -> str:
    return f"{ORIGIN}{PREFIX}ho-so/{data.get('slug') or slugify(path.stem)}/"


# --- photos: encoding ------------------------------------------------------------------------


def test_variants_have_the_requested_widths_and_formats_and_keep_the_aspect_ratio():
    rendered = images.render_photo(photo_bytes(size=(1200, 1500)))
    assert (rendered.width, rendered.height) == (1200, 1500)
    mimes = {variant.mime for variant in rendered.variants}
    assert {"image/webp", "image/jpeg"} <= mimes
    for mime in mimes:
        assert [v.width for v in rendered.variants if v.mime == mime] == [320, 640, 960]
    for variant in rendered.variants:
        decoded = Image.open(io.BytesIO(variant.data))
        assert decoded.format == {"image/avif": "AVIF", "image/webp": "WEBP", "image/jpeg": "JPEG"}[variant.mime]
        assert decoded.size == (variant.width, variant.height)
        assert variant.height == round(1500 * variant.width / 1200)


def test_small_photos_are_never_upscaled():
    rendered = images.render_photo(photo_bytes(size=(500, 400)))
    assert sorted({v.width for v in rendered.variants}) == [320, 500]
    tiny = images.render_photo(photo_bytes(size=(200, 300)))
    assert {v.width for v in tiny.variants} == {200}


def test_exif_orientation_is_applied_and_all_metadata_stripped():
    # Stored landscape 1500×1200 with "rotate 90° clockwise": displayed portrait 1200×1500.
    rendered = images.render_photo(photo_bytes(size=(1500, 1200), orientation=6))
    assert (rendered.width, rendered.height) == (1200, 1500)
    for variant in rendered.variants:
        decoded = Image.open(io.BytesIO(variant.data))
        assert decoded.height > decoded.width
        assert not decoded.getexif(), variant.mime
        assert "icc_profile" not in decoded.info and "exif" not in decoded.info and "xmp" not in decoded.info
        assert b"Hang may anh" not in variant.data and b"Exif\0\0" not in variant.data
        # The red quarter was top-left of the stored image; after rotating 90° clockwise it is top-right.
        rgb = decoded.convert("RGB")
        assert rgb.getpixel((decoded.width - 5, 5))[0] > 180
        assert rgb.getpixel((5, 5))[0] < 100


def test_transparent_png_gets_a_white_background_in_jpeg():
    rendered = images.render_photo(photo_bytes(size=(700, 700), fmt="PNG", mode="RGBA"))
    jpeg = next(v for v in rendered.variants if v.mime == "image/jpeg")
    decoded = Image.open(io.BytesIO(jpeg.data)).convert("RGB")
    pixel = decoded.getpixel((decoded.width - 10, decoded.height - 10))
    assert pixel[0] > 120 and pixel[1] > 150  # blue at half opacity over white, not over black


def test_encoding_is_deterministic_and_cached_by_content_hash(tmp_path):
    data = photo_bytes()
    first, hit = images.cached_render(data, tmp_path)
    assert not hit
    second, hit = images.cached_render(data, tmp_path)
    assert hit
    assert [v.data for v in first.variants] == [v.data for v in second.variants]
    assert [v.data for v in images.render_photo(data).variants] == [v.data for v in first.variants]
    entries = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert [p.name for p in entries] == [images.cache_key(data)]
    # A damaged cache entry is detected by its checksum and rebuilt, never published.
    victim = next(p for p in entries[0].iterdir() if p.suffix == ".jpg")
    victim.write_bytes(b"garbage")
    third, hit = images.cached_render(data, tmp_path)
    assert not hit and [v.data for v in third.variants] == [v.data for v in first.variants]


# --- photos: E027 ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, words", [
    ("anh-hong.jpg", "hỏng"), ("khong-phai-anh.jpg", "không phải tệp ảnh"), ("anh-qua-lon.png", "quá lớn"),
])
def test_broken_photos_are_described(name, words):
    problem = photos.inspect_photo((FIXTURES / "invalid" / name).read_bytes())
    assert problem and words in resolve(problem, "vi")


def test_bomb_below_pillows_hard_limit_is_still_refused():
    # Between MAX_PIXELS and twice that, Pillow only warns; we refuse.
    side = int((photos.MAX_PIXELS * 1.5) ** 0.5)
    assert "quá lớn" in resolve(photos.inspect_photo(header_only_png(side, side)), "vi")
    assert photos.inspect_photo(photo_bytes(size=(64, 48))) is None


def test_unsupported_format_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    assert "GIF" in resolve(photos.inspect_photo(buffer.getvalue()), "vi")


def test_check_reports_a_corrupt_photo_with_file_and_line(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copyfile(FIXTURES / "invalid" / "photo-corrupt.md", content / "p.md")
    shutil.copyfile(FIXTURES / "invalid" / "anh-hong.jpg", content / "anh-hong.jpg")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert re.search(r"p\.md:20:\d+: lỗi\[E027\]", result.stderr), result.stderr
    assert "50.000.000" in result.stderr  # the limit is named in the fix
    english = run_cli("check", "--content", str(content), "--lang", "en")
    assert "E027" in english.stderr and "50.000.000" in english.stderr


def test_photo_that_breaks_after_the_check_is_a_diagnostic_and_keeps_the_old_site(project, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "p.md").write_text(profile_text(photo="anh.jpg"), encoding="utf-8")
    (content / "anh.jpg").write_bytes(photo_bytes(size=(400, 500)))
    out = tmp_path / "public"
    result, pages = pipeline.build(content, out, project, include_drafts=False)
    assert result.errors == 0 and pages
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    result = pipeline.load_content(content, project)
    (content / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")  # replaced while the build runs
    pipeline.render_site(result, project, include_drafts=False)
    assert [(d.code, d.line) for d in result.diagnostics if d.severity == "error"] == [("E027", 20)]
    result, pages = pipeline.build(content, out, project, include_drafts=False)
    assert pages == 0 and [d.code for d in result.diagnostics if d.severity == "error"] == ["E027"]
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


# --- photos in the built sample site --------------------------------------------------------


def test_sample_photos_are_small_and_consented():
    photos = [(path, data) for path, data in published_samples() if data.get("photo")]
    assert len(photos) >= 3
    for path, data in photos:
        assert (path.parent / data["photo"]).stat().st_size < 150_000
        assert data.get("photo_alt")
        if data["kind"] == "ca-nhan":
            assert "anh" in data["consent"]["scope"]


def test_profile_pages_show_responsive_lazy_photos_with_alt(built_site):
    photos = [(path, data) for path, data in published_samples() if data.get("photo")]
    for path, data in photos:
        page = built_site / canonical(path, data).removeprefix(ORIGIN).lstrip("/") / "index.html"
        tags = parse_html(page).tags
        sources = [attrs for tag, attrs in tags if tag == "source"]
        img = next(attrs for tag, attrs in tags if tag == "img" and "srcset" in attrs)
        assert any(source["type"] == "image/webp" for source in sources)
        assert img["alt"] == data["photo_alt"]
        assert img["loading"] == "lazy" and img["decoding"] == "async" and img["sizes"]
        assert int(img["width"]) > 0 and int(img["height"]) > 0
        for srcset in [img["srcset"], *(source["srcset"] for source in sources)]:
            for candidate in srcset.split(", "):
                url, width = candidate.split(" ")
                assert url.startswith(f"{PREFIX}assets/photos/")
                decoded = Image.open(built_site / url.lstrip("/"))
                assert f"{decoded.width}w" == width
                assert decoded.width / decoded.height == pytest.approx(int(img["width"]) / int(img["height"]), rel=0.01)
        fallback = Image.open(built_site / img["src"].lstrip("/"))
        assert fallback.format == "JPEG" and fallback.size == (int(img["width"]), int(img["height"]))


def test_rebuild_reuses_the_image_cache(tmp_path):
    first = run_cli("build", "--out", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    second = run_cli("build", "--out", str(tmp_path / "b"))
    photos = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("assets/photos/*"))
    assert photos and photos == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("assets/photos/*"))
    for relative in photos:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    assert second.returncode == 0


# --- feeds, sitemap, robots.txt ----------------------------------------------------------------


def test_atom_feed_lists_every_published_profile_newest_first(built_site):
    feed = ET.parse(built_site / PREFIX.strip("/") / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{ORIGIN}{PREFIX}feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    expected = {canonical(path, data): data for path, data in published_samples()}
    assert {entry.find(f"{ATOM}id").text for entry in entries} == set(expected)
    assert len(entries) == len(expected)
    years = [int(entry.find(f"{ATOM}published").text[:4]) for entry in entries]
    assert [expected[e.find(f"{ATOM}id").text]["year"] for e in entries] == sorted(
        (expected[e.find(f"{ATOM}id").text]["year"] for e in entries), reverse=True)
    assert all(year >= 2021 for year in years)
    for entry in entries:
        data = expected[entry.find(f"{ATOM}id").text]
        assert entry.find(f"{ATOM}title").text == data["name"]
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == entry.find(f"{ATOM}id").text
        assert entry.find(f"{ATOM}author/{ATOM}name").text == "Sở Xây dựng tỉnh Quảng Trị"
        assert entry.find(f"{ATOM}summary").text
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and "<script" not in content.text.lower()
        assert entry.find(f"{ATOM}updated").text.endswith("+07:00")
        if data.get("photo"):
            enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
            assert enclosure.get("type") == "image/jpeg"
            assert (built_site / enclosure.get("href").removeprefix(ORIGIN).lstrip("/")).exists()


def test_feeds_keep_only_the_newest_profiles(tmp_path):
    root = tmp_path / "project"
    for part in ("data", "layouts", "static"):
        shutil.copytree(ROOT / part, root / part)
    site_file = root / "data" / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8").replace("feed_count: 50", "feed_count: 3"), encoding="utf-8")
    from showcase.common.config import load_project
    from showcase.site.feeds import newest_first

    project = load_project(root)
    result = pipeline.load_content(ROOT / "content", project, cache_dir=None)
    pages, files = pipeline.render_site(result, project, include_drafts=False)
    everyone = newest_first([page.context["profile"] for page in pages if isinstance(page.context.get("profile"), dict)])
    assert len(everyone) > 3
    newest = [profile["canonical"] for profile in everyone[:3]]
    feed = json.loads(files[PREFIX.lstrip("/") + "feed.json"])
    assert [item["id"] for item in feed["items"]] == newest
    atom = ET.fromstring(files[PREFIX.lstrip("/") + "feed.xml"])
    assert [entry.find(f"{ATOM}id").text for entry in atom.findall(f"{ATOM}entry")] == newest


def test_json_feed_lists_every_published_profile(built_site):
    feed = json.loads((built_site / PREFIX.strip("/") / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{ORIGIN}{PREFIX}feed.json" and feed["home_page_url"] == f"{ORIGIN}{PREFIX}"
    expected = {canonical(path, data): data for path, data in published_samples()}
    assert [item["id"] for item in feed["items"]] == [item["url"] for item in feed["items"]]
    assert set(item["id"] for item in feed["items"]) == set(expected) and len(feed["items"]) == len(expected)
    for item in feed["items"]:
        data = expected[item["id"]]
        assert item["title"] == data["name"] and item["summary"] and item["content_html"]
        assert item["authors"][0]["name"] == "Sở Xây dựng tỉnh Quảng Trị"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+07:00", item["date_published"])
        assert ("image" in item) == bool(data.get("photo"))
        assert 'href="/' not in item["content_html"]  # links made absolute for other sites


def test_sitemap_lists_every_published_page_and_robots_points_to_it(built_site):
    root = ET.parse(built_site / PREFIX.strip("/") / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP}urlset"
    locations = [url.find(f"{SITEMAP}loc").text for url in root.findall(f"{SITEMAP}url")]
    assert len(locations) == len(set(locations))
    pages = set()
    for html_file in (built_site / PREFIX.strip("/")).rglob("index.html"):
        if html_file.parent.name in ("da-go", "quan-tri"):
            continue  # the page a withdrawn profile's URL shows with its 410, and the editors' form: not pages to index
        relative = html_file.parent.relative_to(built_site).as_posix()
        pages.add(f"{ORIGIN}/{relative}/")
    assert set(locations) == pages
    for path, data in published_samples():
        assert canonical(path, data) in locations
    robots = (built_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {ORIGIN}{PREFIX}sitemap.xml" in robots.splitlines()
    assert "Disallow: /\n" not in robots


def test_feeds_are_reproducible(tmp_path, built_site):
    again = tmp_path / "again"
    assert run_cli("build", "--out", str(again)).returncode == 0
    for name in ("feed.xml", "feed.json", "sitemap.xml"):
        relative = Path(PREFIX.strip("/")) / name
        assert (again / relative).read_bytes() == (built_site / relative).read_bytes(), name
    assert (again / "robots.txt").read_bytes() == (built_site / "robots.txt").read_bytes()


def test_sub_path_deployment_keeps_robots_at_the_root(tmp_path):
    out = tmp_path / "sub"
    assert run_cli("build", "--out", str(out), "--base-url", "https://example.gov.vn/sxd/").returncode == 0
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: https://example.gov.vn/sxd{PREFIX}sitemap.xml" in robots
    assert (out / "sxd" / PREFIX.strip("/") / "sitemap.xml").exists()
    sitemap = ET.parse(out / "sxd" / PREFIX.strip("/") / "sitemap.xml").getroot()
    assert all(loc.text.startswith(f"https://example.gov.vn/sxd{PREFIX}") for loc in sitemap.iter(f"{SITEMAP}loc"))


def test_drafts_and_withdrawn_profiles_never_reach_feeds_sitemap_or_photos(project, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for name in ("cong-khai", "ban-nhap", "da-rut"):
        extra = {"cong-khai": "", "ban-nhap": "\ndraft: true", "da-rut": "\nwithdrawn: true"}[name]
        (content / f"{name}.md").write_text(profile_text(name=f"Hồ sơ {name}", photo=f"{name}.jpg", extra=extra),
                                            encoding="utf-8")
        (content / f"{name}.jpg").write_bytes(photo_bytes(size=(400 + len(name), 500)))
    out = tmp_path / "public"
    result, pages = pipeline.build(content, out, project, include_drafts=False)
    assert result.errors == 0, result.diagnostics
    section = out / PREFIX.strip("/")
    everything = "".join((section / name).read_text(encoding="utf-8") for name in ("feed.xml", "feed.json", "sitemap.xml"))
    assert "cong-khai" in everything
    assert "ban-nhap" not in everything and "da-rut" not in everything
    photos = [p.name for p in (section / "assets" / "photos").iterdir()]
    assert photos and all(name.startswith("cong-khai-") for name in photos)


# --- head: Open Graph, Twitter, feeds, JSON-LD --------------------------------------------------


def test_every_page_links_the_feeds_and_has_open_graph(built_site):
    for html_file in (built_site / PREFIX.strip("/")).rglob("index.html"):
        tags = parse_html(html_file).tags
        robots = [attrs.get("content", "") for tag, attrs in tags if tag == "meta" and attrs.get("name") == "robots"]
        if any("noindex" in value for value in robots):
            continue  # print documents such as the yearbook are not meant to be shared or discovered
        links = {(attrs.get("rel"), attrs.get("type")): attrs.get("href") for tag, attrs in tags if tag == "link"}
        assert links[("alternate", "application/atom+xml")] == f"{PREFIX}feed.xml"
        assert links[("alternate", "application/feed+json")] == f"{PREFIX}feed.json"
        meta = {attrs.get("property") or attrs.get("name"): attrs.get("content") for tag, attrs in tags if tag == "meta"}
        assert meta["og:locale"] == "vi_VN" and meta["og:title"] and meta["og:description"]
        assert meta["og:url"] == links[("canonical", None)]
        assert meta["twitter:card"] in ("summary", "summary_large_image")


def test_profile_pages_have_json_ld_person_or_organization(built_site):
    for path, data in published_samples():
        page = built_site / canonical(path, data).removeprefix(ORIGIN).lstrip("/") / "index.html"
        parsed = parse_html(page)
        blocks = [json.loads(text) for attrs, text in parsed.scripts if attrs.get("type") == "application/ld+json"]
        assert len(blocks) == 1, path
        item = blocks[0]
        assert item["@context"] == "https://schema.org"
        assert item["@type"] == ("Person" if data["kind"] == "ca-nhan" else "Organization")
        assert item["name"] == data["name"] and item["url"] == canonical(path, data)
        assert item["award"] == ([award["title"] for award in data["awards"]] if data.get("awards") else item["award"])
        org = item["worksFor"] if item["@type"] == "Person" else item["parentOrganization"]
        names = {org["name"], org.get("parentOrganization", {}).get("name")}
        assert "Sở Xây dựng tỉnh Quảng Trị" in names
        meta = {attrs.get("property") or attrs.get("name"): attrs.get("content") for tag, attrs in parsed.tags if tag == "meta"}
        if data.get("photo"):
            assert item["image"]["url"] == meta["og:image"] and meta["og:image"].endswith(".jpg")
            assert meta["twitter:card"] == "summary_large_image"
            assert (built_site / meta["og:image"].removeprefix(ORIGIN).lstrip("/")).exists()
        else:
            assert "image" not in item and "og:image" not in meta


def test_json_ld_cannot_be_broken_out_of_by_editor_text(project, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "p.md").write_text(profile_text(name="B <script>alert(1)</script>"), encoding="utf-8")
    rejected, _ = pipeline.build(content, tmp_path / "public", project, include_drafts=False)
    assert [item.code for item in rejected.diagnostics if item.severity == "error"] == ["E022"]  # script in front-matter
    evil = "B </script> <!-- & C"  # what passes validation must still not end the JSON-LD block
    (content / "p.md").write_text(profile_text(name=evil), encoding="utf-8")
    out = tmp_path / "public"
    result, _ = pipeline.build(content, out, project, include_drafts=False)
    assert result.errors == 0, result.diagnostics
    html = (out / PREFIX.strip("/") / "ho-so" / "p" / "index.html").read_text(encoding="utf-8")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == evil
    assert "<script>alert" not in html


def test_safe_json_escapes_what_could_end_a_script_or_a_line():
    from showcase.site.metadata import safe_json

    text = str(safe_json({"a": "</script><!--&\u2028\u2029"}))
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}
