"""Diagnostics: what went wrong, where, and how to fix it, in the editor's language.

A `Diagnostic` is plain data (code + arguments + position). Messages are looked up
in `showcase/messages/<lang>.yaml` only when printed, so the validator never deals
with wording and every language has the same set of codes.

Arguments are language-neutral (ids, numbers, raw values, keys). Where the code has to
say something in words (a hint, a reason, a type name), it passes a *fragment*:
`fragment("hint.quote_value", key=..., value=...)` is `{"$t": "hint.quote_value", ...}`,
plain picklable data, resolved recursively against the catalog's `fragments:` section
(and `types.*`, `sources.*`) at print time. `join([...], "sep.or")` joins resolved items.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import yaml

MESSAGES_DIR = Path(__file__).parent.parent / "messages"
LANGUAGES = ("vi", "en")

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    file: str
    line: int = 1
    column: int = 1
    args: dict = field(default_factory=dict)
    length: int = 1
    source_line: str | None = None
    severity_override: str | None = None

    @property
    def severity(self) -> str:
        if self.severity_override:
            return self.severity_override
        return WARNING if self.code.startswith("W") else ERROR

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic:
        return cls(**data)


@cache
def catalog(lang: str) -> dict:
    with open(MESSAGES_DIR / f"{lang}.yaml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=yaml.CSafeLoader)


# A placeholder of the catalogs is `{name}`, nothing else: braces in a catalog's own text ("ngoặc nhọn }") and
# in what is put in (a parser's message, an editor's value) are text. The form's script fills the same way
# (layouts/cms/rules.js `fill`), so both print the same sentence.
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(template: str, args: dict) -> str:
    """`template` with each `{name}` of `args` replaced by its text, in one pass (what is put in is never read
    again for placeholders); a name `args` lacks is left as written."""
    return PLACEHOLDER.sub(lambda match: str(args[match.group(1)]) if match.group(1) in args else match.group(0),
                           template)


def _fill(template: str, args: dict) -> str:
    return fill(template, args).strip()


def fragment(key: str, /, **args) -> dict:
    """A piece of wording for a diagnostic argument, looked up in the catalog when printed."""
    return {"$t": key, **args}


def join(items: list, separator: str = "sep.comma") -> dict:
    """Items (strings or fragments) joined by the catalog's separator fragment (`sep.comma`, `sep.or`)."""
    return {"$join": list(items), "$sep": separator}


def fragment_text(key: str, lang: str) -> str:
    """The template of a fragment key: `fragments.<key>`, or `types.<name>` / `sources.<name>`."""
    words = catalog(lang)
    if key in words["fragments"]:
        return words["fragments"][key]
    section, _, name = key.partition(".")
    if section in ("types", "sources") and name in words[section]:
        return str(words[section][name])
    return "{" + key + "}"  # a missing key is a bug (tests/test_i18n.py); show it rather than crash


def resolve(value: object, lang: str) -> object:
    """An argument with its fragments put into words in `lang`; other values are returned as they are."""
    if isinstance(value, dict) and "$t" in value:
        args = {name: resolve(item, lang) for name, item in value.items() if name != "$t"}
        return fill(fragment_text(value["$t"], lang), args)
    if isinstance(value, dict) and "$join" in value:
        separator = fragment_text(value.get("$sep", "sep.comma"), lang)
        return separator.join(str(resolve(item, lang)) for item in value["$join"])
    return value


def message(diagnostic: Diagnostic, lang: str = "vi") -> tuple[str, str]:
    """The message and the fix, in `lang`."""
    entry = catalog(lang)["codes"][diagnostic.code]
    args = {name: resolve(value, lang) for name, value in diagnostic.args.items()}
    return _fill(entry["message"], args), _fill(entry.get("fix", ""), args)


def count(diagnostics: list[Diagnostic]) -> tuple[int, int]:
    errors = sum(1 for item in diagnostics if item.severity == ERROR)
    return errors, len(diagnostics) - errors


_COLORS = {ERROR: "\033[1;31m", WARNING: "\033[1;33m", "note": "\033[1;36m", "bold": "\033[1m", "reset": "\033[0m"}


def format_text(diagnostics: list[Diagnostic], lang: str = "vi", color: bool = False) -> str:
    words = catalog(lang)["words"]

    def paint(kind: str, text: str) -> str:
        return f"{_COLORS[kind]}{text}{_COLORS['reset']}" if color else text

    blocks = []
    for item in diagnostics:
        text, fix = message(item, lang)
        label = paint(item.severity, f"{words[item.severity]}[{item.code}]")
        lines = [f"{paint('bold', f'{item.file}:{item.line}:{item.column}')}: {label}: {text}"]
        if item.source_line is not None:
            gutter = " " * len(str(item.line))
            caret = " " * max(item.column - 1, 0) + "^" * max(item.length, 1)
            lines += [
                f"{gutter} |",
                f"{item.line} | {item.source_line}",
                f"{gutter} | {paint(item.severity, caret)}",
            ]
        if fix:
            indent = " " * len(str(item.line)) if item.source_line is not None else ""
            lines.append(f"{indent} = {paint('note', words['fix'])}: {fix}")
        blocks.append("\n".join(lines))
    errors, warnings = count(diagnostics)
    summary = _fill(words["summary"], {"errors": errors, "warnings": warnings})
    return "\n\n".join([*blocks, summary]) + "\n"


def format_json(diagnostics: list[Diagnostic], lang: str = "vi") -> str:
    records = []
    for item in diagnostics:
        text, fix = message(item, lang)
        records.append({
            "file": item.file,
            "line": item.line,
            "column": item.column,
            "severity": item.severity,
            "code": item.code,
            "message": text,
            "fix": fix,
        })
    errors, warnings = count(diagnostics)
    return json.dumps({"diagnostics": records, "errors": errors, "warnings": warnings}, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: list[Diagnostic], lang: str = "vi") -> str:
    """GitHub Actions workflow commands, shown on the pull request's changed lines."""
    lines = []
    for item in diagnostics:
        text, fix = message(item, lang)
        body = f"{text} {fix}".strip()
        command = "error" if item.severity == ERROR else "warning"
        props = f"file={_escape_property(item.file)},line={item.line},col={item.column},title={_escape_property(item.code)}"
        lines.append(f"::{command} {props}::{_escape_data(body)}")
    return "\n".join(lines) + ("\n" if lines else "")


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
