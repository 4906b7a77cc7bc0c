#!/usr/bin/env bash
# Set up dossier in .venv (created if missing; dependencies installed again only when pyproject.toml changes) and build
# the bundled dossier into site/. Extra arguments go to `dossier build`.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=".venv/.dossier-deps"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -e .
  echo "$wanted" > "$stamp"
fi
exec .venv/bin/dossier build "$@"
