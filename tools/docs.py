"""Render the docs site to static HTML that works offline, without Quarto.

Wherever Quarto exists, `nbdev_docs` builds the real site from nbs/ and the top-level _quarto.yml (which asks for
`html-math-method: mathml`, so that site needs no CDN either). This script renders the same pages with nbconvert
into `_docs/` (or --out): the index, the library notebooks in reading order, the experiment notebooks and the executed
results notebooks from results/ (with their tables and figures), behind one sidebar grouped as Start / Library /
Experiments / Results. nbdev directives are honoured the way nbdev does: hidden cells are dropped, directive
comments are stripped.

Maths is converted to MathML when the page is built (latex2mathml), so a browser shows it with no script and no
network; no page loads anything from outside `_docs/`.

    .venv/bin/python tools/docs.py            # -> _docs/index.html
    .venv/bin/python tools/docs.py --check    # ... and exit 1 listing each page with a problem (see `problems`)
    .venv/bin/python tools/docs.py --execute  # execute the library notebooks first (slow: runs the tests)
"""
import argparse, html, re, shutil, sys
from pathlib import Path

import nbformat
from jinja2 import DictLoader, pass_context
from latex2mathml.converter import convert as tex2mathml
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import ExecutePreprocessor, TagRemovePreprocessor

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ('Start', 'Library', 'Experiments', 'Results')

# The lab template without the scripts it fetches from a CDN (RequireJS, MathJax, Mermaid): nothing here needs them.
OFFLINE = DictLoader({'offline.html.j2': """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}"""})

SIDE_CSS = """
<style>
 .fame-side{position:fixed;top:0;left:0;bottom:0;width:15rem;overflow-y:auto;background:#2c3e50;padding:1rem .8rem;
   font-family:sans-serif;font-size:13px;box-sizing:border-box;z-index:10}
 .fame-side .brand{color:#f39c12;font-weight:bold;font-size:16px;display:block;margin-bottom:.6rem;text-decoration:none}
 .fame-side h4{color:#95a5a6;text-transform:uppercase;font-size:11px;letter-spacing:.08em;margin:1rem 0 .3rem}
 .fame-side a{display:block;color:#ecf0f1;text-decoration:none;padding:.15rem .3rem;border-radius:3px}
 .fame-side a:hover{background:#34495e} .fame-side a.cur{background:#18bc9c;color:#fff;font-weight:bold}
 body{margin-left:15rem !important}
 math[display=block]{margin:.6em 0;overflow-x:auto}
 .fame-math-error{color:#c0392b}
</style>"""


class MathMLRenderer(IPythonRenderer):
    "nbconvert's markdown renderer with TeX turned into MathML at build time instead of left for MathJax."
    def __init__(self, *a, failures:list, **kw): super().__init__(*a, **kw); self.failures = failures   # the exporter's list
    def _math(self, tex, display):
        try: return tex2mathml(tex.strip(), display=display)
        except Exception as e:   # keep the source visible, and say so in `problems`
            self.failures.append(f'{tex.strip()[:60]!r}: {e}')
            return f'<code class="fame-math-error">{html.escape(tex)}</code>'
    def block_math(self, body): return self._math(body, 'block')
    def inline_math(self, body): return self._math(body, 'inline')
    def latex_environment(self, name, body): return self._math(f'\\begin{{{name}}}{body}\\end{{{name}}}', 'block')


class OfflineHTMLExporter(HTMLExporter):
    "HTMLExporter whose markdown cells carry MathML and whose pages load nothing from a CDN; `math_failures` lists what did not convert."
    math_failures: list = []   # set to a fresh list per page by `build`
    @pass_context
    def markdown2html(self, context, source):
        cell = context.get('cell', {})
        renderer = MathMLRenderer(failures=self.math_failures, escape=False, attachments=cell.get('attachments', {}),
                                  embed_images=self.embed_images, path=context.get('resources', {}).get('metadata', {}).get('path', ''),
                                  anchor_link_text=self.anchor_link_text, exclude_anchor_links=self.exclude_anchor_links)
        return MarkdownWithMath(renderer=renderer).render(source)
    def default_filters(self):
        yield from super().default_filters()
        yield ('markdown2html', self.markdown2html)


def _directives(src):
    return {m.group(1).split(':')[0].strip(): m.group(1) for m in re.finditer(r'^#\|\s*(.+)$', src, re.M)}


# tqdm.auto's complaint that ipywidgets is missing, printed into results notebooks executed before the library
# switched to plain tqdm: the only output the docs drop (and `build` says how many it dropped).
TQDM_IPROGRESS = re.compile(r'\A\S*tqdm/auto\.py:\d+: TqdmWarning: IProgress not found\..*\n\s*from \.autonotebook import '
                            r'tqdm as notebook_tqdm\s*\Z', re.S)


def _prepare(nb, dropped=None):
    "Drop hidden cells, strip directive lines (what nbdev's docs processors do), keep outputs but tqdm's IProgress warning."
    cells = []
    for c in nb.cells:
        if c.cell_type == 'code':
            keep = [o for o in c.get('outputs', []) if not (o.get('output_type') == 'stream' and TQDM_IPROGRESS.match(o.get('text', '')))]
            if dropped is not None: dropped.extend([c.get('id')] * (len(c.get('outputs', [])) - len(keep)))
            c.outputs = keep
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
            if m: return re.sub(r'[`*]', '', m.group(1)).strip()
    return fallback


def pages():
    "(group, name, path) for every page, in reading order."
    out = [('Start', 'index', ROOT/'nbs'/'index.ipynb')]
    out += [('Library', p.stem, p) for p in sorted((ROOT/'nbs').glob('[0-9]*.ipynb'))]
    out += [('Experiments', f'experiments_{p.stem}', p) for p in sorted((ROOT/'nbs'/'experiments').glob('*.ipynb'))]
    out += [('Results', f'results_{p.stem}', p) for p in sorted((ROOT/'results').glob('*.ipynb'))]
    out += [('Results', f'results_{p.parent.name}_{p.stem}', p) for p in sorted((ROOT/'results').glob('*/*.ipynb'))
            if p.parent.name != 'runs' and p.stem != 'tables']   # a sub-grid's analyses (results/paper/knockout.ipynb)
    return out


def titles(nbs):
    "Sidebar labels: the first heading; a library notebook keeps its number; a title repeated in a group gets its file's name."
    t = {n: _title(nb, n) for n, (g, nb, p) in nbs.items()}
    for n, (g, nb, p) in nbs.items():
        if g == 'Library' and re.match(r'\d+[a-z]?_', p.stem): t[n] = f"{p.stem.split('_')[0]} · {t[n]}"
    seen = {}
    for n in t: seen.setdefault((nbs[n][0], t[n]), []).append(n)
    for (g, v), ns in seen.items():
        if len(ns) > 1:
            for n in ns: t[n] = f"{v} ({nbs[n][2].stem.replace('_', ' ')})"
    return t


ABS = re.compile(r'(?<![\w.~])/(?:home|tmp|work|Users|root|var/folders)/[\w.\-/]+')
EXTERNAL = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["\']?(?:https?:)?//', re.I)


def problems(name, group, nb, body, math_failures):
    "What would make a page wrong offline: warnings printed into it, machine paths, remote assets, raw TeX, no figure."
    found = [f'maths not converted: {m}' for m in math_failures]
    for c in nb.cells:
        for o in c.get('outputs', []):
            text = o.get('text', '') if o.get('output_type') == 'stream' else ''
            if o.get('output_type') == 'stream' and o.get('name') == 'stderr' and re.search(r'Warning|Error', text):
                found.append('a warning in an output: ' + text.strip().splitlines()[0][:120])
            if o.get('output_type') == 'error': found.append(f"an error in an output: {o.get('ename')}")
    text = re.sub(r'<[^>]+>', ' ', re.sub(r'<(style|script)\b.*?</\1>', ' ', body, flags=re.S))
    found += [f'an absolute path: {p}' for p in sorted(set(ABS.findall(html.unescape(text))))[:5]]
    found += [f'loads from the network: {m[:80]}' for m in EXTERNAL.findall(body)]
    if group == 'Results' and '<img' not in body: found.append('a results page without a figure')
    return [f'{name}: {p}' for p in found]


def build(out, execute=False, timeout=900):
    "Render every page into `out`; returns (index path, page names, problems found)."
    out = Path(out)
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    nbs, dropped = {}, []
    for group, name, path in pages():
        nb = nbformat.read(path, as_version=4)
        if (execute and path.parent == ROOT/'nbs') or path.name == 'index.ipynb':   # the index is cheap: always run
            from fame_nb.reproduce import _kernel_config   # over IPC: no TCP warning
            ExecutePreprocessor(timeout=timeout, kernel_name='python3', config=_kernel_config()).preprocess(nb, {'metadata': {'path': str(path.parent)}})
        nbs[name] = (group, _prepare(nb, dropped), path)
    label = titles(nbs)
    exporter = OfflineHTMLExporter(template_name='lab', extra_loaders=[OFFLINE], template_file='offline.html.j2',
                                   exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={'remove_input'}), enabled=True)
    found = []
    for name, (group, nb, path) in nbs.items():
        exporter.math_failures = []
        body, _ = exporter.from_notebook_node(nb, resources={'metadata': {'name': label[name]}})
        side = ['<nav class="fame-side"><a class="brand" href="index.html">fame_nb</a>']
        for g in GROUPS:
            items = [n for n, (gg, _, _) in nbs.items() if gg == g]
            if not items: continue
            side.append(f'<h4>{g}</h4>' + ''.join(
                f'<a href="{n}.html"{" class=cur" if n == name else ""}>{html.escape(label[n])}</a>' for n in items))
        side.append('</nav>')
        body = body.replace('</head>', SIDE_CSS + '</head>', 1)
        body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + ''.join(side), body, count=1)
        found += problems(name, group, nb, body, exporter.math_failures)
        (out/f'{name}.html').write_text(body)
    # figures and tables referenced by the pages (figures are embedded already as PNG outputs; copied for direct links)
    for d in ('figures', 'results'):
        src = ROOT/d
        if src.exists():
            shutil.copytree(src, out/d, ignore=shutil.ignore_patterns('checkpoints', 'runs', '*.ipynb'))
    if dropped: print(f'dropped {len(dropped)} tqdm IProgress warnings (outputs of notebooks executed before fame_nb used plain tqdm)')
    return out/'index.html', list(nbs), found


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=str(ROOT/'_docs'))
    ap.add_argument('--execute', action='store_true')
    ap.add_argument('--check', action='store_true', help='exit 1 when a page has a problem (listed either way)')
    a = ap.parse_args()
    index, names, found = build(a.out, a.execute)
    for p in found: print('problem:', p)
    print(f'wrote {len(names)} pages, {len(found)} problems; open {index}')
    sys.exit(1 if a.check and found else 0)
