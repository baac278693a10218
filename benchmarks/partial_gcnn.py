"""One equinb group-convolution layer vs e2cnn's R2Conv (regular representations of C_N).

Both layers map `fields` regular fields (channels per group element) to `fields` regular fields with the same
kernel size on the same images, so each holds fields * N channels in and out. We measure, in one process:
  * the rot90 equivariance error: max |layer(rot90 x) - rot90(layer(x)) shifted on the group axis| / max |layer(x)|
  * forward + backward time, median over iterations timed alternately (train mode: both layers rebuild their filters from their parameters every call,
    equinb from its SIREN, e2cnn from its steerable basis)
Run: .venv/bin/python benchmarks/partial_gcnn.py [--n 4 8] [--batch 32] [--fields 16] [--size 28] [--iters 5]
The machine is shared, so the timings are indicative; the ratio is the number to read. On a CPU shared with
other jobs, `--threads 1` gives steadier figures (multi-threaded small ops stall when cores are busy).
"""
import argparse, statistics, time, warnings

warnings.filterwarnings('ignore', category=UserWarning)   # e2cnn 0.2.3: uint8 indexing deprecation
warnings.filterwarnings('ignore', category=DeprecationWarning)

import torch
from e2cnn import gspaces
from e2cnn import nn as enn

from equinb.partial_gcnn import GroupConv, GroupSamples, stratified_angles


def exact_grid(n):
    "The C_n grid {-pi, -pi + 2pi/n, ...} as GroupSamples (p = 1, offset 0)."
    a = stratified_angles(torch.tensor(1.0), n, torch.zeros(1, 1))
    return GroupSamples(a, torch.zeros_like(a), torch.ones_like(a))


def timed_pair(f1, f2, iters, warmup=1):
    "Median ms per call of f1 and f2, timed alternately so that load from other processes hits both alike."
    for _ in range(warmup): f1(); f2()
    t1, t2 = [], []
    for _ in range(iters):
        for f, t in ((f1, t1), (f2, t2)):
            t0 = time.perf_counter(); f(); t.append((time.perf_counter() - t0) * 1000)
    return statistics.median(t1), statistics.median(t2)


def bench(n, batch, fields, size, k, iters, seed=0):
    torch.manual_seed(seed)
    # --- equinb: full group conv on the exact grid of C_n
    ours = GroupConv(fields, fields, k, 'SE2', n_samples=n, partial=False, random_offset=False).train()
    h = exact_grid(n)
    x = torch.randn(batch, fields, n, size, size)
    with torch.no_grad():
        y, _ = ours(x, h)
        # a rotated feature map on G: rotate each slice and shift the group axis (what e2cnn's transform does)
        yr, _ = ours(torch.roll(torch.rot90(x, 1, (-2, -1)), n // 4, 2), h)
        ours_err = ((yr - torch.roll(torch.rot90(y, 1, (-2, -1)), n // 4, 2)).abs().max() / y.abs().max()).item()
    xg = x.clone().requires_grad_(True)
    def ours_step():
        out, _ = ours(xg, h); out.square().mean().backward()

    # --- e2cnn: R2Conv between regular fields of C_n
    gs = gspaces.Rot2dOnR2(N=n)
    ft = enn.FieldType(gs, fields * [gs.regular_repr])
    theirs = enn.R2Conv(ft, ft, kernel_size=k, padding=k // 2).train()
    xe = enn.GeometricTensor(torch.randn(batch, fields * n, size, size), ft)
    with torch.no_grad():
        theirs.eval()   # fixed filter for the error check
        ye = theirs(xe)
        g = n // 4      # the element of C_n that is a quarter turn
        yre = theirs(xe.transform(g))
        theirs_err = ((yre.tensor - ye.transform(g).tensor).abs().max() / ye.tensor.abs().max()).item()
        theirs.train()
    xt = xe.tensor.clone().requires_grad_(True)
    def theirs_step():
        out = theirs(enn.GeometricTensor(xt, ft)); out.tensor.square().mean().backward()
    ours_ms, theirs_ms = timed_pair(ours_step, theirs_step, iters)
    n_ours = sum(p.numel() for p in ours.parameters())
    n_theirs = sum(p.numel() for p in theirs.parameters())
    return dict(n=n, ours_ms=ours_ms, theirs_ms=theirs_ms, ours_err=ours_err, theirs_err=theirs_err,
                ours_params=n_ours, theirs_params=n_theirs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, nargs='+', default=[4, 8], help='orders of C_n (multiples of 4)')
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--fields', type=int, default=16, help='channels per group element (regular fields)')
    ap.add_argument('--size', type=int, default=28)
    ap.add_argument('--kernel-size', type=int, default=5)
    ap.add_argument('--iters', type=int, default=5)
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: leave the default)')
    a = ap.parse_args()
    for n in a.n:
        if n % 4: raise SystemExit(f"--n must be multiples of 4 (rot90 must be in C_n), got {n}")
    if a.threads: torch.set_num_threads(a.threads)
    print(f"batch {a.batch}, {a.fields} fields in/out (x n channels), {a.size}x{a.size}, kernel {a.kernel_size}, "
          f"{a.iters} timed iterations, {torch.get_num_threads()} threads, torch {torch.__version__}")
    print(f"{'group':>6} {'equinb ms':>10} {'e2cnn ms':>10} {'ratio':>6} {'equinb err':>11} {'e2cnn err':>10} "
          f"{'equinb params':>14} {'e2cnn params':>13}")
    for n in a.n:
        r = bench(n, a.batch, a.fields, a.size, a.kernel_size, a.iters)
        print(f"{'C_' + str(n):>6} {r['ours_ms']:10.1f} {r['theirs_ms']:10.1f} {r['ours_ms'] / r['theirs_ms']:6.2f} "
              f"{r['ours_err']:11.2e} {r['theirs_err']:10.2e} {r['ours_params']:14d} {r['theirs_params']:13d}")
    print("ratio = equinb ms / e2cnn ms (forward + backward, train mode); err = relative max rot90 equivariance error")


if __name__ == '__main__':
    main()
