"""Preview server: build with drafts, then serve the output folder on loopback."""

from __future__ import annotations

import functools
import http.server
import sys

from . import pipeline
from .diagnostics import format_text


def serve(args, project) -> int:
    result, _ = pipeline.build(args.content, args.out, project, include_drafts=True)
    if result.diagnostics:
        sys.stderr.write(format_text(result.diagnostics, args.lang))
    if result.errors:
        return 1
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.out))
    with http.server.ThreadingHTTPServer((args.host, args.port), handler) as server:
        print(f"Xem trước tại: http://{args.host}:{args.port}{project.site.prefix}  (Ctrl+C để dừng)", flush=True)
        server.serve_forever()
    return 0
