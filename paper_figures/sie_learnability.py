"""Is the relative rotation between two views of the procedural 3D benchmark learnable at all on a CPU?

A *supervised* siamese network (one small CNN applied to each view, an MLP on the two representations
concatenated, as SIE's rotation evaluation reads them) is trained to regress the relative rotation of a pair
of views of the training objects, and scored on pairs of views of held-out (val) objects. The score is SIE's
R^2 (one global target mean, `equinb.evaluation.r2_score(..., multioutput='global')`) of the sign-canonical
quaternion (w >= 0), plus the mean geodesic error in degrees. If a supervised network cannot do it, no
self-supervised representation evaluated by a post-hoc regressor can, and the benchmark has to change.

Each setting is a benchmark (generator arguments) x a training budget. Results are appended to
paper_figures/sie_learnability.csv as each setting finishes; `--replot` redraws the PNG.

    /tmp/coord/cpu .venv/bin/python paper_figures/sie_learnability.py --settings palette_320   # one thread

Rows before palette_long were run with two threads (OMP_NUM_THREADS=2); `threads` records it.
"""
from __future__ import annotations
import argparse, csv, json, math, time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).parent
CSV = HERE / 'sie_learnability.csv'

# benchmark generator arguments (make_benchmark) and training budget per setting
B = dict(size=32, n_classes=10, objects_per_class=40, views_per_object=12)
SETTINGS = {
    # the comparison's benchmark as it was (chapter 31 defaults): 32 px, 40 objects/class, 12 views, one hue per object
    'base': dict(bench=B, minutes=5.5, widths=(32, 64, 128, 128)),
    # object asymmetry: the hue turns by octant of the object frame (`asymmetry='octants'`)
    'octants': dict(bench={**B, 'asymmetry': 'octants'}, minutes=5.5, widths=(32, 64, 128, 128)),
    # octants with more views per object (more distinct pairs per object)
    'octants_v24': dict(bench={**B, 'views_per_object': 24, 'asymmetry': 'octants'}, minutes=5.5, widths=(32, 64, 128, 128)),
    # octants, longer training
    'octants_long': dict(bench={**B, 'asymmetry': 'octants'}, minutes=11, widths=(32, 64, 128, 128)),
    # octants with four times the objects (the octants run memorised its 320 training objects: train R^2 0.86, val 0.28)
    'octants_many': dict(bench={**B, 'objects_per_class': 160, 'asymmetry': 'octants'}, minutes=6, widths=(32, 64, 128, 128)),
    # a fixed colour code per octant for every object (the octant hue no longer depends on the instance)
    'palette_many': dict(bench={**B, 'objects_per_class': 160, 'asymmetry': 'palette'}, minutes=6, widths=(32, 64, 128, 128)),
    # the same without the octant colours
    'base_many': dict(bench={**B, 'objects_per_class': 160}, minutes=9, widths=(32, 64, 128, 128)),
    # palette, 160 objects/class, twice the budget (on one thread)
    'palette_long': dict(bench={**B, 'objects_per_class': 160, 'asymmetry': 'palette'}, minutes=12, widths=(32, 64, 128, 128)),
    # palette, 320 objects/class (palette_many still gapped: train R^2 0.90, val 0.79)
    'palette_320': dict(bench={**B, 'objects_per_class': 320, 'asymmetry': 'palette'}, minutes=12, widths=(32, 64, 128, 128)),
    # octants, 64 px
    'octants_64': dict(bench={**B, 'size': 64, 'asymmetry': 'octants'}, minutes=11, widths=(32, 64, 128, 128)),
}


def quat_geodesic_deg(q1: torch.Tensor, q2: torch.Tensor) -> torch.Tensor:
    "Angle (degrees) of the rotation between unit quaternions (either sign)."
    d = (F.normalize(q1, dim=-1) * F.normalize(q2, dim=-1)).sum(-1).abs().clamp(max=1)
    return torch.rad2deg(2 * torch.acos(d))


class Siamese(nn.Module):
    def __init__(self, widths, hidden=512):
        super().__init__()
        from equinb.encoders import get_encoder
        self.enc = get_encoder('small_cnn', in_channels=3, widths=tuple(widths))
        D = self.enc.out_dim
        self.head = nn.Sequential(nn.Linear(2 * D, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 4))

    def forward(self, x1, x2):
        z = self.enc(torch.cat([x1, x2]))
        z1, z2 = z.chunk(2)
        return self.head(torch.cat([z1, z2], 1))


def run_setting(name: str, seed: int = 0, batch: int = 64) -> dict:
    from equinb.bench3d import get_bench3d, relative_quaternion
    from equinb.evaluation import r2_score, canonical_quaternion
    s = SETTINGS[name]
    t0 = time.time()
    tr = get_bench3d(None, 'train', progress=False, **s['bench']).preload(progress=False)
    va = get_bench3d(None, 'val', progress=False, **s['bench']).preload(progress=False)
    t_gen = time.time() - t0
    torch.manual_seed(seed)
    mean = tr.images.float().div(255).mean((0, 1, 3, 4)).view(1, 3, 1, 1)
    std = tr.images.float().div(255).std((0, 1, 3, 4)).view(1, 3, 1, 1)
    norm = lambda x: (x - mean) / std
    net = Siamese(s['widths'])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    N, V = tr.images.shape[:2]
    g = torch.Generator().manual_seed(seed)
    net.train()
    t1, step, budget = time.time(), 0, 60 * s['minutes']
    while time.time() - t1 < budget:  # a wall-clock budget: Adam at 1e-3, then 1e-4 for the last fifth
        if time.time() - t1 > 0.8 * budget:
            for pg in opt.param_groups: pg['lr'] = 1e-4
        idx = torch.randint(0, N, (batch,), generator=g)
        x1, x2, _, q, _ = tr.pairs(idx, generator=g)
        loss = F.mse_loss(net(norm(x1), norm(x2)), canonical_quaternion(q))
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
        if step % 25 == 0: print(f'{name} step {step} loss {loss.item():.4f} ({time.time() - t1:.0f}s)', flush=True)
    total = step
    t_train = time.time() - t1
    # held-out objects: every ordered pair of distinct views
    net.eval()
    with torch.no_grad():
        Nv, Vv = va.images.shape[:2]
        X = va.images.reshape(Nv * Vv, *va.images.shape[2:]).float().div(255)
        Z = torch.cat([net.enc(norm(X[i:i + 512])) for i in range(0, len(X), 512)]).reshape(Nv, Vv, -1)
        o, a, b = [], [], []
        for i in range(Vv):
            for j in range(Vv):
                if i != j: a.append(i); b.append(j)
        a, b = torch.tensor(a).repeat(Nv), torch.tensor(b).repeat(Nv)
        o = torch.arange(Nv).repeat_interleave(Vv * (Vv - 1))
        q = canonical_quaternion(relative_quaternion(va.latents[o, a, :3].double(), va.latents[o, b, :3].double()).float())
        pred = torch.cat([net.head(torch.cat([Z[o[i:i + 4096], a[i:i + 4096]], Z[o[i:i + 4096], b[i:i + 4096]]], 1))
                          for i in range(0, len(o), 4096)])
        # the same network on training objects (generalisation gap)
        idx = torch.arange(min(N, 80)).repeat_interleave(8)
        x1, x2, _, qt, _ = tr.pairs(idx, generator=torch.Generator().manual_seed(123))
        pt = net(norm(x1), norm(x2))
    res = dict(setting=name, seed=seed, **{'asymmetry': 'none', **s['bench']}, minutes=s['minutes'], steps=total, batch=batch,
               widths='-'.join(map(str, s['widths'])),
               r2_val=r2_score(q, pred, 'global').item(), r2_val_percol=r2_score(q, pred).item(),
               deg_val=quat_geodesic_deg(pred, q).mean().item(), deg_val_median=quat_geodesic_deg(pred, q).median().item(),
               r2_train=r2_score(canonical_quaternion(qt), pt, 'global').item(),
               deg_chance=quat_geodesic_deg(q[torch.randperm(len(q), generator=torch.Generator().manual_seed(0))], q).mean().item(),
               gen_seconds=round(t_gen, 1), train_seconds=round(t_train, 1), threads=torch.get_num_threads())
    print(json.dumps(res), flush=True)
    new = not CSV.exists()
    with CSV.open('a', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(res))
        if new: w.writeheader()
        w.writerow(res)
    return res


def replot():
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import pandas as pd
    df = pd.read_csv(CSV)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3))
    lab = df['setting'] + ' s' + df['seed'].astype(str)
    ax[0].barh(lab, df['r2_val']); ax[0].axvline(0.8, ls='--', c='k'); ax[0].set_xlabel('held-out rotation $R^2$ (SIE definition)')
    ax[1].barh(lab, df['deg_val']); ax[1].barh(lab, df['deg_chance'], fill=False, ls=':')
    ax[1].set_xlabel('mean geodesic error (deg); dotted: shuffled')
    plt.tight_layout(); plt.savefig(HERE / 'sie_learnability.png', dpi=120)


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--settings', nargs='+', default=['base'])
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--replot', action='store_true')
    a = p.parse_args()
    if not a.replot:
        for s in a.settings: run_setting(s, a.seed)
    replot()
