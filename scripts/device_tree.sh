#!/bin/bash
# The device tool sends the tracked tree (64 MiB at most, carried paths included); results/ and figures/ alone are ~75 MB.
#   scripts/device_tree.sh slim      take results/ and figures/ out of the index and exclude them (.git/info/exclude),
#                                    so that a `run` sends the code (~2 MB); commit first: the index is reset by restore
#   scripts/device_tree.sh restore   the index back to HEAD, the two exclude lines removed
#   scripts/device_tree.sh status    slim or not, and what would travel (MB)
# ML-1M travels as .gpudata/ml-1m/ml-1m.{inter.gz,item} (15 MB; `gunzip -k` it first on the device).
cd "$(dirname "$0")/.." || exit 1
ex=.git/info/exclude; mark='# device_tree.sh slim'
case "$1" in
  slim)
    grep -qF "$mark" "$ex" 2>/dev/null && { echo "already slim"; exit 0; }
    [ -z "$(git status --porcelain --untracked-files=no)" ] || { echo "commit first: restore resets the index" >&2; exit 1; }
    mkdir -p .git/info; printf '%s\n/results/\n/figures/\n' "$mark" >> "$ex"
    git rm -r -q --cached results figures && echo slim ;;
  restore)
    git reset -q && sed -i "/^$mark\$/,+2d" "$ex" && echo restored ;;
  status)
    grep -qF "$mark" "$ex" 2>/dev/null && echo slim || echo full
    { git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 du -cb 2>/dev/null | tail -1 |
      awk '{printf "%.1f MB travel (carried paths not counted)\n", $1/1e6}' ;;
  *) sed -n 2,7p "$0"; exit 2 ;;
esac
