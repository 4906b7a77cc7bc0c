"""Index: run Pagefind over a finished site folder so the published site has search."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class PagefindError(Exception):
    """Pagefind failed; the message carries its output."""


def run_pagefind(site_dir: Path) -> None:
    """Index ``site_dir`` into ``site_dir/pagefind`` with the Pagefind binary shipped by ``pagefind[bin]``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", "pagefind", "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise PagefindError(f"search indexing failed (pagefind exit code {result.returncode}): {detail}")
