"""The quality harness: the built sample site in real headless Chromium, served under its sub-path.

Reusable by design: `crawl` visits every HTML page of the built site (pages added by any layout are
picked up without changes here), once, with one browser and one page object, and records what each
check needs (console errors, failed requests, axe-core violations, overflow, layout shift, weight).
Tests then assert on that record. Missing tools fail the run: they are never skipped.
The browser lives for this package only (scope "package"): Playwright's sync API cannot run twice at
once, and other test modules start their own.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import re
import shutil
import threading
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT

from showcase.site.publish import content_security_policy

PREFIX = "/guong-nguoi-tot-viec-tot/"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
MOBILE = {"width": 375, "height": 800}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MISSING_URL = f"{PREFIX}khong-co-trang-nay/"
SEARCH_URL = f"{PREFIX}tim-kiem/"

# Runs in every page before its own scripts: cumulative layout shift, as Chrome reports it.
OBSERVE_LAYOUT_SHIFT = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__layoutShift += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""


def require_tool(path: Path, how: str) -> Path:
    if not path.exists():
        pytest.fail(f"missing tool {path}: {how}", pytrace=False)
    return path


# The production Content-Security-Policy (showcase/publish.py), so a CSP violation is a console error here.
# upgrade-insecure-requests is left out: the test server speaks plain HTTP.
CSP = "; ".join(part for part in content_security_policy(["'self'"]).split("; ") if part != "upgrade-insecure-requests")


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, and the site's own 404 page for anything missing, like the production host; each
    response with the policy `policy_for(path)` gives, as the generated _headers does on Netlify."""

    policy_for = staticmethod(lambda path: CSP)

    def end_headers(self):
        self.send_header("Content-Security-Policy", self.policy_for(self.path))
        super().end_headers()

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def guess_type(self, path):
        if str(path).endswith(".pagefind"):
            return "application/wasm"
        return super().guess_type(path)


@contextlib.contextmanager
def serving(folder: Path, policy_for=None):
    """`folder` on 127.0.0.1 (free port), served from a thread; yields the origin."""
    handler = type("Handler", (_SiteHandler,), {"policy_for": staticmethod(policy_for)}) if policy_for else _SiteHandler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="package")
def site_server(built_site):
    """The built site on 127.0.0.1 (free port), served from a thread; yields the origin."""
    with serving(built_site) as origin:
        yield origin


@pytest.fixture(scope="package")
def browser():
    require_tool(CHROMIUM, "install the Debian package chromium (python3 dev.py test does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("missing Playwright for Python: pip install -r requirements-dev.txt", pytrace=False)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


CMS = f"{PREFIX}quan-tri/"


def site_pages(built_site: Path) -> list[str]:
    """URL of every HTML page of the built site. The editors' form (Decap CMS, its own policy and its own
    browser test: test_cms.py) is an application, not a page of the site."""
    urls = []
    for path in sorted(built_site.rglob("*.html")):
        relative = path.relative_to(built_site).as_posix()
        if ("/" + relative).startswith(CMS):
            continue
        urls.append("/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return urls


def is_redirect_stub(built_site: Path, url: str) -> bool:
    return 'http-equiv="refresh"' in local_file(built_site, url).read_text(encoding="utf-8")


def redirect_target(built_site: Path, url: str) -> str:
    html = local_file(built_site, url).read_text(encoding="utf-8")
    match = re.search(r'http-equiv="refresh" content="\d+;\s*url=([^"]+)"', html)
    return unescape(match.group(1)) if match else ""


def local_file(built_site: Path, url: str) -> Path:
    path = built_site / unquote(urlsplit(url).path).lstrip("/")
    return path / "index.html" if url.endswith("/") or path.is_dir() else path


@dataclass
class PageReport:
    url: str
    status: int = 0
    layout: str = ""
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    axe_violations: list[dict] = field(default_factory=list)
    overflow: int = 0  # pixels of horizontal scroll at 375 px
    layout_shift: float = 0.0
    resources: list[tuple[str, str]] = field(default_factory=list)  # (url, resource type)
    bytes_gzip: int = 0
    redirect: bool = False

    def __repr__(self) -> str:  # keep pytest's failure output to the point
        return f"PageReport({self.url!r})"


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def visit(page, origin: str, built_site: Path, url: str, axe: bool) -> PageReport:
    report = PageReport(url=url, redirect=url != MISSING_URL and is_redirect_stub(built_site, url))

    def _stray_icon(request_url: str, resource_type: str) -> bool:
        return resource_type == "other" and "favicon" in request_url and (url == MISSING_URL or report.redirect)
    handlers = {
        "console": lambda message: message.type == "error"
        and not (report.redirect and (message.location or {}).get("url", "").endswith("/favicon.ico"))
        and report.console_errors.append(message.text),
        "pageerror": lambda error: report.console_errors.append(f"uncaught: {error}"),
        # Chromium skips the icon of a 404 page, and a redirect stub (meta refresh 0, no icon of its own) is
        # left while the browser may still be asking for /favicon.ico, which is not ours to publish.
        "requestfailed": lambda request: not (_stray_icon(request.url, request.resource_type))
        and report.failed_requests.append(f"{request.url} ({request.failure})"),
        "response": lambda response: (
            report.resources.append((response.url, response.request.resource_type)),
            response.status >= 400 and response.url != origin + url
            and not (report.redirect and response.url == origin + "/favicon.ico")
            and report.failed_requests.append(f"{response.url} (HTTP {response.status})"),
        ),
    }
    for event, handler in handlers.items():
        page.on(event, handler)
    try:
        response = page.goto(origin + url, wait_until="load")
        report.status = response.status if response else 0
        if report.redirect:  # follow it to the end, so it cannot be cut short by the next visit
            target = redirect_target(built_site, url)
            page.wait_for_url(origin + target if target.startswith("/") else re.compile(".*"), wait_until="load")
            return report
        if page.locator("script[type=module]").count():  # scripted pages: wait until their requests settle
            page.wait_for_load_state("networkidle")
        state = page.evaluate("""() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done({
            layout: [...document.body.classList].find((name) => name.startsWith("layout-")) || "",
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            shift: window.__layoutShift || 0,
        }))))""")
        report.layout = state["layout"].removeprefix("layout-")
        report.overflow = state["overflow"]
        report.layout_shift = state["shift"]
        if axe:
            result = page.evaluate(
                "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS)
            report.axe_violations = [
                {"id": item["id"], "impact": item["impact"], "help": item["help"],
                 "targets": [node["target"] for node in item["nodes"]][:5]}
                for item in result["violations"]
            ]
        for resource_url, kind in report.resources:
            parts = urlsplit(resource_url)
            if kind == "image" or parts.netloc != urlsplit(origin).netloc:
                continue
            path = local_file(built_site, resource_url)
            if path.is_file():
                report.bytes_gzip += gzip_size(path.read_bytes())
            elif resource_url == origin + url:  # the 404 page for a missing URL
                report.bytes_gzip += gzip_size((built_site / "404.html").read_bytes())
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)
    return report


@pytest.fixture(scope="package")
def crawl(browser, site_server, built_site) -> dict[str, PageReport]:
    """Every page of the built site, plus a missing URL, at 375 px with axe-core injected."""
    axe_source = require_tool(AXE, "run npm ci at the project root (python3 dev.py test does it)").read_text(encoding="utf-8")
    context = browser.new_context(viewport=MOBILE, locale="vi-VN", service_workers="block")
    context.add_init_script(OBSERVE_LAYOUT_SHIFT)
    context.add_init_script(axe_source)
    page = context.new_page()
    page.set_default_timeout(15000)
    reports = {}
    try:
        for url in [*site_pages(built_site), MISSING_URL]:
            try:
                reports[url] = visit(page, site_server, built_site, url, axe=True)
            except Exception as error:  # noqa: BLE001 - one broken page must not hide the others' reports
                reports[url] = PageReport(url=url, console_errors=[f"crawl failed: {error}"])
    finally:
        context.close()
    return reports


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    if shutil.which("java") is None:
        pytest.fail("missing java: install the Debian package default-jre-headless (python3 dev.py test does it)", pytrace=False)
    return require_tool(VNU, "run npm ci at the project root (python3 dev.py test does it)")


@pytest.fixture(scope="module")  # the search page, ready, shared by the search tests
def search_page(browser, site_server):
    context = browser.new_context(viewport=MOBILE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_server + SEARCH_URL, wait_until="load")
    page.wait_for_selector("body[data-search-ready]")
    yield page
    context.close()
    assert errors == []


# The editors' form against decap-server on a copy of the repository (defined in test_cms.py), for the other
# form tests too; imported last, since test_cms.py imports this module's helpers.
from .test_cms import cms, cms_origin, decap_server, repository  # noqa: E402, F401
