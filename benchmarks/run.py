"""Benchmark dossier builds on generated projects and compare them with Hugo and Pagefind.

``python benchmarks/run.py [--sizes 1000,5000,20000] [--work DIR]`` generates a project
per size (``benchmarks/generate.py``), builds it in a child process (so peak memory is
that build's own), then measures: seconds per phase, pages per second, peak RSS, the
time from saving one event to the rebuilt page being served, Hugo's time for the
same number of plain ~600-word Markdown pages, and Pagefind's own indexing time on
the built site. Prints one Markdown table (and the raw figures as JSON to ``--json``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import WORDS, generate  # noqa: E402

PHASES = ("load", "check", "model", "render", "write", "index")


def child_build(project: Path, out: Path) -> None:
    """Run one full build in this (child) process and print its figures as JSON."""
    import dossier.build as build_module

    peaks: dict[str, int] = {}
    real_index = build_module.run_pagefind

    def index(site: Path, *args: Any, **kwargs: Any) -> None:  # the render workers have ended, Pagefind has not started
        peaks["workers_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        real_index(site, *args, **kwargs)

    build_module.run_pagefind = index  # type: ignore[assignment]
    started = time.perf_counter()
    report = build_module.build(project, out)
    wall = time.perf_counter() - started
    figures = {
        "timings": report.timings,
        "pages": report.pages,
        "wall": wall,
        "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "workers_kb": peaks.get("workers_kb", 0),
        "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }
    print(json.dumps(figures))


def overview_cost(project: Path) -> dict[str, float]:
    """Seconds to lay out the timeline's SVG overview, and to render the whole timeline page (overview and list)."""
    from dossier.build import check
    from dossier.chronology import when
    from dossier.environment import make_env
    from dossier.model import link_records
    from dossier.overview import layout
    from dossier.pages import Page
    from dossier.render import render_site

    site = link_records(check(project))
    started = time.perf_counter()
    layout(site.events, site.actor, {e.id: f"{when(e)}: {e.title} ({e.status})" for e in site.events})
    laid_out = time.perf_counter() - started
    env = make_env(project)
    started = time.perf_counter()
    render_site(site, env, project, jobs=[Page("timeline/index.html", "timeline.html", {"section": "timeline"})], workers=1)
    return {"overview": laid_out, "timeline_page": time.perf_counter() - started}


def run_child(project: Path, out: Path) -> dict[str, Any]:
    """Build in a child process; its figures, and the memory of each process of the build, sampled from outside."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(project), str(out)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks: dict[str, dict[str, int]] = {}
    sampler = threading.Thread(target=sample_memory, args=(child, peaks), daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    sampler.join()
    if child.returncode:
        raise RuntimeError(f"the benchmark's build failed:\n{stderr}")
    overview = [sys.executable, str(Path(__file__).resolve()), "--overview", str(project)]
    costs = json.loads(subprocess.run(overview, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    return {**json.loads(stdout.strip().splitlines()[-1]), **costs, "memory": peaks}


def sample_memory(child: subprocess.Popen[str], peaks: dict[str, dict[str, int]], interval: float = 0.05) -> None:
    """Until ``child`` ends, the peak of each kind of process of its build (the dossier process, a render worker,
    Pagefind), in kB: resident (``rss``, counting pages a forked worker shares with the dossier process) and its
    own (``own``: private pages, what the process adds to the machine's memory), read from /proc every ``interval``."""
    while child.poll() is None:
        for pid in _descendants(child.pid):
            figures = _memory(pid)
            if figures is None:
                continue
            kind = "dossier" if pid == child.pid else "pagefind" if "pagefind" in figures["name"] else "worker"
            peak = peaks.setdefault(kind, {"rss": 0, "own": 0})
            peak["rss"] = max(peak["rss"], figures["rss"])
            peak["own"] = max(peak["own"], figures["own"])
        time.sleep(interval)


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def _memory(pid: int) -> dict[str, Any] | None:
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        kb = {key: int(value.split()[0]) for key, value in fields.items()}
        return {"name": name, "rss": kb["Rss"], "own": kb["Private_Clean"] + kb["Private_Dirty"]}
    except (OSError, ValueError, KeyError, IndexError):
        return None  # it ended meanwhile (or this kernel does not say)


def timed_run(command: list[str]) -> tuple[float, float]:
    """Run ``command``; the seconds it took, and the CPU-seconds (user and system) it and its children used. On a
    shared machine the CPU-seconds move less than the seconds, and they bound what more cores could win."""
    # RUSAGE_CHILDREN counts the children waited for: ``dossier build``'s forked render workers are joined before it
    # ends, Pagefind's Python wrapper execs the binary, Hugo is one process. (The preview's fork server is not.)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def command_time(project: Path, out: Path, *options: str, fresh: bool = True) -> tuple[float, float]:
    """Seconds (and CPU-seconds) ``dossier build`` takes as a user runs it (a command: the interpreter's start and exit included), into
    an empty ``out`` (as Hugo is timed), or with ``fresh=False`` over the site a build of the same content left there
    (the previous site's unchanged files are linked, and the previous site removed)."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "dossier", "-C", str(project), "build", "-q", "--out", str(out), *options]
    return timed_run(command)


def pagefind_time(site: Path, scratch: Path) -> tuple[float, float]:
    """Seconds (and CPU-seconds) Pagefind takes to index ``site`` on its own (into a scratch folder)."""
    shutil.rmtree(scratch, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(scratch), "--silent"]
    return timed_run(command)


def folder_bytes(root: Path, skip: str = "") -> int:
    """The bytes of the files under ``root`` (but its folder ``skip``): how much a build wrote."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not (skip and p.relative_to(root).parts[0] == skip))


def hugo_site(root: Path, pages: int, seed: int = 1) -> None:
    """A minimal Hugo site with ``pages`` plain ~600-word Markdown pages and a trivial layout."""
    import random

    rng = random.Random(seed)
    if (root / f".pages-{pages}").exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts/_default").mkdir(parents=True)
    (root / "content/pages").mkdir(parents=True)
    (root / "config.toml").write_text(
        'baseURL = "http://example.org/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
    )
    layout = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n"
    (root / "layouts/_default/single.html").write_text(layout)
    (root / "layouts/_default/list.html").write_text(layout)
    (root / "layouts/index.html").write_text(layout)
    for index in range(pages):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(85)) + "." for _ in range(7)]
        text = f'---\ntitle: "Page {index}"\n---\n' + "\n\n".join(paragraphs) + "\n"
        (root / "content/pages" / f"page-{index}.md").write_text(text)
    (root / f".pages-{pages}").touch()


def hugo_time(root: Path) -> tuple[float, float]:
    shutil.rmtree(root / "public", ignore_errors=True)
    return timed_run(["hugo", "--quiet", "-s", str(root)])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8", "replace"))
    except OSError:
        return None


def _answers(url: str) -> bool:
    """Whether ``url`` gets an HTTP answer, whatever its status (the page saying the first build is running)."""
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


class Reloads:
    """A live-reload client, as a browser tab on the preview is: it is told when the preview reloads its tabs, and
    asks nothing in between (polling the server over HTTP would itself slow the rebuild it measures)."""

    def __init__(self, base: str, page: str) -> None:
        self.loop = asyncio.new_event_loop()
        host = base.split("//", 1)[1].rstrip("/")
        self.socket = self._run(self._connect(f"ws://{host}/livereload"))
        self._send({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        self.next(30)  # the server's hello
        self._send({"command": "info", "url": page, "plugins": {}})

    @staticmethod
    async def _connect(url: str) -> Any:
        from tornado.websocket import websocket_connect

        return await websocket_connect(url)

    def _run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def _send(self, message: dict[str, Any]) -> None:
        async def send() -> None:
            await self.socket.write_message(json.dumps(message))

        self._run(send())

    def next(self, timeout: float) -> dict[str, Any]:
        """The next message from the preview (raises TimeoutError after ``timeout`` seconds)."""

        async def read() -> Any:
            return await asyncio.wait_for(self.socket.read_message(), timeout)

        text = self._run(read())
        if text is None:
            raise RuntimeError("the preview closed the live-reload connection")
        return dict(json.loads(text))

    def close(self) -> None:
        self.socket.close()
        self.loop.close()


def _set_line(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M), encoding="utf-8")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve_latency(project: Path, out: Path, timeout: float = 1800) -> dict[str, Any]:
    """Seconds from a save to ``dossier serve --no-search`` serving what it changed, for the edits an editor makes:
    an event's title three times, an actor's name (seen on an event page listing it), a new event (its page); and
    the CPU an idle preview uses. The page is fetched when the preview tells its tabs to reload (over its
    live-reload socket), as a browser would fetch it."""
    port = _free_port()
    command = [sys.executable, "-m", "dossier", "-C", str(project), "serve", "--no-search", "--port", str(port)]
    events = sorted((project / "content/events").glob("*.yaml"))
    event = events[len(events) // 2]
    actor_id = re.search(r"^actors: \[([^,\]]+)", event.read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]
    actor = project / "content/actors" / f"{actor_id}.yaml"
    added = project / "content/events" / "zz-benchmark-added.yaml"
    originals = {path: path.read_bytes() for path in (event, actor)}
    server = subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    page = f"{base}events/{event.stem}/"
    figures: dict[str, Any] = {}
    reloads: Reloads | None = None
    try:
        deadline = time.monotonic() + timeout
        while _fetch(page) is None:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dossier serve did not start")
            time.sleep(0.2)
        time.sleep(3)
        cpu = _cpu_seconds(server.pid)
        time.sleep(10)
        figures["idle_cpu"] = (_cpu_seconds(server.pid) - cpu) / 10

        reloads = Reloads(base, page)
        told = reloads

        def timed(edit: Any, url: str, marker: str) -> float:
            started = time.perf_counter()
            edit()
            while True:  # each reload the preview sends, as a tab would: fetch the page, look for the edit
                told_to = told.next(max(1.0, deadline - time.monotonic())).get("command")
                if told_to == "reload" and marker in (_fetch(url) or ""):
                    break
            seconds = time.perf_counter() - started
            time.sleep(2)  # an editor's pause between saves (the preview catches up meanwhile, or is interrupted)
            return seconds

        saves = []
        for n in range(3):
            marker = f"Edited title {n} {time.time_ns()}"
            saves.append(("title", timed(lambda m=marker: _set_line(event, "title", f'"{m}"'), page, marker)))
        marker = f"Renamed {time.time_ns()}"
        saves.append(("rename actor", timed(lambda: _set_line(actor, "name", f'"{marker}"'), page, marker)))
        marker = f"Added {time.time_ns()}"

        def add() -> None:
            added.write_bytes(originals[event])
            _set_line(added, "title", f'"{marker}"')

        saves.append(("add event", timed(add, f"{base}events/{added.stem}/", marker)))
        figures["saves"] = saves
        figures["serve"] = statistics.median(seconds for _, seconds in saves)
        figures["serve_worst"] = max(seconds for _, seconds in saves)
        return figures
    finally:
        if reloads is not None:
            reloads.close()
        server.terminate()
        server.wait(timeout=60)
        for path, data in originals.items():
            path.write_bytes(data)
        added.unlink(missing_ok=True)


def serve_start(project: Path, out: Path, timeout: float = 1800, again: bool = False) -> dict[str, float]:
    """Seconds from starting ``dossier serve`` (with search, into an empty folder and with no session kept) to its first
    answer of any kind (the page saying the first build runs), to its overview page served, and to the line saying the
    search index is in; and from stopping it (SIGTERM) to its exit, which keeps its session. ``again``: the same start
    once more over what that one left, nothing changed since (the pages served, the index kept as it was), and its
    stop."""
    if not again:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(project / ".dossier-cache", ignore_errors=True)
    port = _free_port()
    log = out.parent / f"{out.name}.log"
    started = time.perf_counter()
    with log.open("wb") as stdout:
        command = [sys.executable, "-m", "dossier", "-C", str(project), "serve", "--port", str(port), "--out", str(out)]
        server = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
    figures: dict[str, float] = {}
    name = "start_again" if again else "start"
    try:
        while name not in figures or not (again or "start_search" in figures):
            if server.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError("dossier serve did not start, or did not index")
            if not again and "start_answer" not in figures and _answers(f"http://127.0.0.1:{port}/"):
                figures["start_answer"] = time.perf_counter() - started
            if name not in figures and _fetch(f"http://127.0.0.1:{port}/") is not None:
                figures[name] = time.perf_counter() - started
            if not again and "caught up on the search index" in log.read_text(encoding="utf-8", errors="replace"):
                figures["start_search"] = time.perf_counter() - started
            time.sleep(0.1)
        return figures
    finally:
        stopping = time.perf_counter()
        server.terminate()
        server.wait(timeout=120)
        figures["stop_again" if again else "stop"] = time.perf_counter() - stopping
        log.unlink(missing_ok=True)


def measure(size: int, work: Path, seed: int, serve: bool) -> dict[str, Any]:
    """Every figure for one size."""
    project = work / f"project-{size}"
    stamp = project / f".generated-{size}-{seed}"
    if not stamp.exists():
        shutil.rmtree(project, ignore_errors=True)
        generate(size, project, seed)
        stamp.touch()
    out = work / f"site-{size}"
    figures = run_child(project, out)
    figures["size"] = size
    figures["command"], figures["command_cpu"] = command_time(project, out)  # the same build again, as a command
    figures["command_no_search"], figures["command_no_search_cpu"] = command_time(project, out, "--no-search")
    figures["command_no_search_again"], _ = command_time(project, out, "--no-search", fresh=False)
    figures["pagefind"], figures["pagefind_cpu"] = pagefind_time(out, work / "pagefind-alone")
    hugo = work / f"hugo-{figures['pages']}"
    hugo_site(hugo, figures["pages"])
    hugo_time(hugo)  # warm the file cache once
    figures["hugo"], figures["hugo_cpu"] = hugo_time(hugo)
    figures["bytes"], figures["hugo_bytes"] = folder_bytes(out, skip="pagefind"), folder_bytes(hugo / "public")
    if serve:
        shutil.rmtree(project / ".dossier-cache", ignore_errors=True)  # a session kept by an earlier run: a cold start
        figures.update(serve_latency(project, work / f"serve-{size}"))
        figures.update(serve_start(project, work / f"serve-{size}"))
        figures.update(serve_start(project, work / f"serve-{size}", again=True))
    return figures


def _peak(figures: dict[str, Any], kind: str) -> str:
    """The peak RSS of a kind of process, sampled from outside (RUSAGE_CHILDREN's is the largest child's, of any kind:
    a render worker's when Pagefind indexes in parts)."""
    peak = figures.get("memory", {}).get(kind)
    return f"{peak['rss'] / 1024:.0f}" if peak else "–"


def _own(figures: dict[str, Any], kind: str) -> str:
    peak = figures.get("memory", {}).get(kind)
    return f"{peak['own'] / 1024:.0f}" if peak else "–"


def table(results: list[dict[str, Any]]) -> str:
    """The figures as one Markdown table, a column per size."""
    rows: list[tuple[str, list[str]]] = [("events", [f"{r['size']:,}" for r in results])]
    rows.append(("pages", [f"{r['pages']:,}" for r in results]))
    for phase in PHASES:
        rows.append((f"{phase} (s)", [f"{r['timings'].get(phase, 0):.2f}" for r in results]))
    total = [sum(r["timings"].values()) for r in results]
    rows.append(("full build, with search (s)", [f"{t:.2f}" for t in total]))
    rows.append(("timeline overview layout (s)", [f"{r['overview']:.3f}" for r in results]))
    rows.append(("timeline page with overview, render (s)", [f"{r['timeline_page']:.2f}" for r in results]))
    rows.append(("pages/s (`build --no-search`)", [f"{r['pages'] / r['command_no_search']:,.0f}" for r in results]))
    rows.append(("peak RSS, dossier process (MB)", [f"{r['self_kb'] / 1024:.0f}" for r in results]))
    rows.append(("peak RSS, one render worker (MB)", [f"{r['workers_kb'] / 1024:.0f}" for r in results]))
    rows.append(("... of which its own, not shared with the dossier process (MB)", [_own(r, "worker") for r in results]))
    rows.append(("peak RSS, pagefind, the largest part's (MB)", [_peak(r, "pagefind") for r in results]))
    rows.append(("Hugo, same page count (s)", [f"{r['hugo']:.2f}" for r in results]))
    rows.append(("`dossier build --no-search`, the command (s)", [f"{r['command_no_search']:.2f}" for r in results]))
    rows.append(("... again, over its previous site (s)", [f"{r['command_no_search_again']:.2f}" for r in results]))
    rows.append(("`dossier build --no-search` ÷ Hugo", [f"{r['command_no_search'] / r['hugo']:.2f}" for r in results]))
    rows.append(
        (
            "CPU-seconds: `dossier build --no-search` / Hugo",
            [f"{r['command_no_search_cpu']:.1f} / {r['hugo_cpu']:.1f}" for r in results],
        )
    )
    rows.append(
        (
            "output, without the search index: ours / Hugo's (MB)",
            [f"{r['bytes'] >> 20} / {r['hugo_bytes'] >> 20}" for r in results],
        )
    )
    rows.append(("`dossier build`, the command (s)", [f"{r['command']:.2f}" for r in results]))
    rows.append(("Pagefind alone (s)", [f"{r['pagefind']:.2f}" for r in results]))
    rows.append(("`dossier build` ÷ Pagefind alone", [f"{r['command'] / r['pagefind']:.2f}" for r in results]))
    rows.append(
        ("CPU-seconds: `dossier build` / Pagefind alone", [f"{r['command_cpu']:.1f} / {r['pagefind_cpu']:.1f}" for r in results])
    )
    if all("serve" in r for r in results):
        rows.append(("serve: save → page served, median (s)", [f"{r['serve']:.2f}" for r in results]))
        rows.append(("serve: save → page served, worst (s)", [f"{r['serve_worst']:.2f}" for r in results]))
        for index, (name, _) in enumerate(results[0]["saves"]):
            rows.append((f"serve: {name} (s)", [f"{r['saves'][index][1]:.2f}" for r in results]))
        rows.append(("serve: idle CPU (% of one core)", [f"{100 * r['idle_cpu']:.1f}" for r in results]))
        rows.append(("serve (with search): start → first answer (s)", [f"{r['start_answer']:.2f}" for r in results]))
        rows.append(("serve (with search): start → pages served (s)", [f"{r['start']:.2f}" for r in results]))
        rows.append(("serve (with search): start → search index in (s)", [f"{r['start_search']:.2f}" for r in results]))
        rows.append(("serve: stop, keeping the session (s)", [f"{r['stop']:.2f}" for r in results]))
        rows.append(("serve: start again, nothing changed → pages served (s)", [f"{r['start_again']:.2f}" for r in results]))
    lines = ["| | " + " | ".join(f"{r['size']:,} events" for r in results) + " |", "| --- |" + " ---: |" * len(results)]
    lines += [f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child_build(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--overview":  # apart from the build, whose memory is measured
        print(json.dumps(overview_cost(Path(sys.argv[2]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated event counts")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "dossier-bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-serve", action="store_true", help="skip the save-to-served measurement")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        sys.exit("hugo not found: apt-get install -y hugo")
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(measure(size, args.work, args.seed, not args.no_serve))
        print(f"measured {size} events", file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
