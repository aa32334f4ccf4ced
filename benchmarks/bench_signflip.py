"""Benchmark `fame_nb.paper_table.sign_flip`, the per-user permutation test of every comparison (a script that prints
a table, not a test).

The paper table runs one test of 10,000 sign flips per comparison (24 of them on 2026-12-03), over each dataset's test
users. This times it at those sizes on synthetic per-user NDCG differences (the test's cost depends on the number of
users only), against the direct form that draws one +-1 per user and flip (`direct`, what `sign_flip` did before
2026-12-03), and checks that both give the same p to Monte Carlo error. One thread (`OMP_NUM_THREADS=1`), as beside
the grid. Median of `--repeats`.

    OMP_NUM_THREADS=1 python benchmarks/bench_signflip.py [--repeats 3]
"""
import argparse, statistics, sys, time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
from fame_nb.paper_table import sign_flip

USERS = {'ml-1m': 6_040, 'toys': 19_412, 'beauty': 22_363, 'sports': 35_598}


def direct(a, b, n_flips=10_000, seed=0):
    "One random sign per user and flip, 1,000 flips at a time: n multiplications a flip."
    d = np.asarray(a, float) - np.asarray(b, float)
    rng, obs, hits = np.random.default_rng(seed), abs(d.sum()), 0
    for _ in range(n_flips // 1000):
        hits += int((np.abs((rng.choice([-1.0, 1.0], size=(1000, len(d))) * d).sum(1)) >= obs - 1e-12).sum())
    return (hits + 1) / (n_flips // 1000 * 1000 + 1)


def timed(f, *args, repeats=3):
    ts, out = [], None
    for _ in range(repeats):
        t = time.perf_counter(); out = f(*args); ts.append(time.perf_counter() - t)
    return statistics.median(ts), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeats', type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print('| dataset | users | direct s | sign_flip s | speed-up | p direct | p sign_flip |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for ds, n in USERS.items():
        a = rng.random(n)
        b = a - 0.2 * 1.96 / np.sqrt(n) + rng.normal(scale=0.2, size=n)   # a shift near the 5% level
        t0, p0 = timed(direct, a, b, repeats=args.repeats)
        t1, p1 = timed(sign_flip, a, b, repeats=args.repeats)
        print(f'| {ds} | {n:,} | {t0:.2f} | {t1:.2f} | {t0 / t1:.1f}x | {p0:.4f} | {p1:.4f} |')


if __name__ == '__main__':
    main()
