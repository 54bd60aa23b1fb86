"""Views of the office's figures (showcase.office.reports): terminal table, CSV for Excel, JSON.

Pure functions from the report data to text. The CSV is what Excel opens without a
wizard: UTF-8 with a byte-order mark (else Excel reads Vietnamese as Windows-1252),
comma delimiter, every field quoted when needed, CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from showcase.office.reports import BELOW, CURRENT, FUTURE, IN_PROGRESS, INACTIVE

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


# The text reports fit a terminal of this many columns: long cells wrap within their column, long
# sentences onto indented lines (the CSV and JSON keep every value on one line).
TEXT_WIDTH = 100
GAP = 2


def _cut(word: str, width: int) -> tuple[str, str]:
    """The longest head of `word` that takes at most `width` columns, and the rest."""
    taken = 0
    for index, char in enumerate(word):
        taken += display_width(char)
        if taken > width:
            return word[:max(index, 1)], word[max(index, 1):]
    return word, ""


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, broken between words (a word too long is cut); its
    leading spaces (a sub-row's indent) begin every line."""
    indent = text[:len(text) - len(text.lstrip(" "))]
    width = max(1, width - len(indent))
    lines: list[str] = []
    line = ""
    for word in text.split():
        while display_width(word) > width:
            if line:
                lines.append(line)
                line = ""
            head, word = _cut(word, width)
            lines.append(head)
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return [indent + line for line in lines]


def prose(text: str, width: int = TEXT_WIDTH) -> str:
    """A sentence of a report in lines of at most `width` columns, the lines after the first indented
    two more than it."""
    if display_width(text) <= width:
        return text
    indent = text[:len(text) - len(text.lstrip(" "))]
    first, *rest = wrap(text, width - 2)
    return "\n".join([first, *(indent + "  " + line.lstrip(" ") for line in rest)])


def _column_widths(rows: list[list[str]], numeric: set[int], width: int) -> list[int]:
    """Each column as wide as its widest cell; while the table is too wide, its widest text column
    loses a column, down to its longest word (numbers never wrap)."""
    widths = [max(display_width(row[index]) for row in rows) for index in range(len(rows[0]))]
    floors = [widths[index] if index in numeric else
              max(3, min(widths[index], max(display_width(word) for row in rows for word in row[index].split() or [""])))
              for index in range(len(widths))]
    while sum(widths) + GAP * (len(widths) - 1) > width:
        shrinkable = [index for index in range(len(widths)) if widths[index] > floors[index]]
        if not shrinkable:
            break
        widths[max(shrinkable, key=lambda index: widths[index])] -= 1
    return widths


def _row_lines(row: list[str], widths: list[int], numeric: set[int]) -> list[str]:
    wrapped = [[cell] if index in numeric else wrap(cell, widths[index]) for index, cell in enumerate(row)]
    return [(" " * GAP).join(pad(cell[part] if part < len(cell) else "", widths[index], right=index in numeric)
                             for index, cell in enumerate(wrapped)).rstrip()
            for part in range(max(len(cell) for cell in wrapped))]


def table(rows: list[list[str]], numeric: set[int], header_rows: int = 1, width: int = TEXT_WIDTH,
          groups: list[str] | None = None) -> str:
    """Rows as aligned columns, numbers on the right, at most `width` columns wide. `groups`: for each
    row after the header, the heading of its group, written on a line of its own where it changes."""
    widths = _column_widths(rows, numeric, width)
    lines = []
    for number, row in enumerate(rows):
        group = groups[number - header_rows] if groups and number >= header_rows else None
        if group is not None and (number == header_rows or group != groups[number - header_rows - 1]):
            lines += ["", prose(group, width)]
        lines += _row_lines(row, widths, numeric)
        if number == header_rows - 1:
            lines.append((" " * GAP).join("-" * width for width in widths))
    return "\n".join(lines)


def _fitted(out: list[str]) -> str:
    """The report's lines: its sentences wrapped to TEXT_WIDTH; its tables (blocks of several lines,
    from `table`) as they are, already fitted."""
    return "\n".join(block if "\n" in block else prose(block) for block in out) + "\n"


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
    return _fitted(out)


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
    # Under a heading for each field instead of in a column of its own: the list fits a terminal.
    rows = [["Tên", "Loại", "Đơn vị", "Năm", "Giai đoạn", "Đề cử"]]
    rows += [[entry["name"], entry["kind_label"], entry["unit_name"], str(entry["year"]),
              entry["stage_label"] or "–", "có" if entry["nominated"] else ""] for entry in data["exemplars"]]
    out.append(table(rows, {3}, groups=[f"Lĩnh vực: {entry['field_label']}" for entry in data["exemplars"]]))
    out += ["", f"Được đề cử tại mốc này ({data['nominated_count']})"
            + (f", gửi {milestone['nominate_to']}" if milestone["nominate_to"] else "") + ":"]
    if not data["nominated"]:
        out.append("  (chưa có)")
    for group in data["nominated"]:
        out.append(f"  {group['label']} ({group['count']})")
        for kind in group["kinds"]:
            out.append(f"    {kind['label']}: " + "; ".join(f"{item['name']} ({item['unit_name']}, {item['year']})"
                                                     for item in kind["exemplars"]))
    return _fitted(out)


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
