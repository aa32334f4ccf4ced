"""Would pruning the paper grid's tuning trials have changed a choice? A replay on finished trials, not a timing.

The paper grid's cost is its tuning trials' epochs (`paper_table.budget`). Early-stopping the trials that fall behind
(the median stopping rule of Google Vizier, Golovin et al. KDD 2017; Optuna's `MedianPruner` / `PercentilePruner`)
is the usual way to cut it. This replays such a pruner on the validation curves stored in the finished seed-0 trials
of `results/paper/runs` (each run JSON's `history`: validation NDCG@20 under the selection protocol, one value per
epoch), in the order the grid runs them (`reproduce.paper_trials`), one trial after another: at epoch e >= `warmup`,
once at least `startup` earlier trials have finished, a trial stops when its best-so-far validation NDCG@20 is below
the `pct`-th percentile of the earlier trials' best-so-far at epoch e (those that ran that long). Prints, per model
and pruner: the epochs the trials ran, the share pruning would have saved, the trial it would have chosen (best
validation reached before its stop) and how far that choice is from the one the full trials made.

    .venv/bin/python benchmarks/bench_pruning.py                          # Beauty, a few seconds
    .venv/bin/python benchmarks/bench_pruning.py --dataset toys --pct 50 25 10 --warmup 20 40 80
"""
import argparse, json, sys
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fame_nb.reproduce import paper_trials

def curves(runs_dir, dataset) -> dict:
    "{model: {trial variant: [validation NDCG@20 per epoch]}} of the finished seed-0 trials, in the grid's order."
    out = {}
    for v in paper_trials('paper'):
        f = Path(runs_dir)/f'{dataset}__{v}__s0.json'
        if f.exists():
            h = json.loads(f.read_text())['history']
            out.setdefault(v.split('+')[0], {})[v] = np.array([e['valid']['NDCG@20'] for e in h], dtype=float)
    return out

def replay(trials:dict, pct:float, warmup:int, startup:int) -> dict:
    "{trial: epochs it would run} under the pruner, trials taken one after another in `trials`' order."
    done, stop = [], {}
    for v, c in trials.items():
        bsf, n = np.maximum.accumulate(c), len(c)
        for e in range(warmup, n) if len(done) >= startup else ():
            ref = [d[e] for d in done if len(d) > e]
            if len(ref) >= startup and bsf[e] < np.percentile(ref, pct): n = e + 1; break
        stop[v] = n
        done.append(np.maximum.accumulate(c[:n]))
    return stop

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--runs-dir', default='results/paper/runs')
    p.add_argument('--dataset', default='beauty')
    p.add_argument('--pct', nargs='+', type=float, default=[50, 25, 10])
    p.add_argument('--warmup', nargs='+', type=int, default=[20, 40])
    p.add_argument('--startup', type=int, default=5)
    a = p.parse_args()
    cs = curves(a.runs_dir, a.dataset)
    if not cs: sys.exit(f"{a.runs_dir}: no finished seed-0 trial of {a.dataset}")
    print(f"{a.dataset}: seed-0 trials of {a.runs_dir}, replayed in the grid's order; startup {a.startup} trials\n")
    print("| model | trials | pruner | epochs run | pruned | saved | chosen without pruning | chosen with pruning | same | its valid vs the choice |")
    print("|---|---:|---|---:|---:|---:|---|---|---|---:|")
    for m, trials in cs.items():
        full = {v: c.max() for v, c in trials.items()}
        best = max(full, key=full.get)
        run = sum(len(c) for c in trials.values())
        for pct in a.pct:
            for w in a.warmup:
                stop = replay(trials, pct, w, a.startup)
                kept = {v: trials[v][:stop[v]].max() for v in trials}
                pick = max(kept, key=kept.get)
                cut = sum(stop.values())
                print(f"| {m} | {len(trials)} | pct {pct:g}, warmup {w} | {run} | {cut} | {100 * (run - cut) / run:.0f}% | "
                      f"{best[len(m) + 1:]} | {pick[len(m) + 1:]} | {'yes' if pick == best else '**no**'} | "
                      f"{100 * (full[pick] - full[best]) / full[best]:+.2f}% |")

if __name__ == '__main__':
    main()
