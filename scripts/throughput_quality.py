"""Does a faster setting train as well? Test NDCG@20 across seeds against random batching with the full cross-entropy.

Reads the Beauty runs of the tuned points (lr 3e-3, dropout 0.5; 50 epochs at most, patience 5) from
  * `results/throughput/runs/`  the settings of issue 11 (CPU, one torch thread per run), and random-batching CPU seeds;
  * `results/runs/`             the tune profile's random-batching CPU run (seed 0);
  * `results/seeds_gpu/runs/`   random-batching seeds 0-2 run on an H200 (issue 6; another RNG stream, the same protocol),
and writes `results/throughput/quality.{md,csv}`: per model and setting the seeds, their mean and standard deviation,
the difference from the random-batching mean, and a test across seeds (Welch's t; its p-value from the exact
permutation distribution of the seed labels, so no normality is assumed; with 3 against 4 seeds the smallest
possible p is 1/35 = 0.029).

    .venv/bin/python scripts/throughput_quality.py [--results results] [--out results/throughput]
"""
import argparse, itertools, json, math
from pathlib import Path

import pandas as pd

SETTINGS = {  # suffix after '<model>+lr=0.003+dropout=0.5' -> label
    '': 'random batching, full CE (reference)',
    '+batching=bucket': 'bucket, per-batch mean loss',
    '+batching=bucket+loss_norm=epoch': 'bucket, loss_norm=epoch',
    '+batching=bucket+loss_norm=epoch+loss=sampled': 'bucket, epoch, sampled K=256 uniform',
    '+batching=bucket+loss_norm=epoch+loss=sampled+neg_sampling=pop': 'bucket, epoch, sampled K=256 pop+logQ',
    '+batching=bucket+loss_norm=epoch+loss=sampled+n_negatives=1024': 'bucket, epoch, sampled K=1024 uniform',
}


def load(results: Path):
    rows = []
    for folder, device in ((results/'throughput'/'runs', 'cpu'), (results/'runs', 'cpu'), (results/'seeds_gpu'/'runs', 'cuda')):
        for f in sorted(folder.glob('beauty__*__s*.json')):
            _, variant, seed = f.stem.split('__')
            for model in ('sasrec', 'fame'):
                base = f'{model}+lr=0.003+dropout=0.5'
                if variant.startswith(base) and variant[len(base):] in SETTINGS:
                    r = json.loads(f.read_text())
                    rows.append(dict(model=model, setting=SETTINGS[variant[len(base):]], suffix=variant[len(base):],
                                     seed=int(seed[1:]), device=r.get('device', device), source=str(f.relative_to(results)),
                                     test_NDCG20=r['test']['NDCG@20'], test_HR20=r['test']['HR@20'],
                                     valid_NDCG20=r['valid']['NDCG@20'], best_epoch=r['best_epoch'],
                                     s_per_epoch=r.get('seconds_per_epoch')))
    return pd.DataFrame(rows)


def welch_t(a, b):
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    return (a.mean() - b.mean()) / math.sqrt(va + vb) if va + vb > 0 else 0.0


def perm_p(a, b):
    "Two-sided exact permutation p-value of Welch's t over all relabelings of the pooled seeds."
    pooled, n = pd.concat([a, b]).to_numpy(), len(a)
    obs, hits, total = abs(welch_t(a, b)), 0, 0
    for idx in itertools.combinations(range(len(pooled)), n):
        mask = [i in idx for i in range(len(pooled))]
        x, y = pd.Series(pooled[mask]), pd.Series(pooled[[not m for m in mask]])
        hits += abs(welch_t(x, y)) >= obs - 1e-12; total += 1
    return hits / total


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--results', default='results'); ap.add_argument('--out', default='results/throughput')
    a = ap.parse_args()
    df = load(Path(a.results))
    out = []
    for model in ('sasrec', 'fame'):
        ref = df[(df.model == model) & (df.suffix == '')].test_NDCG20
        for suffix, label in SETTINGS.items():
            g = df[(df.model == model) & (df.suffix == suffix)]
            if g.empty: continue
            x = g.test_NDCG20
            row = dict(model=model, setting=label, seeds=len(g), devices='+'.join(sorted(set(g.device))),
                       test_NDCG20_mean=round(x.mean(), 4), test_NDCG20_sd=round(x.std(ddof=1), 4) if len(g) > 1 else '',
                       per_seed=' '.join(f'{v:.4f}' for v in x), test_HR20_mean=round(g.test_HR20.mean(), 4),
                       valid_NDCG20_mean=round(g.valid_NDCG20.mean(), 4), best_epoch_mean=round(g.best_epoch.mean(), 1))
            if suffix and len(ref) > 1 and len(g) > 1:
                row.update(diff_vs_random_pct=round(100 * (x.mean() - ref.mean()) / ref.mean(), 1),
                           welch_t=round(welch_t(x, ref), 2), p_perm=round(perm_p(x, ref), 3))
            elif suffix and len(ref):
                row.update(diff_vs_random_pct=round(100 * (x.mean() - ref.mean()) / ref.mean(), 1))
            out.append(row)
    t = pd.DataFrame(out)
    Path(a.out).mkdir(parents=True, exist_ok=True)
    t.to_csv(Path(a.out)/'quality.csv', index=False)
    md = t.astype(object).fillna('').to_markdown(index=False)
    (Path(a.out)/'quality.md').write_text('# Throughput settings: test quality across seeds (Beauty, tuned points)\n\n'
                                           'Written by `scripts/throughput_quality.py`.\n\n' + md + '\n')
    print(md)


if __name__ == '__main__':
    main()
