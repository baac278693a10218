"""The SIE paper's comparison on the procedural 3D benchmark: every experience of the seed's main.py plus a
random-init encoder, several seeds, one budget, the seed's evaluation protocols.

For each (method, seed) a fresh small CNN is trained with the method's loss (`make_experience`, each view alone
through the network, input normalisation, Adam at a constant learning rate as the seed), then evaluated on the
frozen encoder:

- classification: linear probe (L-BFGS) on every view, invariant / equivariant / full parts where the method splits;
- rotation and colour R^2: the seed's pair regression (MLP on [z1, z2], fresh random pairs each epoch, raw targets,
  global R^2), parts as above; the width and epochs are set by --reg-hidden / --reg-epochs (the seed: 1024-1024, 300);
- PRE, MRR, H@1/5/10: view 0 of every val object to every view, PRE over every val embedding; methods with a
  predictor use it on their equivariant embedding, the others get a linear-hypernetwork predictor fitted post hoc
  on their training representations.

Rows are appended to paper_figures/sie_comparison_runs.csv as they finish; a (method, seed, benchmark, budget)
already there is skipped, so an interrupted invocation resumes where it stopped. `--summarise` writes
paper_figures/sie_comparison.csv (mean and std over seeds, the mean-predictor floor, the paper's sourced numbers)
and paper_figures/sie_comparison.png. One thread (the CPU slot's):

    /tmp/coord/cpu .venv/bin/python paper_figures/sie_comparison.py --seeds 0 1 2
    .venv/bin/python paper_figures/sie_comparison.py --summarise
"""
from __future__ import annotations
import argparse, csv, json, time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).parent
import os
RUNS = Path(os.environ.get('SIE_RUNS_CSV', HERE / 'sie_comparison_runs.csv'))
METHODS = ('random-init', 'VICReg', 'SimCLR', 'VICRegPartInv', 'SimCLRAugSelf', 'SimCLRAugSelfRotColor', 'SimCLREquiMod',
           'SimCLREquiModRotColor', 'VICRegEquiMod', 'SimCLROnlyEqui', 'SimCLROnlyEquiRotColor', 'SIEOnlyEqui', 'SIENoVar',
           'SIE', 'SIERotColor')
# the methods run first (the brief's priority when the CPU budget does not fit every experience at 3 seeds)
PRIORITY = ('random-init', 'SIE', 'VICReg', 'SimCLR', 'SimCLRAugSelf', 'SimCLREquiMod', 'VICRegEquiMod')
# the SIE paper's 3DIEBench headline we can source: SIE's rotation R^2 0.73 (EquiCaps, arXiv 2506.09895: "0.78 ...
# improving upon SIE ... by 0.05"); other cells of the paper's table are not reproduced here without a source.
PAPER = {'SIE': {'rot_r2_full': 0.73}}


def config(name: str, seed: int, a) -> 'SIEConfig':
    "The run's SIEConfig: the seed's settings except the CPU-sized encoder, widths, epochs and regressor (see --help)."
    from equinb.sie_experiment import SIEConfig
    return SIEConfig(experience='SIE' if name == 'random-init' else name, seed=seed, epochs=max(1, a.epochs), batch_size=a.batch_size,
                     lr=a.lr, widths=tuple(a.widths), mlp='-'.join([str(a.mlp_width)] * (a.mlp_layers - 1) + [str(a.mlp_last)]),
                     equi_factor=4.5 if 'EquiMod' in name else a.equi_factor,   # EquiMod: the seed's default flag
                     size=a.size, objects_per_class=a.objects_per_class, views_per_object=a.views, asymmetry=a.asymmetry,
                     regressor_hidden='-'.join(map(str, a.reg_hidden)), regressor_epochs=a.reg_epochs,
                     val_pairs_per_object=a.val_pairs, progress=False, device='cpu')


def run_one(name, seed, a, tr, va):
    from equinb.sie_experiment import build_sie_method, evaluate_bench
    from equinb.methods.vicreg import PairLoader, Normalized
    from equinb.methods.sie import SIE
    from equinb.encoders import get_encoder
    from equinb.train import fit
    from equinb.experiments import train_config
    t0 = time.time()
    cfg = config(name, seed, a)
    torch.manual_seed(seed)
    hist = []
    if name == 'random-init':   # an untrained normalised encoder, scored like the VICReg-style baselines (post-hoc predictor)
        m = type('RandomInit', (torch.nn.Module,), {})(); m.encoder = Normalized(get_encoder('small_cnn', widths=cfg.widths))
    else:
        m = build_sie_method(cfg)
        hist = fit(m, PairLoader(tr, cfg.batch_size, seed=seed), train_config(cfg))
    t_train = time.time() - t0
    equi = m.equi if isinstance(m, SIE) and m.equi < m.D else None
    res = evaluate_bench(m, tr, va, equi, cfg.eval_protocol, cfg.pre_gallery, cfg.eval_pairs, cfg.probe_epochs, cfg.regressor_hidden,
                         cfg.regressor_epochs, cfg.regressor_standardize, cfg.val_pairs_per_object, seed=seed)
    for k in list(res):
        if k.startswith('acc_') or k.startswith('H@'): res[k] *= 100
    row = dict(method=name, seed=seed, epochs=cfg.epochs if hist else 0, asymmetry=a.asymmetry, bench=bench_tag(a), budget=budget_tag(a),
               reg_hidden='-'.join(map(str, a.reg_hidden)), reg_epochs=a.reg_epochs,
               loss_first=hist[0]['loss_total'] if hist else float('nan'), loss_last=hist[-1]['loss_total'] if hist else float('nan'),
               train_seconds=round(t_train, 1), eval_seconds=round(time.time() - t0 - t_train, 1), **res)
    print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}), flush=True)
    return row


def bench_tag(a) -> str:
    "The benchmark a row was measured on: asymmetry, objects per class, views, image side."
    return f"{a.asymmetry}-{a.objects_per_class}x{a.views}-{a.size}px"


def budget_tag(a) -> str:
    "The training and evaluation budget of a row (what must match for rows to be compared)."
    return f"e{a.epochs}-b{a.batch_size}-w{'.'.join(map(str, a.widths))}-reg{'.'.join(map(str, a.reg_hidden))}x{a.reg_epochs}"


def done_rows() -> set:
    "(method, seed, bench, budget) of the rows already in the runs CSV."
    if not RUNS.exists(): return set()
    with RUNS.open() as f: return {(r['method'], int(r['seed']), r.get('bench', ''), r.get('budget', '')) for r in csv.DictReader(f)}


COLS = ['method', 'seed', 'epochs', 'asymmetry', 'bench', 'budget', 'reg_hidden', 'reg_epochs', 'acc_inv', 'acc_equi', 'acc_full', 'rot_r2_inv', 'rot_r2_equi', 'rot_r2_full',
        'colour_r2_inv', 'colour_r2_equi', 'colour_r2_full', 'pre', 'mrr', 'H@1', 'H@5', 'H@10', 'predictor',
        'loss_first', 'loss_last', 'train_seconds', 'eval_seconds']


def append(row):
    new = not RUNS.exists()
    with RUNS.open('a', newline='') as f:
        w = csv.DictWriter(f, fieldnames=COLS, extrasaction='ignore')
        if new: w.writeheader()
        w.writerow({c: row.get(c, '') for c in COLS})


CLAIM_BASELINES = ('VICReg', 'SimCLR', 'SimCLRAugSelf', 'SimCLREquiMod', 'VICRegEquiMod')

R2_MARGIN, RANK_MARGIN = 0.02, 0.01   # differences smaller than these are not counted as a claim holding

def claims(df) -> dict:
    "The SIE paper's three claims on a runs table: name -> (holds, evidence). A claim holds when the mean over seeds beats every baseline by the margin and every seed agrees."
    piv = {k: df.pivot_table(index='seed', columns='method', values=k) for k in ('rot_r2_inv', 'rot_r2_equi', 'rot_r2_full', 'pre', 'mrr')}
    out = {}
    if 'SIE' not in piv['pre'].columns: return out
    def beats(a, b, margin, higher=True):  # a, b: per-seed series
        d = (a - b) if higher else (b - a)
        return bool(d.mean() > margin and (d > 0).all())
    fmt = lambda k, m: f"{piv[k][m].mean():.3f}"
    base = [b for b in ('VICReg', 'SimCLR') if b in piv['rot_r2_full'].columns]
    if base:
        out['rot_equi_beats_invariant'] = (all(beats(piv['rot_r2_equi']['SIE'], piv['rot_r2_full'][b], R2_MARGIN) for b in base),
            f"SIE equi {fmt('rot_r2_equi', 'SIE')} vs " + ', '.join(f"{b} {fmt('rot_r2_full', b)}" for b in base))
    base = [b for b in CLAIM_BASELINES if b in piv['pre'].columns]
    if base:
        out['predictor_pre'] = (all(beats(piv['pre']['SIE'], piv['pre'][b], RANK_MARGIN, higher=False) for b in base),
            f"SIE {fmt('pre', 'SIE')} vs " + ', '.join(f"{b} {fmt('pre', b)}" for b in base))
        out['predictor_mrr'] = (all(beats(piv['mrr']['SIE'], piv['mrr'][b], RANK_MARGIN) for b in base),
            f"SIE {fmt('mrr', 'SIE')} vs " + ', '.join(f"{b} {fmt('mrr', b)}" for b in base))
    out['inv_less_rotation_than_equi'] = (beats(piv['rot_r2_equi']['SIE'], piv['rot_r2_inv']['SIE'], R2_MARGIN),
        f"SIE inv {fmt('rot_r2_inv', 'SIE')} vs equi {fmt('rot_r2_equi', 'SIE')}")
    return out


def mean_predictor_floor(a) -> dict:
    "SIE's global R^2 of predicting each target column's training mean, on the val pairs: what 'no information' scores."
    from equinb.sie_experiment import load_bench
    from equinb.evaluation import r2_score, eval_view_pairs
    from equinb.bench3d import relative_quaternion
    tr, va = load_bench(config('SIE', 0, a))
    out = {}
    for name, f in (('rot', lambda l1, l2: relative_quaternion(l1[:, :3].double(), l2[:, :3].double()).float()),
                    ('colour', lambda l1, l2: (l2 - l1)[:, [3, 6]])):
        o, v1, v2 = eval_view_pairs(*tr.images.shape[:2], 'random', 8, 0); mu = f(tr.latents[o, v1], tr.latents[o, v2]).mean(0)
        o, v1, v2 = eval_view_pairs(*va.images.shape[:2], 'random', a.val_pairs, 1); t = f(va.latents[o, v1], va.latents[o, v2])
        out[f'{name}_r2_full'] = r2_score(t, mu.expand_as(t), 'global').item()
    return out


def supervised_reference(a):
    "(row name, held-out R^2) of the supervised siamese network of sie_learnability.csv on this benchmark, or None."
    import pandas as pd
    f = HERE / 'sie_learnability.csv'
    if not f.exists(): return None
    lt = pd.read_csv(f)
    lt = lt[(lt.asymmetry == a.asymmetry) & (lt.objects_per_class == a.objects_per_class) & (lt.views_per_object == a.views) & (lt['size'] == a.size)]
    if lt.empty: return None
    r = lt.iloc[-1]
    return f"supervised end-to-end ({r.setting}, every val pair)", float(r.r2_val)


def summarise(a):
    "Mean/std over seeds of the rows measured at `a`'s benchmark and budget, the floor, the paper's numbers, the claims."
    import pandas as pd
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    df = pd.read_csv(RUNS)
    df = df[(df['bench'] == bench_tag(a)) & (df['budget'] == budget_tag(a))]
    if df.empty: raise SystemExit(f"no rows of benchmark {bench_tag(a)}, budget {budget_tag(a)} in {RUNS}")
    num = [c for c in COLS[COLS.index('acc_inv'):COLS.index('H@10') + 1] if c != 'predictor']
    g = df.groupby('method', sort=False)
    mean, std, n = g[num].mean(), g[num].std(), g.size()
    out = mean.add_suffix('_mean').join(std.add_suffix('_std'))
    out.insert(0, 'n_seeds', n); out.insert(1, 'predictor', g['predictor'].first())
    fl = mean_predictor_floor(a)
    for k, v in fl.items(): out.loc['mean predictor (floor)', f'{k}_mean'] = v
    sup = supervised_reference(a)
    if sup is not None: out.loc[sup[0], 'rot_r2_full_mean'] = sup[1]
    for m, vals in PAPER.items():
        for k, v in vals.items(): out.loc[m, f'paper_{k}'] = v
    order = [m for m in METHODS if m in out.index] + ['mean predictor (floor)'] + ([sup[0]] if sup is not None else [])
    out = out.loc[order]
    out.to_csv(HERE / 'sie_comparison.csv', float_format='%.4f')
    panels = [('acc_full', 'classification, full (%)'), ('rot_r2_full', 'rotation $R^2$, full'), ('rot_r2_equi', 'rotation $R^2$, equi part'),
              ('colour_r2_full', 'colour $R^2$, full'), ('pre', 'PRE (lower is better)'), ('mrr', 'MRR')]
    fig, axs = plt.subplots(1, len(panels), figsize=(3.1 * len(panels), 0.32 * len(order) + 1.2), sharey=True)
    for ax, (k, t) in zip(axs, panels):
        ax.barh(range(len(order)), out[f'{k}_mean'], xerr=out[f'{k}_std'], color=['tab:red' if m.startswith('SIE') else 'tab:gray' for m in order])
        ax.set_title(t, fontsize=9); ax.set_yticks(range(len(order))); ax.set_yticklabels(order, fontsize=8)
        if k == 'rot_r2_full' and 'paper_rot_r2_full' in out: ax.plot(out['paper_rot_r2_full'], range(len(order)), 'k*', label='paper (3DIEBench)')
    axs[0].invert_yaxis()
    fig.suptitle(f"procedural 3D benchmark, {int(n.max())} seeds: mean ± std", fontsize=10)
    plt.tight_layout(); plt.savefig(HERE / 'sie_comparison.png', dpi=110)
    print(out[[c for c in out.columns if c.endswith('_mean')]].round(3).to_string())
    cl = claims(df)
    (HERE / 'sie_comparison_claims.json').write_text(json.dumps({k: {'holds': bool(v[0]), 'evidence': v[1]} for k, v in cl.items()}, indent=1))
    for k, (h, e) in cl.items(): print(f"{k}: {'holds' if h else 'does not hold'} ({e})")


def parse(argv=None):
    "The script's settings (its defaults are the committed comparison's budget)."
    p = argparse.ArgumentParser()
    p.add_argument('--methods', nargs='+', default=list(PRIORITY) + [m for m in METHODS if m not in PRIORITY])
    p.add_argument('--seeds', nargs='+', type=int, default=[0])
    p.add_argument('--epochs', type=int, default=60)
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--equi-factor', type=float, default=0.45)
    p.add_argument('--widths', nargs='+', type=int, default=[16, 32, 64, 64])
    p.add_argument('--mlp-width', type=int, default=128); p.add_argument('--mlp-last', type=int, default=128)
    p.add_argument('--mlp-layers', type=int, default=3)
    p.add_argument('--size', type=int, default=32); p.add_argument('--objects-per-class', type=int, default=320)
    p.add_argument('--views', type=int, default=12); p.add_argument('--asymmetry', default='palette')
    p.add_argument('--reg-hidden', nargs='+', type=int, default=[256, 256]); p.add_argument('--reg-epochs', type=int, default=150)
    p.add_argument('--val-pairs', type=int, default=8)
    p.add_argument('--summarise', action='store_true')
    p.add_argument('--threads', type=int, default=1, help='torch threads (1: the committed rows; results depend on it)')
    return p.parse_args(argv)


if __name__ == '__main__':
    a = parse()
    torch.set_num_threads(a.threads)
    if a.summarise: summarise(a)
    else:
        from equinb.sie_experiment import load_bench
        tr, va = load_bench(config('SIE', 0, a))
        for seed in a.seeds:
            for m in a.methods:
                if (m, seed, bench_tag(a), budget_tag(a)) in done_rows(): print(f'skip {m} seed {seed}: in {RUNS}', flush=True); continue
                append(run_one(m, seed, a, tr, va))
