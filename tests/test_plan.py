import pytest

from broadsheet.plan import Pager, output_path, paged_url, relative_url, sort_key


@pytest.mark.parametrize(
    "src,dst,expected",
    [
        ("", "people/rand-paul/", "people/rand-paul/"),
        ("", "", "./"),
        ("people/rand-paul/", "articles/x/", "../../articles/x/"),
        ("people/rand-paul/page/2/", "", "../../../../"),
        ("articles/x/", "static/style.css", "../../static/style.css"),
    ],
)
def test_relative_urls(src, dst, expected):
    assert relative_url(src, dst) == expected


def test_pretty_urls_write_index_files():
    assert output_path("") == "index.html"
    assert output_path("people/rand-paul/") == "people/rand-paul/index.html"
    assert output_path("api/people.json") == "api/people.json"


def test_page_urls_are_stable():
    assert paged_url("people/x/", 1) == "people/x/"
    assert paged_url("people/x/", 3) == "people/x/page/3/"
    pager = Pager(2, 3, ("a/", "a/page/2/", "a/page/3/"))
    assert (pager.prev_url, pager.next_url) == ("a/", "a/page/3/")


def test_people_sort_by_surname_others_ignore_the():
    assert sorted(
        ["Rand Paul", "Vladimir Putin", "Maria Butina"], key=lambda n: sort_key(n, "person")
    ) == ["Maria Butina", "Rand Paul", "Vladimir Putin"]
    assert sort_key("The Cato Institute", "organization") == "cato institute"
