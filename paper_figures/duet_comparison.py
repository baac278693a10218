"""DUET vs SimCLR vs ESSL on real MNIST with one budget, plus a random-init encoder row and a raw-pixel row.

Every trained method gets the same encoder (`small_cnn`, 128-d), data (`n_train` seeded training digits), epochs,
batch, optimiser and seeds; views `tx sca rot`, DUET's group axis on `rot` with the paper's headline settings
(`--duet-target vm --duet-lambda 1000`, G = 8). ESSL cannot take the predicted transformation among its views
(chapter 11), so it gets `tx sca` and predicts `rot` (ml-duet's +-90 degree regression). Every row, the two
baselines included, is scored on the same frozen-feature evaluations of the test digits:

- probe_acc: linear-probe accuracy (chapter 30);
- rotation_r2: R^2 of a linear regressor of (cos a, sin a) of a random rotation (ssl_experiment);
- recon_mse / shift_mse: the paper's controlled generation: a decoder fitted on the frozen features of upright
  and rotated training digits; the group axis of a test digit's features rolled by 1-3 bins and decoded, MSE
  against the digit really rotated by that many bins (shift_mse, mean over the rolls; recon_mse: no roll);
- group_js / group_acc: the group marginal of randomly rotated test digits against its von Mises target (mean
  JS) and how often its argmax is the bin of the drawn angle (chance 1/8) (chapter 12, `group_agreement`).

One command regenerates everything; runs already in the CSV are kept (delete the CSV to start over), and the CSV
and PNG are rewritten after each run, so an interrupted invocation loses at most one run:

    python paper_figures/duet_comparison.py                      # mnist, seeds 0 1 2
    python paper_figures/duet_comparison.py --seeds 1            # one seed (e.g. one CPU-lock slot)
    python paper_figures/duet_comparison.py --datasets fashion_mnist --n-test 2000
    python paper_figures/duet_comparison.py --plot-only
"""
import argparse, csv, math, time
from pathlib import Path

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import torch
from torch import nn

from equinb.core import seed_everything
from equinb.ssl_experiment import SSLConfig, run_ssl, load_data, build_ssl_method, evaluate_ssl
from equinb.methods.duet import group_agreement

HERE = Path(__file__).resolve().parent
OUT = HERE / 'duet_comparison'
METHODS = {'duet': dict(model='duet', tx='sca rot', equi_tx='rot'),
           'simclr': dict(model='simclr', tx='sca rot', equi_tx='rot'),
           'essl': dict(model='essl', tx='sca', equi_tx='rot')}
ROWS = [*METHODS, 'random_init', 'pixels']
METRICS = ['probe_acc', 'rotation_r2', 'recon_mse', 'shift_mse', 'group_js', 'group_acc']
BETTER = {'probe_acc': 'higher', 'rotation_r2': 'higher', 'recon_mse': 'lower', 'shift_mse': 'lower',
          'group_js': 'lower', 'group_acc': 'higher'}
BUDGET = dict(encoder='small_cnn', batch_size=256, epochs=8, warmup_epochs=1, lr=2e-3, proj_dims=(512, 512, 128),
              lam=1000.0, target='vm', bins=8)


def evaluate(encoder, x, y, xt, yt, seed):
    "Every metric of one frozen encoder (or callable)."
    res = evaluate_ssl(encoder, x, y, xt, yt, bins=BUDGET['bins'], seed=seed)
    res.update(group_agreement(encoder, xt, bins=BUDGET['bins'], target=BUDGET['target'], seed=seed))
    return res


def run_one(row, dataset, seed, n_train, epochs, n_test=None):
    "Train (for the methods) and evaluate one row; returns the CSV row."
    base = SSLConfig(**{**BUDGET, **METHODS['duet'], 'epochs': epochs}, dataset=dataset, n_train=n_train, seed=seed,
                     progress=False, evaluate=False)
    x, y, xt, yt = load_data(base)
    if n_test: xt, yt = xt[:n_test], yt[:n_test]                                 # the first n_test test images
    t = time.time()
    final_loss = float('nan')
    if row in METHODS:
        out = run_ssl(base, **METHODS[row])
        enc, final_loss = out['method'].encoder, out['history'][-1]['loss_total']
    elif row == 'random_init':
        seed_everything(seed); enc = build_ssl_method(base, x.shape[1]).encoder   # the same x - 0.5 input shift
    else:
        enc = nn.Flatten()
    train_s = time.time() - t
    res = evaluate(enc, x, y, xt, yt, seed)
    return {'dataset': dataset, 'row': row, 'seed': seed, 'epochs': epochs if row in METHODS else 0, 'n_train': len(x),
            'n_test': len(xt), **{m: res[m] for m in METRICS}, 'final_loss': final_loss,
            'train_seconds': round(train_s, 1), 'eval_seconds': round(time.time() - t - train_s, 1)}


def read_rows(path):
    if not path.exists(): return []
    with open(path) as f: return list(csv.DictReader(f))


def write(rows, out=OUT):
    with open(out.with_suffix('.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)
    plot(rows, out)


def summary(rows):
    "(dataset, row) -> metric -> (mean, min, max, n)."
    out = {}
    for r in rows:
        d = out.setdefault((r['dataset'], r['row']), {m: [] for m in METRICS})
        for m in METRICS: d[m].append(float(r[m]))
    return {k: {m: (sum(v) / len(v), min(v), max(v), len(v)) for m, v in d.items()} for k, d in out.items()}


NAMES = {'duet': 'DUET', 'simclr': 'SimCLR', 'essl': 'ESSL', 'random_init': 'random-init encoder', 'pixels': 'raw pixels'}


def table(rows):
    "The README table (markdown): mean over seeds (min-max) per row and metric, and the paper's headline."
    lines = []
    for ds in sorted({r['dataset'] for r in rows}):
        s = summary([r for r in rows if r['dataset'] == ds])
        n = max(v['probe_acc'][3] for v in s.values())
        ep = next(r['epochs'] for r in rows if r['dataset'] == ds and r['row'] in METHODS)
        nt = rows[0]['n_train']
        lines += [f"{ds}, {BUDGET['encoder']}, {ep} epochs on {nt} training images, {n} seeds: mean (min-max)", '',
                  '| | ' + ' | '.join(f"{m} ({BETTER[m]})" for m in METRICS) + ' |',
                  '|---|' + '---|' * len(METRICS)]
        for name in ROWS:
            if (ds, name) not in s: continue
            cells = [f"{v[0]:.3f} ({v[1]:.3f}-{v[2]:.3f})" if v[3] > 1 else f"{v[0]:.3f}" for v in (s[(ds, name)][m] for m in METRICS)]
            lines.append(f"| {NAMES[name]} | " + ' | '.join(cells) + ' |')
        lines.append('| paper (resnet32, CIFAR-10, 800 epochs, `--tx sca rot --equi-tx rot --duet-target vm --duet-lambda 1000`) | '
                     '~0.73 (DUET) | | | | | |')
        lines.append('')
    return '\n'.join(lines)


def plot(rows, out=OUT):
    sets = sorted({r['dataset'] for r in rows})
    fig, axs = plt.subplots(len(sets), len(METRICS), figsize=(3.0 * len(METRICS), 3.0 * len(sets)), squeeze=False)
    for di, ds in enumerate(sets):
        for ax, m in zip(axs[di], METRICS):
            for i, name in enumerate(ROWS):
                vals = [float(r[m]) for r in rows if r['dataset'] == ds and r['row'] == name]
                if not vals: continue
                mean = sum(vals) / len(vals)
                ax.bar(i, mean, color=f'C{i}', alpha=.6)
                ax.plot([i] * len(vals), vals, 'k.', ms=4)
                if m == 'rotation_r2' and mean < -0.5:          # off the scale: write the value instead
                    ax.text(i, -0.45, f'{mean:.1f}', ha='center', fontsize=7, rotation=90)
            if m == 'rotation_r2': ax.set_ylim(-0.5, 1)
            if m == 'group_acc': ax.axhline(1 / BUDGET['bins'], color='k', ls=':', lw=1, label='chance 1/G')
            ax.set_xticks(range(len(ROWS))); ax.set_xticklabels(['DUET', 'SimCLR', 'ESSL', 'random', 'pixels'], rotation=30, fontsize=8)
            ax.set_title(f"{ds}: {m} ({BETTER[m]} is better)", fontsize=8)
    n_seeds = len({int(r['seed']) for r in rows})
    fig.suptitle(f"{BUDGET['encoder']}, {rows[0]['epochs']} epochs on {rows[0]['n_train']} training images, "
                 f"{n_seeds} seed(s) (dots); DUET: tx sca rot, equi rot, vm, lambda {BUDGET['lam']:g}", fontsize=9)
    plt.tight_layout(); plt.savefig(out.with_suffix('.png'), dpi=120); plt.close(fig)


def main(datasets=('mnist',), seeds=(0, 1, 2), n_train=3000, epochs=8, plot_only=False, out=OUT, n_test=None):
    out = Path(out)
    rows = read_rows(out.with_suffix('.csv'))
    if plot_only: plot(rows, out); print(table(rows)); return rows
    for ds in datasets:
        for seed in seeds:
            for row in ROWS:
                if any(r['dataset'] == ds and r['row'] == row and int(r['seed']) == seed and
                       int(r['n_train']) == n_train and int(r['epochs']) == (epochs if row in METHODS else 0) for r in rows):
                    continue
                r = run_one(row, ds, seed, n_train, epochs, n_test)
                print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}, flush=True)
                rows.append(r); write(rows, out)
    print(table(rows))
    return rows


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--datasets', nargs='+', default=['mnist'], help="mnist and/or fashion_mnist")
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--n-train', type=int, default=3000)
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--n-test', type=int, default=None, help='score on the first n test images (default: all)')
    ap.add_argument('--plot-only', action='store_true')
    a = ap.parse_args()
    main(a.datasets, a.seeds, a.n_train, a.epochs, a.plot_only, n_test=a.n_test)
