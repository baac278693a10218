"""DUET vs SimCLR vs ESSL with the same budget on the embedded digits (`tx sca rot`, `equi_tx rot`).

Each method trains `small_cnn` for the same number of epochs with the same optimiser, batch and seeds,
then is evaluated on frozen features: linear-probe accuracy, rotation-prediction R^2 (cos/sin of a random
rotation, linear regressor) and DUET's controlled generation (decode representations whose group axis is
rolled by 1-3 bins and compare with the truly rotated digits; `recon_mse` is the plain reconstruction).
ESSL cannot take the predicted transformation among its views (chapter 11), so it gets `tx sca` and
predicts `rot`: the same two transformations, split the way ESSL needs them.

Writes paper_figures/duet_comparison.csv (one row per method and seed) and duet_comparison.png.

    python paper_figures/duet_comparison.py --epochs 15 --seeds 0 1
"""
import argparse, csv, time
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import torch

from equinb.cli import run_ssl

HERE = Path(__file__).resolve().parent
RUNS = {'duet': dict(model='duet', tx='sca rot', equi_tx='rot'),
        'simclr': dict(model='simclr', tx='sca rot', equi_tx='rot'),
        'essl': dict(model='essl', tx='sca', equi_tx='rot')}
METRICS = ['probe_acc', 'rotation_r2', 'recon_mse', 'shift_mse']


def main(epochs=15, seeds=(0,), lam=100.0, threads=None, out=HERE / 'duet_comparison'):
    if threads: torch.set_num_threads(threads)
    rows = []
    for seed in seeds:
        for name, kw in RUNS.items():
            t = time.time()
            r = run_ssl(**kw, encoder='small_cnn', batch_size=256, epochs=epochs, warmup_epochs=1, lr=2e-3, lam=lam,
                        proj_dims=(512, 512, 128), seed=seed, progress=False)
            row = {'method': name, 'seed': seed, 'epochs': epochs, **{m: r['results'][m] for m in METRICS},
                   'final_loss': r['history'][-1]['loss'], 'seconds': round(time.time() - t, 1)}
            print(row, flush=True)
            rows.append(row)
    out = Path(out)
    with open(out.with_suffix('.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)
    fig, axs = plt.subplots(1, len(METRICS), figsize=(3.2 * len(METRICS), 3))
    for ax, m in zip(axs, METRICS):
        for i, name in enumerate(RUNS):
            vals = [r[m] for r in rows if r['method'] == name]
            ax.bar(i, sum(vals) / len(vals), color=f'C{i}', alpha=.6)
            ax.plot([i] * len(vals), vals, 'k.')
        ax.set_xticks(range(len(RUNS))); ax.set_xticklabels(list(RUNS)); ax.set_title(m)
    fig.suptitle(f'digits, small_cnn, {epochs} epochs, seeds {list(seeds)} (lower is better for the MSEs)', fontsize=9)
    plt.tight_layout(); plt.savefig(out.with_suffix('.png'), dpi=120)
    return rows


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--epochs', type=int, default=15)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0])
    ap.add_argument('--lam', type=float, default=100.0, help="DUET's JS weight")
    ap.add_argument('--threads', type=int, default=None)
    a = ap.parse_args()
    main(a.epochs, a.seeds, a.lam, a.threads)
