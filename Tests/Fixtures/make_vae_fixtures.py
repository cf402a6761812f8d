"""Makes the PyTorch reference of SwiftGAN's convolutional VAE (VAERecipe): the negative ELBO of
a batch and its gradient with respect to every parameter of encoder and decoder.

Run from the repository root with the reference venv (PyTorch is never a dependency):
    ~/.venvs/ref/bin/python Tests/Fixtures/make_vae_fixtures.py

Weights, images and noise come from make_translation_fixtures.py's noise-like formula (the
Swift side computes the same, TranslationWeights), so only the results are stored; computed in
float64 from float32 inputs. The encoder is the DCGAN discriminator for 1x28x28 images with a last convolution of 200
channels (the posterior's mean, then its log-variance); the decoder is the DCGAN generator for
1x28x28 images without its Tanh (Bernoulli logits). In training mode (batch statistics):
  z     = mu + exp(logvar / 2) * eps
  recon = sum over pixels of BCE-with-logits(decoder(z), (x + 1) / 2), divided by n
  kl    = 0.5 * sum(mu^2 + exp(logvar) - logvar - 1), divided by n

Encoder parameters: init_translation(offset 0); decoder: init_translation(offset 1000);
x = tanh(2 formula([6, 1, 28, 28], 1, 2.5)), eps = formula([6, 100], 1.5, 0.5).
Writes vae_step.safetensors next to this script: "reconstruction", "kl", and
"grad.encoder.<name>", "grad.decoder.<name>" of recon + kl, each sampled (every
len // 4000-th element).
"""
import os
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

from make_translation_fixtures import formula, init_translation, sampled

HERE = os.path.dirname(os.path.abspath(__file__))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, 1, bias=False),
                                 nn.BatchNorm2d(128), nn.LeakyReLU(0.2), nn.Conv2d(128, 200, 7), nn.Flatten())

    def forward(self, x):
        out = self.net(x)
        return out[:, :100], out[:, 100:]


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.ConvTranspose2d(100, 256, 7, bias=False), nn.BatchNorm2d(256), nn.ReLU(),
                                 nn.ConvTranspose2d(256, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
                                 nn.ConvTranspose2d(128, 1, 4, 2, 1))

    def forward(self, z):
        return self.net(z.view(z.shape[0], -1, 1, 1))


def main():
    enc, dec = Encoder(), Decoder()
    init_translation(enc)
    init_translation(dec, offset=1000.0)
    enc, dec = enc.double(), dec.double()
    x = torch.tanh(2 * formula([6, 1, 28, 28], 1.0, 2.5).float().double())
    eps = formula([6, 100], 1.5, 0.5).float().double()
    mu, logvar = enc(x)
    z = mu + torch.exp(logvar / 2) * eps
    logits = dec(z)
    target = (x + 1) / 2
    n = x.shape[0]
    recon = F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / n
    kl = 0.5 * (mu ** 2 + logvar.exp() - logvar - 1).sum() / n
    (recon + kl).backward()
    out = {"reconstruction": recon.detach().reshape(1), "kl": kl.detach().reshape(1)}
    for prefix, model in (("encoder", enc), ("decoder", dec)):
        for k, p in model.named_parameters():
            out[f"grad.{prefix}.{k}"] = sampled(p.grad)
    save_file({k: v.detach().float().contiguous() for k, v in out.items()}, os.path.join(HERE, "vae_step.safetensors"))


if __name__ == "__main__":
    main()
