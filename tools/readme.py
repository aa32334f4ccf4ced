"""Write README.md from nbs/index.ipynb without Quarto (nbdev_readme needs Quarto, which cannot be installed here).

Markdown cells are copied; code cells are executed with execnb and shown with their text output, except cells
marked `#| hide` (run but not shown) and `#| eval: false` (shown, not run). Run: `.venv/bin/python tools/readme.py`.
"""
from pathlib import Path
import os, re, sys
from execnb.nbio import read_nb
from execnb.shell import CaptureShell

root = Path(__file__).resolve().parents[1]
nb = read_nb(root/'nbs'/'index.ipynb')
os.chdir(root/'nbs')
sh = CaptureShell()
out = []
def directives(src): return {m.group(1).strip() for m in re.finditer(r'^#\|\s*(.+)$', src, re.M)}
def strip(src): return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()
for c in nb.cells:
    if c.cell_type == 'markdown': out.append(c.source.strip()); continue
    if c.cell_type != 'code': continue
    d = directives(c.source)
    outs = []
    if 'eval: false' not in d:
        outs = sh.run(c.source)
        if sh.exc: sys.exit(f"index.ipynb: cell failed: {sh.exc!r}")
    if 'hide' in d: continue
    if 'echo: false' not in d: out.append(f"```python\n{strip(c.source)}\n```")
    text = []
    for o in outs:
        data = o.get('data', {})
        md = data.get('text/markdown')
        if md: out.append(''.join(md) if isinstance(md, list) else md); continue   # rendered, not fenced
        t = data.get('text/plain') or o.get('text')
        if t: text.append(''.join(t) if isinstance(t, list) else t)
    if text: out.append("```\n" + '\n'.join(s.rstrip() for s in text) + "\n```")
(root/'README.md').write_text("<!-- Generated from nbs/index.ipynb by tools/readme.py; edit the notebook, not this file. -->\n\n"
                              + '\n\n'.join(out) + '\n')
print('wrote README.md')
