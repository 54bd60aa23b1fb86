"""Where the anchors of a page printed by Chromium fall in its PDF: anchor → page number.

The yearbook's table of contents gives each exemplar's page. Chromium prints no `target-counter()`
(CSS paged media), so the yearbook is printed twice: the first PDF tells on which page each exemplar
begins, the second carries those numbers (showcase/dashboard_cli.py). Chromium's PDF (Skia) names
every linked anchor in the catalog's `/Dests` dictionary, `/anchor [page-object 0 R /XYZ …]`, and
writes the page tree and that dictionary as plain text objects; this reads just those, with no PDF
library. Anything it cannot read gives an empty mapping (the yearbook is then printed without page
numbers in its table of contents), never an exception.
"""

from __future__ import annotations

import re

_OBJECT = re.compile(rb"(?<![0-9])(\d+) 0 obj\b")
_REFERENCE = rb"(\d+) 0 R"
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _objects(data: bytes) -> dict[int, bytes]:
    """Object number → its text up to `stream` or `endobj` (a stream's data is never needed here)."""
    objects = {}
    for match in _OBJECT.finditer(data):
        end = data.find(b"endobj", match.end())
        body = data[match.end():end if end >= 0 else len(data)]
        stream = body.find(b"stream")
        objects[int(match.group(1))] = body[:stream] if stream >= 0 else body
    return objects


def _pages_in_order(objects: dict[int, bytes], node: int, seen: set[int]) -> list[int]:
    if node in seen or node not in objects:
        return []
    seen.add(node)
    body = objects[node]
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
    if kids is None:
        return [node] if re.search(rb"/Type\s*/Page\b", body) else []
    return [page for kid in re.findall(_REFERENCE, kids.group(1)) for page in _pages_in_order(objects, int(kid), seen)]


def destination_pages(data: bytes) -> dict[str, int]:
    """Anchor (HTML id) → the 1-based number of the page it is printed on, for the anchors Chromium named."""
    try:
        objects = _objects(data)
        catalog = next((body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", body)), None)
        if catalog is None:
            return {}
        pages_root = re.search(rb"/Pages\s+" + _REFERENCE, catalog)
        pages = _pages_in_order(objects, int(pages_root.group(1)), set()) if pages_root else []
        number_of = {page: index + 1 for index, page in enumerate(pages)}
        dests = re.search(rb"/Dests\s+" + _REFERENCE, catalog)
        table = objects.get(int(dests.group(1)), b"") if dests else b""
        found = {}
        for name, page in re.findall(rb"/([^\s/\[\]()<>{}%]+)\s*\[\s*" + _REFERENCE, table):
            if int(page) in number_of:
                anchor = _NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), name).decode("utf-8", "replace")
                found[anchor] = number_of[int(page)]
        return found
    except (ValueError, AttributeError, RecursionError):
        return {}
