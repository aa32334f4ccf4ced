#!/bin/bash
# The mechanism study (issue 13) on a CPU box, resumable like scripts/paper_grid.sh (it resumes begun cells and
# skips finished ones; kill and rerun at will): Toys' cells in the profile's order (the chosen FAME and its controls
# first, `reproduce.CHOSEN`), then Beauty's. Every cell takes its model's chosen point from the paper grid's runs
# (--tuned-from results/paper/runs), so a model not tuned yet on a dataset waits: the dry run says which; a cell the paper
# grid already ran with the same config and seed takes that run (--reuse-from: Toys' fame, sasrec, fame-pre). Toys comes
# first for that: its references are in, so each cell it trains is a variant that answers; Beauty's references are
# trained here (the paper grid's Beauty runs predate bf16 and length chunks: another config). JOBS cells at
# once (default 1, one thread each: on a 2-core box the other core runs `JOBS=1 scripts/paper_grid.sh`). Run it from the
# checkout root, from a frozen worktree as the paper grid (DEVELOPERS.md). Data: $FAME_DATA, else ../shared/data/amazon.
# Extra arguments go to the reproduction (e.g. --dry-run: each cell with its estimated CPU hours). Before the profile's
# grid it runs the cells of scripts/mechanism_queue.txt ($MECHANISM_QUEUE to name another file): seeds beyond the
# profile's, in the queue's order.
HERE=$(cd "$(dirname "$0")" && pwd)   # this script's folder (the frozen worktree's): its queue file
cd "${FAME_ROOT:-$(dirname "$0")/..}" || exit 1   # FAME_ROOT: the checkout, when this is a frozen worktree's copy (scripts/grid.sh)
export OMP_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296
FAME=${FAME:-.venv/bin/fame-nb}
R=("$FAME" reproduce --profile mechanism --executor local --jobs "${JOBS:-1}" --cpus-per-cell 1
   --tuned-from "$PWD/results/paper/runs" --reuse-from "$PWD/results/paper/runs" --out-dir "$PWD/results/mechanism" --figures-dir "$PWD/results/mechanism/figures"
   --data-dir "${FAME_DATA:-$(dirname "$PWD")/shared/data/amazon}"
   ${FAME_UNTIL:+--until "$FAME_UNTIL"})   # FAME_UNTIL: start only cells that end by then (scripts/grid.sh start --until)
# first the queue's cells (scripts/mechanism_queue.txt: seeds beyond the profile's), then the profile's grid
Q=${MECHANISM_QUEUE:-$HERE/mechanism_queue.txt}
[ -f "$Q" ] && grep -q '^[^#[:space:]]' "$Q" && "${R[@]}" --queue "$Q" "$@" < /dev/null
"${R[@]}" --datasets toys beauty "$@"   # one reproduction, dataset by dataset (`run_order`): no core waits for Toys' last cell
