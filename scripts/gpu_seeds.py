"""Run reproduction cells in parallel on one machine without Jupyter: each cell is `nbs/experiments/run.ipynb` executed
by `tools/run_plain.py` with the parameters `fame_nb.reproduce.run_cell` gives papermill, so the result JSONs have the
format `tables.ipynb` reads. Meant for a GPU machine that has no Jupyter kernel (several small cells share the GPU).

    python3 scripts/gpu_seeds.py --dataset beauty --data-dir DIR --variants fame+lr=0.003 sasrec --seeds 0 1 2 \
        --epochs 50 --patience 5 --device cuda --jobs 5 --out-dir OUT      # OUT/runs/<key>.{json,ipynb}
"""
import argparse, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from fame_nb.reproduce import Cell, variant
from plain_cells import plain_command

def run(cell, a, out_dir):
    runs = out_dir/'runs'
    res = runs/f'{cell.key}.json'
    if res.exists(): return cell.key, 'exists', 0.0
    cmd, env = plain_command(cell, out_dir, a.data_dir, a.device, a.threads)   # scripts/plain_cells.py
    t0 = time.time()
    with open(runs/f'{cell.key}.log', 'w') as log:
        try: rc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, timeout=a.timeout, env=env).returncode
        except subprocess.TimeoutExpired: rc = 'timeout'
    return cell.key, 'ok' if rc == 0 and res.exists() else f'FAILED ({rc})', time.time() - t0

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--dataset', required=True); p.add_argument('--data-dir', required=True)
    p.add_argument('--variants', nargs='+', required=True); p.add_argument('--seeds', nargs='+', type=int, default=[0])
    p.add_argument('--epochs', type=int, default=50); p.add_argument('--patience', type=int, default=5)
    p.add_argument('--device', default='cuda'); p.add_argument('--jobs', type=int, default=4)
    p.add_argument('--threads', type=int, default=2, help='CPU threads per cell'); p.add_argument('--timeout', type=float, default=600)
    p.add_argument('--out-dir', required=True)
    a = p.parse_args()
    out_dir = Path(a.out_dir).resolve(); (out_dir/'runs').mkdir(parents=True, exist_ok=True)
    cells = [Cell(a.dataset, v, s, a.epochs, a.patience, variant(v)[1]) for v in a.variants for s in a.seeds]
    failed = 0
    with ThreadPoolExecutor(a.jobs) as ex:
        for key, status, sec in ex.map(lambda c: run(c, a, out_dir), cells):
            print(f'{status:<12} {key}  {sec:.0f}s', flush=True); failed += status.startswith('FAILED')
    print(f'{len(cells) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
