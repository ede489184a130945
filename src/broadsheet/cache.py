"""The build cache: extraction results by the text they were extracted from.

The key folds in the body text's hash and a fingerprint of the model, spaCy and rules
(extract.pipeline_fingerprint), so a new model or rule set starts a fresh cache. An unreadable
or foreign entry is a miss, never trusted; entries are written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from broadsheet.model import EntityKind, Mention

CACHE_DIR = ".broadsheet-cache"
FORMAT = 1


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ExtractionCache:
    """Mentions per body text, under <project>/.broadsheet-cache/extract/<fingerprint>/."""

    def __init__(self, root: Path, fingerprint: str) -> None:
        digest = hashlib.sha256(f"{FORMAT}:{fingerprint}".encode()).hexdigest()[:16]
        self.folder = root / "extract" / digest

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, text: str) -> tuple[Mention, ...] | None:
        """The cached mentions for `text`, or None: a missing, unreadable, truncated, foreign
        (another text's) or inconsistent entry is a miss, recomputed and rewritten."""
        key = text_key(text)
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("key") != key:
                return None
            mentions = tuple(_mention(m) for m in data["mentions"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None
        if not all(_fits(m, text) for m in mentions):
            return None  # not extracted from this text: never trust it
        return mentions

    def put(self, text: str, mentions: tuple[Mention, ...]) -> None:
        key = text_key(text)
        file = self._file(key)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "key": key,
                "mentions": [
                    {
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "name": m.name,
                        "kind": m.kind.value,
                        "sentence_start": m.sentence_start,
                        "sentence_end": m.sentence_end,
                    }
                    for m in mentions
                ],
            }
            if file.is_dir() and not file.is_symlink():
                shutil.rmtree(file)  # something else in the entry's place: make room
            tmp = file.with_suffix(f".tmp-{os.getpid()}")
            try:
                tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, file)  # readers see the old entry or the new one, never half
            finally:
                tmp.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _mention(m: dict[str, object]) -> Mention:
    """A Mention from a cache entry, checking every field's type (TypeError when wrong)."""
    ints = [m[k] for k in ("start", "end", "sentence_start", "sentence_end")]
    strs = [m[k] for k in ("text", "name")]
    if any(type(v) is not int for v in ints) or any(type(v) is not str for v in strs):
        raise TypeError("bad field in cache entry")
    start, end, s0, s1 = ints
    return Mention(start, end, m["text"], m["name"], EntityKind(m["kind"]), s0, s1)  # type: ignore[arg-type]


def _fits(m: Mention, text: str) -> bool:
    """The mention's offsets are inside `text` and its text is what is there."""
    return (
        0 <= m.start < m.end <= len(text)
        and 0 <= m.sentence_start <= m.sentence_end <= len(text)
        and text[m.start : m.end] == m.text
        and bool(m.name.strip())
    )
