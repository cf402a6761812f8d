"""Makes the PyTorch reference fixtures of the image-translation families (`pix2pix_models()` and
`cyclegan_models()` of the peer zoo, torch_zoo.py) that SwiftGAN's pix2pix and cyclegan tests
compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_translation_fixtures.py

Every tensor is stored as float32. "Sampled" means every max(1, numel // 4000)-th element of the
flattened tensor (see sampled()); "formula weights" means init_translation() below. Writes, next
to this script:
  image_similarity.safetensors
        L1, PSNR and SSIM of "outputs" against "targets" ([5,1,28,28], near to far) and of
        "rgb_outputs" against "rgb_targets" ([2,3,16,20]) from scikit-image (make_similarity())
  translation_ops.safetensors
        reflection padding as a function of its input, in float64 like ops.safetensors:
        "NAME.in0", "NAME.out", the output weights "NAME.w", the gradient of sum(out * w)
        "NAME.grad0", and the gradient of sum(grad0 * v0) ("NAME.v0", "NAME.gg0", all zeros: the
        padding is linear) for
          reflection_pad_1     F.pad(x, (1, 1, 1, 1), mode="reflect"), x [2,3,5,6]
          reflection_pad_3     F.pad(x, (3, 3, 3, 3), mode="reflect"), x [2,2,8,8]
          reflection_pad_asym  F.pad(x, (2, 1, 0, 3), mode="reflect") (left 2, right 1, top 0,
                               bottom 3), x [1,2,4,5]
  pix2pix_parity.safetensors
        UNetGenerator(1) with formula weights (float32), eval mode, computed in float64:
          "x" [4,1,32,32] = tanh(formula([4,1,32,32], 2, 0.7)), "outputs" = G(x);
          "x28" [3,1,28,28] = tanh(formula([3,1,28,28], 2, 1.1)),
          "outputs28" = G(pad_to_32(x28))[:, :, 2:30, 2:30]
  pix2pix_step.safetensors
        one training step of torch_zoo_step.py's pix2pix recipe (batch 4) in float64 from formula
        weights (G offset 0, D offset 0.5; the dropout of up4 set to p = 0 so both sides agree),
        a = tanh(formula([4,1,32,32], 2, 2.5)), b = tanh(formula([4,1,32,32], 2, 3.5)), Adam lr 2e-4
        betas (0.5, 0.999) for each:
          "fake_train"       sampled G(a) (train mode)
          "d_real_train"     D(cat([a, b])) before the update, full [4,1,6,6]
          "loss_d"           0.5 * (bce(D(cat[a, b]), 1) + bce(D(cat[a, fake.detach()]), 0))
          "loss_g"           loss_gan + 100 * loss_l1, through the updated D and the same fake
          "loss_gan"         bce(D(cat[a, fake]), 1)
          "loss_l1"          F.l1_loss(fake, b), unweighted
          "d_grad.NAME"      sampled gradients of D's parameters in the D step
          "g_grad.NAME"      sampled gradients of G's parameters in the G step
          "g_after.NAME", "d_after.NAME"   sampled parameters after the updates
          "fake_eval_after"  sampled G.eval()(a) after the step
          "f32_error.KEY"    PyTorch's own float32 error of each gradient, parameter after the step
                             and fake_eval_after (see with_f32_errors())
  torch_cyclegan_generator.safetensors
        G_AB.state_dict() (float32) from torch.manual_seed(0): G_AB, D_B = cyclegan_models(1);
        G_BA, D_A = cyclegan_models(1); trained 3 steps of torch_zoo_step.py's cyclegan step
        (batch 8, A and B drawn fresh each step by torch.rand(8,1,32,32) * 2 - 1), so the weights
        moved from PyTorch's initialization
  cyclegan_parity.safetensors
        that G_AB in eval mode: "x", "outputs", "x28", "outputs28" as in pix2pix_parity
  cyclegan_step.safetensors
        one training step of torch_zoo_step.py's cyclegan recipe (batch 2) in float64 from formula
        weights (offsets G_AB 0, G_BA 0.25, D_A 0.5, D_B 0.75), A = tanh(formula([2,1,32,32], 2,
        2.5)), B = tanh(formula([2,1,32,32], 2, 3.5)); oG = Adam(G_AB + G_BA), oD = Adam(D_A + D_B),
        lr 2e-4, betas (0.5, 0.999); the G step first, then the D step on the G step's detached fakes:
          "fake_b", "fake_a"  sampled G_AB(A), G_BA(B)
          "loss_g"            loss_gan + 10 * loss_cycle + 5 * loss_identity
          "loss_gan"          mse(D_B(fake_b), 1) + mse(D_A(fake_a), 1)
          "loss_cycle"        l1(G_BA(fake_b), A) + l1(G_AB(fake_a), B), unweighted
          "loss_identity"     l1(G_AB(B), B) + l1(G_BA(A), A), unweighted
          "loss_d"            0.5 * (mse(D_A(A), 1) + mse(D_A(fake_a), 0))
                              + 0.5 * (mse(D_B(B), 1) + mse(D_B(fake_b), 0))
          "g_grad.G_AB.NAME", "g_grad.G_BA.NAME"   sampled gradients of the G step
          "d_grad.D_A.NAME", "d_grad.D_B.NAME"     sampled gradients of the D step
          "after.G_AB.NAME", "after.G_BA.NAME", "after.D_A.NAME", "after.D_B.NAME"
                              sampled parameters after both updates
          "f32_error.KEY"     PyTorch's own float32 error of each gradient and parameter after
                              the step (see with_f32_errors())

scikit-image (for image_similarity) joins the venv: ~/.venvs/ref/bin/pip install scikit-image
"""
import copy, math, os, sys
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench", "peers"))
import torch_zoo as zoo  # noqa: E402


def formula(shape, scale, phase):
    """Deterministic values both sides can compute, spread like noise over [-scale, scale]:
    scale * (2 frac(43758.5453 sin(12.9898 i + phase)) - 1). (make_cgan_fixtures.py's
    scale * sin(12.9898 i + phase) advances 0.42 rad per element, so its images and kernels are
    smooth waves; through instance norm over small maps they made the step so ill-conditioned
    that PyTorch itself in float32 differed from float64 by 2e-2 in D's first layer.)"""
    n = int(np.prod(shape))
    v = np.sin(12.9898 * np.arange(n, dtype=np.float64) + phase) * 43758.5453
    return torch.from_numpy(scale * (2 * (v - np.floor(v)) - 1)).reshape(shape).to(torch.get_default_dtype())

FILES = ("translation_ops.safetensors", "image_similarity.safetensors", "pix2pix_parity.safetensors", "pix2pix_step.safetensors",
         "torch_cyclegan_generator.safetensors", "cyclegan_parity.safetensors", "cyclegan_step.safetensors")


def sampled(t):
    """About 4,000 evenly spaced elements (every len // 4000-th), to keep the fixture small."""
    flat = t.detach().reshape(-1)
    return flat[::max(1, flat.numel() // 4000)].clone()


def init_translation(module, offset=0.0):
    """Parameters by formula, indexed by their position j among the sorted parameter names, phase
    78.233 (j + 1) + offset: 4-D weights scaled by 1/sqrt(fan-in) (Conv2d [out, in, k, k]: in*k*k;
    ConvTranspose2d [in, out, k, k]: in*k*k), 1-D weights 1 + 0.1 formula, biases 0.1 formula."""
    owner = {}
    for mname, m in module.named_modules():
        for pname, _ in m.named_parameters(recurse=False):
            owner[f"{mname}.{pname}" if mname else pname] = m
    params = dict(module.named_parameters())
    with torch.no_grad():
        for j, name in enumerate(sorted(params)):
            p, phase = params[name], 78.233 * (j + 1) + offset
            if p.dim() == 4:
                m = owner[name]
                if isinstance(m, nn.ConvTranspose2d):
                    fan_in = p.shape[0] * p.shape[2] * p.shape[3]
                elif isinstance(m, nn.Conv2d):
                    fan_in = p.shape[1] * p.shape[2] * p.shape[3]
                else:
                    raise ValueError(f"4-D parameter {name} of a {type(m).__name__}")
                p.copy_(formula(p.shape, 1.0 / math.sqrt(fan_in), phase))
            elif p.dim() == 1 and name.endswith("weight"):
                p.copy_(1 + formula(p.shape, 0.1, phase))
            elif p.dim() == 1:
                p.copy_(formula(p.shape, 0.1, phase))
            else:
                raise ValueError(f"unexpected parameter {name} {tuple(p.shape)}")


def save(out, name):
    save_file({k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}, os.path.join(HERE, name))


def with_f32_errors(record, prefixes):
    """`record(torch.float64)`, plus PyTorch's own float32 error of each key starting with one
    of `prefixes` ("f32_error.KEY", the tests' relative error max |a - b| / max |b|), from
    `record(torch.float32)` on PyTorch's native kernels (oneDNN off: its float32 convolutions
    here are further from exact). Some of these values are ill-conditioned in float32: a
    generator's gradient reaches it through the other generator's input gradient (CycleGAN's
    cycle terms), which is a small difference of large terms at initialization, since instance
    norm after the first convolution makes G's output depend only weakly on its input; and
    Adam's first step moves every element by lr times the sign of its gradient, so one sign
    that rounding flips moves an element by 2 lr. A test may hold SwiftGAN to PyTorch's float32
    accuracy there."""
    out = record(torch.float64)
    with torch.backends.mkldnn.flags(enabled=False):
        single = record(torch.float32)
    torch.set_default_dtype(torch.float64)
    for key in [k for k in out if k.startswith(prefixes)]:
        exact, f32 = out[key].double(), single[key].double()
        out["f32_error." + key] = ((f32 - exact).abs().max() / exact.abs().max().clamp_min(1e-300)).reshape(1)
    return out


def adam(params):
    return torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999))


def bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def mse(x, target):
    return F.mse_loss(x, torch.full_like(x, target))


def saturation(y):
    return (y.abs() > 0.99).double().mean().item()


# ----------------------------------------------------------------------------- ops

def op_cases():
    """name -> (function, inputs). Inputs are differentiated; all cases are second order."""
    g = torch.Generator().manual_seed(2468)

    def rn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64)

    return {
        "reflection_pad_1": (lambda x: F.pad(x, (1, 1, 1, 1), mode="reflect"), [rn(2, 3, 5, 6)]),
        "reflection_pad_3": (lambda x: F.pad(x, (3, 3, 3, 3), mode="reflect"), [rn(2, 2, 8, 8)]),
        "reflection_pad_asym": (lambda x: F.pad(x, (2, 1, 0, 3), mode="reflect"), [rn(1, 2, 4, 5)]),
    }


def make_ops():
    """ops.safetensors' format (make_fixtures.py's make_ops, which is not imported because importing
    make_fixtures.py sets the default dtype to float64)."""
    out = {}
    g = torch.Generator().manual_seed(135)
    for name, (fn, inputs) in op_cases().items():
        xs = [t.clone().requires_grad_(True) for t in inputs]
        y = fn(*xs)
        w = torch.randn(y.shape, generator=g, dtype=torch.float64)
        grads = torch.autograd.grad((y * w).sum(), xs, create_graph=True)
        for i, t in enumerate(inputs):
            out[f"{name}.in{i}"], out[f"{name}.grad{i}"] = t, grads[i]
        out[f"{name}.out"], out[f"{name}.w"] = y, w
        vs = [torch.randn(t.shape, generator=g, dtype=torch.float64) for t in inputs]
        l2 = sum((gr * v).sum() for gr, v in zip(grads, vs))
        # (A linear map's gradient does not depend on its input: its second order is 0.)
        hh = torch.autograd.grad(l2, xs, allow_unused=True) if l2.requires_grad else [None] * len(xs)
        for i, v in enumerate(vs):
            out[f"{name}.v{i}"] = v
            out[f"{name}.gg{i}"] = hh[i] if hh[i] is not None else torch.zeros_like(inputs[i])
    save(out, "translation_ops.safetensors")


# ----------------------------------------------------------------------------- parity

def parity(G, name):
    """G's eval-mode outputs at 32x32 and on 28x28 images padded to 32, for G's float32 weights
    computed in float64 (PyTorch's float32 CPU convolutions through oneDNN differ from exact by
    up to ~1e-4 here, which would leave no room for a 1e-4 comparison)."""
    x = torch.tanh(formula((4, 1, 32, 32), 2.0, 0.7)).float()
    x28 = torch.tanh(formula((3, 1, 28, 28), 2.0, 1.1)).float()
    G = copy.deepcopy(G).double().eval()
    p = zoo.TRANSLATE_PAD
    with torch.no_grad():
        y = G(x.double())
        y28 = G(zoo.pad_to_32(x28.double()))[:, :, p:p + 28, p:p + 28]
    print(f"{name}: fraction of |outputs| > 0.99: {saturation(y):.4f}, of |outputs28| > 0.99: {saturation(y28):.4f}")
    save({"x": x, "outputs": y, "x28": x28, "outputs28": y28}, name)


def make_pix2pix_parity():
    torch.set_default_dtype(torch.float32)
    G = zoo.UNetGenerator(1)
    init_translation(G)
    parity(G, "pix2pix_parity.safetensors")


# ----------------------------------------------------------------------------- pix2pix step

def pix2pix_step_record(dtype):
    """The recorded pix2pix step in `dtype` from formula weights."""
    torch.set_default_dtype(dtype)
    out = {}
    G, D = zoo.pix2pix_models(1)
    G, D = G.to(dtype), D.to(dtype)
    init_translation(G, 0.0)
    init_translation(D, 0.5)
    G.up4[3].p = 0.0
    a = torch.tanh(formula((4, 1, 32, 32), 2.0, 2.5))
    b = torch.tanh(formula((4, 1, 32, 32), 2.0, 3.5))
    oD, oG = adam(D.parameters()), adam(G.parameters())

    # torch_zoo_step.py's pix2pix step, unrolled to record what each half computes.
    fake = G(a)
    out["fake_train"] = sampled(fake)
    dr, df = D(torch.cat([a, b], 1)), D(torch.cat([a, fake.detach()], 1))
    out["d_real_train"] = dr.detach().clone()
    lossD = 0.5 * (bce(dr, 1) + bce(df, 0))
    oD.zero_grad(); lossD.backward()
    for name, p in D.named_parameters():
        out["d_grad." + name] = sampled(p.grad)
    oD.step()
    loss_gan = bce(D(torch.cat([a, fake], 1)), 1)
    loss_l1 = F.l1_loss(fake, b)
    lossG = loss_gan + 100 * loss_l1
    oG.zero_grad(); lossG.backward()
    for name, p in G.named_parameters():
        out["g_grad." + name] = sampled(p.grad)
    oG.step()
    for key, v in (("loss_d", lossD), ("loss_g", lossG), ("loss_gan", loss_gan), ("loss_l1", loss_l1)):
        out[key] = v.detach().reshape(1)
    for prefix, m in (("g", G), ("d", D)):
        for name, p in m.named_parameters():
            out[f"{prefix}_after.{name}"] = sampled(p)
    G.eval()
    with torch.no_grad():
        out["fake_eval_after"] = sampled(G(a))
    return out


def make_pix2pix_step():
    out = with_f32_errors(pix2pix_step_record, ("g_grad.", "d_grad.", "g_after.", "d_after.", "fake_eval_after"))
    save(out, "pix2pix_step.safetensors")
    return {k: out[k].item() for k in ("loss_d", "loss_g", "loss_gan", "loss_l1")}


# ----------------------------------------------------------------------------- cyclegan

def cyclegan_step(G_AB, G_BA, D_A, D_B, oG, oD, A, B, out=None):
    """torch_zoo_step.py's cyclegan step on given images; with `out`, records into it."""
    fB, fA = G_AB(A), G_BA(B)
    loss_gan = mse(D_B(fB), 1) + mse(D_A(fA), 1)
    loss_cycle = F.l1_loss(G_BA(fB), A) + F.l1_loss(G_AB(fA), B)
    loss_identity = F.l1_loss(G_AB(B), B) + F.l1_loss(G_BA(A), A)
    lossG = loss_gan + 10 * loss_cycle + 5 * loss_identity
    oG.zero_grad(); lossG.backward()
    if out is not None:
        for mname, m in (("G_AB", G_AB), ("G_BA", G_BA)):
            for name, p in m.named_parameters():
                out[f"g_grad.{mname}.{name}"] = sampled(p.grad)
    oG.step()
    lossD = 0.5 * (mse(D_A(A), 1) + mse(D_A(fA.detach()), 0)) + 0.5 * (mse(D_B(B), 1) + mse(D_B(fB.detach()), 0))
    oD.zero_grad(); lossD.backward()
    if out is not None:
        for mname, m in (("D_A", D_A), ("D_B", D_B)):
            for name, p in m.named_parameters():
                out[f"d_grad.{mname}.{name}"] = sampled(p.grad)
    oD.step()
    if out is not None:
        out["fake_b"], out["fake_a"] = sampled(fB), sampled(fA)
        for key, v in (("loss_g", lossG), ("loss_gan", loss_gan), ("loss_cycle", loss_cycle),
                       ("loss_identity", loss_identity), ("loss_d", lossD)):
            out[key] = v.detach().reshape(1)


def cyclegan_optimizers(G_AB, G_BA, D_A, D_B):
    return adam(list(G_AB.parameters()) + list(G_BA.parameters())), adam(list(D_A.parameters()) + list(D_B.parameters()))


def make_cyclegan_parity():
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    G_AB, D_B = zoo.cyclegan_models(1)
    G_BA, D_A = zoo.cyclegan_models(1)
    oG, oD = cyclegan_optimizers(G_AB, G_BA, D_A, D_B)
    for _ in range(3):
        A = torch.rand(8, 1, 32, 32) * 2 - 1
        B = torch.rand(8, 1, 32, 32) * 2 - 1
        cyclegan_step(G_AB, G_BA, D_A, D_B, oG, oD, A, B)
    save_file({k: v.contiguous() for k, v in G_AB.state_dict().items()}, os.path.join(HERE, "torch_cyclegan_generator.safetensors"))
    parity(G_AB, "cyclegan_parity.safetensors")


def cyclegan_step_record(dtype):
    """The recorded cyclegan step in `dtype` from formula weights."""
    torch.set_default_dtype(dtype)
    out = {}
    G_AB, D_B = zoo.cyclegan_models(1)
    G_BA, D_A = zoo.cyclegan_models(1)
    models = {"G_AB": G_AB.to(dtype), "G_BA": G_BA.to(dtype), "D_A": D_A.to(dtype), "D_B": D_B.to(dtype)}
    for name, offset in (("G_AB", 0.0), ("G_BA", 0.25), ("D_A", 0.5), ("D_B", 0.75)):
        init_translation(models[name], offset)
    A = torch.tanh(formula((2, 1, 32, 32), 2.0, 2.5))
    B = torch.tanh(formula((2, 1, 32, 32), 2.0, 3.5))
    oG, oD = cyclegan_optimizers(G_AB, G_BA, D_A, D_B)
    cyclegan_step(G_AB, G_BA, D_A, D_B, oG, oD, A, B, out)
    for mname, m in models.items():
        for name, p in m.named_parameters():
            out[f"after.{mname}.{name}"] = sampled(p)
    return out


def make_cyclegan_step():
    out = with_f32_errors(cyclegan_step_record, ("g_grad.", "d_grad.", "after."))
    save(out, "cyclegan_step.safetensors")
    return {k: out[k].item() for k in ("loss_g", "loss_gan", "loss_cycle", "loss_identity", "loss_d")}


def make_similarity():
    """Reference L1, PSNR and SSIM from scikit-image (an independent implementation: Gaussian
    window of sigma 1.5, 11x11, no sample covariance, data range 1, the mean over the positions
    the whole window covers), per image averaged, for outputs near their targets and far."""
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity
    torch.set_default_dtype(torch.float64)
    targets = torch.tanh(formula((5, 1, 28, 28), 2.0, 4.1))
    noise = formula((5, 1, 28, 28), 1.0, 5.3) * torch.linspace(0.05, 1.0, 5).reshape(5, 1, 1, 1)
    outputs = (targets + noise).clamp(-1, 1)
    rgb_t, rgb_o = torch.tanh(formula((2, 3, 16, 20), 2.0, 6.7)), torch.tanh(formula((2, 3, 16, 20), 2.0, 7.9))
    out = {"outputs": outputs, "targets": targets, "rgb_outputs": rgb_o, "rgb_targets": rgb_t}
    for prefix, o, t in (("", outputs, targets), ("rgb_", rgb_o, rgb_t)):
        o01, t01 = ((o + 1) / 2).numpy(), ((t + 1) / 2).numpy()
        out[prefix + "l1"] = (o - t).abs().mean().reshape(1)
        psnr = [peak_signal_noise_ratio(t01[i], o01[i], data_range=1.0) for i in range(len(o01))]
        ssim = [np.mean([structural_similarity(t01[i, c], o01[i, c], data_range=1.0, gaussian_weights=True, sigma=1.5,
                                               use_sample_covariance=False) for c in range(o01.shape[1])])
                for i in range(len(o01))]
        out[prefix + "psnr"] = torch.tensor([float(np.mean(psnr))])
        out[prefix + "ssim"] = torch.tensor([float(np.mean(ssim))])
    save(out, "image_similarity.safetensors")


if __name__ == "__main__":
    make_ops()
    make_similarity()
    make_pix2pix_parity()
    print("pix2pix step losses:", make_pix2pix_step())
    make_cyclegan_parity()
    print("cyclegan step losses:", make_cyclegan_step())
    for name in FILES:
        print(name, os.path.getsize(os.path.join(HERE, name)), "bytes")
