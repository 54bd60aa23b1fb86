"""The office's private folder: personal background lines of an achievement report, kept out of content/.

Mẫu 03 of Nghị định 98/2023 (an individual's achievement report) asks for a date of birth, gender,
hometown, residence, qualifications, party and union positions: personal data the public site does
not publish, in a content repository that may be public. The office keeps them in a folder of its own
(`build.py dossier --private DIR`; DEFAULT_FOLDER is in .gitignore), one YAML file per profile, named
after the profile's slug (`nguyen-van-a.yaml`) or naming it with `profile: ho-so/2023/nguyen-van-a.md`.

Only the dossier reads the folder: `build` and `serve` never do. A file of this kind found inside
content/ is refused by every command that reads the content (E050, `personal_files_in_content`).

A private file is read with positions like a profile's front matter (reader.parse_front_matter) and
checked by the same checker (validate._ProfileChecker: unknown key E010, wrong type E012, empty E013,
invisible characters E023, impossible date E024), so its problems carry file, line and column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic, fragment
from showcase.common.paths import display_path
from showcase.source.reader import MAX_FILE_BYTES, Located, ParsedFile, decode, parse_front_matter
from showcase.source.schema import Spec
from showcase.source.validate import _ProfileChecker

DEFAULT_FOLDER = "du-lieu-rieng"
SUFFIXES = (".yaml", ".yml")

# The file's format. Every key is optional: a line left out is a dotted blank in the report.
PRIVATE_FIELDS: dict[str, Spec] = {
    "profile": Spec("path", example="ho-so/2023/nguyen-van-a.md"),
    "birth_date": Spec("date", example="1988-04-12"),
    "gender": Spec("string", example="Nam"),
    "hometown": Spec("string", example="xã Hải Phú, tỉnh Quảng Trị"),
    "residence": Spec("string", example="phường Đông Hà, tỉnh Quảng Trị"),
    "positions": Spec("string", example="Đảng viên; Ủy viên Ban Chấp hành Công đoàn cơ sở Văn phòng Sở"),
    "qualifications": Spec("string", example="Kỹ sư xây dựng; Trung cấp lý luận chính trị"),
    "honours": Spec("string", example="Thạc sĩ Quản lý xây dựng"),
    "duties": Spec("string", example="Tiếp nhận, hướng dẫn hồ sơ cấp giấy phép xây dựng tại Bộ phận Một cửa"),
}
# The keys that make a file personal data wherever it lies (E050 inside content/).
PERSONAL_KEYS = ("birth_date", "gender", "hometown", "residence", "positions", "qualifications", "honours")


@dataclass
class PrivateRecord:
    file: str  # as shown in diagnostics
    names: str  # the profile it is for: a slug (from the file name) or a content-relative path (`profile:`)
    by_path: bool
    line: int  # where it names the profile: the `profile:` line, else 1
    values: dict = field(default_factory=dict)  # key → str | datetime.date, checked


def _parse(path: Path, shown: str) -> ParsedFile:
    """The file's YAML with positions (its problems in `diagnostics`; `front` None when unreadable)."""
    parsed = ParsedFile(path=shown)
    try:
        data = path.read_bytes()
    except OSError as error:
        parsed.diagnostics.append(Diagnostic(code="E029", file=shown, args={"problem": error.strerror or str(error)}))
        return parsed
    text = decode(shown, data, parsed)
    if text is None:
        return parsed
    parsed.lines = text.split("\n")
    parse_front_matter(text, parsed)  # front_line 1: the whole file is the YAML
    return parsed


def _files(folder: Path) -> list[Path]:
    found = []
    for directory, subdirs, names in os.walk(folder):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        found += [Path(directory) / name for name in sorted(names)
                  if name.endswith(SUFFIXES) and not name.startswith(".")]
    return found


def read_private_folder(folder: Path, project: Project) -> tuple[list[PrivateRecord], list[Diagnostic]]:
    """Every private file of `folder`, checked: (records, diagnostics). A file with an error gives no record."""
    records: list[PrivateRecord] = []
    diagnostics: list[Diagnostic] = []
    for path in _files(folder):
        parsed = _parse(path, display_path(path))
        diagnostics += parsed.diagnostics
        if parsed.front is None:
            continue
        checker = _ProfileChecker(parsed, project)
        values = checker.check_mapping(parsed.front, PRIVATE_FIELDS, fragment("where.private_file"), Located("", 1, 1, 1),
                                       group="private")
        diagnostics += checker.diagnostics
        if any(item.severity == "error" for item in checker.diagnostics):
            continue
        named = values.pop("profile", None)
        line = parsed.front["profile"].value.line if named else 1
        names = named.replace("\\", "/").removeprefix("content/") if named else path.stem
        records.append(PrivateRecord(parsed.path, names, bool(named), line, values))
    return records, diagnostics


def personal_files_in_content(content_dir: Path) -> list[Diagnostic]:
    """E050 for each file inside the content folder that holds the private folder's personal data: a YAML
    file with one of PERSONAL_KEYS, or any file in a folder named like the private folder."""
    diagnostics = []
    for directory, subdirs, names in os.walk(content_dir):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        in_private = DEFAULT_FOLDER in Path(directory).relative_to(content_dir).parts
        for name in sorted(names):
            if name.startswith(".") or not (in_private or name.endswith(SUFFIXES)):
                continue
            path = Path(directory) / name
            found = _personal_key(path) if name.endswith(SUFFIXES) else None
            if found is None and not in_private:
                continue
            key, line, column, length, source = found or ("", 1, 1, 1, None)
            diagnostics.append(Diagnostic(code="E050", file=display_path(path), line=line, column=column, length=length,
                                          source_line=source, args={"folder": DEFAULT_FOLDER,
                                                                    "keys": ", ".join(f"`{item}`" for item in PERSONAL_KEYS)}))
    return diagnostics


def _personal_key(path: Path) -> tuple[str, int, int, int, str] | None:
    """The first personal key of a YAML file and where it is written (key, line, column, length, line text)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        text = path.read_bytes().decode("utf-8", "replace")
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError, RecursionError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    lines = text.splitlines()
    for key, _value in root.value:
        if isinstance(key, yaml.ScalarNode) and str(key.value).strip() in PERSONAL_KEYS:
            mark = key.start_mark
            return str(key.value), mark.line + 1, mark.column + 1, max(len(str(key.value)), 1), lines[mark.line]
    return None
