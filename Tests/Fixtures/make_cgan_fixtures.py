"""Makes the PyTorch reference fixtures of the class-conditional DCGAN (`cgan_models()` of the
peer zoo, torch_zoo.py) that SwiftGAN's cgan tests compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_cgan_fixtures.py

Writes, next to this script:
  torch_cgan_generator.safetensors / torch_cgan_discriminator.safetensors
        state_dict()s (float32, as safetensors.torch saves them) of cgan_models() built with
        torch.manual_seed(0) and trained 3 steps of torch_zoo_step.py's cgan step on random data,
        so BN running statistics and the spectral-norm vectors u, v are not their initial values
  cgan_parity_z.npy       float32 [20, 100] latents
  cgan_parity_labels.npy  int64 [20] class indices
  cgan_parity.safetensors G's eval-mode samples for them ("samples" [20,1,28,28]) and D's eval-mode
        logits on those samples ("d_logits" [20,1])
  cgan_step.safetensors   one training step of the cgan recipe from formula-made weights (see
        init_by_sorted_names) in float64: D's train-mode logits, both losses, D's gradients in the
        step, G's gradients through the initial D (in float32), the parameters after the Adam step (each sampled at ~20,000 evenly spaced
        elements, "g_grad.NAME", "d_grad.NAME", "g_after.NAME", "d_after.NAME"), every buffer after
        the step in full ("g_buffer.NAME", "d_buffer.NAME"), eval-mode outputs after the step;
        and spectral norm on an Embedding ("sn_embed.*": train forward, u and v after it, the
        gradient of weight_orig, eval forward)
"""
import copy, math, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench", "peers"))
import torch_zoo as zoo  # noqa: E402

BATCH = 64


def formula(shape, scale, phase):
    """Deterministic values both sides can compute: scale * sin(12.9898 i + phase)."""
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    return torch.from_numpy(scale * np.sin(12.9898 * i + phase)).reshape(shape).to(torch.get_default_dtype())


def init_by_sorted_names(module, transposed=False):
    """Parameters by formula, indexed by their position among the sorted parameter names (so the
    order modules list them in does not matter), scaled by 1/sqrt(fan-in) (with `transposed`, the
    4-D weights are ConvTranspose2d's [in, out, k, k], fan-in in*k*k, which keeps G's outputs out
    of tanh's flat tails); spectral-norm vectors u, v normalized formulas."""
    params = dict(module.named_parameters())
    with torch.no_grad():
        for j, name in enumerate(sorted(params)):
            p = params[name]
            if p.dim() > 1:
                fan_in = p.shape[0] * p[0, 0].numel() if transposed and p.dim() == 4 else p[0].numel()
                p.copy_(formula(p.shape, 1.0 / math.sqrt(fan_in), 78.233 * (j + 1)))
            elif name.endswith("weight"):
                p.copy_(1 + formula(p.shape, 0.1, 78.233 * (j + 1)))
            else:
                p.copy_(formula(p.shape, 0.1, 78.233 * (j + 1)))
        buffers = dict(module.named_buffers())
        for j, name in enumerate(sorted(buffers)):
            if name.endswith("weight_u") or name.endswith("weight_v"):
                b = buffers[name]
                b.copy_(F.normalize(formula(b.shape, 1.0, 31.7 * (j + 1)), dim=0))


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def sampled(t):
    flat = t.detach().reshape(-1)
    stride = max(1, flat.numel() // 20000)
    return flat[::stride].clone()


def labels_for(n):
    return torch.tensor([(3 * i + 1) % zoo.NUM_CLASSES for i in range(n)], dtype=torch.int64)


def cgan_step(G, D, oG, oD, real, y, z1, z2):
    """torch_zoo_step.py's cgan step with given latents; returns the losses."""
    with torch.no_grad():
        fake = G(z1, y)
    dr, df = D(real, y), D(fake, y)
    lossD = bce(dr, 1) + bce(df, 0)
    oD.zero_grad(); lossD.backward(); oD.step()
    df = D(G(z2, y), y)
    lossG = bce(df, 1)
    oG.zero_grad(); lossG.backward(); oG.step()
    return lossD, lossG


def adam(params):
    return torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999))


def make_parity():
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    G, D = zoo.cgan_models()
    oG, oD = adam(G.parameters()), adam(D.parameters())
    for _ in range(3):
        real = torch.rand(BATCH, 1, 28, 28) * 2 - 1
        y = torch.randint(0, zoo.NUM_CLASSES, (BATCH,))
        cgan_step(G, D, oG, oD, real, y, torch.randn(BATCH, zoo.CGAN_Z_DIM), torch.randn(BATCH, zoo.CGAN_Z_DIM))
    G.eval(); D.eval()
    z = torch.randn(20, zoo.CGAN_Z_DIM)
    y = torch.tensor([i % zoo.NUM_CLASSES for i in range(20)], dtype=torch.int64).flip(0)
    with torch.no_grad():
        samples = G(z, y)
        logits = D(samples, y)
    save_file({k: v.contiguous() for k, v in G.state_dict().items()}, os.path.join(HERE, "torch_cgan_generator.safetensors"))
    save_file({k: v.contiguous() for k, v in D.state_dict().items()}, os.path.join(HERE, "torch_cgan_discriminator.safetensors"))
    np.save(os.path.join(HERE, "cgan_parity_z.npy"), z.numpy().astype(np.float32))
    np.save(os.path.join(HERE, "cgan_parity_labels.npy"), y.numpy().astype(np.int64))
    save_file({"samples": samples.contiguous(), "d_logits": logits.contiguous()}, os.path.join(HERE, "cgan_parity.safetensors"))


def make_step():
    torch.set_default_dtype(torch.float64)
    out = {}
    G, D = zoo.cgan_models()
    G, D = G.double(), D.double()
    init_by_sorted_names(G, transposed=True)
    init_by_sorted_names(D)
    z1 = formula((BATCH, zoo.CGAN_Z_DIM), 1.7, 0.5)
    z2 = formula((BATCH, zoo.CGAN_Z_DIM), 1.3, 1.5)
    real = torch.tanh(formula((BATCH, 1, 28, 28), 2.0, 2.5))
    y = labels_for(BATCH)
    oG, oD = adam(G.parameters()), adam(D.parameters())

    # G's gradients through the initial D (on a copy: a training forward moves D's u, v). Through
    # the updated D they would follow Adam's first step, lr * sign(g), whose sign is rounding noise
    # where D's gradient is tiny, so the step itself is checked by its losses and weights.
    # These are taken in float32, as a PyTorch user runs it: G's backward through BN's batch
    # statistics is ill-conditioned enough here that float32 and float64 differ by ~1e-2 in
    # places, while SwiftGAN and PyTorch in float32 agree to ~1e-4.
    D0 = copy.deepcopy(D).float()
    G0 = copy.deepcopy(G).float()
    bce(D0(G0(z2.float(), y), y), 1).backward()
    for name, p in G0.named_parameters():
        out["g_grad." + name] = sampled(p.grad)

    # The step, unrolled to record what each half computes.
    with torch.no_grad():
        fake = G(z1, y)
    out["fake_train"] = sampled(fake)
    dr, df = D(real, y), D(fake, y)
    out["d_real_train"], out["d_fake_train"] = dr.detach().clone(), df.detach().clone()
    lossD = bce(dr, 1) + bce(df, 0)
    oD.zero_grad(); lossD.backward()
    for name, p in D.named_parameters():
        out["d_grad." + name] = sampled(p.grad)
    oD.step()
    df = D(G(z2, y), y)
    lossG = bce(df, 1)
    oG.zero_grad(); lossG.backward(); oG.step()
    out["loss_d"], out["loss_g"] = lossD.detach().reshape(1), lossG.detach().reshape(1)
    for prefix, m in (("g", G), ("d", D)):
        for name, p in m.named_parameters():
            out[f"{prefix}_after.{name}"] = sampled(p)
        for name, b in m.named_buffers():
            if b.dtype.is_floating_point:
                out[f"{prefix}_buffer.{name}"] = b.clone()
    G.eval(); D.eval()
    with torch.no_grad():
        out["g_eval_after_step"] = G(z1[:8], y[:8])
        out["d_eval_after_step"] = D(real[:8], y[:8])

    # Spectral norm on an Embedding: W = weight_orig [classes, dim], one power iteration per
    # training forward, the stored u, v in evaluation.
    embed = nn.utils.spectral_norm(nn.Embedding(5, 7).double())
    init_by_sorted_names(embed)
    out["sn_embed.weight_orig"] = embed.weight_orig.detach().clone()
    out["sn_embed.u0"], out["sn_embed.v0"] = embed.weight_u.clone(), embed.weight_v.clone()
    idx = torch.tensor([4, 0, 2, 2, 1, 3], dtype=torch.int64)
    e = embed(idx)
    out["sn_embed.train_out"] = e.detach().clone()
    out["sn_embed.u1"], out["sn_embed.v1"] = embed.weight_u.clone(), embed.weight_v.clone()
    (e * formula(e.shape, 1.0, 0.25)).sum().backward()
    out["sn_embed.grad_weight_orig"] = embed.weight_orig.grad.clone()
    embed.eval()
    with torch.no_grad():
        out["sn_embed.eval_out"] = embed(idx)

    save_file({k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}, os.path.join(HERE, "cgan_step.safetensors"))


if __name__ == "__main__":
    make_parity()
    make_step()
    for name in ("torch_cgan_generator", "torch_cgan_discriminator", "cgan_parity", "cgan_step"):
        print(name, os.path.getsize(os.path.join(HERE, name + ".safetensors")), "bytes")
