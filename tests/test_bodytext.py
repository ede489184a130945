from broadsheet.bodytext import Link, body_text, paragraphs_to_html, render_html


def test_plain_text_has_paragraph_breaks_between_blocks():
    body = body_text(
        "<p>One <em>two</em>.</p>\n<h2>Three</h2>\n<ul><li>Four</li><li>Five</li></ul>"
    )
    assert body.text == "One two.\n\nThree\n\nFour\n\nFive"


def test_entities_are_unescaped_in_text_and_escaped_again_in_html():
    body = body_text("<p>AT&amp;T &lt;script&gt; &quot;q&quot;</p>")
    assert body.text == 'AT&T <script> "q"'
    assert render_html(body) == '<p>AT&amp;T &lt;script&gt; "q"</p>'


def test_link_lands_on_the_right_characters():
    body = body_text("<p>Sen. Rand Paul met <b>Putin</b>.</p><p>Paul said.</p>")
    t = body.text
    links = [
        Link(t.index("Rand Paul"), t.index("Rand Paul") + 9, "../p/rand-paul/"),
        Link(t.index("Putin"), t.index("Putin") + 5, "../p/putin/"),
        Link(t.rindex("Paul"), t.rindex("Paul") + 4, "../p/rand-paul/"),
    ]
    out = render_html(body, links)
    assert out == (
        '<p>Sen. <a href="../p/rand-paul/">Rand Paul</a> met '
        '<b><a href="../p/putin/">Putin</a></b>.</p>'
        '<p><a href="../p/rand-paul/">Paul</a> said.</p>'
    )


def test_no_link_inside_existing_links_code_or_across_nodes():
    body = body_text('<p><a href="x">Rand Paul</a> <code>Paul</code> Rand <i>Paul</i></p>')
    t = body.text
    links = [
        Link(0, 9, "a"),
        Link(t.index("Paul", 10), t.index("Paul", 10) + 4, "b"),
        Link(t.index("Rand", 12), len(t), "c"),
    ]
    out = render_html(body, links)
    assert out.count("<a ") == 1  # only the editor's own link remains


def test_raw_paragraphs_are_escaped():
    html = paragraphs_to_html(["<script>alert(1)</script> & more"])
    assert "<script>" not in html
    assert body_text(html).text == "<script>alert(1)</script> & more"


def test_script_text_is_not_article_text():
    assert body_text("<p>a</p><script>var x</script><p>b</p>").text == "a\n\nb"
