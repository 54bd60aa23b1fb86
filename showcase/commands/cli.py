"""What every command shares: the parser that speaks Vietnamese, the options of the commands that read
the content, the exit codes, and the messages of the command line (messages/<lang>.yaml, `cli:`)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

import yaml

from showcase.commands import words
from showcase.common import clock
from showcase.common.config import PROJECT_ROOT, ConfigError, Project, is_base_url, load_project
from showcase.common.diagnostics import FORMATTERS, LANGUAGES, catalog, fill, format_text

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
PROGRAM = "build.py"


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", words.HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # usage errors exit 2, in Vietnamese
        self.print_usage(sys.stderr)
        print(f"{self.prog}: lỗi: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def say(key: str, lang: str = "vi", /, **args) -> str:
    """A message of the command line, in the user's language."""
    return fill(catalog(lang)["cli"][key], args)


def fail(key: str, lang: str = "vi", code: int = EXIT_USAGE, /, **args) -> int:
    """Print `build.py: lỗi: <message>` and give the exit code."""
    print(f"{PROGRAM}: {catalog(lang)['words']['error']}: {say(key, lang, **args)}", file=sys.stderr)
    return code


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


def content_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=PROJECT_ROOT / "content", help="thư mục hồ sơ (mặc định content/)")
    parser.add_argument("--lang", choices=LANGUAGES, default="vi", help="ngôn ngữ của thông báo lỗi")
    parser.add_argument("--base-url", type=base_url_option, metavar="URL",
                        help="địa chỉ gốc đầy đủ của trang web, thay cho base_url của data/site.yaml "
                             "(ví dụ https://sxd.quangtri.gov.vn/)")


def output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "public", help="thư mục kết quả (mặc định public/)")


def _use_color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def print_diagnostics(diagnostics, lang: str, output_format: str = "text", stream=None) -> None:
    stream = stream or sys.stderr
    if output_format == "text":
        if diagnostics:
            stream.write(format_text(diagnostics, lang, color=_use_color(stream)))
    else:
        sys.stdout.write(FORMATTERS[output_format](diagnostics, lang))


def project_of(args: argparse.Namespace, output_format: str = "text") -> Project | int:
    """The project's data, with `--base-url` applied; when a data file is wrong, its problems printed (as
    `check --format` asks) and the exit status of a content error (EXIT_CONTENT): the office's files are
    content too, and their diagnostics are as good as a profile's."""
    try:
        return load_project(PROJECT_ROOT, base_url=getattr(args, "base_url", None))
    except ConfigError as error:
        print_diagnostics(error.diagnostics, getattr(args, "lang", "vi"), output_format)
        return EXIT_CONTENT


def content_folder_missing(args: argparse.Namespace) -> bool:
    if args.content.is_dir():
        return False
    fail("no_content_folder", args.lang, content=args.content)
    return True


def reference_day(lang: str) -> date | None:
    """The build's day (SOURCE_DATE_EPOCH, else today); None, the problem printed, when the variable is wrong."""
    try:
        return clock.reference_date(os.environ, date.today())
    except clock.ReferenceDateError as error:
        print(f"{PROGRAM}: {catalog(lang)['words']['error']}: {error}", file=sys.stderr)
        return None


def content_command_start(args: argparse.Namespace, output_format: str = "text") -> tuple[Project, date] | int:
    """What every command that reads the content starts from: the project's data, the content folder and
    the build's day; the exit status, the problem printed, when one of them is wrong (EXIT_CONTENT for a
    data file, EXIT_USAGE for the command line's folder or SOURCE_DATE_EPOCH)."""
    project = project_of(args, output_format)
    if isinstance(project, int):
        return project
    if content_folder_missing(args):
        return EXIT_USAGE
    today = reference_day(args.lang)
    return EXIT_USAGE if today is None else (project, today)
