"""Render pages with the Jinja2 layouts, and fingerprint the static assets.

Input: pages from the model and the layouts/static folders. Output: a mapping of
output path → bytes. Nothing is written to disk here.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import jinja2
from markupsafe import Markup

from .model import Page
from .parallel import parallel_map


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
    environment.globals["card_html"] = _card_renderer(environment)
    environment.filters["number"] = lambda value: f"{value:,}".replace(",", ".")
    return environment


def _card_renderer(environment: jinja2.Environment):
    """`card_html(card, heading)`: `partials/card.html` rendered once per card and heading level, however
    many listings and related-profile asides show it (each profile's card is on five listings or more
    and on eight profile pages). The card dicts are shared by all pages of a build, so their identity
    is the key; each is kept alive with its HTML, so an identity is never reused within the build."""
    rendered: dict[tuple[int, str], tuple[dict, Markup]] = {}

    def card_html(card: dict, heading: str = "h3") -> Markup:
        key = (id(card), heading)
        found = rendered.get(key)
        if found is None:
            html = Markup(environment.get_template("partials/card.html").render(card=card, card_heading=heading))
            found = rendered[key] = (card, html)
        return found[1]

    return card_html


RENDER_SPAN = 40  # pages per task sent to a worker
RENDER_PARALLEL_MIN = 25  # tasks (1,000 pages) below which rendering stays in this process


def _render_state(pages: list[Page], environment: jinja2.Environment) -> tuple:
    return pages, environment


def _render_span(state: tuple, span: tuple[int, int]) -> list[bytes]:
    pages, environment = state
    return [environment.get_template(page.template).render(page=page, **page.context).encode("utf-8")
            for page in pages[span[0]:span[1]]]


def render_key(page: Page, environment_key: str) -> str:
    """What a page's bytes depend on: the environment (templates, assets, code) and its own template,
    path and context. The context is pickled whole: same bytes, same page (contexts are built the same
    way on every run, so equal inputs pickle equally, whatever the hash seed; tested)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{environment_key}\0{page.template}\0{page.output_path}\0".encode())
    digest.update(pickle.dumps(page.context, protocol=5))
    return digest.hexdigest()


def render_pages(pages: list[Page], environment: jinja2.Environment, jobs: int | None = None) -> dict[str, bytes]:
    """Every page rendered; on a large site across the cores (forked workers inherit the pages and
    the compiled templates, and send back bytes), in the pages' order, so the output never depends on it."""
    spans = [(start, min(start + RENDER_SPAN, len(pages))) for start in range(0, len(pages), RENDER_SPAN)]
    rendered = parallel_map(_render_span, spans, _render_state, (pages, environment), jobs=jobs, threshold=RENDER_PARALLEL_MIN)
    return {page.output_path: data for page, data in zip(pages, (item for chunk in rendered for item in chunk), strict=True)}
