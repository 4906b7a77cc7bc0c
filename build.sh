#!/usr/bin/env bash
# Set up dossier in .venv (if needed) and build the bundled dossier into site/.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/dossier ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e .
fi
exec .venv/bin/dossier build "$@"
