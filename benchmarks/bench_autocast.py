"""Whole-model bf16 (`TrainConfig.bf16`: autocast on the CPU) against the loss's bf16 alone (`ce_dtype`) and fp32.

On real data (S3-Rec files), for each model: the median seconds of a training step as the grid runs it on a CPU
(`length_chunks`, `chunked_loss`, Adam; and without chunks), the modes interleaved batch by batch so that a neighbour's load falls on all
of them alike, and the epoch it implies (the number of batches of `train_pairs`). Prints the machine's bf16 paths first:
AMX tiles (Intel Xeon since Sapphire Rapids), AVX512-BF16, oneDNN's bf16. Not a test: a table.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_autocast.py --datasets toys beauty
"""
import argparse, contextlib, statistics, time
import torch

MODES = {'fp32': ('float32', False, True), 'bf16 loss (ce_dtype)': ('bfloat16', False, True),   # (ce_dtype, bf16, chunks)
         '+ bf16 autocast (bf16)': ('bfloat16', True, True), 'both, no chunks': ('bfloat16', True, False),
         'bf16 loss, no chunks': ('bfloat16', False, False)}
KW = {'sasrec': {}, 'fame': dict(n_heads=2, n_experts=4), 'fmlp': {}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--datasets', nargs='+', default=['toys']); ap.add_argument('--models', nargs='+', default=list(KW))
    ap.add_argument('--data-dir', default='../shared/data/amazon'); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--batches', type=int, default=6); ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    from fame_nb.data import load_dataset
    from fame_nb.split import leave_one_out, train_pairs, train_batches, trim_padding
    from fame_nb.sasrec import ce_precision, lowp_native
    from fame_nb.train import TrainConfig, build_model, dataset_defaults, recipe, chunked_loss
    cpu = torch.cpu
    print(f"AMX tiles {getattr(cpu, '_is_amx_tile_supported', lambda: None)()}, AVX512-BF16 "
          f"{getattr(cpu, '_is_avx512_bf16_supported', lambda: None)()}, oneDNN bf16 {lowp_native('cpu')}, "
          f"capability {torch.backends.cpu.get_cpu_capability()}, {a.threads} thread(s)\n")
    print('| dataset | model | ' + ' | '.join(f'{m}: ms / step (epoch s)' for m in MODES) + ' | autocast speed-up |')
    print('|---|---|' + '---:|' * (len(MODES) + 1))
    for name in a.datasets:
        ds = load_dataset(name, data_dir=a.data_dir)
        train = leave_one_out(ds).train
        for model in a.models:
            cfg = TrainConfig().update(model=model, **dataset_defaults(name), **recipe(model), **KW[model])
            pairs = train_pairs(train, cfg.max_len)
            n_batches = -(-len(pairs[0]) // cfg.batch_size)
            batches = []
            for inp, tgt in train_batches(pairs, cfg.max_len, cfg.batch_size, generator=torch.Generator().manual_seed(0)):
                batches.append(trim_padding(inp, tgt))
                if len(batches) == a.batches: break
            torch.manual_seed(0); m = build_model(cfg, ds.n_items).train()
            opt = torch.optim.Adam(m.parameters(), lr=cfg.lr)
            times = {k: [] for k in MODES}
            for rep in range(a.reps + 1):          # the first round warms up
                for inp, tgt in batches:
                    for k, (dt, amp, chunks) in MODES.items():
                        t = time.perf_counter()
                        with torch.autocast('cpu', dtype=torch.bfloat16) if amp else contextlib.nullcontext(), ce_precision(dt):
                            loss = chunked_loss(m, inp, tgt) if chunks and cfg.length_chunks else m.loss(inp, tgt)
                        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
                        if rep: times[k].append(time.perf_counter() - t)
            med = {k: statistics.median(v) for k, v in times.items()}
            cells = ' | '.join(f'{1e3 * v:.0f} ({v * n_batches:.1f})' for v in med.values())
            print(f"| {name} | {model} | {cells} | {med['bf16 loss (ce_dtype)'] / med['+ bf16 autocast (bf16)']:.2f}x |", flush=True)


if __name__ == '__main__':
    main()
