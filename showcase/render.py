"""Render pages with the Jinja2 layouts, and fingerprint the static assets.

Input: pages from the model and the layouts/static folders. Output: a mapping of
output path → bytes. Nothing is written to disk here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from .model import Page


def fingerprint_assets(static_dir: Path, prefix: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """`css/site.css` → `/prefix/assets/css/site.1a2b3c4d.css`, so the files can be cached forever."""
    urls: dict[str, str] = {}
    files: dict[str, bytes] = {}
    if not static_dir.is_dir():
        return urls, files
    for path in sorted(static_dir.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        data = path.read_bytes()
        relative = path.relative_to(static_dir).as_posix()
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, suffix = relative.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot else f"{relative}.{digest}"
        output = f"{prefix.lstrip('/')}assets/{hashed}"
        urls[relative] = "/" + output
        files[output] = data
    return urls, files


def make_environment(layouts_dir: Path, asset_urls: dict[str, str]) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(layouts_dir)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def asset(relative: str) -> str:
        if relative not in asset_urls:
            raise jinja2.TemplateRuntimeError(f"static file not found: {relative}")
        return asset_urls[relative]

    environment.globals["asset"] = asset
    environment.filters["number"] = lambda value: f"{value:,}".replace(",", ".")
    return environment


def render_pages(pages: list[Page], environment: jinja2.Environment) -> dict[str, bytes]:
    output: dict[str, bytes] = {}
    for page in pages:
        template = environment.get_template(page.template)
        html = template.render(page=page, **page.context)
        output[page.output_path] = html.encode("utf-8")
    return output
