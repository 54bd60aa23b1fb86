"""The content as the stages see it: the profile files found, each read, validated and its body
rendered to HTML (`analyse_profile`, a pure function of the file's bytes, the project data and the
photo it names, so the engine can cache it and run it in parallel), and the section's intro page.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from showcase.common.clock import consent_deadline
from showcase.common.config import Plan, Project
from showcase.common.diagnostics import Diagnostic, fragment
from showcase.common.fingerprints import stat_signature
from showcase.common.paths import display_path
from showcase.common.text import dd_words, fold, person_sort_key, title_sort_key
from showcase.source.markup import MarkdownRenderer
from showcase.source.reader import as_date, read_profile
from showcase.source.validate import Profile, validate_profile

INTRO_FILE = "_index.md"


INTRO_KEYS = {"title", "description"}


@dataclass
class ContentResult:
    profiles: list[Profile] = field(default_factory=list)
    intro: dict | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    content_dir: Path | None = None
    source_key: str = ""  # a hash of every input file read (bytes, paths, photos): same key, same result
    published_count: int | None = None  # set instead of `profiles` when an up-to-date build read nothing
    recorded_counts: tuple[int, int, int] | None = None  # and `counts`, likewise

    @property
    def profile_count(self) -> int:
        return len(self.profiles) if self.published_count is None else self.published_count

    @property
    def counts(self) -> tuple[int, int, int]:
        """Valid profiles by state: (published, drafts, withdrawn); a withdrawn draft counts as withdrawn."""
        if self.recorded_counts is not None:
            return self.recorded_counts
        withdrawn = sum(1 for profile in self.profiles if profile.withdrawn)
        drafts = sum(1 for profile in self.profiles if profile.draft and not profile.withdrawn)
        return len(self.profiles) - drafts - withdrawn, drafts, withdrawn

    @property
    def errors(self) -> int:
        return sum(1 for item in self.diagnostics if item.severity == "error")


def discover(content_dir: Path) -> list[str]:
    """The Markdown files under `content_dir`, as sorted posix paths relative to it (no hidden ones)."""
    found = []
    root = os.fspath(content_dir)
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(name for name in subdirs if not name.startswith("."))
        prefix = directory[len(root) + 1:].replace(os.sep, "/") + "/" if directory != root else ""
        found += [prefix + name for name in sorted(files) if name.endswith(".md") and not name.startswith(".")]
    return found


def is_profile_file(rel_path: str) -> bool:
    """Whether a file `discover` found is a profile: not the intro page, nor another file whose name
    starts with "_" (kept beside the profiles, not published)."""
    return not rel_path.rpartition("/")[2].startswith("_")


def read_source(path: Path, content_dir: Path, shown: str | None = None) -> tuple[bytes, Diagnostic | None]:
    """The file's bytes, unless it cannot be read or is a link out of the content folder."""
    try:
        # os.walk does not enter linked folders, so only a linked file can lead outside.
        if path.is_symlink() and not path.resolve().is_relative_to(content_dir):
            return b"", Diagnostic(code="E030", file=shown or display_path(path))
        return path.read_bytes(), None
    except OSError as error:
        return b"", Diagnostic(code="E029", file=shown or display_path(path), args={"problem": error.strerror or str(error)})


def _photo_dependency(parsed, content_dir: Path, rel_path: str) -> list[tuple[str, tuple | None]]:
    """The files a profile's validity depends on besides its own bytes: the photo it names."""
    entry = parsed.front.get("photo") if parsed.front else None
    value = getattr(getattr(entry, "value", None), "value", None)
    if not isinstance(value, str) or not value:
        return []
    candidates = [(content_dir / rel_path).parent / value.replace("\\", "/"), content_dir / value]
    return [(str(candidate), stat_signature(candidate)) for candidate in candidates]


def _deadline_window(parsed, deadline: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The consent deadlines (clock.consent_deadline) for which this file's result is the same: a
    consent dated on or before the deadline stays valid as the deadline moves on; one after it (E044,
    whose message names the deadline) holds for that deadline only; no consent date, for any."""
    entry = parsed.front.get("consent") if parsed.front else None
    record = getattr(getattr(entry, "value", None), "value", None)
    dated = record.get("date") if isinstance(record, dict) else None
    when = as_date(getattr(getattr(dated, "value", None), "value", None))
    if when is None:
        return datetime.date.min, datetime.date.max
    return (when, datetime.date.max) if when <= deadline else (deadline, deadline)


def analyse_profile(path: Path, data: bytes, project: Project, content_dir: Path,
                    renderer: MarkdownRenderer) -> tuple[Profile | None, list[Diagnostic], list, tuple]:
    """Everything done for one profile: (profile, diagnostics, files it depends on besides itself,
    the consent deadlines for which the result holds)."""
    rel_path = path.relative_to(content_dir).as_posix()
    parsed = read_profile(display_path(path), data)
    profile, diagnostics = validate_profile(parsed, project, content_dir, rel_path)
    if profile is not None:
        profile.body_html = renderer.render(profile.body)
        profile.search_dd_name = dd_words(profile.name, project.units[profile.unit].name, profile.position)
        profile.search_dd_text = dd_words(profile.summary, *profile.achievements, profile.body)
        plan = next((plan for plan in project.plans if plan.id == profile.plan_id), None)
        profile.collation = name_collation(profile, plan) if plan is not None else ()
        profile.search_name = fold(f"{profile.name} {project.units[profile.unit].name}")
        profile.body = ""  # the source is not needed once rendered: a lighter cache and build (30 MB at 10,000)
    return profile, diagnostics, _photo_dependency(parsed, content_dir, rel_path), _deadline_window(parsed, consent_deadline())


def process_profile(path: Path, data: bytes, project: Project, content_dir: Path,
                    renderer: MarkdownRenderer) -> tuple[Profile | None, list[Diagnostic]]:
    """Everything done for one profile: a function of its bytes, the project data and its photo."""
    profile, diagnostics, _, _ = analyse_profile(path, data, project, content_dir, renderer)
    return profile, diagnostics


def read_intro(path: Path, data: bytes, renderer: MarkdownRenderer) -> tuple[dict | None, list[Diagnostic]]:
    parsed = read_profile(display_path(path), data)
    if parsed.front is None:
        return None, parsed.diagnostics
    diagnostics = list(parsed.diagnostics)
    for key, entry in parsed.front.items():
        if key not in INTRO_KEYS:
            diagnostics.append(Diagnostic(
                code="E010", file=parsed.path, line=entry.key.line, column=entry.key.column, length=entry.key.length,
                source_line=parsed.lines[entry.key.line - 1],
                args={"key": key, "where": fragment("where.intro_page"), "suggestion": "",
                      "allowed": ", ".join(f"`{name}`" for name in sorted(INTRO_KEYS))},
            ))
    values = {key: entry.value.value for key, entry in parsed.front.items() if key in INTRO_KEYS}
    return {**values, "body_html": renderer.render(parsed.body)}, diagnostics


def name_collation(profile: Profile, plan: Plan) -> tuple:
    """The collation key of the profile's name: people by given name first where the kind says so."""
    kind = plan.kinds.get(profile.kind)
    if kind and kind.name_order == "given-name-first":
        return person_sort_key(profile.name)
    return title_sort_key(profile.name)
