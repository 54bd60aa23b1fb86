"""What a page tells search engines and social networks: schema.org JSON-LD for profiles.

A pure function of a profile's page context (plain data from the model) and the site.
The JSON is embedded in `<script type="application/ld+json">`, which a strict CSP
allows because it is data, not code; `<`, `>` and `&` are written as `\\u003c`, `\\u003e`,
`\\u0026` so no editor text can close the script element or open a comment.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from showcase.common.config import Site
from showcase.common.text import fold


def safe_json(data: object) -> Markup:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - escaped above for the inside of a <script> element


def department(site: Site) -> dict:
    return {"@type": "GovernmentOrganization", "name": f"{site.department} tỉnh {site.province}", "url": site.base_url}


def profile_json_ld(profile: dict, site: Site) -> dict:
    """Person for an individual, Organization for a collective, with the awards and where they work."""
    origin = site.origin
    parent = department(site)
    unit = {"@type": "Organization", "name": profile["unit_name"], "url": origin + profile["unit_url"],
            "parentOrganization": parent}
    awards = [award["title"] for award in profile.get("awards", [])]
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Person" if profile.get("is_person") else "Organization",
        "@id": profile["canonical"] + "#dien-hinh",
        "name": profile["name"],
        "url": profile["canonical"],
        "mainEntityOfPage": profile["canonical"],
        "description": profile.get("summary") or "; ".join(profile["achievements"]),
        "award": awards or [f"Điển hình tiên tiến năm {profile['year']}"],
    }
    if profile.get("is_person"):
        if profile.get("position"):
            data["jobTitle"] = profile["position"]
        data["worksFor"] = unit
    else:
        # A collective that is the unit itself belongs to the department, otherwise to its unit.
        same = fold(profile["unit_name"]) in fold(profile["name"])
        data["parentOrganization"] = parent if same else unit
    photo = profile.get("photo")
    if photo:
        largest = photo["largest"]
        data["image"] = {"@type": "ImageObject", "url": origin + largest["url"], "width": largest["width"],
                         "height": largest["height"], "caption": photo["alt"]}
    return data


def json_ld(profile: dict, site: Site) -> Markup:
    """For templates: `{{ json_ld(profile, site) }}` inside the script element."""
    return safe_json(profile_json_ld(profile, site))
