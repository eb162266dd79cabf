#!/usr/bin/env bash
# Prepare the published sources of popular async crates (latest crates.io versions)
# for running async-lint on real code. Needs only cargo (and crates.io access on first run).
#
# Usage: bench/corpus.sh [--update]
#   Prints one line per crate: "<name> <version> <source dir>".
#   All vendored crates (the whole dependency tree) are under "$cache/vendor".
#   --update re-resolves to the newest versions even when the cache is complete.
# Cache dir: ${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}
set -euo pipefail

crates=(tokio hyper axum reqwest tonic actix-web async-std smol tower futures-util warp redis)

cache="${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}"
update=0
[[ "${1:-}" == "--update" ]] && update=1

mkdir -p "$cache/src"
cd "$cache"

# Scratch project depending on every crate at its newest version ("*").
# `[workspace]` keeps it independent of any enclosing workspace.
manifest='[package]
name = "async-lint-corpus"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]'
for c in "${crates[@]}"; do manifest+=$'\n'"$c = \"*\""; done

# Fast path: nothing changed since the last complete run.
if [[ $update == 0 && -f dirs.txt && -f Cargo.toml && "$(cat Cargo.toml)" == "$manifest" ]]; then
  cat dirs.txt
  exit 0
fi

printf '%s\n' "$manifest" > Cargo.toml
[[ -f src/lib.rs ]] || : > src/lib.rs
rm -f dirs.txt

# Resolve to the newest versions, then copy every crate of the tree to ./vendor
# (one directory per crate and version, so several versions of a crate can coexist).
cargo update --quiet
cargo vendor --quiet --versioned-dirs --respect-source-config vendor.new > /dev/null
rm -rf vendor
mv vendor.new vendor

# Map each direct dependency to its vendored directory ("name vX.Y.Z" lines from cargo tree).
out=""
while read -r name ver _; do
  for c in "${crates[@]}"; do
    if [[ "$name" == "$c" ]]; then
      dir="$cache/vendor/$name-${ver#v}"
      [[ -d "$dir" ]] || { echo "missing vendored dir $dir" >&2; exit 1; }
      out+="$name ${ver#v} $dir"$'\n'
    fi
  done
done < <(cargo tree --offline --depth 1 --edges normal --prefix none)

# Written last, so an interrupted run is redone next time.
printf '%s' "$out" > dirs.txt.tmp
mv dirs.txt.tmp dirs.txt
cat dirs.txt
