"""All or nothing: killed builds, a corrupt cache, two builds at once.

(a) A real build in a subprocess is SIGKILLed at random moments (fixed seed); after every kill
    site/ is exactly one of two known-good builds (old content or new), never a mix, never
    missing, and the next build cleans up what the killed one left. The fallback swap (two
    renames, for systems without an atomic exchange) is killed between its renames and recovered.
(b) Extraction cache entries that are truncated, foreign, inconsistent or not files at all are
    misses: recomputed, rewritten, and the site is the same as with a sound cache.
(c) A second build of a project while one runs fails at once with a clear message, exit code 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from badkit import FAST, run_cli, tree, write_files

from broadsheet.build import build
from broadsheet.cache import CACHE_DIR, ExtractionCache
from broadsheet.lock import BuildLocked, build_lock, lock_path
from broadsheet.write import recover, write_tree

pytestmark = pytest.mark.slow


def articles(version: str, count: int) -> dict[str, str]:
    return {
        f"src-{version}/story-{i:03d}.md": (
            f"---\nheadline: Story {i}, version {version}\n"
            f"date: 2021-{i % 12 + 1:02d}-{i % 28 + 1:02d}\nbyline: Writer {i % 7}\n"
            f"people: [Person {i % 40} Example, Person {i * 7 % 40} Example]\n"
            f"places: [Town {i % 5}]\n---\n"
            f"Person {i % 40} Example spoke, in version {version}.\n\nA second paragraph.\n"
        )
        for i in range(count)
    }


def use(project: Path, version: str) -> None:
    """Point content/ at src-<version>/ (atomically: a new link renamed over the old)."""
    link = project / "content.new"
    link.unlink(missing_ok=True)
    link.symlink_to(f"src-{version}", target_is_directory=True)
    os.replace(link, project / "content")


def leftovers(project: Path) -> list[str]:
    """What builds left beside site/: .site.new-<pid> (staging), .site.old-<pid> (set aside)."""
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


def spares(project: Path) -> list[Path]:
    """The spare copies of the site that incremental builds update (publish.py)."""
    return sorted((project / CACHE_DIR / "build").glob("*/spare"))


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """A project of a few hundred articles, and the complete site for each of two versions."""
    project = tmp_path_factory.mktemp("atomic") / "project"
    write_files(project, {"site.yaml": FAST, **articles("a", 120), **articles("b", 130)})
    (project / "content").rmdir()
    sites, seconds = {}, {}
    for version in ("a", "b"):
        use(project, version)
        started = time.perf_counter()
        run = run_cli("build", "-q", "-p", str(project))
        seconds[version] = time.perf_counter() - started
        assert run.returncode == 0, run.stderr
        sites[version] = tree(project / "site")
    assert sites["a"] != sites["b"] and set(sites["a"]) != set(sites["b"])
    return project, sites, max(seconds.values())


def test_sigkill_at_random_moments_leaves_one_whole_site(two_builds):
    project, sites, seconds = two_builds
    rng = random.Random(6)
    state = "b"
    outcomes = []
    for attempt in range(20):
        if attempt >= 10 and "killed writing" in outcomes:
            break  # ten kills done, at least one while writing
        target = "a" if state == "b" else "b"
        use(project, target)
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "broadsheet", "build", "-q", "-p", str(project)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # Kill at a random moment of the build; a build that ends first tells how long
        # builds take now (rebuilds reuse work, and the machine's load varies).
        deadline = started + rng.uniform(0.3, 1.05) * seconds
        while time.perf_counter() < deadline and proc.poll() is None:
            time.sleep(0.005)
        if proc.poll() is not None:
            seconds = time.perf_counter() - started
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        code = proc.wait(timeout=60)
        site = project / "site"
        assert site.is_dir() and not site.is_symlink(), "site/ must never be missing"
        now = tree(site)
        matches = [v for v, files in sites.items() if files == now]
        assert matches, "site/ is a mix of two builds, or incomplete"
        state = matches[0]
        if code == 0:
            assert state == target
        if code != -signal.SIGKILL:
            outcomes.append("finished")
        else:  # a staging folder left behind, or a spare half updated: killed while writing
            half_done = [p for p in spares(project) if tree(p) not in sites.values()]
            outcomes.append("killed writing" if leftovers(project) or half_done else "killed")
    # the kills did land mid-build, some while the new site was being written (the sleeps scale
    # with the measured build time; here typically 8 of 10 land while writing)
    assert outcomes.count("killed writing") >= 1, outcomes
    # the next build cleans up whatever the killed ones left beside site/
    run = run_cli("build", "-q", "-p", str(project))
    assert run.returncode == 0, run.stderr
    assert leftovers(project) == []


KILL_BETWEEN_RENAMES = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import broadsheet.write as write
    from broadsheet.build import build

    project = Path(sys.argv[1])
    write.exchange = lambda a, b: False  # as on a system without an atomic exchange
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == project / "site" and ".site.old-" not in str(src):
            os.kill(os.getpid(), signal.SIGKILL)  # the old site is aside, the new one not in
        real_replace(src, dst)

    os.replace = replace
    build(project)
    """
)


def test_fallback_swap_killed_between_renames_is_recovered(make_project):
    project = make_project({"site.yaml": FAST, "content/a.md": "# Old\n\nold\n"})
    build(project)
    old = tree(project / "site")
    (project / "content/a.md").write_text("# New\n\nnew\n")
    run = subprocess.run(
        [sys.executable, "-c", KILL_BETWEEN_RENAMES, str(project)], check=False, timeout=120
    )
    assert run.returncode == -signal.SIGKILL
    assert not (project / "site").exists()  # the window the exchange closes
    aside = [p for p in project.iterdir() if p.name.startswith(".site.old-")]
    assert len(aside) == 1 and tree(aside[0]) == old
    recover(project / "site")  # what the next build does first
    assert tree(project / "site") == old and leftovers(project) == []
    build(project)
    assert "New" in (project / "site/articles/a/index.html").read_text()
    assert leftovers(project) == []


def test_recover_removes_leftovers_and_keeps_a_present_site(tmp_path: Path):
    site = tmp_path / "site"
    write_tree([("index.html", b"current")], site)
    for name in (".site.new-1", ".site.new-2/deep", ".site.old-3"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "index.html").write_bytes(b"leftover")
    recover(site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (site / "index.html").read_bytes() == b"current"


def test_site_stays_a_real_folder_for_hosts_and_copies(tmp_path: Path):
    site = tmp_path / "site"
    for content in (b"one", b"two", b"three"):
        write_tree([("index.html", content)], site)
        assert site.is_dir() and not site.is_symlink()
        assert (site / "index.html").read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# ---------------------------------------------------------------- (b) the extraction cache

CACHED_TEXT = "Senator Rand Paul met Sergey Kislyak in Moscow."


def corruptions(entry: dict) -> dict[str, object]:
    """Ways a cache file can be wrong: name → new file content (bytes), or "dir"."""
    other = dict(entry, key="0" * 64)
    shifted = dict(entry, mentions=[dict(m, start=m["start"] + 1) for m in entry["mentions"]])
    out_of_range = dict(entry, mentions=[dict(m, end=10**9) for m in entry["mentions"]])
    text_type = dict(entry, mentions=[dict(m, start=str(m["start"])) for m in entry["mentions"]])
    bool_type = dict(entry, mentions=[dict(m, start=True) for m in entry["mentions"]])
    bad_kind = dict(entry, mentions=[dict(m, kind="alien") for m in entry["mentions"]])
    no_name = dict(entry, mentions=[dict(m, name=" ") for m in entry["mentions"]])
    raw = json.dumps(entry).encode()
    return {
        "truncated": raw[: len(raw) // 2],
        "empty": b"",
        "not-utf8": b"\xff\xfe" + raw,
        "a-list": b"[]",
        "null": b"null",
        "wrong-key": json.dumps(other).encode(),
        "no-key": json.dumps({"mentions": entry["mentions"]}).encode(),
        "offsets-shifted": json.dumps(shifted).encode(),
        "offsets-out-of-range": json.dumps(out_of_range).encode(),
        "offset-as-text": json.dumps(text_type).encode(),
        "offset-as-bool": json.dumps(bool_type).encode(),
        "unknown-kind": json.dumps(bad_kind).encode(),
        "blank-name": json.dumps(no_name).encode(),
        "mentions-not-a-list": json.dumps(dict(entry, mentions=7)).encode(),
        "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
        "dir": "dir",
    }


def sound_entry(tmp_path: Path, nlp) -> tuple[ExtractionCache, Path, dict]:
    from broadsheet.extract import extract_mentions, pipeline_fingerprint

    cache = ExtractionCache(tmp_path / CACHE_DIR, pipeline_fingerprint(nlp))
    (mentions,) = extract_mentions([CACHED_TEXT], nlp)
    assert mentions
    cache.put(CACHED_TEXT, mentions)
    (file,) = cache.folder.rglob("*.json")
    return cache, file, json.loads(file.read_text())


def test_every_kind_of_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path: Path, nlp):
    cache, file, entry = sound_entry(tmp_path, nlp)
    good = cache.get(CACHED_TEXT)
    assert good
    for name, damage in corruptions(entry).items():
        if damage == "dir":
            file.unlink()
            (file / "inside").mkdir(parents=True)
        else:
            file.write_bytes(damage)  # type: ignore[arg-type]
        assert cache.get(CACHED_TEXT) is None, name
        cache.put(CACHED_TEXT, good)  # what the build does after recomputing
        assert cache.get(CACHED_TEXT) == good, name
        assert file.is_file(), name
        assert [p.name for p in file.parent.iterdir()] == [file.name], name  # no temp files


def test_a_build_with_a_corrupt_cache_recomputes_and_gives_the_same_site(
    make_project, nlp, monkeypatch
):
    from broadsheet import extract

    project = make_project(
        {
            "content/one.txt": "First story\n\nMay 1, 2020\n\nRand Paul met Sergey Kislyak.\n",
            "content/two.txt": "Second story\n\nMay 2, 2020\n\nElena Marsh visited Port Halden.\n",
            "content/three.txt": "Third story\n\nMay 3, 2020\n\nThe Acme Corporation grew.\n",
            "site.yaml": "search: false\n",
        }
    )
    build(project, nlp=nlp)
    reference = tree(project / "site")
    files = sorted((project / CACHE_DIR).rglob("*.json"))
    assert len(files) == 3
    entry = json.loads(files[0].read_text())
    damage = corruptions(entry)
    files[0].write_bytes(damage["truncated"])  # type: ignore[arg-type]
    files[1].write_bytes(damage["wrong-key"])  # type: ignore[arg-type]
    files[2].unlink()
    files[2].mkdir()

    seen: list[str] = []
    real = extract.extract_mentions

    def spy(texts, nlp_, **kwargs):
        seen.extend(texts)
        return real(texts, nlp_, **kwargs)

    monkeypatch.setattr(extract, "extract_mentions", spy)
    # incremental=False: the extraction cache alone, not the no-change shortcut
    build(project, nlp=nlp, incremental=False)
    assert len(seen) == 3  # all three recomputed
    assert tree(project / "site") == reference
    seen.clear()
    build(project, nlp=nlp, incremental=False)
    assert seen == []  # and rewritten: the next build reads them all from the cache
    assert tree(project / "site") == reference


# ---------------------------------------------------------------- (c) one build at a time


def test_a_second_build_fails_at_once_with_a_clear_message(make_project):
    from click.testing import CliRunner

    from broadsheet.cli import main

    project = make_project({"site.yaml": FAST, "content/a.md": "# A\n\nText.\n"})
    with build_lock(project):
        with pytest.raises(BuildLocked) as caught:
            build(project)
        result = CliRunner().invoke(main, ["build", "-p", str(project)])
    message = str(caught.value)
    assert f"another build of this project is running (pid {os.getpid()})" in message
    assert f"wait for it or remove {lock_path(project)}" in message
    assert result.exit_code == 1
    assert "another build of this project is running" in result.output
    assert not (project / "site").exists()  # the refused build wrote nothing
    build(project)  # the lock is released with its holder
    assert (project / "site/index.html").is_file()


def test_two_builds_started_together_do_not_interleave(two_builds):
    project, sites, _ = two_builds
    use(project, "a")
    for _attempt in range(5):
        # Without what the last build left, the first build does all of its work: long enough
        # for the second to start while it runs (a rebuild that reuses it can end first).
        shutil.rmtree(project / CACHE_DIR / "build", ignore_errors=True)
        first = subprocess.Popen(
            [sys.executable, "-m", "broadsheet", "build", "-q", "-p", str(project)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lock = lock_path(project)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            not lock.is_file() or lock.read_text().strip() != str(first.pid)
        ):
            time.sleep(0.01)  # until the first build holds the lock
        started = time.perf_counter()
        second = run_cli("build", "-q", "-p", str(project))
        refused_in = time.perf_counter() - started
        assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""
        if second.returncode == 0:
            # The first build let go of the lock before the second asked (a rebuild with
            # nothing to do is quick): nothing was tested; start again from the other version.
            use(project, "b")
            run_cli("build", "-q", "-p", str(project))
            use(project, "a")
            continue
        break
    assert second.returncode == 1
    assert f"another build of this project is running (pid {first.pid})" in second.stderr
    assert refused_in < 10  # fails fast (interpreter start-up only), never waits
    assert tree(project / "site") == sites["a"]
    assert leftovers(project) == []
