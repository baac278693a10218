"""The paper's five symmetry-detection experiments (Urbano & Romero 2023) on real MNIST, through `run_symmetry`.

    .venv/bin/python paper_figures/symmetry_experiments.py            # the full grid (resumes; skips finished runs)
    .venv/bin/python paper_figures/symmetry_experiments.py --smoke    # a tiny grid into /tmp/symmetry_experiments_smoke
    .venv/bin/python paper_figures/symmetry_experiments.py --plot     # only redraw the PNG from the stored runs

For every dataset (RotMNIST60, RotMNIST60-90, MNISTMultiple, MNISTMultipleGaussian, MNISTC2C4) and seed:
- model 'ssl-sym': the IE-AE with the group term (w = 1/32), level network, and the authors' evaluations
  (chapter 51, `ood_protocol='authors'`): per-class levels on the variant's test split, OOD detection on upright
  test digits turned by U[-180, 180], k-means (10 and 64 clusters) and a width-scaled ResNet-18 on raw vs
  symmetry-standardised images, 5-NN on the invariant embeddings; with the baselines run_symmetry reports
  (constant level, random-init IE-AE, majority OOD answer, raw-pixel k-NN);
- model 'ie-ae': the plain IE-AE (w = 0), the paper's IE-AE + kNN baseline (no level network, no classifier).
Each finished run appends its results to symmetry_experiments_runs.json; symmetry_experiments.csv (one row per
run), symmetry_experiments_per_class.csv and symmetry_experiments.png are rewritten from it after every run.
Checkpoints live in ~/.cache/equinb/runs/symmetry_experiments/<model>_<dataset>_s<seed> (resumed when present).
"""
from __future__ import annotations
import argparse, csv, json, math, os, sys, time, warnings
from pathlib import Path

import torch

warnings.filterwarnings('ignore', message='indexing with dtype torch.uint8')
HERE = Path(__file__).resolve().parent
DATASETS = ['RotMNIST60', 'RotMNIST60-90', 'MNISTMultiple', 'MNISTMultipleGaussian', 'MNISTC2C4']
# the authors' printed numbers (ssl-sym's notebooks): OOD accuracy (out_of_distrib_sym_detection, results table in
# this order), per-class MAE on MNISTMultiple (lvls_of_sym_eval), ResNet-18 raw / standardised and IE-AE + kNN
# (sym_std_resnet), k-means accuracy raw / standardised at 10 and 64 clusters (sym_std_kmeans)
AUTHORS_OOD = {'RotMNIST60': 92.368, 'RotMNIST60-90': 90.930, 'MNISTMultiple': 89.216, 'MNISTMultipleGaussian': 83.646,
               'MNISTC2C4': 82.476}
AUTHORS_MULTIPLE_MAE = [8.7, 15.6, 11.8, 8.9, 8.8, 7.7, 11.2, 12.6, 14.2, 18.7]
AUTHORS_RESNET = {'RotMNIST60': (97.470, 97.396), 'RotMNIST60-90': (96.990, 97.228), 'MNISTMultiple': (96.796, 97.168),
                  'MNISTMultipleGaussian': (96.708, 96.580), 'MNISTC2C4': (97.234, 97.532)}
AUTHORS_IEAE_KNN = {'RotMNIST60': 0.95586, 'RotMNIST60-90': 0.95316, 'MNISTMultiple': 0.95804, 'MNISTMultipleGaussian': 0.95650}
AUTHORS_KMEANS = {'RotMNIST60': {10: (0.37276, 0.71346), 64: (0.65586, 0.86816)},
                  'RotMNIST60-90': {10: (0.33584, 0.71028), 64: (0.64744, 0.86366)},
                  'MNISTMultiple': {10: (0.408, 0.6691), 64: (0.6193, 0.86224)},
                  'MNISTMultipleGaussian': {10: (0.42498, 0.62586), 64: (0.65002, 0.86068)},
                  'MNISTC2C4': {10: (0.40196, 0.59892), 64: (0.66012, 0.81838)}}

FULL = dict(n_train=3000, epochs=6, level_epochs=4, clf_epochs=4, clf_width=16, seeds=[0, 1, 2])
SMOKE = dict(n_train=300, epochs=1, level_epochs=1, clf_epochs=1, clf_width=8, seeds=[0])


def run_configs(p, datasets):
    "(tag, dataset, seed, SymmetryConfig kwargs) in the order they run: all sets of a seed, ssl-sym then IE-AE."
    out = []
    for seed in p['seeds']:
        for model in ('ssl-sym', 'ie-ae'):
            for d in datasets:
                kw = dict(dataset=d, seed=seed, n_train=p['n_train'], epochs=p['epochs'], source='mnist', progress=False)
                if model == 'ssl-sym':
                    kw.update(level_epochs=p['level_epochs'], clf_epochs=p['clf_epochs'], clf_width=p['clf_width'])
                else:
                    kw.update(loss_weight=0.0, level_epochs=0, clf_epochs=0, kmeans_clusters=())
                out.append((model, d, seed, kw))
    return out


def flat_row(model, d, seed, res, seconds):
    "One CSV row of a finished run."
    r = dict(model=model, dataset=d, seed=seed, seconds=round(seconds, 1))
    for k in ('theta_mae', 'theta_mae_constant', 'pseudo_mae', 'pseudo_mae_random_init', 'mean_level_mae', 'order_acc',
              'pseudo_order_acc', 'pseudo_order_acc_random_init', 'ood_acc', 'ood_majority', 'ood_acc_oracle_level',
              'ood_acc_random_init', 'ood_acc_balanced', 'ood_acc_balanced_random_init', 'ood_frac', 'ood_acc_as_printed', 'ood_majority_as_printed', 'mean_abs_pose_deg',
              'knn_acc', 'knn_acc_pixels', 'knn_acc_random_init'):
        r[k] = res.get(k, '')
    for n, v in (res.get('kmeans') or {}).items():
        for k, x in v.items(): r[f'kmeans{n}_{k}'] = x
    for k, x in (res.get('clf') or {}).items(): r[f'resnet_{k}'] = x
    r['authors_ood_acc'] = AUTHORS_OOD.get(d, '') if model == 'ssl-sym' else ''
    r['authors_resnet_raw'], r['authors_resnet_std'] = AUTHORS_RESNET.get(d, ('', '')) if model == 'ssl-sym' else ('', '')
    r['authors_ieae_knn'] = AUTHORS_IEAE_KNN.get(d, '') if model == 'ie-ae' else ''
    for n in (10, 64):
        a = AUTHORS_KMEANS.get(d, {}).get(n, ('', '')) if model == 'ssl-sym' else ('', '')
        r[f'authors_kmeans{n}_acc_raw'], r[f'authors_kmeans{n}_acc_std'] = a
    return r


def write_tables(runs, out):
    rows = [flat_row(r['model'], r['dataset'], r['seed'], r['results'], r['seconds']) for r in runs]
    keys = []
    for r in rows: keys += [k for k in r if k not in keys]
    with open(out / 'symmetry_experiments.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=keys); w.writeheader(); w.writerows(rows)
    pc = []
    for r in runs:
        for row in r['results']['per_class']:
            x = dict(model=r['model'], dataset=r['dataset'], seed=r['seed'], **row)
            if r['dataset'] == 'MNISTMultiple' and r['model'] == 'ssl-sym': x['authors_mae'] = AUTHORS_MULTIPLE_MAE[row['cls']]
            pc.append(x)
    keys = []
    for r in pc: keys += [k for k in r if k not in keys]
    with open(out / 'symmetry_experiments_per_class.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=keys, restval=''); w.writeheader(); w.writerows(pc)


def plot(runs, out):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np
    ms = lambda vals: (float(np.mean(vals)), float(np.std(vals))) if vals else (float('nan'), 0.)
    sel = lambda model, d: [r['results'] for r in runs if r['model'] == model and r['dataset'] == d]
    fig, axs = plt.subplots(2, 3, figsize=(17, 9))
    # (a, b) per-class levels
    for ax, d in zip(axs[0, :2], ('MNISTMultiple', 'MNISTMultipleGaussian')):
        rs = sel('ssl-sym', d)
        if not rs: ax.set_visible(False); continue
        cls = np.arange(10)
        true = [row['true'] for row in rs[0]['per_class']]
        pred = np.array([[row['pred_mean'] for row in r['per_class']] for r in rs])
        mae = np.array([[row['mae'] for row in r['per_class']] for r in rs])
        pl = np.array([[row['pseudo_mean'] for row in r['per_class']] for r in rs])
        ax.bar(cls - 0.3, true, 0.3, label='true level', color='#a8d0e6')
        ax.bar(cls, pred.mean(0), 0.3, yerr=pred.std(0), label='level network (test split)', color='#f55a58', capsize=3)
        ax.bar(cls + 0.3, pl.mean(0), 0.3, yerr=pl.std(0), label='k-NN pseudo-label (train)', color='#999999', capsize=3)
        if d == 'MNISTMultiple':
            ax2 = ax.twinx(); ax2.plot(cls, mae.mean(0), 'k.-', label='MAE (ours)'); ax2.plot(cls, AUTHORS_MULTIPLE_MAE, 'kx--', label='MAE (authors)')
            ax2.set_ylabel('per-class MAE (deg)'); ax2.legend(loc='upper right', fontsize=8)
        ax.set_xticks(cls); ax.set_xlabel('class'); ax.set_ylabel('level (deg)')
        ax.set_title(f'{d}: per-class level, {len(rs)} seed(s), mean MAE {mae.mean():.1f} deg', fontsize=10)
        ax.legend(loc='upper left', fontsize=8)
    # (c) OOD
    ax = axs[0, 2]
    xs = np.arange(len(DATASETS)); wd = 0.2
    for j, (k, lab) in enumerate((('ood_acc', 'ssl-sym (ours)'), ('ood_majority', 'chance (majority answer)'),
                                  ('ood_acc_random_init', 'random-init IE-AE + true levels'))):
        v = [ms([r[k] for r in sel('ssl-sym', d)]) for d in DATASETS]
        ax.bar(xs + (j - 1.5) * wd, [100 * a for a, _ in v], wd, yerr=[100 * s for _, s in v], label=lab, capsize=2)
    ax.bar(xs + 1.5 * wd, [AUTHORS_OOD[d] for d in DATASETS], wd, label='authors (printed)', color='k')
    ax.set_xticks(xs); ax.set_xticklabels([d.replace('MNISTMultiple', 'Mult.') for d in DATASETS], fontsize=8)
    ax.set_ylim(0, 105); ax.set_ylabel('OOD accuracy (%)'); ax.legend(fontsize=7, loc='lower left'); ax.set_title("OOD symmetry detection, authors' protocol", fontsize=10)
    # (d) k-NN
    ax = axs[1, 0]
    for j, (model, k, lab) in enumerate((('ssl-sym', 'knn_acc', 'ssl-sym emb.'), ('ie-ae', 'knn_acc', 'IE-AE emb.'),
                                         ('ssl-sym', 'knn_acc_random_init', 'random-init emb.'), ('ssl-sym', 'knn_acc_pixels', 'raw pixels'))):
        v = [ms([r[k] for r in sel(model, d)]) for d in DATASETS]
        ax.bar(xs + (j - 2) * wd * 0.9, [a for a, _ in v], wd * 0.9, yerr=[s for _, s in v], label=lab, capsize=2)
    ax.bar(xs + 2 * wd * 0.9, [AUTHORS_IEAE_KNN.get(d, np.nan) for d in DATASETS], wd * 0.9, color='k', label='authors IE-AE + kNN')
    ax.set_xticks(xs); ax.set_xticklabels([d.replace('MNISTMultiple', 'Mult.') for d in DATASETS], fontsize=8)
    ax.set_ylim(0, 1.05); ax.set_ylabel('5-NN test accuracy'); ax.legend(fontsize=7, loc='lower left'); ax.set_title('k-NN on invariant embeddings', fontsize=10)
    # (e) ResNet-18
    ax = axs[1, 1]
    for j, (k, lab) in enumerate((('acc_raw', 'raw'), ('acc_std', 'standardised'), ('acc_rot_raw', 'raw, full-circle test'),
                                  ('acc_rot_std', 'standardised, full-circle test'))):
        v = [ms([r['clf'][k] for r in sel('ssl-sym', d) if 'clf' in r]) for d in DATASETS]
        ax.bar(xs + (j - 1.5) * wd, [a for a, _ in v], wd, yerr=[s for _, s in v], label=lab, capsize=2)
    ax.set_xticks(xs); ax.set_xticklabels([d.replace('MNISTMultiple', 'Mult.') for d in DATASETS], fontsize=8)
    ax.set_ylim(0, 1.05); ax.set_ylabel('test accuracy'); ax.legend(fontsize=7, loc='lower left'); ax.set_title('ResNet-18 (scaled) on raw vs standardised images', fontsize=10)
    # (f) k-means
    ax = axs[1, 2]
    for j, (n, k, lab) in enumerate(((10, 'acc_raw', '10 clusters, raw'), (10, 'acc_std', '10, standardised'),
                                     (64, 'acc_raw', '64, raw'), (64, 'acc_std', '64, standardised'))):
        v = [ms([r['kmeans'][str(n)][k] for r in sel('ssl-sym', d) if 'kmeans' in r]) for d in DATASETS]
        ax.bar(xs + (j - 1.5) * wd, [a for a, _ in v], wd, yerr=[s for _, s in v], label=lab, capsize=2)
    ax.set_xticks(xs); ax.set_xticklabels([d.replace('MNISTMultiple', 'Mult.') for d in DATASETS], fontsize=8)
    ax.set_ylim(0, 1.05); ax.set_ylabel('k-means test accuracy'); ax.legend(fontsize=7, loc='upper left'); ax.set_title('k-means on raw vs standardised images', fontsize=10)
    n_seeds = len({r['seed'] for r in runs})
    fig.suptitle(f'Symmetry detection on real MNIST (equinb, C16 IE-AE at 28x28; {n_seeds} seed(s); error bars: std over seeds)', fontsize=12)
    fig.tight_layout()
    fig.savefig(out / 'symmetry_experiments.png', dpi=72)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--smoke', action='store_true', help='a tiny grid into /tmp/symmetry_experiments_smoke')
    ap.add_argument('--plot', action='store_true', help='only rewrite the tables and the PNG from the stored runs')
    ap.add_argument('--datasets', nargs='*', default=DATASETS, choices=DATASETS)
    ap.add_argument('--seeds', nargs='*', type=int, default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    p = dict(SMOKE if a.smoke else FULL)
    if a.seeds is not None: p['seeds'] = a.seeds
    out = Path('/tmp/symmetry_experiments_smoke') if a.smoke else HERE
    out.mkdir(parents=True, exist_ok=True)
    runs_dir = Path.home() / '.cache/equinb/runs' / ('symmetry_experiments_smoke' if a.smoke else 'symmetry_experiments')
    store = out / 'symmetry_experiments_runs.json'
    runs = json.loads(store.read_text()) if store.is_file() else []
    if a.plot:
        write_tables(runs, out); plot(runs, out); return
    from equinb.symmetry_experiment import run_symmetry
    done = {(r['model'], r['dataset'], r['seed']) for r in runs}
    todo = [c for c in run_configs(p, a.datasets) if c[:3] not in done]
    print(f"{len(done)} runs stored, {len(todo)} to go; settings {p}", flush=True)
    for model, d, seed, kw in todo:
        sd = runs_dir / f"{model}_{d}_s{seed}"
        resume = (sd / 'last.pt').is_file()
        t0 = time.time()
        r = run_symmetry(**kw, save_dir=str(sd), resume=resume, overwrite=not resume)
        dt = time.time() - t0
        res = r['results']
        runs.append(dict(model=model, dataset=d, seed=seed, seconds=dt, settings={k: v for k, v in kw.items()}, results=res))
        tmp = store.with_suffix('.tmp'); tmp.write_text(json.dumps(runs, indent=1, default=str)); os.replace(tmp, store)
        write_tables(runs, out)
        try: plot(runs, out)
        except Exception as e: print(f"plot failed: {e}", flush=True)
        show = {k: round(res[k], 3) for k in ('theta_mae', 'pseudo_mae', 'order_acc', 'ood_acc', 'ood_majority', 'knn_acc', 'knn_acc_pixels') if k in res}
        print(f"{model:8s} {d:22s} seed {seed}: {dt:.0f}s {show} clf={ {k: round(v, 3) for k, v in (res.get('clf') or {}).items()} }", flush=True)


if __name__ == '__main__':
    main()
