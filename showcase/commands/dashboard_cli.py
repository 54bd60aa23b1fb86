"""Commands of the office's dashboard: `report` and `yearbook` (wired by build.py).

These only wire stages: load content → figures (showcase.office.reports) → a view
(showcase.office.report_format, or the yearbook page printed by headless Chromium). The stages are
imported by the commands that use them: build.py reads this module for its arguments on every run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from showcase.common.clock import ReferenceDateError, reference_date
from showcase.common.config import Project

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def add_commands(commands, content_options) -> None:
    report = commands.add_parser("report", help="báo cáo độ phủ chỉ tiêu hoặc sơ kết, tổng kết (bảng, CSV, JSON)")
    content_options(report)
    report.add_argument("--plan", help="mã kế hoạch (mặc định: kế hoạch đang thực hiện)")
    report.add_argument("--year", type=int, help="chỉ báo cáo một năm")
    report.add_argument("--milestone", help="báo cáo một mốc sơ kết, tổng kết (mã trong data/plans)")
    report.add_argument("--format", choices=("text", "csv", "json"), default="text", help="dạng báo cáo (mặc định text)")
    report.add_argument("--by", choices=("kind", "field"), help="tách số liệu theo loại điển hình hoặc lĩnh vực")
    report.add_argument("--output", type=Path, help="ghi báo cáo vào tệp thay vì in ra màn hình")

    yearbook = commands.add_parser("yearbook", help="tạo kỷ yếu (bản in PDF) của một năm hoặc một mốc sơ kết, tổng kết")
    content_options(yearbook)
    which = yearbook.add_mutually_exclusive_group(required=True)
    which.add_argument("--milestone", help="mã mốc sơ kết, tổng kết")
    which.add_argument("--year", type=int, help="năm")
    yearbook.add_argument("--pdf", type=Path, required=True, help="tệp PDF cần tạo")


def _today() -> datetime.date:
    return reference_date(os.environ, datetime.date.today())


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"build.py: lỗi: {message}", file=sys.stderr)
    return code


def _load(args: argparse.Namespace, project: Project, print_diagnostics):
    from showcase.engine import pipeline  # imported when used: `build.py` stays quick to start

    result = pipeline.load_content(args.content, project)
    if result.errors:
        print_diagnostics(result.diagnostics, args.lang)
        print("Hồ sơ còn lỗi: sửa các lỗi trên rồi chạy lại báo cáo.", file=sys.stderr)
        return None
    return result


def _date_and_milestone(args: argparse.Namespace, project: Project):
    """(reference date, (plan, milestone) named by --milestone, problem): what both report and yearbook start from."""
    from showcase.office.reports import find_milestone

    try:
        today = _today()
    except ReferenceDateError as error:
        return None, None, str(error)
    if not args.milestone:
        return today, None, None
    found = find_milestone(project, args.milestone)
    if found is None:
        known = ", ".join(m for plan in project.plans for m in plan.milestones) or "không có"
        return today, None, f"không có mốc sơ kết, tổng kết “{args.milestone}” (các mốc: {known})"
    return today, found, None


def run_report(args: argparse.Namespace, project: Project, print_diagnostics) -> int:
    from showcase.office.report_format import as_json, coverage_csv, coverage_text, milestone_csv, milestone_text
    from showcase.office.reports import coverage, default_plan, milestone_review

    today, found, problem = _date_and_milestone(args, project)
    if problem:
        return _fail(problem)
    plan = project.plan(args.plan) if args.plan else default_plan(project, today)
    if plan is None:
        return _fail(f"không có kế hoạch “{args.plan}” (các kế hoạch: {', '.join(p.id for p in project.plans)})")
    if args.year is not None and not args.milestone and not plan.covers(args.year):
        return _fail(f"năm {args.year} không thuộc kế hoạch {plan.id} ({plan.start}–{plan.end})")
    result = _load(args, project, print_diagnostics)
    if result is None:
        return EXIT_CONTENT
    if args.milestone:
        plan, milestone = found
        data = milestone_review(result.profiles, plan, milestone, project, _order(project))
        text = {"text": milestone_text, "csv": milestone_csv, "json": as_json}[args.format](data)
    else:
        data = coverage(result.profiles, plan, project, today, args.year)
        if args.format == "json":
            text = as_json(data)
        else:
            text = (coverage_csv if args.format == "csv" else coverage_text)(data, args.by)
    if args.output:
        # newline="" keeps the CSV's CRLF as written.
        args.output.write_text(text, encoding="utf-8", newline="")
        print(f"Đã ghi báo cáo vào {args.output}.", file=sys.stderr)
    else:
        if args.format == "csv":
            sys.stdout.reconfigure(newline="")
        sys.stdout.write(text)
    return EXIT_OK


def _order(project: Project) -> tuple[str, ...]:
    from showcase.office.dashboard_pages import settings

    return settings(project)[1]


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _localise_urls(html: str, root: Path) -> str:
    """Root-relative links (/prefix/assets/...) point into the temporary site when printed from file://."""
    base = root.as_uri()
    return html.replace('src="/', f'src="{base}/').replace('href="/', f'href="{base}/')


YEARBOOK_PRINTINGS = 3
_TOC_PAGE = re.compile(r'(<span class="toc-page" data-page-of="([^"]+)">)(</span>)')


def with_page_numbers(html: str, numbers: dict[str, int]) -> str:
    """The yearbook with each table-of-contents entry's page filled in (anchor → page number)."""
    return _TOC_PAGE.sub(lambda match: f"{match[1]}{numbers.get(match[2], '')}{match[3]}", html) if numbers else html


def _print_pdf(chromium: str, page: Path, target: Path, profile: Path) -> str | None:
    """Print `page` to `target` with headless Chromium; what went wrong, or None."""
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={profile}", f"--print-to-pdf={target}", page.as_uri(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Chromium không in được kỷ yếu ({error})"
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        return f"Chromium không in được kỷ yếu (mã {done.returncode}): {done.stderr.strip()[-500:]}"
    return None


def run_yearbook(args: argparse.Namespace, project: Project, print_diagnostics) -> int:
    from showcase.engine.writer import write_tree
    from showcase.office.dashboard_pages import DashboardUrls
    from showcase.office.pdf_pages import destination_pages

    today, found, problem = _date_and_milestone(args, project)
    if problem:
        return _fail(problem)
    if args.milestone:
        key = args.milestone
    else:
        if project.plan_for_year(args.year) is None:
            return _fail(f"năm {args.year} không thuộc kế hoạch nào")
        key = args.year
    chromium = find_chromium()
    if chromium is None:
        return _fail("không tìm thấy Chromium để in PDF. Cài gói chromium (Debian/Ubuntu: apt-get install chromium) "
                     "hoặc đặt biến môi trường CHROMIUM=/đường/dẫn/tới/chromium; cũng có thể mở trang kỷ yếu "
                     "trong trình duyệt và dùng lệnh In (Ctrl+P).")
    result = _load(args, project, print_diagnostics)
    if result is None:
        return EXIT_CONTENT
    url = DashboardUrls(project).yearbook(key)
    from showcase.engine import pipeline

    _, files = pipeline.render_site(result, project, include_drafts=False, today=today)
    page_path = url.lstrip("/") + "index.html"
    if page_path not in files:
        return _fail(f"năm {key} chưa có điển hình nào để làm kỷ yếu", EXIT_CONTENT)
    with tempfile.TemporaryDirectory(prefix="ky-yeu-") as temp:
        root = Path(temp) / "site"
        write_tree(files, root)
        page = root / page_path
        html = _localise_urls(page.read_text(encoding="utf-8"), root)
        target = args.pdf.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        # Printed until the table of contents gives the pages the exemplars are printed on: twice, as
        # filling in the numbers moves nothing (layouts/yearbook.html); a third time only if it did.
        numbers: dict[str, int] = {}
        for _ in range(YEARBOOK_PRINTINGS):
            page.write_text(with_page_numbers(html, numbers), encoding="utf-8")
            problem = _print_pdf(chromium, page, target, Path(temp) / "profile")
            if problem:
                return _fail(problem)
            found = destination_pages(target.read_bytes())
            if found == numbers:
                break
            if not found:
                print("Cảnh báo: không đọc được số trang của các điển hình trong bản PDF; mục lục không ghi số trang.",
                      file=sys.stderr)
                break
            numbers = found
        else:
            print("Cảnh báo: số trang trong mục lục có thể lệch với trang của điển hình.", file=sys.stderr)
    print(f"Đã tạo kỷ yếu {args.pdf}.", file=sys.stderr)
    return EXIT_OK
