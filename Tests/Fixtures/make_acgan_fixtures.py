"""Makes the PyTorch reference fixture of AC-GAN (Odena et al. 2017) and of BigGAN's orthogonal
regularization that SwiftGAN's acgan tests compare against.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_acgan_fixtures.py

G is the peer zoo's CondGenerator (torch_zoo.py), D the module below with the names SwiftGAN
gives it. Weights come from the formulas of make_cgan_fixtures.py (init_by_sorted_names), the
batch is 8 so the file stays small, and tensors with more than 4,000 elements are stored
sampled at evenly spaced elements (see `sampled`).

Writes acgan_step.safetensors, next to this script, for one training step taken as its two
halves from the same initial weights (float64):
  d_adv_train, d_aux_train   D's train-mode outputs on the real batch
  loss_d, loss_class_real, loss_class_fake
                             the D half: D's total loss and its cross-entropy terms
  d_grad.NAME, d_after.NAME, d_buffer.NAME
                             D's gradients, its parameters after Adam, its buffers (u, v) after
  loss_g, loss_class_g       the G half (G through the initial D): G's total loss and class term
  g_grad.NAME, g_after.NAME, g_buffer.NAME
                             G's gradients, its parameters after Adam, its buffers (batch norm's
                             running statistics) after
  ortho.grad.NAME            the gradient, by autograd, of (beta / 2) * sum ||W W^T * (1 - I)||_F^2
                             over G's weights of rank >= 2 viewed as [shape[0], -1], the class
                             embedding excluded; ortho.penalty its value; ortho.beta = beta
"""
import copy, os, sys
import torch
from torch import nn
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_cgan_fixtures as cgan  # noqa: E402  (adds the peer zoo to the path)
from make_cgan_fixtures import adam, bce, formula, init_by_sorted_names, zoo  # noqa: E402

SN = nn.utils.spectral_norm
BATCH = 8
ORTHO_BETA = 1e-3
F = torch.nn.functional


class ACGANDiscriminator(nn.Module):
    """The projection discriminator's trunk with an adversarial and a class head, x alone in."""

    def __init__(self, num_classes=zoo.NUM_CLASSES):
        super().__init__()
        self.net = nn.Sequential(
            SN(nn.Conv2d(1, 64, 4, 2, 1)), nn.LeakyReLU(0.2),
            SN(nn.Conv2d(64, 128, 4, 2, 1)), nn.LeakyReLU(0.2), nn.Flatten())
        self.adv = SN(nn.Linear(128 * 7 * 7, 1))
        self.aux = SN(nn.Linear(128 * 7 * 7, num_classes))

    def forward(self, x):
        h = self.net(x)
        return self.adv(h), self.aux(h)


def sampled(t):
    flat = t.detach().reshape(-1)
    stride = max(1, flat.numel() // 4000)
    return flat[::stride].clone()


def orthogonal_penalty(G, beta):
    total = 0
    for name, p in G.named_parameters():
        if p.dim() < 2 or name.startswith("embed."):
            continue
        w = p.reshape(p.shape[0], -1)
        gram = (w @ w.t()) * (1 - torch.eye(w.shape[0], dtype=w.dtype))
        total = total + (gram ** 2).sum()
    return beta / 2 * total


def main():
    torch.set_default_dtype(torch.float64)
    out = {}
    G, D = zoo.CondGenerator().double(), ACGANDiscriminator().double()
    init_by_sorted_names(G, transposed=True)
    init_by_sorted_names(D)
    z1 = formula((BATCH, zoo.CGAN_Z_DIM), 1.7, 0.5)
    # Phase 2.6, not the other fixtures' 1.5: with 1.5 a pre-activation of D's LeakyReLU on G's
    # fakes lies 5.7e-8 from 0, within float32 rounding, so a change of summation order anywhere
    # below it flipped its branch and moved G's gradient by percents; with 2.6 the nearest is
    # 2.8e-6 away.
    z2 = formula((BATCH, zoo.CGAN_Z_DIM), 1.3, 2.6)
    real = torch.tanh(formula((BATCH, 1, 28, 28), 2.0, 2.5))
    y = cgan.labels_for(BATCH)

    # Orthogonal regularization of the initial G, by autograd.
    G0 = copy.deepcopy(G)
    penalty = orthogonal_penalty(G0, ORTHO_BETA)
    penalty.backward()
    for name, p in G0.named_parameters():
        if p.grad is not None:
            out["ortho.grad." + name] = sampled(p.grad)
    out["ortho.penalty"], out["ortho.beta"] = penalty.detach().reshape(1), torch.tensor([ORTHO_BETA])

    # The D half: D's update on the real batch and the detached fakes made for its labels.
    G1, D1 = copy.deepcopy(G), copy.deepcopy(D)
    oD = adam(D1.parameters())
    with torch.no_grad():
        fake = G1(z1, y)
    (adv_real, aux_real), (adv_fake, aux_fake) = D1(real), D1(fake)
    out["d_adv_train"], out["d_aux_train"] = adv_real.detach().clone(), aux_real.detach().clone()
    class_real, class_fake = F.cross_entropy(aux_real, y), F.cross_entropy(aux_fake, y)
    lossD = bce(adv_real, 1) + bce(adv_fake, 0) + class_real + class_fake
    oD.zero_grad(); lossD.backward()
    for name, p in D1.named_parameters():
        out["d_grad." + name] = sampled(p.grad)
    oD.step()

    # The G half, from the initial weights: G's update through D on fresh fakes for the labels.
    # (Through the updated D, a float32 run and this float64 one can take different branches of
    # a LeakyReLU whose input is within rounding of 0, which moves G's gradient by percents; the
    # halves are checked separately, and SwiftGAN's tests check that its step is the two halves.)
    G2, D2 = copy.deepcopy(G), copy.deepcopy(D)
    oG = adam(G2.parameters())
    adv, aux = D2(G2(z2, y))
    class_g = F.cross_entropy(aux, y)
    lossG = bce(adv, 1) + class_g
    oG.zero_grad(); lossG.backward()
    for name, p in G2.named_parameters():
        out["g_grad." + name] = sampled(p.grad)
    oG.step()

    for key, value in (("loss_d", lossD), ("loss_g", lossG), ("loss_class_real", class_real),
                       ("loss_class_fake", class_fake), ("loss_class_g", class_g)):
        out[key] = value.detach().reshape(1)
    for prefix, m in (("g", G2), ("d", D1)):
        for name, p in m.named_parameters():
            out[f"{prefix}_after.{name}"] = sampled(p)
        for name, b in m.named_buffers():
            if b.dtype.is_floating_point:
                out[f"{prefix}_buffer.{name}"] = b.clone()

    path = os.path.join(HERE, "acgan_step.safetensors")
    save_file({k: v.detach().to(torch.float32).contiguous() for k, v in out.items()}, path)
    print("acgan_step", os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
