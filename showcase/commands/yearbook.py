"""`build.py yearbook`: the yearbook of a year or a milestone as a PDF. Wiring only: load content →
the site's pages (engine/pipeline.py) → the yearbook page printed by Chromium (office/yearbook_pdf.py)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from showcase.commands.cli import EXIT_CONTENT, EXIT_OK, content_command_start, content_options, fail, say
from showcase.commands.report import load_valid_content, named_milestone

HELP = "tạo kỷ yếu (bản in PDF) của một năm hoặc một mốc sơ kết, tổng kết"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    content_options(parser)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--milestone", help="mã mốc sơ kết, tổng kết")
    which.add_argument("--year", type=int, help="năm")
    parser.add_argument("--pdf", type=Path, required=True, help="tệp PDF cần tạo")


def main(args: argparse.Namespace) -> int:
    started = content_command_start(args)
    if isinstance(started, int):
        return started
    project, today = started
    from showcase.engine import pipeline
    from showcase.engine.writer import write_tree
    from showcase.office.dashboard_pages import DashboardUrls
    from showcase.office.yearbook_pdf import find_chromium, print_yearbook

    _, problem = named_milestone(args, project)
    if problem:
        return fail(problem[0], args.lang, **problem[1])
    if not args.milestone and project.plan_for_year(args.year) is None:
        return fail("year_in_no_plan", args.lang, year=args.year)
    key = args.milestone or args.year
    chromium = find_chromium()
    if chromium is None:
        return fail("no_chromium", args.lang)
    result = load_valid_content(args, project)
    if result is None:
        return EXIT_CONTENT
    _, files = pipeline.render_site(result, project, include_drafts=False, today=today)
    page_path = DashboardUrls(project).yearbook(key).lstrip("/") + "index.html"
    if page_path not in files:
        return fail("yearbook_empty", args.lang, EXIT_CONTENT, key=key)
    with tempfile.TemporaryDirectory(prefix="ky-yeu-") as temp:
        root = Path(temp) / "site"
        write_tree(files, root)
        target = args.pdf.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        problem = print_yearbook(chromium, root, root / page_path, target, Path(temp) / "profile")
    if problem and not problem[0].startswith("yearbook_"):
        return fail(problem[0], args.lang, **problem[1])
    if problem:
        print(say(problem[0], args.lang, **problem[1]), file=sys.stderr)
    print(say("yearbook_written", args.lang, path=args.pdf), file=sys.stderr)
    return EXIT_OK
