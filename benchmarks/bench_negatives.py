"""Sampled softmax's negatives, shared by the batch or drawn per position (`neg_sampling='uniform-position'`, as
RecTools' SASRec and so the eSASRec benchmark draw them): what a training step costs at a dataset's shape.

Prints one table: per (catalogue, sampler, scorer), the median milliseconds of the negatives' scores + backward alone
(`loss ms`), and of a whole SASRec step (`step ms`: forward, loss, backward, Adam) at the eSASRec recipe (d 256, one
block, one head, K 256), on batches of --batch sequences of Amazon-like lengths (3-11 items). Scorers of the
per-position negatives: `gemv` (items[negatives] @ h, the batched matrix-vector products) and `select` (index_select
and one multiply-and-sum pass: what `sampled_softmax_loss` does).

    MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 OMP_NUM_THREADS=1 \\
      .venv/bin/python benchmarks/bench_negatives.py                   # about a minute
"""
import argparse, statistics, time
import torch
from fame_nb.sasrec import SASRec

def timed(f, reps):
    ts = []
    for _ in range(reps + 1):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts[1:]) * 1000

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--catalogues', type=int, nargs='+', default=[12101, 18357])   # Beauty, Sports
    ap.add_argument('--batch', type=int, default=128); ap.add_argument('--d', type=int, default=256)
    ap.add_argument('--negatives', type=int, default=256); ap.add_argument('--reps', type=int, default=8)
    a = ap.parse_args()
    torch.manual_seed(0)
    lens = torch.randint(3, 12, (a.batch,)); L = int(lens.max())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); batch {a.batch}, {int(lens.sum())} positions, "
          f"d {a.d}, K {a.negatives}\n")
    print('| items | negatives | scorer | loss ms | step ms |\n|---:|---|---|---:|---:|')
    for n in a.catalogues:
        seq = torch.zeros(a.batch, L, dtype=torch.long); tgt = torch.zeros_like(seq)
        for b, l in enumerate(lens.tolist()):
            seq[b, L - l:] = torch.randint(1, n + 1, (l,)); tgt[b, L - l:] = torch.randint(1, n + 1, (l,))
        P = int((tgt > 0).sum())
        E = torch.randn(n + 1, a.d, requires_grad=True); h = torch.randn(P, a.d, requires_grad=True)
        idx = torch.randint(1, n + 1, (P, a.negatives)); w = torch.randn(P, a.negatives)
        scorers = {('per batch', 'h @ items[neg].T'): lambda: h @ E[idx[0]].T,
                   ('per position', 'gemv'): lambda: (E[idx] @ h[:, :, None]).squeeze(-1),
                   ('per position', 'select'): lambda: (E.index_select(0, idx.reshape(-1)).view(P, a.negatives, -1) * h[:, None]).sum(-1)}
        steps = {}
        for ns in ('uniform', 'uniform-position'):
            m = SASRec(n, max_len=50, d=a.d, n_layers=1, n_heads=1, dropout=0.2, loss='sampled', n_negatives=a.negatives, neg_sampling=ns)
            opt = torch.optim.Adam(m.parameters(), 1e-3)
            def step(): opt.zero_grad(); m.loss(seq, tgt).backward(); opt.step()
            steps[ns] = timed(step, a.reps)
        for (neg, name), f in scorers.items():
            def loss(): E.grad = h.grad = None; (f() * w).sum().backward()
            st = steps['uniform'] if neg == 'per batch' else steps['uniform-position'] if name == 'select' else float('nan')
            print(f"| {n:,} | {neg} | {name} | {timed(loss, a.reps):.0f} | {'—' if st != st else f'{st:.0f}'} |")

if __name__ == '__main__': main()
