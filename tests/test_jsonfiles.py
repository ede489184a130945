"""jsonfiles.py: the API files' JSON."""

import json

from broadsheet.jsonfiles import JsonRecords, json_bytes


def test_json_lists_one_record_per_line_and_reads_back_equal():
    rows = [
        {"name": "Zoë Ångström", "articles": ["a/", "b/"], "description": 'said "no"\n'},
        {"name": "Rand Paul", "articles": [], "aliases": ["Paul"]},
    ]
    data = json_bytes(rows)
    assert json.loads(data) == rows
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4
    assert json.loads(lines[1].rstrip(",")) == rows[0]
    assert "Zoë Ångström" in lines[1]  # UTF-8 as it is, not \u escapes
    assert lines[1].index('"articles"') < lines[1].index('"name"')  # keys sorted: stable bytes


def test_json_other_values_on_one_line():
    assert json_bytes([]) == b"[]\n"
    assert json_bytes({"b": 1, "a": [1, 2]}) == b'{"a": [1, 2], "b": 1}\n'


def test_records_encoded_as_they_are_made_give_the_same_file_as_the_list():
    rows = [{"name": "Zoë", "n": [1, 2]}, {"name": 'a "b"', "n": []}]
    assert json_bytes(JsonRecords.of(iter(rows))) == json_bytes(rows)
    assert json_bytes(JsonRecords.of([])) == json_bytes([]) == b"[]\n"
