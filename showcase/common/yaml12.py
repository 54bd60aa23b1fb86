"""YAML read the way the editors' web form reads and writes it: the 1.2 core schema of the npm package `yaml` 1.10.

Decap CMS writes front matter (and, for the office's forms, data files) with `yaml` 1.10, whose default
schema is YAML 1.2 "core": a text is quoted only when core would read it as something else. PyYAML's own
loaders follow YAML 1.1, where `yes`, `on`, `No`, `12:30`, `1_000`, `0b101`, `017` or `2023-12-20` are
booleans, numbers or dates. Read with 1.1, a summary typed as `yes` in the form would come back as `True`.

This module is the one place that says which plain scalars are not strings: the writer
(`source/frontmatter_yaml.py`) quotes a text exactly when it matches one of `NOT_STRINGS`, and the loader
below resolves a plain scalar to null, a boolean, an integer or a float exactly when it matches one of
them, in yaml 1.10's order and with its values (`017` is 17, `0o17` is 15, `0x1F` is 31; no timestamps,
so a date stays a text for the validator to read). The loader is PyYAML's C parser with these resolvers,
so it keeps libyaml's speed. `yamlcore` (PyPI) was considered: it is pure Python (no C loader) and its
patterns are the specification's, not what Decap's yaml 1.10 writes (`.iNf`, `+0x1`).
"""

from __future__ import annotations

import re

from yaml._yaml import CParser
from yaml.constructor import SafeConstructor
from yaml.resolver import BaseResolver

_TAG = "tag:yaml.org,2002:"

# (tag, pattern, first characters) in the order yaml 1.10's core schema tries them (Schema-*.js `core`).
# JavaScript's `$` without /m is the end of the text (Python's \Z); /i without /u folds ASCII only (re.ASCII).
CORE_SCALARS: tuple[tuple[str, re.Pattern, str], ...] = (
    ("null", re.compile(r"^(?:~|[Nn]ull|NULL)?\Z"), "~nN"),
    ("bool", re.compile(r"^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)\Z"), "tTfF"),
    ("int", re.compile(r"^0o([0-7]+)\Z"), "0"),
    ("int", re.compile(r"^[-+]?[0-9]+\Z"), "-+0123456789"),
    ("int", re.compile(r"^0x([0-9a-fA-F]+)\Z"), "0"),
    ("float", re.compile(r"^(?:[-+]?\.inf|(\.nan))\Z", re.IGNORECASE | re.ASCII), "-+."),
    ("float", re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+\Z"), "-+.0123456789"),
    ("float", re.compile(r"^[-+]?(?:\.([0-9]+)|[0-9]+\.([0-9]*))\Z"), "-+.0123456789"),
)
NOT_STRINGS = tuple(pattern for _tag, pattern, _first in CORE_SCALARS)


def core_tag(text: str) -> str:
    """The core-schema type of a plain scalar: null, bool, int, float or str."""
    for tag, pattern, _first in CORE_SCALARS:
        if pattern.search(text):
            return tag
    return "str"


class CoreResolver(BaseResolver):
    """Plain scalars resolved as yaml 1.10's core schema resolves them. PyYAML tries the resolvers registered
    for a scalar's first character in the order they were added, as yaml 1.10 tries its tags."""


for _tag_name, _pattern, _first in CORE_SCALARS:
    CoreResolver.add_implicit_resolver(_TAG + _tag_name, _pattern, [*_first, ""] if _tag_name == "null" else list(_first))


class CoreConstructor(SafeConstructor):
    """Values as yaml 1.10 gives them: no YAML 1.1 octal (`017` is 17), sexagesimal, underscores or timestamps."""

    def construct_yaml_null(self, node):
        self.construct_scalar(node)
        return None

    def construct_yaml_bool(self, node):
        return self.construct_scalar(node)[0] in "tT"

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node).lower()
        if text.endswith(".nan"):
            return float("nan")
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        return float(text)


CoreConstructor.add_constructor(_TAG + "null", CoreConstructor.construct_yaml_null)
CoreConstructor.add_constructor(_TAG + "bool", CoreConstructor.construct_yaml_bool)
CoreConstructor.add_constructor(_TAG + "int", CoreConstructor.construct_yaml_int)
CoreConstructor.add_constructor(_TAG + "float", CoreConstructor.construct_yaml_float)
# An explicit `!!timestamp` (or any 1.1-only tag) is no type of the core schema: kept as the text written.
CoreConstructor.add_constructor(_TAG + "timestamp", SafeConstructor.construct_yaml_str)


class CoreLoader(CParser, CoreConstructor, CoreResolver):
    """libyaml's parser and composer (C) with the core schema's resolvers and constructors (Python)."""

    def __init__(self, stream):
        CParser.__init__(self, stream)
        CoreConstructor.__init__(self)
        CoreResolver.__init__(self)


def load(text: str) -> object:
    """One YAML document read with the core schema (raises yaml.YAMLError as PyYAML does)."""
    loader = CoreLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
