"""The sample site, built end to end: pages, listings, links and what the plan says."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

from showcase.common.text import slugify
from showcase.engine import pipeline

PREFIX = "/guong-nguoi-tot-viec-tot/"


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def sample_profiles() -> list[tuple[Path, dict]]:
    return [(path, front_matter(path)) for path in sorted((ROOT / "content").rglob("*.md")) if not path.name.startswith("_")]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "srcset" and value:
                self.links += [part.strip().split()[0] for part in value.split(",") if part.strip()]


def page(out: Path, url: str) -> str:
    path = out / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return path.read_text(encoding="utf-8")


def test_every_published_profile_has_its_page(built_site):
    profiles = sample_profiles()
    assert len(profiles) >= 40
    for path, data in profiles:
        slug = data.get("slug") or slugify(path.stem)
        target = built_site / PREFIX.strip("/") / "ho-so" / slug / "index.html"
        assert target.exists() != bool(data.get("draft")), path


def test_every_term_with_profiles_has_its_listing(built_site):
    published = [data for _, data in sample_profiles() if not data.get("draft")]
    for taxonomy, key in (("linh-vuc", "field"), ("don-vi", "unit"), ("nam", "year"), ("loai", "kind")):
        for term in {data[key] for data in published}:
            html = page(built_site, f"{PREFIX}{taxonomy}/{term}/")
            count = sum(1 for data in published if data[key] == term)
            assert f"{count} điển hình" in html, (taxonomy, term)


def test_every_internal_link_and_asset_resolves(built_site):
    broken = []
    for html_file in built_site.rglob("*.html"):
        parser = _Links()
        parser.feed(html_file.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#") or link.startswith("mailto:"):
                continue
            path = parts.path
            target = built_site / path.lstrip("/") if path.startswith("/") else html_file.parent / path
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((str(html_file.relative_to(built_site)), link))
    assert broken == []


def test_profile_page_shows_plan_criteria_awards_and_dates(built_site):
    for path, data in sample_profiles():
        if data.get("draft") or not data.get("criteria") or not data.get("awards"):
            continue
        html = page(built_site, f"{PREFIX}ho-so/{slugify(path.stem)}/")
        plan = yaml.safe_load((ROOT / "data/plans/2021-2025.yaml").read_text(encoding="utf-8"))
        texts = {c["id"]: c["text"] for c in plan["general_criteria"]["criteria"]}
        texts.update({c["id"]: c["text"] for field in plan["fields"] for c in field["criteria"]})
        for criterion in data["criteria"]:
            assert texts[criterion].replace("“", "&#34;")[:40] in html.replace("“", "&#34;"), criterion
        award = data["awards"][0]
        assert award["title"] in html
        date = award["date"]
        assert f"ngày {date.day} tháng {date.month} năm {date.year}" in html
        break
    else:
        pytest.fail("no sample profile with criteria and awards")


def test_listings_follow_vietnamese_name_order(built_site):
    html = page(built_site, f"{PREFIX}loai/ca-nhan/")
    names = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)
    from showcase.common.text import person_sort_key

    assert names == sorted(names, key=person_sort_key)


def test_drafts_only_with_flag(tmp_path):
    drafts = [path for path, data in sample_profiles() if data.get("draft")]
    assert drafts, "the sample content should contain a draft"
    out = tmp_path / "with-drafts"
    assert run_cli("build", "--drafts", "--out", str(out)).returncode == 0
    assert (out / PREFIX.strip("/") / "ho-so" / slugify(drafts[0].stem) / "index.html").exists()


def test_no_script_anywhere(built_site):
    for html_file in built_site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8").lower()
        assert "javascript:" not in text and " onclick=" not in text


def test_base_url_with_sub_path(tmp_path):
    out = tmp_path / "sub"
    result = run_cli("build", "--out", str(out), "--base-url", "https://example.gov.vn/sxd/")
    assert result.returncode == 0, result.stderr
    home = out / "sxd" / PREFIX.strip("/") / "index.html"
    assert home.exists()
    assert 'href="/sxd/guong-nguoi-tot-viec-tot/linh-vuc/"' in home.read_text(encoding="utf-8")


def test_failed_build_leaves_previous_output(tmp_path):
    out = tmp_path / "public"
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text((FIXTURES / "valid" / "tran-thi-b.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (content / "b.md").write_text("---\nname: [\n---\n", encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_schema_accepts_samples_and_rejects_type_and_enum_errors():
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path, data in sample_profiles():
        errors = list(validator.iter_errors(data))
        assert not errors, (path, errors[0].message)
    broken = {
        "year-as-text.md": "year", "unknown-unit.md": "unit", "unknown-kind.md": "kind",
        "name-boolean.md": "name", "unknown-criterion.md": "criteria", "achievements-not-list.md": "achievements",
    }
    for name, key in broken.items():
        data = front_matter(FIXTURES / "invalid" / name)
        failing_keys = {error.absolute_path[0] for error in validator.iter_errors(data) if error.absolute_path}
        assert failing_keys == {key}, name


def test_sample_content_is_clean(project):
    result = pipeline.load_content(ROOT / "content", project)
    assert result.errors == 0, [d for d in result.diagnostics if d.severity == "error"]


def test_one_search_box_per_page(built_site):
    boxes = {path.relative_to(built_site).as_posix(): count for path in built_site.rglob("*.html")
             if (count := len(re.findall(r'<input[^>]*type="search"', path.read_text(encoding="utf-8")))) > 1}
    assert boxes == {}


def test_home_leads_with_exemplars_and_explains_the_old_province_name(built_site):
    html = page(built_site, PREFIX)
    main = html[html.index("<main"):]
    assert main.index('class="card') < main.index("Kế hoạch"), "exemplars come before the plan's introduction"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
    # The plan was issued by the old province: where its name first appears, one clause says why.
    first = text.index("Quảng Bình")
    sentence = text[text.rfind(".", 0, first) + 1:text.find(".", first)]
    assert "hợp nhất" in sentence, sentence


def test_profile_page_shows_typographic_quotes_and_the_job_title_once(tmp_path):
    from conftest import copy_project

    root = copy_project(tmp_path / "project")
    source = root / "content" / "ho-so" / "2022" / "to-mot-cua-van-phong-so.md"
    text = source.read_text(encoding="utf-8")
    text = text.replace("name: Tổ Một cửa – Văn phòng Sở", 'name: Tổ "Một cửa" – Văn phòng Sở')
    text = text.replace("summary: Tổ Một cửa nâng mạnh", "summary: 'Tổ \"Một cửa\" nâng mạnh")
    text = text.replace("không có hồ sơ trễ hạn.\n", "không có hồ sơ trễ hạn.'\n", 1)
    text = text.replace("  - Tỷ lệ hồ sơ nộp trực tuyến tăng", '  - Tỷ lệ hồ sơ nộp "trực tuyến" tăng')
    text = text.replace("nghe góp ý của người dân", 'nghe góp ý của người dân, gõ `"mã"` đúng')
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "public"
    result = run_cli("build", "--content", str(root / "content"), "--out", str(out), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    html = page(out, f"{PREFIX}ho-so/to-mot-cua-van-phong-so/")
    article = html[html.index('<article class="profile"'):html.index("</article>")]
    assert "<h1" in article and "Tổ “Một cửa” – Văn phòng Sở</h1>" in article
    assert "Tổ “Một cửa” nâng" in article and "nộp “trực tuyến” tăng" in article
    assert "một “khách hàng”" in article and "không để hồ sơ “nằm chờ”" in article
    assert re.search(r"<code>(&quot;|\")mã(&quot;|\")</code>", article), "code is printed as written"
    assert "<title>Tổ “Một cửa” – Văn phòng Sở" in html
    text_only = re.sub(r"<[^>]+>", " ", re.sub(r"<code>.*?</code>", "", article))
    assert '"' not in text_only and "&quot;" not in text_only, "no straight double quote left in the text"
    position = "Tổ công tác trực thuộc Văn phòng Sở, làm việc tại Trung tâm Phục vụ hành chính công tỉnh"
    assert text_only.count(position) == 1, "the job title is shown once"


def test_listing_sorted_by_given_name_says_so(built_site):
    html = page(built_site, f"{PREFIX}loai/ca-nhan/")
    assert re.search(r'<p class="count">[^<]*xếp theo tên', html)
