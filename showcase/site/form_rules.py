"""What the editors' form needs to check a profile as `check` does: `rules.json`, made at build time.

The checks themselves are a port of `source/validate.py` in `layouts/cms/rules.js`; everything they know
comes from here, taken from the same objects the validator reads: the schema (PROFILE_FIELDS, KEY_ALIASES),
the plans, units and personal-data rules of data/, the template texts of `build.py new`, the patterns of the
unsafe-content scan, the date forms, and the tables of Python's own `html.unescape` and
`unicodedata.combining` (so that folding and unescaping give the same text in both). The words come from
the message catalog (messages.json). Ordered mappings are lists of pairs, since a JavaScript object puts
integer-like keys first.

tests/test_form_rules.py runs rules.js in Node beside the validator on the same profiles.
"""

from __future__ import annotations

import html
import html.entities
import re
import unicodedata
from functools import cache

from showcase.common.config import Project
from showcase.common.text import INVISIBLE_CHARACTERS
from showcase.source import skeleton
from showcase.source.aliases import ALIAS_PATH
from showcase.source.markup import ALLOWED_TAGS, DANGEROUS_TAGS, SCAN_PATTERNS
from showcase.source.reader import DATE_FORMATS
from showcase.source.schema import KEY_ALIASES, PROFILE_FIELDS, Spec

# The codes rules.js gives, as check gives them, from a profile's data alone. The others need the file
# itself (E001–E009: its bytes and YAML layout; E020, E027, E029, E030: the photo or the file on disk) or the
# whole site (E019, E040, E041, W004), and stay with `check` (the guide says so).
FORM_CODES = ("E010", "E011", "E012", "E013", "E014", "E015", "E016", "E017", "E018", "E021", "E022", "E023", "E024",
              "E025", "E026", "E028", "E042", "E043", "E044", "E045", "E046", "W001", "W002", "W003", "W005")


def js_regex(pattern: re.Pattern) -> dict:
    """A Python pattern as JavaScript's RegExp reads it alike. Patterns compiled with re.ASCII keep ASCII
    semantics (no /u); the others get Unicode's, with `\\w` spelled as Python's (letters, digits, `_`)."""
    source = pattern.pattern.replace("\\Z", "$")
    flags = ("i" if pattern.flags & re.IGNORECASE else "") + ("s" if pattern.flags & re.DOTALL else "")
    if not pattern.flags & re.ASCII:
        source = source.replace("\\w", "\\p{L}\\p{N}_") if "[" in source else source.replace("\\w", "[\\p{L}\\p{N}_]")
        flags += "u"
    if re.search(r"\(\?P|\(\?[aiLmsux]|\\[AzZ]", source) or pattern.flags & re.MULTILINE:
        raise ValueError(f"no JavaScript form for {pattern.pattern!r}")
    return {"source": source, "flags": flags}


def _spec(spec: Spec) -> dict:
    described = {"type": spec.type, "required": spec.required, "example": spec.example}
    if spec.source:
        described["source"] = spec.source
    if spec.many:
        described["many"] = True
    if spec.items is not None:
        described["items"] = _spec(spec.items)
    if spec.fields:
        described["fields"] = [[name, _spec(item)] for name, item in spec.fields.items()]
    return described


def _plans(project: Project) -> list[dict]:
    return [{
        "id": plan.id, "start": plan.start, "end": plan.end,
        "kinds": [[kind.id, kind.label] for kind in plan.kinds.values()],
        "fields": [[field.id, {"label": field.label, "letter": field.letter}] for field in plan.fields.values()],
        "general_criteria": [criterion.id for criterion in plan.general_criteria],
        "criteria": [[criterion.id, {"text": criterion.text, "kinds": list(criterion.kinds), "field": criterion.field}]
                     for criterion in plan.criteria.values()],
        "stages": [[stage.id, stage.label] for stage in plan.stages.values()],
        "milestones": [[milestone.id, {"label": milestone.label, "start": milestone.covers_start,
                                       "end": milestone.covers_end}] for milestone in plan.milestones.values()],
    } for plan in project.plans]


@cache
def _combining_ranges() -> list[list[int]]:
    """Code points with a non-zero canonical combining class (what `fold` drops after NFD), as ranges
    (0.15 s: made once a process, only when the form's folder is)."""
    ranges: list[list[int]] = []
    for code in range(0x110000):
        if unicodedata.combining(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return ranges


def form_rules(project: Project) -> dict:
    rules = project.personal_data
    return {
        "codes": list(FORM_CODES),
        "fields": [[name, _spec(spec)] for name, spec in PROFILE_FIELDS.items()],
        "key_aliases": {group: [[name, list(aliases)] for name, aliases in names.items()]
                        for group, names in KEY_ALIASES.items()},
        "plans": _plans(project),
        "units": [{"id": unit.id, "name": unit.name, "from": unit.from_year, "until": unit.until_year}
                  for unit in project.units.values()],
        "personal_data": {"requires_consent": list(rules.requires_consent),
                          "scopes": [[scope, label] for scope, label in rules.scopes.items()],
                          "field_scopes": [[key, scope] for key, scope in rules.field_scopes.items()]},
        "template_texts": {"fields": [[key, text] for key, text in skeleton.FIELD_TEXTS.items()],
                           "body": sorted(skeleton.BODY_TEXTS)},
        "patterns": {**{name: js_regex(pattern) for name, pattern in SCAN_PATTERNS.items()},
                     "invisible": js_regex(INVISIBLE_CHARACTERS), "alias": js_regex(ALIAS_PATH)},
        "tags": {"dangerous": sorted(DANGEROUS_TAGS), "allowed": sorted(ALLOWED_TAGS)},
        "date_formats": [[js_regex(pattern), list(order)] for pattern, order in DATE_FORMATS],
        # html.unescape's own tables (its private ones too: they decide what a numeric reference becomes).
        "html": {"entities": html.entities.html5, "invalid_charrefs": [[code, text] for code, text in
                                                                       sorted(html._invalid_charrefs.items())],
                 "invalid_codepoints": sorted(html._invalid_codepoints)},
        "combining": _combining_ranges(),
    }
