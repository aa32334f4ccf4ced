#!/bin/bash
# Start, stop or look at the background grids of a CPU box (the paper grid of issue 12, the mechanism study of issue 13):
# DEVELOPERS.md's recipe as one command, so that a new session resumes them in one step.
#
#   scripts/grid.sh start [paper|mechanism|both] [--until WHEN [--long H | --no-long] [--long-fit | --long-any]]
#                                                  default paper (2 cells at once); both: one core each; --until: start
#                                                  only cells whose estimate ends by WHEN (HH:MM, or hours from now),
#                                                  e.g. the session's end: a cell still running then is lost with the machine;
#                                                  except one cell longer than the whole window (a first start's WHEN - now,
#                                                  kept for later starts with the same WHEN; --long H: H hours), which no
#                                                  session would start: it runs anyway and resumes at the next start on this
#                                                  machine (`LongSlots`; the paper grid with 2 at once only); --long-fit
#                                                  (for a new machine, whose checkpoints the next session may not
#                                                  have): only a cell estimated to end within the window, margin left out;
#                                                  the default where no paper checkpoint is here (--long-any: any cell)
#   scripts/grid.sh start-reference [ARGS]         the published recipes under our protocol (scripts/reference_grid.sh,
#                                                  one cell at a time, JOBS=2 in the environment: two; ARGS go to it, e.g.
#                                                  --datasets sports, or --queue: the cells the issues still need,
#                                                  scripts/reference_queue.txt), from a worktree of its own ($REFTREE, default
#                                                  /tmp/reftree): beside a paper grid
#   scripts/grid.sh stop [GRID...]                 every process of a grid this script started (kernels included);
#                                                  GRID (paper, mechanism, reference): only those
#   scripts/grid.sh status                         which grids run, from which commit, each running cell's last epoch
#
# start refuses while a grid runs. On a new machine it first sets up .venv (scripts/install.sh). It freezes the code in
# a fresh worktree of HEAD ($GRIDTREE, default /tmp/gridtree; commit first: uncommitted changes are not in it), drops
# what a killed session left behind (the cells' claims, and the notebooks of cells that did not finish: papermill writes
# them anew; their checkpoints/<key>/last.pt stay, so each cell resumes where it stopped, on this machine), and launches
# each grid's script from the worktree under setsid nohup, results into this checkout (FAME_ROOT), the log in
# $GRIDLOG/<grid>.log (default /tmp/grid; the previous one kept as <grid>.log.1). Every process of a grid carries
# FAME_GRID=<grid> in its environment: that is how stop and status find them. Commit finished runs with
# scripts/commit_runs.sh (status says when there are some).
ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 1
cd "$ROOT" || exit 1
GRIDTREE=${GRIDTREE:-/tmp/gridtree}
GRIDLOG=${GRIDLOG:-/tmp/grid}
GRIDS=(paper mechanism reference)   # status and stop: all three; start: paper and mechanism (they share $GRIDTREE)
declare -A SCRIPT=([paper]=paper_grid.sh [mechanism]=mechanism_grid.sh)
declare -A RUNS=([paper]=results/paper [mechanism]=results/mechanism [reference]=results/reference)
declare -A TREE=([paper]=$GRIDTREE [mechanism]=$GRIDTREE [reference]=${REFTREE:-/tmp/reftree})   # the code each runs

pids() {   # the processes (of this user) whose environment has FAME_GRID=$1
  local p
  for p in /proc/[0-9]*; do
    [ -O "$p" ] && [ "${p#/proc/}" != $$ ] || continue
    { tr '\0' '\n' < "$p/environ"; } 2>/dev/null | grep -qx "FAME_GRID=$1" && echo "${p#/proc/}"
  done
}

status() {
  local g ps log new
  for g in "${GRIDS[@]}"; do
    ps=$(pids "$g" | wc -l); log="$GRIDLOG/$g.log"
    if [ "$ps" -gt 0 ]; then echo "$g: running ($ps processes), code of $(git -C "${TREE[$g]}" log --oneline -1 2>/dev/null | cut -c1-60)"
    else echo "$g: not running"; fi
    new=$( [ -d "${RUNS[$g]}/runs" ] && git ls-files --others --exclude-standard "${RUNS[$g]}/runs" | grep -c '\.json$')
    [ "${new:-0}" -gt 0 ] && echo "  $new finished runs not committed yet: $([ "$g" = paper ] || echo "RUNS=${RUNS[$g]}/runs ")scripts/commit_runs.sh"
    [ -f "$log" ] || continue
    tr '\r' '\n' < "$log" | grep -E '^(start|done|FAIL)' | tail -n 4 | sed 's/^/  /'
    [ "$ps" -gt 0 ] && tr '\r' '\n' < "$log" | awk '$2 == "epoch" {last[$1] = $0} ($1 == "done" || $1 == "FAIL") {delete last[$2]} END {for (k in last) print "  " last[k]}'
    [ "$ps" -gt 0 ] && tr '\r' '\n' < "$log" | grep '^reproduce' | tail -n 1 | sed 's/^/  /'   # the step's bar: cells done, ETA
  done
}

stop() {   # every grid, or only those named (stop reference)
  local g ps n=0 which=("${@:-${GRIDS[@]}}")
  for g in "${which[@]}"; do
    ps=$(pids "$g"); [ -n "$ps" ] || continue
    kill -TERM $ps 2>/dev/null; n=$((n + $(echo "$ps" | wc -w)))
  done
  [ $n -eq 0 ] && { echo "no grid runs"; return 0; }
  for _ in $(seq 20); do sleep 0.5; [ -z "$(for g in "${which[@]}"; do pids "$g"; done)" ] && break; done
  for g in "${which[@]}"; do ps=$(pids "$g"); [ -n "$ps" ] && kill -KILL $ps 2>/dev/null; done
  echo "stopped $n processes; each running cell resumes from its last.pt at the next start"
}

fresh_tree() {   # a frozen worktree of HEAD at $1, made anew
  git worktree remove --force "$1" 2>/dev/null; git worktree prune
  git worktree add -f "$1" HEAD --detach > /dev/null 2>&1 || { echo "grid.sh: could not make the worktree $1" >&2; return 1; }
}

drop_leftovers() {   # what a killed session left of grid $1: its cells' claims, the notebooks of cells that did not finish
  # (papermill writes them anew; their checkpoints/<key>/last.pt stay), and its log, kept as <grid>.log.1
  local nb
  rm -rf "${RUNS[$1]}/claims"
  for nb in $( [ -d "${RUNS[$1]}/runs" ] && git ls-files --others --exclude-standard "${RUNS[$1]}/runs" | grep '\.ipynb$'); do
    [ -f "${nb%.ipynb}.json" ] || rm -f "$nb"
  done
  mkdir -p "$GRIDLOG"; [ -f "$GRIDLOG/$1.log" ] && mv "$GRIDLOG/$1.log" "$GRIDLOG/$1.log.1"
}

start() {
  local which=paper g jobs until= long= nolong= longfit=
  # a new machine has no .venv: the same set-up as scripts/test.sh (idempotent: a no-op once done)
  [ -x .venv/bin/fame-nb ] || FAME_EXTRAS=dev,cluster bash scripts/install.sh || { echo "grid.sh: scripts/install.sh failed" >&2; return 1; }
  case "$1" in paper|mechanism|both) which=$1; shift;; esac
  if [ "$1" = --until ]; then
    [ -n "$2" ] || { echo "grid.sh start: --until needs a time (HH:MM, or hours from now)" >&2; return 2; }
    until=$(.venv/bin/python -c 'import sys, datetime; from fame_nb.reproduce import until_time
print(datetime.datetime.fromtimestamp(until_time(sys.argv[1])).isoformat(timespec="minutes"))' "$2") || return 2; shift 2
    case "$1" in
      --long) [[ "$2" =~ ^[0-9]+(\.[0-9]*)?$ ]] || { echo "grid.sh start: --long needs hours (e.g. 2.3)" >&2; return 2; }; long=$2; shift 2;;
      --no-long) nolong=1; shift;;
    esac
    case "$1" in
      --long-fit) [ -z "$nolong" ] || { echo "grid.sh start: --long-fit with --no-long: no long slot to fit" >&2; return 2; }; longfit=1; shift;;
      --long-any) longfit=0; shift;;
    esac
    local begun=0 d   # a begun cell of a grid to start: this machine ran it (not only the paper grid's: the one started)
    for d in $(case "$which" in both) echo paper mechanism;; *) echo "$which";; esac); do
      compgen -G "${RUNS[$d]:-results/paper}/checkpoints/*/last.pt" > /dev/null && begun=1
    done
    if [ -z "$nolong" ] && [ -z "$longfit" ] && [ $begun = 0 ]; then
      longfit=1; echo "grid.sh: no checkpoint of a begun cell here (a new machine): the long slot takes only a cell that may end within the window (--long-any: any)"
    fi
    [ "$longfit" = 0 ] && longfit=""
    # the window of a session: a first start's until - now, kept (in $GRIDLOG/window) for a restart with the same --until,
    # whose window left is shorter: a cell that fits a whole session is not long, it waits for the next one
    mkdir -p "$GRIDLOG"
    if [ -z "$long" ] && [ -z "$nolong" ]; then
      w_until=; w_hours=; [ -f "$GRIDLOG/window" ] && read -r w_until w_hours < "$GRIDLOG/window"
      if [ "$w_until" = "$until" ] && [ -n "$w_hours" ]; then long=$w_hours
      else long=$(.venv/bin/python -c 'import sys, time, datetime; print(f"{(datetime.datetime.fromisoformat(sys.argv[1]).timestamp() - time.time()) / 3600:.2f}")' "$until") || return 2
        echo "$until $long" > "$GRIDLOG/window"; fi
    fi
  fi
  [ $# -eq 0 ] || { echo "grid.sh start: unexpected '$1' (start [paper|mechanism|both] [--until WHEN [--long H | --no-long] [--long-fit | --long-any]])" >&2; return 2; }
  case "$which" in paper) todo=(paper); jobs=2;; mechanism) todo=(mechanism); jobs=2;; both) todo=(paper mechanism); jobs=1;;
    *) echo "grid.sh start: unknown grid '$which' (paper, mechanism or both)" >&2; return 2;; esac
  for g in paper mechanism; do   # the reference grid runs from its own worktree (scripts/reference_grid.sh): it may go on
    [ -n "$(pids "$g")" ] && { echo "grid.sh: the $g grid is running; 'scripts/grid.sh stop' first" >&2; return 1; }
  done
  git diff --quiet HEAD -- fame_nb nbs scripts || echo "grid.sh: uncommitted changes in fame_nb/, nbs/ or scripts/ are not in the frozen worktree" >&2
  fresh_tree "$GRIDTREE" || return 1
  for g in "${todo[@]}"; do
    drop_leftovers "$g"
    FAME_GRID=$g FAME_ROOT=$ROOT FAME_UNTIL=$until FAME_LONG=$long FAME_LONG_FIT=$longfit PYTHONPATH=$GRIDTREE FAME_EXPERIMENTS=$GRIDTREE/nbs/experiments JOBS=$jobs \
      setsid nohup bash "$GRIDTREE/scripts/${SCRIPT[$g]}" > "$GRIDLOG/$g.log" 2>&1 < /dev/null &
    echo "$g grid started: $jobs at once${until:+, cells that end by $until}${long:+ (and one longer than $long h${longfit:+ that may end within it})}, code of $(git -C "$GRIDTREE" log --oneline -1 | cut -c1-60), log $GRIDLOG/$g.log"
  done
}

start_reference() {   # its own worktree, so that `start` (which renews $GRIDTREE) leaves it running
  local tree=${TREE[reference]}
  [ -x .venv/bin/fame-nb ] || FAME_EXTRAS=dev,cluster bash scripts/install.sh || { echo "grid.sh: scripts/install.sh failed" >&2; return 1; }
  [ -n "$(pids reference)" ] && { echo "grid.sh: the reference grid is running; 'scripts/grid.sh stop' first" >&2; return 1; }
  fresh_tree "$tree" || return 1
  drop_leftovers reference
  FAME_GRID=reference FAME_ROOT=$ROOT PYTHONPATH=$tree FAME_EXPERIMENTS=$tree/nbs/experiments \
    setsid nohup bash "$tree/scripts/reference_grid.sh" "$@" > "$GRIDLOG/reference.log" 2>&1 < /dev/null &
  echo "reference grid started: ${JOBS:-1} at a time, code of $(git -C "$tree" log --oneline -1 | cut -c1-60), log $GRIDLOG/reference.log"
}

case "$1" in
  start) shift; start "$@";; start-reference) shift; start_reference "$@";; stop) shift; stop "$@";; status) status;;
  *) sed -n '5,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2;;
esac
