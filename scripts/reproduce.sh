#!/usr/bin/env bash
# The main job: set up (idempotent), then print the statistics of every dataset that is available here.
# (The reproduction grid replaces this once `fame-nb reproduce` exists.) Extra arguments are ignored for now.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
VENV=${FAME_VENV:-.venv}
export FAME_DATA=${FAME_DATA:-$(cd .. && pwd)/shared/data/amazon}
for ds in ml-100k ml-1m beauty sports toys; do
  printf '%-8s ' "$ds"; "$VENV/bin/fame-nb" stats --dataset "$ds" || true
done
