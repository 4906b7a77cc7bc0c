"""Regenerate the expected outputs the tests compare against.

    python -m tests.regen                  # everything
    python -m tests.regen golden           # tests/golden/: the sample project (tests/sample) built without search
    python -m tests.regen invalid          # every tests/invalid/<case>/expected.txt
    python -m tests.regen unknown-key ...  # the named invalid cases only

Review the diff (``git diff tests/``) before committing: these files are the specification.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.helpers import GOLDEN, INVALID, SAMPLE, build_golden, check_case, golden_tree, invalid_cases


def regen_golden() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        build_golden(SAMPLE, out)
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in golden_tree(out).items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    print(f"wrote {GOLDEN}")


def regen_case(case: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        output = check_case(case, Path(tmp))
    (INVALID / case / "expected.txt").write_text(output.stderr, encoding="utf-8")
    print(f"wrote {INVALID / case / 'expected.txt'}")


def main(names: list[str]) -> int:
    cases = invalid_cases()
    unknown = [n for n in names if n not in ("golden", "invalid", *cases)]
    if unknown:
        print(f"unknown: {', '.join(unknown)}; name golden, invalid or cases of tests/invalid/", file=sys.stderr)
        return 2
    if not names or "golden" in names:
        regen_golden()
    for case in cases:
        if not names or "invalid" in names or case in names:
            regen_case(case)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
