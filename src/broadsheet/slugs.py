"""Slugs: the one place a name becomes a URL path segment."""

from __future__ import annotations

import hashlib

from slugify import slugify

#: Longest slug; keeps file names well inside every file system's limit.
MAX_SLUG_LENGTH = 80


#: Names Windows reserves for devices, with or without an extension: a folder called "con" or
#: "nul" cannot be created, copied or served there. Such a slug gets WINDOWS_RESERVED_SUFFIX.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
)
WINDOWS_RESERVED_SUFFIX = "-1"


def slugify_text(text: str) -> str:
    """ASCII, lowercase, hyphenated ("Sergey Kislyak" → "sergey-kislyak"); may be empty.

    Only [a-z0-9-], no leading or trailing hyphen, at most MAX_SLUG_LENGTH characters, never a
    name Windows reserves ("Con" → "con-1"): safe as a path segment on every file system.
    """
    slug = slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True, save_order=True)
    return slug + WINDOWS_RESERVED_SUFFIX if slug in WINDOWS_RESERVED else slug


def stable_slug(text: str, prefix: str) -> str:
    """A slug that is never empty: names with no Latin transliteration (only punctuation, say)
    get a short hash of the name, which is the same on every build."""
    slug = slugify_text(text)
    if slug:
        return slug
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"
