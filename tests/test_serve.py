"""`broadsheet serve`: serving by path, live reload over SSE, rebuild on change, clean stop.

Every server listens on 127.0.0.1 on a free port; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadsheet.build import build
from broadsheet.cli import main
from broadsheet.serve import (
    EVENTS_PATH,
    ServeSession,
    SiteServer,
    debounced,
    inject,
    is_loopback,
    live_reload_script,
)

NO_NLP = "extract_entities: false\n"
MARKER = b"data-broadsheet-live-reload"
TIMEOUT = 20.0


def story(headline: str) -> str:
    return f"---\nheadline: {headline}\ndate: 2020-01-02\nbyline: Jane Doe\n---\nBody.\n"


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class Events:
    """Reads one SSE stream in a thread; events (name, data) arrive on a queue.

    A plain socket, so close() can shut it down under the reading thread at once.
    """

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        self.stream = self.sock.makefile("rb")
        head = []
        while (line := self.stream.readline().decode().strip()) != "":
            head.append(line)
        assert head[0].split()[1] == "200" and "Content-Type: text/event-stream" in head
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data = "message", []
        try:
            for raw in self.stream:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif not line and data:
                    self.events.put((name, "\n".join(data)))
                    name, data = "message", []
        except (OSError, ValueError):
            pass

    def next(self, timeout: float = TIMEOUT) -> tuple[str, str]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def wait_for(condition, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def session(make_project) -> Iterator[ServeSession]:
    project = make_project(
        {"site.yaml": NO_NLP, "content/g.md": story("First headline"), "data/entities.yaml": ""}
    )

    def rebuild() -> tuple[str, str | None]:
        try:
            result = build(project)
        except Exception as exc:
            return "", str(exc)
        return "\n".join(str(p) for p in result.errors), None

    served = ServeSession(project, project / "site", rebuild, port=0)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def test_pages_get_the_live_reload_script_files_on_disk_do_not(session: ServeSession):
    status, headers, body = get(session.url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert MARKER in body and EVENTS_PATH.encode() in body
    assert body.index(MARKER) < body.rindex(b"</body>")
    assert int(headers["Content-Length"]) == len(body)
    site = session.project / "site"
    assert MARKER not in (site / "index.html").read_bytes()
    assert body.replace(live_reload_script(""), b"") == (site / "index.html").read_bytes()

    status, _, article = get(session.url + "articles/g/")
    assert status == 200 and b"First headline" in article and MARKER in article
    status, _, css = get(session.url + "static/style.css")
    assert status == 200 and MARKER not in css
    assert css == (site / "static/style.css").read_bytes()


def test_urls_map_to_the_site_folder_only(session: ServeSession):
    request = urllib.request.Request(session.url + "articles/g", method="HEAD")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(request, timeout=10)
    assert moved.value.code == 301 and moved.value.headers["Location"] == "/articles/g/"
    assert get(session.url + "nope/")[0] == 404
    assert get(session.url + "../../etc/passwd")[0] == 404
    assert get(session.url + "%2e%2e/site.yaml")[0] == 404
    assert get(session.url + "articles/")[0] == 404  # no folder listings
    (session.project / "site" / "404.html").write_text("<html><body>Our 404</body></html>")
    status, _, body = get(session.url + "nope/")
    assert status == 404 and b"Our 404" in body and MARKER in body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_change_rebuilds_and_tells_open_pages(session: ServeSession):
    events = Events(session.url)
    try:
        time.sleep(0.3)  # let the watcher settle
        (session.project / "content" / "g.md").write_text(story("Second headline"))
        assert events.next() == ("rebuilt", "rebuilt")
        assert b"Second headline" in get(session.url + "articles/g/")[2]

        # A failed rebuild keeps the last good site and says why, in the page and the stream.
        (session.project / "site.yaml").write_text(NO_NLP + "output_dir: content\n")
        name, data = events.next()
        assert name == "failed" and "would replace the project or its content" in data
        status, _, page = get(session.url + "articles/g/")
        assert status == 200 and b"Second headline" in page
        assert b"would replace the project or its content" in page  # shown in a banner

        (session.project / "site.yaml").write_text(NO_NLP)
        assert events.next()[0] == "rebuilt"
        assert b"would replace" not in get(session.url + "articles/g/")[2]
    finally:
        events.close()


def test_serves_whatever_folder_is_at_the_path_now(session: ServeSession):
    site = session.project / "site"
    other = session.project.parent / "elsewhere"
    shutil.copytree(site, other)
    (other / "index.html").write_text("<html><body>swapped in</body></html>")
    old = site.with_name("site.old")
    os.replace(site, old)
    site.symlink_to(other, target_is_directory=True)
    status, _, body = get(session.url)
    assert status == 200 and b"swapped in" in body and MARKER in body
    site.unlink()
    status, _, body = get(session.url)
    assert status == 503 and b"no site yet" in body


def test_watches_data_and_templates_even_when_created_later(session: ServeSession):
    events = Events(session.url)
    try:
        time.sleep(0.3)
        templates = session.project / "templates"
        templates.mkdir()
        assert events.next()[0] == "rebuilt"
        time.sleep(0.5)  # the folder watch restarts over templates/
        (templates / "article.html").write_text("{{ article.headline }} OVERRIDDEN\n")
        wait_for(lambda: b"OVERRIDDEN" in get(session.url + "articles/g/")[2])
    finally:
        events.close()


def test_debounce_turns_a_burst_into_one_batch():
    changes: queue.Queue[set[str]] = queue.Queue()
    stop = threading.Event()
    for i in range(5):
        changes.put({f"f{i}"})
    batches = debounced(changes, stop, quiet_for=0.1)
    assert next(iter(batches)) == {f"f{i}" for i in range(5)}
    stop.set()


def test_injection_and_script_escaping():
    assert inject(b"<html><BODY>x</BODY></html>", b"S") == b"<html><BODY>xS</BODY></html>"
    assert inject(b"no body", b"S") == b"no bodyS"
    script = live_reload_script("</script><b>")
    assert b"</script><b>" not in script and b"\\u003c/script>" in script


def test_only_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    with pytest.raises(ValueError):
        SiteServer(Path("."), "0.0.0.0", 0)
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "-p", "."])
    assert result.exit_code == 2


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_serve_command_end_to_end(make_project):
    """The real command in a subprocess: first build, page, edit → "rebuilt", Ctrl+C → exit 0."""
    project = make_project({"site.yaml": NO_NLP, "content/g.md": story("First headline")})
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "broadsheet"),
            "serve",
            "--port",
            "0",
            "-p",
            str(project),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # faulthandler: a SIGABRT makes a hung server print every thread's stack (below)
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"},
        # Ctrl+C as from a terminal: a suite started as a background job of a script (as CI
        # may be) runs with SIGINT ignored, the child would inherit that and never stop
        preexec_fn=_interruptible,
    )
    try:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
        url = None
        deadline = time.monotonic() + TIMEOUT
        while url is None:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if match := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
                url = match.group(1)
        status, _, body = get(url + "articles/g/")
        assert status == 200 and b"First headline" in body and MARKER in body
        assert MARKER not in (project / "site/articles/g/index.html").read_bytes()
        events = Events(url)
        time.sleep(0.3)
        (project / "content" / "g.md").write_text(story("Second headline"))
        assert events.next()[0] == "rebuilt"
        assert b"Second headline" in get(url + "articles/g/")[2]
        events.close()
        proc.send_signal(signal.SIGINT)
        try:
            assert proc.wait(timeout=TIMEOUT) == 0
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)
            proc.wait(timeout=TIMEOUT)
            stderr = proc.stderr.read() if proc.stderr else ""
            pytest.fail(f"serve did not stop after Ctrl+C; its threads:\n{stderr[-20000:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
