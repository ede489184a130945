"""YAML for editors' files: PyYAML's safe loader, minus the one way it crashes on a typo.

`yaml.safe_load` turns anything shaped like a date (`2020-02-30`, `0000-01-01`) into a
`datetime.date`, and raises a bare ValueError (not a YAMLError) when that date does not exist.
Here such a value stays the string the editor wrote, so the key's own check reports it with its
line ("'date' '0000-01-01' is not a date ...") and the rest of the file is still read.
"""

from __future__ import annotations

from typing import Any

import yaml

#: libyaml's C parser when PyYAML was built with it (about ten times faster), same safe types.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)  # type: ignore[arg-type]


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_timestamp)


def load_with_node(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node (as compose) and its data (as safe_load), from one parse. Raises
    yaml.YAMLError only."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    except RecursionError as exc:
        raise yaml.YAMLError("the YAML is nested too deeply") from exc
    finally:
        loader.dispose()
