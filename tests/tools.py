"""Tools the tests fetch once into ``.tools/`` (ignored by git): files of npm packages, downloaded with Python from
the npm registry (the machine needs no Node.js) and checked against the registry's published integrity hash."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent / ".tools"
REGISTRY = "https://registry.npmjs.org"


def npm_file(package: str, version: str, integrity: str, member: str) -> Path:
    """``member`` (a path inside the package, e.g. ``build/dist/vnu.jar``) of an npm package, fetched once."""
    target = TOOLS / f"{package.replace('/', '+')}-{version}" / member
    if target.is_file():
        return target
    name = package.rsplit("/", 1)[-1]
    with urllib.request.urlopen(f"{REGISTRY}/{package}/-/{name}-{version}.tgz", timeout=120) as response:
        data = response.read()
    algorithm, _, expected = integrity.partition("-")
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        raise RuntimeError(f"{package} {version}: the download does not match its published integrity hash")
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        extracted = archive.extractfile(f"package/{member}")
        if extracted is None:
            raise RuntimeError(f"{package} {version} has no {member}")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(extracted.read())
        partial.replace(target)
    return target


def vnu_jar() -> Path:
    """The Nu Html Checker (the W3C's validator), as the npm package vnu-jar ships it; it runs on Java 11 or newer."""
    return npm_file(
        "vnu-jar",
        "26.9.27",
        "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA==",
        "build/dist/vnu.jar",
    )
