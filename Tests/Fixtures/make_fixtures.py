"""Makes the PyTorch reference fixtures that SwiftGAN's tests compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_fixtures.py

Writes, next to this script:
  ops.safetensors            every engine op: inputs, output, first- and second-order gradients
  mlp_gan_step.safetensors   the MLP GAN from formula-made weights and inputs: outputs, losses
  torch_generator_step1.safetensors / torch_discriminator_step1.safetensors
                             the MLP GAN's weights after one D step and one G step (Adam), as a
                             module holding the reference nn.Sequential in `self.net` saves them
  torch_sequential.safetensors  a bare nn.Sequential(Linear(3, 2)) state_dict (keys 0.weight, 0.bias)
  layout_reference.safetensors  tensors written by safetensors.torch, to compare bytes with ours
  optimizers.safetensors     three steps of Adam, SGD and RMSprop in several configurations
  small.npy                  a float32 array written by numpy.save
  dcgan_step.safetensors     the 28x28 DCGAN from formula-made weights: train-mode outputs, losses,
                             eval-mode outputs after one step; sizes of the 32x32 and 64x64 DCGANs
  stabilizers.safetensors    spectral norm on Linear and Conv2d (forward, power iteration, gradient,
                             eval mode); WGAN-GP and R1 penalties of a small critic and their gradients
  metrics.safetensors        feature matrices with their FID (pytorch-fid), KID (torch-fidelity) and
                             precision/recall/density/coverage (prdc), n > d and n < d
  torch_dcgan_generator_step1.safetensors / torch_dcgan_discriminator_step1.safetensors
                             its state dicts after one D and one G step (int64 num_batches_tracked)

With --verify-swift-run RUN --z Z.npy --samples S.npy it instead loads a generator that
SwiftGAN saved into PyTorch and checks that PyTorch gives SwiftGAN's samples for the same z.
"""
import argparse, copy, math, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from safetensors.torch import save_file, load_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench", "peers"))
from torch_gan_step import dcgan_models, mlp_models  # noqa: E402

torch.set_default_dtype(torch.float64)  # references in double, stored as float32


class Wrapped(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)


def op_cases():
    """name -> (function, inputs, constants, second_order). Inputs are differentiated."""
    g = torch.Generator().manual_seed(1234)

    def rn(*shape, positive=False, scale=1.0):
        t = torch.randn(*shape, generator=g) * scale
        return t.abs() + 0.5 if positive else t

    x34 = rn(3, 4)
    cases = {
        "add_broadcast": (lambda a, b: a + b, [rn(3, 4), rn(4)], {}, True),
        "sub_broadcast": (lambda a, b: a - b, [rn(2, 3, 4), rn(3, 1)], {}, False),
        "mul_broadcast": (lambda a, b: a * b, [rn(3, 4), rn(3, 1)], {}, True),
        "div_broadcast": (lambda a, b: a / b, [rn(3, 4), rn(4, positive=True)], {}, True),
        "maximum": (lambda a, b: torch.maximum(a, b), [rn(5, 4), rn(5, 4)], {}, False),
        "minimum": (lambda a, b: torch.minimum(a, b), [rn(5, 4), rn(4)], {}, False),
        "affine": (lambda a: a * 2.5 + 1.0, [rn(3, 5)], {}, True),
        "rsub_scalar": (lambda a: 1.0 - a, [rn(7)], {}, False),
        "rdiv_scalar": (lambda a: 2.0 / a, [rn(6, positive=True)], {}, True),
        "neg": (lambda a: -a, [rn(2, 3)], {}, False),
        "matmul_nn": (lambda a, b: a @ b, [rn(5, 3), rn(3, 4)], {}, True),
        "matmul_nt": (lambda a, b: a @ b.T, [rn(5, 3), rn(4, 3)], {}, True),
        "matmul_tn": (lambda a, b: a.T @ b, [rn(3, 5), rn(3, 4)], {}, True),
        "matmul_tt": (lambda a, b: a.T @ b.T, [rn(3, 5), rn(4, 3)], {}, True),
        "linear": (lambda x, w, b: F.linear(x, w, b), [rn(6, 5), rn(4, 5), rn(4)], {}, True),
        "linear_nobias": (lambda x, w: F.linear(x, w), [rn(6, 5), rn(4, 5)], {}, True),
        "relu": (torch.relu, [rn(4, 5)], {}, True),
        "leaky_relu": (lambda a: F.leaky_relu(a, 0.2), [rn(4, 5)], {}, True),
        "tanh": (torch.tanh, [rn(4, 5, scale=2.0)], {}, True),
        "tanh_small": (torch.tanh, [rn(50, scale=0.01)], {}, True),
        "sigmoid": (torch.sigmoid, [rn(4, 5, scale=3.0)], {}, True),
        "exp": (torch.exp, [rn(4, 5)], {}, True),
        "log": (torch.log, [rn(4, 5, positive=True)], {}, True),
        "sqrt": (torch.sqrt, [rn(4, 5, positive=True)], {}, True),
        "pow2": (lambda a: a ** 2, [rn(4, 5)], {}, True),
        "pow3": (lambda a: a ** 3, [rn(4, 5)], {}, True),
        "pow_half": (lambda a: a ** 0.5, [rn(4, 5, positive=True)], {}, True),
        "pow_1_7": (lambda a: a ** 1.7, [rn(4, 5, positive=True)], {}, True),
        "clamp": (lambda a: a.clamp(-0.5, 0.7), [rn(6, 5)], {}, False),
        "abs": (torch.abs, [rn(4, 5)], {}, False),
        "softplus": (F.softplus, [rn(4, 5, scale=4.0)], {}, True),
        "sum_all": (lambda a: a.sum(), [rn(3, 4)], {}, True),
        "sum_axis1_keep": (lambda a: a.sum(1, keepdim=True), [rn(3, 4, 2)], {}, True),
        "sum_axes02": (lambda a: a.sum((0, 2)), [rn(3, 4, 2)], {}, False),
        "mean_all": (lambda a: a.mean(), [rn(3, 4)], {}, True),
        "mean_axis0": (lambda a: a.mean(0), [rn(5, 3)], {}, True),
        "reshape": (lambda a: a.reshape(4, 6), [rn(2, 3, 4)], {}, False),
        "permute": (lambda a: a.permute(2, 0, 1), [rn(2, 3, 4)], {}, False),
        "transpose": (lambda a: a.T, [rn(3, 5)], {}, False),
        "concat_axis1": (lambda a, b: torch.cat([a, b], 1), [rn(3, 2), rn(3, 4)], {}, False),
        "slice_axis1": (lambda a: a[:, 1:3], [rn(3, 5)], {}, False),
        "masked_select": (lambda a, mask: a[mask > 0], [x34], {"mask": (x34 > 0).double()}, False),
        "bce_logits_target": (lambda a, t: F.binary_cross_entropy_with_logits(a, t), [rn(8, 1, scale=3.0)],
                              {"target": torch.rand(8, 1, generator=g)}, True),
        "bce_logits_ones": (lambda a: F.binary_cross_entropy_with_logits(a, torch.ones_like(a)),
                            [rn(8, 1, scale=5.0)], {}, True),
        "bce_logits_zeros": (lambda a: F.binary_cross_entropy_with_logits(a, torch.zeros_like(a)),
                             [rn(8, 1, scale=5.0)], {}, True),
        "norm_rows": (lambda a: ((a ** 2).sum(1) + 1e-12).sqrt(), [rn(4, 6)], {}, True),
        # Convolutions: odd sizes, stride 1 and 2, padding 0 and 1, batch 1, dilation, output padding.
        "conv_s1_p0": (lambda x, w, b: F.conv2d(x, w, b), [rn(2, 3, 7, 6), rn(4, 3, 3, 3), rn(4)], {}, True),
        "conv_s2_p1_batch1": (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
                              [rn(1, 2, 9, 9), rn(5, 2, 4, 4), rn(5)], {}, True),
        "conv_dilated_nobias": (lambda x, w: F.conv2d(x, w, padding=2, dilation=2), [rn(2, 2, 8, 7), rn(3, 2, 3, 3)], {}, True),
        "conv_t_s2_p1": (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1),
                         [rn(2, 4, 5, 5), rn(4, 3, 4, 4), rn(3)], {}, True),
        "conv_t_output_padding_batch1": (lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
                                         [rn(1, 3, 4, 5), rn(3, 2, 3, 3)], {}, True),
        "conv_t_k7_from_1x1": (lambda x, w: F.conv_transpose2d(x, w), [rn(2, 5, 1, 1), rn(5, 3, 7, 7)], {}, True),
        "conv_t_dilated": (lambda x, w, b: F.conv_transpose2d(x, w, b, padding=1, dilation=2),
                           [rn(1, 2, 4, 4), rn(2, 3, 3, 3), rn(3)], {}, True),
        # Normalization.
        "batch_norm2d_train": (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                               [rn(4, 3, 5, 5), rn(3), rn(3)], {}, True),
        "batch_norm1d_train": (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                               [rn(6, 4), rn(4), rn(4)], {}, True),
        "batch_norm2d_eval": (lambda x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, training=False),
                              [rn(2, 3, 4, 4), rn(3), rn(3)], {"running_mean": rn(3), "running_var": rn(3, positive=True)}, True),
        "layer_norm": (lambda x, w, b: F.layer_norm(x, (4, 5), w, b), [rn(3, 4, 5), rn(4, 5), rn(4, 5)], {}, True),
        "instance_norm": (lambda x, w, b: F.instance_norm(x, weight=w, bias=b), [rn(2, 3, 4, 5), rn(3), rn(3)], {}, True),
        # Pooling and resampling.
        "avg_pool_k2": (lambda x: F.avg_pool2d(x, 2), [rn(2, 3, 6, 7)], {}, True),
        "avg_pool_k3_s2_p1": (lambda x: F.avg_pool2d(x, 3, 2, 1), [rn(1, 2, 7, 8)], {}, True),
        "avg_pool_exclude_pad_ceil": (lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
                                      [rn(1, 2, 8, 7)], {}, True),
        "max_pool_k2": (lambda x: F.max_pool2d(x, 2), [rn(2, 3, 6, 7)], {}, True),
        "max_pool_k3_s2_p1": (lambda x: F.max_pool2d(x, 3, 2, 1), [rn(1, 2, 7, 8)], {}, True),
        "upsample_nearest_x2": (lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), [rn(2, 2, 3, 4)], {}, True),
        "upsample_bilinear_x2": (lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
                                 [rn(1, 2, 3, 4)], {}, True),
        "upsample_bilinear_x1_5": (lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=False),
                                   [rn(1, 1, 4, 6)], {}, True),
        "upsample_bilinear_size": (lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=False),
                                   [rn(1, 2, 3, 4)], {}, True),
        "embedding": (lambda w: F.embedding(torch.tensor([3, 0, 3, 2]), w), [rn(5, 4)], {}, True),
        "flatten": (lambda x: x.flatten(1), [rn(2, 3, 2, 2)], {}, True),
        "concat_channels": (lambda a, b: torch.cat([a, b], 1), [rn(2, 1, 3, 3), rn(2, 2, 3, 3)], {}, True),
    }
    return cases


def make_ops(path):
    out = {}
    g = torch.Generator().manual_seed(99)
    for name, (fn, inputs, consts, second) in op_cases().items():
        xs = [t.clone().requires_grad_(True) for t in inputs]
        y = fn(*xs, *consts.values())
        w = torch.randn(y.shape, generator=g)
        grads = torch.autograd.grad((y * w).sum(), xs, create_graph=True)
        for i, t in enumerate(inputs):
            out[f"{name}.in{i}"] = t
            out[f"{name}.grad{i}"] = grads[i]
        for k, v in consts.items():
            out[f"{name}.{k}"] = v
        out[f"{name}.out"] = y
        out[f"{name}.w"] = w
        if second:
            vs = [torch.randn(t.shape, generator=g) for t in inputs]
            l2 = sum((gr * v).sum() for gr, v in zip(grads, vs))
            hh = torch.autograd.grad(l2, xs, allow_unused=True) if l2.requires_grad else [None] * len(xs)
            for i, v in enumerate(vs):
                out[f"{name}.v{i}"] = v
                out[f"{name}.gg{i}"] = hh[i] if hh[i] is not None else torch.zeros_like(inputs[i])
    # The gradient penalty of WGAN-GP on a small critic: value and its gradient wrt the weights.
    gg = torch.Generator().manual_seed(7)
    x = torch.randn(6, 5, generator=gg, requires_grad=True)
    w1, b1 = torch.randn(8, 5, generator=gg) * 0.5, torch.randn(8, generator=gg) * 0.1
    w2, b2 = torch.randn(1, 8, generator=gg) * 0.5, torch.randn(1, generator=gg) * 0.1
    params = [t.requires_grad_(True) for t in (w1, b1, w2, b2)]
    critic = F.linear(F.leaky_relu(F.linear(x, params[0], params[1]), 0.2), params[2], params[3])
    gx, = torch.autograd.grad(critic.sum(), x, create_graph=True)
    gp = ((gx.norm(2, dim=1) - 1) ** 2).mean()
    gws = [gw if gw is not None else torch.zeros_like(p)
           for gw, p in zip(torch.autograd.grad(gp, params, allow_unused=True), params)]
    out["gp.x"], out["gp.value"] = x.detach(), gp.detach()
    for n, p, gw in zip(("w1", "b1", "w2", "b2"), params, gws):
        out[f"gp.{n}"], out[f"gp.grad_{n}"] = p.detach(), gw
    save_file({k: v.detach().float().contiguous() for k, v in out.items()}, path)


def formula(shape, scale, phase):
    """Deterministic values both sides can compute: scale * sin(12.9898 i + phase)."""
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    return torch.from_numpy((scale * np.sin(12.9898 * i + phase)).astype(np.float32)).reshape(shape)


def init_by_formula(module):
    for j, (name, p) in enumerate(module.state_dict().items()):
        fan_in = p.shape[1] if p.dim() == 2 else p.shape[0]
        with torch.no_grad():
            p.copy_(formula(p.shape, 1.0 / math.sqrt(fan_in), 78.233 * (j + 1)))


def make_mlp_step(dirname):
    torch.set_default_dtype(torch.float32)
    G, D, zdim, _ = mlp_models()
    G, D = Wrapped(G), Wrapped(D)
    init_by_formula(G)
    init_by_formula(D)
    z1 = formula((64, zdim), 1.7, 0.5)
    z2 = formula((64, zdim), 1.3, 1.5)
    real = torch.tanh(formula((64, 784), 2.0, 2.5))
    optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.999))
    fake = G(z1).detach()
    dr, df = D(real), D(fake)
    lossD = (F.binary_cross_entropy_with_logits(dr, torch.ones_like(dr))
             + F.binary_cross_entropy_with_logits(df, torch.zeros_like(df)))
    optD.zero_grad(); lossD.backward(); optD.step()
    dg = D(G(z2))
    lossG = F.binary_cross_entropy_with_logits(dg, torch.ones_like(dg))
    optG.zero_grad(); lossG.backward(); optG.step()
    save_file({"fake": fake.contiguous(), "d_real": dr.detach(), "d_fake": df.detach(),
               "loss_d": lossD.detach().reshape(()), "loss_g": lossG.detach().reshape(())},
              os.path.join(dirname, "mlp_gan_step.safetensors"))
    save_file({k: v.contiguous() for k, v in G.state_dict().items()},
              os.path.join(dirname, "torch_generator_step1.safetensors"))
    save_file({k: v.contiguous() for k, v in D.state_dict().items()},
              os.path.join(dirname, "torch_discriminator_step1.safetensors"))
    torch.manual_seed(3)
    seq = nn.Sequential(nn.Linear(3, 2))
    save_file(seq.state_dict(), os.path.join(dirname, "torch_sequential.safetensors"))
    save_file({"b.bias": torch.arange(3, dtype=torch.float32), "a.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7,
               "scalar": torch.tensor(2.5)}, os.path.join(dirname, "layout_reference.safetensors"))


def dcgan32_models():
    """The standard DCGAN for 3x32x32 images (as in PyTorch's DCGAN example, four stages)."""
    G = nn.Sequential(
        nn.ConvTranspose2d(100, 256, 4, 1, 0, bias=False), nn.BatchNorm2d(256), nn.ReLU(),
        nn.ConvTranspose2d(256, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 3, 4, 2, 1, bias=False), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(3, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 256, 4, 2, 1, bias=False), nn.BatchNorm2d(256), nn.LeakyReLU(0.2),
        nn.Conv2d(256, 1, 4, 1, 0, bias=False), nn.Flatten())
    return G, D


def dcgan64_models():
    """The DCGAN of Radford et al. for 3x64x64 images, as in PyTorch's DCGAN example."""
    G = nn.Sequential(
        nn.ConvTranspose2d(100, 512, 4, 1, 0, bias=False), nn.BatchNorm2d(512), nn.ReLU(),
        nn.ConvTranspose2d(512, 256, 4, 2, 1, bias=False), nn.BatchNorm2d(256), nn.ReLU(),
        nn.ConvTranspose2d(256, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
        nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 3, 4, 2, 1, bias=False), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(3, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
        nn.Conv2d(128, 256, 4, 2, 1, bias=False), nn.BatchNorm2d(256), nn.LeakyReLU(0.2),
        nn.Conv2d(256, 512, 4, 2, 1, bias=False), nn.BatchNorm2d(512), nn.LeakyReLU(0.2),
        nn.Conv2d(512, 1, 4, 1, 0, bias=False), nn.Flatten())
    return G, D


def init_parameters_by_formula(module):
    """Like init_by_formula, for parameters only; BatchNorm weights centred on 1."""
    for j, (name, p) in enumerate(module.named_parameters()):
        with torch.no_grad():
            if p.dim() > 1:
                p.copy_(formula(p.shape, 1.0 / math.sqrt(p[0].numel()), 78.233 * (j + 1)))
            elif name.endswith("weight"):
                p.copy_(1 + formula(p.shape, 0.1, 78.233 * (j + 1)))
            else:
                p.copy_(formula(p.shape, 0.1, 78.233 * (j + 1)))


def make_dcgan_step(dirname):
    torch.set_default_dtype(torch.float32)
    G, D, zdim, _ = dcgan_models()
    G, D = Wrapped(G), Wrapped(D)
    init_parameters_by_formula(G)
    init_parameters_by_formula(D)
    z1 = formula((64, zdim, 1, 1), 1.7, 0.5)
    z2 = formula((64, zdim, 1, 1), 1.3, 1.5)
    real = torch.tanh(formula((64, 1, 28, 28), 2.0, 2.5))
    grads = {}
    # Gradients at the initial weights (D's loss for D, G's loss through the initial D for G),
    # every parameter sampled at ~20,000 evenly spaced elements to keep the fixture small.
    fake0 = G(z1).detach()
    d0 = D(real), D(fake0)
    loss_d0 = (F.binary_cross_entropy_with_logits(d0[0], torch.ones_like(d0[0]))
               + F.binary_cross_entropy_with_logits(d0[1], torch.zeros_like(d0[1])))
    dg0 = D(G(z2))
    loss_g0 = F.binary_cross_entropy_with_logits(dg0, torch.ones_like(dg0))
    for prefix, model, loss in (("d", D, loss_d0), ("g", G, loss_g0)):
        for (name, _), gr in zip(model.named_parameters(), torch.autograd.grad(loss, list(model.parameters()))):
            flat = gr.reshape(-1)
            grads[f"{prefix}_grad.{name}"] = flat[:: max(1, flat.numel() // 20000)].contiguous()
    # G's gradient flows through D's batch statistics and is ill-conditioned: PyTorch's own
    # float32 result is 2e-4 to 6e-4 away from the float64 one, more than the 1e-4 the other
    # checks use. The float64 gradients (from float64 copies of the same models) are the truth
    # the test measures both float32 results against.
    G64, D64 = copy.deepcopy(G).double(), copy.deepcopy(D).double()
    dg64 = D64(G64(z2.double()))
    loss_g64 = F.binary_cross_entropy_with_logits(dg64, torch.ones_like(dg64))
    for (name, _), gr in zip(G64.named_parameters(), torch.autograd.grad(loss_g64, list(G64.parameters()))):
        flat = gr.reshape(-1)
        grads[f"g_grad64.{name}"] = flat[:: max(1, flat.numel() // 20000)].float().contiguous()
    for m in (G, D):  # forget the statistics of these extra forward passes
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.reset_running_stats()
    optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.5, 0.999))
    fake = G(z1).detach()  # train mode: batch statistics, running statistics updated
    dr, df = D(real), D(fake)
    lossD = (F.binary_cross_entropy_with_logits(dr, torch.ones_like(dr))
             + F.binary_cross_entropy_with_logits(df, torch.zeros_like(df)))
    optD.zero_grad(); lossD.backward(); optD.step()
    dg = D(G(z2))
    lossG = F.binary_cross_entropy_with_logits(dg, torch.ones_like(dg))
    optG.zero_grad(); lossG.backward(); optG.step()
    G.eval(); D.eval()
    with torch.no_grad():
        g_eval = G(z1[:8])
        d_eval = D(real[:8])
    out = {"fake_train": fake.contiguous(), "d_real_train": dr.detach(), "loss_d": lossD.detach().reshape(()),
           "loss_g": lossG.detach().reshape(()), "g_eval_after_step": g_eval, "d_eval_after_step": d_eval, **grads}
    for name, (g, d) in {"dcgan32": dcgan32_models(), "dcgan64": dcgan64_models()}.items():
        with torch.no_grad():
            y = g(torch.zeros(2, 100, 1, 1))
            out[f"{name}.g_params"] = torch.tensor(float(sum(p.numel() for p in g.parameters())))
            out[f"{name}.d_params"] = torch.tensor(float(sum(p.numel() for p in d.parameters())))
            out[f"{name}.g_shape"] = torch.tensor([float(v) for v in y.shape])
            out[f"{name}.d_shape"] = torch.tensor([float(v) for v in d(y).shape])
    save_file(out, os.path.join(dirname, "dcgan_step.safetensors"))
    save_file({k: v.contiguous() for k, v in G.state_dict().items()},
              os.path.join(dirname, "torch_dcgan_generator_step1.safetensors"))
    save_file({k: v.contiguous() for k, v in D.state_dict().items()},
              os.path.join(dirname, "torch_dcgan_discriminator_step1.safetensors"))


def make_stabilizers(path):
    """Spectral norm (forward, power iteration, gradient) and the WGAN-GP / R1 penalties of a
    small critic through its weights."""
    torch.set_default_dtype(torch.float32)
    g = torch.Generator().manual_seed(11)
    out = {}
    for name, layer, x in (("sn_linear", nn.Linear(5, 4), torch.randn(3, 5, generator=g)),
                           ("sn_conv", nn.Conv2d(3, 4, 3, padding=1), torch.randn(2, 3, 5, 5, generator=g))):
        with torch.no_grad():
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=g))
            layer.bias.copy_(torch.randn(layer.bias.shape, generator=g))
        sn = torch.nn.utils.spectral_norm(layer)
        with torch.no_grad():
            sn.weight_u.copy_(F.normalize(torch.randn(sn.weight_u.shape, generator=g), dim=0))
            sn.weight_v.copy_(F.normalize(torch.randn(sn.weight_v.shape, generator=g), dim=0))
        out[f"{name}.weight_orig"], out[f"{name}.bias"] = sn.weight_orig.detach().clone(), sn.bias.detach().clone()
        out[f"{name}.u0"], out[f"{name}.v0"] = sn.weight_u.clone(), sn.weight_v.clone()
        out[f"{name}.x"] = x
        y = sn(x)
        w = torch.randn(y.shape, generator=g)
        gw, = torch.autograd.grad((y * w).sum(), sn.weight_orig)
        out[f"{name}.y"], out[f"{name}.w"], out[f"{name}.grad_weight_orig"] = y.detach(), w, gw
        out[f"{name}.u1"], out[f"{name}.v1"] = sn.weight_u.clone(), sn.weight_v.clone()
        sn.eval()
        out[f"{name}.y_eval"] = sn(x).detach()
    critic = nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    real, fake = torch.randn(5, 6, generator=g), torch.randn(5, 6, generator=g)
    eps = torch.rand(5, 1, generator=g)
    xhat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    gx, = torch.autograd.grad(critic(xhat).sum(), xhat, create_graph=True)
    gp = ((gx.norm(2, dim=1) - 1) ** 2).mean()
    xr = real.clone().requires_grad_(True)
    gr, = torch.autograd.grad(critic(xr).sum(), xr, create_graph=True)
    r1 = 10 / 2 * gr.pow(2).sum(1).mean()
    for k, v in critic.state_dict().items():
        out[f"critic.{k}"] = v
    out["critic.real"], out["critic.fake"], out["critic.eps"] = real, fake, eps
    out["critic.gp"], out["critic.r1"] = gp.detach(), r1.detach()
    for label, value in (("gp", gp), ("r1", r1)):
        grads = torch.autograd.grad(value, list(critic.parameters()), allow_unused=True)
        for (k, p), gw in zip(critic.named_parameters(), grads):
            out[f"critic.{label}_grad.{k}"] = gw if gw is not None else torch.zeros_like(p)
    save_file({k: v.contiguous() for k, v in out.items()}, path)


def make_metrics(path):
    """FID (pytorch-fid), KID (torch-fidelity, one subset of all samples) and precision, recall,
    density, coverage (prdc) on random feature matrices, n > d and n < d."""
    from pytorch_fid.fid_score import calculate_frechet_distance
    from prdc import compute_prdc
    from torch_fidelity.metric_kid import kid_features_to_metric
    rs = np.random.RandomState(21)
    out = {}
    for name, n, m, d in (("a", 300, 250, 16), ("b", 120, 120, 64), ("c", 40, 40, 100)):
        real = rs.randn(n, d).astype(np.float32)
        fake = (rs.randn(m, d) * 1.3 + 0.2).astype(np.float32)
        fake[:, 0] += 1.0
        out[f"{name}.real"], out[f"{name}.fake"] = torch.from_numpy(real), torch.from_numpy(fake)
        mu1, mu2 = real.astype(np.float64).mean(0), fake.astype(np.float64).mean(0)
        s1, s2 = np.cov(real.astype(np.float64), rowvar=False), np.cov(fake.astype(np.float64), rowvar=False)
        out[f"{name}.fid"] = torch.tensor(calculate_frechet_distance(mu1, s1, mu2, s2), dtype=torch.float64)
        k = min(n, m)
        kid = kid_features_to_metric(torch.from_numpy(real[:k]), torch.from_numpy(fake[:k]), kid_subsets=1,
                                     kid_subset_size=k, verbose=False, rng_seed=0, kid_degree=3, kid_kernel_poly_gamma=None,
                                     kid_kernel_poly_coef0=1)
        out[f"{name}.kid_all"] = torch.tensor(kid["kernel_inception_distance_mean"], dtype=torch.float64)
        prdc = compute_prdc(real, fake, nearest_k=3)
        for key in ("precision", "recall", "density", "coverage"):
            out[f"{name}.{key}"] = torch.tensor(float(prdc[key]), dtype=torch.float64)
    save_file({k: v.contiguous() for k, v in out.items()}, path)


def make_optimizers(path):
    """Three steps of each optimizer from the same start and gradients."""
    torch.set_default_dtype(torch.float32)
    g = torch.Generator().manual_seed(5)
    p0 = torch.randn(4, 3, generator=g)
    grads = [torch.randn(4, 3, generator=g) for _ in range(3)]
    out = {"p0": p0}
    for i, gr in enumerate(grads):
        out[f"grad{i}"] = gr
    configs = {
        "adam": lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.5, 0.999), eps=1e-8),
        "adam_wd": lambda p: torch.optim.Adam([p], lr=0.01, betas=(0.9, 0.99), eps=1e-6, weight_decay=0.1),
        "sgd": lambda p: torch.optim.SGD([p], lr=0.1),
        "sgd_momentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
        "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True),
        "rmsprop": lambda p: torch.optim.RMSprop([p], lr=0.01),
        "rmsprop_centered_momentum": lambda p: torch.optim.RMSprop([p], lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
    }
    for name, make in configs.items():
        p = p0.clone().requires_grad_(True)
        opt = make(p)
        for i, gr in enumerate(grads):
            p.grad = gr.clone()
            opt.step()
            out[f"{name}.step{i + 1}"] = p.detach().clone()
    save_file(out, path)
    np.save(os.path.join(os.path.dirname(path), "small.npy"), np.arange(12, dtype=np.float32).reshape(3, 4) / 4)


def verify_swift_run(run, z_path, samples_path):
    torch.set_default_dtype(torch.float32)
    G, _, _, _ = mlp_models()
    G = Wrapped(G)
    G.load_state_dict(load_file(os.path.join(run, "generator.safetensors")))
    with torch.no_grad():
        ours = torch.from_numpy(np.load(samples_path))
        theirs = G(torch.from_numpy(np.load(z_path)))
    err = ((theirs - ours).abs().max() / theirs.abs().max()).item()
    print(f"PyTorch loaded {run}/generator.safetensors; max relative difference of samples: {err:.2e}")
    sys.exit(0 if err < 1e-4 else 1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--verify-swift-run")
    ap.add_argument("--z")
    ap.add_argument("--samples")
    a = ap.parse_args()
    if a.verify_swift_run:
        verify_swift_run(a.verify_swift_run, a.z, a.samples)
    else:
        make_ops(os.path.join(HERE, "ops.safetensors"))
        make_mlp_step(HERE)
        make_optimizers(os.path.join(HERE, "optimizers.safetensors"))
        make_dcgan_step(HERE)
        make_stabilizers(os.path.join(HERE, "stabilizers.safetensors"))
        make_metrics(os.path.join(HERE, "metrics.safetensors"))
        print("fixtures written to", HERE)
