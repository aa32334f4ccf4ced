"""bf16 products of the loss (`ce_dtype='bfloat16'`) on this machine: torch's bf16 GEMM, or emulated (04_sasrec
`lowp_emulated`: fp32 GEMMs of the bf16-rounded operands, results rounded to bf16), beside fp32. A CPU with a fast
bf16 GEMM (AVX512, AMX: `lowp_native`) uses torch's; one without (AVX2) emulates, because torch's is many times slower
than fp32 there.

Prints one table: the median milliseconds of the loss forward + backward for --positions targets against a catalogue
of --items items (d 64; Toys: 11,924), for the chunked loss (`ce_impl='auto'` under bf16 on CPU) and for torch's loss
on `lowp_logits` (FAME's facet heads, BERT4Rec). In low precision the chunked loss keeps its rounded logits for the
backward pass (`CE_STORE`); a row beside it recomputes them, as the loss did before (the same numbers, bit for bit).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_bf16.py            # a minute or two on one thread
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_bf16.py --items 18357   # Sports' catalogue
"""
import argparse, statistics, time
import torch
import torch.nn.functional as F
from fame_nb import sasrec
from fame_nb.sasrec import ce_precision, chunked_cross_entropy, lowp_logits, lowp_native

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--positions', type=int, default=2048); ap.add_argument('--items', type=int, default=11924)
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    h0, E0 = torch.randn(a.positions, 64) * .3, torch.randn(a.items + 1, 64) * .3
    t = torch.randint(1, a.items + 1, (a.positions,))
    def step(loss):
        h, E = h0.clone().requires_grad_(), E0.clone().requires_grad_()
        loss(h, E).backward()
    def ms(loss):
        step(loss); ts = []
        for _ in range(a.reps):
            t0 = time.perf_counter(); step(loss); ts.append(time.perf_counter() - t0)
        return f'{1e3 * statistics.median(ts):.0f} ms'
    def recomputed(h, E, dt):   # the low-precision logits recomputed in the backward pass, as before `CE_STORE`
        keep, sasrec.CE_STORE = sasrec.CE_STORE, 0
        try: return chunked_cross_entropy(h, E, t, 1024, dt)
        finally: sasrec.CE_STORE = keep
    losses = {"chunked, 1024 items a block": lambda dt: lambda h, E: chunked_cross_entropy(h, E, t, 1024, dt),
              "the same, logits recomputed backward (`CE_STORE = 0`)": lambda dt: lambda h, E: recomputed(h, E, dt),
              "torch's on lowp_logits": lambda dt: lambda h, E: F.cross_entropy(lowp_logits(h, E[1:]), t - 1)}
    print(f"CPU capability {torch.backends.cpu.get_cpu_capability()}, a fast bf16 GEMM: {lowp_native('cpu')}; "
          f"{a.positions} positions, {a.items} items, d 64, {a.threads} thread(s)")
    print("| loss, fwd + bwd | fp32 | bf16, torch's GEMM | bf16, emulated |\n|---|---:|---:|---:|")
    for name, make in losses.items():
        row = []
        for mode in ('fp32', 'torch', 'emulated'):
            with ce_precision('float32' if mode == 'fp32' else 'bfloat16', emulate=mode == 'emulated'):
                row.append(ms(make(None if mode == 'fp32' else torch.bfloat16)))
        print(f"| {name} | " + ' | '.join(row) + ' |')

if __name__ == '__main__': main()
