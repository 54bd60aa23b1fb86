"""The site about to be published: output path → bytes, in the order a cold build makes them.

A "kept" file is one whose render key (templates + the page's whole context) is the same as when
the published copy was made, and whose published copy nobody touched: it has the same bytes, so it
is neither rendered nor read. Its bytes are read from the published folder only if a later stage
asks for them (a link that no longer resolves, a search shard to index again); publishing
hard-links it. Everything else behaves as a plain mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path


class OutputFiles(Mapping[str, bytes]):
    def __init__(self, published_dir: Path | None = None, files: Mapping[str, bytes] | None = None) -> None:
        self._published_dir = published_dir
        self._entries: dict[str, bytes | None] = {}  # None: kept, see `_kept_keys`
        self._kept_keys: dict[str, str] = {}
        self.render_keys: dict[str, str] = {}  # path → the render key of the page that made it
        self.link_scans: dict[str, list] = {}  # path → linkcheck.page_targets of a page, made where it was rendered
        if files:
            self.update(files)

    def __setitem__(self, path: str, data: bytes) -> None:
        self._entries[path] = data
        self._kept_keys.pop(path, None)
        self.link_scans.pop(path, None)  # made for other bytes

    def update(self, files: Mapping[str, bytes]) -> None:
        for path in files:
            self[path] = files[path]

    def keep(self, path: str, content_key: str) -> None:
        """`path` is the published file, unchanged, whose bytes hash to `content_key`."""
        if self._published_dir is None:
            raise ValueError("no published folder to keep files from")
        self._entries[path] = None
        self._kept_keys[path] = content_key

    def kept_key(self, path: str) -> str | None:
        return self._kept_keys.get(path)

    @property
    def kept(self) -> dict[str, str]:
        return dict(self._kept_keys)

    def __getitem__(self, path: str) -> bytes:
        data = self._entries[path]
        if data is None:
            return (self._published_dir / path).read_bytes()
        return data

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
