"""Preview server: build with drafts, serve the output on loopback, rebuild and reload on every change.

The `livereload` library provides the browser side (its script, the WebSocket and the reload
message); this module adds what an editor needs on top:

- one rebuild per change of content/, layouts/, static/ or data/, noticed from the system's file
  events (watchfiles) a few tens of milliseconds after a save, or by polling size and nanosecond
  mtime every quarter second where there are none (SHOWCASE_POLL=1 forces it);
- a saved profile's own page first: rendered from the last build's model in milliseconds and shown
  at once (engine/quick.py), the full build running behind in a thread while the server goes on answering;
- when the content, the data or a layout is wrong, every HTML page is replaced by an error page in
  Vietnamese listing each problem with file, line, message and fix; it carries the livereload script
  too, so the page comes back by itself once the file is fixed;
- files are looked up per request under the output folder (which the writer swaps atomically), and
  nothing outside it is ever served.

Nothing that happens while watching can stop the server: every rebuild is wrapped, and an error is
shown, not raised.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
import signal
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
import markupsafe

from showcase.common.config import PROJECT_ROOT, ConfigError, load_project
from showcase.common.diagnostics import Diagnostic, catalog, format_text, message
from showcase.common.paths import display_path
from showcase.engine import pipeline
from showcase.site.assemble import SiteModel

POLL_SECONDS = 0.25
_TEMPLATES = Path(__file__).parent.parent / "templates"
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")


@dataclass
class Problem:
    """One line of the error page: where, what, how to fix."""

    file: str
    line: int | None
    column: int | None
    code: str
    title: str
    message: str
    fix: str
    source_line: str | None = None
    caret: str = ""
    from_validator: bool = True


@dataclass
class BuildState:
    ok: bool = False
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""
    pages: int = 0
    seconds: float = 0.0
    built_at: float = 0.0
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _problem(diagnostic: Diagnostic, lang: str) -> Problem:
    text, fix = message(diagnostic, lang)
    caret = ""
    if diagnostic.source_line is not None:
        caret = " " * max(diagnostic.column - 1, 0) + "^" * max(diagnostic.length, 1)
    title = catalog(lang)["codes"].get(diagnostic.code, {}).get("title", "")
    return Problem(diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.code, title, text, fix,
                   diagnostic.source_line, caret)


def describe_exception(error: BaseException, layouts_dir: Path) -> Problem:
    """A template (or any other) failure as an error-page line, pointing at the layout when there is one."""
    file, line = "", None
    if isinstance(error, jinja2.TemplateSyntaxError):
        file, line = error.filename or error.name or "", error.lineno
    else:
        frames = traceback.extract_tb(error.__traceback__)
        layouts = str(layouts_dir.resolve())
        for frame in reversed(frames):
            if frame.filename.startswith(layouts) or frame.filename.endswith((".html", ".j2", ".xml")):
                file, line = frame.filename, frame.lineno
                break
        else:
            if frames:
                file, line = frames[-1].filename, frames[-1].lineno
    shown = display_path(Path(file)) if file else "(không rõ tệp)"
    source_line = None
    if file and line:
        try:
            source_line = Path(file).read_text(encoding="utf-8", errors="replace").split("\n")[line - 1]
        except (OSError, IndexError):
            source_line = None
    is_layout = bool(file) and Path(file).resolve().is_relative_to(layouts_dir.resolve())
    detail = getattr(error, "message", None) or str(error) or type(error).__name__
    if is_layout:
        return Problem(shown, line, None, type(error).__name__, "Lỗi trong tệp giao diện",
                       f"Không tạo được trang vì tệp giao diện có lỗi: {detail}",
                       "Sửa dòng được chỉ ra trong tệp giao diện (cú pháp Jinja2: {{ biến }}, {% lệnh %}) rồi lưu lại; "
                       "trang sẽ tự tải lại.", source_line, from_validator=False)
    return Problem(shown, line, None, type(error).__name__, "Lỗi nội bộ của chương trình",
                   f"Chương trình gặp lỗi khi tạo trang: {detail}",
                   "Nếu vừa sửa tệp giao diện hoặc dữ liệu, hãy xem lại thay đổi đó; nếu không, báo cho nhóm phát triển kèm "
                   "thông báo này.", source_line, from_validator=False)


class Preview:
    """Builds the site on demand and answers for the preview: the state of the last build (ok, or its
    problems), the site model it left (the fast path's input), and the pages the fast path rendered
    since (`overlay`, served until a full build has them)."""

    def __init__(self, root: Path, content_dir: Path, out_dir: Path, base_url: str | None = None, lang: str = "vi",
                 stream=None):
        self.root = root
        self.content_dir = content_dir
        self.out_dir = out_dir.resolve()
        self.base_url = base_url
        self.lang = lang
        self.stream = stream or sys.stderr
        self.state = BuildState()
        self.prefix = "/"
        self.generation = 0  # one more per change shown: lets a page that missed a reload message catch up
        self.changes = 0  # change batches seen by the watcher, numbered
        self.project = None
        self.model: SiteModel | None = None
        self.overlay: dict[str, tuple[int, bytes]] = {}  # output path → (change number, page from the fast path)
        self.quick_state: tuple[int, BuildState] | None = None  # what the fast path found, until a full build covers it

    def watched(self) -> list[Path]:
        return [self.content_dir, self.root / "layouts", self.root / "static", self.root / "data"]

    def rebuild(self) -> BuildState:
        """A full build, shown at once (the first build, and tests)."""
        self.apply(self.build(), self.changes)
        return self.state

    def build(self) -> BuildState:
        """A full build; may run in a worker thread. Its state is shown by `apply`."""
        started = time.perf_counter()
        state = BuildState()
        diagnostics: list[Diagnostic] = []
        kept: list[SiteModel] = []
        try:
            project = load_project(self.root, base_url=self.base_url)
            self.prefix = project.site.prefix
            result, pages = pipeline.build(self.content_dir, self.out_dir, project, include_drafts=True,
                                           keep_model=kept.append)
            diagnostics = result.diagnostics
            state.ok = not result.errors
            state.pages = pages
            state.problems = [_problem(item, self.lang) for item in diagnostics if item.severity == "error"]
            if state.ok:
                self.project = project
                if kept:
                    self.model = kept[0]
        except ConfigError as error:
            diagnostics = error.diagnostics
            state.problems = [_problem(item, self.lang) for item in diagnostics]
        except Exception as error:  # noqa: BLE001 - a broken layout must show on the page, not stop the server
            state.problems = [describe_exception(error, self.root / "layouts")]
        state.seconds = time.perf_counter() - started
        state.built_at = time.time()
        state.diagnostics = diagnostics
        return state

    def ensure_model(self) -> None:
        """After a build that found the output up to date (nothing rendered, so no model): make the
        model from the cache, so that the next edit takes the fast path. May run in a worker thread."""
        if self.model is not None or self.project is None:
            return
        try:
            self.model = pipeline.load_model(self.content_dir, self.project, include_drafts=True)
        except Exception:  # noqa: BLE001 - without a model every change takes the full build, as before
            logging.getLogger("showcase.engine.preview").debug("no model for the fast path", exc_info=True)

    def apply(self, state: BuildState, change: int) -> None:
        """Show a full build that saw the changes up to number `change`."""
        self.state = state
        self.overlay = {path: entry for path, entry in self.overlay.items() if entry[0] > change}
        if self.quick_state is not None and self.quick_state[0] <= change:
            self.quick_state = None
        self.generation += 1
        self.report(state.diagnostics)

    def in_content(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.content_dir.resolve())

    def passing(self, path: Path) -> bool:
        """A file under content/ that is gone already and that the last build did not read (neither a
        profile nor a photo of one): the temporary file of an editor's save."""
        model = self.model
        if model is None or path.exists() or not self.in_content(path):
            return False
        relative = path.resolve().relative_to(self.content_dir.resolve()).as_posix()
        photos = {profile.photo for profile in model.profiles.values() if profile.photo}  # relative to content/
        return relative not in model.profiles and relative not in photos and not relative.endswith(".md")

    def current(self) -> BuildState:
        return self.quick_state[1] if self.quick_state is not None else self.state

    def quick(self, changed: list[Path], change: int) -> bool:
        """The fast path (quick.py) for change number `change`: True when it answered, and the open
        pages should reload now; False when only the full build can."""
        from showcase.engine.quick import quick_render

        if self.model is None or self.project is None or not changed:
            return False
        started = time.perf_counter()
        try:
            outcome = quick_render(self.model, self.project, self.content_dir, changed, include_drafts=True)
        except Exception:  # noqa: BLE001 - the full build that follows reports whatever this was
            logging.getLogger("showcase.engine.preview").debug("fast path failed", exc_info=True)
            return False
        if outcome is None:
            return False
        shown = {display_path(path) for path in changed}
        before = self.current()
        others = [problem for problem in before.problems if problem.file not in shown]
        mine = [_problem(item, self.lang) for item in outcome.diagnostics if item.severity == "error"]
        state = BuildState(ok=not others and not mine, problems=others + mine, summary=before.summary,
                           pages=before.pages, seconds=time.perf_counter() - started, built_at=time.time())
        self.quick_state = (change, state)
        self.overlay.update({path: (change, data) for path, data in outcome.pages.items()})
        self.generation += 1
        stamp = time.strftime("%H:%M:%S")
        if mine:
            self.stream.write(format_text(outcome.diagnostics, self.lang, color=self.stream.isatty() and "NO_COLOR" not in os.environ))
        else:
            self.stream.write(f"[{stamp}] Đã hiện trang vừa sửa sau {state.seconds * 1000:.0f} ms; đang tạo lại các trang khác…\n")
        self.stream.flush()
        return True

    def report(self, diagnostics: list[Diagnostic]) -> None:
        stream = self.stream
        color = stream.isatty() and "NO_COLOR" not in os.environ
        if diagnostics:
            stream.write(format_text(diagnostics, self.lang, color=color))
        stamp = time.strftime("%H:%M:%S")
        if self.state.ok:
            stream.write(f"[{stamp}] Đã tạo {self.state.pages} trang trong {self.state.seconds * 1000:.0f} ms.\n")
        else:
            for problem in self.state.problems:
                if not problem.from_validator:
                    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
                    stream.write(f"{where}: {problem.title}: {problem.message}\n")
            stream.write(f"[{stamp}] Chưa tạo được trang: có {len(self.state.problems)} lỗi, trình duyệt đang hiện danh sách lỗi. "
                         "Sửa rồi lưu tệp, trang sẽ tự tải lại.\n")
        stream.flush()


# --- the web application ---------------------------------------------------------------------------------

_STATUS = {200: "200 OK", 301: "301 Moved Permanently", 404: "404 Not Found", 405: "405 Method Not Allowed",
           500: "500 Internal Server Error"}
_FALLBACK_404 = ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Không tìm thấy trang</title></head>"
                 "<body><h1>Không tìm thấy trang</h1><p><a href=\"{home}\">Về trang chủ chuyên mục</a></p></body></html>")


def _code_spans(text: str) -> markupsafe.Markup:
    """Messages mark field names and values with `backticks`: show them as code, everything else escaped."""
    return markupsafe.Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(markupsafe.escape(text))))


def _error_environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["code_spans"] = _code_spans
    return environment


BUILD_URL = "/__preview/build"
# livereload reloads the page on its WebSocket message; a page still loading when the message goes out
# (its socket not yet open) would miss it and stay stale, so each page also checks the build number.
_CATCH_UP = ('<script>(function(){{var built="{generation}";setInterval(function(){{'
             'fetch("' + BUILD_URL + '",{{cache:"no-store"}}).then(function(r){{return r.text();}})'
             '.then(function(now){{if(now!==built)location.reload();}}).catch(function(){{}});}},1000);}})();</script>')


DOSSIER_URL = "/__preview/dossier/"  # + "<milestone>.zip": the milestone's nomination dossier, made on request


class PreviewApp:
    """WSGI application serving the output folder, or the error page while the build is broken; in the
    preview only, each milestone page links to its nomination dossier, made when the link is followed."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self.templates = _error_environment()
        self.live_script = b""  # livereload's client loader, put into pages by this app (see serve.QuietServer)

    def resolve(self, url_path: str) -> tuple[Path | None, bool]:
        """(file to serve or None, whether the URL names a folder without its final slash)."""
        parts = [part for part in url_path.split("/") if part not in ("", ".")]
        if any(part == ".." or "\\" in part or "\x00" in part for part in parts):
            return None, False
        root = self.preview.out_dir
        candidate = root.joinpath(*parts)
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            return None, False
        if not resolved.is_relative_to(root):
            return None, False
        if resolved.is_dir():
            if not url_path.endswith("/"):
                return None, True
            resolved = resolved / "index.html"
        return (resolved, False) if resolved.is_file() else (None, False)

    def milestone_of(self, url_path: str) -> str | None:
        """The id of the milestone whose page `url_path` is, or None."""
        from showcase.office.dashboard_pages import DashboardUrls

        project = self.preview.project
        if project is None:
            return None
        page = url_path.removesuffix("index.html")
        urls = DashboardUrls(project)
        return next((milestone for plan in project.plans for milestone in plan.milestones if urls.milestone(milestone) == page),
                    None)

    def with_dossier_link(self, url_path: str, body: bytes) -> bytes:
        """A milestone page with the link to its dossier under its heading. Never in the published pages:
        the link exists only as this server's answer."""
        milestone = self.milestone_of(url_path)
        if milestone is None:
            return body
        text = markupsafe.escape(catalog(self.preview.lang)["dossier"]["preview_link"])
        link = f'<p class="preview-dossier"><a href="{DOSSIER_URL}{quote(milestone)}.zip" download>{text}</a></p>'
        return body.replace(b"</h1>", b"</h1>" + link.encode("utf-8"), 1)

    def dossier(self, name: str) -> tuple[int, bytes, str, list]:
        """(status, body, content type, headers) of the dossier `name` ("<milestone>.zip"): the documents of
        `build.py dossier` for the content as it is now, without any private folder (blank background lines)."""
        import datetime

        from showcase.common.clock import reference_date
        from showcase.office.dossier_docx import DossierTemplateError, make_dossier_files

        project, milestone = self.preview.project, name.removesuffix(".zip")
        if project is None or not name.endswith(".zip") or not any(milestone in plan.milestones for plan in project.plans):
            return 404, _FALLBACK_404.format(home=self.preview.prefix).encode("utf-8"), "text/html; charset=utf-8", []
        words = catalog(self.preview.lang)
        try:
            result = pipeline.load_content(self.preview.content_dir, project)
            if result.errors:
                return 500, self.error_page(), "text/html; charset=utf-8", []
            today = reference_date(os.environ, datetime.date.today())
            dossier, files = make_dossier_files(result.profiles, project, self.preview.content_dir, milestone,
                                                project.layouts_dir / "dossier", today)
            if not files:
                problem = words["cli"]["dossier_empty"].format(key=milestone)
            else:
                archive = f"{dossier.folder}.zip"
                return 200, files[archive], "application/zip", [("Content-Disposition", f'attachment; filename="{archive}"')]
        except DossierTemplateError as error:
            problem = words["cli"][error.key].format(**error.args_)
        page = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{markupsafe.escape(words["dossier"]["preview_failed"])}'
                f'</title></head><body><h1>{markupsafe.escape(words["dossier"]["preview_failed"])}</h1><p>{markupsafe.escape(problem)}</p>'
                f'<p><a href="{self.preview.prefix}">{self.preview.prefix}</a></p></body></html>')
        return 500, page.encode("utf-8"), "text/html; charset=utf-8", []

    def error_page(self) -> bytes:
        state = self.preview.current()
        html = self.templates.get_template("preview-error.html").render(
            problems=state.problems, home=self.preview.prefix, built_at=time.strftime("%H:%M:%S", time.localtime(state.built_at)),
        )
        return html.encode("utf-8")

    def __call__(self, environ, start_response):
        url_path = ""

        def respond(status: int, body: bytes, content_type: str = "text/html; charset=utf-8", extra=()):
            if content_type.startswith("text/html"):
                if status == 200:
                    body = self.with_dossier_link(url_path, body)
                script = _CATCH_UP.format(generation=self.preview.generation).encode() + self.live_script
                body = body.replace(b"</head>", script + b"</head>", 1)
            headers = [("Content-Type", content_type), ("Cache-Control", "no-store"), *extra]
            start_response(_STATUS[status], headers)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

        try:
            if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
                return respond(405, b"", extra=[("Allow", "GET, HEAD")])
            url_path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
            if url_path == BUILD_URL:
                return respond(200, str(self.preview.generation).encode(), "text/plain; charset=utf-8")
            if url_path.startswith(DOSSIER_URL):
                status, body, content_type, extra = self.dossier(url_path[len(DOSSIER_URL):])
                return respond(status, body, content_type, extra)
            target, needs_slash = self.resolve(url_path)
            if needs_slash:
                return respond(301, b"", extra=[("Location", quote(url_path + "/"))])
            is_page = target is None or target.suffix == ".html"
            if not self.preview.current().ok and is_page:
                return respond(500, self.error_page())
            quick = self.preview.overlay.get(target.relative_to(self.preview.out_dir).as_posix()) if target else None
            if quick is not None:
                return respond(200, quick[1])
            if target is None:
                not_found = self.preview.out_dir / "404.html"
                body = not_found.read_bytes() if not_found.is_file() else \
                    _FALLBACK_404.format(home=self.preview.prefix).encode("utf-8")
                return respond(404, body)
            content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if content_type.startswith("text/") or content_type in ("application/javascript", "application/json",
                                                                     "image/svg+xml", "application/xml"):
                content_type += "; charset=utf-8"
            return respond(200, target.read_bytes(), content_type)
        except OSError:  # the file went away between lookup and read (a rebuild swapped the folder)
            return respond(404, _FALLBACK_404.format(home=self.preview.prefix).encode("utf-8"))


# --- watching -------------------------------------------------------------------------------------------


def _ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(_IGNORED_SUFFIXES) or name == "4913"


def snapshot(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """Every watched file with its size and modification time, tolerant of files vanishing meanwhile."""
    found: dict[str, tuple[int, int]] = {}
    for root in roots:
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = [name for name in subdirs if not _ignored(name)]
            for name in files:
                if _ignored(name):
                    continue
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                found[path] = (info.st_mtime_ns, info.st_size)
    return found


class BackgroundWorker:
    """One daemon thread running jobs in order: a build in progress never holds up Ctrl+C (the output
    is swapped in atomically, so stopping mid-build leaves the last site as it was)."""

    def __init__(self) -> None:
        import queue
        import threading

        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._run, daemon=True, name="build").start()

    def submit(self, job) -> None:
        self.jobs.put(job)

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                job()
            except Exception:  # noqa: BLE001 - the next job must still run
                logging.getLogger("showcase.engine.preview").exception("Lỗi khi tạo trang")


class Rebuilds:
    """What a change sets off, on the server's event loop: the fast path first (the edited profile's
    page, quick.py), then one full build at a time in a worker thread, so the server answers while it
    runs; changes seen meanwhile make one more build when it ends. Each answer reloads the open pages."""

    QUICK_GRACE = 0.2  # seconds the full build waits after a fast answer, so the browser's reload is served at once

    def __init__(self, preview: Preview, reload) -> None:
        self.preview = preview
        self.reload = reload
        self.worker = BackgroundWorker()
        self.running = False
        self.pending = False

    def changed(self, changes: list[tuple[str, str]]) -> None:
        """`changes`: (what, path) with what in added/modified/deleted."""
        from tornado.ioloop import IOLoop

        try:
            self.preview.changes += 1
            edited = [Path(path) for _, path in changes if Path(path).suffix == ".md" and Path(path).is_file()]
            others = [Path(path) for _, path in changes if Path(path) not in edited]
            # Editors that save through a temporary file (sed -i, gedit, vim's backup) leave a trace
            # of it in the batch: a file gone already that no build ever read.
            editable = bool(edited) and all(self.preview.in_content(path) for path in edited) and all(
                self.preview.passing(path) for path in others)
            if editable and self.preview.quick(edited, self.preview.changes):
                self.reload()
                IOLoop.current().call_later(self.QUICK_GRACE, self.request)
            else:
                self.request()
        except Exception:  # noqa: BLE001 - watching must go on whatever happens
            logging.getLogger("showcase.engine.preview").exception("Lỗi khi theo dõi thay đổi")

    def request(self) -> None:
        from tornado.ioloop import IOLoop

        if self.running:
            self.pending = True
            return
        self.running, self.pending = True, False
        change = self.preview.changes
        loop = IOLoop.current()

        def build() -> None:
            try:
                state = self.preview.build()
            except Exception as error:  # noqa: BLE001 - Preview.build reports what it can; anything else shows too
                state = BuildState(problems=[describe_exception(error, self.preview.root / "layouts")])
            loop.add_callback(self.finished, state, change)

        self.worker.submit(build)

    def finished(self, state: BuildState, change: int) -> None:
        self.running = False
        self.preview.apply(state, change)
        self.reload()
        if self.pending:
            self.request()
        elif state.ok and self.preview.model is None:
            self.worker.submit(self.preview.ensure_model)


def _watch_natively(roots: list[Path], loop, rebuilds: Rebuilds, fallback) -> None:
    """Runs in a thread: the operating system's file events (watchfiles: inotify, FSEvents, …), handed to
    the event loop in batches a few tens of milliseconds after the last event of a save."""
    try:
        from watchfiles import Change, watch

        names = {Change.added: "added", Change.modified: "modified", Change.deleted: "deleted"}

        folders = [os.path.abspath(root) for root in roots if root.is_dir()]
        bases = [os.path.join(folder, "") for folder in folders]

        def wanted(_change, path: str) -> bool:
            inside = next((path[len(base):] for base in bases if path.startswith(base)), os.path.basename(path))
            return not any(_ignored(part) for part in inside.split(os.sep))

        for batch in watch(*folders, watch_filter=wanted, step=30, raise_interrupt=False):
            loop.add_callback(rebuilds.changed, sorted((names[change], path) for change, path in batch))
    except Exception:  # noqa: BLE001 - no file events here (a limit, an odd file system): poll instead
        logging.getLogger("showcase.engine.preview").debug("file events unavailable, polling", exc_info=True)
        loop.add_callback(fallback)


def _make_watcher(preview: Preview, rebuilds: Rebuilds):
    from livereload.watcher import Watcher
    from tornado.ioloop import IOLoop, PeriodicCallback

    class PreviewWatcher(Watcher):
        """File events when the system gives them, else a poll of sizes and times every quarter second.
        livereload's own poll throttles reloads to one per 3 s; an editor fixing a typo right after
        saving it must see both, so this watcher drives the reloads itself (Rebuilds)."""

        def __init__(self):
            super().__init__()
            self.roots: list[Path] = []
            self.last: dict[str, tuple[int, int]] = {}

        def watch(self, path, func=None, delay=None, ignore=None):
            super().watch(str(path), func, delay, ignore)
            self.roots.append(Path(path))

        def prime(self) -> None:
            """Before the first build, so that a change made while it runs is seen."""
            import threading

            if os.environ.get("SHOWCASE_POLL"):
                self.poll_instead()
                return
            threading.Thread(target=_watch_natively, args=(self.roots, IOLoop.current(), rebuilds, self.poll_instead),
                             daemon=True, name="watch").start()

        def poll_instead(self) -> None:
            self.last = snapshot(self.roots)
            PeriodicCallback(self.poll, POLL_SECONDS * 1000).start()

        def start(self, callback):
            return True  # watching started in prime()

        def examine(self):
            return None, None

        def poll(self) -> None:
            current = snapshot(self.roots)
            if current == self.last:
                return
            paths = {path for path, _ in set(current.items()) ^ set(self.last.items())}
            changes = [("deleted" if path not in current else "added" if path not in self.last else "modified", path)
                       for path in sorted(paths)]
            self.last = current
            rebuilds.changed(changes)

    return PreviewWatcher()


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _url(host: str, port: int, path: str) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"



def serve(args) -> int:
    """`build.py serve`: returns an exit code; runs until Ctrl+C."""
    from livereload import Server
    from tornado.ioloop import IOLoop

    content_dir = Path(args.content)
    if not content_dir.is_dir():
        print(f"build.py: lỗi: không tìm thấy thư mục nội dung {content_dir}", file=sys.stderr)
        return 2
    preview = Preview(PROJECT_ROOT, content_dir, Path(args.out), getattr(args, "base_url", None), getattr(args, "lang", "vi"))
    from livereload.handlers import LiveReloadHandler

    rebuilds = Rebuilds(preview, lambda: LiveReloadHandler.reload_waiters("*"))
    watcher = _make_watcher(preview, rebuilds)
    for path in preview.watched():
        watcher.watch(path)
    watcher.prime()
    preview.rebuild()
    if preview.state.ok and preview.model is None:
        rebuilds.worker.submit(preview.ensure_model)

    class QuietServer(Server):
        def _setup_logging(self):  # the editor wants our messages, not one log line per request
            for name in ("livereload", "tornado.general"):
                logging.getLogger(name).setLevel(logging.WARNING)
            logging.getLogger("tornado.access").disabled = True

        def get_web_handlers(self, script):
            # livereload puts its script before every `</head>` of every response, scripts included (Decap's
            # bundle holds that text in a string, which broke the editors' form): pages get it from PreviewApp.
            self.app.live_script = script
            return super().get_web_handlers(b"")

    port = args.port or _free_port(args.host)
    server = QuietServer(app=PreviewApp(preview), watcher=watcher)

    form, form_note = start_local_backend(preview.project, content_dir, args.host, port)
    # Stopped by a signal (a closed terminal, a supervisor): unwind as for Ctrl+C, so decap-server stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def announce() -> None:
        print(f"Xem trước tại: {_url(args.host, port, preview.prefix)}", flush=True)
        if form_note:
            print(form_note, flush=True)
        if args.host not in ("127.0.0.1", "localhost", "::1"):
            print(f"Chú ý: máy chủ lắng nghe trên {args.host}, các máy khác trong mạng cũng xem được cả bản nháp.", flush=True)
        print("Trang tự tải lại khi lưu hồ sơ, giao diện, tệp tĩnh hoặc dữ liệu. Nhấn Ctrl+C để dừng.", flush=True)

    IOLoop.current().add_callback(announce)
    try:
        server.serve(port=port, host=args.host, debug=False, restart_delay=0)
    except OSError as error:
        print(f"build.py: lỗi: không mở được cổng {port} trên {args.host} ({error.strerror or error}). "
              "Thử cổng khác, ví dụ: python build.py serve --port 8001", file=sys.stderr)
        return 2
    finally:
        if form is not None:
            form.terminate()
            form.wait(timeout=10)
    return 0


def start_local_backend(project, content_dir: Path, host: str, port: int):
    """decap-server for the editors' form, on 127.0.0.1, for as long as the preview runs: the form then
    reads and writes this working copy (no account, nothing committed). Returns (the process or None,
    what to tell the editor)."""
    import subprocess

    from showcase.site.cms import cms_url, local_backend_command, settings

    if project is None:  # the data files are broken: the preview shows why, and the form could not load either
        return None, ""
    command = local_backend_command(project, content_dir)
    if command is None:
        return None, ("Biểu mẫu biên tập (quan-tri/) cần Node.js, gói decap-server (chạy python3 dev.py preview để cài) và "
                      "thư mục hồ sơ tên content/.")
    argv, extra = command
    process = subprocess.Popen(argv, env={**os.environ, **extra}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, (f"Biểu mẫu biên tập hồ sơ: {_url(host, port, cms_url(project))} (bấm “Đăng nhập”; lưu là ghi thẳng "
                     f"vào thư mục content/; decap-server ở cổng {settings(project)['local_port']}).")
