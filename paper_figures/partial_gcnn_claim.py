"""The partial G-CNN paper's central claim, measured on the embedded digits.

Claim (Romero & Lohit, NeurIPS 2022): on RotMNIST (digits rotated uniformly) a partial SE(2) G-CNN keeps every
layer's p near 1 (full equivariance is right), while on MNIST6-180 (a 6 turned by 180 degrees is another class)
the later layers' p fall below 1 and the partial model beats the full G-CNN, which cannot tell the classes apart.

For each dataset, model and seed this trains a small model with `equinb.partial_experiment.run_partial` and
writes one row to partial_gcnn_claim.csv (dataset, model, seed, test accuracy, final p per layer, seconds),
the p trajectories to partial_gcnn_claim.json and a figure to partial_gcnn_claim.png. Models:
  partial       partial SE(2) G-CNN, no monotonic loss
  partial_mono  partial SE(2) G-CNN with the monotonic loss w * sum ReLU(p_{l+1} - p_l) (w = --mono-w)
  full          full SE(2) G-CNN (p = 1 in every layer)
Evaluation uses the fixed sampling offset 0 with batch-norm statistics re-estimated at that offset
(`PartialConfig.bn_recalibrate`, on by default; partial_gcnn_claim_no_bn_recal.* hold an earlier run without it,
where the full G-CNN's RotMNIST accuracy was depressed by the train/eval batch-norm mismatch).
Rows already in the CSV are skipped with --resume, so an interrupted run can be continued.
Run: .venv/bin/python paper_figures/partial_gcnn_claim.py [--seeds 0 1] [--threads 1]
"""
import argparse, csv, json, time
from pathlib import Path

import torch

from equinb.partial_experiment import run_partial, prob_history

HERE = Path(__file__).resolve().parent
MODELS = {'partial': dict(partial=True), 'partial_mono': dict(partial=True), 'full': dict(partial=False)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--datasets', nargs='+', default=['RotMNIST', 'MNIST6-180'])
    ap.add_argument('--models', nargs='+', default=['partial', 'partial_mono', 'full'], choices=list(MODELS))
    ap.add_argument('--seeds', nargs='+', type=int, default=[0, 1])
    ap.add_argument('--epochs', nargs='+', default=['RotMNIST=25', 'MNIST6-180=30'],
                    help='epochs per dataset as NAME=EPOCHS')
    ap.add_argument('--size', type=int, default=16)
    ap.add_argument('--channels', type=int, default=8)
    ap.add_argument('--n-samples', type=int, default=8)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--lr-probs', type=float, default=5e-2)
    ap.add_argument('--mono-w', type=float, default=1.0)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=str(HERE / 'partial_gcnn_claim'), help='path prefix of the .csv/.json/.png')
    ap.add_argument('--resume', action='store_true', help='keep the rows already in the CSV and skip them')
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    epochs = {k: int(v) for k, v in (e.split('=') for e in a.epochs)}
    out = Path(a.out)
    csv_path, json_path = out.with_suffix('.csv'), out.with_suffix('.json')
    rows, traj = [], {}
    if a.resume and csv_path.exists():
        rows = list(csv.DictReader(csv_path.open()))
        if json_path.exists(): traj = json.loads(json_path.read_text())
    done = {(r['dataset'], r['model'], int(r['seed'])) for r in rows}
    fields = ['dataset', 'model', 'seed', 'test_acc', 'p_0', 'p_1', 'p_2', 'epochs', 'seconds']
    t_all = time.perf_counter()
    for seed in a.seeds:
        for ds in a.datasets:
            for name in a.models:
                if (ds, name, seed) in done: continue
                t0 = time.perf_counter()
                r = run_partial(dataset=ds, seed=seed, epochs=epochs.get(ds, 20), size=a.size, channels=a.channels,
                                n_samples=a.n_samples, lr=a.lr, lr_probs=a.lr_probs,
                                monotonic_w=a.mono_w if name == 'partial_mono' else 0.0, **MODELS[name])
                row = {'dataset': ds, 'model': name, 'seed': seed, 'test_acc': round(r['test_acc'], 4),
                       **{k: round(v, 4) for k, v in r['probs'].items()},
                       'epochs': epochs.get(ds, 20), 'seconds': round(time.perf_counter() - t0, 1)}
                rows.append(row)
                traj[f'{ds}|{name}|{seed}'] = {'p': prob_history(r['history']),
                                               'test_acc': [h['test_acc'] for h in r['history']]}
                with csv_path.open('w', newline='') as f:   # rewritten after every run: an interrupted run keeps its rows
                    w = csv.DictWriter(f, fields); w.writeheader(); w.writerows(rows)
                json_path.write_text(json.dumps(traj))
                print(row, flush=True)
    print(f'total {time.perf_counter() - t_all:.0f} s', flush=True)
    plot(rows, traj, out.with_suffix('.png'), a.datasets)
    summary(rows)


def summary(rows):
    "Mean test accuracy and mean final p per layer by dataset and model."
    groups = {}
    for r in rows: groups.setdefault((r['dataset'], r['model']), []).append(r)
    print('dataset      model         seeds  test_acc (per seed)        p_0    p_1    p_2')
    for (ds, m), rs in groups.items():
        acc = [float(r['test_acc']) for r in rs]
        ps = [sum(float(r[f'p_{i}']) for r in rs) / len(rs) for i in range(3)]
        print(f"{ds:12s} {m:13s} {len(rs):5d}  {sum(acc) / len(acc):.3f} {[round(v, 3) for v in acc]!s:14s}"
              f" {ps[0]:.3f}  {ps[1]:.3f}  {ps[2]:.3f}")


def plot(rows, traj, path, datasets):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    models = ['partial', 'partial_mono']
    fig, axs = plt.subplots(1, len(datasets) + 1, figsize=(4.2 * (len(datasets) + 1), 3.4))
    for ax, ds in zip(axs, datasets):
        seen = set()
        for key, t in traj.items():
            d, m, s = key.split('|')
            if d != ds or m not in models: continue
            for i, q in enumerate(t['p']):
                lab = f'layer {i} ({m})'
                ax.plot(range(len(q)), q, '-' if m == 'partial' else '--', color=f'C{i}', alpha=0.8,
                        label=None if lab in seen else lab)
                seen.add(lab)
        ax.set_ylim(0, 1.05); ax.set_xlabel('epoch'); ax.set_ylabel('p'); ax.set_title(f'{ds}: learned p per layer')
        ax.legend(fontsize=6)
    ax = axs[-1]
    names = ['partial', 'partial_mono', 'full']
    for j, ds in enumerate(datasets):
        for k, m in enumerate(names):
            acc = [float(r['test_acc']) for r in rows if r['dataset'] == ds and r['model'] == m]
            if not acc: continue
            x = j * (len(names) + 1) + k
            ax.bar(x, sum(acc) / len(acc), color=f'C{k}', label=m if j == 0 else None)
            ax.plot([x] * len(acc), acc, 'k.')
    ax.set_xticks([j * (len(names) + 1) + 1 for j in range(len(datasets))], datasets)
    ax.set_ylim(0, 1.2); ax.set_ylabel('test accuracy'); ax.set_title('test accuracy (bars: mean, dots: seeds)')
    ax.legend(fontsize=7, loc='upper center', ncol=3)
    plt.tight_layout(); fig.savefig(path, dpi=120)
    print('wrote', path)


if __name__ == '__main__':
    main()
