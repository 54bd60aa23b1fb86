"""Views of the office's figures (showcase.reports): terminal table, CSV for Excel, JSON.

Pure functions from the report data to text. The CSV is what Excel opens without a
wizard: UTF-8 with a byte-order mark (else Excel reads Vietnamese as Windows-1252),
comma delimiter, every field quoted when needed, CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from .reports import BELOW, CURRENT, FUTURE, IN_PROGRESS, INACTIVE

BOM = "\ufeff"
MARK_BELOW = "!"
MARK_OPEN = "~"
MARK_INACTIVE = "–"
BREAKDOWN_TITLES = {"kind": "Loại điển hình", "field": "Lĩnh vực"}


def display_width(text: str) -> int:
    """Columns a terminal uses: combining marks take none, East Asian wide characters two."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space


def table(rows: list[list[str]], numeric: set[int], header_rows: int = 1) -> str:
    widths = [max(display_width(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [pad(cell, widths[index], right=index in numeric) for index, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if number == header_rows - 1:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _cell_text(cell: dict, value: int | None = None) -> str:
    if cell["status"] == INACTIVE:
        return MARK_INACTIVE
    count = cell["count"] if value is None else value
    if value is None and cell["status"] == BELOW:
        return f"{count}{MARK_BELOW}"
    return str(count)


def _year_header(column: dict) -> str:
    return f"{column['year']}{MARK_OPEN}" if column["status"] in (CURRENT, FUTURE) else str(column["year"])


def _breakdown(data: dict, by: str | None) -> list[dict]:
    return data["kinds"] if by == "kind" else data["fields"] if by == "field" else []


def _key(by: str) -> str:
    return "kinds" if by == "kind" else "fields"


def coverage_text(data: dict, by: str | None = None) -> str:
    plan = data["plan"]
    out = [
        f"Độ phủ chỉ tiêu – {plan['title']}",
        f"Chỉ tiêu: {data['quota_text'] or str(data['quota']) + ' điển hình/đơn vị/năm'} "
        f"(tối thiểu {data['quota']}/đơn vị/năm). Ngày tham chiếu: {data['reference_date']}.",
        "",
    ]
    header = ["Đơn vị", *(_year_header(column) for column in data["years"]), "Tổng"]
    numeric = set(range(1, len(header)))
    rows = [header]
    for row in data["rows"]:
        rows.append([row["unit_name"], *(_cell_text(cell) for cell in row["cells"]), str(row["total"]["count"])])
        for item in _breakdown(data, by):
            rows.append([f"  {item['label']}", *(
                _cell_text(cell, cell[_key(by)].get(item["id"], 0)) for cell in row["cells"]
            ), str(row["total"][_key(by)][item["id"]])])
    rows.append(["Tổng cộng", *(str(column["count"]) for column in data["years"]), str(data["total"]["count"])])
    totals = data["kind_totals"] if by == "kind" else data["field_totals"] if by == "field" else []
    for item in totals:
        rows.append([f"  {item['label']}", *(str(item["by_year"][column["year"]]) for column in data["years"])
                     , str(item["count"])])
    rows.append(["Số đơn vị chưa đạt", *(
        str(column["units_below"]) if column["status"] == "ended" else MARK_OPEN for column in data["years"]), ""])
    out.append(table(rows, numeric))
    out += [
        "",
        f"{MARK_BELOW} chưa đạt chỉ tiêu (năm đã kết thúc); {MARK_OPEN} năm đang diễn ra hoặc chưa đến, "
        f"chưa tính là chưa đạt; {MARK_INACTIVE} đơn vị chưa hoặc không còn hoạt động trong năm.",
    ]
    if by is None:
        out += ["", "Theo loại điển hình: " + "; ".join(f"{item['label']} {item['count']}" for item in data["kind_totals"]),
                "Theo lĩnh vực: " + "; ".join(f"{item['label']} {item['count']}" for item in data["field_totals"])]
    return "\n".join(out) + "\n"


def _csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return BOM + buffer.getvalue()


def coverage_csv(data: dict, by: str | None = None) -> str:
    """One row per unit (and per kind or field of the unit with `by`), numbers only in the year columns."""
    years = [column["year"] for column in data["years"]]
    header = ["Mã đơn vị", "Đơn vị"] + ([BREAKDOWN_TITLES[by]] if by else []) + [str(year) for year in years] + [
        "Tổng", "Năm chưa đạt chỉ tiêu"]
    rows: list[list[object]] = [header]
    for row in data["rows"]:
        if by:
            for item in _breakdown(data, by):
                rows.append([row["unit"], row["unit_name"], item["label"], *(
                    "" if cell["status"] == INACTIVE else cell[_key(by)].get(item["id"], 0) for cell in row["cells"]
                ), row["total"][_key(by)][item["id"]], ""])
        rows.append([row["unit"], row["unit_name"], *(["Tất cả"] if by else []), *(
            "" if cell["status"] == INACTIVE else cell["count"] for cell in row["cells"]
        ), row["total"]["count"], "; ".join(str(year) for year in row["below_years"])])
    totals = data["kind_totals"] if by == "kind" else data["field_totals"] if by == "field" else []
    for item in totals:
        rows.append(["", "Tổng cộng", item["label"], *(item["by_year"][year] for year in years), item["count"], ""])
    rows.append(["", "Tổng cộng", *(["Tất cả"] if by else []), *(column["count"] for column in data["years"]),
                 data["total"]["count"], ""])
    rows.append(["", "Tình trạng năm", *([""] if by else []), *(column["status_label"] for column in data["years"]), "", ""])
    return _csv(rows)


def milestone_text(data: dict) -> str:
    milestone = data["milestone"]
    out = [
        f"{milestone['label']} – {data['plan']['title']}",
        f"Giai đoạn được xem xét: {milestone['covers_start']}–{milestone['covers_end']}. "
        f"Số điển hình: {data['count']} (không tính bản nháp và hồ sơ đã rút).",
        "",
        "Số điển hình đã đạt tới từng bước của quy trình:",
    ]
    rows = [["Bước", "Đã đạt tới", "Đang ở bước này"]]
    rows += [[f"{stage['order'] + 1}. {stage['label']}", str(stage["reached"]), str(stage["current"])] for stage in data["funnel"]]
    rows.append(["Chưa ghi giai đoạn", "", str(data["without_stage"])])
    out += [table(rows, {1, 2}), "", "Danh sách điển hình:"]
    rows = [["Tên", "Loại", "Lĩnh vực", "Đơn vị", "Năm", "Giai đoạn", "Đề cử"]]
    rows += [[entry["name"], entry["kind_label"], entry["field_label"], entry["unit_name"], str(entry["year"]),
              entry["stage_label"] or "–", "có" if entry["nominated"] else ""] for entry in data["exemplars"]]
    out.append(table(rows, {4}))
    out += ["", f"Được đề cử tại mốc này ({data['nominated_count']})"
            + (f", gửi {milestone['nominate_to']}" if milestone["nominate_to"] else "") + ":"]
    if not data["nominated"]:
        out.append("  (chưa có)")
    for group in data["nominated"]:
        out.append(f"  {group['label']} ({group['count']})")
        for kind in group["kinds"]:
            out.append(f"    {kind['label']}: " + "; ".join(f"{item['name']} ({item['unit_name']}, {item['year']})"
                                                     for item in kind["exemplars"]))
    return "\n".join(out) + "\n"


def milestone_csv(data: dict) -> str:
    rows: list[list[object]] = [["Tên", "Loại điển hình", "Lĩnh vực", "Đơn vị", "Năm", "Chức vụ", "Giai đoạn",
                                 f"Đề cử tại {data['milestone']['label']}"]]
    rows += [[entry["name"], entry["kind_label"], entry["field_label"], entry["unit_name"], entry["year"],
              entry["position"] or "", entry["stage_label"] or "", "có" if entry["nominated"] else "không"]
             for entry in data["exemplars"]]
    return _csv(rows)


def as_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


STATUS_WORDS = {BELOW: "chưa đạt", IN_PROGRESS: "đang diễn ra", INACTIVE: "không hoạt động", "ok": "đạt"}
