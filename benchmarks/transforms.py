"""Batched equinb transforms vs a per-sample PIL pipeline doing the same work.

The pipeline is DUET's `sca rot jit gra blu` on 3x32x32 images:
random resized crop (scale 0.2-1) -> rotation (+-180 deg, bilinear) -> colour jitter (p 0.8,
brightness/contrast/saturation 0.4, hue 0.1) -> grayscale (p 0.2) -> Gaussian blur (p 0.5, sigma 0.1-2).

Both sides start from the same uint8 batch and end with a float32 (B, 3, 32, 32) tensor in [0, 1]:
the baseline the way torchvision-style loaders do it (one PIL image at a time, then collate), equinb
with one `Compose` call on the whole batch (one fused resample for crop + rotation).
Both are timed in this process after a warm-up, alternately (so changes in machine load hit both);
the median of several repeats is reported.

    python benchmarks/transforms.py --batch 512 --repeats 7
"""
import argparse, math, random, statistics, time

import numpy as np
import torch
from PIL import Image, ImageEnhance, ImageFilter

from equinb.transforms import Compose


def pil_sca_rot(im: Image.Image, rng: random.Random) -> tuple:
    "DUET's `sca rot` on one PIL image: random resized crop (scale 0.2-1), then rotation; returns (image, degrees)."
    W, H = im.size
    # sca: random resized crop, scale (0.2, 1), ratio (3/4, 4/3), 10 attempts then the whole image
    top, left, h, w = 0, 0, H, W
    for _ in range(10):
        area = rng.uniform(0.2, 1.0) * H * W
        r = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        cw, ch = round(math.sqrt(area * r)), round(math.sqrt(area / r))
        if 0 < cw <= W and 0 < ch <= H:
            top, left, h, w = rng.randint(0, H - ch), rng.randint(0, W - cw), ch, cw
            break
    im = im.resize((W, H), Image.BILINEAR, box=(left, top, left + w, top + h))
    # rot: uniform +-180 degrees, bilinear, zero fill
    deg = rng.uniform(-180, 180)
    return im.rotate(deg, resample=Image.BILINEAR), deg


def pil_one(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    "One (H, W, 3) uint8 image through crop, rotate, jitter, gray, blur with PIL; returns (3, H, W) float32."
    im, _ = pil_sca_rot(Image.fromarray(arr), rng)
    # jit: p 0.8, brightness, contrast, saturation, hue
    if rng.random() < 0.8:
        im = ImageEnhance.Brightness(im).enhance(rng.uniform(0.6, 1.4))
        im = ImageEnhance.Contrast(im).enhance(rng.uniform(0.6, 1.4))
        im = ImageEnhance.Color(im).enhance(rng.uniform(0.6, 1.4))
        hue = rng.uniform(-0.1, 0.1)
        hh, ss, vv = im.convert('HSV').split()
        hn = np.asarray(hh, dtype=np.uint8) + np.uint8(int(round(hue * 255)) % 256)   # wraps mod 256
        im = Image.merge('HSV', (Image.fromarray(hn, 'L'), ss, vv)).convert('RGB')
    # gra: p 0.2
    if rng.random() < 0.2: im = im.convert('L').convert('RGB')
    # blu: p 0.5
    if rng.random() < 0.5: im = im.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.1, 2.0)))
    return np.asarray(im, dtype=np.float32).transpose(2, 0, 1) / 255


def pil_batch(batch_u8: np.ndarray, rng: random.Random) -> torch.Tensor:
    "The per-sample loop plus collation into one (B, 3, H, W) float tensor."
    return torch.from_numpy(np.stack([pil_one(a, rng) for a in batch_u8]))


def equinb_batch(batch_u8: torch.Tensor, pipe: Compose, gen: torch.Generator) -> torch.Tensor:
    "One batched call: uint8 -> float, then the fused pipeline."
    return pipe(batch_u8.float().div_(255), generator=gen)[0]


def _time_pair(f, g, repeats):
    "Median seconds of f and of g, timed alternately (so a change in machine load hits both) after a warm-up."
    f(); g(); g()
    tf, tg = [], []
    for _ in range(repeats):
        t = time.perf_counter(); f(); tf.append(time.perf_counter() - t)
        t = time.perf_counter(); g(); tg.append(time.perf_counter() - t)
    return statistics.median(tf), statistics.median(tg)


def main(batch: int = 512, repeats: int = 7, seed: int = 0, threads: int = 1, chunk='auto') -> dict:
    "Time both pipelines; print and return images/s and the ratio."
    torch.set_num_threads(threads)
    g = np.random.default_rng(seed)
    data = g.integers(0, 256, size=(batch, 32, 32, 3), dtype=np.uint8)
    data_t = torch.from_numpy(data).permute(0, 3, 1, 2).contiguous()
    rng, gen = random.Random(seed), torch.Generator().manual_seed(seed)
    pipe = Compose('sca rot jit gra blu', chunk=chunk)
    assert pil_batch(data[:4], rng).shape == equinb_batch(data_t[:4], pipe, gen).shape
    t_pil, t_eq = _time_pair(lambda: pil_batch(data, rng), lambda: equinb_batch(data_t, pipe, gen), repeats)
    res = {'batch': batch, 'threads': torch.get_num_threads(), 'pil_img_s': batch / t_pil,
           'equinb_img_s': batch / t_eq, 'ratio': t_pil / t_eq}
    print(f"batch {batch}, {repeats} repeats (median), torch threads {res['threads']}, chunk {chunk}")
    print(f"per-sample PIL pipeline : {res['pil_img_s']:10,.0f} images/s  ({t_pil * 1e3:.1f} ms / batch)")
    print(f"equinb batched Compose  : {res['equinb_img_s']:10,.0f} images/s  ({t_eq * 1e3:.1f} ms / batch)")
    print(f"ratio                   : {res['ratio']:.1f}x")
    return res


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--batch', type=int, default=512, help='images per batch (default 512)')
    ap.add_argument('--repeats', type=int, default=7, help='timed repeats after one warm-up (default 7)')
    ap.add_argument('--seed', type=int, default=0, help='seed for the images and both pipelines')
    ap.add_argument('--threads', type=int, default=1,
                    help='torch threads (default 1: the same single core the per-sample PIL loop uses)')
    ap.add_argument('--chunk', default='auto', help="Compose chunk: 'auto', 'none' or an int")
    a = ap.parse_args()
    if a.batch < 1 or a.repeats < 1: ap.error('--batch and --repeats must be positive')
    chunk = None if a.chunk == 'none' else (a.chunk if a.chunk == 'auto' else int(a.chunk))
    main(a.batch, a.repeats, a.seed, a.threads, chunk)
