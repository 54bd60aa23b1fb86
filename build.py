#!/usr/bin/env python3
"""Command line of the exemplar showcase generator: each command is a module of showcase/commands/,
listed in its COMMANDS table; this file only makes the parser and hands over.

Exit codes: 0 success, 1 content errors (nothing published), 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from showcase.commands import COMMANDS, command, words
from showcase.commands.cli import Parser, say
from showcase.common import timings


def make_parser() -> argparse.ArgumentParser:
    words.install()
    parser = Parser(prog="build.py", description="Tạo chuyên mục “Gương người tốt, việc tốt” từ các hồ sơ Markdown.")
    subcommands = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="LỆNH")
    for name in COMMANDS:
        module = command(name)
        module.add_arguments(subcommands.add_parser(name, help=module.HELP))
    return parser


def run(argv: list[str]) -> int:
    args = make_parser().parse_args(argv)
    return command(args.command).main(args)


def main() -> None:
    timings.enable_from(os.environ)
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        print("\n" + say("stopped"), file=sys.stderr)
        code = 130
    except BrokenPipeError:  # the output was piped into a command that stopped reading (`| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    main()
