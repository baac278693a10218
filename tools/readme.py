#!/usr/bin/env python3
"""Write README.md from nbs/index.ipynb (nbdev-readme needs quarto, which is not installable here).

Markdown cells are copied; code cells become ```python blocks (nbdev `#|` directive lines dropped),
followed by their text outputs if the notebook holds any. A cell marked `#| hide` shows no code: only its
markdown outputs (e.g. a results table a cell computed from paper_figures/*.csv) are copied, as markdown.
`--check` exits 1 when README.md differs from what would be written.
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]


def render(nb: dict) -> str:
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            parts.append(src.strip())
            continue
        lines = src.splitlines()
        directives = [l for l in lines if l.startswith('#|')]
        if any(d.split()[1:2] in (['hide'], ['exporti']) for d in directives):
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md: parts.append(''.join(md).strip())
            continue
        code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
        if code: parts.append(f'```python\n{code}\n```')
        for o in c.get('outputs', []):
            txt = o.get('text') or o.get('data', {}).get('text/plain')
            if txt: parts.append('    ' + ''.join(txt).rstrip().replace('\n', '\n    '))
    return '<!-- Generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file. -->\n\n' \
        + '\n\n'.join(parts) + '\n'


def main():
    text = render(json.loads((root / 'nbs' / 'index.ipynb').read_text()))
    out = root / 'README.md'
    if '--check' in sys.argv:
        if not out.exists() or out.read_text() != text:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`')
        return
    out.write_text(text)


if __name__ == '__main__': main()
