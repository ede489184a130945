"""JSON files (site/api/): how a value becomes bytes, and a list encoded record by record.

A list's records go one per line: as easy to read and to grep as indented JSON, a fifth
smaller, and written by json's C encoder (which `indent` turns off: the API files of 10,000
articles took 0.25 s each). Keys sorted and UTF-8 as it is, so the bytes are stable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def json_line(value: Any) -> str:
    """One value as compact JSON on one line."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class JsonRecords:
    """A list whose records are already encoded (json_line), one string each.

    The API files list every article or entity of the archive: as dicts, 100,000 articles'
    records take ~400 MB in the process rendering them; encoded as they are made, ~60 MB."""

    lines: tuple[str, ...]

    @classmethod
    def of(cls, records: Iterable[Any]) -> JsonRecords:
        return cls(tuple(map(json_line, records)))


def json_bytes(data: Any) -> bytes:
    """The file for `data` (a JsonRecords, a list or any JSON value), a list's records one per
    line."""
    if isinstance(data, JsonRecords):
        lines = data.lines
    elif isinstance(data, list):
        lines = tuple(map(json_line, data))
    else:
        return (json_line(data) + "\n").encode("utf-8")
    if not lines:
        return b"[]\n"
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")
