#!/usr/bin/env python3
"""equinb's docs site, built offline: every notebook in nbs/ to static HTML in _docs/, and a browser check.

    python tools/docs.py [build] [--out _docs]        # what `make docs` runs
    python tools/docs.py check [--out _docs] [--screenshot index,10_simclr] [--shots-dir DIR]

build: nbconvert (lab template, tools/docs/templates/equinb) renders index and each chapter in order with
  - a sidebar of chapters (and the current chapter's sections),
  - formulas typeset in the reader's browser by KaTeX, copied into _docs/static/katex from the npm package
    `katex` (installed at build time into build/docs-vendor; nothing is fetched by the reader's browser),
  - the notebook's stored outputs (figures are embedded as data URIs), `#|` directive lines removed,
    `#| hide` / `#| include: false` cells dropped, `#| echo: false` inputs and `#| output: false` outputs hidden,
  - an API reference per chapter: each exported public function/class (and its documented methods) with the
    signature and docments that nbdev.showdoc renders, linked from backticked names in the prose.
  It writes _docs/manifest.json: per page, the formulas and images the check must find.
check: opens every page in headless Chromium (Debian's `chromium`), waits for load, then reads from the DOM how
  many formulas KaTeX rendered (and any KaTeX errors or raw TeX left over), whether every <img> decoded to a
  non-zero size, and whether the sidebar is there; it also checks that no page loads anything from the network
  and that local links resolve. Exit 1 on any failure; without Chromium it prints one SKIPPED line, exit 0.
"""
import argparse, ast, concurrent.futures as cf, html, json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

root = Path(__file__).resolve().parents[1]
here = root / 'tools' / 'docs'
sys.path.insert(0, str(root / 'tools'))
from check_outputs import tidy_outputs                       # noqa: E402
KATEX_SPEC = 'katex@0.16'                       # npm package pulled at build time (not committed)
VENDOR = root / 'build' / 'docs-vendor'

# ---------------------------------------------------------------- notebooks and their parts

DIRECTIVE = re.compile(r'^\s*#\|\s*(.*?)\s*$')


def directives(src):
    "The `#| ...` lines at the top of a cell, as a list of strings, and the source without them."
    lines, out, top = src.splitlines(), [], True
    keep = []
    for l in lines:
        m = DIRECTIVE.match(l)
        if m and top: out.append(m.group(1)); continue
        if l.strip(): top = False
        keep.append(l)
    return out, '\n'.join(keep).strip('\n')


def read_nb(path):
    import nbformat
    return nbformat.read(str(path), as_version=4)


def chapter_list(nbs):
    "index first, then the numbered chapters in order: (path, stem, number, title)."
    files = sorted(p for p in nbs.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    files.sort(key=lambda p: (p.stem != 'index', p.stem))
    out = []
    for p in files:
        nb = read_nb(p)
        title = p.stem
        for c in nb.cells:
            if c.cell_type == 'markdown':
                m = re.search(r'^#\s+(.+)$', c.source, re.M)
                if m: title = m.group(1).strip()
                break
        num = p.stem.split('_')[0] if p.stem[:2].isdigit() else ''
        out.append((p, p.stem, num, title))
    return out


def strip_code(md):
    "Markdown without fenced code blocks and inline code spans (for counting formulas)."
    md = re.sub(r'^(```|~~~).*?^\1', '', md, flags=re.M | re.S)
    return re.sub(r'(`+)(?!`).*?(?<!`)\1(?!`)', '', md, flags=re.S)


MATH = re.compile(r'\$\$.+?\$\$|\\\[.+?\\\]|\\begin\{(equation|align)\*?\}.+?\\end\{\1\*?\}|(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\d)|\\\(.+?\\\)',
                  re.S)


def count_math(md):
    return len(MATH.findall(strip_code(md)))


# ---------------------------------------------------------------- the API reference (nbdev.showdoc)

def exported_symbols(nb):
    "[(module, name)] of the public functions/classes a notebook exports, in notebook order."
    default = None
    for c in nb.cells:
        if c.cell_type != 'code': continue
        for d in directives(c.source)[0]:
            m = re.match(r'default_exp\s+(\S+)', d)
            if m: default = m.group(1)
    out = []
    for c in nb.cells:
        if c.cell_type != 'code': continue
        ds, body = directives(c.source)
        mods = [m.group(2) or default for d in ds if (m := re.match(r'(exports?)(?:\s+(\S+))?$', d))]
        if not mods or mods[0] is None: continue
        try: tree = ast.parse(body)
        except SyntaxError: continue
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): continue
            if node.name.startswith('_'): continue
            name = node.name
            decos = [getattr(d, 'id', getattr(d, 'attr', '')) if not isinstance(d, ast.Call) else
                     getattr(d.func, 'id', getattr(d.func, 'attr', '')) for d in node.decorator_list]
            if 'patch' in decos and isinstance(node, ast.FunctionDef) and node.args.args:
                ann = node.args.args[0].annotation
                if isinstance(ann, ast.Name): name = f'{ann.id}.{node.name}'
            out.append(('equinb.' + mods[0], name))
    return out


def _resolve(modname, name):
    import importlib
    obj = importlib.import_module(modname)
    for part in name.split('.'): obj = getattr(obj, part)
    return obj


def _showdoc_md(obj, name):
    "nbdev.showdoc's markdown for obj, without its source link (that points at a repo host)."
    from nbdev.showdoc import BasicMarkdownRenderer
    md = BasicMarkdownRenderer(obj, name=name)._repr_markdown_()
    md = re.sub(r'^\[source\]\(.*$', '', md, flags=re.M)
    md = re.sub(r'^---\s*$', '', md, flags=re.M)
    md = re.sub(r'^#{2,4} .*$', '', md, count=1, flags=re.M)     # the heading: we write our own, with an anchor
    import inspect
    if inspect.isclass(obj):                                          # showdoc prints a class's __init__ as `def`
        md = re.sub(rf'^def {re.escape(obj.__name__)}\(', f'class {obj.__name__}(', md, count=1, flags=re.M)
    return md.strip()


def api_entries(nb):
    "[(anchor, qualified name, module, markdown)] for the chapter's exported API, methods after their class."
    import inspect
    out, seen = [], set()
    for modname, name in exported_symbols(nb):
        try: obj = _resolve(modname, name)
        except Exception as e:
            out.append((f'api-{name}', name, modname, f'*(not importable from `{modname}`: {type(e).__name__}: {e})*'))
            continue
        if name in seen: continue
        seen.add(name)
        out.append((f'api-{name}', name, modname, _showdoc_md(obj, name)))
        if inspect.isclass(obj):
            for mname, m in vars(obj).items():
                # only methods with their own docstring (not e.g. nn.Module.forward's inherited one)
                if mname.startswith('_') or not inspect.isfunction(m) or not (m.__doc__ or '').strip(): continue
                q = f'{name}.{mname}'
                if q in seen: continue
                seen.add(q)
                out.append((f'api-{q}', q, modname, _showdoc_md(m, q)))
    return out


def api_html(entries, md2html):
    if not entries: return '', 0
    parts = ['<section class="docs-api jp-RenderedHTMLCommon" id="api-reference"><h2>API reference</h2>']
    nmath = 0
    for anchor, name, mod, md in entries:
        nmath += count_math(md)
        parts.append(f'<div class="docs-api-entry" id="{html.escape(anchor)}">'
                     f'<span class="docs-api-src">{html.escape(mod)}</span><h3>{html.escape(name)}</h3>'
                     f'{md2html(md)}</div>')
    parts.append('</section>')
    return '\n'.join(parts), nmath


# ---------------------------------------------------------------- one page

def prepare_cells(nb):
    "Drop hidden cells, strip directive lines, hide inputs/outputs as the directives ask."
    keep = []
    for c in nb.cells:
        if c.cell_type == 'code':
            ds, body = directives(c.source)
            flags = {re.sub(r'\s+', ' ', d) for d in ds}
            if 'hide' in flags or 'include: false' in flags or (not body.strip() and not c.get('outputs')):
                continue
            if any(re.match(r'default_exp\b', d) for d in ds) and not body.strip(): continue
            c.source = body
            if 'echo: false' in flags or 'hide_input' in flags: c.metadata['docs_hide_input'] = True
            if 'output: false' in flags: c.outputs = []
            c.execution_count = None
            c.outputs = tidy_outputs(c.get('outputs', []))      # one stream per cell, progress bars at their last state
            for o in c.get('outputs', []):
                if 'execution_count' in o: o['execution_count'] = None
        elif c.cell_type == 'markdown':
            if not c.source.strip(): continue
        keep.append(c)
    nb.cells = keep
    return nb


def sidebar_html(chapters, current):
    items = []
    for p, stem, num, title in chapters:
        cls = ' class="current"' if stem == current else ''
        t = re.sub(r'`([^`]+)`', r'<code>\1</code>', html.escape(title))
        label = f'<span class="num">{num}</span>{t}' if num else t
        toc = '<!--DOCS-TOC-->' if stem == current else ''
        items.append(f'<li><a href="{stem}.html"{cls}>{label}</a>{toc}</li>')
    return ('<a class="docs-brand" href="index.html">equinb</a><h2>Chapters</h2><ol class="docs-chapters">'
            + '\n'.join(items) + '</ol>')


H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link".*?</a>)?</h2>', re.S)


def build_page(path, stem, chapters, out, exporter, symbols):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    nb = read_nb(path)
    entries = api_entries(nb)                      # before the directives are stripped
    nb = prepare_cells(nb)
    n_math = sum(count_math(c.source) for c in nb.cells if c.cell_type == 'markdown')
    n_imgs = sum(1 for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', [])
                 if o.get('output_type') in ('display_data', 'execute_result')
                 and any(k in o.get('data', {}) for k in ('image/png', 'image/jpeg', 'image/svg+xml')))
    n_imgs += sum(len(re.findall(r'!\[[^\]]*\]\(', strip_code(c.source))) for c in nb.cells if c.cell_type == 'markdown')
    n_outputs = sum(len(c.get('outputs', [])) for c in nb.cells if c.cell_type == 'code')
    n_code = sum(1 for c in nb.cells if c.cell_type == 'code')
    api, api_math = api_html(entries, markdown2html_mistune)
    executed = n_outputs > 0 or n_code == 0
    note = ('' if executed else '<p><em>This notebook is stored without outputs: run it to see its results '
            f'(e.g. <code>papermill --cwd nbs nbs/{path.name} runs/{path.name}</code>).</em></p>')
    resources = {'metadata': {'name': stem, 'path': str(path.parent)},
                 'docs_sidebar': sidebar_html(chapters, stem), 'docs_api': api,
                 'docs_footer': f'{note}Rendered from <code>nbs/{path.name}</code> by <code>tools/docs.py</code>.'}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    # the current page's sections in the sidebar
    toc = [(a, re.sub(r'<[^>]+>', '', t).strip()) for a, t in H2.findall(body)]
    toc_html = ''.join(f'<li><a href="#{a}">{t}</a></li>' for a, t in toc if a != 'api-reference')
    if api: toc_html += '<li><a href="#api-reference">API reference</a></li>'
    body = body.replace('<!--DOCS-TOC-->', f'<ol class="docs-toc">{toc_html}</ol>' if toc_html else '', 1)
    # links between notebooks go to their pages; backticked exported names link to their API entry
    body = re.sub(r'href="(?:\./|\.\./nbs/)?([\w.-]+)\.ipynb(#[^"]*)?"', lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)

    def link(m):
        name = html.unescape(m.group(1)).rstrip('()')
        if name in symbols:
            page, anchor = symbols[name]
            href = f'#{anchor}' if page == stem else f'{page}.html#{anchor}'
            return f'<a class="docs-sym" href="{href}">{m.group(0)}</a>'
        return m.group(0)
    body = re.sub(r'(?<!<pre>)<code>([\w.]+(?:\(\))?)</code>', link, body)
    (out / f'{stem}.html').write_text(body, encoding='utf-8')
    return {'page': f'{stem}.html', 'notebook': f'nbs/{path.name}', 'title': [t for _, s, _, t in chapters if s == stem][0],
            'math': n_math + api_math, 'images': n_imgs, 'outputs': n_outputs, 'executed': executed,
            'api_entries': api.count('class="docs-api-entry"'),
            'api_errors': [name for _, name, _, md in entries if md.startswith('*(not importable')]}


# ---------------------------------------------------------------- static files

def vendor_katex():
    "KaTeX's dist/ from the npm registry (build time only), cached in build/docs-vendor."
    dist = VENDOR / 'node_modules' / 'katex' / 'dist'
    if not (dist / 'katex.min.js').exists():
        npm = shutil.which('npm')
        if not npm:
            sys.exit('docs: FAILED: npm not found; KaTeX comes from the npm package `katex` '
                     '(Debian: apt-get install npm)')
        VENDOR.mkdir(parents=True, exist_ok=True)
        print(f'docs: npm install {KATEX_SPEC} into {VENDOR.relative_to(root)}', flush=True)
        subprocess.run([npm, 'install', '--no-audit', '--no-fund', '--no-save', '--prefix', str(VENDOR), KATEX_SPEC],
                       check=True, stdout=subprocess.DEVNULL)
    return dist


def write_static(out):
    import nbconvert
    st = out / 'static'
    st.mkdir(parents=True, exist_ok=True)
    dist = vendor_katex()
    kt = st / 'katex'
    if kt.exists(): shutil.rmtree(kt)
    (kt / 'contrib').mkdir(parents=True)
    (kt / 'fonts').mkdir()
    for f in ('katex.min.css', 'katex.min.js', 'contrib/auto-render.min.js'): shutil.copy(dist / f, kt / f)
    for f in (dist / 'fonts').glob('*.woff2'): shutil.copy(f, kt / 'fonts' / f.name)
    version = json.loads((dist.parent / 'package.json').read_text())['version']
    # nbconvert's lab stylesheet, once for all pages instead of inlined in each
    lab = None
    for d in [Path(p) / 'nbconvert' / 'templates' / 'lab' / 'static' for p in _jupyter_paths()]:
        if (d / 'index.css').exists(): lab = d; break
    if lab is None: sys.exit('docs: FAILED: nbconvert\'s lab template (static/index.css) not found')
    css = (lab / 'index.css').read_text() + '\n' + (lab / 'theme-light.css').read_text()
    css += '\na.anchor-link { display: none; }\n.jp-Collapser { display: none; }\n'
    (st / 'lab.css').write_text(css)
    shutil.copy(here / 'docs.css', st / 'docs.css')
    return version


def _jupyter_paths():
    from jupyter_core.paths import jupyter_path
    return jupyter_path()


def make_exporter():
    from nbconvert import HTMLExporter
    ex = HTMLExporter(template_name='equinb', extra_template_basedirs=[str(here / 'templates')])
    ex.exclude_input_prompt = True
    ex.exclude_output_prompt = True
    ex.embed_images = True
    ex.anchor_link_text = '¶'
    return ex


def build(out, nbs):
    out.mkdir(parents=True, exist_ok=True)
    for f in out.glob('*.html'): f.unlink()
    kver = write_static(out)
    chapters = chapter_list(nbs)
    # every exported name -> (page, anchor), for links from the prose
    symbols = {}
    nbs_read = {stem: read_nb(p) for p, stem, _, _ in chapters}
    for p, stem, _, _ in chapters:
        for mod, name in exported_symbols(nbs_read[stem]):
            symbols.setdefault(name, (stem, f'api-{name}'))
    ex = make_exporter()
    pages = []
    for p, stem, num, title in chapters:
        pages.append(build_page(p, stem, chapters, out, ex, symbols))
        print(f"docs: {pages[-1]['page']:32s} formulas {pages[-1]['math']:3d}  images {pages[-1]['images']:2d}  "
              f"api {pages[-1]['api_entries']:2d}{'' if pages[-1]['executed'] else '  (no stored outputs)'}", flush=True)
    (out / 'manifest.json').write_text(json.dumps({'katex': kver, 'pages': pages}, indent=1))
    size = sum(f.stat().st_size for f in out.rglob('*') if f.is_file())
    print(f'docs: {len(pages)} pages in {out.relative_to(root) if out.is_relative_to(root) else out}/ '
          f'({size / 1e6:.1f} MB, KaTeX {kver}); open {out / "index.html"}')


# ---------------------------------------------------------------- the browser check

PROBE = r"""<script>
window.addEventListener('load', function () { setTimeout(function () {
  var imgs = Array.from(document.images);
  var bad = imgs.filter(function (i) { var r = i.getBoundingClientRect();
      return !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0 && r.width > 0 && r.height > 0); })
    .map(function (i) { return (i.alt || '') + ' ' + i.src.slice(0, 60); });
  var raw = [], main = document.body;
  var w = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  var tex = /\$[^$\s][^$]*\$|\\\(|\\\[|\\(frac|mathbb|mathrm|mathcal|sum|theta|operatorname|left|right)\b/;
  while (w.nextNode()) { var n = w.currentNode, p = n.parentElement;
    if (p.closest('pre, code, script, style, .katex, .jp-OutputArea')) continue;
    if (tex.test(n.textContent)) raw.push(n.textContent.trim().slice(0, 100)); }
  var fonts = Array.from(document.fonts).filter(function (f) { return /KaTeX/.test(f.family) && f.status == 'loaded'; }).length;
  var r = {imgs: imgs.length, bad_imgs: bad, katex: document.querySelectorAll('.katex').length,
           katex_errors: Array.from(document.querySelectorAll('.katex-error')).map(function (e) { return e.title || e.textContent; }).slice(0, 5),
           raw_tex: raw.slice(0, 5), sidebar_links: document.querySelectorAll('.docs-sidebar a').length,
           katex_fonts_loaded: fonts, cells: document.querySelectorAll('.jp-Cell').length,
           width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};
  var d = document.createElement('pre'); d.id = 'docs-check-result'; d.textContent = JSON.stringify(r);
  document.body.appendChild(d);
}, 200); });
</script>"""


def find_chromium():
    for n in ('chromium', 'chromium-browser', 'google-chrome', 'chrome'):
        if shutil.which(n): return shutil.which(n)
    return None


def chromium_args(exe, profile):
    return [exe, '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
            '--hide-scrollbars', f'--user-data-dir={profile}', '--disable-extensions', '--mute-audio',
            # nothing may come from the network: every host resolves to nowhere
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost']


def probe_page(exe, page_path, timeout=60):
    "Load a copy of the page with the probe script; return the probe's JSON (or raise)."
    src = page_path.read_text(encoding='utf-8')
    probe = page_path.with_name(f'.check-{page_path.name}')
    probe.write_text(src.replace('</body>', PROBE + '\n</body>', 1), encoding='utf-8')
    try:
        with tempfile.TemporaryDirectory() as prof:
            r = subprocess.run(chromium_args(exe, prof) + ['--virtual-time-budget=15000', '--dump-dom', probe.as_uri()],
                               capture_output=True, text=True, timeout=timeout)
        m = re.search(r'<pre id="docs-check-result">(.*?)</pre>', r.stdout, re.S)
        if not m: raise RuntimeError(f'no probe result (chromium rc {r.returncode}): {r.stderr.strip()[-300:]}')
        return json.loads(html.unescape(m.group(1)))
    finally:
        probe.unlink(missing_ok=True)


def screenshot(exe, page_path, png, anchor='', width=1280, height=1600):
    "A PNG of the page's first screen, or of the screen from the element with id `anchor`."
    shot = page_path.with_name(f'.shot-{page_path.name}')
    # headless screenshots ignore scrolling: drop what comes before the anchor's block instead
    # `#figure`: from the first figure on the page
    find = ("document.querySelector('main img')" if anchor == 'figure' else f"document.getElementById({json.dumps(anchor)})")
    scroll = (f"<script>(function () {{ var e = {find}; if (!e) return;"
              " var m = document.querySelector('main'); while (e.parentElement && e.parentElement !== m) e = e.parentElement;"
              " while (e.previousElementSibling) e.previousElementSibling.remove(); })();</script>") if anchor else ''
    shot.write_text(page_path.read_text(encoding='utf-8').replace('</body>', scroll + '</body>', 1), encoding='utf-8')
    try:
        with tempfile.TemporaryDirectory() as prof:
            subprocess.run(chromium_args(exe, prof) + [f'--window-size={width},{height}', '--virtual-time-budget=15000',
                                                       f'--screenshot={png}', shot.as_uri()],
                           capture_output=True, text=True, timeout=90, check=True)
    finally:
        shot.unlink(missing_ok=True)


EXTERNAL = re.compile(r'<(script|link|img|iframe)\b[^>]*\b(src|href)="(https?:)?//', re.I)


def static_checks(out, page):
    "Problems visible in the HTML itself: network loads, local links that go nowhere."
    text = (out / page).read_text(encoding='utf-8')
    probs = [f'loads from the network: {m.group(0)[:80]}' for m in EXTERNAL.finditer(text)]
    ids_cache = {}
    for href in set(re.findall(r'href="([^"#:]*\.html)?(#[^"]*)?"', text)):
        target, frag = href
        if target and not (out / target).exists(): probs.append(f'broken link to {target}'); continue
        if frag and len(frag) > 1:
            t = target or page
            ids = ids_cache.setdefault(t, set(re.findall(r'\bid="([^"]+)"', (out / t).read_text(encoding='utf-8'))))
            if html.unescape(frag[1:]) not in {html.unescape(i) for i in ids}: probs.append(f'broken anchor {target}{frag}')
    for sub in re.findall(r'(?:src|href)="(static/[^"]+)"', text):
        if not (out / sub).exists(): probs.append(f'missing static file {sub}')
    return probs


def check(out, shots, shots_dir, workers=2):
    exe = find_chromium()
    if not exe:
        print('docs-check: SKIPPED (no chromium on PATH; Debian: apt-get install chromium)')
        return 0
    man = out / 'manifest.json'
    if not man.exists(): sys.exit(f'docs check: FAILED: {man} missing: run `make docs` first')
    manifest = json.loads(man.read_text())
    pages = manifest['pages']
    n_pages = len(pages)

    def one(p):
        probs = static_checks(out, p['page'])
        try: r = probe_page(exe, out / p['page'])
        except Exception as e: return p, None, probs + [f'did not load: {e}']
        if r['sidebar_links'] < n_pages: probs.append(f"sidebar has {r['sidebar_links']} links, expected >= {n_pages}")
        if r['cells'] == 0: probs.append('no notebook cells rendered')
        if r['imgs'] != p['images']: probs.append(f"{r['imgs']} images on the page, the notebook has {p['images']}")
        if r['bad_imgs']: probs.append(f"images that did not decode/display: {r['bad_imgs'][:3]}")
        if r['katex'] < p['math']: probs.append(f"{r['katex']} formulas rendered, the notebook has {p['math']}")
        if r['katex_errors']: probs.append(f"KaTeX errors: {r['katex_errors']}")
        if r['raw_tex']: probs.append(f"TeX left unrendered: {r['raw_tex']}")
        if p['math'] and not r['katex_fonts_loaded']: probs.append('KaTeX fonts did not load')
        if p.get('api_errors'): probs.append(f"API reference: not importable: {p['api_errors'][:5]}")
        if r['width'] > 1400: probs.append(f"page is {r['width']} px wide (horizontal overflow)")
        return p, r, probs

    failed = 0
    with cf.ThreadPoolExecutor(workers) as pool:
        for p, r, probs in pool.map(one, pages):
            stat = (f"formulas {r['katex']:3d}/{p['math']:<3d} images {r['imgs']:2d}/{p['images']:<2d} "
                    f"cells {r['cells']:3d}" + ('' if p.get('executed', True) else '  (no stored outputs)') if r else '')
            print(f"{'ok  ' if not probs else 'FAIL'} {p['page']:32s} {stat}")
            for pr in probs: print(f'       {pr}')
            failed += bool(probs)
    for name in shots:
        name, _, anchor = name.partition('#')
        name = name.removesuffix('.html')
        shots_dir.mkdir(parents=True, exist_ok=True)
        png = shots_dir / (f'{name}-{anchor}.png' if anchor else f'{name}.png')
        screenshot(exe, out / f'{name}.html', png, anchor)
        print(f'docs check: screenshot {png}')
    print(f'docs-check: {n_pages - failed} passed, {failed} failed')
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('cmd', nargs='?', default='build', choices=['build', 'check'])
    ap.add_argument('--out', default=str(root / '_docs'), help='output folder (default _docs)')
    ap.add_argument('--nbs', default=str(root / 'nbs'), help='notebook folder (default nbs)')
    ap.add_argument('--check', action='store_true', help='with build: run the browser check afterwards')
    ap.add_argument('--screenshot', default='', help='check: comma-separated pages to screenshot, e.g. index,12_duet#api-reference,02_transforms#figure')
    ap.add_argument('--shots-dir', default=str(root / '_docs' / '_shots'), help='check: where screenshots go')
    ap.add_argument('--workers', type=int, default=2, help='check: pages loaded at once')
    a = ap.parse_args()
    out = Path(a.out).resolve()
    rc = 0
    if a.cmd == 'build':
        build(out, Path(a.nbs).resolve())
    if a.cmd == 'check' or a.check:
        rc = check(out, [s for s in a.screenshot.split(',') if s], Path(a.shots_dir), a.workers)
    sys.exit(rc)


if __name__ == '__main__':
    main()
