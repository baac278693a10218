#!/usr/bin/env python3
"""Edit notebooks as text: convert between `nbs/*.ipynb` and a percent-format `.py` file.

The notebooks stay the source of truth; this is a developer convenience for writing or
reviewing a chapter in an editor.

    python tools/nbsrc.py to-py nbs/01_groups.ipynb .nbsrc/01_groups.py
    python tools/nbsrc.py to-nb .nbsrc/01_groups.py nbs/01_groups.ipynb

Format: `# %%` starts a code cell, `# %% [markdown]` a markdown cell whose lines carry a
leading `# ` (or are a bare `#`), and `# %% tags=["parameters"]` sets a code cell's tags.
"""
import hashlib, json, re, sys
from pathlib import Path

_HDR = re.compile(r'^# %%(?P<md> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$')


def _cell(kind, lines, tags):
    while lines and not lines[-1].strip(): lines.pop()
    while lines and not lines[0].strip(): lines.pop(0)
    src = [l + '\n' for l in lines]
    if src: src[-1] = src[-1][:-1]
    meta = {'tags': tags} if tags else {}
    if kind == 'markdown': return {'cell_type': 'markdown', 'metadata': meta, 'source': src}
    return {'cell_type': 'code', 'execution_count': None, 'metadata': meta, 'outputs': [], 'source': src}


def py_to_nb(text: str) -> dict:
    "Parse percent-format text into an nbformat-4 notebook dict."
    cells, kind, lines, tags = [], None, [], None
    for line in text.splitlines():
        m = _HDR.match(line)
        if m:
            if kind: cells.append(_cell(kind, lines, tags))
            kind, lines = ('markdown' if m['md'] else 'code'), []
            tags = json.loads(m['tags']) if m['tags'] else None
            continue
        if kind is None:
            if line.strip(): raise ValueError(f"text before the first '# %%' marker: {line!r}")
            continue
        if kind == 'markdown':
            if line.strip() and not (line == '#' or line.startswith('# ')):
                raise ValueError(f"markdown line without '# ' prefix: {line!r}")
            line = line[2:] if line.startswith('# ') else ''
        lines.append(line)
    if kind: cells.append(_cell(kind, lines, tags))
    for i, c in enumerate(cells):  # stable ids, so regenerating an unchanged notebook changes nothing
        c['id'] = hashlib.md5(f"{i}:{''.join(c['source'])}".encode()).hexdigest()[:8]
    return {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python',
                                                        'name': 'python3'}},
            'nbformat': 4, 'nbformat_minor': 5}


def nb_to_py(nb: dict) -> str:
    "Render a notebook dict as percent-format text (outputs are dropped)."
    out = []
    for c in nb['cells']:
        src = ''.join(c['source']) if isinstance(c['source'], list) else c['source']
        tags = c.get('metadata', {}).get('tags')
        t = f' tags={json.dumps(tags)}' if tags else ''
        if c['cell_type'] == 'markdown':
            out.append('# %% [markdown]' + t)
            out += [('# ' + l) if l else '#' for l in src.splitlines()]
        else:
            out.append('# %%' + t)
            out += src.splitlines()
        out.append('')
    return '\n'.join(out)


def main(argv):
    if len(argv) != 3 or argv[0] not in ('to-py', 'to-nb'):
        sys.exit(__doc__)
    cmd, src, dst = argv
    if cmd == 'to-nb':
        nb = py_to_nb(Path(src).read_text())
        Path(dst).write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + '\n')
    else:
        Path(dst).parent.mkdir(parents=True, exist_ok=True)
        Path(dst).write_text(nb_to_py(json.loads(Path(src).read_text())))


if __name__ == '__main__': main(sys.argv[1:])
