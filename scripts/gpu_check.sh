#!/usr/bin/env bash
# One-shot GPU check, run from the repo root on the lent GPU machine (no Jupyter there: the notebook runs through
# tools/run_plain.py). Everything goes to $G (default /tmp/g), packed into ${OUT:-/tmp/gpu_out}/gpu.tgz after every
# step, so a run killed from outside still returns what was done. Each step runs under its own `timeout`, capped so
# that all steps end within $DEADLINE s of the start (give the run DEADLINE + 40 s), and logs to $G/<step>.log;
# $G/steps.tsv has each step's exit status and seconds. Needs the Amazon Beauty files in $DATA_DIR/Beauty.
#   bash scripts/gpu_check.sh
# Local dry run on the CPU (tiny sizes):
#   DEVICE=cpu DATASET=ml-100k EPOCHS=1 CATALOGUES='[200, 1000]' HEADS='[2]' EXPERTS='[1, 2]' REPEATS=1 WARMUP=0 \
#   BF16_CATALOGUES='[1000]' BF16_EXPERTS='[1]' PYTHON=.venv/bin/python G=/tmp/g_cpu OUT=/tmp/gpu_out_cpu \
#   bash scripts/gpu_check.sh
set -u
T_MODELS=${T_MODELS:-150}; T_COST=${T_COST:-240}; T_BF16=${T_BF16:-90}; T_SEEDS=${T_SEEDS:-240}   # seconds per step
DEADLINE=${DEADLINE:-450}                                                    # seconds for all the steps
DEVICE=${DEVICE:-cuda}; PYTHON=${PYTHON:-python3}
DATASET=${DATASET:-beauty}; DATA_DIR=${DATA_DIR:-.gpudata}; EPOCHS=${EPOCHS:-2}
CATALOGUES=${CATALOGUES:-'[1000, 10000, 50000, 200000]'}; HEADS=${HEADS:-'[1, 2, 4]'}; EXPERTS=${EXPERTS:-'[1, 2, 4, 8]'}
REPEATS=${REPEATS:-5}; WARMUP=${WARMUP:-2}; STEPS=${STEPS:-3}; BATCH_CALLS=${BATCH_CALLS:-5}; SINGLE_CALLS=${SINGLE_CALLS:-20}
BF16_CATALOGUES=${BF16_CATALOGUES:-'[10000, 200000]'}; BF16_HEADS=${BF16_HEADS:-'[2]'}; BF16_EXPERTS=${BF16_EXPERTS:-'[1, 4]'}
SEED_VARIANTS=${SEED_VARIANTS:-'fame+lr=0.003+dropout=0.5 fmlp+dropout=0.5 sasrec+lr=0.003+dropout=0.5'}  # the tuned points
SEEDS=${SEEDS:-'0 1 2'}; SEED_EPOCHS=${SEED_EPOCHS:-50}; SEED_PATIENCE=${SEED_PATIENCE:-5}; SEED_JOBS=${SEED_JOBS:-9}
G=${G:-/tmp/g}; OUTDIR=${OUT:-/tmp/gpu_out}
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
export MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296
rm -rf "$G"; mkdir -p "$G" "$OUTDIR"
printf 'step\trc\tseconds\n' > "$G/steps.tsv"

pack() {   # checkpoints stay behind (too large to return); a unique temporary name: steps may pack concurrently
  local tmp="$OUTDIR/.gpu.$BASHPID.tgz"; tar czf "$tmp" --exclude=checkpoints -C "$G" . && mv "$tmp" "$OUTDIR/gpu.tgz"; }
step() {   # step NAME TIMEOUT_S CMD...: run under timeout, log to $G/NAME.log, record rc and seconds, pack
  local name=$1 t=$2; shift 2
  local t0=$SECONDS left=$((DEADLINE - SECONDS))
  if [ "$left" -lt "$t" ]; then t=$left; fi
  if [ "$t" -lt 10 ]; then printf '%s\tskipped\t0\n' "$name" | tee -a "$G/steps.tsv"; return; fi
  echo "=== $name (timeout ${t}s): $*" | tee "$G/$name.log"
  timeout -k 10 "$t" "$@" 2>&1 | tee -a "$G/$name.log"
  local rc=${PIPESTATUS[0]}
  printf '%s\t%s\t%s\n' "$name" "$rc" "$((SECONDS - t0))" | tee -a "$G/steps.tsv"
  pack
}

step env 60 bash -c "nvidia-smi; $PYTHON -c 'import sys, torch, numpy, pandas, matplotlib, seaborn
print(sys.version); print(\"torch\", torch.__version__, \"cuda\", torch.version.cuda, \"numpy\", numpy.__version__,
      \"pandas\", pandas.__version__, \"matplotlib\", matplotlib.__version__, \"seaborn\", seaborn.__version__)
print(torch.cuda.get_device_name() if torch.cuda.is_available() else \"no CUDA device\")'; ls -l $DATA_DIR/*/ 2>&1 | head"


cost() {   # cost NAME TIMEOUT_S EXTRA_PARAMS...: the cost notebook via run_plain -> $G/NAME.ipynb, $G/results/NAME.{csv,md},
  local name=$1 t=$2; shift 2   # $G/figures/NAME_{throughput,latency}.png (the names results/ and figures/ would use)
  step "$name" "$t" "$PYTHON" tools/run_plain.py nbs/experiments/cost.ipynb "$G/$name.ipynb" --cwd nbs/experiments \
    -p name "$name" -p device "$DEVICE" -p repeats "$REPEATS" -p warmup "$WARMUP" -p steps "$STEPS" \
    -p batch_calls "$BATCH_CALLS" -p single_calls "$SINGLE_CALLS" -p results_dir "$G/results" -p figures_dir "$G/figures" "$@"
}
cost cost_gpu "$T_COST" -p catalogues "$CATALOGUES" -p heads "$HEADS" -p experts "$EXPERTS"
cost cost_gpu_bf16 "$T_BF16" -p bf16 True -p catalogues "$BF16_CATALOGUES" -p heads "$BF16_HEADS" -p experts "$BF16_EXPERTS"

# correctness checks and the seed runs share the GPU (the timings above ran alone)
# shellcheck disable=SC2086
step seeds "$T_SEEDS" "$PYTHON" -m fame_nb reproduce --profile tune --datasets "$DATASET" --data-dir "$DATA_DIR" \
  --variants $SEED_VARIANTS --seeds $SEEDS --epochs "$SEED_EPOCHS" --patience "$SEED_PATIENCE" --device "$DEVICE" \
  --executor local --jobs "$SEED_JOBS" --cpus-per-cell 1 --runner plain --no-aggregate --out-dir "$G/seeds" &
step models "$T_MODELS" "$PYTHON" scripts/gpu_models.py --device "$DEVICE" --data-dir "$DATA_DIR" --dataset "$DATASET" \
  --epochs "$EPOCHS" --out "$G/models.json"
wait

DEADLINE=$((DEADLINE + 20)) step env_end 20 nvidia-smi
cat "$G/steps.tsv"
pack; ls -l "$OUTDIR/gpu.tgz"
