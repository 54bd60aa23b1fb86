"""Front matter written byte for byte as the editors' web form (Decap CMS) writes it.

Decap serializes a profile's fields with the npm package `yaml` 1.10 (decap-cms-core/src/formats/yaml.ts:
`yaml.createNode(data)`, the top-level pairs sorted with `sortKeys(form's field names)`,
`new Document().toString()`), then gray-matter puts the trimmed text between `---` lines. `build.py new`
and the sample profiles use the same layout, so a save from the form changes only the lines of the fields
edited.

This is a port of the parts of that serializer that JSON-like data reaches (objects, arrays, strings,
integers, booleans, null): block maps and sequences; plain, single- and double-quoted scalars folded at
80 columns; literal and folded block scalars for multi-line text; the core-schema check that quotes a
text that would read as another type ("123", "true", "null", "1e3"); keys quoted where needed. It
follows the JavaScript semantics that matter for the bytes:

- positions are counted in UTF-16 code units (an emoji counts two), and the regular expressions use
  JavaScript's notions of end of text, line terminators and white space;
- an object's keys come in JavaScript's order (integer-like keys first, ascending, then the others in
  insertion order), as `JSON.parse` and `Object.keys` give them to Decap;
- the top-level keys are sorted by V8's `Array.prototype.sort` (binary insertion below 64 items) with
  Decap's comparator, which calls two keys equal when either is not a form field. Keys of the form
  thus come in the form's order and the others keep their place relative to their neighbours as that
  algorithm leaves them (not simply "at the end").

tests/test_frontmatter_yaml.py compares it with the npm package itself (tests/decap/serialize.mjs).
Not ported (the form never produces them; a TypeError or ValueError says so): floating-point numbers,
dates as objects, keys longer than 1024 units (written as explicit `? key` pairs), more than 63
top-level keys with some outside the form's order.
"""

from __future__ import annotations

import re
from functools import cmp_to_key

from showcase.common.yaml12 import core_tag

LINE_WIDTH = 80  # yaml's strOptions.fold.lineWidth
MIN_CONTENT_WIDTH = 20  # strOptions.fold.minContentWidth
MIN_MULTILINE_LENGTH = 40  # strOptions.doubleQuoted.minMultiLineLength
INDENT_STEP = "  "
MAX_IMPLICIT_KEY = 1024
SMALL_SORT = 64  # V8's TimSort sorts fewer items than this by one binary insertion sort
MAX_SAFE_INTEGER = 2**53 - 1

_FLOW, _BLOCK, _QUOTED = "flow", "block", "quoted"  # foldFlowLines modes

# JavaScript's line terminators (what `^` with /m follows and `.` does not match) and white space (`\s`, trim()).
_JS_LINE_END = "\n\r\u2028\u2029"
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

_PLAIN_FORBIDDEN = re.compile(r"^[\n\t ,[\]{}#&*!|>'\"%@`]|^[?-]\Z|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]\Z")
_KEY_FORBIDDEN = re.compile(r"[\n[\]{},]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DOCUMENT_MARKER = re.compile(rf"(?:^|(?<=[{_JS_LINE_END}]))(?:%|---|\.\.\.)")
_BLANK = re.compile(rf"^[{_JS_SPACE}]*\Z")
_MORE_INDENTED = re.compile(rf"(?:^|\n)([\t ][^{_JS_LINE_END}]*)(?:([\n\t ]*)\n(?![\n\t ]))?")
_JSON_SHORT = {"0000": "\\0", "0007": "\\a", "000b": "\\v", "001b": "\\e", "0085": "\\N", "00a0": "\\_",
               "2028": "\\L", "2029": "\\P"}
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


# --- JavaScript strings -----------------------------------------------------------------------------------


def _units(text: str) -> str:
    """The text with each character outside the BMP as its two UTF-16 surrogates, so indexes are JS indexes."""
    if all(ord(char) < 0x10000 for char in text):
        return text
    return "".join(char if ord(char) < 0x10000 else _surrogates(ord(char) - 0x10000) for char in text)


def _surrogates(offset: int) -> str:
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def _characters(units: str) -> str:
    """Back from UTF-16 units to characters."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _at(text: str, index: int) -> str:
    """`text[index]` as JavaScript reads it: '' (undefined) outside the text."""
    return text[index] if 0 <= index < len(text) else ""


def _json_string(units: str) -> str:
    """JSON.stringify of a string given as UTF-16 units (lone surrogates escaped, as in ES2019)."""
    out = []
    for index, unit in enumerate(units):
        code = ord(unit)
        lone_high = 0xD800 <= code < 0xDC00 and not 0xDC00 <= ord(_at(units, index + 1) or "\0") < 0xE000
        lone_low = 0xDC00 <= code < 0xE000 and not 0xD800 <= ord(_at(units, index - 1) or "\0") < 0xDC00
        if unit in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[unit])
        elif code < 0x20 or lone_high or lone_low:
            out.append(f"\\u{code:04x}")
        else:
            out.append(unit)
    return '"' + "".join(out) + '"'


def _js_trim(text: str) -> str:
    return re.sub(rf"^[{_JS_SPACE}]+|[{_JS_SPACE}]+\Z", "", text)


def _is_array_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and str(int(key)) == key and int(key) < 2**32 - 1


def _js_keys(mapping: dict) -> list:
    """Object.keys order: integer-like keys ascending, then the others as inserted."""
    for key in mapping:
        if not isinstance(key, str):
            raise TypeError(f"object keys are text in Decap's data, not {type(key).__name__} ({key!r})")
    indexes = sorted((key for key in mapping if _is_array_index(key)), key=int)
    return indexes + [key for key in mapping if not _is_array_index(key)]


# --- foldFlowLines ------------------------------------------------------------------------------------------


def _consume_more_indented_lines(text: str, i: int) -> int:
    ch = _at(text, i + 1)
    while ch in (" ", "\t") and ch:
        while True:
            i += 1
            ch = _at(text, i)
            if not (ch and ch != "\n"):
                break
        ch = _at(text, i + 1)
    return i


def _fold(text: str, indent: str, mode: str, indent_at_start: int | None = None) -> str:
    """yaml's foldFlowLines (lineWidth 80, minContentWidth 20)."""
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
    prev = ""
    i = -1
    esc_start = esc_end = -1
    if mode == _BLOCK:
        i = _consume_more_indented_lines(text, i)
        if i != -1:
            end = i + end_step
    while True:
        i += 1
        ch = _at(text, i)
        if not ch:
            break
        if mode == _QUOTED and ch == "\\":
            esc_start = i
            i += {"x": 3, "u": 5, "U": 9}.get(_at(text, i + 1), 1)
            esc_end = i
        if ch == "\n":
            if mode == _BLOCK:
                i = _consume_more_indented_lines(text, i)
            end = i + end_step
            split = None
        else:
            if ch == " " and prev and prev not in " \n\t":
                following = _at(text, i + 1)
                if following and following not in " \n\t":
                    split = i
            if i >= end:
                if split:
                    folds.append(split)
                    end = split + end_step
                    split = None
                elif mode == _QUOTED:
                    while prev in (" ", "\t") and prev:
                        prev = ch
                        i += 1
                        ch = _at(text, i)
                    j = i - 2 if i > esc_end + 1 else esc_start - 1
                    if j in escaped_folds:
                        return text
                    folds.append(j)
                    escaped_folds.add(j)
                    end = j + end_step
                    split = None
        prev = ch
    if not folds:
        return text
    result = text[: folds[0]]
    for index, fold in enumerate(folds):
        stop = (folds[index + 1] if index + 1 < len(folds) else 0) or len(text)
        if fold == 0:
            result = f"\n{indent}{text[:stop]}"
        else:
            if mode == _QUOTED and fold in escaped_folds:
                result += f"{_at(text, fold) or 'undefined'}\\"
            result += f"\n{indent}{text[fold + 1:stop]}"
    return result


# --- scalars ------------------------------------------------------------------------------------------------


class _Context:
    """The part of yaml's stringify context that scalars read."""

    def __init__(self, indent: str, implicit_key: bool = False, indent_at_start: int | None = None):
        self.indent = indent
        self.implicit_key = implicit_key
        self.indent_at_start = indent_at_start
        self.force_block_indent = False

    def fold(self, text: str, indent: str, mode: str) -> str:
        return text if self.implicit_key else _fold(text, indent, mode, self.indent_at_start)


def _double_quoted(value: str, ctx: _Context) -> str:
    encoded = _json_string(value)
    indent = ctx.indent or ("  " if _DOCUMENT_MARKER.search(value) else "")
    out = ""
    start = 0
    i = 0
    while i < len(encoded):
        ch = encoded[i]
        if ch == " " and encoded[i + 1: i + 3] == "\\n":
            out += encoded[start:i] + "\\ "  # a space before a newline is escaped so that folding keeps it
            i += 1
            start = i
            ch = "\\"
        if ch == "\\":
            following = _at(encoded, i + 1)
            if following == "u":
                out += encoded[start:i]
                code = encoded[i + 2: i + 6]
                out += _JSON_SHORT.get(code) or ("\\x" + code[2:] if code.startswith("00") else encoded[i: i + 6])
                i += 5
                start = i + 1
            elif following == "n":
                if ctx.implicit_key or _at(encoded, i + 2) == '"' or len(encoded) < MIN_MULTILINE_LENGTH:
                    i += 1
                else:  # folding eats the first newline
                    out += encoded[start:i] + "\n\n"
                    while _at(encoded, i + 2) == "\\" and _at(encoded, i + 3) == "n" and _at(encoded, i + 4) != '"':
                        out += "\n"
                        i += 2
                    out += indent
                    if _at(encoded, i + 2) == " ":
                        out += "\\"
                    i += 1
                    start = i + 1
            else:
                i += 1
        i += 1
    out = out + encoded[start:] if start else encoded
    return ctx.fold(out, indent, _QUOTED)


def _single_quoted(value: str, ctx: _Context) -> str:
    if re.search(r"\n" if ctx.implicit_key else r"[ \t]\n|\n[ \t]", value):
        return _double_quoted(value, ctx)
    indent = ctx.indent or ("  " if _DOCUMENT_MARKER.search(value) else "")
    quoted = "'" + re.sub(r"\n+", lambda match: f"{match.group(0)}\n{indent}", value.replace("'", "''")) + "'"
    return ctx.fold(quoted, indent, _FLOW)


def _line_length_over_limit(text: str, indent_length: int) -> bool:
    limit = LINE_WIDTH - indent_length
    if len(text) <= limit:
        return False
    start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            if i - start > limit:
                return True
            start = i + 1
            if len(text) - start <= limit:
                return False
    return True


def _block(value: str, ctx: _Context) -> str:
    """yaml's blockString for a scalar of no given style: literal (`|`) unless a line is too long (`>`)."""
    if re.search(r"\n[\t ]+\Z", value) or _BLANK.match(value):
        return _double_quoted(value, ctx)
    indent = ctx.indent or ("  " if ctx.force_block_indent or _DOCUMENT_MARKER.search(value) else "")
    indent_size = "2" if indent else "1"
    literal = not _line_length_over_limit(value, len(indent))
    header = "|" if literal else ">"
    if not value:
        return header + "\n"
    ws_start = ws_end = ""

    def chomp(match: re.Match) -> str:
        nonlocal header, ws_end
        ws = match.group(0)
        newline = ws.find("\n")
        if newline == -1:
            header += "-"
        elif value == ws or newline != len(ws) - 1:
            header += "+"
        ws_end = re.sub(r"\n\Z", "", ws)
        return ""

    def leading(match: re.Match) -> str:
        nonlocal header, ws_start
        ws = match.group(0)
        if " " in ws:
            header += indent_size
        spaces = re.search(r" +\Z", ws)
        if spaces:
            ws_start = ws[: -len(spaces.group(0))]
            return spaces.group(0)
        ws_start = ws
        return ""

    value = re.sub(r"^[\n ]*", leading, re.sub(r"[\n\t ]*\Z", chomp, value, count=1), count=1)
    if ws_end:
        ws_end = re.sub(r"\n+(?!\n|\Z)", lambda match: match.group(0) + indent, ws_end)
    if ws_start:
        ws_start = re.sub(r"\n+", lambda match: match.group(0) + indent, ws_start)
    if not value:
        return f"{header}{indent_size}\n{indent}{ws_end}"
    if literal:
        value = re.sub(r"\n+", lambda match: match.group(0) + indent, value)
        return f"{header}\n{indent}{ws_start}{value}{ws_end}"
    value = re.sub(r"\n+", lambda match: "\n" + match.group(0), value)
    value = _MORE_INDENTED.sub(lambda match: match.group(1) + (match.group(2) or ""), value)  # more-indented lines stay
    value = re.sub(r"\n+", lambda match: match.group(0) + indent, value)
    return f"{header}\n{indent}{_fold(f'{ws_start}{value}{ws_end}', indent, _BLOCK)}"


def _plain(value: str, ctx: _Context) -> str:
    if ctx.implicit_key and _KEY_FORBIDDEN.search(value):
        return _double_quoted(value, ctx)
    if not value or _PLAIN_FORBIDDEN.search(value):
        if ctx.implicit_key or "\n" not in value:
            return _single_quoted(value, ctx) if '"' in value and "'" not in value else _double_quoted(value, ctx)
        return _block(value, ctx)
    if not ctx.implicit_key and "\n" in value:
        return _block(value, ctx)  # multi-line text: a block scalar
    if ctx.indent == "" and _DOCUMENT_MARKER.search(value):
        ctx.force_block_indent = True
        return _block(value, ctx)
    text = re.sub(r"\n+", lambda match: f"{match.group(0)}\n{ctx.indent}", value)
    if core_tag(text) != "str":
        return _double_quoted(value, ctx)  # would read as a number, boolean or null (yaml12: the reader's own rule)
    return ctx.fold(text, ctx.indent, _FLOW)


def _string(value: str, ctx: _Context) -> str:
    """yaml's stringifyString for a string scalar (control characters force double quotes)."""
    value = _units(value)
    if _CONTROL.search(value):
        return _characters(_double_quoted(value, ctx))
    return _characters(_plain(value, ctx))


def _scalar(value: object, ctx: _Context) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"{value} is beyond JavaScript's exact integers")
        return str(value)
    if isinstance(value, str):
        return _string(value, ctx)
    raise TypeError(f"cannot write {type(value).__name__} as Decap does (its data holds text, integers, booleans, lists, objects)")


# --- collections --------------------------------------------------------------------------------------------


def _node(value: object, ctx: _Context) -> str:
    if isinstance(value, dict):
        return _map(value, ctx.indent)
    if isinstance(value, list):
        return _sequence(value, ctx.indent)
    return _scalar(value, ctx)


def _pair(key: str, value: object, indent: str, all_null: bool) -> str:
    """Pair.toString; `indent` is the map's item indent."""
    value_indent = indent + INDENT_STEP
    head = _string(key, _Context(value_indent, implicit_key=True))
    if len(_units(head)) > MAX_IMPLICIT_KEY:
        raise ValueError("keys longer than 1024 characters (explicit `? key` pairs) are not ported")
    if all_null:
        return f"? {head}"
    head += ":"
    if isinstance(value, (dict, list)):
        text = _node(value, _Context(value_indent))
        return head + (f"\n{value_indent}" if text[0] not in "[{" or "\n" in text else " ") + text
    text = _scalar(value, _Context(value_indent, indent_at_start=len(_units(head)) + 1))
    return head + ("" if text.startswith("\n") else " ") + text


def _map(mapping: dict, indent: str, keys: list | None = None) -> str:
    keys = _js_keys(mapping) if keys is None else keys
    if not keys:
        return "{}"
    all_null = all(mapping[key] is None for key in keys)  # yaml writes such a map as a set: `? key`
    return f"\n{indent}".join(_pair(key, mapping[key], indent, all_null) for key in keys)


def _sequence(items: list, indent: str) -> str:
    if not items:
        return "[]"
    item_indent = indent + INDENT_STEP
    return f"\n{indent}".join(f"- {_node(item, _Context(item_indent))}" for item in items)


# --- Decap's key order --------------------------------------------------------------------------------------


def _v8_sort(items: list, compare) -> list:
    """Array.prototype.sort as V8 runs it on fewer than 64 items: one run counted (and reversed if strictly
    descending), the rest placed by binary insertion. With a consistent comparator any stable sort agrees."""
    items = list(items)
    if len(items) < 2:
        return items
    if len(items) >= SMALL_SORT:
        return sorted(items, key=cmp_to_key(compare))
    run = 2
    descending = compare(items[1], items[0]) < 0
    for index in range(2, len(items)):
        order = compare(items[index], items[index - 1])
        if (order >= 0) if descending else (order < 0):
            break
        run += 1
    if descending:
        items[:run] = reversed(items[:run])
    for start in range(run, len(items)):
        pivot = items[start]
        left, right = 0, start
        while left < right:
            middle = left + ((right - left) >> 1)
            if compare(pivot, items[middle]) < 0:
                right = middle
            else:
                left = middle + 1
        items[left + 1: start + 1] = items[left:start]
        items[left] = pivot
    return items


def decap_key_order(keys: list[str], key_order: list[str]) -> list[str]:
    """The top-level keys in the order Decap writes them: `contents.items.sort(sortKeys(key_order))`."""
    rank = {}
    for index, key in enumerate(key_order):
        rank.setdefault(key, index)  # indexOf: the first occurrence

    def compare(a: str, b: str) -> int:  # decap-cms-core/src/formats/helpers.ts sortKeys
        if a not in rank or b not in rank:
            return 0
        return (rank[a] > rank[b]) - (rank[a] < rank[b])

    if len(keys) >= SMALL_SORT and any(key not in rank for key in keys):
        raise ValueError("more than 63 top-level keys with some outside the form's order: V8's merge steps are not ported")
    return _v8_sort(keys, compare)


def dump_front_matter(data: dict, key_order: list[str]) -> str:
    """The YAML text Decap's serializer returns for `data` (`doc.toString()`, ending with a newline), with
    the form's field names `key_order`."""
    return _map(data, "", decap_key_order(_js_keys(data), key_order)) + "\n"


def front_matter_file(data: dict, key_order: list[str], body: str) -> str:
    """A whole profile file as Decap writes it (gray-matter): `---`, the fields, `---`, the body. Like Decap,
    no newline is added at the end when the body has none, and no front matter is written for no fields."""
    fields = _js_trim(dump_front_matter(data, key_order))
    return ("" if fields == "{}" else f"---\n{fields}\n---\n") + body
