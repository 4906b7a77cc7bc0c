"""Measure `dossier serve` save-to-visible latency in headless Chromium.

``python benchmarks/serve_latency.py [--project DIR] [--saves N] [--mode search|no-search|both]``

The project's ``content/`` (and ``templates/`` if it has one) is copied to a temporary
folder, `dossier serve` runs on it as a subprocess, and a Chromium tab stays open on
the overview page. Each save rewrites the ``title:`` line of ``content/dossier.yaml``
with a new marker; the latency of a save is the time from just before the file is
written to the first contentful paint (DOMContentLoaded where paint timing is
missing) of the reloaded page whose title shows the marker, both on the wall clock.
Saves are spaced by a pause after the tab has reconnected, so each is its own rebuild.
The default project is this repository's own dossier when ``dossier check`` passes
on it, else the test sample.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "sample"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run"]
CONNECTED = "() => window.LiveReload?.connector?.protocol > 0"
VISIBLE = """(marker) => {
  if (!document.title.includes(marker)) return null;
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  if (!paint && !(nav && nav.domContentLoadedEventEnd)) return null;
  const shown = paint ? paint.startTime : nav.domContentLoadedEventEnd;
  return {at: performance.timeOrigin + shown, origin: performance.timeOrigin, paint: !!paint};
}"""


def default_project() -> Path:
    check = subprocess.run([sys.executable, "-m", "dossier", "-C", str(REPO), "check"], capture_output=True, check=False)
    return REPO if check.returncode == 0 else SAMPLE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def set_title(config: Path, title: str) -> None:
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f'title: "{title}"\n' if line.startswith("title:") else line for line in lines]
    config.write_text("".join(lines), encoding="utf-8")


def measure(project: Path, saves: int, search: bool, pause: float) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="dossier-latency-") as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(project / "content", root / "content")
        if (project / "templates").is_dir():
            shutil.copytree(project / "templates", root / "templates")
        port = free_port()
        command = [sys.executable, "-m", "dossier", "-C", str(root), "serve", "--port", str(port)]
        command += [] if search else ["--no-search"]
        log = Path(tmp) / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(url)
            latencies: list[float] = []
            reloads: list[float] = []  # from the start of the page's reload to its paint
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page()
                page.goto(url)
                for n in range(saves):
                    page.wait_for_function(CONNECTED)
                    page.wait_for_timeout(pause * 1000)
                    marker = f"latency probe {n}"
                    saved = time.time()
                    set_title(root / "content" / "dossier.yaml", marker)
                    shown = page.wait_for_function(VISIBLE, arg=marker, timeout=30_000).json_value()
                    latencies.append(shown["at"] / 1000 - saved)
                    reloads.append((shown["at"] - shown["origin"]) / 1000)
                    print(f"  save {n + 1}: {latencies[-1]:.3f}s ({'paint' if shown['paint'] else 'DOMContentLoaded'})")
                browser.close()
        finally:
            server.send_signal(2)
            server.wait(timeout=30)
        rebuilds = [float(s) for s in re.findall(r"rebuilt \d+ pages in ([\d.]+)s", log.read_text())]
    return {
        "median": statistics.median(latencies),
        "worst": max(latencies),
        "best": min(latencies),
        "build_median": statistics.median(rebuilds) if rebuilds else float("nan"),
        "reload_median": statistics.median(reloads),
        "saves": len(latencies),
    }


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line), "?"
    )
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, {chromium}, load average {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project", type=Path, help="project folder (default: this repository if it passes check, else tests/sample)"
    )
    parser.add_argument("--saves", type=int, default=12)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between a reload and the next save")
    parser.add_argument("--mode", choices=["search", "no-search", "both"], default="both")
    args = parser.parse_args()
    project = (args.project or default_project()).resolve()
    print(f"project: {project}")
    print(f"machine: {machine()}")
    modes = {"search": [True], "no-search": [False], "both": [True, False]}[args.mode]
    for search in modes:
        print(f"{'with search' if search else '--no-search'}: {args.saves} saves")
        r = measure(project, args.saves, search, args.pause)
        print(
            f"{'with search' if search else '--no-search'}: median {r['median']:.3f}s, worst {r['worst']:.3f}s, "
            f"best {r['best']:.3f}s over {r['saves']} saves (median rebuild {r['build_median']:.3f}s, median reload-to-paint {r['reload_median']:.3f}s)"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
