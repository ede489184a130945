"""The editors' registry, data/entities.yaml: canonical names, aliases (merges), kinds (type
corrections), descriptions, sameAs links, and names that are never entities.

    entities:
      - name: Rand Paul
        kind: person
        aliases: [Sen. Paul, Randal Howard Paul]
        description: U.S. senator from Kentucky.
        same_as: [https://www.wikidata.org/wiki/Q463557]
    ignore: [Kremlin]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from broadsheet.extract.names import name_key
from broadsheet.model import EntityKind, Problem

REGISTRY_FILE = "data/entities.yaml"
ENTRY_KEYS = ("name", "kind", "aliases", "description", "same_as")


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    kind: EntityKind | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    entries: tuple[RegistryEntry, ...] = ()
    ignore: frozenset[str] = frozenset()  #: name_keys
    #: name_key of every name and alias → index into entries
    index: dict[str, int] = field(default_factory=dict)

    # Both are asked about every name of every article: with nothing to find (an archive
    # without a registry, or one that ignores nothing) the name's key is not worked out.
    def lookup(self, name: str) -> RegistryEntry | None:
        if not self.index:
            return None
        i = self.index.get(name_key(name))
        return self.entries[i] if i is not None else None

    def ignores(self, name: str) -> bool:
        return bool(self.ignore) and name_key(name) in self.ignore

    def fingerprint(self) -> str:
        return repr((self.entries, sorted(self.ignore)))


def _strings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    return None


def _parse_entry(
    raw: Any, path: str, line: int | None
) -> tuple[RegistryEntry | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(msg: str, severity: str = "error") -> None:
        problems.append(Problem(path, msg, line, None, severity))  # type: ignore[arg-type]

    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        problem("each entry needs 'name: <canonical name>'")
        return None, problems
    for key in raw:
        if key not in ENTRY_KEYS:
            problem(
                f"unknown key '{key}' in entry '{raw['name']}' (known: {', '.join(ENTRY_KEYS)})",
                "warning",
            )
    kind: EntityKind | None = None
    if raw.get("kind") is not None:
        try:
            kind = EntityKind(str(raw["kind"]).strip().lower())
        except ValueError:
            problem(
                f"'{raw['name']}': kind must be person, organization or place, not {raw['kind']!r}"
            )
    aliases, same_as = _strings(raw.get("aliases")), _strings(raw.get("same_as"))
    if aliases is None or same_as is None:
        problem(f"'{raw['name']}': aliases and same_as must be lists of text")
        return None, problems
    bad_links = [u for u in same_as if not u.startswith(("http://", "https://"))]
    if bad_links:
        problem(f"'{raw['name']}': same_as links must be http(s) URLs: {', '.join(bad_links)}")
        same_as = tuple(u for u in same_as if u not in bad_links)
    description = raw.get("description") or ""
    if not isinstance(description, str):
        problem(f"'{raw['name']}': description must be text")
        description = ""
    entry = RegistryEntry(
        " ".join(raw["name"].split()), kind, aliases, description.strip(), same_as
    )
    return entry, problems


def parse_registry(text: str, path: str = REGISTRY_FILE) -> tuple[Registry, list[Problem]]:
    try:
        data = yaml.safe_load(text) if text.strip() else {}
        root = yaml.compose(text) if text.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return Registry(), [
            Problem(
                path,
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                mark.line + 1 if mark else None,
            )
        ]
    data = data or {}
    if not isinstance(data, dict):
        return Registry(), [Problem(path, "must be a mapping with 'entities:' and 'ignore:'", 1)]
    problems: list[Problem] = []
    entry_lines: list[int | None] = []
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if k.value == "entities" and isinstance(v, yaml.SequenceNode):
                entry_lines = [item.start_mark.line + 1 for item in v.value]
    raw_entries = data.get("entities") or []
    if not isinstance(raw_entries, list):
        problems.append(Problem(path, "'entities' must be a list of entries"))
        raw_entries = []
    entries: list[RegistryEntry] = []
    index: dict[str, int] = {}
    for i, raw in enumerate(raw_entries):
        line = entry_lines[i] if i < len(entry_lines) else None
        entry, found = _parse_entry(raw, path, line)
        problems.extend(found)
        if entry is None:
            continue
        for name in (entry.name, *entry.aliases):
            key = name_key(name)
            if key in index and index[key] != len(entries):
                other = entries[index[key]].name
                problems.append(
                    Problem(
                        path,
                        f"'{name}' is listed for both '{other}' and "
                        f"'{entry.name}'; the first one wins",
                        line,
                        None,
                        "warning",
                    )
                )
                continue
            index[key] = len(entries)
        entries.append(entry)
    ignore = _strings(data.get("ignore"))
    if ignore is None:
        problems.append(Problem(path, "'ignore' must be a list of names"))
        ignore = ()
    unknown = [k for k in data if k not in ("entities", "ignore")]
    for key in unknown:
        problems.append(
            Problem(path, f"unknown key '{key}' (known: entities, ignore)", None, None, "warning")
        )
    return Registry(tuple(entries), frozenset(name_key(n) for n in ignore), index), problems


def load_registry(project: Path) -> tuple[Registry, list[Problem]]:
    file = project / REGISTRY_FILE
    if not file.is_file():
        return Registry(), []
    return parse_registry(file.read_text(encoding="utf-8-sig"), REGISTRY_FILE)
