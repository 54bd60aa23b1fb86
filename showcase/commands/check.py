"""`build.py check`: every problem of every profile, nothing built."""

from __future__ import annotations

import argparse
from dataclasses import replace

from showcase.commands.cli import EXIT_CONTENT, EXIT_OK, content_command_start, content_options, print_diagnostics
from showcase.common.diagnostics import FORMATTERS, Diagnostic, catalog, fill

HELP = "chỉ kiểm tra hồ sơ, không tạo trang"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    content_options(parser)
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="dạng báo cáo")
    parser.add_argument("--strict", action="store_true", help="coi cảnh báo (kể cả đơn vị chưa đạt chỉ tiêu) là lỗi")


def main(args: argparse.Namespace) -> int:
    started = content_command_start(args, args.format)
    if isinstance(started, int):
        return started
    project, today = started
    from showcase.engine import pipeline

    result = pipeline.load_content(args.content, project)
    result.diagnostics += pipeline.quota_warnings(result, project, today)
    if args.strict:
        result.diagnostics = [replace(item, severity_override="error") for item in result.diagnostics]
    result.diagnostics.sort(key=Diagnostic.sort_key)
    print_diagnostics(result.diagnostics, args.lang, args.format)
    if args.format == "text" and not result.diagnostics:
        print(fill(catalog(args.lang)["words"]["ok"], {"files": result.files}))
    return EXIT_CONTENT if result.errors else EXIT_OK
