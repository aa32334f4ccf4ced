"""Execute a notebook without Jupyter: papermill's parameters and output notebook, from a plain Python process.

papermill needs a Jupyter kernel (ipykernel, jupyter_client, nbformat); the lent GPU machine has none of them, no
IPython, and nothing can be installed there. This script needs the standard library only. It runs the code cells of
IN.ipynb in order, in one namespace (`__name__ == '__main__'`), in this process, and writes OUT.ipynb after every cell
(write then rename, so a run killed mid-way leaves a valid partial notebook) with what Jupyter would record: stdout and
stderr (also echoed to this process's stdout, as a log), `display(...)` outputs and the value of a cell's last
expression (PNG images, Markdown, HTML, DataFrames as HTML + text), and the error of a failing cell, which stops the run
with exit status 1. Parameters work like papermill's `-p`: a cell tagged `injected-parameters` is inserted after the
cell tagged `parameters`; `True`/`False`/`None` and numbers are converted, anything else (a JSON list too) stays a
string. `IPython` and `IPython.display` are replaced by a small recording stub while the notebook runs, installed or
not. Not supported: magics (`%...`) and shell escapes (`!...`), widgets, stdin.

    python3 tools/run_plain.py IN.ipynb OUT.ipynb [-p name value]... [--cwd DIR]
"""
import argparse, ast, base64, builtins, datetime, io, json, linecache, os, signal, sys, time, traceback, types, uuid

OUT_CELL = None   # the output list of the cell being executed

def emit(out):
    "Append an output to the running cell; consecutive stream text of the same name joins one output."
    last = OUT_CELL[-1] if OUT_CELL else None
    if out['output_type'] == 'stream' and last and last['output_type'] == 'stream' and last['name'] == out['name']:
        last['text'] += out['text']
    else: OUT_CELL.append(out)

class Tee(io.TextIOBase):
    "sys.stdout/sys.stderr while a cell runs: recorded in the cell, echoed to the real stdout (the log)."
    def __init__(self, name): self.name, self.real = name, sys.__stdout__
    def write(self, s):
        if s: self.real.write(s); self.real.flush(); emit(dict(output_type='stream', name=self.name, text=s))
        return len(s)
    def flush(self): self.real.flush()
    def fileno(self): return self.real.fileno()
    @property
    def encoding(self): return self.real.encoding

class Image:
    def __init__(self, data=None, url=None, filename=None, format=None, embed=None, width=None, height=None, **kw):
        self.data = open(filename, 'rb').read() if filename else data
    def _repr_png_(self): return self.data if self.data[:4] == b'\x89PNG' else None
    def _repr_jpeg_(self): return self.data if self.data[:2] == b'\xff\xd8' else None

class Markdown:
    def __init__(self, data=None, filename=None, **kw): self.data = open(filename).read() if filename else data
    def _repr_markdown_(self): return self.data

class HTML(Markdown):
    def _repr_markdown_(self): return None
    def _repr_html_(self): return self.data

def mime_bundle(obj):
    "What Jupyter's formatters would record for `obj` (the `_repr_*_` protocol and the plain repr)."
    data = {}
    for mime, meth in (('text/html', '_repr_html_'), ('text/markdown', '_repr_markdown_'),
                       ('image/png', '_repr_png_'), ('image/jpeg', '_repr_jpeg_')):
        try: v = getattr(obj, meth)() if hasattr(obj, meth) else None
        except Exception: v = None
        if v is not None: data[mime] = base64.b64encode(v).decode() if isinstance(v, bytes) else v
    data['text/plain'] = (f'<IPython.core.display.{type(obj).__name__} object>'
                          if isinstance(obj, (Image, Markdown)) else repr(obj))
    return data

def display(*objs, **kw):
    for o in objs: emit(dict(output_type='display_data', data=mime_bundle(o), metadata={}))

def clear_output(wait=False): pass

def stub_ipython():
    "Stub modules `IPython` and `IPython.display`; get_ipython() is None, as in a plain interpreter."
    ipy, disp = types.ModuleType('IPython'), types.ModuleType('IPython.display')
    for k, v in dict(display=display, Image=Image, Markdown=Markdown, HTML=HTML, clear_output=clear_output).items():
        setattr(disp, k, v); setattr(ipy, k, v)
    ipy.display, ipy.get_ipython, ipy.version_info, ipy.__version__ = disp, lambda: None, (9, 0, 0), '9.0.0'
    return {'IPython': ipy, 'IPython.display': disp}

def resolve(v):
    "papermill's -p typing: True/False/None and numbers are converted; anything else stays a string."
    try: x = ast.literal_eval(v)
    except (ValueError, SyntaxError, MemoryError, RecursionError): return v
    return x if x is None or isinstance(x, (bool, int, float)) else v

def src_of(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def run_cell(src, ns, name):
    "exec `src`; a last bare expression is evaluated and recorded as the cell's result (None is not)."
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)   # source lines in tracebacks
    tree = ast.parse(src, name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, 'exec'), ns)
    if last is not None:
        v = eval(compile(ast.Expression(last.value), name, 'eval'), ns)
        if v is not None: return v

def now(): return datetime.datetime.now(datetime.timezone.utc).isoformat()

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('input'); ap.add_argument('output')
    ap.add_argument('-p', '--parameters', nargs=2, action='append', default=[], metavar=('NAME', 'VALUE'))
    ap.add_argument('--cwd', help='working directory of the notebook (default: this one)')
    a = ap.parse_args(argv)
    out_path = os.path.abspath(a.output)
    nb = json.load(open(a.input, encoding='utf-8'))
    params = {k: resolve(v) for k, v in a.parameters}
    cells = [c for c in nb['cells'] if 'injected-parameters' not in c.get('metadata', {}).get('tags', [])]
    if params:
        at = next((i + 1 for i, c in enumerate(cells) if 'parameters' in c.get('metadata', {}).get('tags', [])), 0)
        src = '# Parameters\n' + ''.join(f'{k} = {v!r}\n' for k, v in params.items())
        new = dict(cell_type='code', execution_count=None, metadata=dict(tags=['injected-parameters']), outputs=[],
                   source=src)
        if nb.get('nbformat_minor', 0) >= 5: new['id'] = uuid.uuid4().hex[:8]
        cells.insert(at, new)
    nb['cells'] = cells
    for c in cells:
        if c['cell_type'] == 'code': c['outputs'], c['execution_count'] = [], None
    t_start, meta = time.time(), dict(parameters=params, input_path=a.input, output_path=a.output,
                                      start_time=now(), executor='tools/run_plain.py', exception=None)
    nb['metadata']['papermill'] = meta

    def save():
        meta.update(end_time=now(), duration=round(time.time() - t_start, 6))
        tmp = out_path + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f: json.dump(nb, f, indent=1, ensure_ascii=False); f.write('\n')
        os.replace(tmp, out_path)

    def on_term(sig, frame): raise KeyboardInterrupt(f'signal {sig}')   # `timeout`: record where it was
    signal.signal(signal.SIGTERM, on_term)
    if a.cwd: os.chdir(a.cwd)
    sys.path.insert(0, os.getcwd())   # like a kernel started in the notebook's folder
    saved = {k: sys.modules.get(k) for k in ('IPython', 'IPython.display')}
    sys.modules.update(stub_ipython())
    ns = {'__name__': '__main__', '__builtins__': builtins, 'display': display}
    global OUT_CELL
    status, n = 0, 0
    try:
        for i, cell in enumerate(cells):
            if cell['cell_type'] != 'code' or not src_of(cell).strip(): continue
            n += 1; cell['execution_count'] = n; OUT_CELL = cell['outputs']
            print(f'--- cell {i} [{n}]', flush=True)
            t0, exc = time.time(), False
            out_, err_, sys.stdout, sys.stderr = sys.stdout, sys.stderr, Tee('stdout'), Tee('stderr')
            try:
                v = run_cell(src_of(cell), ns, f'<cell {i}>')
                if v is not None:
                    OUT_CELL.append(dict(output_type='execute_result', data=mime_bundle(v), metadata={}, execution_count=n))
            except BaseException as e:
                exc, tb = True, e.__traceback__
                while tb is not None and tb.tb_frame.f_code.co_filename in (__file__, ast.__file__):
                    tb = tb.tb_next   # the runner's frames (and ast.parse's, for a syntax error) are noise
                OUT_CELL.append(dict(output_type='error', ename=type(e).__name__, evalue=str(e),
                                     traceback=traceback.format_exception(type(e), e, tb)))
            finally:
                sys.stdout, sys.stderr = out_, err_
            cell['metadata']['papermill'] = dict(duration=round(time.time() - t0, 6), exception=exc,
                                                 status='failed' if exc else 'completed')
            if exc:
                meta['exception'] = True
                print(''.join(OUT_CELL[-1]['traceback']), file=sys.stderr, flush=True)
                status = 1
            save()
            if exc: break
    finally:
        for k, v in saved.items():
            if v is None: sys.modules.pop(k, None)
            else: sys.modules[k] = v
        OUT_CELL = None
    print(f'{"FAILED" if status else "done"}: {out_path} ({time.time() - t_start:.1f} s)', flush=True)
    return status

if __name__ == '__main__': sys.exit(main())
