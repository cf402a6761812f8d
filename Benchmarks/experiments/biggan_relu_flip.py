"""One ReLU mask entry decides BigGAN's G gradient at 1e-4 (Benchmarks/RESULTS.md, 2026-11-26):
the G gradient of BigGANTests' fixture, in float64, with the ReLU after out_bn as it is and with
the one entry flipped that fused and unfused float32 put on different sides of 0 (index 630753,
about 1e-6 from 0). Prints each parameter's relative change.
Usage: ~/.venvs/ref/bin/python biggan_relu_flip.py"""
import copy, os, sys, types
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "Tests", "Fixtures")); sys.path.insert(0, os.path.join(ROOT, "..", "shared", "bench", "peers"))
import torch, torch.nn.functional as F
from safetensors.torch import load_file
import torch_zoo as zoo
from make_cgan_fixtures import formula, init_by_sorted_names, labels_for
HERE = os.path.join(ROOT, "Tests", "Fixtures")
torch.set_default_dtype(torch.float64)
G, D = zoo.biggan_models()
G.load_state_dict(load_file(os.path.join(HERE, "torch_biggan_generator.safetensors")))
G, D = G.double(), D.double()
init_by_sorted_names(D)
z2 = formula((16, zoo.BIGGAN_Z_DIM), 1.3, 1.5)
y = labels_for(16)
def grads(flip):
    D0, G0 = copy.deepcopy(D), copy.deepcopy(G)
    def fwd(self, z, yy):
        z0, z1, z2_ = torch.split(z, self.z_chunk, dim=1)
        e = self.shared(yy)
        h = self.linear(z0).view(z.shape[0], 128, 7, 7)
        h = self.block1(h, torch.cat([e, z1], 1))
        h = self.attention(h)
        h = self.block2(h, torch.cat([e, z2_], 1))
        b = self.out_bn(h)
        print("value at index", b.flatten()[630753].item())
        m = (b > 0).double().flatten()
        if flip: m[630753] = 1 - m[630753]
        return torch.tanh(self.out_conv(b * m.view(b.shape)))
    G0.forward = types.MethodType(fwd, G0)
    (-D0(G0(z2, y), y).mean()).backward()
    return {n: p.grad.clone() for n, p in G0.named_parameters()}
a = grads(False); b = grads(True)
for n in a: print("%-32s %.2e" % (n, ((a[n]-b[n]).norm()/a[n].norm()).item()))
