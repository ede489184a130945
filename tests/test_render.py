"""render.py: templates escape what they show exactly as markupsafe does, only faster."""

from __future__ import annotations

from pathlib import Path

import markupsafe
import pytest
from markupsafe import Markup

from broadsheet.config import Config
from broadsheet.render import escape_output, make_environment


class _Html:
    def __html__(self) -> str:
        return "<em>own</em>"


class _Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "",
        "<script>alert('x') & \"y\"</script>",
        Markup("<b>kept</b>"),
        _Text("<i>subclass</i>"),
        _Html(),
        42,
        -7,
        True,
        3.5,
        None,
        ["<a>"],
    ],
)
def test_escape_output_is_markupsafe_escape(value: object) -> None:
    # the same text; a plain string where markupsafe.escape makes Markup (written out as is)
    got, expected = escape_output(value), markupsafe.escape(value)
    assert isinstance(got, str)
    assert str(got) == str(expected)


def test_templates_escape_through_escape_output(tmp_path: Path) -> None:
    env = make_environment(tmp_path, Config())
    source = "{{ text }}|{{ safe }}|{{ text | upper }}"
    assert "escape_output as escape" in env.compile(source, raw=True)
    shown = env.from_string(source).render(text="<b>&", safe=Markup("<i>ok</i>"))
    assert shown == "&lt;b&gt;&amp;|<i>ok</i>|&lt;B&gt;&amp;"
