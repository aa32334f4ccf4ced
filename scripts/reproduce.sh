#!/usr/bin/env bash
# The main job: set up (idempotent), then `fame-nb reproduce --profile main` (ML-1M: SASRec, FAME and FAME without
# MoE, 20 epochs at most, one seed, and the interpret analysis; 11 min 23 s measured on a 2-core CPU) into runs/main/
# (git-ignored; figures in runs/main/figures): it never writes into the committed results/ or figures/. It ends
# with each cell's test NDCG@20 beside the committed run of the same cell (results/runs/).
# Other work: pass --profile (and --out-dir), e.g. `bash scripts/reproduce.sh --profile paper --datasets beauty`.
# The committed results are regenerated only on request: `bash scripts/reproduce.sh --profile quick --out-dir results
# --figures-dir figures` (quick), or see results/README.md for each table's command.
# A killed run resumes: finished cells are skipped, a cell in progress continues from its last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
VENV=${FAME_VENV:-.venv}
# glibc: keep freed large blocks instead of returning them to the OS each step (1.3-1.8x faster training here)
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-4294967296} MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-4294967296}
export FAME_DATA=${FAME_DATA:-$(cd .. && pwd)/shared/data/amazon}
has_profile=0; has_jobs=0; has_out=0
for a in "$@"; do
  [ "$a" = "--profile" ] && has_profile=1; [ "$a" = "--jobs" ] && has_jobs=1
  case "$a" in --out-dir|--out-dir=*) has_out=1;; esac
done
# two one-thread cells at a time beat one two-thread cell by 2.1x on a 2-core CPU (benchmarks/README.md)
jobs=(); [ $has_jobs -eq 0 ] && jobs=(--jobs "$(nproc)")
if [ $has_profile -eq 1 ]; then
  dirs=(); [ $has_out -eq 0 ] && dirs=(--out-dir runs/other)   # never the committed results/ unless asked
  exec "$VENV/bin/fame-nb" reproduce "${dirs[@]}" "${jobs[@]}" "$@"
fi
out=runs/main; for ((i = 1; i <= $#; i++)); do [ "${!i}" = "--out-dir" ] && { j=$((i + 1)); out=${!j}; }; done
dirs=(); [ $has_out -eq 0 ] && dirs=(--out-dir "$out")
start=$(date +%s)
"$VENV/bin/fame-nb" reproduce --profile main "${dirs[@]}" "${jobs[@]}" "$@"
echo "main job: $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
"$VENV/bin/python" - "$out" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
print(f"\n| cell | test NDCG@20 (this run, {out}) | committed (results/runs) |\n|---|---|---|")
for f in sorted((out/'runs').glob('*.json')):
    ref = Path('results/runs')/f.name
    new = json.loads(f.read_text())['test']['NDCG@20']
    old = json.loads(ref.read_text())['test']['NDCG@20'] if ref.exists() else None
    print(f"| {f.stem} | {new:.4f} | {'—' if old is None else f'{old:.4f}'} |")
print(f"\nTables: {out}/main_table.md; figures: {out}/figures/. The committed runs are the same cells, seeds and settings "
      "(20 epochs, patience 5, max_len 50, CPU), run on 2026-11-27 with earlier code; on a CPU they agree to 4 decimals.")
PY
