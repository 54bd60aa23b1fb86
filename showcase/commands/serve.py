"""`build.py serve`: build, serve the site on this machine and rebuild on every save (engine/preview.py);
the editors' form is served too, saving into this working copy."""

from __future__ import annotations

import argparse

from showcase.commands.cli import content_options, output_option

HELP = "tạo trang và mở máy chủ xem trước"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    content_options(parser)
    output_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1, chỉ máy này)")
    parser.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000; 0 = chọn cổng trống)")


def main(args: argparse.Namespace) -> int:
    """The preview shows data and content errors in the browser, so it starts whatever they are."""
    from showcase.engine.preview import serve

    return serve(args)
