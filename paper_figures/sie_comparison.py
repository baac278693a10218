"""SIE vs VICReg vs EquiMod vs SimCLR+AugSelf on the procedural 3D benchmark, with one shared budget.

Writes paper_figures/sie_comparison.csv (one row per method) and paper_figures/sie_comparison.png.
Every method gets the same encoder, projector widths, batch size, optimiser, epochs and evaluation
(`equinb.sie_experiment.run_sie`); only `experience` differs. Small-budget CPU numbers, not the paper's:
a 'chance' row (uniform classes, R^2 0, a uniformly random view for PRE / MRR / H@k) is added to read them.
`--replot` redraws the PNG from the existing CSV without training.

    .venv/bin/python paper_figures/sie_comparison.py --epochs 15
"""
from __future__ import annotations
import argparse, json, time
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import torch

import pandas as pd

from equinb.sie_experiment import SIEConfig, run_sie, results_table, load_bench, view_quaternions, eval_pairs

METHODS = {'SIE': 'SIE', 'VICReg': 'VICReg', 'EquiMod': 'EquiMod', 'SimCLR+AugSelf': 'SimCLRAugSelf'}
PANELS = [('acc_full', 'classification, full (%)'), ('acc_inv', 'classification, inv (%)'),
          ('rot_r2_full', 'rotation $R^2$, full'), ('pre', 'PRE (lower is better)'), ('mrr', 'MRR'), ('H@1', 'H@1 (%)')]


def chance_row(cfg: SIEConfig) -> dict:
    "What a representation with no information scores: uniform classes, R^2 0, a uniformly random view for PRE/MRR/H@k."
    train, val = load_bench(cfg)
    N, V = val.images.shape[:2]
    q = view_quaternions(val.latents)                                   # (N, V, 4)
    o, _, v2 = eval_pairs(val, cfg.eval_pairs, cfg.seed + 1)            # the evaluation's own pairs
    pre = (1 - torch.einsum('pd,pvd->pv', q[o, v2], q[o]) ** 2).clamp_min(0).mean().item()
    n_cls = int(train.labels.max()) + 1
    return {'acc_inv': 100 / n_cls, 'acc_equi': 100 / n_cls, 'acc_full': 100 / n_cls, 'rot_r2_inv': 0., 'rot_r2_equi': 0.,
            'rot_r2_full': 0., 'colour_r2_full': 0., 'pre': pre, 'mrr': sum(1 / r for r in range(1, V + 1)) / V,
            'H@1': 100 / V, 'H@5': 500 / V, 'H@10': 1000 / V, 'predictor': 'random view'}


def plot(df: pd.DataFrame, title: str, path: str):
    "Bar charts of the headline metrics, with the chance level as a dashed line."
    chance = df.loc['chance'] if 'chance' in df.index else None
    df = df.drop(index='chance', errors='ignore')
    fig, axs = plt.subplots(1, len(PANELS), figsize=(3.0 * len(PANELS), 3))
    for ax, (col, name) in zip(axs, PANELS):
        vals = df[col].astype(float)
        ax.bar(range(len(vals)), vals.fillna(0), color=['C0', 'C1', 'C2', 'C3'][:len(vals)])
        if chance is not None: ax.axhline(float(chance[col]), color='k', ls='--', lw=1, label='chance')
        ax.set_xticks(range(len(vals))); ax.set_xticklabels(df.index, rotation=30, ha='right', fontsize=8)
        ax.set_title(name, fontsize=9)
        for i, v in enumerate(vals): ax.text(i, 0 if v != v else v, 'n/a' if v != v else f'{v:.2f}', ha='center', va='bottom', fontsize=7)
    axs[0].legend(fontsize=7, loc='lower right')
    fig.suptitle(title, fontsize=9)
    plt.tight_layout(); fig.savefig(path, dpi=120)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=15)
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--mlp', default='256-256-256')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--widths', type=int, nargs=4, default=(16, 32, 64, 64), help='small_cnn channel widths')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=str(Path(__file__).parent / 'sie_comparison'))
    p.add_argument('--replot', action='store_true', help='redraw the PNG (and add the chance row) from the existing CSV')
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    base = SIEConfig(epochs=a.epochs, batch_size=a.batch_size, mlp=a.mlp, seed=a.seed, progress=False, widths=tuple(a.widths),
                     regressor_hidden=128, regressor_epochs=100)
    title = (f'procedural 3D benchmark (10 classes, 320 train objects, 12 views), small CNN {tuple(a.widths)}, '
             f'{a.epochs} epochs each; CPU budget. PRE/MRR of VICReg and SimCLR+AugSelf use a predictor fitted after training')
    if a.replot:
        df = pd.read_csv(a.out + '.csv', index_col='method')
    else:
        results, secs = {}, {}
        for name, exp in METHODS.items():
            t0 = time.perf_counter()
            out = run_sie(base, experience=exp)
            secs[name] = time.perf_counter() - t0
            results[name] = out['results']
            print(name, f'{secs[name]:.0f}s', {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out['results'].items()}, flush=True)
        df = results_table(results)
        df['seconds'] = [round(secs[n]) for n in df.index]
        df['epochs'] = a.epochs
        df.index.name = 'method'
    if 'chance' not in df.index:
        row = chance_row(base)
        df.loc['chance'] = {c: row.get(c, float('nan')) for c in df.columns}
    df.to_csv(a.out + '.csv')
    plot(df, title, a.out + '.png')
    print(df.round(3).to_string())
    print(json.dumps({'csv': a.out + '.csv', 'png': a.out + '.png'}))


if __name__ == '__main__':
    main()
