"""Regenerate the expected outputs the tests compare against: ``python -m tests.regen``.

- ``tests/golden/``: the sample project (tests/sample) built without search.
- ``tests/invalid/<case>/expected.txt``: what ``dossier check`` prints for each broken project.

Review the diff (``git diff tests/``) before committing: these files are the specification.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.helpers import GOLDEN, INVALID, SAMPLE, build_golden, check_case, invalid_cases


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build_golden(SAMPLE, out)
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
        print(f"wrote {GOLDEN}")
    for case in invalid_cases():
        output = check_case(case, Path(tempfile.mkdtemp()))
        (INVALID / case / "expected.txt").write_text(output.stderr, encoding="utf-8")
        print(f"wrote {INVALID / case / 'expected.txt'}")


if __name__ == "__main__":
    main()
