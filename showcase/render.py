"""Render pages with the Jinja2 layouts, and fingerprint the static assets.

Input: pages from the model and the layouts/static folders. Output: a mapping of
output path → bytes. Nothing is written to disk here.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

import jinja2
from markupsafe import Markup

from .linkcheck import page_targets
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
    environment.globals["card_html"] = _rendered_once(environment, "partials/card.html", "card")
    environment.globals["yearbook_entry_html"] = _rendered_once(environment, "partials/yearbook-entry.html", "item")
    environment.filters["number"] = lambda value: f"{value:,}".replace(",", ".")
    return environment


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


RENDER_SPAN = 40  # pages per task sent to a worker
RENDER_PARALLEL_MIN = 25  # tasks (1,000 pages) below which rendering stays in this process


def _render_state(pages: list[Page], environment: jinja2.Environment, environment_key: str,
                  reusable: Callable[[str, str], bool], prefix: str) -> tuple:
    return pages, environment, environment_key, reusable, prefix


def _render_span(state: tuple, span: tuple[int, int]) -> list[tuple[str, bytes | None, list | None]]:
    pages, environment, environment_key, reusable, prefix = state
    done = []
    for page in pages[span[0]:span[1]]:
        key = render_key(page, environment_key)
        if reusable(page.output_path, key):
            done.append((key, None, None))
        else:
            html = environment.get_template(page.template).render(page=page, **page.context)
            # The link check's scan of the page, made here, across the cores, while the text is at hand.
            done.append((key, html.encode("utf-8"), page_targets(page.output_path, html, prefix)))
    return done


def render_key(page: Page, environment_key: str) -> str:
    """What a page's bytes depend on: the environment (templates, assets, code) and its own template,
    path and context. The context is pickled whole: same bytes, same page (contexts are built the same
    way on every run, so equal inputs pickle equally, whatever the hash seed; tested)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{environment_key}\0{page.template}\0{page.output_path}\0".encode())
    digest.update(pickle.dumps(page.context, protocol=5))
    return digest.hexdigest()


def _spans(count: int) -> list[tuple[int, int]]:
    return [(start, min(start + RENDER_SPAN, count)) for start in range(0, count, RENDER_SPAN)]


def render_or_keep(pages: list[Page], environment: jinja2.Environment, environment_key: str,
                   reusable: Callable[[str, str], bool], prefix: str = "/",
                   jobs: int | None = None) -> list[tuple[str, bytes | None, list | None]]:
    """(render key, bytes, link scan) of every page, in order; bytes and scan None where `reusable(path,
    key)` says the published copy is the same page. Keys, pages and the link check's scan of each page
    (linkcheck.page_targets) are all made across the cores on a large site."""
    done = parallel_map(_render_span, _spans(len(pages)), _render_state,
                        (pages, environment, environment_key, reusable, prefix), jobs=jobs, threshold=RENDER_PARALLEL_MIN)
    return [item for chunk in done for item in chunk]
