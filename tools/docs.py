"""Render the docs site to static HTML without Quarto (the fallback for machines where Quarto cannot be installed).

Wherever Quarto exists, `nbdev_docs` builds the real site from nbs/ and the top-level _quarto.yml. This script
renders the same pages with nbconvert into `_docs/` (or --out): every notebook in nbs/ in reading order, the
executed results notebook(s) from results/ (with their tables and figures), and an index page built from
nbs/index.ipynb, all with a shared navigation bar. nbdev directives (`#| hide`, `#| export`, ...) are honoured the
way nbdev does: hidden cells are dropped, directive comments are stripped.

    .venv/bin/python tools/docs.py            # -> _docs/index.html
    .venv/bin/python tools/docs.py --execute  # execute the library notebooks first (slow: runs the tests)
    .venv/bin/python tools/docs.py --mathjax node_modules/mathjax/es5   # offline maths (npm install mathjax@3)

Without --mathjax the pages load MathJax from its public CDN, as nbconvert does.
"""
import argparse, html, re, shutil
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import ExecutePreprocessor, TagRemovePreprocessor

ROOT = Path(__file__).resolve().parents[1]
NAV_CSS = """
<style>
 .fame-nav{position:sticky;top:0;z-index:10;background:#2c3e50;padding:.5rem 1rem;font-family:sans-serif;font-size:14px}
 .fame-nav a{color:#ecf0f1;margin-right:1rem;text-decoration:none} .fame-nav a.cur{font-weight:bold;text-decoration:underline}
 .fame-nav span{color:#f39c12;font-weight:bold;margin-right:1.5rem}
</style>"""


def _directives(src):
    return {m.group(1).split(':')[0].strip(): m.group(1) for m in re.finditer(r'^#\|\s*(.+)$', src, re.M)}


def _prepare(nb):
    "Drop hidden cells, strip directive lines (what nbdev's docs processors do), keep outputs."
    cells = []
    for c in nb.cells:
        if c.cell_type == 'code':
            d = _directives(c.source)
            if 'hide' in d or 'default_exp' in d: continue
            if d.get('echo', '').replace(' ', '') == 'echo:false':   # show the output only
                c.metadata.setdefault('tags', []).append('remove_input')
            c.source = '\n'.join(l for l in c.source.splitlines() if not l.startswith('#|')).strip()
            if not c.source and not c.get('outputs'): continue
        cells.append(c)
    nb.cells = cells
    return nb


def _title(nb, fallback):
    for c in nb.cells:
        if c.cell_type == 'markdown':
            m = re.search(r'^#\s+(.+)$', c.source, re.M)
            if m: return m.group(1).strip()
    return fallback


def build(out, execute=False, timeout=900, mathjax=None):
    out = Path(out)
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    pages = [('index', ROOT/'nbs'/'index.ipynb')]
    pages += [(p.stem, p) for p in sorted((ROOT/'nbs').glob('[0-9]*.ipynb'))]
    pages += [(f'experiments_{p.stem}', p) for p in sorted((ROOT/'nbs'/'experiments').glob('*.ipynb'))]
    results = sorted((ROOT/'results').glob('*.ipynb'))
    pages += [(f'results_{p.stem}', p) for p in results]
    nbs = {}
    for name, path in pages:
        nb = nbformat.read(path, as_version=4)
        if (execute and path.parent == ROOT/'nbs') or path.name == 'index.ipynb':   # the index is cheap: always run
            ExecutePreprocessor(timeout=timeout, kernel_name='python3').preprocess(nb, {'metadata': {'path': str(path.parent)}})
        nbs[name] = (_prepare(nb), path)
    titles = {n: ('Results: ' if n.startswith('results_') else '') + _title(nb, n) for n, (nb, _) in nbs.items()}
    exporter = HTMLExporter(template_name='lab', exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    if mathjax:  # a local MathJax 3 es5 folder, copied beside the pages
        shutil.copytree(mathjax, out/'mathjax')
        exporter.mathjax_url = 'mathjax/tex-chtml-full.js?config=TeX-AMS_CHTML-full,Safe'
    for name, (nb, path) in nbs.items():
        body, _ = exporter.from_notebook_node(nb)
        links = ''.join(f'<a href="{n}.html"{" class=cur" if n == name else ""}>{html.escape(titles[n])}</a>'
                        for n in nbs)
        nav = f'{NAV_CSS}<nav class="fame-nav"><span>fame_nb</span>{links}</nav>'
        body = body.replace('<body', '<body', 1)
        body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + nav, body, count=1)
        if mathjax:  # MathJax 3 reads its config from window.MathJax before it loads: enable $...$ inline maths
            cfg = ("<script>window.MathJax={tex:{inlineMath:[['$','$'],['\\\\(','\\\\)']],"
                   "displayMath:[['$$','$$'],['\\\\[','\\\\]']],processEscapes:true}};</script>")
            body = body.replace('<head>', '<head>' + cfg, 1)
        (out/f'{name}.html').write_text(body)
    # figures referenced by the results pages (embedded already as PNG outputs; copied for direct links)
    for d in ('figures', 'results'):
        src = ROOT/d
        if src.exists():
            shutil.copytree(src, out/d, ignore=shutil.ignore_patterns('checkpoints', 'runs', '*.ipynb'))
    return out/'index.html', list(nbs)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=str(ROOT/'_docs'))
    ap.add_argument('--execute', action='store_true')
    ap.add_argument('--mathjax', help='a local MathJax 3 es5 folder for offline maths')
    a = ap.parse_args()
    index, names = build(a.out, a.execute, mathjax=a.mathjax)
    print(f'wrote {len(names)} pages; open {index}')
