"""The addresses a profile claims: its own page's URL and the old URLs (`aliases`) that redirect to it.

Checked with the content (E041, E042), because a wrong alias is the editor's to fix; the host's
`_redirects` file is written from them by showcase/site/publish.py.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from showcase.common.config import Project
from showcase.common.diagnostics import Diagnostic, fragment
from showcase.source.markup import unsafe_in_text
from showcase.source.reader import ParsedFile

# A path an alias may hold: no scheme, host, query, fragment, space, `..`, nor Netlify's `*` and `:name` patterns.
ALIAS_PATH = re.compile(r"^/(?:[\w.~%-]+/)*(?:[\w.~%-]+)?\Z")


def gone_url(project: Project) -> str:
    return f"{project.site.prefix}{project.site.paths.get('gone', 'da-go')}/"


def profile_url(project: Project, slug: str) -> str:
    return f"{project.site.prefix}{project.site.paths['profile']}/{slug}/"


def normalize_alias(text: str) -> str:
    """`/a/b` and `/a/b/` are one page; a name with an extension (`cu.html`) keeps its form."""
    if text.endswith("/") or "." in PurePosixPath(text).name:
        return text
    return text + "/"


def check_aliases(parsed: ParsedFile) -> tuple[list[str], list[int], list[Diagnostic]]:
    """Per-file check of `aliases`: each must be a plain path of this site. Returns (aliases, lines, problems)."""
    entry = (parsed.front or {}).get("aliases")
    if entry is None or not isinstance(entry.value.value, list):
        return [], [], []
    aliases, lines, problems = [], [], []
    for item in entry.value.value:
        if not isinstance(item.value, str) or not item.value.strip() or unsafe_in_text(item.value):
            continue  # the schema check reports the wrong type, the empty item or the script
        text = item.value.strip()
        parts = urlsplit(text)
        if parts.scheme or parts.netloc or not ALIAS_PATH.match(text) or ".." in text.split("/"):
            source = parsed.lines[item.line - 1] if 0 < item.line <= len(parsed.lines) else None
            problems.append(Diagnostic(code="E042", file=parsed.path, line=item.line, column=item.column,
                                       length=item.length, source_line=source, args={"alias": text}))
            continue
        aliases.append(normalize_alias(text))
        lines.append(item.line)
    return aliases, lines, problems


def alias_collisions(profiles: list, project: Project) -> list[Diagnostic]:
    """An alias may not be another profile's URL, a section page, or another profile's alias."""
    prefix = project.site.prefix
    reserved = {prefix.lower(), f"{prefix}assets/".lower(), gone_url(project).lower()}
    reserved |= {f"{prefix}{path}/".lower() for key, path in project.site.paths.items() if key != "page"}
    live = {profile_url(project, item.slug).lower(): item for item in profiles}
    owners: dict[str, object] = {}
    diagnostics = []
    for profile in sorted(profiles, key=lambda item: item.rel_path):
        lines = getattr(profile, "alias_lines", []) or [1] * len(profile.aliases)
        for alias, line in zip(profile.aliases, lines, strict=False):
            key = alias.lower()
            if key in live:
                other = live[key]
                what = fragment("alias.own_url") if other is profile else fragment("alias.profile_url", file=other.source)
            elif key in reserved or key.startswith(f"{prefix}assets/".lower()):
                what = fragment("alias.section_page")
            elif key in owners:
                what = fragment("alias.declared_in", file=owners[key].source)
            else:
                owners[key] = profile
                continue
            diagnostics.append(Diagnostic(code="E041", file=profile.source, line=line, column=1,
                                          args={"alias": alias, "what": what}))
    return diagnostics
