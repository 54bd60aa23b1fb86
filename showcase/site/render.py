"""Render pages with the Jinja2 layouts, and fingerprint the static assets.

Input: pages from the model and the layouts/static folders. Output: a page's HTML (`render_page`),
the environment that renders it, the assets' fingerprinted URLs. Which pages are rendered, where
and in which process (cache, workers, spool) is the engine's business (showcase/engine/rendering.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import jinja2
from jinja2 import meta
from markupsafe import Markup

from showcase.common.text import typographic_quotes
from showcase.site.model import Page, Shared


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


class DataEnvironment(jinja2.Environment):
    """Jinja2 with `item.name` read as `item["name"]` first when `item` is a dict, as page contexts are.
    Jinja2 tries the attribute first, and a dict has no attribute `name`: the failed lookup was ≈ 30 %
    of rendering a profile page or a listing and half of a milestone review's table (same bytes,
    compared on every page of a 10,000-profile site). A key named like a dict method (`items`,
    `get`) now gives the key, which is what a template means by it; `site.extra.get(...)` still
    finds the method when the dict has no such key."""

    def getattr(self, obj, attribute):
        if type(obj) is dict or type(obj) is Shared:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def typographic_text(value):
    """Every value a layout prints, on its way out: text gets typographic quotes (text.typographic_quotes),
    whatever the layout; HTML already made (Markup: Markdown, cards, JSON-LD) is left alone."""
    if type(value) is str and '"' in value:
        return typographic_quotes(value)
    return value


def make_environment(layouts_dir: Path, asset_urls: dict[str, str]) -> jinja2.Environment:
    environment = DataEnvironment(
        finalize=typographic_text,
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
    environment.globals["card_html"] = _rendered_once(environment, "partials/card.html", "card")
    environment.globals["yearbook_entry_html"] = _rendered_once(environment, "partials/yearbook-entry.html", "item")
    environment.filters["number"] = lambda value: f"{value:,}".replace(",", ".")
    return environment


def templates_holding(environment: jinja2.Environment, marker: str, names: Iterable[str]) -> set[str]:
    """The templates among `names` whose source, or that of a template they extend, include or import,
    holds `marker` (e.g. the search's `data-pagefind-body`)."""
    sources: dict[str, tuple[str, list[str]]] = {}

    def load(name: str) -> tuple[str, list[str]]:
        if name not in sources:
            source, filename, _ = environment.loader.get_source(environment, name)
            parsed = environment.parse(source, name, filename)  # a syntax error names the layout and its line
            sources[name] = (source, [item for item in meta.find_referenced_templates(parsed) if item])
        return sources[name]

    def holds(name: str, seen: frozenset = frozenset()) -> bool:
        source, referenced = load(name)
        return marker in source or any(holds(other, seen | {name}) for other in referenced if other not in seen)

    return {name for name in set(names) if holds(name)}


def _rendered_once(environment: jinja2.Environment, template: str, name: str):
    """A template global rendering `template` with `name` = the item, once per item and options however
    many pages show it: a profile's card is on five listings or more and on eight profile pages, its
    yearbook entry in its year's yearbook and in every milestone's that covers the year. The items
    are shared by all pages of a build, so their identity is the key; each is kept alive with its
    HTML, so an identity is never reused within the build."""
    rendered: dict[tuple, tuple[dict, Markup]] = {}

    def render(item: dict, **options: str) -> Markup:
        key = (id(item), *sorted(options.items()))
        found = rendered.get(key)
        if found is None:
            html = Markup(environment.get_template(template).render({name: item, **options}))
            found = rendered[key] = (item, html)
        return found[1]

    return render


def render_page(page: Page, environment: jinja2.Environment) -> str:
    """The page's HTML: its template with its context."""
    return environment.get_template(page.template).render(page=page, **page.context)
