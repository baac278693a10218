#!/usr/bin/env python3
"""What `make test` runs after set-up: three checks, then a closing `N passed, N failed` line.

1. sync: `nbdev-clean`, `nbdev-export` and `tools/readme.py` must change no file under nbs/,
   equinb/ or README.md (the notebooks are the source of truth; the package is their export);
2. wheel: build equinb's wheel, install it into a fresh venv outside the source tree, import every module,
   run every console script's --help and the README's python snippets from there;
3. notebooks: `nbdev-test`, counting notebooks passed and failed (nbdev-test prints no count);
4. outputs: the chapters stored with their outputs are re-executed (tools/check_outputs.py --all) and must give
   the same numbers and figures to its tolerance, so no stale output survives; each stale notebook counts as failed.

    python tools/run_tests.py [--flags "slow gpu"] [--workers 2] [--skip-sync] [--skip-wheel] [--skip-outputs]
"""
import argparse, hashlib, os, re, shutil, subprocess, sys, tempfile, zipfile
from pathlib import Path

root = Path(__file__).resolve().parents[1]
bindir = Path(sys.executable).parent


def _snapshot():
    files = [*root.glob('nbs/**/*.ipynb'), *root.glob('equinb/**/*.py'), root / 'README.md']
    return {str(f.relative_to(root)): hashlib.md5(f.read_bytes()).hexdigest() for f in files if f.exists()}


def check_sync():
    "Fail if cleaning/exporting the notebooks or regenerating the README changes any file."
    before = _snapshot()
    for cmd in ([bindir / 'nbdev-clean'], [bindir / 'nbdev-export'], [sys.executable, root / 'tools' / 'readme.py']):
        subprocess.run([str(c) for c in cmd], cwd=root, check=True)
    after = _snapshot()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        sys.exit('sync: FAILED: nbdev-clean/nbdev-export/readme changed these files (commit the result):\n  '
                 + '\n  '.join(changed))
    print(f'sync: ok ({len(after)} files unchanged by nbdev-clean + nbdev-export + readme)')


def _console_scripts(whl: Path) -> list[str]:
    "The console-script names a wheel declares (its entry_points.txt)."
    with zipfile.ZipFile(whl) as z:
        name = next((n for n in z.namelist() if n.endswith('.dist-info/entry_points.txt')), None)
        text = z.read(name).decode() if name else ''
    names, section = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('['): section = line.strip('[]')
        elif section == 'console_scripts' and '=' in line: names.append(line.split('=')[0].strip())
    return names


def _readme_snippets() -> list[str]:
    "The ```python blocks of README.md, in order."
    readme = root / 'README.md'
    return re.findall(r'```python\n(.*?)```', readme.read_text(), flags=re.S) if readme.exists() else []


def check_wheel():
    """Build the wheel, install it into a fresh venv outside the source tree, then from there import every module,
    run every console script's `--help` and the README's python snippets.

    Offline by design: the wheel is built with this environment's setuptools (`--no-build-isolation`), the venv is
    made without pip, and a `.pth` line puts this environment's site-packages (torch, numpy, pip, ...) after the
    venv's own.  A `.pth` line only adds a path: the editable install's finder (which maps `equinb` to the source
    tree) is never executed there, so `equinb` can only come from the wheel."""
    import sysconfig
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        src = d / 'src'                # a clean copy: a stale build/ in the checkout must not leak into the wheel
        shutil.copytree(root / 'equinb', src / 'equinb', ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        for f in ('pyproject.toml', 'README.md', 'LICENSE'):
            if (root / f).exists(): shutil.copy2(root / f, src / f)
        subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation',
                        '-w', str(d / 'dist'), str(src)], check=True, cwd=d)
        whl, = (d / 'dist').glob('equinb-*.whl')
        with zipfile.ZipFile(whl) as z:
            mods = sorted('.'.join(Path(n).with_suffix('').parts).removesuffix('.__init__')
                          for n in z.namelist() if n.startswith('equinb/') and n.endswith('.py'))
        want = sorted('.'.join(p.relative_to(root).with_suffix('').parts).removesuffix('.__init__')
                      for p in (root / 'equinb').glob('**/*.py') if '__pycache__' not in p.parts)
        if missing := sorted(set(want) - set(mods)):
            sys.exit(f'wheel: FAILED: {whl.name} lacks these modules of the source tree (check '
                     f'[tool.setuptools.packages.find] in pyproject.toml): {", ".join(missing)}')
        venv = d / 'venv'
        subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True)
        vpy = venv / 'bin' / 'python'
        vsite = Path(subprocess.run([str(vpy), '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
                                    check=True, capture_output=True, text=True).stdout.strip())
        (vsite / '_equinb_base_env.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')
        env = {**{k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV')},
               'PYTHONNOUSERSITE': '1', 'MPLBACKEND': 'Agg'}
        subprocess.run([str(vpy), '-m', 'pip', 'install', '-q', '--no-deps', '--no-index', str(whl)],
                       check=True, cwd=d, env=env)
        code = ('import importlib, sys\n'
                'for m in sys.argv[2:]:\n'
                '    f = importlib.import_module(m).__file__\n'
                '    assert f.startswith(sys.argv[1]), f"{m} imported from {f}, not the installed wheel"\n')
        subprocess.run([str(vpy), '-c', code, str(vsite), *mods], cwd=d, env=env, check=True)
        scripts = _console_scripts(whl)
        for s in scripts:
            exe = venv / 'bin' / s
            r = subprocess.run([str(exe), '--help'], cwd=d, env=env, capture_output=True, text=True)
            if r.returncode != 0 or 'usage' not in r.stdout.lower():
                sys.exit(f'wheel: FAILED: `{s} --help` from the installed wheel exited {r.returncode}:\n'
                         f'{r.stdout[-2000:]}{r.stderr[-2000:]}')
        snippets = _readme_snippets()
        if snippets:
            r = subprocess.run([str(vpy), '-c', '\n'.join(snippets)], cwd=d, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit(f'wheel: FAILED: the README python snippets, run from the installed wheel, exited '
                         f'{r.returncode}:\n{r.stdout[-2000:]}{r.stderr[-3000:]}')
        print(f'wheel: ok ({whl.name} installed into a fresh venv: {len(mods)} modules import from it, '
              f'{len(scripts)} console scripts answer --help ({", ".join(scripts)}), '
              f'{len(snippets)} README snippets run)')


def run_notebooks(flags, workers):
    "Run nbdev-test; return (passed, failed) notebook counts."
    cmd = [str(bindir / 'nbdev-test'), '--n-workers', str(workers), '--do-print', '--timing']
    if flags: cmd += ['--flags', flags]
    env = dict(os.environ)
    # notebooks run `workers` at a time: one intra-op thread each keeps 2 cores from being oversubscribed
    if workers > 1: env.setdefault('OMP_NUM_THREADS', '1')
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line); sys.stdout.flush()
        lines.append(line.rstrip('\n'))
    rc = proc.wait()
    done = [l for l in lines if l.startswith('- Completed ')]
    failed = []
    if 'nbdev Tests Failed On The Following Notebooks:' in lines:
        i = lines.index('nbdev Tests Failed On The Following Notebooks:')
        failed = [l.strip() for l in lines[i + 2:] if l.startswith('\t')]
    if rc != 0 and not failed: failed = ['(nbdev-test exited %d)' % rc]
    return max(len(done) - len(failed), 0), len(failed)


def check_outputs(workers):
    "Re-execute the notebooks stored with outputs and compare; return (passed, failed) notebook counts."
    proc = subprocess.run([sys.executable, str(root / 'tools' / 'check_outputs.py'), '--all', '--jobs', str(workers)],
                          cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout); sys.stdout.flush()
    m = re.search(r'check_outputs: (\d+) passed, (\d+) failed', proc.stdout)
    if not m: return 0, 1
    return int(m.group(1)), int(m.group(2)) or (1 if proc.returncode else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--flags', default='', help='nbdev-test flags to run as well, e.g. "slow gpu"')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--skip-sync', action='store_true')
    ap.add_argument('--skip-wheel', action='store_true')
    ap.add_argument('--skip-outputs', action='store_true', help='do not re-execute the chapters stored with outputs')
    a = ap.parse_args()
    if not a.skip_sync: check_sync()
    if not a.skip_wheel: check_wheel()
    passed, failed = run_notebooks(a.flags, a.workers)
    if not a.skip_outputs:
        op, of = check_outputs(a.workers)
        print(f'outputs: {op} notebooks current, {of} stale')
        failed += of
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__': main()
