#!/usr/bin/env bash
# Install everything the tests need (Debian's chromium, the Python test extras, which bring axe-core), then lint and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v chromium >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e ".[test]"
.venv/bin/ruff check dossier tests benchmarks
.venv/bin/ruff format --check dossier tests benchmarks
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
