"""One reproduction cell without Jupyter, for `scripts/gpu_seeds.py` and `scripts/gpu_paper.py`: the command line that
runs `nbs/experiments/run.ipynb` through `tools/run_plain.py` with the parameters `fame_nb.reproduce.cell_parameters`
gives papermill: the result `out_dir/runs/<key>.json` and the executed `<key>.ipynb` are what tables.ipynb reads."""
import json, os, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from fame_nb.reproduce import cell_parameters, experiments_dir

def plain_command(cell, out_dir:Path, data_dir, device:str, threads:int) -> tuple[list[str], dict]:
    "(argv, env) that run `cell` like `fame_nb.reproduce.run_cell`, with `threads` torch/OpenMP threads."
    params = cell_parameters(cell, out_dir, data_dir, device, threads)   # exactly what run_cell gives papermill
    cmd = [sys.executable, str(ROOT/'tools'/'run_plain.py'), str(experiments_dir()/'run.ipynb'),
           str(out_dir/'runs'/f'{cell.key}.ipynb'), '--cwd', str(experiments_dir())]
    for k, v in params.items(): cmd += ['-p', k, v if isinstance(v, str) else json.dumps(v)]
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED='1', OMP_NUM_THREADS=str(threads))
    for k in ('MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_'): env.setdefault(k, '4294967296')   # DEVELOPERS.md
    return cmd, env
