"""Read a Pagefind bundle's content for tests: its files are gzip ("pagefind_dcd" + CBOR, or JSON for fragments),
and the order of filters and the names of filter and metadata files change from run to run (upstream
Pagefind/pagefind#638), so two bundles are compared by `meaning`, not by bytes."""

from __future__ import annotations

import gzip
import json
import struct

SIGNATURE = b"pagefind_dcd"


def cbor(data: bytes) -> object:
    """A minimal CBOR (RFC 8949) reader, enough for Pagefind's files: no indefinite lengths."""
    def item(i: int) -> tuple[object, int]:
        major, info = data[i] >> 5, data[i] & 31
        i += 1
        if info < 24:
            value = info
        elif info <= 27:
            size = 1 << (info - 24)
            raw, i = data[i:i + size], i + size
            if major == 7 and size > 1:
                return struct.unpack({2: ">e", 4: ">f", 8: ">d"}[size], raw)[0], i
            value = int.from_bytes(raw, "big")
        else:
            raise ValueError(f"unsupported CBOR item at byte {i - 1}")
        if major == 0:
            return value, i
        if major == 1:
            return -1 - value, i
        if major in (2, 3):
            raw = data[i:i + value]
            return (raw.decode("utf-8") if major == 3 else bytes(raw)), i + value
        if major in (4, 5):
            items = []
            for _ in range(value * (2 if major == 5 else 1)):
                element, i = item(i)
                items.append(element)
            return (items if major == 4 else list(zip(items[::2], items[1::2], strict=True))), i
        if major == 6:
            return item(i)
        return {20: False, 21: True, 22: None}.get(value, value), i

    return item(0)[0]


def load(raw: bytes) -> object:
    data = gzip.decompress(raw)
    assert data.startswith(SIGNATURE), data[:20]
    return cbor(data[len(SIGNATURE):])


def meaning(bundle: dict[str, bytes]) -> dict:
    """What a bundle says (pages, words, filters, fragments), whatever the order Pagefind wrote it in."""
    meta = load(next(data for name, data in bundle.items() if name.endswith(".pf_meta")))
    filters = {}
    for name, data in bundle.items():
        if name.startswith("filter/"):
            key, values = load(data)
            filters[key] = sorted((value, tuple(pages)) for value, pages in values)
    return {
        "pages": meta[1], "chunks": meta[2], "sorts": meta[4], "filters": filters, "page_count": page_count(bundle),
        "fragments": {name: gzip.decompress(data) for name, data in bundle.items() if name.startswith("fragment/")},
        "index": {name: gzip.decompress(data) for name, data in bundle.items() if name.startswith("index/")},
    }


def page_count(bundle: dict[str, bytes]) -> int:
    entry = json.loads(bundle["pagefind-entry.json"])
    return sum(language["page_count"] for language in entry["languages"].values())
