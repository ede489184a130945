from pathlib import Path

from broadsheet.config import Config, load_config, parse_config


def test_empty_or_absent_config_gives_defaults(tmp_path: Path):
    assert parse_config("") == (Config(), [])
    assert load_config(tmp_path) == (Config(), [])


def test_values_are_read():
    config, problems = parse_config("title: The Ledger\nper_page: 5\ntimezone: Europe/London\n")
    assert problems == []
    assert (config.title, config.per_page, config.timezone) == ("The Ledger", 5, "Europe/London")


def test_unknown_key_warns_with_suggestion_and_line():
    _, problems = parse_config("title: X\nbase_ulr: https://example.org/\n")
    assert len(problems) == 1
    p = problems[0]
    assert (p.severity, p.line) == ("warning", 2)
    assert "did you mean 'base_url'" in p.message


def test_every_bad_value_is_reported_at_once():
    config, problems = parse_config("per_page: zero\ntimezone: Mars/Olympus\nbase_url: example\n")
    assert [p.line for p in problems] == [1, 2, 3]
    assert all(p.severity == "error" for p in problems)
    assert config == Config()  # bad values fall back to defaults


def test_yaml_syntax_error_names_the_line():
    _, problems = parse_config("title: [unclosed\nper_page: 3\n")
    assert problems and problems[0].line is not None


def test_cli_overrides_win_but_none_does_not(tmp_path: Path):
    (tmp_path / "site.yaml").write_text("output_dir: public\nbase_url: https://a.example/\n")
    config, _ = load_config(tmp_path, {"output_dir": None, "base_url": "https://b.example/"})
    assert (config.output_dir, config.base_url) == ("public", "https://b.example/")
