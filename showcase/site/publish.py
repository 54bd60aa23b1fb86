"""What the host needs besides pages: Netlify `_headers` and `_redirects`.

Input: validated profiles, the project data and the names of the files about to be
written. Output: more files (path → bytes) and diagnostics. Everything is derived from
data (`data/site.yaml`: `frame_ancestors`, `paths`), never hard-coded, and the work is
linear in the number of files.
"""

from __future__ import annotations

from showcase.common.config import Project
from showcase.source.aliases import gone_url, profile_url

HEADERS_FILE = "_headers"
REDIRECTS_FILE = "_redirects"
IMMUTABLE = "public, max-age=31536000, immutable"
HTML_CACHE = "public, max-age=300, must-revalidate"
DEFAULT_FRAME_ANCESTORS = ("'self'",)


# --- settings ------------------------------------------------------------------------


def frame_ancestors(project: Project) -> list[str]:
    """CSP frame-ancestors sources from `data/site.yaml` (each a keyword or an https origin: checked by the loader,
    common/data_schema.py)."""
    return [str(item).strip() for item in project.site.extra.get("frame_ancestors", DEFAULT_FRAME_ANCESTORS)]


def content_security_policy(ancestors: list[str]) -> str:
    """No 'unsafe-inline' anywhere; 'wasm-unsafe-eval' is what Pagefind's WebAssembly search needs."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {' '.join(ancestors)}",
        "upgrade-insecure-requests",
    ])


# --- _headers ------------------------------------------------------------------------


def cms_content_security_policy(ancestors: list[str], connect: list[str]) -> str:
    """The editors' form only: Decap compiles its config schema at run time ('unsafe-eval'), injects its
    styles ('unsafe-inline'), reads and shows uploaded photos as blob: and data: URLs, shows GitHub avatars, and talks
    to GitHub, the sign-in provider and, on the editor's own computer, decap-server (`connect`). No
    upgrade-insecure-requests: that local server speaks plain HTTP on 127.0.0.1."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https://avatars.githubusercontent.com",
        "font-src 'self' data:",
        f"connect-src 'self' blob: data: {' '.join(connect)}",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {' '.join(ancestors)}",
    ])


def _csp_rules(paths: list[str], cms_folder: str) -> list[str]:
    """Header rules that cover every published path but the CMS folder, without overlapping it: Netlify
    joins the values of one header from every rule that matches a path, and two policies both apply, so
    the CMS could not be given a wider policy beside a site-wide one. A path gets the rule of its first
    folder that is not an ancestor of the CMS folder (`/x/*`), or its own (and, for an index.html, its
    folder's URL) when it sits in such an ancestor."""
    ancestors = cms_folder.strip("/").split("/")[:-1]
    rules: set[str] = set()
    for path in paths:
        if path.startswith(cms_folder) or path.startswith("_"):
            continue
        parts = path.split("/")
        depth = 0
        while depth < len(ancestors) and depth < len(parts) - 1 and parts[depth] == ancestors[depth]:
            depth += 1
        if len(parts) > depth + 1:
            rules.add("/" + "/".join(parts[: depth + 1]) + "/*")
        else:
            rules.add("/" + path)
            if parts[-1] == "index.html":
                rules.add("/" + path[: -len("index.html")])
    return sorted(rules)


def headers_file(paths: list[str], project: Project, ancestors: list[str], preview: bool,
                 cms_folder: str = "", cms_connect: list[str] | None = None) -> bytes:
    """Security headers for every path; immutable caching for fingerprinted assets; short for HTML.

    Cache rules never overlap (Netlify joins values of the same header from several rules),
    so HTML gets one rule per top-level folder of the section, found in one pass over `paths`.
    The Content-Security-Policy is strict everywhere but the CMS folder (`cms_folder`), which gets the
    wider policy its editor needs; neither rule overlaps the other.
    """
    prefix = project.site.prefix
    assets = f"{prefix}assets/"
    security = {
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if preview:
        security["X-Robots-Tag"] = "noindex, nofollow"
    html_rules: set[str] = set()
    for path in paths:
        if not path.endswith(".html"):
            continue
        url = "/" + path
        if url.startswith(assets):
            continue
        if url.endswith("/index.html"):
            url = url[: -len("index.html")]
        if url.startswith(prefix) and url != prefix:
            first = url[len(prefix):].split("/", 1)[0]
            html_rules.add(f"{prefix}{first}/*" if "/" in url[len(prefix):] else url)
        else:
            html_rules.add(url)
    lines = ["# Tạo tự động bởi build.py (showcase/publish.py); không sửa tay.", "/*"]
    lines += [f"  {name}: {value}" for name, value in security.items()]
    lines += [f"{assets}*", f"  Cache-Control: {IMMUTABLE}"]
    for rule in sorted(html_rules):
        lines += [rule, f"  Cache-Control: {HTML_CACHE}"]
    strict = content_security_policy(ancestors)
    if cms_folder:
        for rule in _csp_rules(paths, cms_folder):
            lines += [rule, f"  Content-Security-Policy: {strict}"]
        lines += [f"/{cms_folder}*", f"  Content-Security-Policy: {cms_content_security_policy(ancestors, cms_connect or [])}"]
    else:
        lines += ["/*", f"  Content-Security-Policy: {strict}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- _redirects ----------------------------------------------------------------------


def redirects_file(profiles: list, project: Project, include_drafts: bool) -> bytes:
    """Aliases answer 301 to the profile's URL; a withdrawn profile's URLs answer 410 with the "gone" page."""
    gone = gone_url(project)
    moved, withdrawn = [], []
    for profile in sorted(profiles, key=lambda item: item.rel_path):
        if profile.withdrawn:
            for url in [profile_url(project, profile.slug), *profile.aliases]:
                withdrawn.append(f"{url}  {gone}  410")
        elif include_drafts or not profile.draft:
            target = profile_url(project, profile.slug)
            moved += [f"{alias}  {target}  301" for alias in profile.aliases]
    lines = ["# Tạo tự động bởi build.py (showcase/publish.py); không sửa tay."]
    lines += ["# Địa chỉ cũ của hồ sơ đã đổi tên (trường aliases): chuyển hướng vĩnh viễn.", *moved]
    lines += ["# Hồ sơ đã rút (withdrawn: true): báo 410, trang đã gỡ.", *withdrawn]
    return ("\n".join(lines) + "\n").encode("utf-8")
