"""`build.py dossier`: the nomination dossier of a milestone (or a year) as Word documents and one zip.
Wiring only: load content → the private folder (source/private.py) → the documents' data
(office/dossier.py) → Word files from the templates (office/dossier_docx.py) → written atomically.
`--make-templates` writes the templates themselves (office/dossier_templates.py)."""

from __future__ import annotations

import argparse
import datetime
import shutil
import sys
from pathlib import Path

from showcase.commands.cli import (
    EXIT_CONTENT,
    EXIT_OK,
    content_command_start,
    content_options,
    fail,
    print_diagnostics,
    say,
)
from showcase.commands.report import load_valid_content, named_milestone
from showcase.common.config import PROJECT_ROOT
from showcase.common.paths import display_path

HELP = "tạo hồ sơ đề nghị khen thưởng (tờ trình, danh sách, báo cáo thành tích; tệp Word) của một mốc hoặc một năm"
TEMPLATES_DIR = PROJECT_ROOT / "layouts" / "dossier"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    content_options(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--milestone", help="mã mốc sơ kết, tổng kết (ví dụ so-ket-2023)")
    which.add_argument("--year", type=int, help="năm: các điển hình của năm đó đã được đề cử")
    which.add_argument("--make-templates", action="store_true",
                       help="tạo lại các tệp mẫu Word (layouts/dossier/) từ chương trình; mất các sửa đổi đã làm trong Word")
    parser.add_argument("--check", action="store_true", help="với --make-templates: chỉ kiểm tra các tệp mẫu đã khớp chưa")
    parser.add_argument("--out", type=Path, help="thư mục kết quả (mặc định ho-so-de-nghi-<mã mốc hoặc năm>/)")
    parser.add_argument("--private", type=Path, metavar="THƯ_MỤC",
                        help="thư mục dữ liệu riêng (lý lịch cho báo cáo thành tích cá nhân), ngoài content/, "
                             "ví dụ du-lieu-rieng")
    parser.add_argument("--date", metavar="NGÀY", help="ngày ký ghi trên các văn bản, dạng 2025-02-05 (mặc định để trống cho văn thư điền)")
    parser.add_argument("--templates", type=Path, default=TEMPLATES_DIR, metavar="THƯ_MỤC",
                        help="thư mục các tệp mẫu Word (mặc định layouts/dossier/)")


def make_templates(args: argparse.Namespace) -> int:
    from showcase.office.dossier_templates import make_templates as made

    folder = args.templates
    templates = made()
    if args.check:
        stale = sorted(name for name, data in templates.items()
                       if not (folder / name).is_file() or (folder / name).read_bytes() != data)
        if stale:
            return fail("dossier_templates_stale", args.lang, EXIT_CONTENT, names=", ".join(stale), folder=display_path(folder))
        print(say("dossier_templates_current", args.lang, folder=display_path(folder)), file=sys.stderr)
        return EXIT_OK
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in templates.items():
        (folder / name).write_bytes(data)
    print(say("dossier_templates_written", args.lang, count=len(templates), folder=display_path(folder)), file=sys.stderr)
    return EXIT_OK


def _unsafe_out(out: Path, content: Path) -> bool:
    """The dossier holds personal data: never written over the project's folders or into the content."""
    out, content = out.resolve(), content.resolve()
    project_folders = {PROJECT_ROOT / name for name in ("data", "layouts", "static", "showcase", "docs", "tests")}
    return out in (PROJECT_ROOT, *PROJECT_ROOT.parents, *project_folders) or out.is_relative_to(content) or \
        content.is_relative_to(out)


def main(args: argparse.Namespace) -> int:
    if args.make_templates:
        return make_templates(args)
    if args.milestone is None and args.year is None:
        return fail("dossier_which", args.lang)
    started = content_command_start(args)
    if isinstance(started, int):
        return started
    project, today = started
    from showcase.common.diagnostics import catalog
    from showcase.engine.writer import spare_dir, write_tree
    from showcase.office.dossier_docx import DossierTemplateError, make_dossier_files
    from showcase.source.private import read_private_folder

    _, problem = named_milestone(args, project)
    if problem:
        return fail(problem[0], args.lang, **problem[1])
    if args.milestone is None and project.plan_for_year(args.year) is None:
        return fail("year_in_no_plan", args.lang, year=args.year)
    key = args.milestone or args.year
    try:
        when = datetime.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        return fail("dossier_date", args.lang, value=args.date)
    out = args.out or PROJECT_ROOT / catalog("vi")["dossier"]["files"]["folder"].format(key=key)
    if _unsafe_out(out, args.content):
        return fail("dossier_out_unsafe", args.lang, out=out)
    records, problems = [], []
    if args.private is not None:
        if not args.private.is_dir():
            return fail("dossier_no_private_folder", args.lang, folder=args.private)
        if args.private.resolve().is_relative_to(args.content.resolve()):
            return fail("dossier_private_in_content", args.lang, folder=args.private, content=args.content)
        records, problems = read_private_folder(args.private, project)
        if any(item.severity == "error" for item in problems):
            print_diagnostics(problems, args.lang)
            print(say("dossier_fix_private", args.lang), file=sys.stderr)
            return EXIT_CONTENT
    result = load_valid_content(args, project)
    if result is None:
        return EXIT_CONTENT
    try:
        dossier, files = make_dossier_files(result.profiles, project, args.content, key, args.templates, today, records, when)
    except DossierTemplateError as error:
        return fail(error.key, args.lang, **error.args_)
    print_diagnostics(sorted(problems + dossier.diagnostics, key=lambda item: item.sort_key()), args.lang)
    if not files:
        return fail("dossier_empty", args.lang, EXIT_CONTENT, key=key)
    try:
        write_tree(files, out)
    except OSError as error:
        return fail("disk", args.lang, where=f" {error.filename}" if error.filename else "", problem=error.strerror or error, out=out)
    # The previous dossier, kept by the writer for a quicker next build, holds personal data: not left behind.
    shutil.rmtree(spare_dir(out.resolve()), ignore_errors=True)
    print(say("dossier_written", args.lang, label=dossier.label, folder=display_path(out), documents=len(files) - 1,
              reports=dossier.reports, zip=display_path(out / f"{dossier.folder}.zip")), file=sys.stderr)
    return EXIT_OK
