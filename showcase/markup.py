"""Markdown → safe HTML, and the scan that tells editors what was unsafe.

Sanitizing is nh3 (Rust's ammonia): an allow-list, so anything not listed is gone
whatever the input. The scan is only there so that the editor learns, with a line
number, that something they pasted would not be published.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "mark", "ol", "p", "pre", "s", "small", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

DANGEROUS_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "link", "meta", "base", "svg", "math", "template", "noscript",
}
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>?")
_EVENT_ATTRIBUTE = re.compile(r"\bon[a-z]+\s*=", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\bstyle\s*=", re.IGNORECASE)
_BAD_URL = re.compile(r"(?:\]\(\s*<?|\b(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*)((?:java|vb)script:|data:)", re.IGNORECASE)
_ANGLE_URL = re.compile(r"<((?:java|vb)script:|data:)", re.IGNORECASE)
_FENCE = re.compile(r"^(```|~~~)")


class MarkdownRenderer:
    """One Markdown converter per worker, reset between documents (building one is slow)."""

    def __init__(self) -> None:
        self._converter = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code"], output_format="html")

    def render(self, text: str) -> str:
        self._converter.reset()
        html = self._converter.convert(text)
        return sanitize(html)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def scan_unsafe(body: str, first_line: int) -> list[tuple[str, int, int, int, dict]]:
    """(code, line, column, length, args) for each unsafe construct in a Markdown body."""
    findings = []
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        if _FENCE.match(line.lstrip()):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        number = first_line + offset
        decoded = html.unescape(line)  # `jav&#x61;script:` is still javascript: to a browser
        if decoded != line and not _BAD_URL.search(line) and not _ANGLE_URL.search(line):
            for match in (*_BAD_URL.finditer(decoded), *_ANGLE_URL.finditer(decoded)):
                scheme = match.group(1).lower()
                findings.append(("E022", number, 1, len(line) or 1, {"what": f"liên kết dạng {scheme} (viết bằng mã ký tự HTML)"}))
        for match in _BAD_URL.finditer(line):
            scheme = match.group(1).lower()
            findings.append(("E022", number, match.start(1) + 1, len(scheme), {"what": f"liên kết dạng {scheme}"}))
        for match in _ANGLE_URL.finditer(line):
            scheme = match.group(1).lower()
            findings.append(("E022", number, match.start(1) + 1, len(scheme), {"what": f"liên kết dạng {scheme}"}))
        for match in _TAG.finditer(line):
            closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
            if attributes.startswith(":") or "@" in attributes:
                continue  # a Markdown autolink such as <https://…> or <ten@co-quan.gov.vn>
            column, length = match.start() + 1, len(match.group(0))
            if tag in DANGEROUS_TAGS:
                if not closing:
                    findings.append(("E022", number, column, length, {"what": f"thẻ <{tag}>"}))
                continue
            event = _EVENT_ATTRIBUTE.search(attributes)
            if event:
                name = event.group(0).rstrip("= ").lower()
                findings.append(("E022", number, column, length, {"what": f"thuộc tính sự kiện {name}"}))
            elif not closing and (tag not in ALLOWED_TAGS or _STYLE_ATTRIBUTE.search(attributes)):
                findings.append(("W003", number, column, length, {"tag": tag}))
    return findings


def unsafe_in_text(value: str) -> str | None:
    """What makes a plain front-matter text unsafe (a tag, an event handler, a script URL), or None."""
    for code, _line, _column, _length, args in scan_unsafe(value, 1):
        if code == "E022":
            return args["what"]
    if re.search(r"^\s*(?:java|vb)script:", html.unescape(value), re.IGNORECASE):
        return "liên kết dạng javascript:"
    return None
