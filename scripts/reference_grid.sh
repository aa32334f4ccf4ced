#!/bin/bash
# The published recipes run under this project's protocol (issue 12, the `reference` profile: the eSASRec benchmark's
# SASRec, 3 seeds, Sports first), resumable like scripts/paper_grid.sh (kill and rerun at will; a begun cell resumes
# from its last.pt on this machine). One cell at a time, one thread (JOBS to change). `scripts/grid.sh start-reference
# [ARGS]` runs it beside the paper grid from a frozen worktree of its own (/tmp/reftree), so that `scripts/grid.sh start`
# (which renews /tmp/gridtree) leaves it alone; `status` shows it and `stop` stops it with the others.
# Commit what lands with `RUNS=results/reference/runs scripts/commit_runs.sh` (the paper table reads them).
# Data: $FAME_DATA, else ../shared/data/amazon. Extra arguments go to the reproduction (e.g. --dry-run).
#   scripts/reference_grid.sh --queue [FILE] [ARGS]   the lines of FILE (default scripts/reference_queue.txt, beside this
#                                                    script: the frozen worktree's copy), in order: `<dataset> <seeds,
#                                                    comma-separated> <variant>` each, one reproduction a line (JOBS cells
#                                                    at once within a line); a line's finished cells are skipped, so the
#                                                    same queue runs again until all is done. ARGS go to each line's run
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
  n=0 lines=()
  while IFS= read -r line || [ -n "$line" ]; do   # every line checked before any runs
    n=$((n + 1)); read -r ds seeds v rest <<< "${line%%#*}"
    [ -z "$ds" ] && continue
    [[ "$seeds" =~ ^[0-9]+(,[0-9]+)*$ && -n "$v" && -z "$rest" ]] || {
      echo "$queue:$n: want '<dataset> <seeds, comma-separated> <variant>', got: $line" >&2; exit 1; }
    lines+=("$n $ds $seeds $v")
  done < "$queue"
  for l in "${lines[@]}"; do
    read -r n ds seeds v <<< "$l"
    echo "queue $queue:$n: $ds, seeds $seeds, $v"
    reproduce --datasets "$ds" --seeds ${seeds//,/ } --variants "$v" "$@" < /dev/null
  done
  exit 0
fi
reproduce "$@"
