#!/usr/bin/env bash
# Measures the foundation's costs on a fresh clone of this repository's HEAD:
# set-up time, `dvc repro` time, environment size, test-command time, no-op `dvc repro` time.
# Usage: bash scripts/benchmark_foundation.sh   (takes a few minutes; prints a table)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone"
cd "$work/clone"

seconds() {  # run a command quietly, echo its wall time; on failure show its log and stop
  local t0=$SECONDS
  "$@" > "$work/last.log" 2>&1 || { echo "failed: $*" >&2; tail -50 "$work/last.log" >&2; exit 1; }
  echo $((SECONDS - t0))
}

setup_s=$(seconds make setup)
repro_s=$(seconds make repro)
venv_size=$(du -sh .venv | cut -f1)
node_size=$(du -sh node_modules | cut -f1)
book_size=$(du -sh book/_build/html | cut -f1)
noop_t0=$(date +%s.%N); PATH="$PWD/.venv/bin:$PATH" dvc repro > "$work/noop.log"; noop_t1=$(date +%s.%N)
grep -q "up to date" "$work/noop.log" || { echo "second dvc repro was not a no-op:"; cat "$work/noop.log"; exit 1; }
test_s=$(seconds make test)

printf '%-44s %s\n' \
  "make setup on a fresh clone (s)" "$setup_s" \
  "make repro after set-up (s)" "$repro_s" \
  "make test with the environment present (s)" "$test_s" \
  "no-op dvc repro (s)" "$(python3 -c "print(round($noop_t1 - $noop_t0, 2))")" \
  ".venv size" "$venv_size" \
  "node_modules size" "$node_size" \
  "built book size" "$book_size" \
  "cores" "$(nproc)"
