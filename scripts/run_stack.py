"""Run several cells of a grid as one stack (`fame_nb.stack.fit_stack`, nbs/06a_stack.ipynb): K runs of one (dataset,
model) that differ only in lr, dropout or weight decay (or seed: each its own batches) train as one vmapped model.

    python3 scripts/run_stack.py PARAMS.json

PARAMS.json: a list of run.ipynb's parameters, one per cell (`reproduce.cell_parameters`), as `gpu_paper.py --stack`
writes it. Each cell's result goes to its `out` when it finishes (`reproduce.run_result`: the file run.ipynb would
write, plus `stack`), its checkpoints to its `run_dir` (`fit`'s files: a cut cell resumes alone, or in a stack whose
cells all resume at the same epoch). One line per epoch and cell on stdout, `[k]` naming the cell (PARAMS' k-th).
"""
import json, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(path):
    ps = json.loads(Path(path).read_text())
    import torch
    if int(ps[0].get('threads') or 0) > 0: torch.set_num_threads(int(ps[0]['threads']))
    from fame_nb.data import load_dataset
    from fame_nb.reproduce import param_config, run_result
    from fame_nb.stack import fit_stack
    from fame_nb.train import save_json
    ds = load_dataset(ps[0]['dataset'], data_dir=ps[0]['data_dir'] or None)
    if any(p['dataset'] != ps[0]['dataset'] for p in ps): raise SystemExit(f"{path}: cells of several datasets cannot stack")
    for k, p in enumerate(ps): print(f"[{k}] {Path(p['out']).stem}", flush=True)
    t0 = time.time()
    def on_done(k, res):
        res = run_result(res, json.loads(ps[k]['variant']) if ps[k]['variant'] else {}, len(ds.seqs))
        save_json(ps[k]['out'], res)
        print(f"done [{k}] {Path(ps[k]['out']).stem}  best epoch {res['best_epoch']}  "
              f"test NDCG@20 {res['test']['NDCG@20']:.4f}  {time.time() - t0:.0f}s", flush=True)
    fit_stack(ds, [param_config(p) for p in ps], run_dirs=[p['run_dir'] or None for p in ps], resume=True,
              progress='epochs', per_user=True, on_done=on_done)


if __name__ == '__main__':
    if len(sys.argv) != 2: raise SystemExit(__doc__)
    main(sys.argv[1])
