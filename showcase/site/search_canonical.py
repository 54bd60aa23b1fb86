"""A Pagefind bundle made byte-stable: the same pages give the same files, run after run.

Pagefind writes its filters in hash-map order (upstream Pagefind/pagefind#638): the order of the
values inside each `filter/*.pf_filter`, and of the filters listed in `pagefind.*.pf_meta`, changes
from one run to the next, and with them the files' hashes, which are their names and which
`pf_meta` and `pagefind-entry.json` refer to. Two cold builds of the same content then differ.

Here the bundle's files are put in one order and named after what they hold: each filter's values
sorted, the meta's filter list sorted by name, filter and meta files renamed from a hash of their
new content (in Pagefind's own form, `<language>_<hex>`), and the references updated. Only the order
changes, never a value, so Pagefind's search reads the same index (the search tests run on it).

Files are gzip ("pagefind_dcd" + CBOR). The CBOR is taken apart into byte spans and put back
together, so every item keeps the bytes Pagefind wrote; only a renamed hash is encoded anew.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
_META = re.compile(r"^pagefind\.(?P<hash>[^/]+)\.pf_meta$")
_FILTER = re.compile(r"^filter/(?P<hash>[^/]+)\.pf_filter$")
_BYTES, _TEXT, _ARRAY, _MAP, _TAG = 2, 3, 4, 5, 6


class Item:
    """A CBOR item as the bytes it was written with: `head` (its initial bytes), and its `items` (an
    array's elements, a map's keys and values in turn, a tag's content) or, for anything else, no items
    and the whole encoding in `head`."""

    def __init__(self, major: int, head: bytes, items: list[Item] | None = None):
        self.major, self.head, self.items = major, head, items

    def encode(self) -> bytes:
        return self.head + b"".join(item.encode() for item in self.items or ())

    def text(self) -> str | None:
        return decode(self.encode()) if self.major == _TEXT else None


def _argument(data: bytes, i: int) -> tuple[int, int]:
    """(the argument of the item at `i`: a length, a count or a value; the index after its head)."""
    info = data[i] & 31
    if info < 24:
        return info, i + 1
    if info <= 27:
        size = 1 << (info - 24)
        return int.from_bytes(data[i + 1:i + 1 + size], "big"), i + 1 + size
    raise ValueError(f"CBOR item of indefinite length at byte {i}")


def parse(data: bytes, i: int = 0) -> tuple[Item, int]:
    """The item starting at byte `i`, and the index just after it."""
    major = data[i] >> 5
    value, after = _argument(data, i)
    if major in (_ARRAY, _MAP, _TAG):
        count = 1 if major == _TAG else value * (2 if major == _MAP else 1)
        items, position = [], after
        for _ in range(count):
            item, position = parse(data, position)
            items.append(item)
        return Item(major, data[i:after], items), position
    end = after + value if major in (_BYTES, _TEXT) else after  # numbers, floats, simple values: all in the head
    return Item(major, data[i:end]), end


def text_item(text: str) -> Item:
    """A text string, encoded as CBOR requires (the shortest length form)."""
    raw = text.encode("utf-8")
    size = len(raw)
    if size < 24:
        return Item(_TEXT, bytes([(_TEXT << 5) | size]) + raw)
    width = next(index for index, bytes_ in enumerate((1, 2, 4, 8)) if size < 1 << (8 * bytes_))
    return Item(_TEXT, bytes([(_TEXT << 5) | (24 + width)]) + size.to_bytes(1 << width, "big") + raw)


def decode(encoded_text: bytes) -> str:
    _, after = _argument(encoded_text, 0)
    return encoded_text[after:].decode("utf-8")


def _by_first_element(item: Item) -> Item:
    """An array of arrays (or a map) in the order of their first elements' (keys') bytes."""
    if item.major == _MAP:
        groups = [item.items[index:index + 2] for index in range(0, len(item.items), 2)]
    else:
        groups = [[element] for element in item.items]

    def key(group: list[Item]) -> bytes:
        first = group[0]
        return (first.items[0] if first.major == _ARRAY and first.items else first).encode()

    return Item(item.major, item.head, [element for group in sorted(groups, key=key) for element in group])


def _load(raw: bytes) -> Item:
    data = gzip.decompress(raw)
    if not data.startswith(SIGNATURE):
        raise ValueError("not a Pagefind data file")
    item, end = parse(data, len(SIGNATURE))
    if end != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return item


def _dump(item: Item) -> tuple[bytes, str]:
    """(the file's bytes, the hex digest of its content)."""
    content = SIGNATURE + item.encode()
    return gzip.compress(content, compresslevel=9, mtime=0), hashlib.sha256(content).hexdigest()


def _renamed(old: str, digest: str) -> str:
    """A new name in the form of the old one: `vi_7a2526f` → `vi_` + as many hex digits of `digest`."""
    language, _, digits = old.rpartition("_")
    return f"{language}_{digest[:len(digits)]}" if language else digest[:len(old)]


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle (path in the bundle → bytes) with its filters in one order and its files named by content.
    Raises ValueError if a filter or meta file is not in the form described above."""
    if ENTRY not in files:
        return files
    result = {path: data for path, data in files.items() if not (_META.match(path) or _FILTER.match(path))}
    renamed: dict[str, str] = {}  # filter file hash → new
    for path, data in files.items():
        if found := _FILTER.match(path):
            root = _load(data)  # [filter name, [[value, [page numbers]], ...]]
            if root.major == _ARRAY and len(root.items) == 2 and root.items[1].major in (_ARRAY, _MAP):
                root = Item(root.major, root.head, [root.items[0], _by_first_element(root.items[1])])
            content, digest = _dump(root)
            renamed[found["hash"]] = _renamed(found["hash"], digest)
            result[f"filter/{renamed[found['hash']]}.pf_filter"] = content
    entry = json.loads(files[ENTRY])
    metas: dict[str, str] = {}  # meta file hash → new
    for path, data in files.items():
        if found := _META.match(path):
            root = _load(data)  # [version, pages, index chunks, [[filter name, filter file hash], ...], sorts, ...]
            if root.major == _ARRAY and len(root.items) > 3 and root.items[3].major == _ARRAY:
                listed = [Item(item.major, item.head, [item.items[0], text_item(renamed[item.items[1].text()])])
                          if item.major == _ARRAY and len(item.items) == 2 and item.items[1].text() in renamed else item
                          for item in root.items[3].items]
                filters = _by_first_element(Item(_ARRAY, root.items[3].head, listed))
                root = Item(root.major, root.head, [*root.items[:3], filters, *root.items[4:]])
            content, digest = _dump(root)
            metas[found["hash"]] = _renamed(found["hash"], digest)
            result[f"pagefind.{metas[found['hash']]}.pf_meta"] = content
    for language in entry.get("languages", {}).values():
        if language.get("hash") in metas:
            language["hash"] = metas[language["hash"]]
    result[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return dict(sorted(result.items()))
