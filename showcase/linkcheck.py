"""Link check of the site about to be written: every internal href, src and srcset must resolve.

Input: the in-memory files (output path → bytes) and the section prefix. Output:
diagnostics (E040) naming the page, its line and the link. Runs before `write_tree`,
so a broken link means nothing is published. One pass over the files: linear in
their number and size.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostic

_LINK_ATTRIBUTES = {"href", "src", "poster", "action"}
_EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name in _LINK_ATTRIBUTES:
                self.found.append((value, line))
            elif name in ("srcset", "imagesrcset"):
                self.found += [(part.strip().split()[0], line) for part in value.split(",") if part.strip()]

    handle_startendtag = handle_starttag


def links_of(html: str) -> list[tuple[str, int]]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.found


def resolve(link: str, page: str) -> str | None:
    """The output path a link points to, or None when it is not ours to check (another site, an anchor)."""
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


def check_links(files: dict[str, bytes], prefix: str = "/") -> list[Diagnostic]:
    """E040 for each internal link of an HTML page that is not among `files`.

    Links outside the section's prefix belong to the rest of the department's site and are
    not checked; inside it, `x/` resolves to `x/index.html`.
    """
    diagnostics = []
    for page in sorted(files):
        if not page.endswith(".html"):
            continue
        html = files[page].decode("utf-8", "replace")
        for link, line in links_of(html):
            target = resolve(link, page)
            if target is None:
                continue
            if not target.startswith("\0"):
                if not (target + "/").startswith(prefix) and target + "/" != prefix:
                    continue
                key = target.lstrip("/")
                if key == "" or key.endswith("/"):
                    key += "index.html"
                if key in files or f"{key}/index.html" in files:
                    continue
            diagnostics.append(Diagnostic(code="E040", file=page, line=line, column=1, args={"link": link}))
    return diagnostics
