"""Makes the PyTorch reference fixtures of BigGAN-lite (`biggan_models()` of the peer zoo,
torch_zoo.py) that SwiftGAN's biggan tests compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_biggan_fixtures.py

Writes, next to this script:
  biggan_layers.safetensors   BigGAN's layers as functions of their inputs and weights, in float64
        (stored as float32) like ops.safetensors: "NAME.in0".., "NAME.out", the output weights
        "NAME.w", the gradients of sum(out * w) "NAME.grad0".., and the gradient of
        sum_i grad_i . v_i ("NAME.v0".., "NAME.gg0"..): batched matrix products with every
        transpose (and the attention's shapes), conditional batch norm (training mode), the
        self-attention at 14x14 with 128 channels (G's, batch 1) and 64 (D's, batch 2), average
        pooling 28 -> 14 and 14 -> 7, max pooling 14 -> 7, nearest upsampling 7 -> 14 and 14 -> 28
  torch_biggan_generator.safetensors
        G's state_dict() (float32) from torch.manual_seed(0), trained 3 steps of
        torch_zoo_step.py's biggan step on random data (so batch norm's running statistics and the
        spectral-norm vectors moved), then the attention's gamma set to 0.7 (training moves it
        only ~1e-4 from 0, which would hide the attention's output)
  biggan_parity_z.npy       float32 [20, 120] latents
  biggan_parity_labels.npy  int64 [20] class indices
  biggan_parity.safetensors G's eval-mode samples for them ("samples" [20, 1, 28, 28])
  biggan_step.safetensors   one training step of the biggan recipe (batch 16) in float64 from
        the parity generator above and a formula-made discriminator (init_by_sorted_names of
        make_cgan_fixtures.py, so D's gamma is non-zero), with formula-made latents and images,
        gradients and parameters each sampled at ~4,000 evenly spaced elements (see sampled()):
        the train-mode forwards, both hinge losses, D's gradients in the step, G's gradients
        through the initial D (in float32), the parameters after the Adam steps (lr D 2e-4,
        G 5e-5, betas (0, 0.999)), every floating-point buffer after the step (running
        statistics, u and v), eval-mode outputs after the step
"""
import copy, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench", "peers"))
import torch_zoo as zoo  # noqa: E402
from make_cgan_fixtures import formula, init_by_sorted_names, labels_for  # noqa: E402

BATCH = 16


def sampled(t):
    """About 4,000 evenly spaced elements (every len // 4000-th), to keep the fixture small."""
    flat = t.detach().reshape(-1)
    return flat[::max(1, flat.numel() // 4000)].clone()


# ----------------------------------------------------------------------------- layers

def attention(x, w_theta, w_phi, w_g, w_o, gamma):
    """zoo.Attention's forward with its four 1x1 convolutions' weights given (no spectral norm)."""
    n, C, H, W = x.shape
    theta = F.conv2d(x, w_theta).view(n, C // 8, H * W)
    phi = F.max_pool2d(F.conv2d(x, w_phi), 2).view(n, C // 8, H * W // 4)
    g = F.max_pool2d(F.conv2d(x, w_g), 2).view(n, C // 2, H * W // 4)
    beta = F.softmax(torch.bmm(theta.transpose(1, 2), phi), dim=-1)
    o = F.conv2d(torch.bmm(g, beta.transpose(1, 2)).view(n, C // 2, H, W), w_o)
    return x + gamma * o


def conditional_batch_norm(x, c, w_gain, w_bias):
    """zoo.CondBatchNorm's training-mode forward with its projections' weights given."""
    n, C = x.shape[:2]
    return F.batch_norm(x, None, None, training=True) * (1 + F.linear(c, w_gain)).view(n, C, 1, 1) \
        + F.linear(c, w_bias).view(n, C, 1, 1)


def layer_cases():
    """name -> (function, inputs, second_order). Inputs are differentiated."""
    g = torch.Generator().manual_seed(4321)

    def rn(*shape, scale=1.0):
        return torch.randn(*shape, generator=g) * scale

    def attention_inputs(channels, batch):
        s = 1 / channels ** 0.5
        return [rn(batch, channels, 14, 14), rn(channels // 8, channels, 1, 1, scale=s), rn(channels // 8, channels, 1, 1, scale=s),
                rn(channels // 2, channels, 1, 1, scale=s), rn(channels, channels // 2, 1, 1, scale=s * 1.4), torch.tensor(0.7)]

    return {
        "bmm_nn": (torch.bmm, [rn(3, 4, 5), rn(3, 5, 2)], True),
        "bmm_tn": (lambda a, b: torch.bmm(a.transpose(1, 2), b), [rn(3, 5, 4), rn(3, 5, 2)], True),
        "bmm_nt": (lambda a, b: torch.bmm(a, b.transpose(1, 2)), [rn(3, 4, 5), rn(3, 2, 5)], True),
        "bmm_tt": (lambda a, b: torch.bmm(a.transpose(1, 2), b.transpose(1, 2)), [rn(3, 5, 4), rn(3, 2, 5)], True),
        # The attention's two products at 14x14 with 128 channels: scores and the attended values.
        "bmm_attention_scores": (lambda a, b: torch.bmm(a.transpose(1, 2), b), [rn(2, 16, 196), rn(2, 16, 49)], True),
        "bmm_attention_values": (lambda a, b: torch.bmm(a, b.transpose(1, 2)), [rn(1, 64, 49), rn(1, 196, 49, scale=0.1)], True),
        "conditional_batch_norm": (conditional_batch_norm, [rn(4, 32, 7, 7), rn(4, 104), rn(32, 104, scale=0.1),
                                                            rn(32, 104, scale=0.1)], True),
        "attention_128": (attention, attention_inputs(128, 1), True),
        "attention_64": (attention, attention_inputs(64, 2), True),
        "avg_pool_28": (lambda x: F.avg_pool2d(x, 2), [rn(2, 3, 28, 28)], True),
        "avg_pool_14": (lambda x: F.avg_pool2d(x, 2), [rn(2, 3, 14, 14)], True),
        "upsample_nearest_7": (lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), [rn(2, 3, 7, 7)], True),
        "upsample_nearest_14": (lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), [rn(2, 3, 14, 14)], True),
        "max_pool_14": (lambda x: F.max_pool2d(x, 2), [rn(2, 3, 14, 14)], True),
        "softmax_last": (lambda x: F.softmax(x, dim=-1), [rn(2, 20, 49, scale=3.0)], True),
    }


def make_layers(path):
    torch.set_default_dtype(torch.float64)
    out = {}
    g = torch.Generator().manual_seed(77)
    for name, (fn, inputs, second) in layer_cases().items():
        xs = [t.clone().requires_grad_(True) for t in inputs]
        y = fn(*xs)
        w = torch.randn(y.shape, generator=g)
        grads = torch.autograd.grad((y * w).sum(), xs, create_graph=True)
        for i, t in enumerate(inputs):
            out[f"{name}.in{i}"], out[f"{name}.grad{i}"] = t, grads[i]
        out[f"{name}.out"], out[f"{name}.w"] = y, w
        if second:
            vs = [torch.randn(t.shape, generator=g) for t in inputs]
            l2 = sum((gr * v).sum() for gr, v in zip(grads, vs))
            # (A linear map's gradient does not depend on its input: its second order is 0.)
            hh = torch.autograd.grad(l2, xs, allow_unused=True) if l2.requires_grad else [None] * len(xs)
            for i, v in enumerate(vs):
                out[f"{name}.v{i}"] = v
                out[f"{name}.gg{i}"] = hh[i] if hh[i] is not None else torch.zeros_like(inputs[i])
    save_file({k: v.detach().float().contiguous() for k, v in out.items()}, path)


# ----------------------------------------------------------------------------- the step

def adam(params, lr):
    return torch.optim.Adam(params, lr=lr, betas=(0.0, 0.999))


def hinge_d(dr, df):
    return F.relu(1 - dr).mean() + F.relu(1 + df).mean()


def biggan_step(G, D, oG, oD, real, y, z1, z2):
    """torch_zoo_step.py's biggan step with given latents; returns the losses."""
    with torch.no_grad():
        fake = G(z1, y)
    lossD = hinge_d(D(real, y), D(fake, y))
    oD.zero_grad(); lossD.backward(); oD.step()
    lossG = -D(G(z2, y), y).mean()
    oG.zero_grad(); lossG.backward(); oG.step()
    return lossD, lossG


def make_parity():
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    G, D = zoo.biggan_models()
    oG, oD = adam(G.parameters(), 5e-5), adam(D.parameters(), 2e-4)
    for _ in range(3):
        real = torch.rand(64, 1, 28, 28) * 2 - 1
        y = torch.randint(0, zoo.NUM_CLASSES, (64,))
        biggan_step(G, D, oG, oD, real, y, torch.randn(64, zoo.BIGGAN_Z_DIM), torch.randn(64, zoo.BIGGAN_Z_DIM))
    with torch.no_grad():
        G.attention.gamma.fill_(0.7)
    G.eval()
    z = torch.randn(20, zoo.BIGGAN_Z_DIM)
    y = torch.tensor([(7 * i + 3) % zoo.NUM_CLASSES for i in range(20)], dtype=torch.int64)
    with torch.no_grad():
        samples = G(z, y)
    save_file({k: v.contiguous() for k, v in G.state_dict().items()}, os.path.join(HERE, "torch_biggan_generator.safetensors"))
    np.save(os.path.join(HERE, "biggan_parity_z.npy"), z.numpy().astype(np.float32))
    np.save(os.path.join(HERE, "biggan_parity_labels.npy"), y.numpy().astype(np.int64))
    save_file({"samples": samples.contiguous()}, os.path.join(HERE, "biggan_parity.safetensors"))


def make_step():
    torch.set_default_dtype(torch.float64)
    out = {}
    G, D = zoo.biggan_models()
    # G starts from the parity generator (written by make_parity): PyTorch's own initialization,
    # trained 3 steps, gamma 0.7. The formula weights of init_by_sorted_names are rank 2 (rows of
    # one sinusoid), which leaves G's backward through its attention and conditional batch norms
    # so ill-conditioned that float32 and float64 PyTorch differ by up to 6e-2; from these
    # weights they differ by ~3e-6, so a 1e-4 comparison means something.
    G.load_state_dict(load_file(os.path.join(HERE, "torch_biggan_generator.safetensors")))
    G, D = G.double(), D.double()
    init_by_sorted_names(D)
    z1 = formula((BATCH, zoo.BIGGAN_Z_DIM), 1.7, 0.5)
    z2 = formula((BATCH, zoo.BIGGAN_Z_DIM), 1.3, 1.5)
    real = torch.tanh(formula((BATCH, 1, 28, 28), 2.0, 2.5))
    y = labels_for(BATCH)
    oG, oD = adam(G.parameters(), 5e-5), adam(D.parameters(), 2e-4)

    # G's gradients through the initial D, on float32 copies (as make_cgan_fixtures.py explains:
    # through the updated D they would follow Adam's sign-like first step, and G's backward
    # through batch statistics is conditioned so that float32 is the fair comparison).
    D0, G0 = copy.deepcopy(D).float(), copy.deepcopy(G).float()
    (-D0(G0(z2.float(), y), y).mean()).backward()
    for name, p in G0.named_parameters():
        out["g_grad." + name] = sampled(p.grad)

    with torch.no_grad():
        fake = G(z1, y)
    out["fake_train"] = sampled(fake)
    dr, df = D(real, y), D(fake, y)
    out["d_real_train"], out["d_fake_train"] = dr.detach().clone(), df.detach().clone()
    lossD = hinge_d(dr, df)
    oD.zero_grad(); lossD.backward()
    for name, p in D.named_parameters():
        out["d_grad." + name] = sampled(p.grad)
    oD.step()
    lossG = -D(G(z2, y), y).mean()
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
    save_file({k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}, os.path.join(HERE, "biggan_step.safetensors"))


if __name__ == "__main__":
    make_layers(os.path.join(HERE, "biggan_layers.safetensors"))
    make_parity()
    make_step()
    for name in ("biggan_layers.safetensors", "torch_biggan_generator.safetensors", "biggan_parity.safetensors",
                 "biggan_step.safetensors", "biggan_parity_z.npy", "biggan_parity_labels.npy"):
        print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")
