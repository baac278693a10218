"""Does the IE-AE's pose follow a turn of the input over the whole circle? (the OOD experiment needs it)

    .venv/bin/python paper_figures/symmetry_pose_turns.py

For the IE-AEs trained by symmetry_experiments.py (seed 0, model 'ssl-sym', checkpoints in
~/.cache/equinb/runs/symmetry_experiments/), 500 upright MNIST test digits are turned by a = -180..180 deg in
steps of 30 deg, and the circular error |phi(R_a x) - phi(x) - a| is averaged per angle. An exactly
equivariant pose has error 0 at every angle. Writes symmetry_pose_turns.csv.
"""
import csv, math, warnings
from pathlib import Path

import torch

warnings.filterwarnings('ignore', message='indexing with dtype torch.uint8')
HERE = Path(__file__).resolve().parent
RUNS = Path.home() / '.cache/equinb/runs/symmetry_experiments'


def main():
    torch.set_num_threads(1)
    from equinb.symmetry import SymmetryAE, embed_dataset
    from equinb.groups import rotate_images, wrap_angle
    from equinb.data import get_dataset
    x0, _, _ = get_dataset('mnist', 'test', size=28)
    x0 = x0[:500]
    rows = []
    for d in ['RotMNIST60', 'RotMNIST60-90', 'MNISTMultiple', 'MNISTMultipleGaussian', 'MNISTC2C4']:
        ck = RUNS / f'ssl-sym_{d}_s0' / 'last.pt'
        if not ck.is_file(): print(f'{d}: no checkpoint at {ck}'); continue
        ae = SymmetryAE(1, 28)
        ae.train(); ae.load_state_dict(torch.load(ck, map_location='cpu', weights_only=False)['model']); ae.eval()
        _, p0 = embed_dataset(ae, x0)
        for a in range(-180, 181, 30):
            _, p = embed_dataset(ae, rotate_images(x0, torch.full((len(x0),), math.radians(a))))
            err = torch.rad2deg(wrap_angle(p - p0 - math.radians(a))).abs()
            rows.append(dict(dataset=d, seed=0, angle=a, err_mean=float(err.mean()), err_median=float(err.median()),
                             frac_over_90=float((err > 90).float().mean()), n=len(x0)))
            print(rows[-1], flush=True)
    with open(HERE / 'symmetry_pose_turns.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0])); w.writeheader(); w.writerows(rows)


if __name__ == '__main__':
    main()
