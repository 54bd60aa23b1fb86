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

from showcase.common.diagnostics import Diagnostic, fragment
from showcase.common.text import nfc
from showcase.common.yaml_tree import Entry, Located, compose

__all__ = ["Entry", "Located", "ParsedFile", "as_date", "read_profile"]

MAX_FILE_BYTES = 512 * 1024
_FRONT_MATTER = frontmatter.YAMLHandler()


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


def parse_front_matter(front_text: str, parsed: ParsedFile) -> None:
    tree = compose(front_text, parsed.lines, parsed.front_line, parsed.diagnostic)
    if tree is None:
        return
    if tree.value is None:
        parsed.front = {}
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


# The date forms an editor may write, as strptime's %Y-%m-%d, %d/%m/%Y and %d-%m-%Y read them (a day or month
# of one digit too), with ASCII digits only: also the form's (rules.json), so both accept the same dates.
_YEAR, _MONTH, _DAY = r"([0-9]{4})", r"(1[0-2]|0[1-9]|[1-9])", r"(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])"
DATE_FORMATS = (  # (pattern, order of year, month and day among its groups)
    (re.compile(rf"^{_YEAR}-{_MONTH}-{_DAY}\Z"), (0, 1, 2)),
    (re.compile(rf"^{_DAY}/{_MONTH}/{_YEAR}\Z"), (2, 1, 0)),
    (re.compile(rf"^{_DAY}-{_MONTH}-{_YEAR}\Z"), (2, 1, 0)),
)


def as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern, (year, month, day) in DATE_FORMATS:
            match = pattern.match(text)
            if match:
                parts = match.groups()
                try:
                    return datetime.date(int(parts[year]), int(parts[month]), int(parts[day]))
                except ValueError:
                    return None  # 2023-02-30: no other form reads it either
    return None
