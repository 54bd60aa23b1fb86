"""The site about to be published: output path → bytes, in the order a cold build makes them.

A "kept" file is one whose render key (templates + the page's whole context) is the same as when
the published copy was made, and whose published copy nobody touched: it has the same bytes, so it
is neither rendered nor read. Its bytes are read from the published folder only if a later stage
asks for them (a link that no longer resolves, a search shard to index again); publishing
hard-links it. A "spooled" file is a page the render worker wrote to the build's spool folder instead
of sending it back (rendering.SPOOL_MIN): read when asked, hard-linked into the new tree when published.
Everything else behaves as a plain mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path


class OutputFiles(Mapping[str, bytes]):
    def __init__(self, published_dir: Path | None = None, files: Mapping[str, bytes] | None = None) -> None:
        self._published_dir = published_dir
        self._entries: dict[str, bytes | Path | None] = {}  # None: kept; a Path: spooled
        self._known_keys: dict[str, str] = {}  # path → content key, where known without hashing here
        self.render_keys: dict[str, str] = {}  # path → the render key of the page that made it
        self.link_scans: dict[str, tuple] = {}  # path → linkcheck.distinct_targets of a page, made where it was rendered
        self.search_parts: dict[str, str | None] = {}  # path → search.indexed_part of a page, made where it was rendered
        # cache.file_signatures of the published folder when the pages to keep were chosen: publishing
        # compares with the same listing instead of making another (0.5 s at 24,000 files).
        self.published_signatures: dict[str, tuple | None] | None = None
        if files:
            self.update(files)

    def __setitem__(self, path: str, data: bytes) -> None:
        self.add(path, data)

    def add(self, path: str, data: bytes | Path, content_key: str | None = None) -> None:
        """`data`: the bytes, or the scratch file holding them; `content_key`: cache.content_key of them."""
        self._entries[path] = data
        self.link_scans.pop(path, None)  # made for other bytes
        self.search_parts.pop(path, None)
        if content_key is None:
            self._known_keys.pop(path, None)
        else:
            self._known_keys[path] = content_key

    def update(self, files: Mapping[str, bytes]) -> None:
        if isinstance(files, OutputFiles):  # spooled and kept entries stay so, with the keys known
            for path, data in files._entries.items():
                if data is None:
                    self.keep(path, files._known_keys[path])
                else:
                    self.add(path, data, files._known_keys.get(path))
            return
        for path in files:
            self[path] = files[path]

    def keep(self, path: str, content_key: str) -> None:
        """`path` is the published file, unchanged, whose bytes hash to `content_key`."""
        if self._published_dir is None:
            raise ValueError("no published folder to keep files from")
        self._entries[path] = None
        self._known_keys[path] = content_key

    def known_key(self, path: str) -> str | None:
        return self._known_keys.get(path)

    @property
    def kept(self) -> dict[str, str]:
        return {path: self._known_keys[path] for path, data in self._entries.items() if data is None}

    def source_file(self, path: str) -> Path | None:
        """Where the bytes already are on disk (the published copy, a spooled page), if anywhere."""
        data = self._entries[path]
        if data is None:
            return self._published_dir / path
        return data if isinstance(data, Path) else None

    def spooled_file(self, path: str) -> Path | None:
        """The spool file holding a rendered page, if the page is one."""
        data = self._entries[path]
        return data if isinstance(data, Path) else None

    def only(self, paths: Iterable[str]) -> Mapping[str, bytes]:
        """A view of some of the files, read one at a time when asked (not all held at once)."""
        return _View(self, list(paths))

    def __getitem__(self, path: str) -> bytes:
        data = self._entries[path]
        if data is None or isinstance(data, Path):
            return self.source_file(path).read_bytes()
        return data

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


class _View(Mapping[str, bytes]):
    def __init__(self, files: OutputFiles, paths: list[str]) -> None:
        self._files, self._paths = files, dict.fromkeys(paths)

    def __getitem__(self, path: str) -> bytes:
        if path not in self._paths:
            raise KeyError(path)
        return self._files[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)
