"""Sharing and discovery files: Atom feed, JSON Feed 1.1, sitemap.xml and robots.txt.

Input: the published profiles' page contexts and all pages from the site model, and
the project data. Output: output path → bytes. Every date comes from the content
(the award date, else the year of recognition), never from the clock, so two builds
of the same content give the same bytes.
"""

from __future__ import annotations

import datetime
import html
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from showcase.common.config import Project
from showcase.site.model import Page

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "xml:lang"
XML_BASE = "xml:base"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
DEFAULT_FILES = {"atom": "feed.xml", "json_feed": "feed.json", "sitemap": "sitemap.xml"}
DEFAULT_UTC_OFFSET = "+07:00"  # Giờ Việt Nam; `utc_offset` in data/site.yaml overrides it
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINK_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')


def file_paths(project: Project) -> dict[str, str]:
    """URL path (from the domain root) of each discovery file, names from `paths` in data/site.yaml."""
    site = project.site
    return {name: f"{site.prefix}{site.paths.get(name, default)}" for name, default in DEFAULT_FILES.items()}


def head_links(project: Project) -> dict:
    """What `partials/head-meta.html` needs besides the page's own context."""
    paths = file_paths(project)
    site = project.site
    return {"atom": paths["atom"], "json_feed": paths["json_feed"],
            "publisher": f"{site.department} tỉnh {site.province}", "locale": f"{site.language}_VN"
            if site.language == "vi" else site.language}


def _xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def entry_date(profile: dict) -> datetime.date:
    """The latest award date; a profile without one dates from 1 January of its year."""
    dates = [datetime.date.fromisoformat(award["date"]) for award in profile.get("awards", []) if award.get("date")]
    return max(dates) if dates else datetime.date(profile["year"], 1, 1)


def newest_first(profiles: list[dict]) -> list[dict]:
    """Year of recognition, newest first; within a year the latest award date first; then the listing order."""
    indexed = list(enumerate(profiles))
    indexed.sort(key=lambda pair: (-pair[1]["year"], -entry_date(pair[1]).toordinal(), pair[0]))
    return [profile for _, profile in indexed]


def _timestamp(day: datetime.date, project: Project) -> str:
    offset = project.site.extra.get("utc_offset", DEFAULT_UTC_OFFSET)
    return f"{day.isoformat()}T00:00:00{offset}"


def absolute_links(fragment: str, base: str) -> str:
    """Relative links in a story resolve against the feed, not the page: make them absolute."""
    def replace(match: re.Match) -> str:
        target = urljoin(base, html.unescape(match[2]))
        return f'{match[1]}="{html.escape(target, quote=True)}"'

    return _LINK_ATTRIBUTE.sub(replace, fragment)


def entry_summary(profile: dict) -> str:
    return profile.get("summary") or (profile["achievements"][0] if profile["achievements"] else profile["name"])


def entry_content(profile: dict, origin: str) -> str:
    """The whole profile as sanitized HTML: who, the achievements, the awards, then the story (already
    sanitized by markup.py); editor text is escaped here."""
    escape = html.escape
    who = ", ".join(escape(part) for part in (profile.get("position"), profile["unit_name"]) if part)
    parts = [f"<p>{escape(profile['kind_label'])} – {who} – {escape(profile['field_label'])} – năm {profile['year']}</p>"]
    parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in profile["achievements"]) + "</ul>")
    if profile.get("awards"):
        awards = []
        for award in profile["awards"]:
            text = escape(award["title"])
            if award.get("decision"):
                text += f", Quyết định số {escape(award['decision'])}"
            if award.get("date_text"):
                text += f" {escape(award['date_text'])}"
            awards.append(f"<li>{text}</li>")
        parts.append("<p>Khen thưởng:</p><ul>" + "".join(awards) + "</ul>")
    parts.append(absolute_links(profile.get("body_html", ""), profile["canonical"]))
    return "\n".join(parts)


def _image(profile: dict, origin: str) -> dict | None:
    photo = profile.get("photo")
    return {**photo["largest"], "url": origin + photo["largest"]["url"]} if photo else None


def atom_feed(profiles: list[dict], project: Project, home: str) -> bytes:
    site = project.site
    origin = site.origin
    paths = file_paths(project)
    publisher = head_links(project)["publisher"]

    def sub(parent: ET.Element, tag: str, text: object = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, tag, {key: _xml_text(value) for key, value in attributes.items()})
        if text is not None:
            element.text = _xml_text(text)
        return element

    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: site.language})
    sub(feed, "id", home)
    sub(feed, "title", f"{site.title} – {publisher}")
    if site.description:
        sub(feed, "subtitle", site.description)
    sub(feed, "link", rel="self", type="application/atom+xml", href=origin + paths["atom"])
    sub(feed, "link", rel="alternate", type="text/html", href=home)
    sub(feed, "link", rel="alternate", type="application/feed+json", href=origin + paths["json_feed"])
    newest = max((entry_date(profile) for profile in profiles), default=None)
    first_year = min((plan.start for plan in project.plans), default=2000)
    sub(feed, "updated", _timestamp(newest or datetime.date(first_year, 1, 1), project))
    author = sub(feed, "author")
    sub(author, "name", publisher)
    sub(author, "uri", site.base_url)
    sub(feed, "generator", "showcase")
    for profile in profiles:
        stamp = _timestamp(entry_date(profile), project)
        entry = sub(feed, "entry", **{XML_BASE: profile["canonical"]})
        sub(entry, "id", profile["canonical"])
        sub(entry, "title", profile["name"])
        sub(entry, "link", rel="alternate", type="text/html", href=profile["canonical"])
        sub(entry, "published", stamp)
        sub(entry, "updated", stamp)
        entry_author = sub(entry, "author")
        sub(entry_author, "name", publisher)
        for label in (profile["field_label"], profile["unit_name"], profile["kind_label"]):
            sub(entry, "category", term=label, label=label)
        sub(entry, "summary", entry_summary(profile), type="text")
        sub(entry, "content", entry_content(profile, origin), type="html")
        image = _image(profile, origin)
        if image:
            sub(entry, "link", rel="enclosure", type=image["type"], href=image["url"], length=str(image["length"]))
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def json_feed(profiles: list[dict], project: Project, home: str) -> bytes:
    site = project.site
    origin = site.origin
    paths = file_paths(project)
    publisher = head_links(project)["publisher"]
    authors = [{"name": publisher, "url": site.base_url}]
    items = []
    for profile in profiles:
        stamp = _timestamp(entry_date(profile), project)
        item = {
            "id": profile["canonical"],
            "url": profile["canonical"],
            "title": profile["name"],
            "summary": entry_summary(profile),
            "content_html": entry_content(profile, origin),
            "date_published": stamp,
            "date_modified": stamp,
            "authors": authors,
            "tags": [profile["field_label"], profile["unit_name"], profile["kind_label"], str(profile["year"])],
            "language": site.language,
        }
        image = _image(profile, origin)
        if image:
            item["image"] = image["url"]
        items.append(item)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": f"{site.title} – {publisher}",
        "home_page_url": home,
        "feed_url": origin + paths["json_feed"],
        "description": site.description,
        "language": site.language,
        "authors": authors,
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def sitemap(pages: list[Page], project: Project) -> bytes:
    """Every page that has a canonical URL (so not the 404 page, nor redirects), with its photo."""
    root = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:image": SITEMAP_IMAGE})
    seen: set[str] = set()
    for page in pages:
        location = page.context.get("canonical")
        if not location or location in seen:
            continue
        seen.add(location)
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = _xml_text(location)
        profile = page.context.get("profile")
        image = _image(profile, project.site.origin) if isinstance(profile, dict) else None
        if image:
            holder = ET.SubElement(url, "image:image")
            ET.SubElement(holder, "image:loc").text = _xml_text(image["url"])
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def robots(project: Project) -> bytes:
    """At the output root, so it is the domain's /robots.txt; its Sitemap line is absolute, so it
    holds under a sub-path deployment too."""
    site_map = project.site.origin + file_paths(project)["sitemap"]
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_map}\n".encode()


def discovery_files(pages: list[Page], project: Project) -> dict[str, bytes]:
    """The feeds list the newest published profiles (`feed_count` in data/site.yaml), as Hugo's and
    Zola's feed limits do: readers poll them, so they stay small; the sitemap lists every published page."""
    profiles = [page.context["profile"] for page in pages if isinstance(page.context.get("profile"), dict)]
    profiles = newest_first(profiles)[: project.site.feed_count]
    home = project.site.origin + project.site.prefix
    paths = file_paths(project)
    return {
        paths["atom"].lstrip("/"): atom_feed(profiles, project, home),
        paths["json_feed"].lstrip("/"): json_feed(profiles, project, home),
        paths["sitemap"].lstrip("/"): sitemap(pages, project),
        "robots.txt": robots(project),
    }
