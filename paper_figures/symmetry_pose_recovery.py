"""Canonical-pose recovery of the 28x28 IE-AE on real MNIST (chapter 50).

Trains `SymmetryAE` (arch='cn', N = 16, 28x28, the chapter's recipe) on RotMNIST60 built from real MNIST
(`get_dataset('RotMNIST60', 'train')`, its first 4,000 digits: every digit turned by U[-60, 60] deg), checkpointing every epoch to
RUN_DIR/last.pt (rerunning resumes), then turns upright test digits by known angles and measures how well the
canonical pose undoes them. Writes symmetry_pose_recovery.csv (per angle and per class) and .png.

    flock /tmp/coord/cpu.lock env OMP_NUM_THREADS=2 .venv/bin/python paper_figures/symmetry_pose_recovery.py [epochs] [seed]
"""
import csv, json, math, os, sys, time, warnings
from pathlib import Path
import torch

warnings.filterwarnings('ignore')
from equinb.symmetry import SymmetryAE, pose_recovery, canonicalize
from equinb.groups import rotate_images
from equinb.data import get_dataset, DeviceLoader, default_source, describe_source
from equinb.train import fit

HERE = Path(__file__).parent
EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0
GROUP_LOSS = os.environ.get('SYM_GROUP_LOSS', 'l1')
N_TEST = 1000
N_TRAIN = int(os.environ.get('SYM_N_TRAIN', 4000))   # the first N_TRAIN training digits (0: all 8,000)
_TAG = '' if (N_TRAIN, EPOCHS) == (4000, 5) else f'_n{N_TRAIN}_e{EPOCHS}'
RUN_DIR = Path(os.environ.get('SYM_RUN_DIR', Path.home() / '.cache/equinb/runs' / f'symmetry_pose_recovery_{GROUP_LOSS}_s{SEED}{_TAG}'))


def main():
    src = default_source()
    print(describe_source(src, None), flush=True)
    X, Y, ex = get_dataset('RotMNIST60', 'train', size=28, seed=SEED)
    if N_TRAIN: X, Y = X[:N_TRAIN], Y[:N_TRAIN]
    x0, y0, _ = get_dataset(src, 'test', size=28)
    x0, y0 = x0[:N_TEST], y0[:N_TEST]
    torch.manual_seed(SEED)
    ae = SymmetryAE(1, 28, group_loss=GROUP_LOSS)
    t0 = time.time()
    log = []
    def cb(model, epoch):
        r = pose_recovery(model, x0[:300])
        row = dict(epoch=epoch, err=r['err'].mean().item(), equiv=r['equiv'].mean().item(),
                   offset=r['offset'].mean().item(), secs=round(time.time() - t0, 1))
        print(row, flush=True); log.append(row)
        return {'pose_err_deg': row['err']}
    hist = fit(ae, DeviceLoader(X, Y, batch_size=64, device='cpu', seed=SEED), epochs=EPOCHS, lr=1e-3,
               optimizer='adam', betas=(0.9, 0.999), weight_decay=0., warmup_epochs=0, progress=False,
               device='cpu', save_dir=str(RUN_DIR), resume=True, seed=SEED, callbacks=[cb])
    r = pose_recovery(ae, x0)
    err, eq, off = r['err'], r['equiv'], r['offset']
    rows = [dict(group='angle', key=int(a), n=err.shape[1], err_mean=err[i].mean().item(), err_median=err[i].median().item(),
                 equiv_mean=eq[i].mean().item()) for i, a in enumerate(r['angles'].tolist())]
    rows += [dict(group='class', key=c, n=int((y0 == c).sum()), err_mean=err[:, y0 == c].mean().item(),
                  err_median=err[:, y0 == c].median().item(), equiv_mean=eq[:, y0 == c].mean().item()) for c in range(10)]
    rows.append(dict(group='all', key='all', n=err.numel(), err_mean=err.mean().item(), err_median=err.median().item(),
                     equiv_mean=eq.mean().item()))
    with (HERE / 'symmetry_pose_recovery.csv').open('w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader()
        for row in rows: w.writerow({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})
    summary = dict(group_loss=GROUP_LOSS, source=src, n_train=len(X), n_test=len(x0), epochs=EPOCHS, seed=SEED, err_mean=err.mean().item(),
                   err_median=err.median().item(), equiv_mean=eq.mean().item(), offset_mean=off.mean().item(),
                   frac_within_15=(err < 15).float().mean().item(), history=hist, per_epoch=log, run_dir=str(RUN_DIR))
    (HERE / 'symmetry_pose_recovery.json').write_text(json.dumps(summary, indent=1, default=float))
    print({k: v for k, v in summary.items() if k not in ('history', 'per_epoch')}, flush=True)
    plot(r, y0, x0, ae)


def plot(r, y0, x0, ae):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    err = r['err']; a = r['angles']
    fig = plt.figure(figsize=(13, 6.5))
    ax = fig.add_subplot(2, 3, 1)
    ax.plot(a, err.mean(1), 'o-', label='mean'); ax.plot(a, err.median(1).values, 's--', label='median')
    ax.plot(a, r['equiv'].mean(1), '^:', label='equivariance (mean)')
    ax.set_xlabel('applied rotation a (deg)'); ax.set_ylabel('|pose - a| (deg)'); ax.legend(fontsize=8)
    ax.set_title('pose recovery on upright MNIST test digits', fontsize=9)
    ax = fig.add_subplot(2, 3, 2)
    ax.bar(range(10), [err[:, y0 == c].mean().item() for c in range(10)])
    ax.set_xticks(range(10)); ax.set_xlabel('digit'); ax.set_ylabel('mean |pose - a| (deg)'); ax.set_title('per class', fontsize=9)
    ax = fig.add_subplot(2, 3, 3)
    ax.hist(err.flatten().numpy(), bins=36, range=(0, 180))
    ax.set_yscale('log'); ax.set_xlabel('|pose - a| (deg)'); ax.set_title('all errors', fontsize=9)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.94, bottom=0.58, wspace=0.3)
    # examples: rotated inputs and their canonicalisations
    idx = torch.arange(8)
    ang = torch.deg2rad(torch.tensor([-60., -40., -20., 0., 20., 40., 60., 30.]))
    xr = rotate_images(x0[idx], ang)
    xc, _ = canonicalize(ae, xr)
    for row, (imgs, name) in enumerate(((xr, 'turned by a'), (xc, 'canonicalised'))):
        for j in range(8):
            axj = fig.add_axes([0.05 + j * 0.113, 0.25 - row * 0.23, 0.1, 0.19])
            axj.imshow(imgs[j, 0], cmap='gray'); axj.axis('off')
            if row == 0: axj.set_title(f'a={math.degrees(ang[j]):.0f}', fontsize=8)
        fig.text(0.005, 0.3 - row * 0.23, name, rotation=90, fontsize=8)
    fig.savefig(HERE / 'symmetry_pose_recovery.png', dpi=110)


if __name__ == '__main__':
    main()
