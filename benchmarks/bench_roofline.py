"""Roofline of one training epoch and one evaluation pass: measured time against the FLOP floor of this machine.

A benchmark that prints a table, not a test. For each dataset and configuration it
  * counts the matmul FLOPs the epoch must do: the transformer at the *real* (non-padding) positions only, the
    next-item logits at the target positions only, forward + backward (= 3 x forward); the same for a full
    evaluation pass over the test users (forward only: the blocks at every real position, the last block and the
    logits at the last position);
  * measures this machine's sustained fp32 matmul rate R in the same run (the best of square 1024 / 2048 / 3072
    products with the benchmark's thread count), so floor = FLOPs / R;
  * times the real thing: every batch of one epoch through `model.loss` + backward + Adam (what `fit` does per step,
    batching and trimming included), and `metrics.evaluate` over all test users;
  * prints time, floor, time / floor, and the padding overhead (positions the model ran / real positions);
  * and a second, attainable floor ('x shape floor'): the logits' FLOPs at the rate this machine reaches on the
    logits-shaped product itself ([|I| x d] @ [d x 256], inner dimension only d), the rest at R.

    MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 \\
        .venv/bin/python benchmarks/bench_roofline.py --datasets beauty ml-1m --threads 2

`--batches K` times a uniform random sample of K batches of the epoch instead of all of them (epoch time = their
time x the epoch's real positions / theirs). Counted FLOPs are matmuls only (no LayerNorm, softmax, dropout, GELU, Adam):
the floor is a lower bound that no implementation reaches, and the ratio says how far from it we are.
"""
import argparse, math, os, platform, sys, time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fame_nb.data import load_dataset
from fame_nb.split import leave_one_out, pad_left, train_pairs, batch_indices, trim_padding, length_chunks
from fame_nb.metrics import evaluate
from fame_nb.train import TrainConfig, build_model, dataset_defaults, chunked_loss
from fame_nb.sasrec import ce_precision

# (label, TrainConfig overrides, batchings); 'SASRec torch CE' + random batching is how every run trained before
# 'chunks': random batches, each run in length chunks (`length_chunks=True`): the random batches' loss, less padding
R_B, R_B_C = ('random', 'bucket'), ('random', 'bucket', 'chunks')
BATCHINGS = {'random': dict(batching='random'), 'bucket': dict(batching='bucket'),
             'chunks': dict(batching='random', length_chunks=True)}
CONFIGS = [('SASRec torch CE', dict(model='sasrec', ce_impl='torch'), R_B),
           ('SASRec', dict(model='sasrec'), R_B_C),
           ('FAME H2 N1', dict(model='fame', n_heads=2, n_experts=1), R_B_C),
           ('FAME H2 N4', dict(model='fame', n_heads=2, n_experts=4), R_B_C),
           ('FMLP-Rec', dict(model='fmlp'), ('random', 'chunks')),
           ('SASRec BCE', dict(model='sasrec', loss='bce'), ('random', 'chunks')),
           # the loss's item products in bf16 (04_sasrec `ce_precision`; `ce_impl='auto'` takes the chunked loss)
           ('SASRec bf16 CE', dict(model='sasrec', ce_dtype='bfloat16'), ('chunks',)),
           ('SASRec bf16 CE 512', dict(model='sasrec', ce_dtype='bfloat16', ce_chunk=512), ('chunks',)),
           ('FAME H2 N4 bf16 CE', dict(model='fame', n_heads=2, n_experts=4, ce_dtype='bfloat16'), ('chunks',)),
           ('FMLP-Rec bf16 CE', dict(model='fmlp', ce_dtype='bfloat16'), ('chunks',)),
                      ('FAME H2 N4 torch CE', dict(model='fame', n_heads=2, n_experts=4, ce_impl='torch'), ('random',)),
           ('SASRec chunked CE 1024', dict(model='sasrec', ce_impl='chunked', ce_chunk=1024), ('bucket',)),
           ('SASRec sampled K256', dict(model='sasrec', loss='sampled', n_negatives=256), ('bucket',)),
           ('FAME H2 N4 sampled K256', dict(model='fame', n_heads=2, n_experts=4, loss='sampled', n_negatives=256), ('bucket',))]


def matmul_rate(threads, seconds=1.0):
    "Sustained fp32 GFLOP/s: the best of square products of a few sizes, each repeated for about `seconds`."
    torch.set_num_threads(threads)
    best = 0.0
    for n in (1024, 2048, 3072):
        a, b = torch.randn(n, n), torch.randn(n, n)
        a @ b
        reps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            a @ b; reps += 1
        best = max(best, 2 * n ** 3 * reps / (time.perf_counter() - t0) / 1e9)
    return best


def logits_rate(n_items, d, rows=256, seconds=1.0):
    "GFLOP/s of the logits-shaped product [n_items, d] @ [d, rows] (the fused loss's block): the best this shape does here."
    W, h = torch.randn(n_items, d), torch.randn(rows, d)
    W @ h.T
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        W @ h.T; reps += 1
    return 2 * n_items * d * rows * reps / (time.perf_counter() - t0) / 1e9


def layer_flops(cfg, n, last=False):
    """Forward matmul FLOPs of one block over a user's `n` real positions (causal: position i sees i keys).
    SASRec block: QKV 6d^2 + W_O 2d^2 + FFN 16d^2 per position, attention 4 d per (query, key) pair.
    FAME's last layer: N query projections 2Nd^2, K/V 4d^2, attention N times, router 2N^2 d, per-head FFN 16d^2/H,
    gate 2dH and the fused W_f 2d^2 (with facet heads)."""
    d, H, N = cfg.d, cfg.n_heads, cfg.n_experts
    pairs = n * (n + 1) / 2
    if not last or cfg.model != 'fame': return 24 * d * d * n + 4 * d * pairs
    if not cfg.facet_heads:
        return (2 * N * d * d + 4 * d * d + 2 * d * d + 16 * d * d + 2 * N * N * d) * n + 4 * d * pairs * N
    return (2 * N * d * d + 4 * d * d + 2 * N * N * d + 16 * d * d / H + 2 * d * H + 2 * d * d) * n + 4 * d * pairs * N


def logit_flops(cfg, n_items, n_targets):
    return 2 * cfg.d * (cfg.n_negatives + 1 if cfg.loss == 'sampled' else n_items) * n_targets


def train_flops(cfg, n_items, lens):
    "FLOPs of one epoch over training rows with `lens` real input positions each (every input position has a target)."
    n = lens.astype(np.float64)
    fwd = sum(layer_flops(cfg, n, last=(i == cfg.n_layers - 1)).sum() for i in range(cfg.n_layers))
    return 3 * (fwd + logit_flops(cfg, n_items, n.sum()))


def eval_flops(cfg, n_items, lens):
    "FLOPs of scoring every test user once: blocks below the last at all real positions, the last block's K/V at all"
    "positions and the rest at the last one, and one row of logits."
    n = lens.astype(np.float64)
    d, N = cfg.d, (cfg.n_experts if cfg.model == 'fame' else 1)
    below = sum(layer_flops(cfg, n).sum() for _ in range(cfg.n_layers - 1))
    kv = 4 * d * d * n.sum()
    rest = (layer_flops(cfg, np.ones(1), last=True)[0] - 4 * d * d - 4 * d * N) * len(n) + 4 * d * N * n.sum()
    return below + kv + rest + 2 * d * n_items * len(n)


def time_epoch(model, cfg, pairs, batches, sample):
    "Seconds and positions run for one epoch: every batch, or a sample scaled by real positions (a ratio estimate)."
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    model.train()
    idx = batches if not sample else [batches[i] for i in
                                      np.random.default_rng(0).choice(len(batches), sample, replace=False)]
    seen, real, t = 0, 0, 0.0
    for j, b in enumerate(idx[:2] + idx):                # two warm-up steps, not timed
        t0 = time.perf_counter()
        inp, tgt = trim_padding(pairs[0][b], pairs[1][b])
        with ce_precision(cfg.ce_dtype):
            loss = chunked_loss(model, inp, tgt) if cfg.length_chunks else model.loss(inp, tgt)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        if j >= 2:
            t += time.perf_counter() - t0; real += int((tgt > 0).sum())
            seen += sum(c[0].numel() for c in length_chunks(inp)) if cfg.length_chunks else inp.numel()
    scale = float((pairs[1] > 0).sum()) / real         # 1 for a whole epoch
    return t * scale, seen * scale


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--datasets', nargs='+', default=['beauty', 'ml-1m'])
    ap.add_argument('--data-dir', default=os.environ.get('FAME_DATA', str(Path(__file__).resolve().parents[2]/'shared/data/amazon')))
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batches', type=int, default=0, help='time K sampled batches per epoch (0: the whole epoch)')
    ap.add_argument('--only', nargs='*', help='labels of CONFIGS to run')
    ap.add_argument('--batching', nargs='+', default=['random', 'bucket', 'chunks'], choices=list(BATCHINGS))
    ap.add_argument('--no-eval', action='store_true', help='skip the evaluation pass')
    ap.add_argument('--catalogue', type=int, default=0,
                    help="score against a catalogue of this many items (the dataset's sequences, extra items never seen): "
                         "where the full softmax dominates, e.g. 200000")
    a = ap.parse_args()
    R = matmul_rate(a.threads)
    malloc = {k: v for k, v in os.environ.items() if k.startswith('MALLOC_')}
    print(f"torch {torch.__version__}, {platform.machine()}, {os.cpu_count()} cpus, threads {a.threads}, "
          f"sustained fp32 matmul R = {R:.1f} GFLOP/s, malloc env {malloc or 'default'}, "
          f"{'all batches' if not a.batches else f'{a.batches} sampled batches'} per epoch\n")
    cols = ['dataset', 'config', 'batching', 'GFLOP', 'floor s', 'epoch s', 'x floor', 'x shape floor', 'positions run / real',
            'speed-up vs before', 'x SASRec', 'eval GFLOP', 'eval floor s', 'eval s', 'eval x floor']
    print('| ' + ' | '.join(cols) + ' |'); print('|' + '---|' * len(cols), flush=True)
    for name in a.datasets:
        ds = load_dataset(name, data_dir=a.data_dir)
        n_items = max(a.catalogue, ds.n_items)
        if a.catalogue: name = f"{name} ({n_items:,} items)"
        sp = leave_one_out(ds)
        base = TrainConfig().update(**dataset_defaults(ds.name))
        pairs = train_pairs(sp.train, base.max_len)
        lens = (pairs[0] != 0).sum(1).numpy()
        test_x, test_y = pad_left(sp.test_input, base.max_len), torch.as_tensor(sp.test_target)
        test_lens = (test_x != 0).sum(1).numpy()
        RL = logits_rate(n_items, base.d)
        print(f"({name}: the logits-shaped product [{n_items} x {base.d}] @ [{base.d} x 256] runs at {RL:.1f} GFLOP/s)", flush=True)
        ref = {}
        for label, kw, batchings in CONFIGS:
            if a.only and label not in a.only: continue
            for batching in [b for b in batchings if b in a.batching]:
                cfg = base.update(**BATCHINGS[batching], **kw)
                torch.manual_seed(0)
                model = build_model(cfg, n_items)
                batches = batch_indices(pairs[0], cfg.batch_size, torch.Generator().manual_seed(0), batching=cfg.batching)
                fl = train_flops(cfg, n_items, lens)
                lfl = 3 * logit_flops(cfg, n_items, lens.sum())
                shape_floor = lfl / 1e9 / RL + (fl - lfl) / 1e9 / R   # logits at their shape's rate, the rest at R
                t, seen = time_epoch(model, cfg, pairs, batches, a.batches)
                model.eval()
                t0 = time.perf_counter()
                if not a.no_eval:
                    evaluate(lambda x: model.scores(trim_padding(x)), test_x, test_y, batch_size=cfg.eval_batch_size, by_length=True)
                te = time.perf_counter() - t0 if not a.no_eval else float('nan')
                efl = eval_flops(cfg, n_items, test_lens)
                if label in ('SASRec', 'SASRec torch CE'): ref[label, batching] = t
                xs = f"{t / ref['SASRec', batching]:.2f}" if ('SASRec', batching) in ref and 'SASRec' not in label else ''
                before = ref.get(('SASRec torch CE', 'random'))
                row = [name, label, batching, f"{fl / 1e9:.0f}", f"{fl / 1e9 / R:.1f}", f"{t:.1f}", f"{t / (fl / 1e9 / R):.2f}", f"{t / shape_floor:.2f}",
                       f"{seen / lens.sum():.2f}", f"{before / t:.2f}" if before else '', xs, f"{efl / 1e9:.1f}", f"{efl / 1e9 / R:.2f}", f"{te:.2f}",
                       f"{te / (efl / 1e9 / R):.1f}"]
                print('| ' + ' | '.join(row) + ' |', flush=True)


if __name__ == '__main__':
    main()
