"""Wall time of `fame-nb reproduce --executor E --jobs N`: one 4-cell grid (the smoke profile's tiny models, SASRec and FAME on ML-100k,
seeds 0 and 1, `--epochs` epochs with patience = epochs so that every cell trains them all) run with each `--configs`
[EXECUTOR:]JOBS:THREADS (default: serial, one cell at a time with 2 torch threads; local, two at a time with 1 thread
each; ray, on a local Ray runtime, JOBS 0 meaning as many as the CPUs allow, 1 CPU each), each into its own temporary
out-dir, without tables or analyses. Prints a markdown table; speed-up is relative to the first row.
A shared machine's load changes the numbers: the load average at the start of each run is printed under the table.

    .venv/bin/python benchmarks/bench_jobs.py                       # about 1-3 minutes serial on 2 idle cores
    .venv/bin/python benchmarks/bench_jobs.py --epochs 3 --configs 1:4 2:2 4:1 ray:0:1
"""
import argparse, json, os, sys, tempfile, time
from pathlib import Path

# as scripts/*.sh: glibc keeps freed large blocks (the kernels papermill starts inherit this environment)
os.environ.setdefault('MALLOC_MMAP_THRESHOLD_', '4294967296'); os.environ.setdefault('MALLOC_TRIM_THRESHOLD_', '4294967296')
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false'); os.environ.setdefault('HF_HUB_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fame_nb.reproduce import reproduce

def one(executor, jobs, threads, a):
    with tempfile.TemporaryDirectory() as out:
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        s = reproduce('smoke', datasets=['ml-100k'], variants=a.variants, seeds=a.seeds, epochs=a.epochs, patience=a.epochs,
                      out_dir=out, aggregate=False, progress=False, jobs=jobs or None, threads=threads, executor=executor)
        wall = time.perf_counter() - t0
        if s['failed']: sys.exit(f"{executor} jobs={jobs}: failed cells {s['failed']}")
        test = {k: json.loads((Path(out)/'runs'/f'{k}.json').read_text())['test']['NDCG@20'] for k in s['done']}
    return dict(executor=s['executor'], jobs=s['jobs'] or 'all', threads=s['threads'], wall=wall, cells=len(s['done']), load=load, test=test)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--epochs', type=int, default=6)
    p.add_argument('--variants', nargs='+', default=['sasrec', 'fame'])
    p.add_argument('--seeds', nargs='+', type=int, default=[0, 1])
    p.add_argument('--configs', nargs='+', default=['serial:1:2', 'local:2:1', 'ray:0:1'], metavar='[EXECUTOR:]JOBS:THREADS')
    a = p.parse_args()
    import torch
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs; smoke profile, ml-100k, variants {' '.join(a.variants)}, "
          f"seeds {' '.join(map(str, a.seeds))}, {a.epochs} epochs\n")
    rows = []
    for cfg in a.configs:
        *ex, jobs, threads = cfg.split(':')
        rows.append(one(ex[0] if ex else None, int(jobs), int(threads), a))
        print(f"  {rows[-1]['executor']} jobs {jobs}, threads {threads}: {rows[-1]['wall']:.1f}s", file=sys.stderr)
    print('| executor | jobs | threads per cell | wall s | cells/minute | speed-up |')
    print('|:---|---:|---:|---:|---:|---:|')
    for r in rows:
        print(f"| {r['executor']} | {r['jobs']} | {r['threads']} | {r['wall']:.1f} | {60 * r['cells'] / r['wall']:.2f} | {rows[0]['wall'] / r['wall']:.2f}x |")
    print('\nload average (1 min) at the start of each run: ' + ', '.join(f"{r['load']:.2f}" for r in rows))
    same = all(r['test'] == rows[0]['test'] for r in rows)
    print('test NDCG@20 of every cell ' + ('identical in all runs' if same else
          'differs between runs (thread counts change the rounding of sums): ' + '; '.join(map(str, (r['test'] for r in rows)))))

if __name__ == '__main__': main()
