#!/bin/bash
# Commit a grid's finished runs as they land: each untracked $RUNS/<key>.json (default results/paper/runs, the paper
# grid of issue 12; results/mechanism/runs for issue 13's) with its executed notebook, their paths made relative
# (tools/relpaths.py: this checkout, the grid's frozen worktree $GRIDTREE, default /tmp/gridtree as in DEVELOPERS.md,
# and the folder beside the checkout that holds the data); for the paper grid, then the regenerated paper table, the
# README's verdict and, when FAME runs landed, their knockouts. A run still running has a notebook but no JSON: it is left alone.
# Run it from anywhere; data: $FAME_DATA, else ../shared/data/amazon.
cd "$(dirname "$0")/.." || exit 1
GRIDTREE=${GRIDTREE:-/tmp/gridtree}
DATA=${FAME_DATA:-$(dirname "$PWD")/shared/data/amazon}
RUNS=${RUNS:-results/paper/runs}
names=()
[ -d "$RUNS" ] || { echo "nothing new: no $RUNS"; exit 0; }
for j in $(git ls-files --others --exclude-standard "$RUNS" | grep '\.json$'); do
  nb="${j%.json}.ipynb"
  [ -f "$nb" ] || continue
  .venv/bin/python tools/relpaths.py "$j" "$nb" --root "$PWD" --root "$GRIDTREE" --beside "$(dirname "$PWD")" || exit 1
  git add "$j" "$nb"; names+=("$(basename "${j%.json}")")
done
[ ${#names[@]} -eq 0 ] && { echo "nothing new"; exit 0; }
if [ "$RUNS" != results/paper/runs ]; then
  git commit -q -m "$(basename "$(dirname "$RUNS")"): ${names[*]}" -- "$RUNS" && git log --oneline -1; exit
fi
.venv/bin/fame-nb paper-table --runs-dir results/paper/runs --out results/paper_table --figure figures/paper_table.png \
  --data-dir "$DATA" > /dev/null || exit 1
git add results/paper_table* figures/paper_table*.png
git commit -q -m "results/paper: ${names[*]}" -- results/paper/runs results/paper_table* figures/paper_table*.png && git log --oneline -1
.venv/bin/python tools/readme.py > /dev/null && { git diff --quiet README.md || git commit -q -m "README: the paper table's verdict, regenerated" README.md; }
# the knockouts of the FAME checkpoints that landed (experiments/knockout.ipynb probes only checkpoints it has not
# probed; the others keep their rows): checkpoints are not committed, so a cell is probed on the machine that trained it
# or never
printf '%s\n' "${names[@]}" | grep -q '__fame' || exit 0
.venv/bin/python -c "import sys; from fame_nb.reproduce import run_analyses
s = run_analyses('paper', out_dir='results/paper', figures_dir='results/paper/figures', data_dir='$DATA', progress=False)['knockout']
print('knockout:', s); sys.exit(not s.startswith(('done', 'up to date')))" || exit 1
.venv/bin/python tools/relpaths.py results/paper/knockout.ipynb --root "$PWD" --root "$GRIDTREE" --beside "$(dirname "$PWD")" > /dev/null || exit 1
if git diff --quiet -- results/paper/knockout*.csv results/paper/knockout.md; then   # nothing measured anew: no commit
  git checkout -- results/paper/knockout.ipynb results/paper/figures/knockout.png; exit 0; fi
git add results/paper/knockout* results/paper/figures/knockout.png
git commit -q -m "results/paper: knockouts of the new FAME checkpoints" -- results/paper/knockout* results/paper/figures/knockout.png && git log --oneline -1
