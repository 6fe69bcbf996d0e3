#!/usr/bin/env bash
# Create or refresh the project environment; a no-op when nothing it depends on changed.
#   .venv/ with torch==2.13.0 (the CPU wheel), slr_lib editable with its `dev` extras, every
#   package at the version constraints.txt pins, the Jupyter kernel `slr-book` that Papermill runs, and the book's JavaScript from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PYTHON=${PYTHON:-python3}
stamp="$VENV/.setup-stamp"
want=$(cat pyproject.toml constraints.txt package-lock.json scripts/setup_env.sh scripts/vendor_js.sh | sha256sum | cut -c1-16)

pip_quiet() {  # this machine's pip config names local indexes that may not exist: hide that noise
  "$VENV/bin/pip" "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  return "${PIPESTATUS[0]}"
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d book/_vendor ]; then
  exit 0
fi
echo "setting up the environment in $VENV (a few minutes the first time)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# Pinned first: an unpinned torch would pull a multi-GB CUDA build.
pip_quiet install --quiet -c constraints.txt torch==2.13.0
pip_quiet install --quiet -c constraints.txt -e '.[dev]'
"$VENV/bin/python" -m ipykernel install --sys-prefix --name slr-book --display-name "Python (slr-book)" >/dev/null
npm ci --no-audit --no-fund --loglevel=error
bash scripts/vendor_js.sh
echo "$want" > "$stamp"
echo "environment ready: $(du -sh "$VENV" | cut -f1) in $VENV"
