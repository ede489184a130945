"""`broadsheet serve`: build, serve the site on this machine, rebuild on change, reload the page.

Three parts, each in its own thread:

- `SiteServer`: stdlib http.server serving the output folder *by path* on every request, so the
  folder a rebuild swaps in (write.py replaces it atomically; it may also be a symlink) is served
  at once. HTML responses get a small live-reload script; the files on disk never do.
- `Broadcaster` + the Server-Sent Events endpoint `/__broadsheet/events`: every open page keeps
  one connection and is told "rebuilt" (it reloads) or "failed" (it shows the error).
- `Watcher`: watchfiles over content/, data/, templates/ and site.yaml; changes arriving close
  together become one rebuild.

A failed rebuild changes nothing on disk (the write is atomic), so the last good site goes on
being served and the error is printed and shown on the page.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import mimetypes
import os
import posixpath
import queue
import shutil
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

EVENTS_PATH = "/__broadsheet/events"
#: Seconds between keep-alive comments on an idle event stream (also how often it checks for
#: shutdown).
KEEPALIVE = 10.0
#: Changes closer together than this (seconds) are one rebuild.
DEBOUNCE = 0.3
#: Top-level names of the project that are watched besides the content folder.
WATCHED_NAMES = ("site.yaml", "data", "templates")

FAILED_NOTE = "The last rebuild failed; this is the previous site."
#: Injected before </body> of every served HTML page (not into the files on disk).
LIVE_RELOAD_TEMPLATE = """<script data-broadsheet-live-reload>
(function () {
  var problems = %(problems)s;
  function banner(text) {
    var box = document.getElementById("broadsheet-serve-error");
    if (!text) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "broadsheet-serve-error";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;padding:1em;" +
        "max-height:40vh;overflow:auto;background:#fff4f4;color:#900;border-top:3px solid #c00;" +
        "font:13px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";
      document.body.appendChild(box);
    }
    box.textContent = text;
  }
  banner(problems);
  var source = new EventSource("%(events)s");
  source.addEventListener("rebuilt", function () { location.reload(); });
  source.addEventListener("failed", function (event) {
    banner(%(failed)s + "\\n\\n" + event.data);
  });
})();
</script>
"""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and names that resolve only to them (localhost)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def live_reload_script(problems: str = "") -> bytes:
    # JSON in a <script>: escape "<" so no text can close the element.
    text = json.dumps(problems).replace("<", "\\u003c")
    values = {"problems": text, "events": EVENTS_PATH, "failed": json.dumps(FAILED_NOTE)}
    return (LIVE_RELOAD_TEMPLATE % values).encode("utf-8")


def inject(html: bytes, script: bytes) -> bytes:
    """The page with the script before its last </body> (or at the end when it has none)."""
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


class Broadcaster:
    """Hands each build outcome to every open event stream."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._events: list[tuple[str, str]] = []
        self.closed = False

    def publish(self, event: str, data: str = "") -> None:
        with self._condition:
            self._events.append((event, data))
            self._condition.notify_all()

    def position(self) -> int:
        with self._condition:
            return len(self._events)

    def wait(self, after: int, timeout: float) -> tuple[int, list[tuple[str, str]]]:
        """Events published since position `after` (waiting up to `timeout` for one)."""
        with self._condition:
            self._condition.wait_for(
                lambda: self.closed or len(self._events) > after, timeout=timeout
            )
            return len(self._events), self._events[after:]

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()


class _Handler(SimpleHTTPRequestHandler):
    server: SiteServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The folder is looked up by its path on every request (never an open handle), so a
        # rebuilt site swapped in at the same path is what the next request sees.
        super().__init__(*args, directory=str(args[2].site), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            super().log_message(format, *args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if urllib.parse.urlsplit(self.path).path == EVENTS_PATH:
            self._events()
            return
        self._file(head=False)

    def do_HEAD(self) -> None:
        self._file(head=True)

    def _file(self, head: bool) -> None:
        site = self.server.site
        for _ in range(20):  # the instant between two os.replace calls of a swap
            if site.is_dir():
                break
            time.sleep(0.025)
        else:
            self._text(HTTPStatus.SERVICE_UNAVAILABLE, self.server.no_site_message(), head)
            return
        url_path = urllib.parse.urlsplit(self.path).path
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path / "index.html"
        if not _inside(path, site) or not path.is_file():
            self._not_found(url_path, head)
            return
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            if ctype == "text/html":
                body = inject(path.read_bytes(), self.server.script())
                self._send(HTTPStatus.OK, "text/html; charset=utf-8", body, head)
                return
            with path.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                if not head:
                    shutil.copyfileobj(f, self.wfile)
        except FileNotFoundError:  # swapped away between the check and the read
            self._not_found(url_path, head)

    def _not_found(self, url_path: str, head: bool) -> None:
        """The site's own 404.html when it has one (as static hosts do), else plain text."""
        try:
            page = (self.server.site / "404.html").read_bytes()
        except OSError:
            self._text(HTTPStatus.NOT_FOUND, f"Not found: {url_path}", head)
            return
        body = inject(page, self.server.script())
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, head)

    def _send(self, status: HTTPStatus, ctype: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _text(self, status: HTTPStatus, text: str, head: bool) -> None:
        self._send(status, "text/plain; charset=utf-8", (text + "\n").encode("utf-8"), head)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        broadcaster = self.server.broadcaster
        seen = broadcaster.position()
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not broadcaster.closed:
                seen, events = broadcaster.wait(seen, KEEPALIVE)
                chunks = [_sse(event, data) for event, data in events] or [b": keep-alive\n\n"]
                if broadcaster.closed:
                    return
                self.wfile.write(b"".join(chunks))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


def _sse(event: str, data: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in (data or event).split("\n"))
    return f"event: {event}\n{lines}\n".encode()


def _inside(path: Path, site: Path) -> bool:
    try:
        return path.resolve().is_relative_to(site.resolve())
    except OSError:
        return False


class SiteServer(ThreadingHTTPServer):
    """Serves `site` (by path) on a loopback address, with live reload."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, site: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        if not is_loopback(host):
            raise ValueError(
                f"{host} is not a loopback address: serve only listens on this machine"
            )
        self.site = site
        self.broadcaster = Broadcaster()
        self.problems = ""  #: shown on every page while not empty (the last build's errors)
        self.last_error = ""
        self.log_requests = False
        if ":" in host.strip("[]"):
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    def script(self) -> bytes:
        if self.last_error:
            return live_reload_script(f"{FAILED_NOTE}\n\n{self.last_error}")
        return live_reload_script(self.problems)

    def no_site_message(self) -> str:
        detail = f"\n\n{self.last_error}" if self.last_error else ""
        return f"There is no site yet: the build has not finished or it failed.{detail}"

    def rebuilt(self, problems: str = "") -> None:
        self.problems, self.last_error = problems, ""
        self.broadcaster.publish("rebuilt")

    def failed(self, error: str) -> None:
        self.last_error = error
        self.broadcaster.publish("failed", error)

    def start(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever, args=(0.1,), name="broadsheet-serve", daemon=True
        )
        thread.start()
        return thread

    def stop(self) -> None:
        self.broadcaster.close()
        self.shutdown()
        self.server_close()


class _Either:
    """An event set when either of two is (watchfiles' stop_event protocol)."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


@dataclass
class Watcher:
    """Puts a set of changed paths on `changes` whenever a watched file changes.

    Watches `content_dir` recursively, `data/` and `templates/` when they exist, and the project
    folder itself (not recursively) for site.yaml and for those folders appearing. When the set
    of watched folders changes, the recursive watch restarts over the new set.
    """

    project: Path
    content_dir: Callable[[], str]
    changes: queue.Queue[set[str]]
    stop_event: threading.Event

    def __post_init__(self) -> None:
        self._restart = threading.Event()
        self._threads: list[threading.Thread] = []

    def folders(self) -> list[Path]:
        names = [self.content_dir(), *WATCHED_NAMES[1:]]
        return [p for n in dict.fromkeys(names) if (p := self.project / n).is_dir()]

    def start(self) -> None:
        for target, name in ((self._watch_folders, "folders"), (self._watch_top, "top")):
            thread = threading.Thread(target=target, name=f"broadsheet-watch-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self, timeout: float = 5.0) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _watch_folders(self) -> None:
        import watchfiles

        while not self.stop_event.is_set():
            self._restart.clear()
            folders = self.folders()
            if not folders:
                self.stop_event.wait(0.5)
                continue
            try:
                for found in watchfiles.watch(
                    *folders,
                    stop_event=_Either(self.stop_event, self._restart),
                    debounce=1600,
                    step=50,
                    rust_timeout=500,
                    raise_interrupt=False,
                ):
                    self.changes.put({path for _, path in found})
            except Exception:  # a watched folder went away: watch what there is now
                self.stop_event.wait(0.5)

    def _watch_top(self) -> None:
        import watchfiles

        def relevant(_change: Any, path: str) -> bool:
            return Path(path).name in {*WATCHED_NAMES, self.content_dir()}

        while not self.stop_event.is_set():
            try:
                for found in watchfiles.watch(
                    self.project,
                    watch_filter=relevant,
                    recursive=False,
                    stop_event=self.stop_event,
                    debounce=1600,
                    step=50,
                    rust_timeout=500,
                    raise_interrupt=False,
                ):
                    # A folder appeared or went, or site.yaml (and so maybe content_dir)
                    # changed: the recursive watch starts again over the folders there are now.
                    self._restart.set()
                    self.changes.put({path for _, path in found})
            except Exception:  # the project folder itself went away for a moment
                self.stop_event.wait(0.5)


def debounced(
    changes: queue.Queue[set[str]], stop: threading.Event, quiet_for: float = DEBOUNCE
) -> Iterable[set[str]]:
    """Batches of changed paths: each batch ends once no change came for `quiet_for` seconds."""
    while not stop.is_set():
        try:
            batch = set(changes.get(timeout=0.2))
        except queue.Empty:
            continue
        while True:
            try:
                batch |= changes.get(timeout=quiet_for)
            except queue.Empty:
                break
        if not stop.is_set():
            yield batch


class ServeSession:
    """The whole of `broadsheet serve`: first build, server, watcher, rebuild loop.

    `rebuild()` builds the site and returns (errors text or "", exception text or None); it is
    supplied by the caller (cli.py prints as it builds). `start()` returns once the first build
    is done and the server is listening; `stop()` ends every thread.
    """

    def __init__(
        self,
        project: Path,
        site: Path,
        rebuild: Callable[[], tuple[str, str | None]],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        content_dir: Callable[[], str] = lambda: "content",
        on_change: Callable[[set[str]], None] | None = None,
    ) -> None:
        self.project = project
        self.rebuild_site = rebuild
        self.server = SiteServer(site, host, port)
        self.stop_event = threading.Event()
        self.changes: queue.Queue[set[str]] = queue.Queue()
        self.watcher = Watcher(project, content_dir, self.changes, self.stop_event)
        self.on_change = on_change
        self._loop: threading.Thread | None = None
        self.builds = 0

    @property
    def url(self) -> str:
        return self.server.url

    def build_once(self) -> bool:
        problems, error = self.rebuild_site()
        self.builds += 1
        if error is not None:
            self.server.failed(error)
            return False
        self.server.rebuilt(problems)
        return True

    def start(self) -> None:
        self.watcher.start()
        self.build_once()
        self.server.start()
        self._loop = threading.Thread(target=self._rebuild_loop, name="broadsheet-rebuild")
        self._loop.daemon = True
        self._loop.start()

    def _rebuild_loop(self) -> None:
        for batch in debounced(self.changes, self.stop_event):
            if self.on_change:
                self.on_change(batch)
            self.build_once()

    def wait(self) -> None:
        """Block until stop() (or Ctrl+C in the calling thread)."""
        while not self.stop_event.wait(0.5):
            pass

    def stop(self) -> None:
        self.stop_event.set()
        self.server.stop()
        self.watcher.join()
        if self._loop is not None:
            self._loop.join(5.0)

    def __enter__(self) -> ServeSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()


def relative_paths(paths: Iterable[str], project: Path) -> list[str]:
    out = []
    for path in sorted(paths):
        try:
            out.append(posixpath.join(*Path(path).relative_to(project).parts))
        except (ValueError, TypeError):
            out.append(path)
    return out
