#!/usr/bin/env python3
"""What `make test` runs after set-up: three checks, then a closing `N passed, N failed` line.

1. sync: `nbdev-clean`, `nbdev-export` and `tools/readme.py` must change no file under nbs/,
   equinb/ or README.md (the notebooks are the source of truth; the package is their export);
2. wheel: build equinb's wheel and import every module from it, away from the source tree;
3. notebooks: `nbdev-test`, counting notebooks passed and failed (nbdev-test prints no count).

    python tools/run_tests.py [--flags "slow gpu"] [--workers 2] [--skip-sync] [--skip-wheel]
"""
import argparse, hashlib, os, re, subprocess, sys, tempfile, zipfile
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


def check_wheel():
    "Build the wheel, then import each module it holds from an unpacked copy, outside the repo."
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '-w', str(d / 'dist'), str(root)],
                       check=True)
        whl, = (d / 'dist').glob('equinb-*.whl')
        site = d / 'site'
        zipfile.ZipFile(whl).extractall(site)
        mods = sorted('.'.join(p.relative_to(site).with_suffix('').parts).removesuffix('.__init__')
                      for p in site.glob('equinb/**/*.py'))
        code = ('import importlib, sys\nsys.path.insert(0, sys.argv[1])\n'
                'for m in sys.argv[2:]:\n'
                '    f = importlib.import_module(m).__file__\n'
                '    assert f.startswith(sys.argv[1]), f"{m} imported from {f}, not the wheel"\n')
        env = {**os.environ, 'PYTHONPATH': ''}
        subprocess.run([sys.executable, '-c', code, str(site), *mods], cwd=d, env=env, check=True)
        print(f'wheel: ok ({whl.name}: {len(mods)} modules import from the wheel)')


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--flags', default='', help='nbdev-test flags to run as well, e.g. "slow gpu"')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--skip-sync', action='store_true')
    ap.add_argument('--skip-wheel', action='store_true')
    a = ap.parse_args()
    if not a.skip_sync: check_sync()
    if not a.skip_wheel: check_wheel()
    passed, failed = run_notebooks(a.flags, a.workers)
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__': main()
