#!/usr/bin/env python3
"""Are a notebook's stored outputs current?  Re-execute it and compare, cell by cell.

    python tools/check_outputs.py nbs/01_groups.ipynb [...]     # compare (exit 1 when a cell differs)
    python tools/check_outputs.py --all                          # every notebook in nbs/ that has stored outputs
    python tools/check_outputs.py --write nbs/01_groups.ipynb    # execute in place and store the outputs

Execution (the same for --write and for the comparison, so a stored notebook is what a re-run gives):
  - a Jupyter kernel through nbclient, cwd = the notebook's folder, one intra-op thread
    (OMP_NUM_THREADS=1, MKL_NUM_THREADS=1, PYTHONHASHSEED=0) and a hidden first cell that seeds
    random/numpy/torch with 0 and sets matplotlib's figure.dpi to 72 (PNG figures);
  - cells skipped as nbdev-test skips them: a `#|` directive among pyproject's tst_flags (notest slow gpu,
    unless --flags names it), `#| eval: false`, or the `skip-execution` tag;
  - an error in any cell fails the notebook (nothing is written).
--write keeps the outputs readable: the stream outputs of a cell are merged and carriage returns applied
(a progress bar keeps only its last state), widget outputs and widget state are dropped, PNGs are stored with a
256-colour palette where that is >10% smaller; then nbdev-clean.

Comparison, per executed cell:
  - text (stdout, stderr, text/plain, text/html, text/markdown, text/latex) must be equal after masking what
    legitimately varies: progress-bar lines, timings and rates (numbers with s/ms/us, any unit/s, speed-ups
    like 4.1x or x1.10 or after 'ratio'/'speed-up', "Wall time"/"CPU times" lines, fields named *_s/time/speed), memory addresses, process
    ids and ports, dates, temporary
    paths, and this checkout's and the home folder's paths;
  - numbers in that text agree when |a - b| <= atol + rtol*|a| (default rtol 1e-3, atol 1e-6) or when they
    differ by at most one unit in the last digit printed (rounding);
  - images: the same number per cell, each PNG within 10% of its stored width and height;
  - an error output stored or raised on one side only is a difference.
It prints each cell that differs (index, first source line, what changed) and ends with `N passed, N failed`.
"""
import argparse, base64, copy, difflib, json, math, os, re, struct, subprocess, sys, time
from pathlib import Path

root = Path(__file__).resolve().parents[1]
bindir = Path(sys.executable).parent

SETUP = """\
import random as _r; _r.seed(0)
try:
    import numpy as _np; _np.random.seed(0)
except ImportError: pass
try:
    import torch as _t; _t.manual_seed(0)
except ImportError: pass
try:
    import matplotlib as _m; _m.rcParams['figure.dpi'] = 72     # modest PNGs: the same figure, fewer pixels
    get_ipython().run_line_magic('config', "InlineBackend.figure_formats = {'png'}")
except Exception: pass
del _r
"""

# ---------------------------------------------------------------- which cells run


def tst_flags():
    try:
        import tomllib
        cfg = tomllib.loads((root / 'pyproject.toml').read_text())
        return cfg.get('tool', {}).get('nbdev', {}).get('tst_flags', 'notest').split()
    except Exception:
        return ['notest', 'slow', 'gpu']


def directives(src):
    out = []
    for l in src.splitlines():
        s = l.strip()
        if not s: continue
        m = re.match(r'#\|\s*(.*)$', s)
        if not m: break
        out.append(m.group(1).strip())
    return out


def skip_reason(cell, skip_flags):
    "Why nbdev-test would not run this cell (or None)."
    if cell.cell_type != 'code': return 'not code'
    if 'skip-execution' in cell.metadata.get('tags', []): return 'skip-execution tag'
    for d in directives(cell.source):
        w = d.split()
        if not w: continue
        if re.match(r'eval:\s*false', d, re.I): return 'eval: false'
        if w[0] in skip_flags: return f'#| {w[0]}'
    return None


# ---------------------------------------------------------------- execution


def quiet_kernel_manager():
    """A kernel manager that shuts a kernel down without jupyter_client's SIGINT first.

    jupyter_client (8.x) interrupts the kernel with SIGINT before every shutdown request. When that signal lands
    while ipykernel is still handling a message, ipykernel logs `ERROR | KeyboardInterrupt caught in kernel` on its
    stderr, which nbclient/papermill pass to the terminal: a spurious error after a run that succeeded. An
    interrupt asked for during a run (a cell timeout) still goes through."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self):
            if getattr(self, 'shutting_down', False): return
            await super()._async_interrupt_kernel()
    return QuietKernelManager


# kernel log lines below ERROR are noise here (ipykernel 7 warns on every start that TCP is unencrypted)
KERNEL_ARGS = ['--IPKernelApp.log_level=ERROR']


def execute(path, skip_flags, timeout, kernel=None):
    "Execute a copy of the notebook as described above; return (executed nb, skipped {index: reason}, seconds)."
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(str(path), as_version=4)
    work = copy.deepcopy(nb)
    skipped = {}
    for i, c in enumerate(work.cells):
        if c.cell_type != 'code': continue
        r = skip_reason(c, skip_flags)
        if r:
            skipped[i] = r
            c.source = ''                      # nbclient runs no empty cell
        c.outputs = []
    work.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    t0 = time.time()
    kw = dict(timeout=timeout, allow_errors=False, record_timing=False, store_widget_state=False,
              resources={'metadata': {'path': str(path.parent)}},
              kernel_manager_class=quiet_kernel_manager(), extra_arguments=KERNEL_ARGS)
    if kernel: kw['kernel_name'] = kernel
    NotebookClient(work, **kw).execute()          # the kernel inherits main()'s thread and hash-seed settings
    work.cells.pop(0)
    work.metadata.pop('widgets', None)
    for c, orig in zip(work.cells, nb.cells):    # put the skipped cells' sources back
        c.source = orig.source
    return work, skipped, time.time() - t0


# ---------------------------------------------------------------- tidy outputs (what --write stores)


def apply_cr(text):
    "What a terminal shows: each line is the overlay of its carriage-return segments (progress bars)."
    lines = []
    for line in text.split('\n'):
        if '\r' not in line: lines.append(line); continue
        buf = []
        for seg in line.split('\r'):
            buf[:len(seg)] = list(seg)
        lines.append(''.join(buf).rstrip())
    # a bar that erased itself (leave=False) leaves an empty line: drop those, keep real blank lines
    out = [l for l, raw in zip(lines, text.split('\n')) if l or '\r' not in raw]
    return '\n'.join(out)


def shrink_png(b64):
    "The same PNG with a 256-colour palette when that is >10% smaller (plots and colour maps need no more)."
    try:
        import io
        from PIL import Image
        raw = base64.b64decode(b64 if isinstance(b64, str) else ''.join(b64))
        im = Image.open(io.BytesIO(raw))
        q = im.convert('RGBA').quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        buf = io.BytesIO()
        q.save(buf, format='PNG', optimize=True)
        if buf.tell() < 0.9 * len(raw): return base64.b64encode(buf.getvalue()).decode() + '\n'
    except Exception: pass
    return b64


def tidy_outputs(outputs, shrink=False):
    "Merge consecutive stream outputs of one name, apply carriage returns, drop widgets and empty streams."
    import nbformat
    out = []
    for o in outputs:
        if o.output_type == 'stream':
            if out and out[-1].output_type == 'stream' and out[-1].name == o.name:
                out[-1].text += o.text
            else:
                out.append(nbformat.v4.new_output('stream', name=o.name, text=o.text))
            continue
        if o.output_type in ('display_data', 'execute_result'):
            data = {k: v for k, v in o.get('data', {}).items() if 'widget' not in k}
            if not data: continue
            if shrink and 'image/png' in data: data['image/png'] = shrink_png(data['image/png'])
            o['data'] = data
            if 'metadata' in o: o['metadata'] = {k: v for k, v in o['metadata'].items() if 'widget' not in k}
        out.append(o)
    for o in out:
        if o.output_type == 'stream': o.text = apply_cr(o.text)
    out = [o for o in out if not (o.output_type == 'stream' and not o.text.strip())]
    merged = []                     # once more: a bar that erased itself may have stood between two prints
    for o in out:
        if o.output_type == 'stream' and merged and merged[-1].output_type == 'stream' and merged[-1].name == o.name:
            merged[-1].text = merged[-1].text.rstrip('\n') + '\n' + o.text
        else: merged.append(o)
    return merged


# ---------------------------------------------------------------- comparison

BAR = re.compile(r'\d+%\|[^|]*\|'                  # tqdm: 40%|████      |
                 r'|\|\s*\d+/\d+\s*\[\d+:\d+'      # | 2/5 [00:03
                 r'|\d+(\.\d+)?\s*(it/s|s/it)\b')
DROP_LINE = re.compile(r'^\s*(Wall time|CPU times|Executing:|real\s|user\s|sys\s)', re.I)
MASKS = [
    (re.compile(r'0x[0-9a-fA-F]{6,}'), '0x<addr>'),
    (re.compile(r'\d{4}-\d\d-\d\d[ T_]\d\d[:-]\d\d[:-]\d\d(\.\d+)?'), '<date>'),
    (re.compile(r'/tmp/[^\s\'",)\]]+'), '<tmp>'),
    (re.compile(r'[-+]?\d+(,\d{3})*(\.\d+)?(e[-+]?\d+)?\s*(ns|µs|us|ms|s|sec|secs|seconds|min|mins|minutes|h|hours)\b(?!/)'), '<time>'),
    (re.compile(r'[-+]?\d+(,\d{3})*(\.\d+)?(e[-+]?\d+)?\s*(k|M|G)?[A-Za-z]+/s\b'), '<rate>'),  # 127 img/s, 9 pairs/s, 25,189 images/s
    (re.compile(r'(\b(?:speed-?up|ratio)\b[^\n]{0,30}?)(?<![\w.])[-+]?\d+(\.\d+)?(?![\w.])'), r'\1<ratio>'),      # ratio equinb/e2cnn 2.56
    (re.compile(r'[-+]?\d+(\.\d+)?\s*[x×](?![\w])|(?<![\w])[x×]\d+(\.\d+)?\b'), '<ratio>'),   # 4.1x, x1.10
    (re.compile(r'\b(pid|PID|port)\b(\s*[=:]?\s*)\d+'), r'\1\2<n>'),
    # timings reported as values of named fields: {'epoch_s': 0.035, 'images_per_s': 1819.8}, img_s=110
    (re.compile(r'''(\b\w*(?:_s|per_s|per_sec|_secs?|_seconds|time|elapsed|speed|throughput)['"]?(?:\s*[:=]\s*|\s+))'''
                r'[-+]?\d+(\.\d+)?(e[-+]?\d+)?', re.I), r'\1<time>'),
]
NUM = re.compile(r'(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])|\b(?:nan|inf)\b')


def _local_paths():
    "This checkout's and this user's folders, which outputs (warnings, data paths) may print."
    paths = [(str(root), '<repo>'), (str(Path.home()), '~')]
    return sorted(paths, key=lambda p: -len(p[0]))


def normalise(text):
    for p, rep in _local_paths(): text = text.replace(p, rep)
    lines = []
    for l in text.splitlines():
        if BAR.search(l) or DROP_LINE.match(l): continue
        for rx, rep in MASKS: l = rx.sub(rep, l)
        lines.append(re.sub(r'[ \t]+', ' ', l).strip())     # column padding follows the masked numbers' widths
    return '\n'.join(l for l in lines if l.strip())


def _ulp(tok):
    "One unit in the last printed digit of a number token (1 for integers, 0.01 for 0.25, 1e-5 for 3.2e-04)."
    m = re.match(r'[-+]?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$', tok)
    if not m: return 0.0
    dec = len(m.group(2) or '')
    exp = int(m.group(3) or 0)
    return 10.0 ** (exp - dec)


def numbers_agree(a, b, rtol, atol):
    if a.lower() in ('nan', 'inf') or b.lower() in ('nan', 'inf'): return a.lower() == b.lower()
    x, y = float(a), float(b)
    if math.isclose(x, y, rel_tol=rtol, abs_tol=atol): return True
    return abs(x - y) <= max(_ulp(a), _ulp(b)) * 1.0000001


def compare_text(old, new, rtol, atol):
    "None when old and new agree, else a one-line description of the first difference."
    a, b = normalise(old), normalise(new)
    if a == b: return None
    sa, sb = NUM.split(a), NUM.split(b)
    na, nb_ = NUM.findall(a), NUM.findall(b)
    if sa == sb and len(na) == len(nb_):
        for i, (x, y) in enumerate(zip(na, nb_)):
            if not numbers_agree(x, y, rtol, atol):
                line = a[:a.find(x) if x in a else 0].count('\n')
                ctx = a.splitlines()[line] if a.splitlines() else ''
                return f'number {i + 1}: stored {x} now {y} (line: {ctx.strip()[:100]!r})'
        return None
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if NUM.split(x) != NUM.split(y) or len(NUM.findall(x)) != len(NUM.findall(y)):
            return f'line {i + 1}: stored {x.strip()[:100]!r} now {y.strip()[:100]!r}'
    if len(la) != len(lb):
        extra = (la if len(la) > len(lb) else lb)[min(len(la), len(lb))]
        return f'{len(la)} lines stored, {len(lb)} now (first extra: {extra.strip()[:100]!r})'
    return 'text differs: ' + ' '.join(difflib.unified_diff(la, lb, lineterm='', n=0))[:200]


TEXT_KEYS = ('text/plain', 'text/html', 'text/markdown', 'text/latex')
IMG_KEYS = ('image/png', 'image/jpeg', 'image/svg+xml')


def png_size(b64):
    try:
        raw = base64.b64decode(b64[:64] if isinstance(b64, str) else ''.join(b64)[:64])
        if raw[:8] == b'\x89PNG\r\n\x1a\n': return struct.unpack('>II', raw[16:24])
    except Exception: pass
    return None


def summarise(outputs):
    "The comparable parts of a cell's outputs: texts by kind, images, errors."
    streams, texts, imgs, errs = {}, {k: [] for k in TEXT_KEYS}, [], []
    for o in outputs:
        t = o.get('output_type')
        if t == 'stream':
            streams[o.get('name')] = streams.get(o.get('name'), '') + (o.get('text') if isinstance(o.get('text'), str) else ''.join(o.get('text')))
        elif t in ('display_data', 'execute_result'):
            d = o.get('data', {})
            for k in IMG_KEYS:
                if k in d: imgs.append((k, png_size(d[k]) if k == 'image/png' else None))
            for k in TEXT_KEYS:
                if k in d and not (k == 'text/plain' and any(i in d for i in IMG_KEYS)):   # '<Figure size ...>'
                    texts[k].append(d[k] if isinstance(d[k], str) else ''.join(d[k]))
        elif t == 'error':
            errs.append(f"{o.get('ename')}: {o.get('evalue')}")
    for k in streams: streams[k] = apply_cr(streams[k])
    return streams, texts, imgs, errs


def compare_cell(old_outs, new_outs, rtol, atol):
    "[descriptions of differences] between a cell's stored and new outputs."
    so, to, io, eo = summarise(old_outs)
    sn, tn, in_, en = summarise(new_outs)
    diffs = []
    for name in sorted(set(so) | set(sn)):
        d = compare_text(so.get(name, ''), sn.get(name, ''), rtol, atol)
        if d: diffs.append(f'{name}: {d}')
    for k in TEXT_KEYS:
        a, b = '\n'.join(to[k]), '\n'.join(tn[k])
        if k == 'text/html':                   # tables: compare their text, not their markup
            a, b = (re.sub(r'<[^>]+>', ' ', x) for x in (a, b))
            a, b = (re.sub(r'[ \t]+', ' ', x) for x in (a, b))
        d = compare_text(a, b, rtol, atol)
        if d: diffs.append(f'{k}: {d}')
    if len(io) != len(in_):
        diffs.append(f'images: {len(io)} stored, {len(in_)} now')
    else:
        for j, ((ka, sa), (kb, sb)) in enumerate(zip(io, in_)):
            if ka != kb: diffs.append(f'image {j + 1}: {ka} stored, {kb} now')
            elif sa and sb and (abs(sa[0] - sb[0]) > 0.1 * sa[0] or abs(sa[1] - sb[1]) > 0.1 * sa[1]):
                diffs.append(f'image {j + 1}: {sa[0]}x{sa[1]} px stored, {sb[0]}x{sb[1]} now')
    if eo != en: diffs.append(f'errors: stored {eo or "none"}, now {en or "none"}')
    return diffs


def first_line(src):
    for l in src.splitlines():
        if l.strip() and not l.strip().startswith('#|'): return l.strip()[:60]
    return ''


def check_nb(path, args, skip_flags):
    "Check (or with --write, execute and store) one notebook: (ok, report text)."
    lines = []
    ok = _check_nb(path, args, skip_flags, lines.append)
    return ok, '\n'.join(lines)


def _check_nb(path, args, skip_flags, say):
    import nbformat
    stored = nbformat.read(str(path), as_version=4)
    rel = os.path.relpath(path, Path.cwd())
    try:
        new, skipped, secs = execute(path, skip_flags, args.timeout, args.kernel)
    except Exception as e:
        msg = str(e).strip().splitlines()
        tail = [l for l in msg if l.strip()][-1:] or [type(e).__name__]
        say(f'{rel}: FAILED: execution stopped: {tail[0][:200]}')
        return False
    if args.write:
        for c in new.cells:
            if c.cell_type == 'code':
                c.outputs = tidy_outputs(c.outputs, shrink=True)
                c.execution_count = None
        nbformat.write(new, str(path))
        subprocess.run([str(bindir / 'nbdev-clean'), '--fname', str(path)], check=True, cwd=root)
        size = sum(len(json.dumps(c.get('outputs', []))) for c in nbformat.read(str(path), as_version=4).cells)
        say(f'{rel}: written ({secs:.0f} s, {len(skipped)} cells skipped, outputs {size / 1e3:.0f} kB)')
        return True
    bad, compared, unchecked = [], 0, 0
    for i, (a, b) in enumerate(zip(stored.cells, new.cells)):
        if a.cell_type != 'code': continue
        if i in skipped:
            unchecked += bool(a.get('outputs'))
            continue
        compared += 1
        d = compare_cell(a.get('outputs', []), b.get('outputs', []), args.rtol, args.atol)
        if d: bad.append((i, first_line(a.source), d))
    note = f', {unchecked} skipped cells keep unchecked stored outputs' if unchecked else ''
    if not bad:
        say(f'{rel}: ok ({compared} cells compared, {len(skipped)} skipped{note}, {secs:.0f} s)')
        return True
    say(f'{rel}: FAILED: {len(bad)} of {compared} cells differ from their stored outputs{note} ({secs:.0f} s)')
    for i, src, d in bad:
        say(f'  cell {i} `{src}`:')
        for x in d[:4]: say(f'      {x}')
    return False


# ---------------------------------------------------------------- numbers in the prose

PROSE_NUM = re.compile(r'(?<![\w.\-/])[-+−]?(?:\d+(?:,\d{3})+|\d+\.\d+|\.\d+|\d+)(?:[eE][-+]?\d+)?(?:\s*%|[x×](?!\w)|[kMG](?![\w/]))?(?![\w/])')
# numbers in outputs, with thousands separators (11,180,736) read as one number
OUT_NUM = re.compile(r'(?<![\w.])[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])|\b(?:nan|inf)\b')
_SCALE = {'k': 1e3, 'M': 1e6, 'G': 1e9}
NOT_A_RESULT = re.compile(r'(?:chapter|chapters|ch\.|section|table|fig\.?|figure|eq\.?|equation|icml|iclr|neurips|cvpr|iccv|eccv|arxiv|'
                          r'python|nbdev|torch|pytorch|version|v)\s*$', re.I)


def _prose(md):
    "Markdown without code, math, links' targets and HTML tags: the sentences a reader reads as claims."
    md = re.sub(r'^(```|~~~).*?^\1', ' ', md, flags=re.M | re.S)
    md = re.sub(r'(`+).*?\1', ' ', md, flags=re.S)
    md = re.sub(r'\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]', ' ', md, flags=re.S)
    md = re.sub(r'\]\([^)]*\)', '] ', md)
    md = re.sub(r'<[^>]+>', ' ', md)
    md = re.sub(r'\b\d\d_\w+', ' ', md)                       # notebook names (10_simclr)
    return md


def _as_float(tok):
    t = tok.replace('−', '-').replace(',', '').rstrip('%x× ').strip()
    scale = _SCALE.get(t[-1:], 1.0) if t[:-1] else 1.0
    if scale != 1.0: t = t[:-1]
    try: return float(t) * scale, tok.strip().endswith('%')
    except ValueError: return None, False


def number_sources(nb):
    "All numbers in the notebook's code sources and in its stored outputs."
    src, out = [], []
    for c in nb.cells:
        if c.cell_type != 'code': continue
        src += [v for v, _ in map(_as_float, NUM.findall(c.source)) if v is not None]
        for o in c.get('outputs', []):
            texts = [o.get('text', '')] if o.get('output_type') == 'stream' else \
                    [v for k, v in o.get('data', {}).items() if k.startswith('text/')]
            for t in texts:
                t = t if isinstance(t, str) else ''.join(t)
                out += [v for v, _ in map(_as_float, NUM.findall(t) + OUT_NUM.findall(t)) if v is not None]
    return src, out


def _matches(x, tok, pool):
    "A pool value that prints as tok at tok's precision (or as its percentage)."
    t = tok.replace('−', '-').replace(',', '').rstrip('%x× ').strip().lstrip('+-')
    q = _ulp(t[:-1]) * _SCALE[t[-1]] if t[-1:] in _SCALE and t[:-1] else _ulp(t)
    for v in pool:
        for cand in (v, v * 100):
            if abs(cand - x) <= q / 2 * 1.0000001 + 1e-12: return True
    return False


def prose_numbers(path):
    "[(cell index, number as written, where found: output/source/none, context)] for one notebook's markdown."
    import nbformat
    nb = nbformat.read(str(path), as_version=4)
    src, out = number_sources(nb)
    rows = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != 'markdown': continue
        text = _prose(c.source)
        for m in PROSE_NUM.finditer(text):
            tok = m.group(0).strip()
            before = text[max(0, m.start() - 12):m.start()]
            if NOT_A_RESULT.search(before): continue
            x, pct = _as_float(tok)
            if x is None or (1900 <= x <= 2100 and float(x).is_integer()): continue
            where = 'output' if _matches(x, tok, out) else 'source' if _matches(x, tok, src) else 'none'
            ctx = re.sub(r'\s+', ' ', text[max(0, m.start() - 50):m.end() + 30]).strip()
            rows.append((i, tok, where, ctx))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('notebooks', nargs='*')
    ap.add_argument('--all', action='store_true', help='every notebook under nbs/ with stored outputs')
    ap.add_argument('--write', action='store_true', help='execute in place and store the outputs')
    ap.add_argument('--rtol', type=float, default=1e-3)
    ap.add_argument('--atol', type=float, default=1e-6)
    ap.add_argument('--timeout', type=int, default=600, help='seconds per cell')
    ap.add_argument('--flags', default='', help='tst_flags to run anyway, e.g. "slow"')
    ap.add_argument('--kernel', default=None, help='kernel name (default: the notebook\'s)')
    ap.add_argument('--jobs', type=int, default=1, help='notebooks executed at once (each in its own kernel)')
    ap.add_argument('--numbers', action='store_true',
                    help='list the numbers written in markdown that no stored output (or code) of the notebook has')
    args = ap.parse_args()
    paths = [Path(p).resolve() for p in args.notebooks]
    if args.all:
        import nbformat
        for p in sorted((root / 'nbs').glob('*.ipynb')):
            nb = nbformat.read(str(p), as_version=4)
            if any(c.get('outputs') for c in nb.cells if c.cell_type == 'code') and p not in paths: paths.append(p)
    if not paths: ap.error('name notebooks, or --all')
    if args.numbers:
        for p in paths:
            rows = prose_numbers(p)
            loose = [r for r in rows if r[2] == 'none']
            print(f'{os.path.relpath(p, Path.cwd())}: {len(rows)} numbers in markdown, {sum(r[2] == "output" for r in rows)} '
                  f'in an output, {sum(r[2] == "source" for r in rows)} only in code, {len(loose)} in neither')
            for i, tok, _, ctx in loose: print(f'  cell {i}: {tok:>8}  ...{ctx}...')
        return
    skip_flags = [f for f in tst_flags() if f not in args.flags.split()]
    # the kernels inherit these: one intra-op thread, fixed hash seed (the same for --write and the check)
    os.environ.update(OMP_NUM_THREADS=os.environ.get('CHECK_OUTPUTS_THREADS', '1'),
                      MKL_NUM_THREADS=os.environ.get('CHECK_OUTPUTS_THREADS', '1'), PYTHONHASHSEED='0')
    import concurrent.futures as cf
    results = []
    with cf.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for ok, text in pool.map(lambda p: check_nb(p, args, skip_flags), paths):
            print(text, flush=True)
            results.append(ok)
    print(f'check_outputs: {sum(results)} passed, {len(results) - sum(results)} failed')
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__':
    main()
