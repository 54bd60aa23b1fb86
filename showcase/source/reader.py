"""Read a profile file: bytes → text → front-matter tree with source positions + body.

Pure function of the file's bytes: no plan data is needed here, so the result can be
cached by content hash. Every problem becomes a Diagnostic; nothing here raises on
bad input.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import frontmatter
import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from showcase.common.diagnostics import Diagnostic, fragment
from showcase.common.text import nfc

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 8
MAX_NODES = 5000
_FRONT_MATTER = frontmatter.YAMLHandler()


@dataclass
class Located:
    """A front-matter value with where it was written (1-based line and column)."""

    value: object  # str | int | bool | date | None | list[Located] | dict[str, Entry]
    line: int
    column: int
    length: int = 1


@dataclass
class Entry:
    key: Located
    value: Located


@dataclass
class ParsedFile:
    path: str
    lines: list[str] = field(default_factory=list)
    front: dict[str, Entry] | None = None
    front_line: int = 1
    body: str = ""
    body_line: int = 1
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def diagnostic(self, code: str, line: int = 1, column: int = 1, length: int = 1, **args) -> None:
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        self.diagnostics.append(
            Diagnostic(code=code, file=self.path, line=line, column=column, args=args, length=length, source_line=source)
        )


def decode(path: str, data: bytes, parsed: ParsedFile) -> str | None:
    if len(data) > MAX_FILE_BYTES:
        parsed.diagnostic("E002", size=len(data), limit=MAX_FILE_BYTES)
        return None
    head = data[:64]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) >= 4 and head.count(b"\x00") * 4 >= len(head)):
        # UTF-16 (Word's "Unicode"), with or without its byte-order mark: every other byte is NUL, which is
        # valid UTF-8, so the decoder would only stumble on the first accented letter, lines later.
        parsed.lines = [""]
        parsed.diagnostic("E001", byte_line=1, byte_column=1)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        parsed.lines = before.decode("utf-8", "replace").split("\n")[-1:]
        parsed.lines = [""] * (line - 1) + parsed.lines
        parsed.diagnostic("E001", line=line, column=column, byte_line=line, byte_column=column)
        return None
    text = text.removeprefix("\ufeff")
    # CR-only and CRLF files keep their line count, so positions stay true to the editor's view.
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def split_front_matter(text: str, parsed: ParsedFile) -> str | None:
    if not text.strip():
        parsed.diagnostic("E003", detail=fragment("detail.empty_file"))
        return None
    if not _FRONT_MATTER.detect(text) or not text.startswith("---"):
        parsed.diagnostic("E003", detail="", length=len(parsed.lines[0]) or 1)
        return None
    boundaries = list(_boundaries(text))
    if len(boundaries) < 2:
        parsed.diagnostic("E004", length=3)
        return None
    opening_end, closing = boundaries[0], boundaries[1]
    front_text = text[opening_end:closing[0]]
    parsed.front_line = 2
    parsed.body = text[closing[1]:]
    parsed.body_line = text[: closing[1]].count("\n") + 1
    return front_text


def _boundaries(text: str):
    """Positions of the `---` lines, per python-frontmatter's definition of a boundary."""
    first = True
    for match in _FRONT_MATTER.FM_BOUNDARY.finditer(text):
        # The library's pattern lets trailing whitespace swallow blank lines; stop at the line end.
        end = text.find("\n", match.start())
        end = len(text) if end < 0 else end + 1
        if first:
            first = False
            yield end
        else:
            yield (match.start(), end)


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
    def __init__(self, parsed: ParsedFile, line_offset: int):
        self.parsed = parsed
        self.line_offset = line_offset
        self.constructor = SafeConstructor()
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
                self.parsed.diagnostic("E007", line=line, column=column, length=length)
            self.failed = True
            return None
        self.seen.add(id(node))
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            if not self.failed:
                limit = fragment("limit.depth_nodes", depth=MAX_DEPTH, nodes=MAX_NODES)
                self.parsed.diagnostic("E008", line=line, column=column, limit=limit)
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
            text = self.parsed.lines[line - 1] if line <= len(self.parsed.lines) else ""
            if text.lstrip().startswith("- "):
                if not self.failed:
                    self.parsed.diagnostic("E005", line=line, column=len(text) - len(text.lstrip()) + 1,
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
                self.parsed.diagnostic("E005", line=key_line, column=key_column, problem=fragment("yaml.key_not_text"))
                continue
            key = nfc(str(key_node.value))
            if key in entries:
                self.parsed.diagnostic(
                    "E009", line=key_line, column=key_column, length=key_length,
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


def parse_front_matter(front_text: str, parsed: ParsedFile) -> None:
    offset = parsed.front_line
    forbidden = _FORBIDDEN_IN_YAML.search(front_text)
    if forbidden:
        before = front_text[: forbidden.start()]
        line = before.count("\n") + offset
        column = forbidden.start() - (before.rfind("\n") + 1) + 1
        parsed.diagnostic("E005", line=line, column=column,
                          problem=fragment("yaml.control_char", char=f"U+{ord(forbidden.group()):04X}"))
        return
    if _too_deep(front_text):
        parsed.diagnostic("E008", line=offset, limit=fragment("limit.depth", depth=MAX_DEPTH))
        return
    loader = yaml.CSafeLoader(front_text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        # An unclosed bracket or quote is noticed lines later; point where it was opened.
        unclosed = error.context_mark is not None and (
            "flow" in (error.context or "") or "quoted scalar" in (error.context or ""))
        mark = error.context_mark if unclosed else (error.problem_mark or error.context_mark)
        line = (mark.line + offset) if mark else offset
        column = (mark.column + 1) if mark else 1
        problem = _describe_yaml_problem(error)
        if unclosed and "quoted scalar" in (error.context or ""):
            quote = front_text.split("\n")[mark.line][mark.column:mark.column + 1]
            problem = fragment("yaml.unclosed_quote", quote=quote)
        slip = None if unclosed else (_unclosed_quote(front_text, line - offset) or _find_slip(front_text, line - offset))
        if slip:
            line, column, problem = slip[0] + offset, slip[1], slip[2]
        parsed.diagnostic("E005", line=line, column=column, problem=problem)
        return
    except (yaml.YAMLError, RecursionError, MemoryError) as error:
        parsed.diagnostic("E005", line=offset, problem=str(error).splitlines()[0])
        return
    finally:
        loader.dispose()
    if root is None:
        parsed.front = {}
        return
    builder = _TreeBuilder(parsed, offset)
    tree = builder.build(root)
    if builder.failed or tree is None:
        return
    if not isinstance(tree.value, dict):
        found = fragment("found.list") if isinstance(tree.value, list) else fragment("found.value", value=tree.value)
        parsed.diagnostic("E006", line=tree.line, column=tree.column, found=found)
        return
    parsed.front = tree.value


def read_profile(path: str, data: bytes) -> ParsedFile:
    """Parse one profile file's bytes; `path` is only used in diagnostics."""
    parsed = ParsedFile(path=path)
    text = decode(path, data, parsed)
    if text is None:
        return parsed
    parsed.lines = text.split("\n")
    front_text = split_front_matter(text, parsed)
    if front_text is None:
        return parsed
    parse_front_matter(front_text, parsed)
    return parsed


def as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    return None
