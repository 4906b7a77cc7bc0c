#!/usr/bin/env bash
# Set up dossier in .venv (created if missing, dependencies brought up to date) and build the bundled dossier into site/.
set -euo pipefail
cd "$(dirname "$0")"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
exec .venv/bin/dossier build "$@"
