"""The W3C Nu HTML Checker (vnu.jar) over every HTML page of the built site, in one run."""

from __future__ import annotations

import json
import subprocess


def test_every_page_is_valid_html(built_site, vnu_jar):
    pages = sorted(str(path) for path in built_site.rglob("*.html"))
    assert pages
    run = subprocess.run(["java", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *pages],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    errors = [f"{message.get('url', '').rsplit('/', 3)[-3:]}:{message.get('lastLine')}: {message.get('message')}"
              for message in report["messages"] if message.get("type") in ("error", "non-document-error")]
    assert errors == []
    assert run.returncode == 0
