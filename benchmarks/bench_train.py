"""Training and evaluation cost of SASRec vs FAME on real data (a benchmark that prints a table, not a test).

For each dataset and model configuration, in a fresh subprocess (so peak memory is that configuration's own):
  * seconds per epoch and training sequences/s, from `--batches` timed training steps (after 2 warm-up steps),
    extrapolated to the full epoch (the number of batches of `train_pairs`);
  * full-ranking evaluation seconds for all test users (`model.scores` + `evaluate`);
  * peak resident memory of the process (ru_maxrss).

    .venv/bin/python benchmarks/bench_train.py --datasets ml-1m beauty --threads 2
"""
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path

CONFIGS = [('sasrec', {}), *[('fame', dict(n_heads=h, n_experts=n)) for h in (2, 4) for n in (1, 2, 4)]]


def one(dataset, data_dir, model, kw, batches, threads):
    import torch
    torch.set_num_threads(threads)
    from fame_nb.data import load_dataset
    from fame_nb.split import leave_one_out, pad_left, train_pairs, train_batches
    from fame_nb.metrics import evaluate
    from fame_nb.train import TrainConfig, build_model, dataset_defaults, n_params
    ds = load_dataset(dataset, data_dir=data_dir)
    cfg = TrainConfig().update(model=model, **dataset_defaults(dataset), **kw)
    sp = leave_one_out(ds)
    pairs = train_pairs(sp.train, cfg.max_len)
    torch.manual_seed(0)
    m = build_model(cfg, ds.n_items)
    opt = torch.optim.Adam(m.parameters(), lr=cfg.lr)
    m.train()
    it = train_batches(pairs, cfg.max_len, cfg.batch_size, torch.Generator().manual_seed(0))
    n_batches = -(-len(pairs[0]) // cfg.batch_size)
    times = []
    for i, (inp, tgt) in enumerate(it):
        t = time.perf_counter()
        loss = m.loss(inp, tgt); opt.zero_grad(); loss.backward(); opt.step()
        times.append(time.perf_counter() - t)
        if i + 1 >= batches + 2: break
    step = sorted(times[2:])[len(times[2:]) // 2]
    m.eval()
    x, y = pad_left(sp.test_input, cfg.max_len), torch.as_tensor(sp.test_target)
    t = time.perf_counter()
    evaluate(m.scores, x, y, batch_size=cfg.eval_batch_size)
    ev = time.perf_counter() - t
    return dict(dataset=dataset, model=model, H=cfg.n_heads, N=cfg.n_experts if model == 'fame' else '-',
                params=n_params(m), s_per_batch=round(step, 4), s_per_epoch=round(step * n_batches, 1),
                seqs_per_s=round(cfg.batch_size / step), eval_s=round(ev, 2),
                peak_MiB=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--datasets', nargs='+', default=['ml-1m', 'beauty'])
    p.add_argument('--data-dir', default=os.environ.get('FAME_DATA', str(Path(__file__).resolve().parents[2]/'shared/data/amazon')))
    p.add_argument('--batches', type=int, default=10)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--only', nargs='*', help='subset of model labels, e.g. sasrec fame-H2-N4')
    p.add_argument('--child', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        d = json.loads(a.child)
        print(json.dumps(one(**d)))
        return
    rows = []
    for ds in a.datasets:
        for model, kw in CONFIGS:
            label = model if model == 'sasrec' else f"fame-H{kw['n_heads']}-N{kw['n_experts']}"
            if a.only and label not in a.only: continue
            if model == 'sasrec': kw = {}
            child = json.dumps(dict(dataset=ds, data_dir=a.data_dir, model=model, kw=kw, batches=a.batches, threads=a.threads))
            r = subprocess.run([sys.executable, __file__, '--child', child], capture_output=True, text=True)
            if r.returncode: print(r.stderr[-2000:], file=sys.stderr); continue
            rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    base = {r['dataset']: r for r in rows if r['model'] == 'sasrec'}
    cols = ['dataset', 'model', 'H', 'N', 'params', 's_per_batch', 's_per_epoch', 'seqs_per_s', 'eval_s', 'peak_MiB', 'x_sasrec']
    print('| ' + ' | '.join(cols) + ' |'); print('|' + '---|' * len(cols))
    for r in rows:
        b = base.get(r['dataset'])
        r['x_sasrec'] = round(r['s_per_batch'] / b['s_per_batch'], 2) if b else ''
        print('| ' + ' | '.join(str(r[c]) for c in cols) + ' |')


if __name__ == '__main__':
    main()
