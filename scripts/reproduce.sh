#!/usr/bin/env bash
# The main job: set up (idempotent), then `fame-nb reproduce --profile quick` (ML-1M: SASRec, FAME and the
# ablations, one seed; about 30 minutes on a 2-core CPU). Results go to results/, figures to figures/.
# Extra arguments are passed on, e.g. `bash scripts/reproduce.sh --profile paper --datasets beauty --seeds 0`.
# A killed run resumes: finished cells are skipped, a cell in progress continues from its last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
VENV=${FAME_VENV:-.venv}
export FAME_DATA=${FAME_DATA:-$(cd .. && pwd)/shared/data/amazon}
has_profile=0; for a in "$@"; do [ "$a" = "--profile" ] && has_profile=1; done
if [ $has_profile -eq 1 ]; then exec "$VENV/bin/fame-nb" reproduce "$@"; fi
exec "$VENV/bin/fame-nb" reproduce --profile quick "$@"
