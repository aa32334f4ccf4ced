"""Training-step cost of SASRec vs FAME on random full-length batches (CPU).

Not a test. For each setting it builds every model, then times `zero_grad(); loss(seq, target).backward()` in train
mode, round-robin over the models in a fresh random order each round (so background load hits all of them alike),
and prints a markdown table: the fastest and the median step in seconds, training sequences per second (from the
fastest step), and the ratio to SASRec with the same number of heads and the same attention dropout (fastest steps). Every position of the random batches has a target (the most expensive case: real Beauty
sequences are mostly padding at L=50, so the full-softmax part shrinks there).

    python benchmarks/bench_models.py                       # torch threads 2, batch 128, both settings
    python benchmarks/bench_models.py --only beauty --reps 5

glibc returns every large freed block to the OS, so each step's [positions x items] logits are page-faulted in
afresh; keeping them in the heap makes every model markedly faster (numbers in the table header say which):

    MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 python benchmarks/bench_models.py
"""
import argparse, os, platform, random, statistics, time
import torch
from fame_nb.sasrec import SASRec
from fame_nb.fame import FAME

SETTINGS = {"beauty": dict(L=50, n_items=12101),      # Amazon Beauty-sized
            "ml-1m": dict(L=200, n_items=3417)}       # MovieLens-1M-sized

def models(L, n_items, dropout=0.2):
    "(name, H, N, mix, attn_dropout, constructor)"
    for ad in (dropout, 0.0):
        yield "SASRec", 2, "-", "-", ad, lambda ad=ad: SASRec(n_items, max_len=L, n_heads=2, attn_dropout=ad)
        if ad: yield "SASRec", 4, "-", "-", ad, lambda: SASRec(n_items, max_len=L, n_heads=4)
    for H in (2, 4):
        for N in (1, 2, 4):
            yield "FAME", H, N, "logits", dropout, lambda H=H, N=N: FAME(n_items, max_len=L, n_heads=H, n_experts=N)
    yield "FAME", 2, 4, "logits", 0.0, lambda: FAME(n_items, max_len=L, n_heads=2, n_experts=4, attn_dropout=0.0)
    yield "FAME", 2, 4, "probs", dropout, lambda: FAME(n_items, max_len=L, n_heads=2, n_experts=4, mix="probs")

def step(model, seq, target):
    t0 = time.perf_counter()
    model.zero_grad(set_to_none=True)
    model.loss(seq, target).backward()
    return time.perf_counter() - t0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--only", choices=list(SETTINGS), default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    malloc = {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}
    print(f"torch {torch.__version__}, {platform.machine()}, threads {a.threads}, batch {a.batch}, "
          f"{a.reps} round-robin steps after {a.warmup} warm-up rounds, malloc env {malloc or 'default'}\n")
    print("| data | L | items | model | H | N | mix | attn dropout | s / batch (min) | s / batch (median) | seq / s | vs SASRec |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, s in SETTINGS.items():
        if a.only and name != a.only: continue
        g = torch.Generator().manual_seed(0)
        full = torch.randint(1, s["n_items"] + 1, (a.batch, s["L"] + 1), generator=g)
        seq, target = full[:, :-1], full[:, 1:]
        rows = []
        for mname, H, N, mix, ad, make in models(s["L"], s["n_items"]):
            torch.manual_seed(0)
            rows.append([mname, H, N, mix, ad, make().train(), []])
        rng = random.Random(0)
        for r in range(a.warmup + a.reps):
            for row in rng.sample(rows, len(rows)):
                t = step(row[5], seq, target)
                if r >= a.warmup: row[6].append(t)
        base = {(m, H, ad): min(ts) for m, H, N, mix, ad, _, ts in rows if m == "SASRec"}
        for mname, H, N, mix, ad, _, ts in rows:
            t = min(ts)
            print(f"| {name} | {s['L']} | {s['n_items']} | {mname} | {H} | {N} | {mix} | {ad} | {t:.3f} | "
                  f"{statistics.median(ts):.3f} | {a.batch / t:.0f} | {t / base[('SASRec', H, ad)]:.2f} |", flush=True)

if __name__ == "__main__":
    main()
