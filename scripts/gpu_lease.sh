#!/bin/bash
# One call of a GPU lease for the paper grid, the whole command of a device `run` (DEVELOPERS.md, "GPU"): here first
# `scripts/device_tree.sh slim` (after committing; `restore` after the lease), then `run` with carry [".gpudata"] and
#
#   bash scripts/gpu_lease.sh BUDGET_S [LATER_S [gpu_paper.py arguments ...]]
#
# e.g. call 1: `bash scripts/gpu_lease.sh 450 215 --datasets ml-1m --models sasrec fame fmlp` (timeout_s 560), then at
# once, while the machine is warm, call 2: `bash scripts/gpu_lease.sh 215 0 --datasets ml-1m --models sasrec fame fmlp`
# (timeout_s 320): it resumes the cells call 1 stopped. LATER_S: the seconds of the call you will make next (cells
# estimated to end within BUDGET_S + LATER_S start now: `reproduce.lease_order`). It unzips ML-1M where carried, logs
# nvidia-smi every 10 s into $OUT/smiN.csv, and runs scripts/gpu_paper.py (--jobs 12 --threads 1 unless given) into
# /tmp/g/results/paper with --seed-runs-from .gpudata/paper_runs, stopped after BUDGET_S + 45 s at most; the runs come
# back in $OUT/paperN.tgz, N the number of this call on this machine (merging: DEVELOPERS.md). GRID=mechanism runs the
# mechanism study's grid instead (into /tmp/g/results/mechanism, --tuned-from .gpudata/paper_runs, $OUT/mechanismN.tgz;
# give --models or --datasets to leave out fame-pre and sasrec-text: the text encoder does not travel, 90 MB).
# STACK_CHECK=1 first measures stacked training at ML-1M's shape (`scripts/gpu_throughput.py --parts stack`: K = 1, 4,
# 8, 16 trials as one vmapped stack against one solo cell, sequences/s and peak memory; ~60 s, not in BUDGET_S) into
# $OUT/stackN.json; give `--stack N` to gpu_paper.py to train the grid's trials in stacks (nbs/06a_stack.ipynb).
set -u
cd "$(dirname "$0")/.." || exit 1
B=${1:?usage: gpu_lease.sh BUDGET_S [LATER_S [gpu_paper.py arguments ...]]}; L=${2:-0}; shift; [ $# -gt 0 ] && shift
OUT=${OUT:?no \$OUT: run this through the device tool}
[[ "$B" =~ ^[0-9]+$ && "$L" =~ ^[0-9]+$ ]] || { echo "gpu_lease.sh: BUDGET_S and LATER_S are whole seconds (got $B, $L)" >&2; exit 2; }
mkdir -p /tmp/g; n=$(( $(cat /tmp/g/calls 2>/dev/null || echo 0) + 1 )); echo $n > /tmp/g/calls
[ -f .gpudata/ml-1m/ml-1m.inter.gz ] && gunzip -kf .gpudata/ml-1m/ml-1m.inter.gz
GRID=${GRID:-paper}   # GRID=mechanism: the mechanism study's grid (issue 13), at the paper grid's chosen points
case "$GRID" in
  paper) prof=();; mechanism) prof=(--profile mechanism --tuned-from .gpudata/paper_runs);;
  *) echo "gpu_lease.sh: GRID=$GRID: expected paper or mechanism" >&2; exit 2;;
esac
[ -d .gpudata/paper_runs ] || { echo "gpu_lease.sh: no .gpudata/paper_runs: run scripts/device_tree.sh slim and carry .gpudata" >&2; exit 2; }
seeded=(); [ -d ".gpudata/${GRID}_runs" ] && seeded=(--seed-runs-from ".gpudata/${GRID}_runs")
extra=(); [[ " $* " == *" --jobs "* ]] || extra+=(--jobs 12); [[ " $* " == *" --threads "* ]] || extra+=(--threads 1)
(nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -l 10 > "$OUT/smi$n.csv" 2>/dev/null &)
[ "${STACK_CHECK:-0}" = 1 ] && timeout -k 10 120 "${PYTHON:-python3}" scripts/gpu_throughput.py --device "${STACK_DEVICE:-cuda}" \
  --parts stack --seconds 1 --n-items 3416 --max-len 200 --out "$OUT/stack$n.json" | tail -20
PYTHONUNBUFFERED=1 timeout -k 20 $(( B + 45 )) "${PYTHON:-python3}" scripts/gpu_paper.py --data-dir .gpudata \
  --out-dir "/tmp/g/results/$GRID" "${prof[@]}" "${seeded[@]}" --budget-s "$B" --later-s "$L" \
  --pack "$OUT/$GRID$n.tgz" "${extra[@]}" "$@"
rc=$?
cp "/tmp/g/results/$GRID/summary.json" "$OUT/summary$n.json" 2>/dev/null
echo "gpu_lease.sh: call $n, exit $rc, pack $OUT/$GRID$n.tgz"
exit $rc
