"""Slugs: the one place a name becomes a URL path segment."""

from __future__ import annotations

import hashlib

from slugify import slugify

#: Longest slug; keeps file names well inside every file system's limit.
MAX_SLUG_LENGTH = 80


def slugify_text(text: str) -> str:
    """ASCII, lowercase, hyphenated ("Sergey Kislyak" → "sergey-kislyak"); may be empty."""
    return slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True, save_order=True)


def stable_slug(text: str, prefix: str) -> str:
    """A slug that is never empty: names with no Latin transliteration (only punctuation, say)
    get a short hash of the name, which is the same on every build."""
    slug = slugify_text(text)
    if slug:
        return slug
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"
