#!/usr/bin/env bash
# Install everything the tests need (Debian's chromium for the browser tests and a Java runtime for the Nu Html
# Checker, the Python test extras, which bring axe-core), then lint and run the whole suite. Extra arguments go to
# pytest (e.g. ./test.sh -m "not browser" for the fast lane without Chromium).
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
# Install (editable) once, and again only when the declared dependencies change.
stamp=".venv/.dossier-test-deps"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".[test]"
  echo "$wanted" > "$stamp"
fi
.venv/bin/ruff check dossier tests benchmarks
.venv/bin/ruff format --check dossier tests benchmarks
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
