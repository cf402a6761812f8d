"""Makes the PyTorch reference of ADA's augmentation transforms (Karras et al. 2020, the 'blit',
'geom' and 'color' groups of stylegan2-ada-pytorch's AugmentPipe) that SwiftGAN's
AugmentPipelineTests compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_ada_fixtures.py

The random draws are replaced by given per-sample parameters (PARAMS), so both sides use the
same ones. From them, as the reference composes them:
  G_inv = S(1/(1-2 flip), 1) R(pi/2 turns) T(-shift) S(1/s, 1/s) R(rot_before) S(1/a, a)
          R(rot_after) T(-frac)                    (output pixel -> input pixel, pixels from
                                                    the image centre (W-1)/2, (H-1)/2)
  C     = Sat(sat) Hue(hue) Flip(luma) Scale(contrast) Translate(brightness)   (4x4 on RGB1)
The geometry is executed with torch's affine_grid + grid_sample (bilinear, reflection padding,
align_corners=True, so that -1 and 1 are the centres of the edge pixels), which is SwiftGAN's
resampling. (The reference resamples through a 2x upsampling with the sym6 wavelet; the
matrices, their order and conventions are what this fixture pins.) The colours: RGB as
C[:3, :3] @ rgb + C[:3, 3]; one channel as x * sum(mean_rows(C[:3])[:3]) + mean_rows(C[:3])[3].

Writes ada_augment.safetensors next to this script: the parameters (float64 -> float32), and
for C in (1, 3): "c<C>.x" [6, C, 16, 12], "c<C>.w", "c<C>.v", "c<C>.y" = aug(x),
"c<C>.grad" = d sum(w * aug(x)) / dx, "c<C>.grad2" = d sum(v * g) / dx with
g = d sum(w * aug(x)^2) / dx taken with create_graph. Computed in float64.
"""
import math
import os
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_default_dtype(torch.float64)

N, H, W = 6, 16, 12
# Sample 0 is left as it is; 1-4 exercise groups of transforms; 5 has all of them.
PARAMS = {
    "flip":            [0, 1, 0, 0, 0, 1],
    "quarter_turns":   [0, 0, 1, 0, 0, 3],
    "shift_x":         [0, 1, -2, 0, 0, 1],
    "shift_y":         [0, 0, 1, 0, 0, -2],
    "scale":           [1, 1, 1, 1.3, 1, 0.8],
    "rotation_before": [0, 0, 0, 0.7, 0, -2.1],
    "aniso":           [1, 1, 1, 1, 1.25, 0.9],
    "rotation_after":  [0, 0, 0, 0, -0.4, 1.1],
    "fraction_x":      [0, 0, 0, 0, 0.6, -1.3],
    "fraction_y":      [0, 0, 0, 0, -0.35, 0.8],
    "brightness":      [0, 0.1, 0, -0.2, 0, 0.15],
    "contrast":        [1, 1, 1.4, 1, 0.7, 1.2],
    "luma_flip":       [0, 0, 0, 1, 0, 1],
    "hue":             [0, 0.5, 0, 0, -1.2, 2.0],
    "saturation":      [1, 1, 0.5, 1, 1.8, 0.6],
}


def m3(rows):
    return torch.tensor(rows, dtype=torch.float64)


def scale2(sx, sy):
    return m3([[sx, 0, 0], [0, sy, 0], [0, 0, 1]])


def translate2(tx, ty):
    return m3([[1, 0, tx], [0, 1, ty], [0, 0, 1]])


def rotate2(t):
    return m3([[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0], [0, 0, 1]])


def geometry(b):
    p = {k: v[b] for k, v in PARAMS.items()}
    g = torch.eye(3)
    for m in [scale2(1 / (1 - 2 * p["flip"]), 1), rotate2(math.pi / 2 * p["quarter_turns"]),
              translate2(-p["shift_x"], -p["shift_y"]), scale2(1 / p["scale"], 1 / p["scale"]),
              rotate2(p["rotation_before"]), scale2(1 / p["aniso"], p["aniso"]), rotate2(p["rotation_after"]),
              translate2(-p["fraction_x"], -p["fraction_y"])]:
        g = g @ m
    return g


LUMA = torch.tensor([1.0, 1.0, 1.0, 0.0]) / math.sqrt(3)


def color(b):
    p = {k: v[b] for k, v in PARAMS.items()}
    eye, vv = torch.eye(4), torch.outer(LUMA, LUMA)
    c = eye.clone()
    br = p["brightness"]
    c = torch.tensor([[1, 0, 0, br], [0, 1, 0, br], [0, 0, 1, br], [0, 0, 0, 1.0]]) @ c
    k = p["contrast"]
    c = torch.diag(torch.tensor([k, k, k, 1.0])) @ c
    c = (eye - 2 * vv * p["luma_flip"]) @ c
    return c


def color_rgb(b):
    """The RGB-only transforms (hue, saturation) after the common ones."""
    p = {k: v[b] for k, v in PARAMS.items()}
    eye, vv = torch.eye(4), torch.outer(LUMA, LUMA)
    c = color(b)
    t, (x, y, z) = p["hue"], LUMA[:3].tolist()
    s, co, cc = math.sin(t), math.cos(t), 1 - math.cos(t)
    hue = torch.tensor([[x * x * cc + co, x * y * cc - z * s, x * z * cc + y * s, 0],
                        [y * x * cc + z * s, y * y * cc + co, y * z * cc - x * s, 0],
                        [z * x * cc - y * s, z * y * cc + x * s, z * z * cc + co, 0],
                        [0, 0, 0, 1.0]])
    c = hue @ c
    c = (vv + (eye - vv) * p["saturation"]) @ c
    return c


def augment(x):
    n, ch, h, w = x.shape
    cx, cy = (w - 1) / 2, (h - 1) / 2
    to_norm = torch.diag(torch.tensor([1 / cx, 1 / cy, 1.0]))
    theta = torch.stack([(to_norm @ geometry(b) @ torch.linalg.inv(to_norm))[:2] for b in range(n)])
    grid = F.affine_grid(theta, list(x.shape), align_corners=True)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=True)
    cs = torch.stack([color_rgb(b) if ch == 3 else color(b) for b in range(n)])
    x = x.reshape(n, ch, h * w)
    if ch == 3:
        x = cs[:, :3, :3] @ x + cs[:, :3, 3:]
    else:
        m = cs[:, :3, :].mean(dim=1, keepdim=True)
        x = x * m[:, :, :3].sum(dim=2, keepdim=True) + m[:, :, 3:]
    return x.reshape(n, ch, h, w)


def main():
    torch.manual_seed(0)
    out = {k: torch.tensor(v, dtype=torch.float32) for k, v in PARAMS.items()}
    for ch in (1, 3):
        x = torch.randn(N, ch, H, W)
        wt, v = torch.randn(N, ch, H, W), torch.randn(N, ch, H, W)
        xi = x.clone().requires_grad_(True)
        y = augment(xi)
        g = torch.autograd.grad((wt * y).sum(), xi)[0]
        y2 = augment(xi)
        first = torch.autograd.grad((wt * y2 * y2).sum(), xi, create_graph=True)[0]
        second = torch.autograd.grad((v * first).sum(), xi)[0]
        for key, t in {"x": x, "w": wt, "v": v, "y": y, "grad": g, "grad2": second}.items():
            out[f"c{ch}.{key}"] = t.detach().float().contiguous()
    save_file(out, os.path.join(HERE, "ada_augment.safetensors"))


if __name__ == "__main__":
    main()
