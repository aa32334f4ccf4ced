#!/usr/bin/env bash
# The test command: set up (idempotent), then nbdev_test over every notebook, one worker and one torch
# thread (on 2 cores parallel workers oversubscribe). Ends with a plain `N passed, N failed` line
# (counted in notebooks). Extra arguments go to nbdev_test, e.g. `--flags slow` or `--path nbs/02_metrics.ipynb`.
set -uo pipefail
cd "$(dirname "$0")/.."
FAME_EXTRAS=${FAME_EXTRAS:-dev,cluster} bash scripts/install.sh || exit 1   # cluster: Ray, so the Ray executor test runs
export FAME_REQUIRE_RAY=1
VENV=${FAME_VENV:-.venv}
# glibc: keep freed large blocks instead of returning them to the OS each step (1.3-1.8x faster training here)
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-4294967296} MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-4294967296}
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 PYTHONHASHSEED=0
log=$(mktemp)
"$VENV/bin/nbdev_test" --n_workers 1 --do_print --timing "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
total=$(grep -c '^Starting ' "$log")
failed=$(awk '/Failed On The Following Notebooks/{f=1; next} f && /^\t/{n++} END{print n+0}' "$log")
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$((total - failed)) passed, $failed failed"
rm -f "$log"
exit "$rc"
