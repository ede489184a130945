"""Hostile text in every field reaches readers as text, never as markup or script.

Article text, headlines, bylines, names, summaries, registry fields and settings hold script
tags, attribute break-outs, `javascript:` URLs, `</script>` and `<!--` (aimed at inline JSON),
`]]>` and XML-illegal control characters (aimed at feeds). The checks are generic over whatever
the build writes, so they also cover files added later: every .html is parsed and searched for
anything that could run (badkit.unsafe_html), every JSON-LD block must parse and be unable to end
its element, every .xml must parse, every .json must parse.

Raw HTML in Markdown: sanitised by default (nh3 allow-list, parse.py); `allow_raw_html: true`
lets it through verbatim, inside that article's body only: every other field stays escaped.
"""

from __future__ import annotations

import json

import pytest
from badkit import (
    FAST,
    json_ld_blocks,
    theme_inline_scripts,
    unparsable_json,
    unparsable_xml,
    unsafe_html,
    write_files,
)

from broadsheet.build import build
from sitecheck import broken_links, page

SCRIPT = "<script>alert('s')</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(document.domain)"
END_JSON = "</script><script>alert('json')</script><!--"
XMLISH = "]]><x>&amp;\x0b\x1b"

#: One string that carries every attack; fields that must stay one line get it as is.
EVIL = f"A {SCRIPT} B {BREAKOUT} C {END_JSON} D {XMLISH} E"

RAW_HTML_BODY = f"""Before the raw HTML.

<script>alert('body')</script>
<img src="x" onerror="alert('img')">
<a href="{JS_URL}">a javascript link</a>
<a href="  JaVaScRiPt:alert(1)">spaced</a>
<iframe src="https://evil.example/"></iframe>
<svg onload="alert('svg')"><circle r="1"/></svg>
<object data="x.swf"></object>
<form action="https://evil.example/"><input name=q></form>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
<style>body {{ display: none }}</style>
<div style="background:url(javascript:alert(1))" onclick="alert('div')">div text</div>

[a Markdown javascript link]({JS_URL}) and ![image](javascript:alert('img2'))

<p title='{BREAKOUT}'>quoted attribute</p>

Jane Evil said {SCRIPT} and &lt;script&gt; was written as text.
"""


def yaml_str(text: str) -> str:
    return json.dumps(text)  # JSON strings are YAML strings, with escapes for control characters


def hostile_project(root, allow_raw_html: bool):
    settings = FAST + (
        f"title: {yaml_str('Archive ' + EVIL)}\n"
        f"description: {yaml_str('About ' + EVIL)}\n"
        f"base_url: {yaml_str('https://example.org/a%22%3E%3Cscript%3E/')}\n"
        f"allow_raw_html: {'true' if allow_raw_html else 'false'}\n"
    )
    registry = (
        "entities:\n"
        f"  - name: {yaml_str('Jane ' + EVIL)}\n"
        "    kind: person\n"
        f"    aliases: [Jane Evil]\n"
        f"    description: {yaml_str('Described ' + EVIL)}\n"
        f"    same_as: [{yaml_str('https://example.org/' + BREAKOUT)}, {yaml_str(JS_URL)}]\n"
    )
    front = (
        "---\n"
        f"headline: {yaml_str('Headline ' + EVIL)}\n"
        f"byline: [{yaml_str('Writer ' + EVIL)}]\n"
        "date: 2021-06-01\n"
        f"people: [{yaml_str('Jane ' + EVIL)}, {yaml_str('Person ' + BREAKOUT)}]\n"
        f"organizations: [{yaml_str('Org ' + END_JSON)}]\n"
        f"places: [{yaml_str(JS_URL)}]\n"
        f"summary: {yaml_str('Summary ' + EVIL)}\n"
        f"slug: {yaml_str('../../' + SCRIPT)}\n"
        "---\n"
    )
    raw_text = (
        f"Raw {SCRIPT} headline\n\nBy Writer {BREAKOUT}\n\nJune 2, 2021\n\n"
        f"A <u>{SCRIPT}</u> paragraph {END_JSON}.\n\nAnother {BREAKOUT} one.\n"
    )
    return write_files(
        root,
        {
            "site.yaml": settings,
            "data/entities.yaml": registry,
            "content/evil.md": front + RAW_HTML_BODY,
            "content/raw.txt": raw_text,
        },
    )


@pytest.fixture(scope="module", params=[False, True], ids=["sanitised", "allow_raw_html"])
def hostile(request, tmp_path_factory):
    project = hostile_project(tmp_path_factory.mktemp("hostile") / "p", request.param)
    result = build(project)
    return project, result, request.param


def test_nothing_from_content_can_run(hostile):
    project, _, allow_raw = hostile
    site = project / "site"
    article = next(site.glob("articles/*script*/index.html")).relative_to(site).as_posix()
    # opting in to raw HTML trusts that one article body, and nothing else
    trusted = {article: ".story .body"} if allow_raw else None
    assert unsafe_html(site, theme_inline_scripts(project), trusted) == []
    if allow_raw:  # and the check does see what the opted-in body holds
        assert len(unsafe_html(site, theme_inline_scripts(project))) >= 5


def test_raw_html_policy(hostile):
    project, _, allow_raw = hostile
    site = project / "site"
    soup = page(site, next(site.glob("articles/*script*/")).relative_to(site).as_posix() + "/")
    body = soup.select_one(".story .body")
    tags = {t.name for t in body.find_all(True)}
    if allow_raw:  # the editor's embeds, verbatim
        assert {"script", "iframe", "object", "form", "style"} <= tags
        assert body.find("img", onerror=True) is not None
    else:
        assert not tags & {"script", "iframe", "object", "form", "style", "svg", "meta", "base"}
        assert all(not a.lower().startswith("on") for t in body.find_all(True) for a in t.attrs)
        assert all(
            not a.get("href", "").strip().lower().startswith("javascript") for a in body("a")
        )
        text = body.get_text()
        assert "a javascript link" in text and "div text" in text  # the words survive
        assert "<script> was written as text" in text


def test_hostile_text_is_shown_as_text(hostile):
    project, _, _ = hostile
    site = project / "site"
    soup = page(site, next(site.glob("articles/*script*/")).relative_to(site).as_posix() + "/")
    shown = soup.h1.get_text()
    assert SCRIPT in shown and BREAKOUT in shown and "</script>" in shown
    assert SCRIPT in soup.title.get_text()
    names = {a.get_text(strip=True) for a in soup.select(".named a")}
    assert any(BREAKOUT in n for n in names)
    assert JS_URL in names  # a place called "javascript:..." is a name, not a link target
    home = page(site, "")
    assert SCRIPT in home.select_one(".site-title").get_text()


def test_registry_links_must_be_http_and_are_escaped(hostile):
    project, result, _ = hostile
    assert any(
        p.path.startswith("data/") and "same_as links must be http(s) URLs" in p.message
        for p in result.problems
    )
    site = project / "site"
    person = next(p for p in (site / "people").glob("*/index.html") if "jane" in p.parent.name)
    soup = page(site, person.parent.relative_to(site).as_posix() + "/")
    links = [a["href"] for a in soup.select(".same-as a")]
    assert links == ["https://example.org/" + BREAKOUT]  # escaped in the attribute, kept whole
    assert "Described A " + SCRIPT in soup.select_one(".lede").get_text()


def test_json_ld_is_json_and_cannot_end_its_element(hostile):
    project, _, _ = hostile
    blocks = json_ld_blocks(project / "site")
    assert blocks  # the theme writes structured data; it must survive hostile text
    # the hostile text is in there, as data (unsafe_html checked it cannot end the element)
    assert any("Headline A " + SCRIPT in json.dumps(b, ensure_ascii=False) for _, b in blocks)


def test_every_data_file_parses(hostile):
    project, _, _ = hostile
    site = project / "site"
    assert unparsable_xml(site) == []
    assert unparsable_json(site) == []
    assert list(site.rglob("*.xml")), "feeds and the sitemap are XML"


def test_links_still_resolve(hostile):
    project, _, _ = hostile
    assert broken_links(project / "site") == []
