"""The README documents what the code does: every setting, every front-matter key, the commands."""

from broadsheet.config import Config, field_docs
from broadsheet.frontmatter import KEYS
from paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_with_its_default():
    docs = field_docs()
    for name, default in Config().__dict__.items():
        assert f"| `{name}` |" in README, name
        assert docs.get(name), f"{name} has no docstring in config.py"
        if default not in ("", True, False):
            assert f"`{default}`" in README, (name, default)


def test_every_front_matter_key_is_documented():
    for key in KEYS:
        assert f"| `{key}` |" in README, key


def test_quick_start_commands_exist_in_the_makefile():
    makefile = (REPO / "Makefile").read_text()
    for target in ("site", "test"):
        assert f"make {target}" in README
        assert f"\n{target}:" in makefile
