"""Tools some tests take from a package registry: fetched once, checked against a pinned hash, kept in ``.tools/``.

``.tools/`` is ignored by git; a test that finds the tool there does not download it again.
The test machines have Python but no node, so an npm package is fetched as its tarball
from the registry with ``urllib`` and checked against the ``dist.integrity`` the registry
published for that version (pinned here, so a changed tarball fails instead of being used).
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path

TOOLS = Path(__file__).parent.parent / ".tools"

TIMELINEJS_VERSION = "3.9.11"
TIMELINEJS_TARBALL = f"https://registry.npmjs.org/@knight-lab/timelinejs/-/timelinejs-{TIMELINEJS_VERSION}.tgz"
TIMELINEJS_INTEGRITY = "sha512-+jUuY1OJ+9zSO5O3AfYSLd1yB0vQkm22zyIElz8BWT5DQ9mL0rsxlQkBKAqLbWpJjFuAAJeqzLY35xFIg6GW4g=="
TIMELINEJS_FILES = ("js/timeline.js", "css/timeline.css", "css/icons/")  # under the package's dist/; the css loads the icons


def integrity(data: bytes) -> str:
    """The npm ``dist.integrity`` string (Subresource Integrity, sha512) of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def timelinejs() -> Path:
    """TimelineJS3's ``dist/`` (its script, its stylesheet and the icons the stylesheet loads), from the npm package
    ``@knight-lab/timelinejs``; downloaded and checked on first use only."""
    folder = TOOLS / f"timelinejs-{TIMELINEJS_VERSION}"
    if (folder / "js/timeline.js").is_file() and (folder / "css/timeline.css").is_file():
        return folder
    with urllib.request.urlopen(TIMELINEJS_TARBALL, timeout=120) as response:
        data = response.read()
    if integrity(data) != TIMELINEJS_INTEGRITY:
        raise AssertionError(f"{TIMELINEJS_TARBALL} does not match its published integrity {TIMELINEJS_INTEGRITY}")
    TOOLS.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="timelinejs-", dir=TOOLS))
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/dist/")
            if member.isfile() and name != member.name and name.startswith(TIMELINEJS_FILES):
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                target.write_bytes(source.read())
    try:
        staging.rename(folder)  # all at once: a run interrupted half-way leaves nothing that looks complete
    except OSError:  # another run got there first
        shutil.rmtree(staging)
    return folder


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
