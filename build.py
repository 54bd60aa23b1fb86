#!/usr/bin/env python3
"""Command line of the exemplar showcase generator: wires the pipeline stages together.

Exit codes: 0 success, 1 content errors (nothing published), 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import yaml

from showcase.commands import dashboard_cli
from showcase.commands import words as cli_words
from showcase.common import clock, timings
from showcase.common.config import PROJECT_ROOT, ConfigError, is_base_url, load_project
from showcase.common.diagnostics import FORMATTERS, LANGUAGES, Diagnostic, catalog, format_text
from showcase.engine import uptodate
from showcase.source.schema import json_schema

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", cli_words.HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # usage errors exit 2, in Vietnamese
        self.print_usage(sys.stderr)
        print(f"{self.prog}: lỗi: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _site_base_url() -> str:
    """data/site.yaml's base_url, to show as an example; a placeholder when the file cannot say."""
    try:
        url = yaml.safe_load((PROJECT_ROOT / "data" / "site.yaml").read_text(encoding="utf-8"))["base_url"]
    except (OSError, yaml.YAMLError, TypeError, KeyError):
        url = None
    return url if isinstance(url, str) and is_base_url(url) else "https://ten-mien.gov.vn/"


def base_url_option(value: str) -> str:
    """`--base-url`: checked where it is typed, so that a wrong value is blamed on the option, not on data/site.yaml."""
    if is_base_url(value):
        return value
    example = _site_base_url().rstrip("/")
    raise argparse.ArgumentTypeError(
        f"“{value}” không phải là một địa chỉ đầy đủ: cần bắt đầu bằng https:// (hoặc http://) và có tên miền, "
        f"ví dụ --base-url {example}/ hoặc, khi trang đặt trong một thư mục con, --base-url {example}/thu-muc-con/. "
        "Đường dẫn của chuyên mục (phần sau tên miền, ví dụ /guong-nguoi-tot-viec-tot/) đặt trong section_path "
        "của data/site.yaml")


def make_parser() -> argparse.ArgumentParser:
    cli_words.install()
    parser = _Parser(prog="build.py", description="Tạo chuyên mục “Gương người tốt, việc tốt” từ các hồ sơ Markdown.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="LỆNH")

    def content_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--content", type=Path, default=PROJECT_ROOT / "content", help="thư mục hồ sơ (mặc định content/)")
        sub.add_argument("--lang", choices=LANGUAGES, default="vi", help="ngôn ngữ của thông báo lỗi")
        sub.add_argument("--base-url", type=base_url_option, metavar="URL",
                         help="địa chỉ gốc đầy đủ của trang web, thay cho base_url của data/site.yaml "
                              "(ví dụ https://sxd.quangtri.gov.vn/)")

    build = commands.add_parser("build", help="kiểm tra hồ sơ và tạo trang web")
    content_options(build)
    build.add_argument("--out", type=Path, default=PROJECT_ROOT / "public", help="thư mục kết quả (mặc định public/)")
    build.add_argument("--drafts", action="store_true", help="xuất bản cả bản nháp (để xem trước)")
    build.add_argument("--preview", action="store_true",
                       help="bản xem trước: mọi trang gắn noindex để máy tìm kiếm không lập chỉ mục")

    check = commands.add_parser("check", help="chỉ kiểm tra hồ sơ, không tạo trang")
    content_options(check)
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="dạng báo cáo")
    check.add_argument("--strict", action="store_true", help="coi cảnh báo (kể cả đơn vị chưa đạt chỉ tiêu) là lỗi")

    commands.add_parser("schema", help="in JSON Schema của phần thông tin đầu tệp")
    dashboard_cli.add_commands(commands, content_options)

    serve = commands.add_parser("serve", help="tạo trang và mở máy chủ xem trước")
    content_options(serve)
    serve.add_argument("--out", type=Path, default=PROJECT_ROOT / "public", help="thư mục kết quả (mặc định public/)")
    serve.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1, chỉ máy này)")
    serve.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000; 0 = chọn cổng trống)")
    guide = commands.add_parser("guide", help="tạo lại hướng dẫn biên tập docs/huong-dan-bien-tap.md từ dữ liệu")
    guide.add_argument("--check", action="store_true", help="chỉ kiểm tra tệp hướng dẫn có khớp với dữ liệu không")

    new = commands.add_parser("new", help="tạo hồ sơ mới theo câu hỏi hoặc theo cờ")
    content_options(new)
    from showcase.commands.new import add_arguments as new_arguments

    new_arguments(new)
    return parser


def _use_color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _print_diagnostics(diagnostics, lang: str, output_format: str = "text", stream=sys.stderr) -> None:
    if output_format == "text":
        if diagnostics:
            stream.write(format_text(diagnostics, lang, color=_use_color(stream)))
    else:
        sys.stdout.write(FORMATTERS[output_format](diagnostics, lang))


def run(argv: list[str]) -> int:
    args = make_parser().parse_args(argv)
    lang = getattr(args, "lang", "vi")
    if args.command == "serve":  # the preview shows data and content errors in the browser, so it starts anyway
        from showcase.commands.serve import serve

        return serve(args)
    try:
        project = load_project(PROJECT_ROOT, base_url=getattr(args, "base_url", None))
    except ConfigError as error:
        _print_diagnostics(error.diagnostics, lang)
        return EXIT_USAGE
    if args.command == "schema":
        print(json.dumps(json_schema(project), ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.command == "guide":
        from showcase.commands.guide import write_guide

        current, path = write_guide(project, check_only=args.check)
        if not current:
            print(f"{path} chưa khớp với dữ liệu: chạy python build.py guide rồi commit tệp này.", file=sys.stderr)
            return EXIT_CONTENT
        print(f"Hướng dẫn biên tập: {path}" + (" (đã khớp với dữ liệu)" if args.check else ""))
        return EXIT_OK
    if args.command == "new":
        from showcase.commands.new import run as new_profile

        return new_profile(args, project)
    if not args.content.is_dir():
        print(f"build.py: lỗi: không tìm thấy thư mục nội dung {args.content}", file=sys.stderr)
        return EXIT_USAGE
    words = catalog(lang)["words"]
    if args.command in ("report", "yearbook"):
        run_command = dashboard_cli.run_report if args.command == "report" else dashboard_cli.run_yearbook
        return run_command(args, project, _print_diagnostics)
    try:
        today = clock.reference_date(os.environ, date.today())
    except clock.ReferenceDateError as error:
        print(f"build.py: lỗi: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "check":
        from showcase.engine import pipeline

        result = pipeline.load_content(args.content, project)
        result.diagnostics += pipeline.quota_warnings(result, project, today)
        if args.strict:
            result.diagnostics = [replace(item, severity_override="error") for item in result.diagnostics]
        result.diagnostics.sort(key=Diagnostic.sort_key)
        _print_diagnostics(result.diagnostics, lang, args.format)
        if args.format == "text" and not result.diagnostics:
            print(words["ok"].format(files=result.files))
        return EXIT_CONTENT if result.errors else EXIT_OK
    if args.out.resolve() in (PROJECT_ROOT, args.content.resolve(), *args.content.resolve().parents, *PROJECT_ROOT.parents):
        print(f"build.py: lỗi: thư mục kết quả {args.out} chứa mã nguồn hoặc nội dung; chọn thư mục khác", file=sys.stderr)
        return EXIT_USAGE
    freshness = uptodate.check(args.content, args.out.resolve(), project, args.drafts, args.preview, today,
                               uptodate.default_cache_dir(project))
    if freshness.report is not None:  # nothing changed since the last build: the rendering stages are not even imported
        diagnostics, _, counts, pages = freshness.report
    else:
        from showcase.engine import pipeline

        try:
            result, pages = pipeline.build(args.content, args.out, project, include_drafts=args.drafts, today=today,
                                           preview=args.preview, freshness=freshness)
        except OSError as error:  # the disk, not the content: full, read-only, a file where a folder goes
            where = f" {error.filename}" if error.filename else ""
            print(f"build.py: lỗi: không đọc hoặc ghi được tệp{where}: {error.strerror or error}. Kiểm tra thư mục "
                  f"kết quả {args.out} ghi được và ổ đĩa còn chỗ trống; trang đã xuất bản trước đó không bị thay đổi.",
                  file=sys.stderr)
            return EXIT_USAGE
        diagnostics, counts = result.diagnostics, result.counts
    _print_diagnostics(diagnostics, lang)
    if any(item.severity == "error" for item in diagnostics):
        print(words["not_built"].format(out=args.out), file=sys.stderr)
        return EXIT_CONTENT
    published, drafts, withdrawn = counts
    print(words["built"].format(pages=pages, out=args.out, published=published, drafts=drafts, withdrawn=withdrawn,
                                drafts_state=words["drafts_shown" if args.drafts else "drafts_hidden"]))
    return EXIT_OK


def main() -> None:
    timings.enable_from(os.environ)
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        print("\nĐã dừng.", file=sys.stderr)
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
