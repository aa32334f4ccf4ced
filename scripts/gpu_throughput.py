"""Training throughput on a GPU: batch size, bf16, torch.compile / CUDA graphs, and several cells sharing one GPU.

The prepared device check of the throughput issue: one script, no Jupyter, about 4 minutes on one GPU. It measures
training sequences/s in the setting of `results/cost_gpu.md` (random full-length batches, L = 50, d = 64, 2 layers,
a 10,000-item catalogue, full cross-entropy), where one cell did about 10k sequences/s:

  1. `batch`: SASRec and FAME (H=2, N=4) at batch sizes 128 .. 4096, fp32 and bf16 autocast;
  2. `compile`: the same step under `torch.compile` (mode 'default' and 'reduce-overhead' = CUDA graphs) at B = 128;
  3. `share`: k = 1, 4, 8 processes training at once on the same GPU (each a B=128 cell, as `fame-nb reproduce`
     would run them), aggregate sequences/s;
  4. `stack`: K = 1, 4, 8, 16 trials trained as one vmapped stack (`fame_nb.stack`, nbs/06a_stack.ipynb; what
     `gpu_paper.py --stack` runs), aggregate sequences/s of all K against one solo cell, the peak memory, and the
     seconds of one model's validation pass (each stacked run still validates alone every epoch).
Larger batches need a larger learning rate: `lr_for(batch)` below is the square-root rule from B = 128 that a
run would use; this script measures speed only, not the quality of a scaled run.

    python3 scripts/gpu_throughput.py --out /tmp/g/throughput.json               # on the GPU machine
    python3 scripts/gpu_throughput.py --device cpu --quick --out /tmp/tp.json      # a dry run here (tiny sizes)

Writes a JSON of every measurement and prints a markdown table per part; a part that fails is recorded, not fatal.
"""
import argparse, json, math, os, subprocess, sys, time, traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import torch
from fame_nb.train import TrainConfig, build_model


def lr_for(batch, lr=1e-3, ref=128):
    "The square-root learning-rate scaling rule from the reference batch size."
    return lr * math.sqrt(batch / ref)


def make(model, n_items, L, device, **kw):
    cfg = TrainConfig().update(model=model, max_len=L, **({'n_heads': 2, 'n_experts': 4} if model == 'fame' else {}), **kw)
    torch.manual_seed(0)
    return build_model(cfg, n_items).to(device).train()


def timed(step, device, seconds, start_at=None):
    "3 warm-up calls of `step`, then as many as fit in `seconds`: (steps, measured seconds, warm-up seconds)."
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
    t0 = time.perf_counter()
    for _ in range(3): step()                                   # warm-up (and compilation)
    sync(); warm = time.perf_counter() - t0
    if start_at: time.sleep(max(0.0, start_at - time.time()))   # concurrent cells measure the same window
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step(); n += 1
        if n % 5 == 0: sync()
    sync()
    return n, time.perf_counter() - t0, warm


def seqs_per_s(model, B, L, n_items, device, seconds, bf16=False, compile_mode=None, start_at=None):
    "Training steps on one fixed random full-length batch for about `seconds`: sequences per second."
    g = torch.Generator().manual_seed(0)
    full = torch.randint(1, n_items + 1, (B, L + 1), generator=g).to(device)
    seq, tgt = full[:, :-1], full[:, 1:]
    opt = torch.optim.Adam(model.parameters(), lr=lr_for(B))
    def loss_fn(s, t):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16): return model.loss(s, t)
    if compile_mode: loss_fn = torch.compile(loss_fn, mode=None if compile_mode == 'default' else compile_mode)
    def step():
        opt.zero_grad(set_to_none=True); loss_fn(seq, tgt).backward(); opt.step()
    n, secs, warm = timed(step, device, seconds, start_at)
    return dict(seqs_per_s=B * n / secs, steps=n, warmup_s=round(warm, 1))


def stack_seqs_per_s(model, K, B, L, n_items, device, seconds):
    "`seqs_per_s` for K models trained as one `fame_nb.stack.Stack`: sequences/s of all K together, and peak MiB."
    from fame_nb.stack import Stack, rate_buffers
    cfg = TrainConfig().update(model=model, max_len=L, **({'n_heads': 2, 'n_experts': 4} if model == 'fame' else {}))
    ms = []
    for _ in range(K):
        torch.manual_seed(0); ms.append(rate_buffers(build_model(cfg, n_items).to(device).train()))
    st = Stack(ms, [cfg] * K, [torch.optim.Adam(m.parameters()) for m in ms])
    g = torch.Generator().manual_seed(0)
    full = torch.randint(1, n_items + 1, (B, L + 1), generator=g).to(device)
    seq, tgt = full[:, :-1], full[:, 1:]
    keep = tgt > 0; idx, t, w = keep.nonzero(as_tuple=True), tgt[keep], torch.ones((), device=device)
    def step(): st.adam.step(st.grad(st.params, st.buffers, seq, idx, t, w)[0])
    if device.type == 'cuda': torch.cuda.reset_peak_memory_stats()
    n, secs, _ = timed(step, device, seconds)
    peak = round(torch.cuda.max_memory_allocated() / 2**20) if device.type == 'cuda' else None
    return dict(seqs_per_s=K * B * n / secs, steps=n, peak_MiB=peak)


def table(rows, cols):
    out = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
    for r in rows: out.append('| ' + ' | '.join(str(r.get(c, '')) for c in cols) + ' |')
    return '\n'.join(out)


def child(spec):
    "One process of the `share` part: prints its measurement as JSON."
    d = json.loads(spec)
    device = torch.device(d['device'])
    torch.set_num_threads(1)
    m = make(d['model'], d['n_items'], d['L'], device)
    print(json.dumps(seqs_per_s(m, d['B'], d['L'], d['n_items'], device, d['seconds'], start_at=d['start_at'])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cuda'); ap.add_argument('--out', required=True)
    ap.add_argument('--n-items', type=int, default=10000); ap.add_argument('--max-len', type=int, default=50)
    ap.add_argument('--seconds', type=float, default=2.0, help='measured seconds per point')
    ap.add_argument('--quick', action='store_true', help='tiny sizes: a dry run of every part on the CPU')
    ap.add_argument('--parts', nargs='+', default=['batch', 'compile', 'share', 'stack'])
    ap.add_argument('--child', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: return child(a.child)
    device = torch.device(a.device)
    n_items, L = (500, 10) if a.quick else (a.n_items, a.max_len)
    sizes = [16, 64] if a.quick else [128, 512, 1024, 2048, 4096]
    shares = [1, 2] if a.quick else [1, 4, 8]
    secs = 0.5 if a.quick else a.seconds
    res = dict(device=str(device), name=torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu',
               torch=torch.__version__, n_items=n_items, L=L, seconds=secs, parts={})
    def save(): Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=1))

    def part(name, fn, cols):
        if name not in a.parts: return
        rows, t0 = [], time.time()
        res['parts'][name] = dict(rows=rows)
        try: fn(rows)
        except Exception as e:
            res['parts'][name]['error'] = f"{type(e).__name__}: {e}"; traceback.print_exc()
        res['parts'][name]['seconds'] = round(time.time() - t0, 1)
        print(f"\n## {name} ({res['parts'][name]['seconds']} s)\n\n" + table(rows, cols), flush=True); save()

    def batch(rows):
        for model in ('sasrec', 'fame'):
            for B in sizes:
                for bf16 in (False, True):
                    if bf16 and device.type != 'cuda': continue
                    r = seqs_per_s(make(model, n_items, L, device), B, L, n_items, device, secs, bf16=bf16)
                    rows.append(dict(model=model, B=B, lr=f"{lr_for(B):.2g}", bf16=bf16, **{**r, "seqs_per_s": round(r["seqs_per_s"])}))
                    print(rows[-1], flush=True)
                if device.type == 'cuda': torch.cuda.empty_cache()

    def compiled(rows):
        for model in ('sasrec', 'fame'):
            for B in sizes[:1]:                                     # compilation is the slow part
                for mode in ('default', 'reduce-overhead'):
                    torch._dynamo.reset()
                    r = seqs_per_s(make(model, n_items, L, device), B, L, n_items, device, secs, compile_mode=mode)
                    rows.append(dict(model=model, B=B, compile=mode, **{**r, "seqs_per_s": round(r["seqs_per_s"])}))
                    print(rows[-1], flush=True)

    def share(rows):
        for model in ('sasrec', 'fame'):
            for k in shares:
                spec = dict(device=a.device, model=model, n_items=n_items, L=L, B=sizes[0], seconds=secs,
                            start_at=time.time() + (8 if device.type == 'cuda' else 3) + k)
                ps = [subprocess.Popen([sys.executable, __file__, '--out', a.out, '--child', json.dumps(spec)],
                                       stdout=subprocess.PIPE, text=True) for _ in range(k)]
                outs = [json.loads(p.communicate(timeout=300)[0].strip().splitlines()[-1]) for p in ps]
                tot = sum(o['seqs_per_s'] for o in outs)
                rows.append(dict(model=model, cells=k, B=sizes[0], seqs_per_s=round(tot), per_cell=round(tot / k)))
                print(rows[-1], flush=True)
            base = next(r['seqs_per_s'] for r in rows if r['model'] == model and r['cells'] == 1)
            for r in rows:
                if r['model'] == model: r['x_one_cell'] = round(r['seqs_per_s'] / base, 2)

    def eval_seconds(model, users):
        "One full-ranking validation pass of one model over `users` random users, both protocols (`fit` runs one per epoch)."
        from fame_nb.metrics import evaluate
        g = torch.Generator().manual_seed(1)
        x, y = torch.randint(1, n_items + 1, (users, L), generator=g), torch.randint(1, n_items + 1, (users,), generator=g)
        m = make(model, n_items, L, device).eval()
        sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
        with torch.no_grad():
            evaluate(m.scores, x[:64], y[:64], device=device, mask_history='both'); sync()
            t0 = time.perf_counter(); evaluate(m.scores, x, y, device=device, mask_history='both', by_length=True); sync()
        return round(time.perf_counter() - t0, 3)

    def stacked(rows):   # eval_s: what each stacked run still pays alone per epoch (its validation pass, ML-1M's 6,040 users)
        for model in ('sasrec', 'fame', 'fmlp'):
            solo = seqs_per_s(make(model, n_items, L, device), sizes[0], L, n_items, device, secs)['seqs_per_s']
            rows.append(dict(model=model, K='solo', seqs_per_s=round(solo), per_trial=round(solo), x_solo=1.0,
                             eval_s=eval_seconds(model, 200 if a.quick else 6040)))
            for K in ([1, 2] if a.quick else [1, 4, 8, 16]):
                r = stack_seqs_per_s(model, K, sizes[0], L, n_items, device, secs)
                rows.append(dict(model=model, K=K, seqs_per_s=round(r['seqs_per_s']), per_trial=round(r['seqs_per_s'] / K),
                                 x_solo=round(r['seqs_per_s'] / solo, 2), steps=r['steps'], peak_MiB=r['peak_MiB']))
                print(rows[-1], flush=True)
                if device.type == 'cuda': torch.cuda.empty_cache()

    part('stack', stacked, ['model', 'K', 'seqs_per_s', 'per_trial', 'x_solo', 'steps', 'peak_MiB', 'eval_s'])
    part('batch', batch, ['model', 'B', 'lr', 'bf16', 'seqs_per_s', 'steps', 'warmup_s'])
    part('compile', compiled, ['model', 'B', 'compile', 'seqs_per_s', 'steps', 'warmup_s'])
    part('share', share, ['model', 'cells', 'B', 'seqs_per_s', 'per_cell', 'x_one_cell'])
    save()


if __name__ == '__main__':
    main()
