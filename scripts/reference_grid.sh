#!/bin/bash
# The published recipes run under this project's protocol (issue 12, the `reference` profile: the eSASRec benchmark's
# SASRec, 3 seeds, Sports first), resumable like scripts/paper_grid.sh (kill and rerun at will; a begun cell resumes
# from its last.pt on this machine). One cell at a time, one thread (JOBS to change). `scripts/grid.sh start-reference
# [ARGS]` runs it beside the paper grid from a frozen worktree of its own (/tmp/reftree), so that `scripts/grid.sh start`
# (which renews /tmp/gridtree) leaves it alone; `status` shows it and `stop` stops it with the others.
# Commit what lands with `RUNS=results/reference/runs scripts/commit_runs.sh` (the paper table reads them).
# Data: $FAME_DATA, else ../shared/data/amazon. Extra arguments go to the reproduction (e.g. --dry-run).
#   scripts/reference_grid.sh --queue [FILE] [ARGS]   the cells the lines of FILE name (default scripts/reference_queue.txt,
#                                                    beside this script: the frozen worktree's copy), `<dataset> <seeds,
#                                                    comma-separated> <variant>` each, in the file's order, JOBS at a time
#                                                    across its lines (`fame-nb reproduce --queue`); finished cells are
#                                                    skipped, so the same queue runs again until all is done; every line
#                                                    is checked first (a bad one: FILE:N: why); a cell whose exact config
#                                                    and seed the mechanism grid ran (results/mechanism/runs) is copied
#                                                    from it (--reuse-from), not trained
HERE=$(cd "$(dirname "$0")" && pwd)   # this script's folder (the frozen worktree's): its queue file
cd "${FAME_ROOT:-$(dirname "$0")/..}" || exit 1
export OMP_NUM_THREADS=1 MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296
FAME=${FAME:-.venv/bin/fame-nb}
reproduce() {
  "$FAME" reproduce --profile reference --executor local --jobs "${JOBS:-1}" --cpus-per-cell 1 --no-aggregate \
    --out-dir "$PWD/results/reference" --figures-dir "$PWD/results/reference/figures" \
    --data-dir "${FAME_DATA:-$(dirname "$PWD")/shared/data/amazon}" ${FAME_UNTIL:+--until "$FAME_UNTIL"} "$@"
}
if [ "${1:-}" = --queue ]; then
  queue=$HERE/reference_queue.txt; shift
  case "${1:-}" in ''|-*) ;; *) queue=$1; shift;; esac
  [ -f "$queue" ] || { echo "reference_grid.sh: no queue file $queue" >&2; exit 1; }
  reuse=(); [ -d results/mechanism/runs ] && reuse=(--reuse-from "$PWD/results/mechanism/runs")
  reproduce --queue "$queue" "${reuse[@]}" "$@" < /dev/null; exit
fi
reproduce "$@"
