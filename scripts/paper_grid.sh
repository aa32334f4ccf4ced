#!/bin/bash
# The paper grid (issue 12) on a CPU box, in the order that answers the verdict soonest: Beauty's core models (SASRec,
# FAME, FMLP-Rec, FAME + pre-training), then Toys' (the cheapest Amazon dataset: 0.8x Beauty's epoch FLOPs), then Sports'
# core (2.1x Beauty's epoch FLOPs), then the other baselines of the three (each can only raise the best baseline: a
# verdict of "FAME loses" stands without them, so a third dataset's core decides more than they do), then ML-1M
# (max_len 200, 1.9x; `scripts/gpu_paper.py`
# runs it on a lent GPU, and a cell finished there is skipped here). One reproduction runs these steps as tiers
# (`--tiers`, `run_order`), so a core freed at the end of one step takes the next step's cells at once. It resumes begun
# cells and skips finished ones, so the script can be killed and rerun at any time. Run it from the checkout root; to run
# a frozen copy of the code, point PYTHONPATH and FAME_EXPERIMENTS at a worktree first (DEVELOPERS.md). Data: $FAME_DATA,
# else ../shared/data/amazon. JOBS cells at once (default 2, one thread each; JOBS=1 leaves a core to
# scripts/mechanism_grid.sh). Extra arguments go to the reproduction (e.g. --dry-run).
cd "${FAME_ROOT:-$(dirname "$0")/..}" || exit 1   # FAME_ROOT: the checkout, when this is a frozen worktree's copy (scripts/grid.sh)
export OMP_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296
FAME=${FAME:-.venv/bin/fame-nb}
# --no-aggregate: the paper's table is made from the runs by scripts/commit_runs.sh (with the data folder, into results/),
# not by each step into results/paper/ (tables.ipynb and a table without the by-history and budget sections)
R=("$FAME" reproduce --profile paper --executor local --jobs "${JOBS:-2}" --cpus-per-cell 1 --no-aggregate --out-dir "$PWD/results/paper"
   --figures-dir "$PWD/results/paper/figures" --data-dir "${FAME_DATA:-$(dirname "$PWD")/shared/data/amazon}"
   ${FAME_UNTIL:+--until "$FAME_UNTIL"}   # FAME_UNTIL: start only cells that end by then (scripts/grid.sh start --until)
   ${FAME_LONG:+--long-hours "$FAME_LONG"}   # FAME_LONG: a session's window; one cell longer than that runs anyway (LongSlots)
   ${FAME_LONG_FIT:+--long-fit})   # FAME_LONG_FIT: only one that may end within the window (a new machine)
CORE=(fame fame-pre sasrec fmlp); ALL=("${CORE[@]}" sasrec-bce fmlp-bce gru4rec bert4rec)
# within a tier dataset by dataset (`run_order`), within a dataset FAME first (fame-pre and the mechanism wait for it)
A=beauty,toys,sports
"${R[@]}" --datasets beauty toys sports ml-1m --models "${ALL[@]}" \
  --tiers "$A:$(IFS=,; echo "${CORE[*]}")" "$A:*" "ml-1m:$(IFS=,; echo "${CORE[*]}")" '*:*' "$@"
