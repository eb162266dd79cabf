#!/usr/bin/env bash
# The benchmark: async-lint side by side with its peers on real corpora, runs alternating in one
# invocation, medians and ratios printed as a Markdown table.
#
# Usage: bench/run.sh [ROUNDS]     (default 5 rounds; needs cargo, python3 with venv, /usr/bin/time)
# Corpora: bench/corpus.sh (async crates from crates.io), bench/pybench.sh (aiohttp, django,
# sqlalchemy from PyPI, and the standard library; ruff installed in a venv). Scratch data lives in
# ${ASYNC_LINT_BENCH:-$HOME/.cache/async-lint-bench}.
set -euo pipefail

rounds="${1:-5}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
bench="${ASYNC_LINT_BENCH:-$HOME/.cache/async-lint-bench}"
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$bench"

mapfile -t rust_dirs < <("$repo/bench/corpus.sh" | awk '{print $3}')
mapfile -t py < <("$repo/bench/pybench.sh")
python_dir="${py[0]}"
ruff="${py[1]}"

(cd "$repo" && cargo build --quiet --release --bin async-lint --example parse_floor)
lint="$target/release/async-lint"
floor="$target/release/examples/parse_floor"

# The corpora twice over, for scaling (hard links: same bytes, distinct paths).
if [[ ! -f "$bench/double.done" ]]; then
  rm -rf "$bench/double"
  mkdir -p "$bench/double/python" "$bench/double/rust/a" "$bench/double/rust/b"
  cp -al "$python_dir" "$bench/double/python/a"
  cp -al "$python_dir" "$bench/double/python/b"
  for d in "${rust_dirs[@]}"; do
    cp -al "$d" "$bench/double/rust/a/"
    cp -al "$d" "$bench/double/rust/b/"
  done
  touch "$bench/double.done"
fi

# A mid-sized crate for warm clippy: tower, as published, in a workspace of its own.
clippy_crate="$bench/clippy/tower"
if [[ ! -f "$bench/clippy.done" ]]; then
  rm -rf "$bench/clippy"
  mkdir -p "$bench/clippy"
  vendored="$(ls -d "${ASYNC_LINT_CORPUS:-$HOME/.cache/async-lint-corpus}"/vendor/tower-0.5.* | head -1)"
  cp -r "$vendored" "$clippy_crate"
  rm -f "$clippy_crate/.cargo-checksum.json"
  printf '\n[workspace]\n' >> "$clippy_crate/Cargo.toml"
  (cd "$clippy_crate" && CARGO_TARGET_DIR="$clippy_crate/target" cargo clippy --quiet --features balance,buffer,discover,filter,hedge,limit,load,load-shed,make,ready-cache,reconnect,retry,steer,timeout,util)
  touch "$bench/clippy.done"
fi

count_lines() { find "$@" \( -name '*.rs' -o -name '*.py' -o -name '*.pyi' \) -type f -print0 | xargs -0 cat | wc -l; }
py_lines="$(count_lines "$python_dir")"
rs_lines="$(count_lines "${rust_dirs[@]}")"

cache="$bench/lint-cache"
rm -rf "$cache"
json() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@"; }
cat > "$bench/spec.json" <<JSON
[
 {"name": "py_async_lint", "argv": $(json "$lint" check --no-cache --format concise "$python_dir")},
 {"name": "py_ruff", "argv": $(json "$ruff" check --no-cache --quiet --config "exclude = []" --select ASYNC,RUF006 "$python_dir")},
 {"name": "py_async_lint_cached", "argv": $(json "$lint" check --cache-dir "$cache/py" --format concise "$python_dir")},
 {"name": "py_async_lint_double", "argv": $(json "$lint" check --no-cache --format concise "$bench/double/python")},
 {"name": "rs_async_lint", "argv": $(json "$lint" check --no-cache --format concise "${rust_dirs[@]}")},
 {"name": "rs_parse_floor", "argv": $(json "$floor" "${rust_dirs[@]}")},
 {"name": "rs_async_lint_cached", "argv": $(json "$lint" check --cache-dir "$cache/rs" --format concise "${rust_dirs[@]}")},
 {"name": "rs_async_lint_double", "argv": $(json "$lint" check --no-cache --format concise "$bench/double/rust")},
 {"name": "tower_async_lint", "argv": $(json "$lint" check --no-cache --format concise "$clippy_crate")},
 {"name": "tower_clippy_warm", "argv": ["env", "CARGO_TARGET_DIR=$clippy_crate/target", "cargo", "clippy", "--quiet", "--offline", "--features", "balance,buffer,discover,filter,hedge,limit,load,load-shed,make,ready-cache,reconnect,retry,steer,timeout,util"], "cwd": "$clippy_crate", "before": "touch src/lib.rs"}
]
JSON
results="$(python3 "$repo/bench/measure.py" "$rounds" "$bench/spec.json")"

# The language server: a 5,000-line file in a project (a copy of aiohttp; of tower).
lsp="$bench/lsp"
rm -rf "$lsp"
mkdir -p "$lsp"
cp -r "$python_dir/aiohttp/aiohttp" "$lsp/aiohttp"
head -n 5000 "$python_dir/stdlib/_pydecimal.py" > "$lsp/aiohttp/big.py"
cp -r "$clippy_crate" "$lsp/tower"
rm -rf "$lsp/tower/target"
python3 - "$lsp/tower/src/big.rs" "${rust_dirs[@]}" <<'PY'
# 5,000 lines of real Rust: whole files of the corpus that parse on their own, concatenated.
import os, sys
out, dirs, lines = sys.argv[1], sys.argv[2:], []
for d in dirs:
    for root, _, names in sorted(os.walk(d)):
        for n in sorted(names):
            if n.endswith(".rs") and len(lines) < 5000:
                text = open(os.path.join(root, n), errors="replace").read()
                if "#!" not in text and "mod " not in text and "include!" not in text:
                    lines += text.splitlines()
open(out, "w").write("\n".join(lines[:5000]) + "\n")
PY
echo "pub mod big;" >> "$lsp/tower/src/lib.rs"
lsp_py="$(python3 "$repo/bench/lsp_relint.py" "$lint" "$lsp/aiohttp/big.py" 20)"
lsp_rs="$(python3 "$repo/bench/lsp_relint.py" "$lint" "$lsp/tower/src/big.rs" 20)"

python3 - "$results" "$lsp_py" "$lsp_rs" "$py_lines" "$rs_lines" "$rounds" <<'PY'
import json, sys
r, lsp_py, lsp_rs = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
py_lines, rs_lines, rounds = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
t = lambda n: r[n]["median_s"]
m = lambda n: r[n]["max_rss_kb"] / 1024
rows = [
    ("Python: async-lint / ruff `--select ASYNC,RUF006`, time", f"{t('py_async_lint'):.2f} s / {t('py_ruff'):.2f} s", t("py_async_lint") / t("py_ruff"), "<= 1.0"),
    ("Python: async-lint / ruff, peak memory", f"{m('py_async_lint'):.0f} MiB / {m('py_ruff'):.0f} MiB", m("py_async_lint") / m("py_ruff"), "<= 1.0"),
    ("Python: doubled corpus / corpus", f"{t('py_async_lint_double'):.2f} s / {t('py_async_lint'):.2f} s", t("py_async_lint_double") / t("py_async_lint"), "<= 2.1"),
    ("Python: cached re-run / cold run", f"{t('py_async_lint_cached'):.2f} s / {t('py_async_lint'):.2f} s", t("py_async_lint_cached") / t("py_async_lint"), "<= 0.1"),
    ("Rust: async-lint / `syn` parse-only floor, time", f"{t('rs_async_lint'):.2f} s / {t('rs_parse_floor'):.2f} s", t("rs_async_lint") / t("rs_parse_floor"), "<= 1.3"),
    ("Rust: async-lint / parse-only floor, peak memory", f"{m('rs_async_lint'):.0f} MiB / {m('rs_parse_floor'):.0f} MiB", m("rs_async_lint") / m("rs_parse_floor"), ""),
    ("Rust: doubled corpus / corpus", f"{t('rs_async_lint_double'):.2f} s / {t('rs_async_lint'):.2f} s", t("rs_async_lint_double") / t("rs_async_lint"), "<= 2.1"),
    ("Rust: cached re-run / cold run", f"{t('rs_async_lint_cached'):.2f} s / {t('rs_async_lint'):.2f} s", t("rs_async_lint_cached") / t("rs_async_lint"), "<= 0.1"),
    ("tower: async-lint / warm `cargo clippy` after a touch", f"{t('tower_async_lint'):.2f} s / {t('tower_clippy_warm'):.2f} s", t("tower_async_lint") / t("tower_clippy_warm"), ""),
]
print(f"Corpora: Python {py_lines:,} lines (aiohttp, django, sqlalchemy, stdlib); Rust {rs_lines:,} lines (12 async crates). {rounds} alternating rounds, medians.\n")
print("| measure | values | ratio | target |\n|---|---|---|---|")
for name, values, ratio, target in rows:
    print(f"| {name} | {values} | {ratio:.2f} | {target} |")
print(f"| Throughput, Python / Rust | {py_lines / t('py_async_lint'):,.0f} / {rs_lines / t('rs_async_lint'):,.0f} lines/s | | |")
print(f"| Language server: re-lint of a {lsp_py['lines']:,}-line Python file (in aiohttp) after an edit | {lsp_py['median_ms']:.1f} ms | | < 20 ms |")
print(f"| Language server: re-lint of a {lsp_rs['lines']:,}-line Rust file (in tower) after an edit | {lsp_rs['median_ms']:.1f} ms | | < 20 ms |")
PY
