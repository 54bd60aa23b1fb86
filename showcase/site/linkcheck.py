"""Link check of the site about to be written: every internal href, src and srcset must resolve.

Input: the in-memory files (output path → bytes) and the section prefix. Output:
diagnostics (E040) naming the page, its line and the link. Runs before `write_tree`,
so a broken link means nothing is published. One pass over the files: linear in
their number and size.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from html import unescape
from urllib.parse import unquote, urlsplit

from showcase.common.diagnostics import Diagnostic

_LINK_ATTRIBUTES = {"href", "src", "poster", "action"}
_SRCSET_ATTRIBUTES = {"srcset", "imagesrcset"}
_EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel"}

# One scan over the page, the way html.parser tokenizes it: comments and declarations are skipped,
# the content of script/style is raw text (no tags in it), a start tag's quoted values may hold ">".
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<[!?][^>]*>?"
    r"|<([a-zA-Z][^\s/>]*)((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)>",  # possessive attributes: each character has one reading
    re.S)
_ATTRIBUTE = re.compile(r"([^\s/>\"'=][^\s/>=]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_RAW_TEXT = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}
_LINKY = re.compile(r"href|src|poster|action", re.I)
# A run of what cannot hold a link, skipped by the regex engine in one step instead of a Python loop
# turn per tag: text, end tags, a "<" that starts no tag, and start tags (not script/style) in whose
# attributes (quoted values included, as _LINKY reads them) none of the link attribute names appears. It stops before
# anything the scan above must look at, so both read the page the same way (tests compare them).
# Possessive (no backtracking): a tag is skipped only when _MARKUP's first, greedy reading of it is
# the whole tag; any other tag is left to _MARKUP, which reads it as before.
# Only a character that can begin a link name (h, s, p, a) pays for the look-ahead.
_NAME_START = "hHsSpPaA"
# Runs of the other characters are taken by one possessive repeat (one regex step, not one per character).
_SAFE = rf"(?:[^>\"'{_NAME_START}]++|(?!(?i:href|src|poster|action))[{_NAME_START}])"
_SAFE_IN_DOUBLE = rf"(?:[^\"{_NAME_START}]++|(?!(?i:href|src|poster|action))[{_NAME_START}])"
_SAFE_IN_SINGLE = rf"(?:[^'{_NAME_START}]++|(?!(?i:href|src|poster|action))[{_NAME_START}])"
_BORING = re.compile(
    r"(?:[^<]+"
    r"|<(?=[^a-zA-Z!?])"
    rf"|<(?!(?i:script|style)\b)[a-zA-Z][^\s/>]*+(?:{_SAFE}|\"{_SAFE_IN_DOUBLE}*+\"|'{_SAFE_IN_SINGLE}*+')*+>"
    r")*+")  # possessive too: no backtracking state kept per step, over a yearbook of 40 MB


def links_of(html: str) -> list[tuple[str, int]]:
    """(link, line of its tag) for every href, src, poster, action and srcset candidate, in order.

    Equivalent to reading the page with html.parser (tests compare both on the whole sample site)
    and about ten times faster: tags without a link attribute are passed over by one regex step."""
    found: list[tuple[str, int]] = []
    line, counted = 1, 0  # line of html[counted]
    position, size = 0, len(html)
    skip, at = _BORING.match, _MARKUP.match
    while True:
        position = skip(html, position).end()
        if position >= size:
            break
        match = at(html, position)
        if match is None:  # a "<" that starts nothing the scan reads (e.g. "<" at the very end)
            position += 1
            continue
        position = match.end()
        name = match.group(1)
        if name is None:
            continue
        attributes = match.group(2)
        if attributes and _LINKY.search(attributes):
            line += html.count("\n", counted, match.start())
            counted = match.start()
            for attribute in _ATTRIBUTE.finditer(attributes):
                key = attribute.group(1).lower()
                if key not in _LINK_ATTRIBUTES and key not in _SRCSET_ATTRIBUTES:
                    continue
                raw = attribute.group(2)
                if raw is None:
                    raw = attribute.group(3)
                if raw is None:
                    raw = attribute.group(4)
                if raw is None:
                    continue
                value = unescape(raw) if "&" in raw else raw
                if key in _LINK_ATTRIBUTES:
                    found.append((value, line))
                else:
                    found += [(part.strip().split()[0], line) for part in value.split(",") if part.strip()]
        raw_end = _RAW_TEXT.get(name.lower())
        if raw_end is not None and not match.group(0).endswith("/>"):
            end = raw_end.search(html, position)
            position = end.start() if end else len(html)
    return found


def resolve(link: str, page: str) -> str | None:
    """The output path a link points to, or None when it is not ours to check (another site, an anchor)."""
    if link.startswith("/") and not link.startswith("//"):  # site-absolute: the same wherever it appears
        return _resolve_absolute(link)
    return _resolve(link, page)


@lru_cache(maxsize=65536)  # pure; navigation and card links recur on thousands of pages
def _resolve_absolute(link: str) -> str | None:
    return _resolve(link, "")


def _resolve(link: str, page: str) -> str | None:
    parts = urlsplit(link.strip())
    if parts.netloc or (parts.scheme and parts.scheme.lower() in _EXTERNAL_SCHEMES):
        return None
    if parts.scheme:
        return "\0" + link  # javascript:, data: … can never resolve; the sanitizer should have removed them
    if not parts.path:
        return None  # "#phan-nay" or "?trang=2": the page itself
    path = unquote(parts.path)
    base = "/" + posixpath.dirname(page)
    joined = path if path.startswith("/") else posixpath.join(base, path)
    normal = posixpath.normpath(joined)
    if joined.endswith("/") and normal != "/":
        normal += "/"
    return normal


def page_targets(page: str, html: str, prefix: str) -> list[tuple[str, str, int]]:
    """(key to look up among the files, link, line) for each link of the page that is ours to check;
    the key "\0…" never resolves (javascript:, data: …)."""
    found = []
    for link, line in links_of(html):
        target = resolve(link, page)
        if target is None:
            continue
        if not target.startswith("\0"):
            if not (target + "/").startswith(prefix) and target + "/" != prefix:
                continue
            target = target.lstrip("/")
            if target == "" or target.endswith("/"):
                target += "index.html"
        found.append((target, link, line))
    return found


def distinct_targets(page: str, html: str, prefix: str) -> tuple[str, ...]:
    """The targets of page_targets, each once: all a page needs to be checked when it has no broken link."""
    return tuple(dict.fromkeys(target for target, _, _ in page_targets(page, html, prefix)))


def _resolves(target: str, files: dict) -> bool:
    return not target.startswith("\0") and (target in files or f"{target}/index.html" in files)


def check_links(files: dict[str, bytes], prefix: str = "/") -> list[Diagnostic]:
    """E040 for each internal link of an HTML page that is not among `files` (see check_links_cached)."""
    return check_links_cached(files, prefix)[0]


def check_links_cached(files: dict[str, bytes], prefix: str = "/", keys: dict[str, str] | None = None,
                       known: dict[str, tuple] | None = None,
                       scanned: dict[str, list] | None = None, skip: str | None = None) -> tuple[list[Diagnostic], dict[str, tuple]]:
    """E040 for each internal link of an HTML page that is not among `files`.

    Links outside the section's prefix belong to the rest of the department's site and are
    not checked; inside it, `x/` resolves to `x/index.html`. `keys` (path → content hash) and
    `known` (content hash → the distinct targets found in such a page by an earlier build) let an
    unchanged page skip the scan: only its targets are looked up. `scanned` (path → distinct
    targets, see distinct_targets) holds the scans made where the pages were rendered. A page with a
    target that does not resolve is scanned again, for the lines of the diagnostics. Returns the
    diagnostics and the targets of every page, for the next build. `skip`: a folder whose pages are not
    ours to check (the editors' form, whose links are made by Decap at run time).
    """
    diagnostics = []
    targets_of: dict[str, tuple] = {}
    known = known or {}
    # One string object per distinct target, so that the output manifest pickles each once: the scans
    # come from the render workers, 40 pages at a time, each batch with its own copies (at 10,000
    # profiles, 20.7 MB of targets in the manifest instead of about 2).
    same: dict[str, str] = {}
    pages = sorted(page for page in files if page.endswith(".html") and not (skip and page.startswith(skip)))
    listed: dict[str, tuple[str | None, tuple | None]] = {}  # page → (content key, known targets)
    for page in pages:
        key = keys.get(page) if keys else None
        targets = known.get(key) if key is not None else None
        if targets is None and scanned:
            targets = scanned.get(page)
            if targets is not None:
                targets = tuple([same.setdefault(target, target) for target in targets])
        listed[page] = key, targets
    # Most targets are on thousands of pages (the navigation, the cards): each is looked up once.
    distinct: set[str] = set()
    for _, targets in listed.values():
        if targets is not None:
            distinct.update(targets)
    unresolved = {target for target in distinct if not _resolves(target, files)}
    for page in pages:
        key, targets = listed[page]
        if targets is not None and unresolved.isdisjoint(targets):
            if key is not None:
                targets_of[key] = targets
            continue
        found = page_targets(page, files[page].decode("utf-8", "replace"), prefix)  # again, for the lines
        for target, link, line in found:
            if not _resolves(target, files):
                diagnostics.append(Diagnostic(code="E040", file=page, line=line, column=1, args={"link": link}))
        if key is not None:
            targets_of[key] = tuple([same.setdefault(target, target) for target in dict.fromkeys(target for target, _, _ in found)])
    return diagnostics, targets_of
