import datetime as dt

import pytest

from broadsheet.frontmatter import render_front_matter, split, validate
from broadsheet.model import SourceError


def fm(text: str):
    doc = split(text, "content/a.md")
    return validate(doc.meta, "content/a.md", doc.key_lines)


def test_all_keys_are_read():
    meta, problems = fm(
        "---\nheadline: H\nbyline: [A B, C D]\ndate: 2018-08-06\npeople: [Rand Paul]\n"
        "organizations: [Cato Institute]\nplaces: [Moscow]\nslug: s\nsummary: S\ndraft: true\n"
        "---\nBody\n"
    )
    assert problems == []
    assert meta.headline == "H" and meta.bylines == ("A B", "C D")
    assert meta.date == dt.date(2018, 8, 6) and meta.published is None
    assert dict(meta.declared) == {
        "people": ("Rand Paul",),
        "organizations": ("Cato Institute",),
        "places": ("Moscow",),
    }
    assert (meta.slug, meta.summary, meta.draft) == ("s", "S", True)


def test_no_front_matter_is_fine():
    doc = split("# Headline\n\nBody", "a.md")
    assert doc.meta == {} and doc.body.startswith("# Headline")


def test_body_line_counts_front_matter():
    doc = split("---\na: 1\nb: 2\n---\nBody\n", "a.md")
    assert doc.body_line == 5


def test_yaml_error_reports_file_and_line():
    with pytest.raises(SourceError) as err:
        split("---\nheadline: ok\npeople: [Rand Paul\ndate: 2018-01-01\n---\nBody", "content/x.md")
    p = err.value.problem
    assert p.path == "content/x.md" and p.line is not None and p.line >= 3
    assert "YAML" in p.message


@pytest.mark.parametrize("text", ["---\n- a\n- b\n---\nBody", "---\njust text\n---\nBody"])
def test_front_matter_must_be_a_mapping(text):
    with pytest.raises(SourceError, match="mapping"):
        split(text, "a.md")


def test_unknown_key_suggests_the_right_one():
    _, problems = fm("---\nheadlin: H\n---\n")
    assert problems[0].line == 2 and "did you mean 'headline'" in problems[0].message


def test_wrong_types_are_reported_and_ignored():
    meta, problems = fm("---\ndate: yesterday\ndraft: maybe\npeople: {a: 1}\n---\n")
    assert meta.date is None and meta.draft is False and meta.declared == ()
    assert len(problems) == 3 and {p.line for p in problems} == {2, 3, 4}


def test_single_name_for_a_list_is_accepted_with_a_warning():
    meta, problems = fm("---\npeople: Rand Paul\n---\n")
    assert dict(meta.declared) == {"people": ("Rand Paul",)}
    assert problems[0].severity == "warning" and "[Rand Paul]" in problems[0].message


def test_datetime_keeps_the_time():
    meta, _ = fm("---\ndate: 2018-08-06T16:15:00-04:00\n---\n")
    assert meta.date == dt.date(2018, 8, 6)
    assert meta.published == dt.datetime(
        2018, 8, 6, 16, 15, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )


def test_render_front_matter_round_trips_in_contract_order():
    text = render_front_matter(
        {"slug": "s", "headline": "A: B", "people": ["X Y"], "date": dt.date(2018, 8, 6)}
    )
    assert text.splitlines()[1].startswith("headline:")
    doc = split(text + "Body", "a.md")
    assert doc.meta == {
        "headline": "A: B",
        "date": dt.date(2018, 8, 6),
        "people": ["X Y"],
        "slug": "s",
    }
