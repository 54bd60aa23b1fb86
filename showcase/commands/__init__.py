"""The command line: one module a command, registered in COMMANDS in the order `build.py -h` lists them.

Each module has HELP (one line for the list), add_arguments(parser) and main(args) -> exit code
(0 done, 1 content errors, 2 usage or configuration errors). A module imports the stages it runs
inside main(), so that reading every module to make the parser keeps `build.py` quick to start.
"""

from __future__ import annotations

import importlib
from types import ModuleType

COMMANDS = ("build", "check", "schema", "report", "yearbook", "dossier", "serve", "guide", "new")


def command(name: str) -> ModuleType:
    return importlib.import_module(f"showcase.commands.{name}")
