"""Front matter written byte for byte as the editors' web form (Decap CMS) writes it.

Decap serializes a profile's fields with the npm package `yaml` 1.10 (`yaml.createNode(data)`, keys sorted
in the form's order, `new Document().toString()`). `build.py new` and the sample profiles use the same
layout, so a save from the form changes only the lines of the fields edited. This is a port of the parts
of that serializer that profile data reaches: block maps and sequences, plain, single- and double-quoted
scalars folded at 80 columns, and the core-schema check that quotes strings that would read as another
type. Positions are counted in UTF-16 code units, as JavaScript counts them.

tests/test_frontmatter_yaml.py compares it with the npm package itself.
"""

from __future__ import annotations

import json
import re

LINE_WIDTH = 80
MIN_CONTENT_WIDTH = 20
INDENT_STEP = "  "
_MIN_MULTILINE_LENGTH = 40  # yaml's doubleQuoted.minMultiLineLength

# The core schema's scalars other than strings (yaml 1.10, Schema tags `core`): such a text is quoted.
_NOT_STRINGS = [re.compile(pattern) for pattern in (
    r"^(?:~|[Nn]ull|NULL)?$", r"^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$", r"^0o([0-7]+)$", r"^[-+]?[0-9]+$",
    r"^0x([0-9a-fA-F]+)$", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$",
    r"^[-+]?(?:\.([0-9]+)|[0-9]+\.([0-9]*))$",
)] + [re.compile(r"^(?:[-+]?\.inf|(\.nan))$", re.IGNORECASE)]
_PLAIN_FORBIDDEN = re.compile(r"^[\n\t ,[\]{}#&*!|>'\"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DOCUMENT_MARKER = re.compile(r"^(%|---|\.\.\.)", re.MULTILINE)
_JSON_SHORT = {"0000": "\\0", "0007": "\\a", "000b": "\\v", "001b": "\\e", "0085": "\\N", "00a0": "\\_",
               "2028": "\\L", "2029": "\\P"}


def _units(text: str) -> str:
    """The text with each character outside the BMP as its two UTF-16 surrogates, so indexes are JS indexes."""
    if all(ord(char) < 0x10000 for char in text):
        return text
    return "".join(char if ord(char) < 0x10000 else _surrogates(ord(char) - 0x10000) for char in text)


def _surrogates(offset: int) -> str:
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def _characters(units: str) -> str:
    """Back from UTF-16 units to characters."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _fold(text: str, indent: str, quoted: bool, indent_at_start: int | None) -> str:
    """yaml's foldFlowLines in its flow and quoted modes."""
    end_step = max(1 + MIN_CONTENT_WIDTH, 1 + LINE_WIDTH - len(indent))
    if len(text) <= end_step:
        return text
    folds: list[int] = []
    escaped_folds: set[int] = set()
    end = LINE_WIDTH - len(indent)
    if indent_at_start:
        if indent_at_start > LINE_WIDTH - max(2, MIN_CONTENT_WIDTH):
            folds.append(0)
        else:
            end = LINE_WIDTH - indent_at_start
    split = None
    prev = None
    i = -1
    esc_start = esc_end = -1
    while True:
        i += 1
        if i >= len(text):
            break
        ch = text[i]
        if quoted and ch == "\\":
            esc_start = i
            following = text[i + 1] if i + 1 < len(text) else ""
            i += {"x": 3, "u": 5, "U": 9}.get(following, 1)
            esc_end = i
        if ch == "\n":
            end = i + end_step
            split = None
        else:
            if ch == " " and prev and prev not in " \n\t":
                following = text[i + 1] if i + 1 < len(text) else ""
                if following and following not in " \n\t":
                    split = i
            if i >= end:
                if split:
                    folds.append(split)
                    end = split + end_step
                    split = None
                elif quoted:
                    while prev in (" ", "\t"):
                        prev = ch
                        i += 1
                        ch = text[i] if i < len(text) else None
                    j = i - 2 if i > esc_end + 1 else esc_start - 1
                    if j in escaped_folds:
                        return text
                    folds.append(j)
                    escaped_folds.add(j)
                    end = j + end_step
                    split = None
        if ch is None:
            break
        prev = ch
    if not folds:
        return text
    result = text[: folds[0]]
    for index, fold in enumerate(folds):
        stop = folds[index + 1] if index + 1 < len(folds) and folds[index + 1] else len(text)
        if fold == 0:
            result = f"\n{indent}{text[:stop]}"
        else:
            if quoted and fold in escaped_folds:
                result += f"{text[fold]}\\"
            result += f"\n{indent}{text[fold + 1:stop]}"
    return result


def _double_quoted(value: str, indent: str, indent_at_start: int | None) -> str:
    encoded = _units(json.dumps(_characters(value), ensure_ascii=False))
    indent = indent or ("  " if _DOCUMENT_MARKER.search(value) else "")
    out = ""
    start = 0
    i = 0
    while i < len(encoded):
        ch = encoded[i]
        if ch == " " and encoded[i + 1: i + 3] == "\\n":
            out += encoded[start:i] + "\\ "
            i += 1
            start = i
            ch = "\\"
        if ch == "\\":
            following = encoded[i + 1] if i + 1 < len(encoded) else ""
            if following == "u":
                out += encoded[start:i]
                code = encoded[i + 2: i + 6]
                out += _JSON_SHORT.get(code) or ("\\x" + code[2:] if code.startswith("00") else encoded[i: i + 6])
                i += 5
                start = i + 1
            elif following == "n":
                if encoded[i + 2: i + 3] == '"' or len(encoded) < _MIN_MULTILINE_LENGTH:
                    i += 1
                else:
                    out += encoded[start:i] + "\n\n"
                    while encoded[i + 2: i + 4] == "\\n" and encoded[i + 4: i + 5] != '"':
                        out += "\n"
                        i += 2
                    out += indent
                    if encoded[i + 2: i + 3] == " ":
                        out += "\\"
                    i += 1
                    start = i + 1
            else:
                i += 1
        i += 1
    out = out + encoded[start:] if start else encoded
    return _fold(out, indent, True, indent_at_start)


def _single_quoted(value: str, indent: str, indent_at_start: int | None) -> str:
    if re.search(r"[ \t]\n|\n[ \t]", value):
        return _double_quoted(value, indent, indent_at_start)
    indent = indent or ("  " if _DOCUMENT_MARKER.search(value) else "")
    quoted = "'" + re.sub(r"\n+", lambda match: f"{match.group(0)}\n{indent}", value.replace("'", "''")) + "'"
    return _fold(quoted, indent, False, indent_at_start)


def _literal_block(value: str, indent: str) -> str:
    """A multi-line text: the block form yaml chooses when no line is too long (literal, `|`)."""
    lines = value.split("\n")
    if re.search(r"\n[\t ]+$", value) or not value.strip() or any(len(line) > LINE_WIDTH - len(indent) for line in lines):
        raise ValueError("multi-line values other than plain literal blocks are not written by this project")
    stripped = value.rstrip("\n\t ")
    header = "|-" if not value.endswith("\n") else ("|" if value.endswith("\n") and not value.endswith("\n\n") else "|+")
    body = re.sub(r"\n+", lambda match: match.group(0) + indent, stripped)
    return f"{header}\n{indent}{body}"


def _string(value: str, indent: str, indent_at_start: int | None) -> str:
    value = _units(value)
    if _CONTROL.search(value):
        return _double_quoted(value, indent, indent_at_start)
    if not value or _PLAIN_FORBIDDEN.search(value):
        if "\n" not in value:
            return _single_quoted(value, indent, indent_at_start) if '"' in value and "'" not in value else \
                _double_quoted(value, indent, indent_at_start)
        return _literal_block(value, indent)
    if "\n" in value:
        return _literal_block(value, indent)
    if indent == "" and _DOCUMENT_MARKER.search(value):
        return _literal_block(value, "  ")
    if any(pattern.search(value) for pattern in _NOT_STRINGS):
        return _double_quoted(value, indent, indent_at_start)
    return _fold(value, indent, False, indent_at_start)


def _scalar(value: object, indent: str, indent_at_start: int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _characters(_string(value, indent, indent_at_start))
    raise TypeError(f"cannot write {type(value).__name__} as Decap does")


def _node(value: object, indent: str, indent_at_start: int | None = None) -> str:
    """`value` as yaml writes it with `indent` as its context indent (the pair's or the item's)."""
    if isinstance(value, dict):
        return _map(value, indent)
    if isinstance(value, list):
        return _sequence(value, indent)
    return _scalar(value, indent, indent_at_start)


def _map(mapping: dict, indent: str) -> str:
    if not mapping:
        return "{}"
    lines = []
    for key, value in mapping.items():
        value_indent = indent + INDENT_STEP
        head = f"{key}:"
        if isinstance(value, (dict, list)) and value:
            text = _node(value, value_indent)
            lines.append(f"{head}\n{value_indent}{text}")
        else:
            text = _node(value, value_indent, len(head) + 1)
            lines.append(head + ("" if text.startswith("\n") else " ") + text)
    return f"\n{indent}".join(lines)


def _sequence(items: list, indent: str) -> str:
    if not items:
        return "[]"
    item_indent = indent + INDENT_STEP
    return f"\n{indent}".join(f"- {_node(item, item_indent)}" for item in items)


def dump_front_matter(data: dict, key_order: list[str]) -> str:
    """The YAML between the `---` lines (without them), keys in `key_order` first, the others after in
    their own order, as Decap writes them."""
    rank = {key: index for index, key in enumerate(key_order)}
    ordered = dict(sorted(data.items(), key=lambda item: (item[0] not in rank, rank.get(item[0], 0))))
    return _map(ordered, "") + "\n"


def front_matter_file(data: dict, key_order: list[str], body: str) -> str:
    """A whole profile file: `---`, the fields, `---`, the body (ending with one newline)."""
    return f"---\n{dump_front_matter(data, key_order).strip()}\n---\n{body if body.endswith(chr(10)) else body + chr(10)}"
