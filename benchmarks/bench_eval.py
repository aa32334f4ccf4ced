"""Benchmark `fame_nb.metrics.evaluate` at ML-1M size (a script that prints a table, not a test).

Ranks every user of an ML-1M-sized evaluation (6,040 users x 3,417 score columns = 3,416 items + padding) from a
precomputed random score matrix, so only the evaluation itself is timed (`score_fn` returns views of that matrix).
Targets and length-200 histories come from the real ML-1M (last item = target, the 200 before it = history) when
`fame_nb.data.load_dataset('ml-1m')` is available, otherwise they are random (full length 200, no padding: the most
masking work). Reports the median of `--repeats` runs after one warm-up, for torch threads = 1 and 2.

    python benchmarks/bench_eval.py [--repeats 5] [--random]
"""
import argparse, statistics, sys, time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
from fame_nb.metrics import evaluate

N_USERS, N_ITEMS, HIST_LEN = 6040, 3416, 200


def real_ml1m():
    "Targets and left-padded histories from ML-1M, or None when `fame_nb.data` is not there yet."
    try:
        from fame_nb.data import load_dataset
        ds = load_dataset('ml-1m')
    except Exception as e:  # the data module is written in parallel; fall back to random data
        print(f'(ML-1M not loaded: {type(e).__name__}: {e}; using random data)')
        return None
    hist = torch.zeros(len(ds.seqs), HIST_LEN, dtype=torch.long)
    for u, s in enumerate(ds.seqs):  # set-up only, not timed
        h = torch.as_tensor(s[:-1][-HIST_LEN:])
        hist[u, HIST_LEN - len(h):] = h
    return 'ML-1M (real targets/histories)', ds.n_items, hist, torch.as_tensor([s[-1] for s in ds.seqs])


def random_data(g):
    hist = torch.randint(1, N_ITEMS + 1, (N_USERS, HIST_LEN), generator=g)
    return 'random (ML-1M-sized)', N_ITEMS, hist, torch.randint(1, N_ITEMS + 1, (N_USERS,), generator=g)


def time_eval(scores, hist, targets, batch_size, mask, repeats):
    def once():
        chunks = iter(scores.split(batch_size))  # evaluate walks the users in order, one chunk per batch
        t0 = time.perf_counter()
        r = evaluate(lambda _: next(chunks), hist, targets, batch_size=batch_size, mask_history=mask)
        return time.perf_counter() - t0, r
    once()  # warm-up
    runs = [once() for _ in range(repeats)]
    return statistics.median(t for t, _ in runs), runs[0][1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--random', action='store_true', help='skip ML-1M, use random targets/histories')
    args = ap.parse_args()
    g = torch.Generator().manual_seed(0)
    data = None if args.random else real_ml1m()
    name, n_items, hist, targets = data or random_data(g)
    scores = torch.rand(len(targets), n_items + 1, generator=g)
    print(f'data: {name}; {len(targets)} users x {n_items + 1} score columns; history length {hist.shape[1]}; '
          f'median of {args.repeats} runs after 1 warm-up; torch {torch.__version__}')
    print(f'{"threads":>7} {"mask_history":>12} {"batch_size":>10} {"median_s":>9} {"users/s":>9} {"HR@10":>7}')
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for mask in (False, True):
            for bs in (256, 1024, 4096):
                t, r = time_eval(scores, hist, targets, bs, mask, args.repeats)
                print(f'{threads:>7} {str(mask):>12} {bs:>10} {t:>9.3f} {len(targets) / t:>9.0f} {r["HR@10"]:>7.4f}')


if __name__ == '__main__':
    main()
