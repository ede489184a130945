from broadsheet.model import EntityKind
from broadsheet.registry import parse_registry


def test_lookup_by_name_or_alias_is_case_and_accent_insensitive():
    reg, problems = parse_registry(
        "entities:\n  - name: José Núñez\n    kind: person\n    aliases: [Pepe]\n"
        "    description: A mayor.\n    same_as: [https://example.org/jn]\n"
    )
    assert problems == []
    for name in ("José Núñez", "jose nunez", "PEPE"):
        entry = reg.lookup(name)
        assert entry is not None and entry.name == "José Núñez"
        assert entry.kind == EntityKind.PERSON and entry.same_as == ("https://example.org/jn",)


def test_bad_entries_are_reported_with_lines():
    reg, problems = parse_registry(
        "entities:\n  - name: A\n    kind: robot\n  - kind: person\n"
        "  - name: B\n    same_as: [javascript:alert(1)]\n"
    )
    messages = [(p.line, p.message) for p in problems]
    assert any(line == 2 and "kind" in m for line, m in messages)
    assert any(line == 4 and "name" in m for line, m in messages)
    assert any(line == 5 and "http" in m for line, m in messages)
    assert reg.lookup("B").same_as == ()


def test_alias_claimed_twice_warns_and_first_wins():
    reg, problems = parse_registry(
        "entities:\n  - name: A\n    aliases: [X]\n  - name: B\n    aliases: [X]\n"
    )
    assert reg.lookup("X").name == "A"
    assert problems and problems[0].severity == "warning"


def test_ignore_list():
    reg, _ = parse_registry("ignore: [Kremlin, The Sample]\n")
    assert reg.ignores("kremlin") and reg.ignores("the sample") and not reg.ignores("Moscow")
