"""Makes the PyTorch reference fixtures of StyleGAN2-lite (`stylegan_models()` of the peer zoo,
torch_zoo.py) that SwiftGAN's stylegan tests compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_stylegan_fixtures.py

Writes, next to this script:
  torch_stylegan_generator.safetensors      G's state_dict() (float32) from torch.manual_seed(0),
        with every parameter PyTorch initializes to a constant (biases, noise strengths) moved by
        0.1 * N(0, 1) and w_avg set to 0.3 * N(0, 1), so that noise, biases and truncation all
        change the output
  torch_stylegan_discriminator.safetensors  D's state_dict() from the same seed, biases moved
  stylegan_parity_z.npy       float32 [12, 128] latents
  stylegan_parity.safetensors G's eval-mode images for them: "const" (noise_mode const, psi 1),
        "truncated" (const, psi 0.7), "no_noise" (noise_mode none, psi 1), and "d_scores", D's
        scores of "const"
  stylegan_step.safetensors   one training step in float64 from those weights, with formula-made
        latents and images (batch 8) and constant noise (random noise is the only difference
        from a real step): D's loss on the fakes and the real batch plus R1 (gamma 1) on real
        images scaled by the lazy interval 16, as SwiftGAN's recipe adds it to that D update;
        a D update; G's non-saturating loss through the updated D; a G update; Adam lr 0.0025,
        betas (0, 0.99). Gradients and parameters are sampled at ~4,000 evenly spaced elements
        (see sampled()); w_avg after the step (G ran twice in training mode) and eval-mode
        outputs after the step
  stylegan_path_length.safetensors   StyleGAN2's path-length penalty in float64 on those weights,
        with style mixing: per-layer w = mapping(z1) for layers < CUTOFF and mapping(z2) from it
        on (batch 4), constant noise, given pixel noise "pl_noise" (N(0, 1), divided by
        sqrt(H * W) inside, as stylegan2-ada does) and a running mean "pl_mean_before": the
        lengths sqrt(mean over layers of |d sum(img * noise) / dw|^2), the mean moved by 0.01
        towards their mean (kept in the graph, as stylegan2-ada's lerp is), the penalty
        mean((lengths - mean)^2), and G's gradient of it (double backward through the modulated
        convolutions and the mapping network), sampled as above
"""
import os, sys
import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench", "peers"))
import torch_zoo as zoo  # noqa: E402
from make_cgan_fixtures import formula  # noqa: E402

BATCH = 8
GAMMA = 1.0
INTERVAL = 16
LR = 0.0025


def sampled(t):
    """About 4,000 evenly spaced elements (every len // 4000-th), to keep the fixture small."""
    flat = t.detach().reshape(-1)
    return flat[::max(1, flat.numel() // 4000)].clone()


def make_parity():
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    G, D = zoo.stylegan_models()
    with torch.no_grad():
        for m in (G, D):
            for name, p in m.named_parameters():
                if name.endswith("bias") or name.endswith("noise_strength"):
                    p.add_(0.1 * torch.randn(p.shape))
        G.mapping.w_avg.copy_(0.3 * torch.randn(zoo.STYLEGAN_W_DIM))
    G.eval(); D.eval()
    z = torch.randn(12, zoo.STYLEGAN_Z_DIM)
    with torch.no_grad():
        out = {"const": G(z), "truncated": G(z, truncation_psi=0.7), "no_noise": G(z, noise_mode="none")}
        out["d_scores"] = D(out["const"])
    save_file({k: v.contiguous() for k, v in G.state_dict().items()}, os.path.join(HERE, "torch_stylegan_generator.safetensors"))
    save_file({k: v.contiguous() for k, v in D.state_dict().items()}, os.path.join(HERE, "torch_stylegan_discriminator.safetensors"))
    np.save(os.path.join(HERE, "stylegan_parity_z.npy"), z.numpy().astype(np.float32))
    save_file({k: v.contiguous() for k, v in out.items()}, os.path.join(HERE, "stylegan_parity.safetensors"))


def make_step():
    torch.set_default_dtype(torch.float64)
    G, D = zoo.stylegan_models()
    G.load_state_dict(load_file(os.path.join(HERE, "torch_stylegan_generator.safetensors")))
    D.load_state_dict(load_file(os.path.join(HERE, "torch_stylegan_discriminator.safetensors")))
    G, D = G.double(), D.double()
    G.train(); D.train()
    z1 = formula((BATCH, zoo.STYLEGAN_Z_DIM), 1.7, 0.5)
    z2 = formula((BATCH, zoo.STYLEGAN_Z_DIM), 1.3, 1.5)
    real = torch.tanh(formula((BATCH, 1, 32, 32), 2.0, 2.5))
    oD = torch.optim.Adam(D.parameters(), lr=LR, betas=(0.0, 0.99))
    oG = torch.optim.Adam(G.parameters(), lr=LR, betas=(0.0, 0.99))
    out = {}

    with torch.no_grad():
        fake = G(z1, noise_mode="const")
    out["fake_train"] = sampled(fake)
    out["w_avg_after_d_fakes"] = G.mapping.w_avg.clone()
    real_in = real.detach().requires_grad_(True)
    dr, df = D(real_in), D(fake)
    out["d_real_train"], out["d_fake_train"] = dr.detach().clone(), df.detach().clone()
    adversarial = F.softplus(df).mean() + F.softplus(-dr).mean()
    (r1_grad,) = torch.autograd.grad(dr.sum(), real_in, create_graph=True)
    r1 = r1_grad.square().sum([1, 2, 3]).mean() * (GAMMA / 2)
    lossD = adversarial + r1 * INTERVAL
    oD.zero_grad(); lossD.backward()
    for name, p in D.named_parameters():
        out["d_grad." + name] = sampled(p.grad)
    oD.step()

    lossG = F.softplus(-D(G(z2, noise_mode="const"))).mean()
    oG.zero_grad(); lossG.backward()
    for name, p in G.named_parameters():
        out["g_grad." + name] = sampled(p.grad)
    oG.step()
    out["loss_d"], out["r1"], out["loss_g"] = lossD.detach().reshape(1), r1.detach().reshape(1), lossG.detach().reshape(1)
    for prefix, m in (("g", G), ("d", D)):
        for name, p in m.named_parameters():
            out[f"{prefix}_after.{name}"] = sampled(p)
    out["w_avg_after_step"] = G.mapping.w_avg.clone()
    G.eval(); D.eval()
    with torch.no_grad():
        out["g_eval_after_step"] = G(z1, noise_mode="const")
        out["d_eval_after_step"] = D(real)
    save_file({k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}, os.path.join(HERE, "stylegan_step.safetensors"))


CUTOFF = 3
PL_BATCH = 4


def synthesis_per_layer(G, ws):
    """The zoo's SynthesisNetwork with one w per layer (stylegan2-ada's assignment: a block's
    toRGB shares the next block's first w): b4 conv1 w0, torgb w1; b8 conv0 w1, conv1 w2,
    torgb w3; b16 w3, w4, w5; b32 w5, w6, w7."""
    s = G.synthesis
    x = s.const.unsqueeze(0).repeat(ws[0].shape[0], 1, 1, 1)
    img, i = None, 0
    for block in (s.b4, s.b8, s.b16, s.b32):
        if not block.first:
            x = block.conv0(x, ws[i], "const")
            i += 1
        x = block.conv1(x, ws[i], "const")
        i += 1
        y = block.torgb(x, ws[i])
        img = y if img is None else F.interpolate(img, scale_factor=2, mode="bilinear", align_corners=False) + y
    return img


def make_path_length():
    torch.set_default_dtype(torch.float64)
    G, _ = zoo.stylegan_models()
    G.load_state_dict(load_file(os.path.join(HERE, "torch_stylegan_generator.safetensors")))
    G = G.double()
    G.train()
    # Latents whose every LeakyReLU input is at least 1.4e-5 times its layer's median magnitude
    # away from 0 (of eight formula pairs tried, the farthest): nearer the kink, float32 and
    # float64 can take different branches for an element and the second-order gradients then
    # differ by up to 1e-2 while both are right.
    z1 = formula((PL_BATCH, zoo.STYLEGAN_Z_DIM), 0.7, 1.3)
    z2 = formula((PL_BATCH, zoo.STYLEGAN_Z_DIM), 1.4, 0.2)
    pl_noise = formula((PL_BATCH, 1, 32, 32), 1.9, 0.7)
    pl_mean = torch.tensor(0.01)   # far from the lengths (~0.055), so lengths - mean is not a float32 cancellation
    w1, w2 = G.mapping(z1), G.mapping(z2)
    with torch.no_grad():   # one w for every layer gives the zoo's own synthesis
        assert torch.allclose(synthesis_per_layer(G, [w1] * 8), G.synthesis(w1, "const"))
    ws = torch.stack([w1] * CUTOFF + [w2] * (8 - CUTOFF), 1)
    img = synthesis_per_layer(G, ws.unbind(1))
    (grad,) = torch.autograd.grad((img * pl_noise / 32.0).sum(), ws, create_graph=True)
    lengths = grad.square().sum(2).mean(1).sqrt()
    mean = pl_mean.lerp(lengths.mean(), 0.01)
    penalty = (lengths - mean).square().mean()
    G.zero_grad()
    penalty.backward()
    out = {"z1": z1, "z2": z2, "pl_noise": pl_noise, "pl_mean_before": pl_mean.reshape(1), "lengths": lengths,
           "pl_mean_after": mean.detach().reshape(1), "penalty": penalty.detach().reshape(1), "images": img}
    for name, p in G.named_parameters():
        if p.grad is not None:
            out["g_grad." + name] = sampled(p.grad)
    save_file({k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}, os.path.join(HERE, "stylegan_path_length.safetensors"))


if __name__ == "__main__":
    make_parity()
    make_step()
    make_path_length()
    for name in ("torch_stylegan_generator.safetensors", "torch_stylegan_discriminator.safetensors", "stylegan_parity_z.npy",
                 "stylegan_parity.safetensors", "stylegan_step.safetensors", "stylegan_path_length.safetensors"):
        print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")
