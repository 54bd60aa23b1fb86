"""Markdown → safe HTML, and the scan that tells editors what was unsafe.

Sanitizing is nh3 (Rust's ammonia): an allow-list, so anything not listed is gone
whatever the input. The scan is only there so that the editor learns, with a line
number, that something they pasted would not be published.
"""

from __future__ import annotations

import bisect
import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from showcase.common.diagnostics import fragment
from showcase.common.text import typographic_quotes

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
# The scan's patterns are also the form's (layouts/cms/rules.js compiles these same texts, sent in rules.json):
# written in what Python's `re` and JavaScript's RegExp read alike, ASCII semantics (re.ASCII; JavaScript
# without /u), explicit white space instead of `\s`, and no `.` but under DOTALL (JavaScript's /s).
_SPACE = r"[ \t\n\r\f\v]"
_TAG = re.compile(rf"<{_SPACE}*(/?){_SPACE}*([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>?", re.ASCII)
_EVENT_ATTRIBUTE = re.compile(rf"\bon[a-z]+{_SPACE}*=", re.IGNORECASE | re.ASCII)
_STYLE_ATTRIBUTE = re.compile(rf"\bstyle{_SPACE}*=", re.IGNORECASE | re.ASCII)
_BAD_URL = re.compile(rf"(?:\]\({_SPACE}*<?|\b(?:href|src|action|formaction|xlink:href){_SPACE}*={_SPACE}*[\"']?{_SPACE}*)"
                      r"((?:java|vb)script:|data:)", re.IGNORECASE | re.ASCII)
_ANGLE_URL = re.compile(r"<((?:java|vb)script:|data:)", re.IGNORECASE | re.ASCII)
_FENCE = re.compile(r"^(```|~~~)", re.ASCII)


class MarkdownRenderer:
    """Markdown → safe HTML: cmark-gfm (GitHub's C CommonMark, via cmarkgfm), then nh3.

    GitHub's preview of a profile is what the site shows. Raw HTML is passed on to nh3 (cmark's
    UNSAFE option) rather than dropped, so the allowed inline tags keep working; nh3 is the guarantee.
    It replaced Python-Markdown (tables, sane_lists, fenced_code) for speed (about 9× faster with nh3
    included) after rendering the sample content and the benchmark corpus identically (tests/test_markup_engine.py).
    """

    _OPTIONS = Options.CMARK_OPT_UNSAFE
    _EXTENSIONS = ["table"]

    def render(self, text: str) -> str:
        html = cmarkgfm.markdown_to_html_with_extensions(text, options=self._OPTIONS, extensions=self._EXTENSIONS)
        return typographic_quotes_html(sanitize(html).rstrip("\n"))


_HTML_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
# Printed as written: code keeps its straight quotes.
_VERBATIM = frozenset({"code", "pre", "kbd", "samp"})
# Inside a sentence: a quote after one of these still follows the text before it ("<em>x</em>" closes).
_INLINE = frozenset({"a", "abbr", "b", "code", "del", "em", "i", "kbd", "mark", "s", "samp", "small", "strong", "sub",
                     "sup", "u"})


def typographic_quotes_html(markup: str) -> str:
    """Straight double quotes in the text of sanitized HTML as “…” (text.typographic_quotes); tags and
    their attributes (URLs, titles) and code are left as they are. The rendering's one place for
    Markdown; the layouts' values get the same through the template environment (render.py)."""
    if '"' not in markup and "&quot;" not in markup:
        return markup
    parts = _HTML_TAG.split(markup)
    verbatim = 0
    before = ""
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = _TAG_NAME.match(part)
            tag = name.group(1).lower() if name else ""
            if tag in _VERBATIM:
                verbatim = max(0, verbatim + (-1 if part.startswith("</") else 1))
            if tag not in _INLINE:
                before = ""  # a new block: a quote at its start opens
            continue
        if not part:
            continue
        if not verbatim and ('"' in part or "&quot;" in part):
            part = parts[index] = typographic_quotes(part.replace("&quot;", '"'), before)
        before = html.unescape(part[-8:])[-1:] if "&" in part[-8:] else part[-1]
    return "".join(parts)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL | re.ASCII)
_REFERENCE = re.compile(rf"^ {{0,3}}\[[^\]]+\]:{_SPACE}*<?{_SPACE}*((?:java|vb)script:|data:)", re.IGNORECASE | re.ASCII)
_INVISIBLE_IN_URL = re.compile(r"[\t\n\r\x00-\x1f]", re.ASCII)  # browsers drop these inside a URL: `java\tscript:`


def _mask_code(body: str) -> str:
    """The body with fenced code blocks and `code spans` blanked (same length and lines): Markdown prints
    them as text, so `<script>` written there to explain something is harmless and not reported."""
    lines = body.split("\n")
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line.lstrip()):
            in_fence = not in_fence
            lines[index] = " " * len(line)
        elif in_fence:
            lines[index] = " " * len(line)
    masked = "\n".join(lines)
    return _CODE_SPAN.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), masked)


_NEWLINE = re.compile("\n")
# What any finding below needs somewhere in the text: a "<" (a tag, <javascript:…>), a `script:` or
# `data:` URL written out, or what can hide one (an entity, a control character dropped inside a URL).
# Most profiles have none of them and skip the line-by-line scan (half of reading a profile).
_MAY_BE_UNSAFE = re.compile(r"[<&\x00-\x09\x0b-\x1f]|script|data", re.IGNORECASE | re.ASCII)


def scan_unsafe(body: str, first_line: int) -> list[tuple[str, int, int, int, dict]]:
    """(code, line, column, length, args) for each unsafe construct in a Markdown body."""
    if not _MAY_BE_UNSAFE.search(body):
        return []
    findings = []
    masked = _mask_code(body)
    for offset, line in enumerate(masked.split("\n")):
        number = first_line + offset
        # `jav&#x61;script:` is still javascript: to a browser (unescape and the scan skipped when they cannot matter)
        decoded = _INVISIBLE_IN_URL.sub("", html.unescape(line)) if "&" in line or _INVISIBLE_IN_URL.search(line) else line
        direct = [*_BAD_URL.finditer(line), *_ANGLE_URL.finditer(line), *_REFERENCE.finditer(line)]
        if decoded != line and not direct:
            for match in (*_BAD_URL.finditer(decoded), *_ANGLE_URL.finditer(decoded), *_REFERENCE.finditer(decoded)):
                scheme = match.group(1).lower()
                what = fragment("unsafe.hidden_link", scheme=scheme)
                findings.append(("E022", number, 1, len(line) or 1, {"what": what}))
        for match in direct:
            scheme = match.group(1).lower()
            findings.append(("E022", number, match.start(1) + 1, len(scheme), {"what": fragment("unsafe.link", scheme=scheme)}))
    # Tags are matched on the whole body: `<img src=x` and `onerror=…>` may sit on two lines.
    starts = [0, *(match.end() for match in _NEWLINE.finditer(masked))]
    for match in _TAG.finditer(masked):
        closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if attributes.startswith(":") or "@" in attributes:
            continue  # a Markdown autolink such as <https://…> or <ten@co-quan.gov.vn>
        line_index = _line_of(starts, match.start())
        number, column = first_line + line_index, match.start() - starts[line_index] + 1
        length = len(match.group(0).split("\n")[0])
        if tag in DANGEROUS_TAGS:
            if not closing:
                findings.append(("E022", number, column, length, {"what": fragment("unsafe.tag", tag=tag)}))
            continue
        hidden_url = "\n" in match.group(0) and _BAD_URL.search(_INVISIBLE_IN_URL.sub("", html.unescape(attributes)))
        event = _EVENT_ATTRIBUTE.search(attributes)
        if hidden_url:  # `href="java` and `script:…"` on two lines: one URL to a browser
            findings.append(("E022", number, column, length, {"what": fragment("unsafe.link", scheme=hidden_url.group(1).lower())}))
        elif event:
            name = event.group(0).rstrip("= ").lower()
            findings.append(("E022", number, column, length, {"what": fragment("unsafe.event", name=name)}))
        elif not closing and (tag not in ALLOWED_TAGS or _STYLE_ATTRIBUTE.search(attributes)):
            findings.append(("W003", number, column, length, {"tag": tag}))
    return sorted(findings, key=lambda item: (item[1], item[2]))


def _line_of(starts: list[int], position: int) -> int:
    return bisect.bisect_right(starts, position) - 1


_SCRIPT_TEXT = re.compile(rf"^{_SPACE}*(?:java|vb)script:", re.IGNORECASE | re.ASCII)

# What the form's script needs to run the same scan (showcase/site/cms.py puts it in rules.json).
SCAN_PATTERNS = {
    "tag": _TAG, "event_attribute": _EVENT_ATTRIBUTE, "style_attribute": _STYLE_ATTRIBUTE, "bad_url": _BAD_URL,
    "angle_url": _ANGLE_URL, "fence": _FENCE, "code_span": _CODE_SPAN, "reference": _REFERENCE,
    "invisible_in_url": _INVISIBLE_IN_URL, "may_be_unsafe": _MAY_BE_UNSAFE, "script_text": _SCRIPT_TEXT,
}


def unsafe_in_text(value: str) -> dict | None:
    """What makes a plain front-matter text unsafe (a tag, an event handler, a script URL), or None."""
    for code, _line, _column, _length, args in scan_unsafe(value, 1):
        if code == "E022":
            return args["what"]
    if _SCRIPT_TEXT.search(html.unescape(value)):
        return fragment("unsafe.link", scheme="javascript:")
    return None
