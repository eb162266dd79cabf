#!/usr/bin/env bash
# Prepare the Python corpus: pinned pure-Python sources of popular packages from PyPI (the wheels'
# .py files) and the standard library of the python3 that runs this script; installs a pinned ruff
# into a venv beside them. Needs python3 with pip and venv.
#
# Usage: bench/pybench.sh      Prints the corpus directory, then the ruff binary.
# Cache dir: ${ASYNC_LINT_BENCH:-$HOME/.cache/async-lint-bench}
set -euo pipefail

packages=(aiohttp==3.10.10 django==5.1.2 sqlalchemy==2.0.36)
ruff_version=0.12.0

cache="${ASYNC_LINT_BENCH:-$HOME/.cache/async-lint-bench}"
mkdir -p "$cache"
cd "$cache"
exec 9>"$cache/.pybench.lock"
flock 9
stamp="${packages[*]} ruff==$ruff_version $(python3 -c 'import sys; print(sys.version.split()[0])')"

if [[ ! -f python.done || "$(cat python.done)" != "$stamp" ]]; then
  rm -rf python wheels venv python.done
  python3 -m venv venv
  venv/bin/pip install --quiet "ruff==$ruff_version"
  venv/bin/pip download --quiet --no-deps --only-binary :all: --dest wheels "${packages[@]}"
  mkdir -p python
  for wheel in wheels/*.whl; do
    name="$(basename "$wheel" | cut -d- -f1 | tr 'A-Z' 'a-z')"
    mkdir -p "python/$name"
    # Only the Python sources (wheels may carry compiled extensions).
    python3 - "$wheel" "python/$name" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        if n.endswith(".py") and ".dist-info/" not in n:
            z.extract(n, sys.argv[2])
PY
  done
  stdlib="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
  mkdir -p python/stdlib
  (cd "$stdlib" && find . -name '*.py' -not -path './site-packages/*' -not -path '*/__pycache__/*' -print0 \
    | cpio --quiet -0 -pdm "$cache/python/stdlib" 2>/dev/null) \
    || (cd "$stdlib" && tar --exclude=./site-packages --exclude='__pycache__' -cf - . | tar -C "$cache/python/stdlib" -xf - \
        && find "$cache/python/stdlib" -type f -not -name '*.py' -delete)
  echo "$stamp" > python.done
fi
echo "$cache/python"
echo "$cache/venv/bin/ruff"
