"""`build.py report`: the office's figures (coverage of the quota, or a milestone's review) as a
table, CSV or JSON. Wiring only: load content → figures (office/reports.py) → a view (office/report_format.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from showcase.commands.cli import EXIT_CONTENT, EXIT_OK, content_command_start, content_options, fail, print_diagnostics, say
from showcase.common.config import Project

HELP = "báo cáo độ phủ chỉ tiêu hoặc sơ kết, tổng kết (bảng, CSV, JSON)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    content_options(parser)
    parser.add_argument("--plan", help="mã kế hoạch (mặc định: kế hoạch đang thực hiện)")
    parser.add_argument("--year", type=int, help="chỉ báo cáo một năm")
    parser.add_argument("--milestone", help="báo cáo một mốc sơ kết, tổng kết (mã trong data/plans)")
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text", help="dạng báo cáo (mặc định text)")
    parser.add_argument("--by", choices=("kind", "field"), help="tách số liệu theo loại điển hình hoặc lĩnh vực")
    parser.add_argument("--output", type=Path, help="ghi báo cáo vào tệp thay vì in ra màn hình")


def load_valid_content(args: argparse.Namespace, project: Project):
    """The content, or None (its problems printed) when a profile has an error: figures from part of it would mislead."""
    from showcase.engine import pipeline

    result = pipeline.load_content(args.content, project)
    if result.errors:
        print_diagnostics(result.diagnostics, args.lang)
        print(say("fix_then_report", args.lang), file=sys.stderr)
        return None
    return result


def named_milestone(args: argparse.Namespace, project: Project):
    """((plan, milestone) named by --milestone or None, problem as (key, values) or None): what both report
    and yearbook check before reading the content."""
    from showcase.office.reports import find_milestone

    if not args.milestone:
        return None, None
    found = find_milestone(project, args.milestone)
    if found is None:
        known = ", ".join(m for plan in project.plans for m in plan.milestones) or say("none_known", args.lang)
        return None, ("unknown_milestone", {"milestone": args.milestone, "known": known})
    return found, None


def main(args: argparse.Namespace) -> int:
    started = content_command_start(args)
    if isinstance(started, int):
        return started
    project, today = started
    from showcase.office.dashboard_pages import settings
    from showcase.office.report_format import as_json, coverage_csv, coverage_text, milestone_csv, milestone_text
    from showcase.office.reports import coverage, default_plan, milestone_review

    found, problem = named_milestone(args, project)
    if problem:
        return fail(problem[0], args.lang, **problem[1])
    plan = project.plan(args.plan) if args.plan else default_plan(project, today)
    if plan is None:
        return fail("unknown_plan", args.lang, plan=args.plan, known=", ".join(p.id for p in project.plans))
    if args.year is not None and not args.milestone and not plan.covers(args.year):
        return fail("year_outside_plan", args.lang, year=args.year, plan=plan.id, start=plan.start, end=plan.end)
    result = load_valid_content(args, project)
    if result is None:
        return EXIT_CONTENT
    if args.milestone:
        plan, milestone = found
        data = milestone_review(result.profiles, plan, milestone, project, settings(project)[1])
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
        print(say("report_written", args.lang, path=args.output), file=sys.stderr)
    else:
        if args.format == "csv":
            sys.stdout.reconfigure(newline="")
        sys.stdout.write(text)
    return EXIT_OK
