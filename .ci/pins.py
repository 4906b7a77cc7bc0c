"""Print the declared minimum of every runtime dependency (and of the [import] extra) as a pin: name==version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
for requirement in [*project["dependencies"], *project["optional-dependencies"]["import"]]:
    match = re.match(r"^([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*>=\s*([^,;\s]+)", requirement)
    if not match:
        raise SystemExit(f"no minimum declared for {requirement!r}")
    print(f"{match[1]}=={match[2]}")
