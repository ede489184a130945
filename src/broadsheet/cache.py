"""The build cache: extraction results by the text they were extracted from.

The key folds in the body text's hash and a fingerprint of the model, spaCy and rules
(extract.pipeline_fingerprint), so a new model or rule set starts a fresh cache. An unreadable
or foreign entry is a miss, never trusted; entries are written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
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
        key = text_key(text)
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            mentions = tuple(
                Mention(
                    m["start"],
                    m["end"],
                    m["text"],
                    m["name"],
                    EntityKind(m["kind"]),
                    m["sentence_start"],
                    m["sentence_end"],
                )
                for m in data["mentions"]
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if any(text[m.start : m.end] != m.text for m in mentions):
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
            tmp = file.with_suffix(f".tmp-{os.getpid()}")
            tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, file)
        except OSError:
            pass  # a cache that cannot be written only costs time
