#!/usr/bin/env python3
"""How soon an editor sees a saved profile in `build.py serve`: save → reload message → page with the change.

    python bench/generate.py --count 10000 --out /tmp/corpus-10000
    python bench/serve_latency.py --project . --content /tmp/corpus-10000

Starts the preview server as an editor does, connects to its live-reload socket as livereload.js
does (hello, then info with the page's URL), then `runs` times: appends a sentence to one profile,
and measures until the reload message arrives, until the profile's page is served with the sentence
(what the reloading browser fetches), and until the full build behind it has ended (its own reload
message). Used by bench/run.py; the medians go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _measure(base: str, page_url: str, profile: Path, runs: int, settle: float) -> list[tuple[float, float, float]]:
    from tornado.websocket import websocket_connect

    socket_ = await websocket_connect(base.replace("http://", "ws://") + "/livereload")
    await socket_.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await socket_.read_message()
    await socket_.write_message(json.dumps({"command": "info", "url": base + page_url}))
    await asyncio.sleep(settle)  # the model for the fast path may still be loading after the first build

    async def next_reload(timeout: float) -> float:
        while True:
            message = await asyncio.wait_for(socket_.read_message(), timeout)
            if message is None:
                raise RuntimeError("the server closed the live-reload socket")
            if json.loads(message).get("command") == "reload":
                return time.perf_counter()

    samples = []
    for run in range(runs):
        sentence = f"Câu đo thời gian xem trước số {run + 1} {time.time_ns()}."
        with profile.open("a", encoding="utf-8") as handle:
            handle.write(f"\n{sentence}\n")
        saved = time.perf_counter()
        reloaded = await next_reload(600)
        while True:
            with urllib.request.urlopen(base + page_url, timeout=60) as response:  # noqa: S310 - loopback
                if sentence in response.read().decode("utf-8"):
                    break
            await asyncio.sleep(0.005)
        shown = time.perf_counter()
        # The full build behind the fast answer ends with one more reload; wait for it before the next save.
        rebuilt = await next_reload(600) if reloaded - saved < 5 else reloaded
        samples.append((reloaded - saved, shown - saved, rebuilt - saved))
        await asyncio.sleep(0.5)
    socket_.close()
    return samples


def serve_latency(python: str, project: Path, content: Path, out: Path, runs: int = 5,
                  settle: float = 5.0) -> dict[str, float]:
    """Medians in seconds: reload (save → reload message), page (save → page served with the change),
    full (save → the full build's reload)."""
    port = _free_port()
    process = subprocess.Popen([python, str(project / "build.py"), "serve", "--content", str(content), "--out", str(out),
                                "--port", str(port)], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.extend(re.findall(r"http://127\.0\.0\.1:\d+(/\S*)", process.stdout.readline())),
                                  daemon=True)
        reader.start()
        reader.join(timeout=1800)
        if not found:
            raise RuntimeError("the preview server did not start")
        prefix = found[0]
        profile = sorted((content / "ho-so").rglob("*.md"))[len(list((content / "ho-so").rglob("*.md"))) // 3]
        page_url = f"{prefix}ho-so/{profile.stem}/"
        samples = asyncio.run(_measure(f"http://127.0.0.1:{port}", page_url, profile, runs, settle))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return {name: statistics.median(sample[index] for sample in samples) for index, name in enumerate(("reload", "page", "full"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, required=True, help="a project folder (build.py, layouts/, data/, …)")
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="serve-latency-")) / "public"
    result = serve_latency(sys.executable, args.project.resolve(), args.content.resolve(), out.resolve(), args.runs)
    print(", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
