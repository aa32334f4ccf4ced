"""Check every model of `fame_nb.train.MODELS` on a device (a GPU): the same outputs as on the CPU, bf16, a short fit.

For each model: (a) one set of weights on the CPU and on the device, the same left-padded batch of real histories
(lengths 1 to max_len and longer, so padding and GRU4Rec's packed path are exercised): `scores` (eval mode), `loss`
(train mode, dropout 0) and the gradients must agree to a relative 1e-3 (TF32 off while comparing; BERT4Rec's random
Cloze masks are drawn on the CPU with a fixed seed for both devices); (b) on CUDA, `scores` and `loss` under bf16
autocast are finite, and the bf16 top-10 is compared with the fp32 top-10 (mean overlap, recorded only); (c) a short
real `fit` with TrainConfig's default sizes: seconds per epoch, valid/test NDCG@20 and HR@20, which must be finite;
once more for FAME with `bf16=True` on CUDA. Results go to --out (JSON, rewritten after every step); a table is
printed at the end; the exit status is 1 when any step failed (the others still ran).

    python3 scripts/gpu_models.py --device cuda --data-dir DIR --dataset beauty --epochs 2 --out OUT.json
"""
import argparse, json, math, os, platform, sys, tempfile, time, traceback
from contextlib import contextmanager, nullcontext
import torch
import fame_nb.bert4rec
from fame_nb.data import load_dataset
from fame_nb.layers import keep_mask
from fame_nb.split import leave_one_out, pad_left, train_pairs
from fame_nb.train import MODELS, TrainConfig, build_model, fit, parse_set

TOL = 1e-3

def env_info(dev):
    cuda = dev.type == 'cuda'
    info = dict(python=platform.python_version(), torch=torch.__version__, device=str(dev),
                cuda_available=torch.cuda.is_available(), torch_cuda=torch.version.cuda,
                cudnn=torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
                float32_matmul_precision=torch.get_float32_matmul_precision(), threads=torch.get_num_threads())
    for k, get in (('matmul_allow_tf32', lambda: torch.backends.cuda.matmul.allow_tf32),
                   ('cudnn_allow_tf32', lambda: torch.backends.cudnn.allow_tf32)):
        try: info[k] = get()
        except Exception as e: info[k] = f'{type(e).__name__}: {e}'
    if cuda:
        p = torch.cuda.get_device_properties(dev)
        info.update(gpu=p.name, gpu_memory_GiB=round(p.total_memory / 2**30, 1), capability=f'{p.major}.{p.minor}',
                    bf16_supported=torch.cuda.is_bf16_supported())
    return info

@contextmanager
def no_tf32(out):
    """Full fp32 cuBLAS matmuls and cuDNN (the GRU) while comparing with the CPU; legacy flags only (mixing the legacy and
    the new fp32_precision API can raise in torch >= 2.9); if they cannot be set, the comparison runs anyway (noted)."""
    try:
        old = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    except Exception as e: old, out['tf32_note'] = None, f'TF32 flags not set: {type(e).__name__}: {e}'
    try: yield
    finally:
        if old is not None: torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = old

@contextmanager
def cpu_cloze(seed=0):
    "BERT4Rec's Cloze masks drawn on the CPU with a fixed seed, then moved: the same masks on every device."
    orig = fame_nb.bert4rec.cloze
    def cloze(seq, *a, **kw):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            x, m = orig(seq.cpu(), *a, **kw)
        return x.to(seq.device), m.to(seq.device)
    fame_nb.bert4rec.cloze = cloze
    try: yield
    finally: fame_nb.bert4rec.cloze = orig

def batch(ds, max_len, n=64):
    "Left-padded histories of real users at evenly spaced length quantiles, plus 1-, 2- and 3-item rows; their training pairs."
    hist = sorted(leave_one_out(ds).test_input, key=len)
    rows = [hist[round(i * (len(hist) - 1) / (n - 1))] for i in range(n)] + [hist[-1][-k:] for k in (1, 2, 3)]
    return pad_left(rows, max_len), train_pairs(rows, max_len)

def rel_diff(a, b):
    "(max |a-b|, that over max |a|) over the finite entries, which must be the same on both sides."
    a, b = a.detach().float().cpu(), b.detach().float().cpu()
    fa = torch.isfinite(a)
    if not torch.equal(fa, torch.isfinite(b)): return math.inf, math.inf
    d = (a[fa] - b[fa]).abs().max().item() if fa.any() else 0.0
    return d, d / max(a[fa].abs().max().item(), 1e-30)

def flat_grads(m): return torch.cat([p.grad.flatten() for p in m.parameters() if p.grad is not None])

def check_equiv(name, ds, dev, max_len=20):
    cfg = TrainConfig(model=name, d=32, max_len=max_len, n_layers=2, dropout=0.0)
    torch.manual_seed(0)
    m0 = build_model(cfg, ds.n_items)
    m1 = build_model(cfg, ds.n_items); m1.load_state_dict(m0.state_dict()); m1.to(dev)
    seq, (inp, tgt) = batch(ds, max_len)
    n = (seq > 0).sum(1)
    out = dict(rows=len(seq), lengths=[int(n.min()), int(n.max())], padded_rows=int((n < max_len).sum()))
    with no_tf32(out), (cpu_cloze() if name == 'bert4rec' else nullcontext()):
        with torch.no_grad():
            s0, s1 = m0.eval().scores(seq), m1.eval().scores(seq.to(dev))
        assert s1.device.type == dev.type and s1.shape == (len(seq), ds.n_items + 1)
        assert torch.isinf(s1[:, 0]).all() and torch.isfinite(s1[:, 1:]).all()
        out['scores_abs'], out['scores_rel'] = rel_diff(s0[:, 1:], s1[:, 1:])
        l0, l1 = m0.train().loss(inp, tgt), m1.train().loss(inp.to(dev), tgt.to(dev))
        l0.backward(); l1.backward()
        out['loss_cpu'], out['loss_dev'] = l0.item(), l1.item()
        out['loss_abs'], out['loss_rel'] = rel_diff(l0, l1)
        out['grad_abs'], out['grad_rel'] = rel_diff(flat_grads(m0), flat_grads(m1))
    if name == 'bert4rec': out['note'] = 'Cloze masks drawn on the CPU with one seed for both devices'
    bad = {k: out[k] for k in ('scores_rel', 'loss_rel', 'grad_rel') if not out[k] <= TOL}
    assert not bad, f'{name}: CPU and {dev} differ beyond {TOL}: {bad}'
    return out, m1, seq, inp, tgt

def check_bf16(name, m, seq, inp, tgt, dev, k=10):
    m.eval(); x = seq.to(dev)
    with torch.no_grad():
        s32 = m.scores(x)
        with torch.autocast('cuda', dtype=torch.bfloat16): s16 = m.scores(x)
    t32, t16 = s32[:, 1:].topk(k).indices, s16[:, 1:].float().topk(k).indices
    out = dict(scores_dtype=str(s16.dtype), scores_finite=bool(torch.isfinite(s16[:, 1:]).all()),
               top10_overlap=(t32[:, :, None] == t16[:, None, :]).any(-1).float().mean().item(),
               scores_rel=rel_diff(s32[:, 1:], s16[:, 1:])[1])
    m.train(); m.zero_grad(set_to_none=True)
    with torch.autocast('cuda', dtype=torch.bfloat16): loss = m.loss(inp.to(dev), tgt.to(dev))
    loss.backward()
    out.update(loss=loss.item(), loss_finite=bool(torch.isfinite(loss)), grads_finite=bool(torch.isfinite(flat_grads(m)).all()))
    assert out['scores_finite'] and out['loss_finite'] and out['grads_finite'], f'{name}: non-finite under bf16: {out}'
    return out

def check_fit(name, ds, dev, epochs, overrides, bf16=False):
    cfg = TrainConfig(model=name, epochs=epochs, device=dev.type, seed=0, bf16=bf16).update(**overrides)
    if dev.type == 'cuda': torch.cuda.reset_peak_memory_stats(dev)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as run_dir: res = fit(ds, cfg, run_dir=run_dir, progress=False)
    wall = time.perf_counter() - t0
    out = dict(device=res['device'], params=res['params'], epochs=res['epochs_run'], wall_s=round(wall, 2),
               wall_s_per_epoch=round(wall / res['epochs_run'], 3), train_s_per_epoch=res['seconds_per_epoch'],
               eval_s_per_epoch=round(sum(h['eval_seconds'] for h in res['history']) / res['epochs_run'], 3),
               losses=[h['loss'] for h in res['history']], best_epoch=res['best_epoch'],
               **{f'{part}_{k}': res[part][k] for part in ('valid', 'test') for k in ('NDCG@20', 'HR@20')})
    if dev.type == 'cuda': out['peak_MiB'] = round(torch.cuda.max_memory_allocated(dev) / 2**20)
    assert out['device'].startswith(dev.type), out['device']
    vals = [out[k] for k in out if '@' in k] + out['losses']
    assert all(math.isfinite(v) for v in vals), f'{name}: non-finite fit results {out}'
    return out

def table(results):
    import pandas as pd
    rows = []
    for name, r in results.items():
        e, b, f = r.get('equiv', {}), r.get('bf16', {}), r.get('fit', {})
        rows.append(dict(model=name, scores_rel=e.get('scores_rel'), loss_rel=e.get('loss_rel'), grad_rel=e.get('grad_rel'),
                         bf16_top10=b.get('top10_overlap'), s_per_epoch=f.get('wall_s_per_epoch'),
                         train_s_per_epoch=f.get('train_s_per_epoch'), valid_NDCG20=f.get('valid_NDCG@20'),
                         test_NDCG20=f.get('test_NDCG@20'), test_HR20=f.get('test_HR@20'), peak_MiB=f.get('peak_MiB'),
                         failed=','.join(k for k in r if k.endswith('_error')) or ''))
    try: return pd.DataFrame(rows).to_markdown(index=False, floatfmt='.4g')
    except ImportError: return pd.DataFrame(rows).to_string(index=False)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--device', default='cuda'); ap.add_argument('--dataset', default='beauty')
    ap.add_argument('--data-dir'); ap.add_argument('--epochs', type=int, default=2)
    ap.add_argument('--models', default=','.join(MODELS), help='comma-separated subset of MODELS')
    ap.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help='TrainConfig overrides for the fits')
    ap.add_argument('--out', default='gpu_models.json')
    a = ap.parse_args(argv)
    dev = torch.device(a.device)
    cuda = dev.type == 'cuda'
    if cuda and not torch.cuda.is_available(): sys.exit('--device cuda: no CUDA device is visible')
    env = env_info(dev)
    for k, v in env.items(): print(f'{k:>24}: {v}')
    doc = dict(env=env, args=vars(a), tolerance=TOL, results={}, failed=[])
    def save():
        with open(a.out + '.tmp', 'w') as f: json.dump(doc, f, indent=1, default=str)
        os.replace(a.out + '.tmp', a.out)
    t0 = time.perf_counter()
    ds = load_dataset(a.dataset, data_dir=a.data_dir)
    print(f'{ds} loaded in {time.perf_counter() - t0:.1f} s', flush=True)
    overrides = parse_set(a.set)

    def step(name, part, fn, *args, **kw):
        r = doc['results'].setdefault(name, {})
        t = time.perf_counter()
        try:
            out = fn(*args, **kw)
            r[part] = out[0] if isinstance(out, tuple) else out
            return out
        except Exception as e:
            r[part + '_error'] = traceback.format_exc(); doc['failed'].append(f'{name}/{part}')
            print(f'!!! {name}/{part} FAILED: {type(e).__name__}: {e}', flush=True); traceback.print_exc()
        finally:
            print(f'{name}/{part}: {time.perf_counter() - t:.1f} s {json.dumps(r.get(part), default=str)[:400]}', flush=True)
            save()

    def dropout_rate():   # attention dropout's 16-bit keep mask, drawn on the device: P(keep) = 1 - p
        keep, p = keep_mask((1000, 1000), 0.2, dev)
        rate = keep.float().mean().item()
        assert keep.device.type == dev.type and abs(rate - (1 - p)) < 0.005, (rate, p)
        return dict(keep_rate=rate, expected=1 - p)
    step('layers', 'keep_mask', dropout_rate)

    for name in a.models.split(','):
        res = step(name, 'equiv', check_equiv, name, ds, dev)
        if cuda and res is not None: step(name, 'bf16', check_bf16, name, *res[1:], dev)
        del res
        step(name, 'fit', check_fit, name, ds, dev, a.epochs, overrides)
        if cuda: torch.cuda.empty_cache()
    if cuda and 'fame' in a.models.split(','):
        step('fame+bf16', 'fit', check_fit, 'fame', ds, dev, a.epochs, overrides, bf16=True)
    doc['total_s'] = round(time.perf_counter() - t0, 1); save()
    print('\n' + table({k: v for k, v in doc['results'].items() if k != 'layers'}))
    print(f"\n{len(doc['failed'])} failed: {doc['failed']}; {doc['total_s']} s; {a.out}")
    return 1 if doc['failed'] else 0

if __name__ == '__main__': sys.exit(main())
