"""equinb on one GPU: throughput of the seed's DUET step, its 800-epoch projection, transforms vs kornia,
a partial group convolution vs e2cnn's R2Conv, and an SIE ResNet-18 step; one JSON with everything.

Run through `benchmarks/gpu.sh` (which installs what the machine lacks); directly:

    python benchmarks/gpu_bench.py --out benchmarks/results/gpu.json     # on a GPU, about 5-7 minutes
    python benchmarks/gpu_bench.py --smoke --out /tmp/smoke.json         # on a CPU, tiny sizes, seconds

Parts (each timed in this process after a warm-up, CUDA synchronised around every timed region; a part that
fails or does not fit the time budget is recorded as such in the JSON and the others still run):

  duet       images/s of one DUET training step (both `sca rot` views drawn on the device by equinb, encoder
             forward + backward, AdamW) with the seed's `cifar10_resnet32` at batch 1024, 32x32, for fp32 eager,
             bf16 autocast, and bf16 + channels_last + torch.compile; "images" are dataset images (2 views each)
  projection hours of the seed's CIFAR-10 run (800 epochs x 50,000 images) at each measured rate
  transforms equinb's `Compose('sca rot jit gra blu')` vs kornia's AugmentationSequential of the same five
             augmentations on the same device batch
  gconv      a partial SE(2) group convolution (equinb, SIREN kernel) vs e2cnn's R2Conv between regular fields
             of C_8: forward + backward, train mode (both rebuild their filters every call)
  sie        images/s of an SIE step (ResNet-18, 2048-2048-2048 projectors, hypernetwork predictor) on 128x128
             pairs at batch 128 (the seed's 1024 over 8 GPUs), fp32 and bf16

Ratios are printed beside the absolute figures. Nothing here is a figure until it has run on the machine named
in the JSON's `device` field.
"""
import argparse, json, math, os, platform, statistics, sys, time, traceback, warnings
from pathlib import Path

warnings.filterwarnings('ignore', category=UserWarning)
warnings.filterwarnings('ignore', category=DeprecationWarning)

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from equinb.encoders import get_encoder, resnet18
from equinb.methods.duet import DUET
from equinb.methods.sie import SIE
from equinb.train import TrainConfig, _setup, _start, _wrap, train_step, to_device
from equinb.transforms import Compose

FULL = dict(duet_batch=1024, duet_size=32, duet_encoder='cifar10_resnet32', duet_warmup=3, duet_steps=10,
            compile_backend='inductor', tx_batch=1024, tx_size=32, tx_repeats=20,
            gconv_n=8, gconv_batch=64, gconv_fields=16, gconv_size=28, gconv_k=5, gconv_iters=20,
            sie_batch=128, sie_size=128, sie_warmup=3, sie_steps=10, budget_s=420)
SMOKE = dict(duet_batch=8, duet_size=16, duet_encoder='cifar10_resnet20_thin', duet_warmup=1, duet_steps=2,
             compile_backend='eager', tx_batch=8, tx_size=16, tx_repeats=2,
             gconv_n=4, gconv_batch=2, gconv_fields=2, gconv_size=9, gconv_k=3, gconv_iters=2,
             sie_batch=4, sie_size=16, sie_warmup=1, sie_steps=1, budget_s=120)
SEED_EPOCHS, CIFAR_TRAIN = 800, 50_000     # ml-duet's README run: 800 epochs of CIFAR-10's 50,000 training images


def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)


def timed(fn, dev, warmup, iters):
    "Median seconds per call after `warmup` calls (each call synchronised)."
    for _ in range(warmup): fn()
    sync(dev)
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter(); fn(); sync(dev); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def step_rate(method, batch, dev, warmup, steps, **cfg):
    "Images/s (batch size / median step time) of `train_step` on one fixed device batch, and the first loss."
    run = _setup(method, [batch], TrainConfig(epochs=1, device=str(dev), progress=False, warmup_epochs=0, **cfg))
    _start(run, None); _wrap(run)
    run.model.train()
    losses = []
    t_first = time.perf_counter()
    def one():
        b = batch
        if run.cfg.channels_last:
            from equinb.train import _to_channels_last
            b = _to_channels_last(b)
        losses.append(train_step(run, b)['loss_total'])
    one(); sync(dev)
    first_s = time.perf_counter() - t_first          # includes compilation when compile=True
    s = timed(one, dev, max(warmup - 1, 0), steps)
    n = (batch[0] if isinstance(batch, (tuple, list)) else batch).shape[0]
    return {'ms_per_step': 1e3 * s, 'images_per_s': n / s, 'first_step_s': first_s, 'first_loss': losses[0],
            'last_loss': losses[-1], 'finite': all(math.isfinite(v) for v in losses)}


def part_duet(P, dev, left):
    torch.manual_seed(0)
    x = torch.rand(P['duet_batch'], 3, P['duet_size'], P['duet_size'], device=dev)
    y = torch.zeros(P['duet_batch'], dtype=torch.long, device=dev)
    make = lambda: DUET(get_encoder(P['duet_encoder']), tx='sca rot', equi_tx='rot', bins=8, lam=10.0,
                        transform=Compose('sca rot', size=P['duet_size']))
    base = make()
    modes = {'fp32_eager': dict(amp='none'), 'bf16': dict(amp='bf16'),
             'bf16_channels_last_compile': dict(amp='bf16', channels_last=True, compile=True,
                                                compile_backend=P['compile_backend'])}
    out = {'encoder': P['duet_encoder'], 'batch': P['duet_batch'], 'image_size': P['duet_size'], 'tx': 'sca rot',
           'equi_tx': 'rot', 'optimizer': 'adamw', 'images_are': 'dataset images per second (2 views each)',
           'tf32_conv': torch.backends.cudnn.allow_tf32, 'tf32_matmul': torch.backends.cuda.matmul.allow_tf32}
    import copy
    for name, kw in modes.items():
        if left() < (150 if kw.get('compile') and dev.type == 'cuda' else 20):
            out[name] = {'skipped': f'time budget: {left():.0f} s left'}; continue
        try: out[name] = step_rate(copy.deepcopy(base), (x, y), dev, P['duet_warmup'], P['duet_steps'], **kw)
        except Exception as e: out[name] = {'error': f'{type(e).__name__}: {e}'.splitlines()[0][:400]}
        torch._dynamo.reset()
    ref = out['fp32_eager'].get('images_per_s')
    for name in modes:
        r = out[name]
        if ref and 'images_per_s' in r: r['speedup_vs_fp32_eager'] = r['images_per_s'] / ref
        if 'images_per_s' in r:
            r['projected_800_epoch_hours'] = SEED_EPOCHS * CIFAR_TRAIN / r['images_per_s'] / 3600
    return out


def kornia_pipeline(size):
    import kornia.augmentation as KA
    return KA.AugmentationSequential(
        KA.RandomResizedCrop((size, size), scale=(0.2, 1.0)), KA.RandomRotation(180.0, p=1.0),
        KA.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8), KA.RandomGrayscale(p=0.2),
        KA.RandomGaussianBlur((3, 3), (0.1, 2.0), p=0.5))


def part_transforms(P, dev, left):
    import kornia
    torch.manual_seed(0)
    x = torch.rand(P['tx_batch'], 3, P['tx_size'], P['tx_size'], device=dev)
    ours = Compose('sca rot jit gra blu', size=P['tx_size'])
    theirs = kornia_pipeline(P['tx_size']).to(dev)
    with torch.no_grad():
        yo, _ = ours(x); yt = theirs(x)
        assert yo.shape == yt.shape == x.shape, (yo.shape, yt.shape)
        so = timed(lambda: ours(x), dev, 3, P['tx_repeats'])
        st = timed(lambda: theirs(x), dev, 3, P['tx_repeats'])
    n = P['tx_batch']
    return {'pipeline': 'sca rot jit gra blu (crop 0.2-1, rotation +-180, jitter 0.4/0.4/0.4/0.1 p 0.8, gray p 0.2, blur 3x3 sigma 0.1-2 p 0.5)',
            'batch': n, 'image_size': P['tx_size'], 'kornia_version': kornia.__version__,
            'equinb_ms': 1e3 * so, 'kornia_ms': 1e3 * st, 'equinb_images_per_s': n / so, 'kornia_images_per_s': n / st,
            'speedup_equinb_vs_kornia': st / so}


def part_gconv(P, dev, left):
    from e2cnn import gspaces, nn as enn
    from equinb.partial_gcnn import GroupConv, GroupSamples, stratified_angles
    n, B, F, S, k = P['gconv_n'], P['gconv_batch'], P['gconv_fields'], P['gconv_size'], P['gconv_k']
    torch.manual_seed(0)
    ours = GroupConv(F, F, k, 'SE2', n_samples=n, partial=True).to(dev).train()
    a = stratified_angles(torch.tensor(1.0, device=dev), n, torch.zeros(1, 1, device=dev))
    h = GroupSamples(a, torch.zeros_like(a, dtype=torch.float32), torch.ones_like(a, dtype=torch.float32))
    xg = torch.randn(B, F, n, S, S, device=dev, requires_grad=True)
    def ours_step():
        out, _ = ours(xg, h); out.square().mean().backward()
    gs = gspaces.Rot2dOnR2(N=n)
    ft = enn.FieldType(gs, F * [gs.regular_repr])
    theirs = enn.R2Conv(ft, ft, kernel_size=k, padding=k // 2).to(dev).train()
    xt = torch.randn(B, F * n, S, S, device=dev, requires_grad=True)
    def theirs_step():
        out = theirs(enn.GeometricTensor(xt, ft)); out.tensor.square().mean().backward()
    so = timed(ours_step, dev, 2, P['gconv_iters'])
    st = timed(theirs_step, dev, 2, P['gconv_iters'])
    return {'group': f'C_{n} (equinb: partial SE(2), {n} samples, SIREN kernel; e2cnn: R2Conv regular -> regular)',
            'batch': B, 'fields': F, 'channels': F * n, 'image_size': S, 'kernel': k,
            'equinb_ms': 1e3 * so, 'e2cnn_ms': 1e3 * st, 'ratio_equinb_over_e2cnn': so / st}


def part_sie(P, dev, left):
    torch.manual_seed(0)
    B, S = P['sie_batch'], P['sie_size']
    x1, x2 = torch.rand(B, 3, S, S, device=dev), torch.rand(B, 3, S, S, device=dev)
    q = torch.randn(B, 4, device=dev); q = q / q.norm(dim=1, keepdim=True)
    batch = (x1, x2, torch.zeros(B, dtype=torch.long, device=dev), q, None)
    base = SIE(resnet18(), equi=256, proj_dims='2048-2048-2048', equi_factor=0.45)
    import copy
    out = {'encoder': 'resnet18', 'batch': B, 'image_size': S, 'optimizer': 'adam (the seed: lr 1e-3, wd 1e-6)',
           'images_are': 'pairs per second'}
    for name, kw in {'fp32_eager': dict(amp='none'), 'bf16': dict(amp='bf16')}.items():
        if left() < 15: out[name] = {'skipped': f'time budget: {left():.0f} s left'}; continue
        try: out[name] = step_rate(copy.deepcopy(base), batch, dev, P['sie_warmup'], P['sie_steps'],
                                   optimizer='adam', lr=1e-3, weight_decay=1e-6, **kw)
        except Exception as e: out[name] = {'error': f'{type(e).__name__}: {e}'.splitlines()[0][:400]}
    if 'images_per_s' in out['fp32_eager'] and 'images_per_s' in out['bf16']:
        out['bf16']['speedup_vs_fp32_eager'] = out['bf16']['images_per_s'] / out['fp32_eager']['images_per_s']
    return out


def report(res):
    "The figures, with ratios beside them."
    d = res.get('duet', {})
    lines = [f"device: {res['device']}  torch {res['torch']}  ({'smoke' if res['smoke'] else 'full'} sizes)"]
    for m in ('fp32_eager', 'bf16', 'bf16_channels_last_compile'):
        r = d.get(m, {})
        if 'images_per_s' in r:
            lines.append(f"DUET {d['encoder']} b{d['batch']} {m:>27}: {r['images_per_s']:9.0f} img/s  "
                         f"x{r.get('speedup_vs_fp32_eager', float('nan')):.2f} vs fp32  "
                         f"800 epochs: {r['projected_800_epoch_hours']:.1f} h  (first step {r['first_step_s']:.1f} s)")
        else: lines.append(f"DUET {m}: {r}")
    t = res.get('transforms', {})
    if 'equinb_ms' in t:
        lines.append(f"transforms b{t['batch']}: equinb {t['equinb_ms']:.2f} ms, kornia {t['kornia_ms']:.2f} ms  "
                     f"-> equinb x{t['speedup_equinb_vs_kornia']:.2f} faster")
    else: lines.append(f"transforms: {t}")
    g = res.get('gconv', {})
    if 'equinb_ms' in g:
        lines.append(f"group conv {g['group'].split(' ')[0]}: equinb {g['equinb_ms']:.2f} ms, e2cnn {g['e2cnn_ms']:.2f} ms  "
                     f"-> ratio equinb/e2cnn {g['ratio_equinb_over_e2cnn']:.2f}")
    else: lines.append(f"gconv: {g}")
    s = res.get('sie', {})
    for m in ('fp32_eager', 'bf16'):
        r = s.get(m, {})
        if 'images_per_s' in r:
            lines.append(f"SIE resnet18 {s['image_size']}px b{s['batch']} {m:>10}: {r['images_per_s']:8.0f} pairs/s"
                         + (f"  x{r['speedup_vs_fp32_eager']:.2f} vs fp32" if 'speedup_vs_fp32_eager' in r else ''))
        else: lines.append(f"SIE {m}: {r}")
    return '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--smoke', action='store_true', help='tiny sizes, runs on a CPU in seconds')
    ap.add_argument('--out', default=str(ROOT / 'benchmarks' / 'results' / 'gpu.json'), help='the JSON to write')
    ap.add_argument('--device', default=None, help='default: cuda if available (full) / cpu (smoke)')
    ap.add_argument('--parts', nargs='+', default=['duet', 'transforms', 'gconv', 'sie'])
    a = ap.parse_args(argv)
    P = SMOKE if a.smoke else FULL
    dev = torch.device(a.device or ('cpu' if a.smoke or not torch.cuda.is_available() else 'cuda'))
    if not a.smoke and dev.type != 'cuda':
        raise SystemExit("gpu_bench: the full sizes need a CUDA device (torch sees none); use --smoke on a CPU")
    t_start = time.perf_counter()
    left = lambda: P['budget_s'] - (time.perf_counter() - t_start)
    res = {'smoke': a.smoke, 'device': torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'cpu ({platform.processor() or platform.machine()})',
           'torch': torch.__version__, 'cuda': torch.version.cuda, 'python': platform.python_version(),
           'sizes': P, 'seed_run': {'epochs': SEED_EPOCHS, 'images_per_epoch': CIFAR_TRAIN, 'seed_hardware': 'one A100 (ml-duet README)'},
           'measured_at_utc': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    parts = {'duet': part_duet, 'transforms': part_transforms, 'gconv': part_gconv, 'sie': part_sie}
    for name in a.parts:
        t0 = time.perf_counter()
        if left() < 10: res[name] = {'skipped': f'time budget: {left():.0f} s left'}
        else:
            try: res[name] = parts[name](P, dev, left)
            except Exception as e:
                res[name] = {'error': f'{type(e).__name__}: {e}'.splitlines()[0][:400]}
                traceback.print_exc()
        res.setdefault('part_seconds', {})[name] = time.perf_counter() - t0
        res['total_seconds'] = time.perf_counter() - t_start
        tmp = out.with_suffix('.json.tmp'); tmp.write_text(json.dumps(res, indent=1)); os.replace(tmp, out)
        print(f"[{name}: {res['part_seconds'][name]:.1f} s]", flush=True)
    print(report(res), flush=True)
    print(f"wrote {out}")
    return res


if __name__ == '__main__':
    main()
