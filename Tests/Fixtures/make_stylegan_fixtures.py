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


if __name__ == "__main__":
    make_parity()
    make_step()
    for name in ("torch_stylegan_generator.safetensors", "torch_stylegan_discriminator.safetensors", "stylegan_parity_z.npy",
                 "stylegan_parity.safetensors", "stylegan_step.safetensors"):
        print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")
