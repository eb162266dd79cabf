#!/usr/bin/env bash
# Prepare the published sources of popular async crates from crates.io, at pinned versions (so
# that results are reproducible), for running async-lint on real code. Needs only cargo.
#
# Usage: bench/corpus.sh
#   Prints one line per crate: "<name> <version> <source dir>".
#   All vendored crates (the whole dependency tree) are under "$cache/vendor".
# Cache dir: ${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}
# To move to newer versions, edit the list and re-bless tests/snapshots/corpus.txt.
set -euo pipefail

crates=(
  tokio@1.54.1 hyper@1.12.0 axum@0.8.9 reqwest@0.13.5 tonic@0.14.9 actix-web@4.18.1
  async-std@1.13.2 smol@2.0.2 tower@0.5.3 futures-util@0.3.34 warp@0.4.3 redis@1.8.1
)

cache="${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}"
mkdir -p "$cache/src"
cd "$cache"
# One preparation at a time (concurrent tests and runs share the cache); the others wait, then
# take the fast path below.
exec 9>"$cache/.corpus.lock"
flock 9

# A scratch project depending on every crate; `[workspace]` keeps it out of enclosing workspaces.
manifest='[package]
name = "async-lint-corpus"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]'
for c in "${crates[@]}"; do manifest+=$'\n'"${c%@*} = \"=${c#*@}\""; done

# Whether every directory that dirs.txt lists is there (the cache may have been moved).
listed_dirs_exist() {
  local _name _version dir
  while read -r _name _version dir; do [[ -d "$dir" ]] || return 1; done < dirs.txt
}

# Fast path: nothing changed since the last complete run.
if [[ -f dirs.txt && -f Cargo.toml && "$(cat Cargo.toml)" == "$manifest" ]] && listed_dirs_exist; then
  cat dirs.txt
  exit 0
fi

printf '%s\n' "$manifest" > Cargo.toml
[[ -f src/lib.rs ]] || : > src/lib.rs
rm -f dirs.txt

# Resolve, then copy every crate of the tree to ./vendor
# (one directory per crate and version, so several versions of a crate can coexist).
cargo update --quiet
cargo vendor --quiet --versioned-dirs --respect-source-config vendor.new > /dev/null
rm -rf vendor
mv vendor.new vendor

# Map each direct dependency to its vendored directory ("name vX.Y.Z" lines from cargo tree).
out=""
while read -r name ver _; do
  for c in "${crates[@]}"; do
    if [[ "$name" == "${c%@*}" ]]; then
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
