#!/usr/bin/env bash
# Prepare the published sources of popular async Python packages from PyPI, at pinned versions (so
# that results are reproducible), for running async-lint on real code. Needs python3 with pip.
#
# Usage: bench/pycorpus.sh
#   Prints one line per package: "<name> <version> <source dir>".
# Wheels are unpacked as published (their .py files are the same on every platform).
# Cache dir: ${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}/python
# To move to newer versions, edit the list and re-bless tests/snapshots/python_corpus.txt.
set -euo pipefail

packages=(
  aiohttp@3.14.5 httpx@0.28.1 starlette@1.10.0 fastapi@0.165.0 uvicorn@0.54.0 anyio@4.16.0
  websockets@17.4 redis@8.1.0 django@5.2.19 sqlalchemy@2.1.9
)

cache="${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}/python"
mkdir -p "$cache/download" "$cache/src"
# One preparation at a time (concurrent tests and runs share the cache, and its downloads with
# bench/peer.sh).
exec 9>"$cache/.prepare.lock"
flock 9

for p in "${packages[@]}"; do
  name="${p%@*}" version="${p#*@}"
  dir="$cache/src/$name-$version"
  if [[ ! -d "$dir" ]]; then
    python3 -m pip download --quiet --no-deps --only-binary :all: --dest "$cache/download" "$name==$version" >&2
    # Wheel file names normalise the project name (`-` and `.` become `_`); match it loosely.
    wheel=$(find "$cache/download" -maxdepth 1 -iname "${name//-/_}-$version-*.whl" | sort | head -n 1)
    [[ -n "$wheel" ]] || { echo "no wheel of $name $version in $cache/download" >&2; exit 1; }
    rm -rf "$dir.tmp"
    python3 -m zipfile -e "$wheel" "$dir.tmp"
    # Renamed last, so an interrupted run is redone next time.
    mv "$dir.tmp" "$dir"
  fi
  echo "$name $version $dir"
done
