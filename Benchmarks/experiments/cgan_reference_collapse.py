"""The reference cGAN step (torch_zoo_step.py cgan) trained on real MNIST in PyTorch, printing the
within-class and between-class pixel std of 60 fixed samples (6 per class) every 100 steps: it shows
the conditional mode collapse recorded in Benchmarks/RESULTS.md (2026-11-26).
Usage: ~/.venvs/ref/bin/python cgan_reference_collapse.py [G_LR] [STEPS]"""
import sys, gzip, numpy as np, torch, torch.nn.functional as F, time
sys.path.insert(0, '/work/shared/bench/peers')
import torch_zoo as zoo
torch.set_num_threads(2); torch.manual_seed(0)
def idx(p):
    with gzip.open(p) as f: d = f.read()
    nd = d[3]; dims = [int.from_bytes(d[4+4*i:8+4*i], 'big') for i in range(nd)]
    return np.frombuffer(d, np.uint8, offset=4+4*nd).reshape(dims)
X = torch.tensor(idx('/work/shared/data/mnist/train-images-idx3-ubyte.gz')).float().div(127.5).sub(1).unsqueeze(1)
Y = torch.tensor(idx('/work/shared/data/mnist/train-labels-idx1-ubyte.gz')).long()
G, D = zoo.cgan_models()
lrg = float(sys.argv[1]) if len(sys.argv) > 1 else 2e-4
oD = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999)); oG = torch.optim.Adam(G.parameters(), lrg, betas=(0.5, 0.999))
bce = lambda l, t: F.binary_cross_entropy_with_logits(l, torch.full_like(l, t))
zf = torch.randn(60, 100); yf = torch.arange(10).repeat_interleave(6)
t0 = time.time()
for step in range(1, int(sys.argv[2]) + 1 if len(sys.argv) > 2 else 1001):
    i = torch.randint(0, len(X), (64,)); real, y = X[i], Y[i]
    with torch.no_grad(): fake = G(torch.randn(64, 100), y)
    lossD = bce(D(real, y), 1) + bce(D(fake, y), 0)
    oD.zero_grad(); lossD.backward(); oD.step()
    lossG = bce(D(G(torch.randn(64, 100), y), y), 1)
    oG.zero_grad(); lossG.backward(); oG.step()
    if step % 100 == 0:
        G.eval()
        with torch.no_grad(): x = G(zf, yf).view(10, 6, -1)
        G.train()
        print(step, round(time.time()-t0), "lossD %.3f lossG %.3f" % (lossD.item(), lossG.item()), "within %.4f between %.4f" % (x.std(1).mean().item(), x.mean(1).std(0).mean().item()), flush=True)
