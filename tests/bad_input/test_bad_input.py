"""Bad input: every case is reported the way an editor sees it (path:line: severity: message),
and the rest of the archive still builds.

One project holds every case beside good articles and is built once; each case then checks its
own messages and whether its page exists. Behaviour chosen, case by case:

- empty / whitespace-only file: error "the file is empty", skipped.
- binary file (NUL bytes): error "this is a binary file", skipped.
- invalid UTF-8: decoded with U+FFFD replacement characters and a warning naming the line of the
  first bad byte. Kept rather than skipped: such a file is nearly always right but for a byte or
  two pasted from another encoding (Latin-1, Windows-1252), and an editor would rather fix one
  character on a published page than lose the article.
- UTF-8 with BOM, CRLF and lone-CR line ends: read as if they were plain UTF-8 with LF.
- YAML syntax errors: error with the file's line and column; the article is skipped.
- front matter that is a list or a scalar: error at line 2, skipped.
- wrong types: a lone name where a list is expected is a one-item list (warning); a date that
  is not one (`yesterday`, year 0, year 99999, February 30) is ignored with a warning saying
  why; the article builds without it.
- unknown keys: warning with "did you mean"; ignored.
- duplicate slugs: both articles kept (the later one at -2), the warning names both files.
- a headline and nothing else: built, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from badkit import DATA, FAST, GOOD, messages, quiet_build, write_files

from sitecheck import broken_links, page


@dataclass(frozen=True)
class Case:
    id: str
    path: str  #: under content/
    data: str | bytes
    expect: tuple[str, ...]  #: substrings of its messages, as printed ("path:line: severity: ...")
    page: str | None  #: the article page it must still get, or None when it is skipped


def fm(*lines: str, body: str = "Body text.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


CASES = [
    Case("empty-md", "empty.md", b"", ("content/empty.md: error: the file is empty",), None),
    Case("empty-txt", "blank.txt", b"", ("content/blank.txt: error: the file is empty",), None),
    Case(
        "whitespace-only",
        "spaces.txt",
        b"  \n\n\t\n",
        ("content/spaces.txt: error: the file is empty",),
        None,
    ),
    Case(
        "binary",
        "binary.md",
        (DATA / "binary.bytes").read_bytes(),
        ("content/binary.md: error: this is a binary file, not text",),
        None,
    ),
    Case(
        "invalid-utf8",
        "latin1.txt",
        (DATA / "latin1.bytes").read_bytes(),
        ("content/latin1.txt:1: warning: not valid UTF-8 (byte 0xe9)", "re-save the file as UTF-8"),
        "articles/latin1/",
    ),
    Case(
        "invalid-utf8-later-line",
        "late.md",
        fm("headline: Late bad byte", "date: 2020-05-05", body="Fine.\n\nNot fine: \xff.\n").encode(
            "latin-1"
        ),
        ("content/late.md:7: warning: not valid UTF-8 (byte 0xff)",),
        "articles/late/",
    ),
    Case("bom", "bom.md", (DATA / "bom.bytes").read_bytes(), (), "articles/bom/"),
    Case(
        "bom-crlf-raw",
        "bom-crlf.txt",
        "\ufeffWindows headline\r\n\r\nBy Jane Doe\r\n\r\nMarch 4, 2021\r\n\r\nBody.\r\n".encode(),
        (),
        "articles/bom-crlf/",
    ),
    Case(
        "crlf-front-matter",
        "crlf.md",
        fm("headline: CRLF story", "date: 2021-03-05").replace("\n", "\r\n").encode(),
        (),
        "articles/crlf/",
    ),
    Case(
        "lone-cr",
        "old-mac.md",
        fm("headline: Classic Mac line ends", "date: 2021-03-06").replace("\n", "\r").encode(),
        (),
        "articles/old-mac/",
    ),
    Case(
        "lone-cr-raw",
        "old-mac-raw.txt",
        b"Raw classic Mac\r\rBy Jane Doe\r\r2021-03-07\r\rBody one.\r\rBody two.\r",
        (),
        "articles/old-mac-raw/",
    ),
    Case(
        "yaml-unclosed-bracket",
        "bracket.md",
        fm("headline: Bracket", "date: 2020-01-01", "people: [Jane Doe, John Roe", "slug: x"),
        ("content/bracket.md:4:9: error: front matter is not valid YAML: did not find expected",),
        None,
    ),
    Case(
        "yaml-colon",
        "colon.md",
        fm("headline: Mayor: we will not resign", "date: 2020-01-01"),
        (
            "content/colon.md:2:16: error: front matter is not valid YAML: mapping values are "
            "not allowed in this context",
            "a value with ':' needs quotes",
        ),
        None,
    ),
    Case(
        "yaml-bad-indent",
        "indent.md",
        fm("headline: Indent", "people:", "  - Jane Doe", " - John Roe"),
        ("content/indent.md:", "error: front matter is not valid YAML"),
        None,
    ),
    Case(
        "front-matter-unclosed",
        "unclosed.md",
        "---\nheadline: Never closed\n\nBody.\n",
        ("content/unclosed.md:1: error: front matter is not closed",),
        None,
    ),
    Case(
        "front-matter-list",
        "list.md",
        fm("- headline", "- date"),
        (
            "content/list.md:2: error: front matter must be 'key: value' lines (a mapping), "
            "not a list",
        ),
        None,
    ),
    Case(
        "front-matter-scalar",
        "scalar.md",
        fm("Just a sentence"),
        ("content/scalar.md:2: error: front matter must be 'key: value' lines",),
        None,
    ),
    Case(
        "people-as-string",
        "lone-name.md",
        fm("headline: Lone name", "date: 2020-02-02", 'people: "Rand Paul"'),
        (
            "content/lone-name.md:4: warning: 'people' should be a list, e.g. people: "
            "[Rand Paul]; read as a list of one name",
        ),
        "articles/lone-name/",
    ),
    Case(
        "people-as-number",
        "number.md",
        fm("headline: Number", "date: 2020-02-02", "people: 42"),
        ("content/number.md:4: warning: 'people' must be a list of names",),
        "articles/number/",
    ),
    Case(
        "date-yesterday",
        "yesterday.md",
        fm("headline: Yesterday", "date: yesterday"),
        (
            "content/yesterday.md:3: warning: 'date' 'yesterday' is not a date: write it as "
            "YYYY-MM-DD",
            "content/yesterday.md: warning: no date",
        ),
        "articles/yesterday/",
    ),
    Case(
        "date-year-0",
        "year-zero.md",
        fm("headline: Year zero", "date: 0000-01-01"),
        (
            "content/year-zero.md:3: warning: 'date' '0000-01-01' is not a date (year 0 is out "
            "of range: years run from 1 to 9999)",
        ),
        "articles/year-zero/",
    ),
    Case(
        "date-year-99999",
        "year-big.md",
        fm("headline: Year 99999", "date: 99999-01-01"),
        ("content/year-big.md:3: warning: 'date' '99999-01-01' is not a date (year 99999",),
        "articles/year-big/",
    ),
    Case(
        "date-feb-30",
        "feb30.md",
        fm("headline: February 30", "date: 2021-02-30"),
        (
            "content/feb30.md:3: warning: 'date' '2021-02-30' is not a date (day is out of "
            "range for month)",
        ),
        "articles/feb30/",
    ),
    Case(
        "date-year-1-and-9999",
        "year-one.md",
        fm("headline: Year one", "date: 0001-01-01"),
        (),
        "articles/year-one/",
    ),
    Case(
        "date-year-9999-with-zone",
        "year-last.md",
        fm("headline: Year 9999", "date: 9999-12-31T23:59:59-12:00"),
        (),
        "articles/year-last/",
    ),
    Case(
        "headline-a-list",
        "headline-list.md",
        fm("headline: [a, b]", "date: 2020-01-01"),
        ("content/headline-list.md:1: error: no headline",),
        None,
    ),
    Case(
        "draft-yes",
        "draft-yes.md",
        fm("headline: Draft yes", "date: 2020-01-01", "draft: maybe"),
        ("content/draft-yes.md:4: warning: 'draft' must be true or false",),
        "articles/draft-yes/",
    ),
    Case(
        "unknown-keys",
        "typo.md",
        fm("headline: Typo", "date: 2020-01-01", "peeple: [Jane Doe]", "colour: red"),
        (
            "content/typo.md:4: warning: unknown front-matter key 'peeple' is ignored; did you "
            "mean 'people'?",
            "content/typo.md:5: warning: unknown front-matter key 'colour' is ignored (known keys:",
        ),
        "articles/typo/",
    ),
    Case(
        "headline-only-raw",
        "headline-only.txt",
        "Only a headline here\n",
        ("content/headline-only.txt", "warning: the article has a headline but no body text"),
        "articles/headline-only/",
    ),
    Case(
        "headline-only-markdown",
        "heading-only.md",
        "# Only a heading here\n",
        ("content/heading-only.md: warning: the article has a headline but no body text",),
        "articles/heading-only/",
    ),
    Case(
        "deeply-nested-markdown",
        "nested.md",
        fm(
            "headline: Nested",
            "date: 2020-01-01",
            body="".join(" " * 4 * i + "- x\n" for i in range(400)),
        ),
        ("content/nested.md:5: error: the Markdown is nested too deeply",),
        None,
    ),
    Case(
        "deeply-nested-yaml",
        "nested-yaml.md",
        fm("headline: Nested YAML", "people: " + "[" * 3000 + "]" * 3000),
        ("content/nested-yaml.md", "error: front matter is not valid YAML"),
        None,
    ),
]


BY_ID = {c.id: c for c in CASES}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = tmp_path_factory.mktemp("bad") / "project"
    files: dict[str, str | bytes] = {
        "site.yaml": FAST,
        "content/good.md": GOOD,
        "content/a/story.md": GOOD.replace("A good story", "First story"),
        "content/b/story.md": GOOD.replace("A good story", "Second story"),
    }
    files.update({f"content/{c.path}": c.data for c in CASES})
    write_files(project, files)
    return project, quiet_build(project)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_case_is_reported_as_an_editor_reads_it(built, case: Case):
    project, result = built
    said = "\n".join(messages(result, f"content/{case.path}"))
    for expected in case.expect:
        assert expected in said, f"expected {expected!r} in:\n{said}"
    if not case.expect:
        assert said == "", said
    errors = [p for p in result.errors if p.path == f"content/{case.path}"]
    if case.page is None:
        assert errors, "an unusable file must be reported as an error"
    else:
        assert not errors, errors
        assert (project / "site" / case.page / "index.html").is_file()


def test_the_rest_of_the_archive_still_builds(built):
    project, result = built
    site = project / "site"
    assert (site / "articles/good/index.html").is_file()
    assert (site / "people/rand-paul/index.html").is_file()
    assert result.articles == 3 + sum(1 for c in CASES if c.page)
    assert broken_links(site) == []
    # every problem names a real input and says how bad it is
    assert all(p.severity in ("error", "warning", "info") and p.message for p in result.problems)


def test_decoding_keeps_the_text_and_marks_the_bad_byte(built):
    project, _ = built
    html = page(project / "site", "articles/latin1/").get_text()
    assert "Caf\ufffd owners protest" in html and "Owners of the caf\ufffd" in html


def test_bom_and_line_ends_do_not_leak_into_pages(built):
    project, _ = built
    site = project / "site"
    assert page(site, "articles/bom/").h1.get_text(strip=True) == "Saved by Notepad with a BOM"
    assert page(site, "articles/crlf/").h1.get_text(strip=True) == "CRLF story"
    assert page(site, "articles/old-mac/").h1.get_text(strip=True) == "Classic Mac line ends"
    raw = page(site, "articles/old-mac-raw/")
    assert raw.h1.get_text(strip=True) == "Raw classic Mac"
    assert [p.get_text() for p in raw.select(".story .body p")] == ["Body one.", "Body two."]
    for slug in ("bom", "crlf", "old-mac", "old-mac-raw", "bom-crlf"):
        text = (site / "articles" / slug / "index.html").read_text(encoding="utf-8")
        assert "\ufeff" not in text and "\r" not in text, slug


def test_a_lone_name_becomes_a_one_person_list(built):
    project, _ = built
    soup = page(project / "site", "people/rand-paul/")
    linked = {a.get_text(strip=True) for a in soup.select(".mentions .card-headline a")}
    assert "Lone name" in linked


def test_extreme_valid_dates_build_and_sort(built):
    project, _ = built
    site = project / "site"
    assert (site / "archive/0001/01/index.html").is_file()
    assert (site / "archive/9999/12/index.html").is_file()
    assert 'datetime="9999-12-31"' in (site / "articles/year-last/index.html").read_text()


def test_duplicate_slugs_both_kept_both_named(built):
    project, result = built
    site = project / "site"
    first = page(site, "articles/story/").h1.get_text(strip=True)
    second = page(site, "articles/story-2/").h1.get_text(strip=True)
    assert {first, second} == {"First story", "Second story"}
    said = "\n".join(messages(result, "content/b/story.md"))
    assert "slug 'story' is already used by content/a/story.md" in said
    assert "this article is at 'story-2'" in said


def test_front_matter_slugs_that_collide_are_kept_apart(make_project):
    project = make_project(
        {
            "site.yaml": FAST,
            "content/x.md": fm("headline: X", "slug: Same Slug"),
            "content/y.md": fm("headline: Y", "slug: same-slug"),
        }
    )
    result = quiet_build(project)
    assert (project / "site/articles/same-slug/index.html").is_file()
    assert (project / "site/articles/same-slug-2/index.html").is_file()
    assert any("already used by content/x.md" in str(p) for p in result.warnings)


def test_cli_prints_path_line_severity_and_exits_1(make_project):
    from badkit import run_cli

    project = make_project(
        {"site.yaml": FAST, "content/good.md": GOOD, "content/colon.md": BY_ID["yaml-colon"].data}
    )
    run = run_cli("build", "-p", str(project))
    assert run.returncode == 1
    assert "content/colon.md:2:16: error: front matter is not valid YAML" in run.stderr
    assert (project / "site/articles/good/index.html").is_file()


def test_case_and_accents_are_one_entity_end_to_end(make_project):
    project = make_project(
        {
            "site.yaml": FAST,
            "content/one.md": fm(
                "headline: One",
                "date: 2020-01-01",
                "people: [José Núñez]",
                body="José Núñez won.\n",
            ),
            "content/two.md": fm(
                "headline: Two",
                "date: 2020-01-02",
                "people: [Jose Nunez]",
                body="Jose Nunez lost.\n",
            ),
            "content/three.md": fm(
                "headline: Three", "date: 2020-01-03", "people: [JOSÉ NÚÑEZ]", body="Hello.\n"
            ),
        }
    )
    quiet_build(project)
    site = project / "site"
    people = [p.name for p in (site / "people").iterdir() if p.is_dir()]
    assert people == ["jose-nunez"]
    soup = page(site, "people/jose-nunez/")
    headlines = {a.get_text(strip=True) for a in soup.select(".mentions .card-headline a")}
    assert headlines == {"One", "Two", "Three"}
    # both spellings in the bodies link to the one page
    for slug in ("one", "two"):
        links = page(site, f"articles/{slug}/").select(".story .body a")
        assert [a["href"] for a in links] == ["../../people/jose-nunez/"], slug


def test_names_with_an_empty_slug_get_a_stable_url(make_project, tmp_path: Path):
    files = {
        "site.yaml": FAST,
        "content/dash.md": fm(
            "headline: Punctuation people",
            "date: 2020-01-01",
            "people: ['—', '!!!']",
            "places: [東京]",
            body="A story.\n",
        ),
        "content/—.md": fm("headline: A file named with a dash", "date: 2020-01-02"),
        "content/slugless.md": fm("headline: Bang slug", "slug: '!!!'", "date: 2020-01-03"),
    }
    first = make_project(files, tmp_path / "first")
    second = make_project(files, tmp_path / "second")
    quiet_build(first)
    quiet_build(second)

    def urls(project: Path) -> set[str]:
        site = project / "site"
        return {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}

    got = urls(first)
    assert got == urls(second)  # the same on every build
    people = sorted(u for u in got if u.startswith("people/") and u.count("/") == 1)
    assert len(people) == 2 and all(u.startswith("people/person-") for u in people)
    assert "places/dong-jing" in got  # python-slugify transliterates CJK
    articles = {u for u in got if u.startswith("articles/")}
    assert len(articles) == 3 and all(u.split("/")[1] for u in articles)
    names = {a.get_text(strip=True) for a in page(first / "site", "articles/dash/").select("a")}
    assert {"—", "!!!", "東京"} <= names
    assert broken_links(first / "site") == []
