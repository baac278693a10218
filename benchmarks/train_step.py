"""Images/s of a DUET training step: device-resident data + batched transforms vs a DataLoader with per-sample transforms.

Three ways to feed the same DUET step (encoder forward + backward on both views, AdamW step), all timed
in this process after a warm-up:

  device   the images live on the device; each step slices a batch and DUET draws both views there with
           equinb's batched, fused `sca rot` (equinb's way);
  loader   a torch DataLoader whose workers make both views one image at a time with PIL (crop + rotate,
           the torchvision way) and collate them; the step runs on the collated views;
  compute  the step on one fixed pair of ready views: no loading, no augmentation, the upper bound.

device / compute close to 1 means the device-resident path is not data-bound. On a GPU, `--fast` also
times the device path with bf16 autocast + channels_last + torch.compile against eager fp32.

    python benchmarks/train_step.py                       # resnet32 (the seed's), batch 256
    python benchmarks/train_step.py --encoder cifar10_resnet32_thin --steps 4   # what fits a 2-core CPU
"""
import argparse, math, os, random, statistics, sys, time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from transforms import pil_sca_rot  # the per-sample PIL baseline shared with benchmarks/transforms.py

from equinb.core import get_device
from equinb.data import DeviceLoader
from equinb.encoders import get_encoder
from equinb.methods.duet import DUET
from equinb.train import autocast_for
from equinb.transforms import TxParams


class PILViews(torch.utils.data.Dataset):
    "Two `sca rot` views per image, made one image at a time with PIL, with the rotation's DUET encoding."
    def __init__(self, images_u8: np.ndarray, seed: int = 0):
        self.images, self.seed = images_u8, seed
    def __len__(self): return len(self.images)
    def __getitem__(self, i):
        rng = random.Random(self.seed * 1_000_003 + i)   # the same views every epoch: fine for timing
        im = Image.fromarray(self.images[i])
        out = []
        for _ in range(2):
            v, deg = pil_sca_rot(im, rng)
            out += [torch.from_numpy(np.asarray(v, dtype=np.float32).transpose(2, 0, 1) / 255), (deg + 180) / 360]
        return out[0], torch.tensor(out[1]), out[2], torch.tensor(out[3])


def _as_duet_batch(b, device):
    "Collated (x1, t1, x2, t2) -> the dict of ready views and params that DUET accepts."
    x1, t1, x2, t2 = (v.to(device, non_blocking=True) for v in b)
    p = lambda t: {'rot': TxParams('rot', (t * 2 - 1)[:, None] * math.pi, t[:, None].float(),
                                   torch.ones_like(t, dtype=torch.bool))}
    return {'views': [x1, x2], 'params': [p(t1), p(t2)]}


def _timed(step, batches, warmup, steps, device):
    "Median seconds per step over `steps` timed steps after `warmup` steps."
    it, times = iter(batches), []
    for i in range(warmup + steps):
        b = next(it)
        if device.type == 'cuda': torch.cuda.synchronize()
        t = time.perf_counter(); step(b)
        if device.type == 'cuda': torch.cuda.synchronize()
        if i >= warmup: times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(encoder='cifar10_resnet32', batch=256, steps=5, warmup=2, workers=2, device=None, fast=False, seed=0):
    dev = get_device(device)
    torch.manual_seed(seed)
    n = batch * (steps + warmup + 1)
    rng = np.random.default_rng(seed)
    imgs = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
    x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float().div(255)

    def make(compile_=False, channels_last=False):
        m = DUET(get_encoder(encoder, in_channels=3), tx='sca rot', equi_tx='rot', bins=8, lam=10).to(dev)
        if channels_last: m = m.to(memory_format=torch.channels_last)
        if compile_: m.encoder = torch.compile(m.encoder)
        return m, torch.optim.AdamW(m.parameters(), lr=4e-4, betas=(0.9, 0.95), weight_decay=1e-4)

    def stepper(m, opt, amp='auto'):
        def step(b):
            with autocast_for(dev, amp): out = m(b)
            loss = out['loss'] + out['loss_js']
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        return step

    res = {}
    m, opt = make()
    loader = DeviceLoader(x, batch_size=batch, seed=seed, device=dev)
    res['device'] = _timed(stepper(m, opt, 'none'), (b[0] for _ in range(10**6) for b in loader), warmup, steps, dev)

    dl = torch.utils.data.DataLoader(PILViews(imgs, seed), batch_size=batch, shuffle=True, drop_last=True,
                                     num_workers=workers, pin_memory=dev.type == 'cuda', persistent_workers=workers > 0)
    res['loader'] = _timed(stepper(m, opt, 'none'), (_as_duet_batch(b, dev) for _ in range(10**6) for b in dl),
                           warmup, steps, dev)

    fixed = m.transform(x[:batch].to(dev))
    fixed2 = m.transform(x[:batch].to(dev))
    ready = {'views': [fixed[0], fixed2[0]], 'params': [fixed[1], fixed2[1]]}
    res['compute'] = _timed(stepper(m, opt, 'none'), (ready for _ in range(10**6)), warmup, steps, dev)

    if fast and dev.type == 'cuda':
        mf, optf = make(compile_=True, channels_last=True)
        res['device_fast'] = _timed(stepper(mf, optf, 'bf16'), (b[0] for _ in range(10**6) for b in loader),
                                    warmup + 3, steps, dev)

    ips = {k: batch / v for k, v in res.items()}
    print(f"DUET step, {encoder}, batch {batch} (x2 views), device {dev}, torch threads {torch.get_num_threads()}, "
          f"loader workers {workers}, median of {steps} steps")
    for k, v in ips.items(): print(f"  {k:12s} {v:10,.1f} images/s   ({res[k] * 1e3:8.1f} ms / step)")
    print(f"  device / loader  = {ips['device'] / ips['loader']:.2f}x")
    print(f"  device / compute = {ips['device'] / ips['compute']:.2f}  (1.00 = not data-bound)")
    if 'device_fast' in ips: print(f"  bf16 + channels_last + compile / eager fp32 = {ips['device_fast'] / ips['device']:.2f}x")
    return ips


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--encoder', default='cifar10_resnet32', help='encoder name (default: the seed\'s cifar10_resnet32)')
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--steps', type=int, default=5, help='timed steps per path')
    ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--workers', type=int, default=2, help='DataLoader worker processes for the per-sample path')
    ap.add_argument('--device', default=None)
    ap.add_argument('--fast', action='store_true', help='on CUDA: also bf16 + channels_last + torch.compile')
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    if a.batch < 2 or a.steps < 1: ap.error('--batch must be >= 2 and --steps >= 1')
    main(a.encoder, a.batch, a.steps, a.warmup, a.workers, a.device, a.fast, a.seed)
