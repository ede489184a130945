"""schema.org JSON-LD for article and entity pages, and its safe serialisation.

The builders take plain values (URLs already decided by plan.py) and return JSON-ready dicts.
`to_script_json` is the only way they reach HTML: json.dumps, then `<`, `>` and `&` written as
\\u003c, \\u003e and \\u0026, so no text from content (a headline holding `</script>`, say) can
close the script element or open a comment in it; the JSON means exactly the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

CONTEXT = "https://schema.org"
#: schema.org type for each entity kind (model.EntityKind values) and for bylines.
TYPES = {"person": "Person", "organization": "Organization", "place": "Place", "author": "Person"}

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def to_script_json(data: Any) -> str:
    """JSON for a `<script type="application/ld+json">` element: can never end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _ESCAPES.items():
        text = text.replace(char, escaped)
    return text


def thing(kind: str, name: str, url: str) -> dict[str, Any]:
    """A short reference to a person, organization, place or author."""
    return {"@type": TYPES[kind], "name": name, "url": url}


def news_article(
    *,
    headline: str,
    url: str,
    date_published: str,
    description: str,
    language: str,
    authors: Sequence[dict[str, Any]],
    mentions: Sequence[dict[str, Any]],
    publisher: dict[str, Any],
) -> dict[str, Any]:
    """A `NewsArticle`: authors and mentions are `thing()` dicts, in the page's order."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": headline,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": language,
    }
    if date_published:
        data["datePublished"] = date_published
    if description:
        data["description"] = description
    if authors:
        data["author"] = list(authors)
    if mentions:
        data["mentions"] = list(mentions)
    data["publisher"] = publisher
    return data


def entity(
    *,
    kind: str,
    name: str,
    url: str,
    description: str = "",
    same_as: Sequence[str] = (),
    aliases: Sequence[str] = (),
) -> dict[str, Any]:
    """A `Person`, `Organization` or `Place` with its registry description and `sameAs` links."""
    data: dict[str, Any] = {"@context": CONTEXT, **thing(kind, name, url)}
    if aliases:
        data["alternateName"] = list(aliases)
    if description:
        data["description"] = description
    if same_as:
        data["sameAs"] = list(same_as)
    return data


def website(*, name: str, url: str, description: str = "", language: str = "") -> dict[str, Any]:
    """The home page's `WebSite`."""
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "WebSite", "name": name, "url": url}
    if description:
        data["description"] = description
    if language:
        data["inLanguage"] = language
    return data
