"""Page → bytes: the Jinja environment, its filters, and JSON for data files.

Templates come from the project's templates/ first, then the default theme, file by file.
Templates never build URLs: they get site-relative URLs from the plan and turn one into a link
relative to the page being rendered with the `url` filter (`{{ item.url | url }}`), or url().
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
from collections.abc import Callable, MutableMapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

from broadsheet import discovery
from broadsheet.config import Config
from broadsheet.feeds import atom_bytes
from broadsheet.jsonfiles import json_bytes
from broadsheet.plan import (
    MONTH_NAMES,
    SECTION_TITLES,
    STYLE_URL,
    Page,
    absolute_url,
    feed_url,
    relative_url,
)
from broadsheet.structured import to_script_json

THEME_PACKAGE_DIR = "theme"


def default_theme_dir() -> Path:
    """The default theme: inside the installed package, or the repo's templates/ when running
    from a source checkout (an editable install)."""
    installed = resources.files("broadsheet") / THEME_PACKAGE_DIR
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "templates"


def theme_dirs(project: Path) -> list[Path]:
    """Template folders in lookup order: the project's own, then the default theme."""
    own = project / "templates"
    dirs = [own] if own.is_dir() else []
    default = default_theme_dir()
    if default.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(default)
    return dirs


def format_date(value: dt.date | None) -> str:
    """ "August 6, 2018": fixed English month names, independent of the machine's locale."""
    if value is None:
        return ""
    return f"{MONTH_NAMES[value.month - 1]} {value.day}, {value.year}"


def iso_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value.isoformat()


def month_year(value: dt.date | None) -> str:
    """ "August 2018"."""
    return "" if value is None else f"{MONTH_NAMES[value.month - 1]} {value.year}"


def jsonld(value: Any) -> Markup:
    """JSON-LD for a <script type="application/ld+json"> element. Safe to mark up: `<`, `>` and
    `&` are written as JSON escapes (structured.to_script_json), so no string in it can end
    the script element, whatever the content holds."""
    return Markup(to_script_json(value))


def links_from(page_url: str, config: Config, absolute: bool) -> Callable[[str], str]:
    """The page's `url()`: a link to a site-relative URL, relative to the page being rendered,
    or absolute (on pages served from any path, the 404 page, when base_url is set).

    Given to each page as a plain function: Jinja derives a new context for every call of a
    context function made inside a loop, and a list page calls url() for
    every link of every card (~1 µs a call against ~6 µs)."""
    if absolute:
        return functools.partial(absolute_url, config)
    return functools.partial(relative_url, page_url)


#: The url() of the page being rendered (render_page sets it), for links in macros imported
#: without context, which see the globals only. The default theme imports its macros so:
#: Jinja then makes their module once, not once a page (13 µs, and garbage with cycles).
_PAGE_LINKS: contextvars.ContextVar[Callable[[str], str] | None] = contextvars.ContextVar(
    "broadsheet_page_links", default=None
)


@jinja2.pass_context
def _url(ctx: jinja2.runtime.Context, target: str) -> str:
    """url() where the page's own function is not seen (a macro imported without context), and
    the `url` filter (`{{ target | url }}`): Jinja calls a filter directly, a function called
    in a template through Context.call, ~1 µs more a link (~800,000 links, 10,000 articles).
    Both link from the page render_page is rendering. (`ctx` is not used, but a filter that
    takes it is never run while a template is compiled: Jinja folds `{{ "" | url }}` into a
    constant otherwise, linked from whichever page was being rendered then.)"""
    links = _PAGE_LINKS.get()
    if links is None:
        raise jinja2.TemplateRuntimeError(
            f"url({target!r}): no page is being rendered, so there is nothing to link from"
        )
    return links(target)


#: markupsafe's escaping of a plain string (C where its speedups are built)
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", None) or (
    lambda text: str(markupsafe.escape(text))
)


def escape_output(value: Any) -> str:
    """markupsafe.escape, for what `{{ }}` shows, as a plain string where it can be: what a
    template writes out is joined into the page and never escaped again, so making each value
    Markup (a copy of the string, ~1,000,000 values a cold build of 10,000 articles) would
    change nothing. A plain string is escaped in C; Markup (a macro's output) is shown as it
    is and an int as its digits; anything else goes to markupsafe.escape."""
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is Markup:  # a macro's output, shown whole
        return value  # type: ignore[no-any-return]
    if kind is int:  # counts and years: nothing to escape
        return str(value)
    return markupsafe.escape(value)


class _EscapingCodeGenerator(CodeGenerator):
    """Jinja's code generator, with templates escaping their output through escape_output:
    a compiled template imports `escape` from jinja2.runtime first, and this one next."""

    def writeline(self, x: str, node: Any = None, extra: int = 0) -> None:
        super().writeline(x, node, extra)
        if x.startswith("from jinja2.runtime import ") and " escape," in x:
            super().writeline(f"from {__name__} import escape_output as escape")


class _Environment(jinja2.Environment):
    code_generator_class = _EscapingCodeGenerator

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dict, the environment's and then its own. Jinja
        makes a ChainMap of the two, so that a global added to the environment after the
        template is loaded is seen by it: make_environment adds them all before any template
        is loaded. Every render copies the map, and every page importing the macros compares
        its keys, which a ChainMap does in Python (~10 µs a page; a tenth of an article's)."""
        return {**self.globals, **(d or {})}


def make_environment(
    project: Path, config: Config, compiled: Path | None = None
) -> jinja2.Environment:
    """The Jinja environment of one build. Its templates are not checked for changes before
    every page (`auto_reload`, a stat of the template file per page): an environment lives for
    one build, whose settings digest already covers the theme's files as they were when it
    began.

    `compiled`: a folder where Jinja keeps templates compiled, by name and checksum of their
    source (compiling the theme took ~0.1 s of every build)."""
    cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        cache = jinja2.FileSystemBytecodeCache(str(compiled))
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme_dirs(project)]),
        bytecode_cache=cache,
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        url=_url,
        site=config,
        sections=SECTION_TITLES,
        site_feed=feed_url(""),
        stylesheet=STYLE_URL,
    )
    env.filters.update(
        url=_url,
        format_date=format_date,
        iso_date=iso_date,
        month_year=month_year,
        jsonld=jsonld,
    )
    return env


def render_page(page: Page, env: jinja2.Environment, config: Config) -> bytes:
    """One planned page → the bytes of its file."""
    if page.template is None:
        return render_data(page)
    template = env.get_template(page.template)
    context: dict[str, Any] = dict(page.context)
    if "body_html" in context:
        # Built by bodytext from sanitised HTML with every text node escaped (a LinkedBody
        # is serialised here, by its __html__).
        context["body_html"] = Markup(context["body_html"])
    canonical = absolute_url(config, page.url) if config.base_url and page.kind != "404" else ""
    url = links_from(page.url, config, bool(context.get("absolute_links")))
    token = _PAGE_LINKS.set(url)
    try:
        html = template.render(page=page, head=page.head, canonical=canonical, url=url, **context)
    finally:
        _PAGE_LINKS.reset(token)
    return html.encode("utf-8")


def render_data(page: Page) -> bytes:
    """A page without a template: JSON, an Atom feed, a sitemap or plain text."""
    if page.format == "json":
        return json_bytes(page.data)
    if page.format == "atom":
        return atom_bytes(page.data)
    if page.format == "sitemap":
        return discovery.urlset_bytes(page.data)
    if page.format == "sitemap-index":
        return discovery.index_bytes(page.data)
    if page.format == "text":
        return str(page.data).encode("utf-8")
    raise ValueError(f"{page.url}: unknown page format {page.format!r}")


def static_files(project: Path) -> dict[str, Path]:
    """static/ files of the theme, the project's own overriding the default's by path."""
    files: dict[str, Path] = {}
    for theme in reversed(theme_dirs(project)):
        static = theme / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files["static/" + path.relative_to(static).as_posix()] = path
    return dict(sorted(files.items()))
