"""Makes the PyTorch reference of DiffAugment (Zhao et al. 2020) that SwiftGAN's DiffAugment tests
compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_diffaugment_fixtures.py

The transforms follow the official DiffAugment_pytorch.py (mit-han-lab/data-efficient-gans)
operation by operation, with the random draws (torch.rand / torch.randint there) replaced by
given per-sample parameters, so both sides can use the same ones:
  brightness  x + b                                   b = U(0,1) - 0.5
  saturation  (x - mean_C x) * s + mean_C x           s = U(0,1) * 2
  contrast    (x - mean_CHW x) * c + mean_CHW x       c = U(0,1) + 0.5
  translation zero-pad by 1, gather rows clamp(i + tr + 1, 0, H + 1) and columns
              clamp(j + tc + 1, 0, W + 1) of the padded image
  cutout      mask[b, clamp(k + off_r - side_h // 2, 0, H - 1), clamp(l + off_c - side_w // 2,
              0, W - 1)] = 0 for k < side_h, l < side_w; x * mask

Writes diffaugment.safetensors next to this script: the input "x" [4, 3, 16, 12] (H != W, so
a mixed-up axis shows), the weights "w" and "v", the parameters ("brightness", "saturation",
"contrast", "row_shift", "column_shift", "cutout_row", "cutout_column", as float32), and for
each case in CASES (a policy list): "<case>.y" = aug(x), "<case>.grad" = d sum(w * aug(x)) / dx,
"<case>.grad2" = d sum(v * g) / dx where g = d sum(w * aug(x)^2) / dx taken with create_graph
(the double backward that R1 through the augmentation needs). Computed in float64.
"""
import os
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_default_dtype(torch.float64)

N, C, H, W = 4, 3, 16, 12
TRANSLATION_RATIO, CUTOUT_RATIO = 0.125, 0.5


def brightness(x, p):
    return x + p["brightness"].view(-1, 1, 1, 1)


def saturation(x, p):
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * p["saturation"].view(-1, 1, 1, 1) + mean


def contrast(x, p):
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * p["contrast"].view(-1, 1, 1, 1) + mean


def translation(x, p):
    n, _, h, w = x.shape
    b = torch.arange(n).view(n, 1, 1)
    rows = torch.clamp(torch.arange(h).view(1, h, 1) + p["row_shift"].view(n, 1, 1) + 1, 0, h + 1)
    cols = torch.clamp(torch.arange(w).view(1, 1, w) + p["column_shift"].view(n, 1, 1) + 1, 0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1]).permute(0, 2, 3, 1)
    return padded[b, rows, cols].permute(0, 3, 1, 2)


def cutout(x, p):
    n, _, h, w = x.shape
    side_h, side_w = int(h * CUTOUT_RATIO + 0.5), int(w * CUTOUT_RATIO + 0.5)
    b = torch.arange(n).view(n, 1, 1)
    rows = torch.clamp(torch.arange(side_h).view(1, side_h, 1) + p["cutout_row"].view(n, 1, 1) - side_h // 2, 0, h - 1)
    cols = torch.clamp(torch.arange(side_w).view(1, 1, side_w) + p["cutout_column"].view(n, 1, 1) - side_w // 2, 0, w - 1)
    mask = torch.ones(n, h, w)
    mask[b, rows, cols] = 0
    return x * mask.unsqueeze(1)


POLICIES = {"color": [brightness, saturation, contrast], "translation": [translation], "cutout": [cutout]}
CASES = ["color", "translation", "cutout", "translation,cutout,color"]


def augment(x, policy, p):
    for name in policy.split(","):
        for f in POLICIES[name]:
            x = f(x, p)
    return x


def main():
    g = torch.Generator().manual_seed(2020)
    x = torch.randn(N, C, H, W, generator=g)
    w = torch.randn(N, C, H, W, generator=g)
    v = torch.randn(N, C, H, W, generator=g)
    shift_h, shift_w = int(H * TRANSLATION_RATIO + 0.5), int(W * TRANSLATION_RATIO + 0.5)
    assert (shift_h, shift_w) == (2, 2)
    side_h, side_w = int(H * CUTOUT_RATIO + 0.5), int(W * CUTOUT_RATIO + 0.5)
    p = {
        "brightness": torch.rand(N, generator=g) - 0.5,
        "saturation": torch.rand(N, generator=g) * 2,
        "contrast": torch.rand(N, generator=g) + 0.5,
        # The extremes of the official ranges and values inside them.
        "row_shift": torch.tensor([-shift_h, 0, shift_h, 1]),
        "column_shift": torch.tensor([shift_w, -1, 0, -shift_w]),
        # Offsets range over 0 ... size - side % 2: both borders, so the square is clamped.
        "cutout_row": torch.tensor([0, H - side_h % 2, 7, 3]),
        "cutout_column": torch.tensor([W - side_w % 2, 0, 5, 9]),
    }
    out = {"x": x, "w": w, "v": v}
    out.update({k: t.to(torch.float64) for k, t in p.items()})
    for case in CASES:
        xs = x.clone().requires_grad_(True)
        y = augment(xs, case, p)
        (gradient,) = torch.autograd.grad((w * y).sum(), xs)
        xs2 = x.clone().requires_grad_(True)
        y2 = augment(xs2, case, p)
        (g1,) = torch.autograd.grad((w * y2 * y2).sum(), xs2, create_graph=True)
        (g2,) = torch.autograd.grad((v * g1).sum(), xs2)
        out[f"{case}.y"] = y.detach()
        out[f"{case}.grad"] = gradient
        out[f"{case}.grad2"] = g2
    save_file({k: t.to(torch.float32).contiguous() for k, t in out.items()}, os.path.join(HERE, "diffaugment.safetensors"))


if __name__ == "__main__":
    main()
