"""A YAML text → a tree of values that remember where they were written, and every problem with its place.

Used for profiles' front matter (source/reader.py) and for the office's data files (common/config.py): the
same reading, so a wrong indent in data/units.yaml is reported as well as one in a profile. Values are read
with the YAML 1.2 core schema of the editors' form (common/yaml12.py). Nothing here raises on bad input:
each problem goes to the caller's `report(code, line=…, column=…, length=…, **args)`, with the codes of
`Codes` (the profile's E005–E009 by default, the data files' own for them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml
from yaml.constructor import ConstructorError

from showcase.common import yaml12
from showcase.common.diagnostics import fragment
from showcase.common.text import nfc

MAX_DEPTH = 8
MAX_NODES = 5000


@dataclass
class Located:
    """A YAML value with where it was written (1-based line and column)."""

    value: object  # str | int | float | bool | None | list[Located] | dict[str, Entry]
    line: int
    column: int
    length: int = 1


@dataclass
class Entry:
    key: Located
    value: Located


@dataclass(frozen=True)
class Codes:
    """The diagnostic codes of each kind of problem (the profile's by default)."""

    syntax: str = "E005"
    alias: str = "E007"
    limit: str = "E008"
    duplicate: str = "E009"


Report = Callable[..., None]  # report(code, line=…, column=…, length=…, **args)


def _too_deep(front_text: str) -> bool:
    """Cheap guard run before composing, so nesting bombs never reach the C composer."""
    if front_text.count("[") + front_text.count("{") < 2 * MAX_DEPTH and len(front_text) < 64 * 1024:
        return False
    depth = 0
    try:
        for event in yaml.parse(front_text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return True
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return False
    return False


class _TreeBuilder:
    def __init__(self, lines: list[str], line_offset: int, report: Report, codes: Codes):
        self.lines = lines
        self.line_offset = line_offset
        self.report = report
        self.codes = codes
        self.constructor = yaml12.CoreConstructor()
        self.seen: set[int] = set()
        self.nodes = 0
        self.failed = False

    def position(self, node: yaml.Node) -> tuple[int, int, int]:
        start, end = node.start_mark, node.end_mark
        line = start.line + self.line_offset
        length = end.column - start.column if end.line == start.line else 1
        return line, start.column + 1, max(length, 1)

    def build(self, node: yaml.Node, depth: int = 0) -> Located | None:
        line, column, length = self.position(node)
        if id(node) in self.seen:
            if not self.failed:
                self.report(self.codes.alias, line=line, column=column, length=length)
            self.failed = True
            return None
        self.seen.add(id(node))
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            if not self.failed:
                limit = fragment("limit.depth_nodes", depth=MAX_DEPTH, nodes=MAX_NODES)
                self.report(self.codes.limit, line=line, column=column, limit=limit)
            self.failed = True
            return None
        if isinstance(node, yaml.MappingNode):
            return Located(self.mapping(node, depth), line, column, length)
        if isinstance(node, yaml.SequenceNode):
            items = [self.build(item, depth + 1) for item in node.value]
            return Located([item for item in items if item is not None], line, column, length)
        if not node.style and node.end_mark.line > node.start_mark.line and self.misindented_item(node):
            return None
        return Located(self.scalar(node), line, column, length)

    def misindented_item(self, node: yaml.ScalarNode) -> bool:
        """`- a` then `   - b` indented one space more: YAML silently reads one item "a - b"; an editor meant two."""
        for number in range(node.start_mark.line + 1, node.end_mark.line + 1):
            line = number + self.line_offset
            text = self.lines[line - 1] if line <= len(self.lines) else ""
            if text.lstrip().startswith("- "):
                if not self.failed:
                    self.report(self.codes.syntax, line=line, column=len(text) - len(text.lstrip()) + 1,
                                           problem=fragment("yaml.misindented_item"))
                self.failed = True
                return True
        return False

    def scalar(self, node: yaml.ScalarNode) -> object:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError, OverflowError):
            value = node.value  # e.g. an impossible date such as 2023-02-30: keep the text
        if isinstance(value, str):
            return nfc(value)
        if isinstance(value, (bytes, set)):
            return str(node.value)
        return value

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Entry]:
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            key_line, key_column, key_length = self.position(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(self.codes.syntax, line=key_line, column=key_column, problem=fragment("yaml.key_not_text"))
                continue
            key = nfc(str(key_node.value))
            if key in entries:
                self.report(
                    self.codes.duplicate, line=key_line, column=key_column, length=key_length,
                    key=key, first_line=entries[key].key.line,
                )
                continue
            value = self.build(value_node, depth + 1)
            if value is not None:
                entries[key] = Entry(Located(key, key_line, key_column, key_length), value)
        return entries


# PyYAML's problem texts → fragment keys of the catalogs (`yaml.*`); anything else is shown as PyYAML wrote it.
_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": "yaml.tab",
    "found a tab character": "yaml.tab_indent",
    "mapping values are not allowed here": "yaml.colon_in_value",
    "could not find expected ':'": "yaml.missing_colon",
    "found undefined alias": "yaml.undefined_alias",
    "did not find expected key": "yaml.misaligned",
    "did not find expected '-' indicator": "yaml.misaligned_items",
    "found unexpected end of stream": "yaml.unclosed",
    "found unexpected ':'": "yaml.misplaced_colon",
    "found duplicate anchor": "yaml.duplicate_anchor",
    "did not find expected ',' or ']'": "yaml.unclosed_bracket",
    "did not find expected ',' or '}'": "yaml.unclosed_brace",
    "mapping values are not allowed in this context": "yaml.colon_in_value",
    "did not find expected node content": "yaml.no_content",
}

# Typing slips that YAML only notices a line or more later, at a confusing place: found by looking back
# from the error, so the editor is sent to the line that is actually wrong.
_SLIPS = [
    (re.compile(r"^[ \t]*\u00a0"), "yaml.nbsp_indent"),
    (re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*\s*\uff1a"), "yaml.fullwidth_colon"),
    (re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:(?=[^\s/\\])"), "yaml.no_space_after_colon"),
    (re.compile(r"^\s*-(?=[^\s\d-])"), "yaml.no_space_after_dash"),
]


def _find_slip(front_text: str, error_line: int) -> tuple[int, int, dict] | None:
    """(0-based line, 1-based column, problem) of the nearest slip at or before the line YAML complained about."""
    lines = front_text.split("\n")
    for number in range(min(error_line, len(lines) - 1), max(error_line - 3, -1), -1):
        for pattern, problem in _SLIPS:
            match = pattern.match(lines[number])
            if match:
                return number, 1, fragment(problem)
    return None


def _unclosed_quote(front_text: str, error_line: int) -> tuple[int, int, dict] | None:
    """(0-based line, 1-based column, problem) of a quote left open before the line YAML complained about.

    `summary: "Viên chức …` with no closing quote runs on to the next quote, lines later (`- Giảm "khoảng"`),
    where YAML stumbles on what follows it. A quoted value spanning lines and ending on the line of the
    error is that mistake: the editor is sent to its opening quote."""
    try:
        for token in yaml.scan(front_text, Loader=yaml.CSafeLoader):
            start, end = token.start_mark, token.end_mark
            if start.line > error_line:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and start.line < end.line
                    and end.line == error_line):
                return start.line, start.column + 1, fragment("yaml.unclosed_quote", quote=token.style)
    except yaml.YAMLError:
        pass  # the scanner stops where YAML did: every token before the error was seen
    return None


def _describe_yaml_problem(error: yaml.MarkedYAMLError) -> str | dict:
    problem = error.problem or str(error)
    for text, key in _YAML_PROBLEMS.items():
        if text in problem:
            return fragment(key)
    return problem


# Characters YAML refuses (C0/C1 controls) or counts as line breaks (U+0085, U+2028, U+2029), which
# would shift every line number after them: reported here, where the position is still true.
_FORBIDDEN_IN_YAML = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]")


def compose(text: str, lines: list[str], offset: int, report: Report, codes: Codes = Codes()) -> Located | None:
    """The tree of a YAML text whose first line is line `offset` of the file (`lines`: the file's lines, for
    the checks that look at them); None when it could not be read (the problem is reported), a Located of
    None for an empty document."""
    front_text = text
    forbidden = _FORBIDDEN_IN_YAML.search(front_text)
    if forbidden:
        before = front_text[: forbidden.start()]
        line = before.count("\n") + offset
        column = forbidden.start() - (before.rfind("\n") + 1) + 1
        report(codes.syntax, line=line, column=column,
               problem=fragment("yaml.control_char", char=f"U+{ord(forbidden.group()):04X}"))
        return None
    if _too_deep(front_text):
        report(codes.limit, line=offset, limit=fragment("limit.depth", depth=MAX_DEPTH))
        return None
    loader = yaml12.CoreLoader(front_text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        # An unclosed bracket or quote is noticed lines later; point where it was opened.
        unclosed = error.context_mark is not None and (
            "flow" in (error.context or "") or "quoted scalar" in (error.context or ""))
        # `name y` (no colon) is noticed on the next line; YAML's context says where the key began.
        keyless = error.context == "while scanning a simple key" and error.context_mark is not None
        mark = error.context_mark if unclosed or keyless else (error.problem_mark or error.context_mark)
        line = (mark.line + offset) if mark else offset
        column = (mark.column + 1) if mark else 1
        problem = _describe_yaml_problem(error)
        if unclosed and "quoted scalar" in (error.context or ""):
            quote = front_text.split("\n")[mark.line][mark.column:mark.column + 1]
            problem = fragment("yaml.unclosed_quote", quote=quote)
        slip = None if unclosed or keyless else (_unclosed_quote(front_text, line - offset) or _find_slip(front_text, line - offset))
        if slip:
            line, column, problem = slip[0] + offset, slip[1], slip[2]
        report(codes.syntax, line=line, column=column, problem=problem)
        return None
    except (yaml.YAMLError, RecursionError, MemoryError) as error:
        report(codes.syntax, line=offset, problem=str(error).splitlines()[0])
        return None
    finally:
        loader.dispose()
    if root is None:
        return Located(None, offset, 1)
    builder = _TreeBuilder(lines, offset, report, codes)
    tree = builder.build(root)
    return None if builder.failed else tree
