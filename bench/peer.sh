#!/usr/bin/env bash
# Fetch the test suite of flake8-async, an established linter for async pitfalls, from its sdist on
# PyPI at a pinned version, for tests/peer_recall.rs. Needs python3 with pip.
#
# Usage: bench/peer.sh
#   Prints "flake8-async <version> <eval files dir>" (tests/eval_files: Python files whose comments
#   state the errors flake8-async reports on each line).
# Cache dir: ${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}/python
set -euo pipefail

version=26.8.1
cache="${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}/python"
dir="$cache/peer/flake8_async-$version"
mkdir -p "$cache/download" "$cache/peer"
# One preparation at a time: bench/pycorpus.sh shares the download folder.
exec 9>"$cache/.prepare.lock"
flock 9

if [[ ! -d "$dir" ]]; then
  # The sdist's metadata step needs nothing beyond the build backend pip fetches itself.
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$cache/download" "flake8-async==$version" >&2
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  tar -xzf "$cache/download/flake8_async-$version.tar.gz" -C "$dir.tmp" --strip-components=1
  [[ -d "$dir.tmp/tests/eval_files" ]] || { echo "the flake8-async $version sdist has no tests/eval_files" >&2; exit 1; }
  # Renamed last, so an interrupted run is redone next time.
  mv "$dir.tmp" "$dir"
fi
echo "flake8-async $version $dir/tests/eval_files"
