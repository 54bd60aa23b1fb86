"""`build.py schema`: the JSON Schema of the front matter, from the same data the check uses."""

from __future__ import annotations

import argparse
import json

from showcase.commands.cli import EXIT_OK, project_of

HELP = "in JSON Schema của phần thông tin đầu tệp"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def main(args: argparse.Namespace) -> int:
    from showcase.source.schema import json_schema

    project = project_of(args)
    if isinstance(project, int):
        return project
    print(json.dumps(json_schema(project), ensure_ascii=False, indent=2))
    return EXIT_OK
