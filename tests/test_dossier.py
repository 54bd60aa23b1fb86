"""The nomination dossier (`build.py dossier`), checked the way the province's office would see it: the
Word files read back with python-docx, converted to PDF by LibreOffice and read with pdftotext; the
private folder's values never reaching the published site; the preview's download link."""

import gzip
import html
import io
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from conftest import ROOT, copy_project, run_cli
from docx.shared import Mm

from showcase.engine.preview import DOSSIER_URL, Preview, PreviewApp
from showcase.office.dossier_templates import make_templates

MILESTONE = "so-ket-2023"
TEMPLATES = ROOT / "layouts" / "dossier"
EPOCH = {"SOURCE_DATE_EPOCH": "1735689600"}  # 2025-01-01: the same bytes on every run
SUBMISSION, LIST, MINUTES = "01-to-trinh.docx", "02-danh-sach.docx", "03-bien-ban-hop-hoi-dong.docx"
COLLECTIVE_HEADING, PERSON_HEADING = "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", "I. SƠ LƯỢC LÝ LỊCH"
MARKERS = {"birth_date": "1911-11-11", "gender": "GioiTinhQX7", "hometown": "QueQuanZK31", "residence": "TruQuanWV58",
           "positions": "ChucVuDangMN24", "qualifications": "TrinhDoRP96", "honours": "HocViJT43", "duties": "NhiemVuHB70"}
MARKER_TEXTS = [value for key, value in MARKERS.items() if key != "birth_date"] + ["11/11/1911"]


def require(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"missing tool {tool}: install the Debian package {package} (python3 dev.py test does it)", pytrace=False)
    return found


def nominees() -> list[dict]:
    """The milestone's nominees as `report --milestone` gives them, each with its profile's awards."""
    result = run_cli("report", "--milestone", MILESTONE, "--format", "json")
    assert result.returncode == 0, result.stderr
    review = json.loads(result.stdout)
    found = [entry for entry in review["exemplars"] if entry["nominated"]]
    for entry in found:
        front = (ROOT / "content" / entry["source"]).read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
        entry["awards"] = yaml.safe_load(front).get("awards", [])
    assert len(found) >= 4 and {entry["kind"] for entry in found} == {"ca-nhan", "tap-the"}
    return found


def make_dossier(out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli("dossier", "--milestone", MILESTONE, "--out", str(out), "--date", "2025-02-05", *extra,
                   env={**EPOCH, **(env or {})})


@pytest.fixture(scope="module")
def dossier(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dossier") / "ho-so"
    result = make_dossier(out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


def text_of(document: docx.document.Document) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def docx_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.docx"))


# --- the templates -------------------------------------------------------------------------------------------


def test_committed_templates_equal_a_fresh_generation():
    fresh = make_templates()
    assert sorted(fresh) == sorted(path.name for path in TEMPLATES.glob("*.docx"))
    for name, data in fresh.items():
        assert (TEMPLATES / name).read_bytes() == data, f"run: python build.py dossier --make-templates ({name})"
    result = run_cli("dossier", "--make-templates", "--check")  # another process makes the same bytes
    assert result.returncode == 0, result.stderr


# --- read back with python-docx -------------------------------------------------------------------------------


def _effective(run, paragraph, attribute: str):
    """A run's font attribute as Word resolves it: the run, else its paragraph's style chain."""
    value = getattr(run.font, attribute)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.font, attribute)
        style = style.base_style
    return value


def test_every_document_is_laid_out_as_decree_30_asks(dossier):
    files = docx_files(dossier)
    assert len(files) >= 3 + 4
    for path in files:
        document = docx.Document(str(path))
        for section in document.sections:
            assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5), path.name
            assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25), path.name
            assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20), path.name
            assert section.different_first_page_header_footer, path.name
            assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", section.header._element.xml), path.name
            assert "PAGE" not in section.first_page_header._element.xml, path.name
            header_runs = [run for paragraph in section.header.paragraphs for run in paragraph.runs]
            assert header_runs and all(_effective(run, section.header.paragraphs[0], "size").pt in (13, 14) for run in header_runs)
        body = [paragraph for paragraph in document.paragraphs if paragraph.text.strip()]
        assert body, path.name
        for paragraph in body:
            for run in paragraph.runs:
                if run.text.strip():
                    assert _effective(run, paragraph, "name") == "Times New Roman", (path.name, run.text)
                    assert _effective(run, paragraph, "size").pt in (13, 14), (path.name, run.text)
        head = document.tables[0]
        texts = {paragraph.text: paragraph for cell in head.rows[0].cells for paragraph in cell.paragraphs}
        national, motto = texts["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], texts["Độc lập - Tự do - Hạnh phúc"]
        assert all(run.font.bold for run in national.runs) and all(run.font.size.pt in (12, 13) for run in national.runs)
        assert all(run.font.bold for run in motto.runs) and all(run.font.size.pt in (13, 14) for run in motto.runs)
        dated = [paragraph for cell in head.rows[1].cells for paragraph in cell.paragraphs if "ngày" in paragraph.text]
        assert [paragraph.text for paragraph in dated] == ["Quảng Trị, ngày 05 tháng 02 năm 2025"], path.name
        assert all(run.font.italic for run in dated[0].runs)
        for font in document.element.xpath("//w:rFonts"):  # no theme font that would win over Times New Roman
            assert not any("Theme" in name or "theme" in name for name in font.attrib), path.name
        assert unicodedata.is_normalized("NFC", text_of(document)), path.name


def test_one_report_per_nominee_in_the_form_of_its_kind(dossier):
    expected = nominees()
    reports = sorted(dossier.glob("04-*.docx"))
    assert len(reports) == len(expected)
    found = {}
    for path in reports:
        text = text_of(docx.Document(str(path)))
        kind = "tap-the" if COLLECTIVE_HEADING in text else "ca-nhan" if PERSON_HEADING in text else None
        assert kind is not None and (COLLECTIVE_HEADING in text) != (PERSON_HEADING in text), path.name
        name = next(entry["name"] for entry in expected if entry["slug"] in path.name)
        found[name] = kind
        assert name in text  # exactly as the profile writes it
    assert found == {entry["name"]: entry["kind"] for entry in expected}
    listing = text_of(docx.Document(str(dossier / LIST)))
    submission = text_of(docx.Document(str(dossier / SUBMISSION)))
    for entry in expected:
        assert entry["name"] in listing and entry["name"] in submission and entry["unit_name"] in listing
    assert "Kính gửi: Sở Nội vụ (cơ quan Thường trực Hội đồng Thi đua - Khen thưởng tỉnh)" in submission
    assert "Căn cứ Kế hoạch số 1837/KH-UBND ngày 05/10/2022" in submission  # the plan's basis
    assert "Nơi nhận:" in submission
    archive = zipfile.ZipFile(dossier / f"ho-so-de-nghi-{MILESTONE}.zip")
    assert sorted(archive.namelist()) == sorted(path.name for path in docx_files(dossier))
    for info in archive.infolist():
        assert archive.read(info.filename) == (dossier / info.filename).read_bytes()


def test_the_same_content_makes_the_same_bytes(dossier, tmp_path):
    result = make_dossier(tmp_path / "again")
    assert result.returncode == 0, result.stderr
    first = {path.name: path.read_bytes() for path in dossier.iterdir()}
    assert first == {path.name: path.read_bytes() for path in (tmp_path / "again").iterdir()}


# --- converted to PDF by LibreOffice ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(dossier, tmp_path_factory) -> dict[str, Path]:
    soffice = require("soffice", "libreoffice-writer-nogui (and fonts-liberation2)")
    require("pdftotext", "poppler-utils")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    done = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
                           "--convert-to", "pdf", "--outdir", str(out), *map(str, docx_files(dossier))],
                          capture_output=True, text=True, timeout=300)
    made = {path.stem: path for path in out.glob("*.pdf")}
    assert len(made) == len(docx_files(dossier)), done.stdout + done.stderr
    return made


def pdf_words(pdf: Path) -> list[tuple[float, float, list[tuple[str, float, float, float, float]]]]:
    """Per page: (width, height, [(word, xMin, yMin, xMax, yMax)]) in points, from pdftotext -bbox."""
    page_pattern = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
    word_pattern = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for width, height, body in page_pattern.findall(text):
        words = [(unicodedata.normalize("NFC", html.unescape(word)), *map(float, box))
                 for *box, word in word_pattern.findall(body)]
        pages.append((float(width), float(height), words))
    return pages


def pdf_text(pdf: Path) -> str:
    """The text in the order LibreOffice wrote it (-raw): a table cell's words together, not interleaved by line."""
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", text).split())


MM = 72 / 25.4
SLACK = 1.5  # points (half a millimetre)


def test_pdf_has_every_name_and_decision_number(pdfs):
    expected = nominees()
    listing = pdf_text(pdfs["02-danh-sach"])
    for entry in expected:
        report = pdf_text(next(path for stem, path in pdfs.items() if stem.startswith("04-") and stem.endswith(entry["slug"])))
        assert entry["name"] in report and entry["name"] in listing
        for award in entry["awards"]:
            assert award["decision"] in report, (entry["name"], award["decision"])
    assert any(entry["awards"] for entry in expected)


def test_pdf_page_numbers_from_page_two_and_no_text_outside_the_margins(pdfs):
    numbered = 0
    for stem, pdf in pdfs.items():
        pages = pdf_words(pdf)
        for index, (width, height, words) in enumerate(pages, 1):
            assert abs(width - 210 * MM) < 2 and abs(height - 297 * MM) < 2, stem
            top, bottom, left, right = 20 * MM, height - 20 * MM, 30 * MM, width - 15 * MM
            in_header = [word for word in words if word[4] <= top + 0.5]
            if index == 1:
                assert in_header == [], (stem, in_header)  # no number on the first page
            else:
                assert [word[0] for word in in_header] == [str(index)], (stem, index, in_header)
                number = in_header[0]
                assert abs((number[1] + number[3]) / 2 - (left + right) / 2) < 3 * MM, stem  # centred over the text
                numbered += 1
            for word in words:
                if word in in_header:
                    continue
                # A word's box runs from the font's ascent to its descent, a little beyond its line.
                assert word[1] >= left - SLACK and word[3] <= right + SLACK, (stem, index, word)
                assert word[2] >= top - SLACK and word[4] <= bottom + SLACK, (stem, index, word)
    reports = [stem for stem in pdfs if stem.startswith("04-")]
    assert numbered >= len(reports)  # every report runs onto a second page, so each shows its number there


# --- the private folder -----------------------------------------------------------------------------------------


def _private_folder(root: Path) -> Path:
    folder = root / "du-lieu-rieng"
    folder.mkdir(parents=True)
    lines = "".join(f"{key}: {value}\n" for key, value in MARKERS.items())
    (folder / "nguyen-van-a.yaml").write_text(f"# Lý lịch của anh Nguyễn Văn A\n{lines}", encoding="utf-8")
    (folder / "tran-thi-b.yaml").write_text(f"profile: ho-so/2021/tran-thi-b.md\n{lines}", encoding="utf-8")
    return folder


def _all_text(folder: Path) -> str:
    """Every file of a published site as text, the search bundle's gzip files opened."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_private_values_fill_the_report_and_reach_no_published_file(tmp_path):
    private = _private_folder(tmp_path)
    result = make_dossier(tmp_path / "ho-so", "--private", str(private))
    assert result.returncode == 0, result.stderr
    for slug in ("nguyen-van-a", "tran-thi-b"):
        report = next((tmp_path / "ho-so").glob(f"04-*-{slug}.docx"))
        text = text_of(docx.Document(str(report)))
        for marker in MARKER_TEXTS:
            assert marker in text, (slug, marker)
        assert "Chuyên viên, Bộ phận Một cửa; ChucVuDangMN24" in text or "Chuyên viên, Văn phòng Sở; ChucVuDangMN24" in text
    other = text_of(docx.Document(str(next((tmp_path / "ho-so").glob("04-*-do-van-d.docx")))))
    assert not any(marker in other for marker in MARKER_TEXTS) and "- Quê quán: ……" in other  # blank, not invented

    # The published site, built beside the private folder: none of the values, anywhere.
    out = tmp_path / "public"
    built = run_cli("build", "--out", str(out))
    assert built.returncode == 0, built.stderr
    site = _all_text(out)
    for part in ("pagefind", "quan-tri", "feed.xml", "feed.json", "sitemap.xml", "application/ld+json"):
        assert part in site or any(part in path.name for path in out.rglob("*")), part
    for marker in MARKER_TEXTS:
        assert marker not in site, marker
    assert DOSSIER_URL not in site and not list(out.rglob("*.docx")) and not list(out.rglob("*.zip"))


def test_private_file_problems_are_diagnostics_with_lines(tmp_path):
    private = tmp_path / "rieng"
    private.mkdir()
    (private / "nguyen-van-a.yaml").write_text("gender: Nam\nngay_sinh: 1988-04-12\nbirth_date: 31/02/1988\n", encoding="utf-8")
    result = make_dossier(tmp_path / "ho-so", "--private", str(private))
    assert result.returncode == 1
    assert "nguyen-van-a.yaml:2:1: lỗi[E010]" in result.stderr and "nguyen-van-a.yaml:3:" in result.stderr
    assert "E024" in result.stderr and not (tmp_path / "ho-so").exists()
    inside = run_cli("dossier", "--milestone", MILESTONE, "--private", str(ROOT / "content" / "ho-so"))
    assert inside.returncode == 2 and "content" in inside.stderr


def test_a_private_file_inside_content_stops_check_and_build(tmp_path):
    root = copy_project(tmp_path / "site")
    (root / "content" / "du-lieu-rieng").mkdir()
    (root / "content" / "du-lieu-rieng" / "ghi-chu.txt").write_text("Ngày sinh của anh A\n", encoding="utf-8")
    result = run_cli("check", "--content", str(root / "content"), "--format", "json")
    assert result.returncode == 1
    codes = [(item["code"], Path(item["file"]).name) for item in json.loads(result.stdout)["diagnostics"]
             if item["severity"] == "error"]
    assert codes == [("E050", "ghi-chu.txt")]
    built = run_cli("build", "--content", str(root / "content"), "--out", str(tmp_path / "public"))
    assert built.returncode == 1 and "E050" in built.stderr and not (tmp_path / "public").exists()


# --- gaps are warnings, shown as dotted lines ---------------------------------------------------------------------


def test_what_a_form_lacks_is_a_warning_and_a_dotted_line(tmp_path):
    root = copy_project(tmp_path / "site")
    content = root / "content"
    profile = content / "ho-so" / "2023" / "nguyen-van-a.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("    decision: 125/QĐ-SXD\n", ""), encoding="utf-8")
    collective = content / "ho-so" / "2022" / "to-mot-cua-van-phong-so.md"
    text = collective.read_text(encoding="utf-8")
    lead = text.split("\n---\n", 1)[1].split("\n## ", 1)[0]
    collective.write_text(text.replace(lead, "\n"), encoding="utf-8")
    person = content / "ho-so" / "2022" / "do-van-d.md"
    person.write_text(person.read_text(encoding="utf-8").replace("position: Thanh tra viên, Thanh tra Sở\n", ""), encoding="utf-8")
    private = tmp_path / "rieng"
    private.mkdir()
    (private / "nguyen-van-b.yaml").write_text("gender: Nam\n", encoding="utf-8")
    out = tmp_path / "ho-so"
    result = run_cli("dossier", "--content", str(content), "--milestone", MILESTONE, "--out", str(out), "--private", str(private))
    assert result.returncode == 0, result.stderr
    award_line = profile.read_text(encoding="utf-8").split("\n").index("  - title: Chiến sĩ thi đua cơ sở") + 1
    body_line = collective.read_text(encoding="utf-8").split("\n").index("---", 1) + 2
    for where, code in ((f"nguyen-van-a.md:{award_line}:", "W006"), (f"to-mot-cua-van-phong-so.md:{body_line}:", "W007"),
                        ("do-van-d.md:1:", "W008"), ("nguyen-van-b.yaml:1:", "W009")):
        assert re.search(re.escape(where) + r"\d+: cảnh báo\[" + code, result.stderr), (code, result.stderr)
    assert "nguyen-van-a" in result.stderr.split("W009", 1)[1]  # the file name it most likely meant
    report = text_of(docx.Document(str(next(out.glob("04-*-nguyen-van-a.docx")))))
    assert "Số ………, ngày 20 tháng 12 năm 2023" in report
    situation = text_of(docx.Document(str(next(out.glob("04-*-to-mot-cua-van-phong-so.docx")))))
    assert "1. Đặc điểm, tình hình\n" in situation and "……………" in situation.split("1. Đặc điểm, tình hình", 1)[1].split("2. ", 1)[0]
    assert "Tổ Một cửa gồm 4 công chức" not in situation
    listing = text_of(docx.Document(str(out / LIST)))
    assert "……………" in listing.split("Đỗ Văn Đ", 1)[1].split("\n", 2)[1]  # the position column of the list


def test_a_year_dossier_and_usage_errors(tmp_path):
    result = run_cli("dossier", "--year", "2023", "--out", str(tmp_path / "nam"))
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "nam").glob("04-*.docx"))) == 3 and (tmp_path / "nam" / "ho-so-de-nghi-2023.zip").is_file()
    submission = text_of(docx.Document(str(tmp_path / "nam" / SUBMISSION)))
    assert "Kính gửi: ……" in submission and "ngày ……… tháng ……… năm ………" in submission  # left for the clerk
    for args, code, words in ((["--milestone", "khong-co"], 2, "so-ket-2023"), (["--year", "2030"], 2, "2030"),
                              (["--milestone", MILESTONE, "--date", "05/02/2025"], 2, "2025-02-05"),
                              (["--milestone", MILESTONE, "--out", str(ROOT / "content")], 2, "content"), ([], 2, "--milestone")):
        found = run_cli("dossier", *args)
        assert found.returncode == code and words in found.stderr and "Traceback" not in found.stderr, (args, found.stderr)


# --- the templates in the office's hands ------------------------------------------------------------------------------


def _tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_letterhead_added_in_word_keeps_the_command_working(tmp_path):
    templates = tmp_path / "mau"
    shutil.copytree(TEMPLATES, templates)
    for path in templates.glob("*.docx"):
        document = docx.Document(str(path))
        header = document.sections[0].first_page_header
        header.paragraphs[0].add_run().add_picture(io.BytesIO(_tiny_png()), width=Mm(20))
        header.paragraphs[0].add_run("  SỞ XÂY DỰNG TỈNH QUẢNG TRỊ – Số 1 Hùng Vương")
        document.save(str(path))
    # Word cuts a tag into runs when the text around it is edited (spelling marks, revision ids).
    report = templates / "mau-03-ca-nhan.docx"
    with zipfile.ZipFile(report) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert xml.count("{{ nominee.unit }}") == 1
    xml = xml.replace("{{ nominee.unit }}", '{{ nominee.</w:t></w:r><w:proofErr w:type="spellStart"/>'
                                            '<w:r w:rsidR="00A1B2C3"><w:t>unit }}', 1)
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(report, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    out = tmp_path / "ho-so"
    result = make_dossier(out, "--templates", str(templates))
    assert result.returncode == 0, result.stderr
    made = docx.Document(str(next(out.glob("04-*-nguyen-van-a.docx"))))
    first = made.sections[0].first_page_header
    assert "Hùng Vương" in first.paragraphs[0].text and first.part.related_parts  # the logo came along
    assert "- Đơn vị công tác: Văn phòng Sở" in text_of(made)


def test_a_broken_template_is_named_not_a_traceback(tmp_path):
    templates = tmp_path / "mau"
    shutil.copytree(TEMPLATES, templates)
    document = docx.Document(str(templates / "to-trinh.docx"))
    document.add_paragraph("{{ nominee.name")
    document.save(str(templates / "to-trinh.docx"))
    (templates / "danh-sach.docx").unlink()
    result = make_dossier(tmp_path / "ho-so", "--templates", str(templates))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "to-trinh.docx" in result.stderr or "danh-sach.docx" in result.stderr
    assert not (tmp_path / "ho-so").exists()


# --- the preview's download link -------------------------------------------------------------------------------------


def _get(app, path: str) -> tuple[str, dict, bytes]:
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    answer = {}

    def start(status, headers):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(app(environ, start))
    return answer["status"], answer["headers"], body


def test_the_preview_links_each_milestone_page_to_its_dossier(tmp_path, built_site):
    preview = Preview(ROOT, ROOT / "content", tmp_path / "public", stream=open(tmp_path / "log", "w"))  # noqa: SIM115
    app = PreviewApp(preview)
    assert preview.rebuild().ok
    status, _, page = _get(app, f"/guong-nguoi-tot-viec-tot/so-ket/{MILESTONE}/")
    link = f'href="{DOSSIER_URL}{MILESTONE}.zip"'
    assert status.startswith("200") and link in page.decode("utf-8")
    assert "Tải hồ sơ đề nghị khen thưởng" in page.decode("utf-8")
    status, headers, body = _get(app, f"{DOSSIER_URL}{MILESTONE}.zip")
    assert status.startswith("200") and headers["Content-Type"] == "application/zip"
    assert f'filename="ho-so-de-nghi-{MILESTONE}.zip"' in headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert SUBMISSION in names and LIST in names and len([name for name in names if name.startswith("04-")]) == len(nominees())
    assert _get(app, f"{DOSSIER_URL}khong-co.zip")[0].startswith("404")
    assert link not in _get(app, "/guong-nguoi-tot-viec-tot/")[2].decode("utf-8")  # milestone pages only
    # Written into no output: neither the preview's folder nor a production build has the link or the files.
    for folder in (tmp_path / "public", built_site):
        text = _all_text(folder)
        assert DOSSIER_URL not in text and "Tải hồ sơ đề nghị khen thưởng" not in text
        assert not list(folder.rglob("*.docx")) and not list(folder.rglob("*.zip"))


def test_the_guides_private_file_example_is_a_valid_private_file(tmp_path, project):
    from showcase.commands.guide import private_example
    from showcase.source.private import read_private_folder

    (tmp_path / "nguyen-van-a.yaml").write_text(private_example() + "\n", encoding="utf-8")
    records, diagnostics = read_private_folder(tmp_path, project)
    assert diagnostics == [] and len(records) == 1 and records[0].names == "nguyen-van-a"
    assert set(records[0].values) == {"birth_date", "gender", "hometown", "residence", "positions", "qualifications",
                                      "honours", "duties"}


def test_names_with_xml_characters_and_decomposed_letters_come_out_as_written(tmp_path):
    import unicodedata as ud

    root = copy_project(tmp_path / "site")
    collective = root / "content" / "ho-so" / "2022" / "to-mot-cua-van-phong-so.md"
    text = collective.read_text(encoding="utf-8").replace("name: Tổ Một cửa – Văn phòng Sở", 'name: "Tổ Một cửa & Tiếp dân – Văn phòng Sở"')
    collective.write_bytes(ud.normalize("NFD", text).encode("utf-8"))  # as a Mac's editor may save it
    out = tmp_path / "ho-so"
    result = run_cli("dossier", "--content", str(root / "content"), "--milestone", MILESTONE, "--out", str(out))
    assert result.returncode == 0, result.stderr
    report = text_of(docx.Document(str(next(out.glob("04-*-to-mot-cua-van-phong-so.docx")))))
    assert "Tên tập thể đề nghị: Tổ Một cửa & Tiếp dân – Văn phòng Sở" in report and ud.is_normalized("NFC", report)
