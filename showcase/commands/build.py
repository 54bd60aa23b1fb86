"""`build.py build`: check the profiles and make the site; publish only when there is no error."""

from __future__ import annotations

import argparse
import sys

from showcase.commands.cli import (
    EXIT_CONTENT,
    EXIT_OK,
    content_command_start,
    content_options,
    fail,
    output_option,
    print_diagnostics,
)
from showcase.common.config import PROJECT_ROOT
from showcase.common.diagnostics import catalog, fill
from showcase.engine import uptodate

HELP = "kiểm tra hồ sơ và tạo trang web"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    content_options(parser)
    output_option(parser)
    parser.add_argument("--drafts", action="store_true", help="xuất bản cả bản nháp (để xem trước)")
    parser.add_argument("--preview", action="store_true",
                        help="bản xem trước: mọi trang gắn noindex để máy tìm kiếm không lập chỉ mục")


def main(args: argparse.Namespace) -> int:
    started = content_command_start(args)
    if isinstance(started, int):
        if started == EXIT_CONTENT:  # a data file is wrong: nothing built, the published site left as it was
            print(fill(catalog(args.lang)["words"]["not_built"], {"out": args.out}), file=sys.stderr)
        return started
    project, today = started
    content, out = args.content.resolve(), args.out.resolve()
    if out in (PROJECT_ROOT, content, *content.parents, *PROJECT_ROOT.parents):
        return fail("out_holds_sources", args.lang, out=args.out)
    freshness = uptodate.check(args.content, out, project, args.drafts, args.preview, today, uptodate.default_cache_dir(project))
    if freshness.report is not None:  # nothing changed since the last build: the rendering stages are not even imported
        diagnostics, _, counts, pages = freshness.report
    else:
        from showcase.engine import pipeline

        try:
            result, pages = pipeline.build(args.content, args.out, project, include_drafts=args.drafts, today=today,
                                           preview=args.preview, freshness=freshness)
        except OSError as error:  # the disk, not the content: full, read-only, a file where a folder goes
            return fail("disk", args.lang, where=f" {error.filename}" if error.filename else "",
                        problem=error.strerror or error, out=args.out)
        diagnostics, counts = result.diagnostics, result.counts
    print_diagnostics(diagnostics, args.lang)
    words = catalog(args.lang)["words"]
    if any(item.severity == "error" for item in diagnostics):
        print(fill(words["not_built"], {"out": args.out}), file=sys.stderr)
        return EXIT_CONTENT
    published, drafts, withdrawn = counts
    print(fill(words["built"], {"pages": pages, "out": args.out, "published": published, "drafts": drafts, "withdrawn": withdrawn,
                                "drafts_state": words["drafts_shown" if args.drafts else "drafts_hidden"]}))
    return EXIT_OK
