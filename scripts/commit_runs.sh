#!/bin/bash
# Commit a grid's finished runs as they land: each untracked $RUNS/<key>.json (default results/paper/runs, the paper
# grid of issue 12; results/mechanism/runs for issue 13's; results/reference/runs for the published recipes run here,
# which the paper table reads too) with its executed notebook, their paths made relative
# (tools/relpaths.py: this checkout, the grid's frozen worktree $GRIDTREE, default /tmp/gridtree as in DEVELOPERS.md,
# and the folder beside the checkout that holds the data); for the paper grid, then the regenerated paper table, the
# knockouts of the FAME runs that landed, the mechanism notebook's answer from these runs (results/paper/mechanism.md),
# each committed only when it changed, and the README, which quotes them (for the published recipes, the table, that
# answers of both grids, which read their baselines given text, and the README); for the mechanism study's grid, its runs, then
# the same two analyses of them into results/mechanism/ (its answer so far: results/mechanism/mechanism.md). A run still
# running has a notebook but no JSON: it is left alone. A grid started by hand from another worktree: GRIDTREE=<it>.
# Run it from anywhere; data: $FAME_DATA, else ../shared/data/amazon.
cd "$(dirname "$0")/.." || exit 1
GRIDTREE=${GRIDTREE:-/tmp/gridtree}
REFTREE=${REFTREE:-/tmp/reftree}   # the reference grid's worktree (scripts/reference_grid.sh)
DATA=${FAME_DATA:-$(dirname "$PWD")/shared/data/amazon}
RUNS=${RUNS:-results/paper/runs}
readme() {   # the README quotes the paper table (and the analyses): regenerated, committed when it changed
  .venv/bin/python tools/readme.py > /dev/null && { git diff --quiet README.md || git commit -q -m "README: the paper table's verdict, regenerated" README.md; }
}
# beside a running grid (its cells use every core, one thread each) the table and the analyses take one thread too:
# two more would only slow the grid's cells, whose pace `--until` counts on
scripts/grid.sh status 2>/dev/null | grep -q ': running' && export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
names=() OUT= which=
[ -d "$RUNS" ] || { echo "nothing new: no $RUNS"; exit 0; }
for j in $(git ls-files --others --exclude-standard "$RUNS" | grep '\.json$'); do
  nb="${j%.json}.ipynb"
  if [ -f "$nb" ]; then files=("$j" "$nb")
  elif grep -q '"stack": {' "$j"; then files=("$j")   # a stacked run (scripts/run_stack.py): no notebook of its own
  elif grep -q '"reused_from": {' "$j"; then files=("$j")   # another grid's run of the same config (--reuse-from): its notebook is there
  else continue; fi                                   # a notebook still being written
  .venv/bin/python tools/relpaths.py "${files[@]}" --root "$PWD" --root "$GRIDTREE" --root "$REFTREE" --beside "$(dirname "$PWD")" || exit 1
  git add "${files[@]}"; names+=("$(basename "${j%.json}")")
done
[ ${#names[@]} -eq 0 ] && { echo "nothing new"; exit 0; }
case "$RUNS" in
  results/paper/runs|results/reference/runs)   # the paper table reads both
    .venv/bin/fame-nb paper-table --runs-dir results/paper/runs --out results/paper_table --figure figures/paper_table.png \
      --data-dir "$DATA" $([ -d results/reference/runs ] && echo --reference-runs results/reference/runs) > /dev/null || exit 1
    git add results/paper_table* figures/paper_table*.png
    git commit -q -m "${RUNS%/runs}: ${names[*]}" -- "$RUNS" results/paper_table* figures/paper_table*.png && git log --oneline -1
    # of the published recipes' runs, both mechanism answers read the baselines given text (`text_baselines`), and the
    # study's also the recipes' runs ("A FAME that wins?"): that analysis alone re-runs, into results/paper and
    # results/mechanism (where the study has runs)
    [ "$RUNS" = results/reference/runs ] && { OUT="results/paper$([ -d results/mechanism/runs ] && echo ' results/mechanism')"; which=mechanism; };;
  results/mechanism/runs) git commit -q -m "results/mechanism: ${names[*]}" -- "$RUNS" && git log --oneline -1;;
  *) git commit -q -m "$(basename "$(dirname "$RUNS")"): ${names[*]}" -- "$RUNS" && git log --oneline -1; exit;;
esac
OUT=${OUT:-${RUNS%/runs}}   # results/paper: the paper profile's analyses; results/mechanism: the study's
# each profile's analyses (08_reproduce `run_analyses`, into its folder): the knockouts of the FAME checkpoints that landed
# (experiments/knockout.ipynb probes only checkpoints it has not probed; the others keep their rows: checkpoints are not
# committed, so a cell is probed on the machine that trained it or never), then the mechanism notebook on every run
# (it reads knockout.csv); each committed when its tables changed. Then the README, which quotes both tables. redo: a
# notebook restored below by git checkout is newer than a run that landed before it, and would count as up to date.
changed() { [ -n "$(git status --porcelain -- "$@")" ]; }
[ -n "$which" ] || { which=mechanism; printf '%s\n' "${names[@]}" | grep -q '__fame' && which="knockout mechanism"; }
shopt -s nullglob   # a figure an analysis did not draw is not a file to add
rc=0
for out in $OUT; do
  status=$(.venv/bin/python -c "import sys; from fame_nb.reproduce import run_analyses
s = run_analyses('$(basename "$out")', out_dir='$out', figures_dir='$out/figures', data_dir='$DATA', progress=False, names='$which'.split(), redo=True)
[print(k + ':', v) for k, v in s.items()]; sys.exit(not all(v.startswith(('done', 'up to date')) for v in s.values()))") || rc=1
  echo "$status"
  for a in $which; do
    grep -qE "^$a: (done|up to date)" <<< "$status" || continue   # failed: its notebook is $out/$a.failed.ipynb
    .venv/bin/python tools/relpaths.py "$out/$a.ipynb" --root "$PWD" --root "$GRIDTREE" --beside "$(dirname "$PWD")" > /dev/null || exit 1
    files=($out/$a.ipynb $out/$a.md $out/$a*.csv $out/figures/$a*.png)
    if changed $out/$a*.csv $out/$a.md; then   # something measured or said anew
      git add "${files[@]}"
      git commit -q -m "$out: the $a analysis of the new runs" -- "${files[@]}" && git log --oneline -1
    else git checkout -- "${files[@]}" 2>/dev/null; fi   # only re-executed: the committed copy stays
  done
done
readme
exit $rc
