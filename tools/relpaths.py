"""Rewrite the absolute paths that executed notebooks and JSONs record into paths relative to their out-dir.

Papermill records its parameters (out, run_dir, results_dir, figures_dir, ...) and tracebacks record file names as
absolute paths of the machine that ran them. Before committing results, this turns every occurrence of
`ROOT/` (by default the checkout's root; `--root` may be given several times, e.g. a GPU machine's /tmp/g) into a
path relative to the results folder (`results/`), and the venv's site-packages into `<site-packages>`.

    python tools/relpaths.py results figures --root "$PWD" --root /tmp/g --beside "$(dirname "$PWD")" [--check]

`--check` changes nothing and exits 1 if a file still holds one of the roots.

The rewrite is `fame_nb.reproduce.relative_paths`, the one `fame-nb reproduce` applies to what each run writes
(`make_portable`); this tool is for results merged from other machines and for older runs.
"""
import argparse, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from fame_nb.reproduce import relative_paths, TEXT_SUFFIXES   # the rewrite `fame-nb reproduce` applies to every run


def rewrite(text: str, roots: list[str], out_dir: Path, beside: str | None = None) -> str:
    "`text` with `roots` (the checkout root, here or elsewhere) and `beside` made relative to `out_dir` (results/)."
    return relative_paths(text, out_dir, roots=roots, beside=beside)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('paths', nargs='+')
    ap.add_argument('--root', action='append', help='absolute prefix to remove (default: this checkout)')
    ap.add_argument('--beside', help="the folder holding the checkout and shared/ (its paths become ../../...)")
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    roots = sorted(a.root or [str(ROOT)], key=len, reverse=True)
    bad = 0
    for p in a.paths:
        for f in ([Path(p)] if Path(p).is_file() else sorted(Path(p).rglob('*'))):
            if f.suffix not in TEXT_SUFFIXES or 'checkpoints' in f.parts: continue
            t = f.read_text()
            if not any(r.rstrip('/') in t for r in roots + ([a.beside] if a.beside else [])): continue
            if a.check: print(f'{f}: holds an absolute path'); bad += 1; continue
            f.write_text(rewrite(t, roots, ROOT/'results', a.beside))
            print(f'rewrote {f}')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
