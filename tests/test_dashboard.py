"""The office's dashboard: coverage, milestone reviews, nominations, CSV, pages, yearbook PDF, quota warnings.

Expected figures are computed here from the files themselves (front-matter read with
yaml.safe_load, plan and units read from data/ the same way), never from the report code.
"""

import csv
import io
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, require_commands, run_cli

from showcase.common.config import ConfigError, load_project
from showcase.engine import pipeline
from showcase.office.report_format import display_width

PREFIX = "/guong-nguoi-tot-viec-tot/"
REFERENCE = datetime(2024, 6, 1, tzinfo=UTC)  # 2021–2023 ended, 2024 in progress, 2025 not yet begun
EPOCH = {"SOURCE_DATE_EPOCH": str(int(REFERENCE.timestamp()))}
PLAN = yaml.safe_load((ROOT / "data" / "plans" / "2021-2025.yaml").read_text(encoding="utf-8"))
UNITS = yaml.safe_load((ROOT / "data" / "units.yaml").read_text(encoding="utf-8"))["units"]
STAGES = [stage["id"] for stage in PLAN["stages"]]
YEARS = list(range(PLAN["period"]["start"], PLAN["period"]["end"] + 1))
QUOTA = PLAN["quota"]["per_unit_per_year"]


# --- the files, read independently ----------------------------------------------------------------


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])


def counted_profiles(content: Path) -> list[dict]:
    """Exemplars that count: not drafts, not withdrawn (the documented rule)."""
    found = []
    for path in sorted(content.rglob("*.md")):
        if path.name.startswith("_"):
            continue
        data = front_matter(path)
        if not data.get("draft") and not data.get("withdrawn"):
            found.append(data)
    return found


def active(unit: dict, year: int) -> bool:
    return unit.get("from", year) <= year <= unit.get("until", year)


def nominations(data: dict) -> list[str]:
    value = data.get("nominated") or []
    return [value] if isinstance(value, str) else list(value)


# --- a generated set of profiles with known counts --------------------------------------------------

GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hùng", "Khánh", "Lan", "Minh", "Nga", "Oanh", "Phúc"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"]


def _profile_text(data: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n"


def generate(content: Path, long_one: bool = True) -> dict:
    """Profiles whose counts per unit and year follow a known pattern, plus drafts and withdrawn ones."""
    expected: dict[tuple[str, int], int] = {}
    serial = 0
    fields = [item["id"] for item in PLAN["fields"]]
    for unit_index, unit in enumerate(UNITS):
        for year in YEARS:
            if not active(unit, year):
                continue
            count = (unit_index * 2 + year) % 4  # 0..3, with zeros in several units and years
            expected[(unit["id"], year)] = count
            for number in range(count + 2):  # two extra: one draft, one withdrawn
                serial += 1
                kind = "ca-nhan" if serial % 3 else "tap-the"
                if kind == "ca-nhan":
                    name = f"{FAMILY[serial % len(FAMILY)]} Văn {GIVEN[serial % len(GIVEN)]} {serial}"
                else:
                    name = f"Tổ công tác số {serial}, {unit['name']}"
                stage = ([*STAGES, None])[serial % (len(STAGES) + 1)]
                data = {
                    "name": name, "kind": kind, "unit": unit["id"], "field": fields[serial % len(fields)], "year": year,
                    "criteria": ["chung-1"],
                    "achievements": [f"Thành tích số {serial} của năm {year}."],
                }
                if stage:
                    data["stage"] = stage
                nominated = []
                if serial % 2 == 0 and year <= 2023:
                    nominated.append("so-ket-2023")
                if serial % 5 == 0:
                    nominated.append("tong-ket-2025")
                if nominated:
                    data["nominated"] = nominated
                if serial % 4 == 0:
                    data["awards"] = [{"title": "Chiến sĩ thi đua cơ sở", "decision": f"{serial}/QĐ-SXD",
                                       "date": f"{year}-12-20", "issuer": "Giám đốc Sở Xây dựng"}]
                if kind == "ca-nhan":
                    data["consent"] = {"date": f"{year}-01-10", "document": f"Phiếu đồng ý số {serial}",
                                       "scope": ["ho-ten", "chuc-vu", "thanh-tich", "cau-chuyen"]}
                if number == count:
                    data["draft"] = True
                elif number == count + 1:
                    data["withdrawn"] = True
                if long_one and serial == 7:
                    data["achievements"] = [f"Thành tích dài số {line}: " + "hướng dẫn người dân nộp hồ sơ trực tuyến, " * 6
                                            for line in range(1, 31)]
                folder = content / "ho-so" / str(year)
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"dien-hinh-{serial}.md").write_text(_profile_text(data, f"Câu chuyện của {name}."), encoding="utf-8")
    return expected


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("generated") / "content"
    content.mkdir()
    generate(content)
    return content


@pytest.fixture(scope="module", params=["sample", "generated"])
def any_content(request, generated) -> Path:
    return ROOT / "content" if request.param == "sample" else generated


def report_json(content: Path, *args: str) -> dict:
    result = run_cli("report", "--content", str(content), "--format", "json", *args, env=EPOCH)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- coverage ---------------------------------------------------------------------------------------


def test_generated_set_has_the_designed_counts(generated):
    expected = generate(generated.parent / "again")  # the pattern, recomputed
    profiles = counted_profiles(generated)
    for (unit, year), count in expected.items():
        assert sum(1 for p in profiles if p["unit"] == unit and p["year"] == year) == count


def test_coverage_matrix_and_totals_equal_the_files(any_content):
    data = report_json(any_content)
    profiles = counted_profiles(any_content)
    assert [column["year"] for column in data["years"]] == YEARS
    units = [unit for unit in UNITS if any(active(unit, year) for year in YEARS)]
    assert [row["unit"] for row in data["rows"]] == [unit["id"] for unit in units]
    for unit, row in zip(units, data["rows"], strict=True):
        for year, cell in zip(YEARS, row["cells"], strict=True):
            members = [p for p in profiles if p["unit"] == unit["id"] and p["year"] == year]
            if not active(unit, year):
                assert cell["status"] == "inactive" and cell["count"] is None
                continue
            assert cell["count"] == len(members), (unit["id"], year)
            assert cell["kinds"] == {kind["id"]: sum(1 for p in members if p["kind"] == kind["id"]) for kind in PLAN["kinds"]}
            assert cell["fields"] == {f["id"]: sum(1 for p in members if p["field"] == f["id"]) for f in PLAN["fields"]}
            if len(members) >= QUOTA:
                assert cell["status"] == "ok"
            else:
                assert cell["status"] == ("below" if year < REFERENCE.year else "in-progress"), (unit["id"], year)
        assert row["total"]["count"] == sum(1 for p in profiles if p["unit"] == unit["id"])
    for column in data["years"]:
        assert column["count"] == sum(1 for p in profiles if p["year"] == column["year"])
        assert column["status"] == ("ended" if column["year"] < 2024 else "current" if column["year"] == 2024 else "future")
    assert data["total"]["count"] == len(profiles)
    for item in data["kind_totals"]:
        assert item["count"] == sum(1 for p in profiles if p["kind"] == item["id"])
    for item in data["field_totals"]:
        assert item["count"] == sum(1 for p in profiles if p["field"] == item["id"])
        assert item["by_year"] == {str(y): sum(1 for p in profiles if p["field"] == item["id"] and p["year"] == y) for y in YEARS}


def test_one_year_report(generated):
    data = report_json(generated, "--year", "2022")
    profiles = counted_profiles(generated)
    assert [column["year"] for column in data["years"]] == [2022]
    assert data["total"]["count"] == sum(1 for p in profiles if p["year"] == 2022)
    # units that did not exist in 2022 are not listed at all
    assert {row["unit"] for row in data["rows"]} == {unit["id"] for unit in UNITS if active(unit, 2022)}


# --- milestone reviews ------------------------------------------------------------------------------


@pytest.mark.parametrize("milestone", PLAN["milestones"], ids=lambda item: item["id"])
def test_milestone_funnel_and_nominations_equal_the_files(any_content, milestone):
    data = report_json(any_content, "--milestone", milestone["id"])
    start, end = milestone["covers"]["start"], milestone["covers"]["end"]
    members = [p for p in counted_profiles(any_content) if start <= p["year"] <= end]
    assert data["count"] == len(members)
    assert sorted(entry["name"] for entry in data["exemplars"]) == sorted(p["name"] for p in members)
    for index, stage in enumerate(data["funnel"]):
        assert stage["id"] == STAGES[index]
        assert stage["reached"] == sum(1 for p in members if p.get("stage") and STAGES.index(p["stage"]) >= index)
        assert stage["current"] == sum(1 for p in members if p.get("stage") == STAGES[index])
    assert data["without_stage"] == sum(1 for p in members if not p.get("stage"))
    nominated = [p for p in members if milestone["id"] in nominations(p)]
    assert data["nominated_count"] == len(nominated)
    groups = {(group["id"], kind["id"]): sorted(item["name"] for item in kind["exemplars"])
              for group in data["nominated"] for kind in group["kinds"]}
    expected = {}
    for p in nominated:
        expected.setdefault((p["field"], p["kind"]), []).append(p["name"])
    assert groups == {key: sorted(names) for key, names in expected.items()}
    field_order = [f["id"] for f in PLAN["fields"]]
    assert [group["id"] for group in data["nominated"]] == [f for f in field_order if any(k[0] == f for k in expected)]


def test_unknown_milestone_and_plan_are_usage_errors(generated):
    result = run_cli("report", "--content", str(generated), "--milestone", "khong-co")
    assert result.returncode == 2 and "so-ket-2023" in result.stderr
    result = run_cli("report", "--content", str(generated), "--plan", "1990-1995")
    assert result.returncode == 2 and "2021-2025" in result.stderr


# --- CSV as Excel reads it --------------------------------------------------------------------------


@pytest.mark.parametrize("by", [None, "field"])
def test_csv_opens_like_excel(generated, tmp_path, by):
    target = tmp_path / "bao-cao.csv"
    result = run_cli("report", "--content", str(generated), "--format", "csv", "--output", str(target),
                     *(["--by", by] if by else []), env=EPOCH)
    assert result.returncode == 0, result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    assert raw.count(b"\r\n") == raw.count(b"\n"), "every line ends in CRLF"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=","))
    header = rows[0]
    assert header[:2] == ["Mã đơn vị", "Đơn vị"]
    assert "Tổng" in header and "Năm chưa đạt chỉ tiêu" in header
    year_columns = {int(name): index for index, name in enumerate(header) if name.isdigit()}
    assert sorted(year_columns) == YEARS
    profiles = counted_profiles(generated)
    unit_rows = {row[0]: row for row in rows[1:] if row[0] and (not by or row[2] == "Tất cả")}
    for unit in UNITS:
        row = unit_rows[unit["id"]]
        assert row[1] == unit["name"]  # Vietnamese intact, commas in names kept inside one field
        for year, index in year_columns.items():
            if active(unit, year):
                assert int(row[index]) == sum(1 for p in profiles if p["unit"] == unit["id"] and p["year"] == year)
            else:
                assert row[index] == ""
        below = [year for year in YEARS if year < 2024 and active(unit, year)
                 and sum(1 for p in profiles if p["unit"] == unit["id"] and p["year"] == year) < QUOTA]
        assert row[-1] == "; ".join(str(year) for year in below)
    assert any("," in unit["name"] for unit in UNITS), "the units file should exercise CSV quoting"
    if by:
        labels = {f["id"]: f["label"] for f in PLAN["fields"]}
        for unit in UNITS[:3]:
            for field_id, label in labels.items():
                row = next(r for r in rows if r[0] == unit["id"] and r[2] == label)
                total = sum(1 for p in profiles if p["unit"] == unit["id"] and p["field"] == field_id)
                assert int(row[header.index("Tổng")]) == total


def test_text_report_aligns_vietnamese_columns(generated):
    result = run_cli("report", "--content", str(generated), env=EPOCH)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Đơn vị"))
    table = lines[lines.index(header): lines.index(header) + len(UNITS) + 3]
    widths = {display_width(line) for line in table if line.strip() and not line.startswith("Số đơn vị")}
    assert len(widths) == 1, table  # every row as wide as the header, whatever the diacritics
    assert "2024~" in header and "2025~" in header  # years not ended are marked, not failed
    assert any(re.search(r"\b0!", line) for line in table)


TERMINAL = 100  # columns of the terminal the office's reports must fit


def table_cells(lines: list[str], header: str, group: str, end: str) -> list[list[str]]:
    """The cells of the text table whose heading line starts with `header`, read back as a person reads
    them: columns from the dashes under the heading, a row from the line where its year is written on,
    a wrapped cell's lines joined, and the heading of the group it is listed under (a line starting
    with `group`) as its last cell; the table ends at the line starting with `end`."""
    start = next(index for index, line in enumerate(lines) if line.startswith(header))
    dashes = next(index for index in range(start, len(lines)) if set(lines[index]) <= {"-", " "})
    columns = [(match.start(), match.end()) for match in re.finditer(r"-+", lines[dashes])]
    year_column = next(index for index, (begin, end) in enumerate(columns)
                       if "Năm" in lines[start][begin:end + 2])
    rows: list[list[list[str]]] = []
    heading = ""
    for line in lines[dashes + 1:]:
        if line.startswith(end):
            break
        if line.startswith(group):
            heading = line[len(group):].strip()
            continue
        if not line.strip():
            continue
        cells = [line[begin:end + 2].strip() if index < len(columns) - 1 else line[begin:].strip()
                 for index, (begin, end) in enumerate(columns)]
        if cells[year_column]:
            rows.append([[cell] if cell else [] for cell in cells] + [[heading]])
        else:
            for parts, cell in zip(rows[-1], cells, strict=False):
                parts += [cell] if cell else []
    return [[" ".join(parts) for parts in row] for row in rows]


@pytest.mark.parametrize("corpus", ["sample", "generated"])
def test_milestone_report_fits_a_100_column_terminal_and_keeps_every_value(generated, corpus):
    content = ROOT / "content" if corpus == "sample" else generated
    text = run_cli("report", "--milestone", "so-ket-2023", "--content", str(content), env=EPOCH)
    data = json.loads(run_cli("report", "--milestone", "so-ket-2023", "--format", "json", "--content", str(content),
                              env=EPOCH).stdout)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert max(display_width(line) for line in lines) <= TERMINAL, max(lines, key=display_width)
    shown = table_cells(lines, "Tên", group="Lĩnh vực:", end="Được đề cử")
    expected = [[entry["name"], entry["kind_label"], entry["unit_name"], str(entry["year"]),
                 entry["stage_label"] or "–", "có" if entry["nominated"] else "", entry["field_label"]]
                for entry in data["exemplars"]]
    assert shown == expected
    flat = " ".join(" ".join(lines).split())
    assert data["milestone"]["label"] in flat and data["plan"]["title"] in flat


@pytest.mark.parametrize("by", [None, "kind", "field"])
def test_coverage_report_fits_a_100_column_terminal(generated, by):
    result = run_cli("report", "--content", str(generated), *(["--by", by] if by else []), env=EPOCH)
    assert result.returncode == 0, result.stderr
    assert max(display_width(line) for line in result.stdout.splitlines()) <= TERMINAL


def test_display_width_counts_columns_not_code_points():
    assert display_width("Nguyễn") == 6
    assert display_width("Nguye\u0302\u0303n") == 6  # decomposed input
    assert display_width("漢字") == 4


def test_bad_source_date_epoch_is_a_usage_error(generated):
    result = run_cli("report", "--content", str(generated), env={"SOURCE_DATE_EPOCH": "hôm qua"})
    assert result.returncode == 2 and "SOURCE_DATE_EPOCH" in result.stderr


# --- check warns about the quota --------------------------------------------------------------------


def unit_id_lines() -> dict[str, int]:
    lines = (ROOT / "data" / "units.yaml").read_text(encoding="utf-8").splitlines()
    return {match[1]: number for number, line in enumerate(lines, 1) if (match := re.match(r"\s*- id: (\S+)", line))}


def test_check_warns_about_units_below_quota_in_past_years(generated):
    result = run_cli("check", "--content", str(generated), "--format", "json", env=EPOCH)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    found = {(item["line"], item["message"]) for item in report["diagnostics"] if item["code"] == "W004"}
    expected = expected_quota_warnings(generated)
    assert expected and found == expected
    assert all(item["file"] == "data/units.yaml" for item in report["diagnostics"] if item["code"] == "W004")
    strict = run_cli("check", "--content", str(generated), "--strict", env=EPOCH)
    assert strict.returncode == 1
    assert "lỗi[W004]" in strict.stderr


def expected_quota_warnings(content: Path) -> set[tuple[int, str]]:
    """(line in data/units.yaml, message) of every W004, from the files (the documented rule)."""
    profiles = counted_profiles(content)
    lines = unit_id_lines()
    expected = set()
    for unit in UNITS:
        for year in YEARS:
            count = sum(1 for p in profiles if p["unit"] == unit["id"] and p["year"] == year)
            if year < REFERENCE.year and active(unit, year) and count < QUOTA:
                expected.add((lines[unit["id"]], f"Năm {year}, {unit['name']} có {count} điển hình, "
                                                 f"chưa đạt chỉ tiêu tối thiểu {QUOTA}/năm của kế hoạch."))
    return expected


def _quota_lines(stderr: str) -> set[tuple[int, str]]:
    found = re.findall(r"^data/units\.yaml:(\d+):\d+: cảnh báo\[W004\]: (.*)$", stderr, re.M)
    return {(int(line), text) for line, text in found}


def test_quota_warnings_are_shown_by_check_build_and_serve_whatever_else_is_wrong(generated, tmp_path, monkeypatch):
    """W004 does not vanish when a profile has an error, and build and serve show it as check does. A profile
    with an error is not counted, but nor does it make a gap of its own: its unit and year (any unit or
    year it might be, when they cannot be read) are not warned about while it is being fixed."""
    content = tmp_path / "content"
    shutil.copytree(generated, content)
    expected = expected_quota_warnings(content)
    empty = sorted((unit["id"], year) for unit in UNITS for year in YEARS if year < REFERENCE.year and active(unit, year)
                   and not any(p["unit"] == unit["id"] and p["year"] == year for p in counted_profiles(content)))
    unit_id, year = empty[0]
    claimed = next(item for item in expected if f"Năm {year}, {next(u['name'] for u in UNITS if u['id'] == unit_id)} " in item[1])

    out = tmp_path / "public"
    built = run_cli("build", "--content", str(content), "--out", str(out), env=EPOCH)
    assert built.returncode == 0, built.stderr
    assert _quota_lines(built.stderr) == expected
    again = run_cli("build", "--content", str(content), "--out", str(out), env=EPOCH)  # up to date: nothing rebuilt
    assert again.returncode == 0 and _quota_lines(again.stderr) == expected

    import io

    from showcase.engine.preview import Preview

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    log = io.StringIO()
    Preview(ROOT, content, tmp_path / "preview", stream=log).rebuild()
    assert _quota_lines(log.getvalue()) == expected

    # A profile of the empty cell, with an error (an unknown field): the cell is not warned about, the others still are.
    folder = content / "ho-so" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    data = {"name": "Tổ công tác đang sửa", "kind": "tap-the", "unit": unit_id, "field": PLAN["fields"][0]["id"],
            "year": year, "criteria": ["chung-1"], "achievements": ["Thành tích."], "ten_khac": "x"}
    (folder / "dang-sua.md").write_text(_profile_text(data, "Câu chuyện."), encoding="utf-8")
    for command in ("check", "build"):
        result = run_cli(command, "--content", str(content), *(["--out", str(out)] if command == "build" else []), env=EPOCH)
        assert result.returncode == 1 and "lỗi[E010]" in result.stderr, result.stderr
        assert _quota_lines(result.stderr) == expected - {claimed}, command
    log = io.StringIO()
    Preview(ROOT, content, tmp_path / "preview", stream=log).rebuild()
    assert "lỗi[E010]" in log.getvalue() and _quota_lines(log.getvalue()) == expected - {claimed}

    # A file whose front-matter cannot be read at all might be any unit's profile of its folder's year.
    (content / "ho-so" / "2022" / "hong.md").write_text("---\nname: [\n---\nx\n", encoding="utf-8")
    result = run_cli("check", "--content", str(content), env=EPOCH)
    assert result.returncode == 1
    assert _quota_lines(result.stderr) == {item for item in expected - {claimed} if not item[1].startswith("Năm 2022,")}


def test_no_quota_warning_for_years_not_ended(generated):
    early = {"SOURCE_DATE_EPOCH": str(int(datetime(2021, 3, 1, tzinfo=UTC).timestamp()))}
    result = run_cli("check", "--content", str(generated), "--format", "json", env=early)
    assert not [item for item in json.loads(result.stdout)["diagnostics"] if item["code"] == "W004"]


# --- site pages -------------------------------------------------------------------------------------


class _Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> _Structure:
    parser = _Structure()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def assert_accessible(page: _Structure) -> None:
    tags = [tag for tag, _ in page.tags]
    assert tags.count("h1") == 1
    assert "main" in tags
    assert tags.count("table") == tags.count("caption")
    for tag, attrs in page.tags:
        if tag == "th":
            assert attrs.get("scope") in ("col", "row"), attrs
        if attrs.get("role") == "img":  # a chart: named by its heading and described by its figures
            for ref in attrs["aria-labelledby"].split():
                assert ref in page.ids
        if tag == "svg":  # a chart's bars are drawn for the eye; the chart around them speaks
            assert attrs.get("role") == "img" or attrs.get("aria-hidden") == "true", attrs
        if tag == "img":
            assert "alt" in attrs


@pytest.fixture(scope="module")
def generated_site(generated, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dashboard-site") / "public"
    result = run_cli("build", "--content", str(generated), "--out", str(out), env=EPOCH)
    assert result.returncode == 0, result.stderr
    return out


def test_statistics_page_shows_the_figures(generated_site, generated):
    page_file = generated_site / PREFIX.strip("/") / "thong-ke" / "index.html"
    page = parse(page_file)
    assert_accessible(page)
    html = page_file.read_text(encoding="utf-8")
    assert "noindex" not in html
    profiles = counted_profiles(generated)
    # the coverage table's rows, read back from the HTML
    table = html.split('<table class="coverage">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    for unit in UNITS:
        row = next(r for r in body.split("<tr>")[1:] if f">{unit['name']}</th>" in r)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for year, cell in zip(YEARS, cells, strict=False):
            count = sum(1 for p in profiles if p["unit"] == unit["id"] and p["year"] == year)
            if not active(unit, year):
                assert "không hoạt động" in cell
            else:
                assert re.match(rf"{count}\b", cell), (unit["id"], year, cell)
                assert ("chưa đạt" in cell) == (year < 2024 and count < QUOTA)
                assert ("chưa kết thúc" in cell) == (year >= 2024 and count < QUOTA)
        assert cells[-1] == str(sum(1 for p in profiles if p["unit"] == unit["id"]))
    assert html.count('role="img"') >= 3
    home = (generated_site / PREFIX.strip("/") / "index.html").read_text(encoding="utf-8")
    assert f'href="{PREFIX}thong-ke/"' in home  # public: in the navigation


def test_milestone_pages_list_the_period_and_nominations(generated_site, generated):
    for milestone in PLAN["milestones"]:
        page_file = generated_site / PREFIX.strip("/") / "so-ket" / milestone["id"] / "index.html"
        page = parse(page_file)
        assert_accessible(page)
        text = "".join(page.text)
        start, end = milestone["covers"]["start"], milestone["covers"]["end"]
        members = [p for p in counted_profiles(generated) if start <= p["year"] <= end]
        for p in members:
            assert p["name"] in text
        nominated = [p for p in members if milestone["id"] in nominations(p)]
        assert f"{len(nominated)} được đề cử" in text.replace("\n", " ") or f"<strong>{len(nominated)}</strong>" in \
            page_file.read_text(encoding="utf-8")


def _project_copy(tmp_path: Path, **settings) -> Path:
    root = tmp_path / "project"
    for name in ("data", "layouts", "static"):
        shutil.copytree(ROOT / name, root / name)
    site = (root / "data" / "site.yaml").read_text(encoding="utf-8")
    for key, value in settings.items():
        site = re.sub(rf"^{key}:.*$", f"{key}: {value}", site, flags=re.M)
    (root / "data" / "site.yaml").write_text(site, encoding="utf-8")
    return root


def test_unlisted_statistics_are_built_but_hidden(tmp_path, generated):
    project = load_project(_project_copy(tmp_path, statistics="unlisted"))
    result = pipeline.load_content(generated, project)
    _, files = pipeline.render_site(result, project, include_drafts=False, today=REFERENCE.date())
    stats = files[f"{PREFIX.strip('/')}/thong-ke/index.html"].decode()
    assert '<meta name="robots" content="noindex">' in stats
    milestone = files[f"{PREFIX.strip('/')}/so-ket/so-ket-2023/index.html"].decode()
    assert '<meta name="robots" content="noindex">' in milestone
    for path, data in files.items():
        if path.endswith(".html"):
            assert f'href="{PREFIX}thong-ke/"' not in data.decode() or path.startswith(f"{PREFIX.strip('/')}/so-ket/") \
                or path.startswith(f"{PREFIX.strip('/')}/ky-yeu/"), path


def test_statistics_setting_is_checked(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_project(_project_copy(tmp_path, statistics="hidden"))
    assert "statistics" in str(error.value)


# --- the yearbook -----------------------------------------------------------------------------------

@pytest.fixture
def pdf_tools():
    """Chromium prints the yearbook, Poppler (pdftotext, pdfinfo, pdftoppm) reads it back."""
    require_commands("chromium", "pdftotext")


def pdf_pages(pdf: Path) -> list[list[str]]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1])
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages.append([unicodedata.normalize("NFC", line.strip()) for line in text.splitlines() if line.strip()])
    return pages


def check_yearbook(pdf: Path, members: list[dict]) -> None:
    pages = pdf_pages(pdf)
    department = yaml.safe_load((ROOT / "data" / "site.yaml").read_text(encoding="utf-8"))["department"]
    cover = pages[0]
    assert cover[0].startswith(department.upper()) and any("Kỷ yếu" in line for line in cover)
    assert sum(1 for page in pages if page[0] == "Mục lục") == 1  # one table of contents
    assert sum(1 for page in pages if any("Kỷ yếu điển hình tiên tiến" in line for line in page)) == 1  # one cover
    names = sorted(p["name"] for p in members)

    def starts_with_heading(page: list[str], name: str) -> bool:
        head = " ".join(page[:3])  # a long name may wrap onto a second line
        return head == name or head.startswith(name + " ")

    for name in names:
        # every exemplar starts a page with its heading, exactly once, and the heading is not alone on it
        starting = [page for page in pages if starts_with_heading(page, name)]
        assert len(starting) == 1, name
        assert len(starting[0]) > 2, f"{name}: heading cut from its content"
    # Every page but the cover carries its number, at its foot.
    assert cover[-1] != "1", "the cover has no page number"
    assert [page[-1] for page in pages[1:]] == [str(number) for number in range(2, len(pages) + 1)]
    # The table of contents gives the page each exemplar starts on, at the right of the entry's last line.
    toc_start = next(index for index, page in enumerate(pages) if page[0] == "Mục lục")
    toc_end = min(index for index, page in enumerate(pages) for name in names if starts_with_heading(page, name))
    entries, text = [], []
    for line in (line for page in pages[toc_start:toc_end] for line in page[:-1] if line != "Mục lục"):
        numbered = re.fullmatch(r"(.*?)\s{2,}(\d+)", line)
        text.append(numbered.group(1) if numbered else line)
        if numbered:
            entries.append((" ".join(text), int(numbered.group(2))))
            text = []
    for name in names:
        found = [(entry, page) for entry, page in entries if f"{name} –" in entry]
        assert len(found) == 1, f"{name}: no page in the table of contents"
        entry, given = found[0]
        assert starts_with_heading(pages[given - 1], name), f"{name}: the table of contents says page {given}"
        # a collective named after its unit is not followed by the unit again
        assert not re.search(r"(.{6,}) – \1\b", entry), entry


def ink_colours(pdf: Path, page: int) -> set[tuple[int, int, int]]:
    """The colours of the printed page (as `pdftoppm` renders it), white left out."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), "-png", str(pdf), f"{folder}/p"], check=True)
        with Image.open(next(Path(folder).glob("p*.png"))) as image:
            return {colour for _, colour in image.convert("RGB").getcolors(1 << 20) if colour != (255, 255, 255)}


@pytest.mark.usefixtures("pdf_tools")
def test_yearbook_links_print_as_text(tmp_path):
    pdf = tmp_path / "ky-yeu-2023.pdf"
    result = run_cli("yearbook", "--year", "2023", "--pdf", str(pdf), env=EPOCH)
    assert result.returncode == 0, result.stderr
    toc_page = next(number for number, page in enumerate(pdf_pages(pdf), 1) if page[0] == "Mục lục")
    # Linked entries printed in the text's colour (greys), not blue: no ink where blue outweighs red by much.
    assert not [colour for colour in ink_colours(pdf, toc_page) if colour[2] - colour[0] > 40]


@pytest.mark.usefixtures("pdf_tools")
def test_yearbook_pdf_of_a_milestone(generated, tmp_path):
    pdf = tmp_path / "ky-yeu.pdf"
    result = run_cli("yearbook", "--milestone", "so-ket-2023", "--content", str(generated), "--pdf", str(pdf), env=EPOCH)
    assert result.returncode == 0, result.stderr
    members = [p for p in counted_profiles(generated) if 2021 <= p["year"] <= 2023]
    check_yearbook(pdf, members)
    assert len(pdf_pages(pdf)) > len(members) + 2, "the long profile runs over more than one page"


@pytest.mark.usefixtures("pdf_tools")
def test_yearbook_pdf_of_the_sample_content(tmp_path):
    pdf = tmp_path / "ky-yeu-2023.pdf"
    result = run_cli("yearbook", "--year", "2023", "--pdf", str(pdf), env=EPOCH)
    assert result.returncode == 0, result.stderr
    check_yearbook(pdf, [p for p in counted_profiles(ROOT / "content") if p["year"] == 2023])
    cover = " ".join(pdf_pages(pdf)[0])
    assert "Năm 2023 ·" in cover and "Giai đoạn 2023" not in cover, "a single year is called a year"


def test_yearbook_without_chromium_says_so(generated, tmp_path):
    result = run_cli("yearbook", "--year", "2022", "--content", str(generated), "--pdf", str(tmp_path / "x.pdf"),
                     env={"CHROMIUM": str(tmp_path / "khong-co-chromium")})
    assert result.returncode == 2
    assert "Chromium" in result.stderr and not (tmp_path / "x.pdf").exists()


def test_yearbook_page_lists_every_exemplar_in_order(generated_site, generated):
    page_file = generated_site / PREFIX.strip("/") / "ky-yeu" / "tong-ket-2025" / "index.html"
    page = parse(page_file)
    assert_accessible(page)
    html = page_file.read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in html
    members = counted_profiles(generated)
    headings = re.findall(r'<h2 id="dien-hinh-[^"]+-ten">(.*?)</h2>', html)
    assert sorted(headings) == sorted(p["name"] for p in members)
    field_order = [f["id"] for f in PLAN["fields"]]
    by_name = {p["name"]: p for p in members}
    ranks = [field_order.index(by_name[name]["field"]) for name in headings]
    assert ranks == sorted(ranks), "grouped by field in the plan's order"


def test_each_period_cut_from_the_plan_in_order_is_that_period_sorted(generated):
    """Milestones and yearbooks take their exemplars from the plan's profiles sorted once
    (reports.plan_in_order): each period's cut must be the period's profiles sorted on their own."""
    from showcase.office.reports import DEFAULT_ORDER, counted, order_profiles, period_in_order, plan_in_order

    project = load_project(ROOT)
    profiles = pipeline.load_content(generated, project, cache_dir=None).profiles
    for plan in project.plans:
        for order in (DEFAULT_ORDER, ("unit", "year", "name"), ("kind", "name")):
            ordered = plan_in_order(profiles, plan, order)
            periods = [(year, year) for year in range(plan.start, plan.end + 1)]
            periods += [(item.covers_start, item.covers_end) for item in plan.milestones.values()]
            for start, end in periods:
                in_period = [p for p in counted(profiles) if p.plan_id == plan.id and start <= p.year <= end]
                expected = order_profiles(in_period, plan, order)
                assert [p.slug for p in period_in_order(ordered, start, end)] == [p.slug for p in expected]
                assert expected or start > max(p.year for p in profiles)


def test_pdf_page_reader_never_fails_on_what_it_cannot_read():
    from showcase.office.pdf_pages import destination_pages

    assert destination_pages(b"") == {}
    assert destination_pages(b"%PDF-1.4\n1 0 obj\n<</Type /Catalog /Pages 1 0 R /Dests 9 0 R>>\nendobj\n") == {}
    looped = (b"1 0 obj <</Type /Catalog /Pages 2 0 R /Dests 4 0 R>> endobj 2 0 obj <</Type /Pages /Kids [3 0 R 2 0 R]>> endobj "
              b"3 0 obj <</Type /Page>> endobj 4 0 obj <</a#2Db [3 0 R /XYZ 0 0 0] /c [8 0 R /XYZ 0 0 0]>> endobj")
    assert destination_pages(looped) == {"a-b": 1}
