"""PyTorch CPU twin of bench/step-vs-pytorch.ts: one GAN training step at 32x32, timed.

    ~/.cache/frx/bench-venv/bin/python scripts/pytorch_gan_bench.py --variant giu --width 32 --batch 64 --threads 2

The networks are @frx/giu-gan's `createGan({ resolution: 32, variant, width })`, written in NCHW:
  G: Linear(z 128 -> 4*4*8w) -> view -> norm -> ReLU; 3x [ConvT 4x4 s2 p1 -> norm -> ReLU] to 4w, 2w, w, with the slot
     after the 16x16 stage; Conv 3x3 -> 3 -> tanh. norm: BatchNorm2d (baseline) or Representative BatchNorm (giu).
  D: spectral-norm convs (3 s1 w, 4 s2 2w, 3 s1 2w, [slot], 4 s2 4w, 3 s1 4w, 4 s2 8w, 3 s1 8w), each + LeakyReLU 0.1,
     flatten, spectral-norm Linear(16*8w -> 1).
  Slot: SAGAN self-attention (baseline) or the GIU module, wiring C: y = x + gamma * SE(Inv(x)), gamma init 0, with
     involution K 3, 16 channels per group, reduction 4 (RedNet's involution_naive: 1x1 conv, BN, ReLU, 1x1 conv with
     bias, unfold) and SE reduction 16.
The layers are those of scripts/make_layer_fixtures.py (the parity fixtures of the tfjs layers). One step is
GanTrainer.trainStep with its defaults: one D update (hinge loss on D(real) and D(G(z)), G in training mode without
gradient) and one G update (-mean D(G(z)), D's weights frozen), Adam lr 4e-4 (D) / 1e-4 (G), betas (0, 0.9),
eps 1e-8, an EMA of G's weights (decay 0.999 with TensorFlow's warm-up), the four logged scalars read back.

Prints one JSON line: seconds per step (median over repeats of the mean of `--steps` steps, after one warm-up
step) and the parameter counts of G and D."""

import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.parametrizations import spectral_norm

BN = {'eps': 1e-5, 'momentum': 0.1}  # PyTorch defaults, as the tfjs layers use (TORCH_BN_*)


class RepresentativeBatchNorm(nn.Module):
    """Gao et al. 2021: centring calibration, BN without affine, scaling calibration, affine."""

    def __init__(self, c):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(c))
        self.beta = nn.Parameter(torch.zeros(c))
        self.center_weight = nn.Parameter(torch.zeros(c))
        self.scale_weight = nn.Parameter(torch.zeros(c))
        self.scale_bias = nn.Parameter(torch.ones(c))
        self.register_buffer('running_mean', torch.zeros(c))
        self.register_buffer('running_var', torch.ones(c))

    def forward(self, x):
        x1 = x + self.center_weight[None, :, None, None] * x.mean(dim=(2, 3), keepdim=True)
        xhat = F.batch_norm(x1, self.running_mean, self.running_var, None, None, training=self.training, **BN)
        r = torch.sigmoid(self.scale_weight[None, :, None, None] * xhat.mean(dim=(2, 3), keepdim=True)
                          + self.scale_bias[None, :, None, None])
        return self.gamma[None, :, None, None] * r * xhat + self.beta[None, :, None, None]


class Involution(nn.Module):
    def __init__(self, c, k=3, group_channels=16, reduction=4):
        super().__init__()
        self.k = k
        self.groups = max(1, c // group_channels)
        reduced = max(1, c // reduction)
        self.reduce = nn.Conv2d(c, reduced, 1, bias=False)
        self.bn = nn.BatchNorm2d(reduced, **BN)
        self.span = nn.Conv2d(reduced, k * k * self.groups, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        g, k = self.groups, self.k
        weight = self.span(F.relu(self.bn(self.reduce(x)))).view(n, g, k * k, h, w).unsqueeze(2)
        patches = F.unfold(x, k, padding=(k - 1) // 2).view(n, g, c // g, k * k, h, w)
        return (weight * patches).sum(dim=3).view(n, c, h, w)


class SqueezeExcitation(nn.Module):
    def __init__(self, c, reduction=16):
        super().__init__()
        hidden = max(1, c // reduction)
        self.squeeze = nn.Linear(c, hidden)
        self.excite = nn.Linear(hidden, c)

    def forward(self, x):
        s = torch.sigmoid(self.excite(F.relu(self.squeeze(x.mean(dim=(2, 3))))))
        return x * s[:, :, None, None]


class GIUModule(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.involution = Involution(c)
        self.se = SqueezeExcitation(c)
        self.gate = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x + self.gate * self.se(self.involution(x))


class SelfAttention(nn.Module):
    """SAGAN, paper formulation: f, g = C -> C/8, h = C -> C (no biases), y = x + gamma * o, gamma init 0."""

    def __init__(self, c, reduction=8):
        super().__init__()
        ck = max(1, c // reduction)
        self.query = nn.Parameter(torch.randn(c, ck) * 0.1)
        self.key = nn.Parameter(torch.randn(c, ck) * 0.1)
        self.value = nn.Parameter(torch.randn(c, c) * 0.1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        n, c, h, w = x.shape
        flat = x.view(n, c, h * w).transpose(1, 2)  # [n, hw, c]
        f, g, v = flat @ self.query, flat @ self.key, flat @ self.value
        beta = torch.softmax(g @ f.transpose(1, 2), dim=-1)
        o = (beta @ v).transpose(1, 2).reshape(n, c, h, w)
        return x + self.gamma * o


def slot(variant, c):
    return GIUModule(c) if variant == 'giu' else SelfAttention(c)


class Generator(nn.Module):
    def __init__(self, variant, width, latent=128):
        super().__init__()
        w = width
        norm = RepresentativeBatchNorm if variant == 'giu' else (lambda c: nn.BatchNorm2d(c, **BN))
        self.first = 8 * w
        self.fc = nn.Linear(latent, 4 * 4 * 8 * w)
        layers = [norm(8 * w), nn.ReLU()]
        size, channels = 4, 8 * w
        for out in (4 * w, 2 * w, w):
            layers += [nn.ConvTranspose2d(channels, out, 4, 2, 1), norm(out), nn.ReLU()]
            size, channels = size * 2, out
            if size == 16:
                layers.append(slot(variant, out))
        layers += [nn.Conv2d(w, 3, 3, padding=1), nn.Tanh()]
        self.body = nn.Sequential(*layers)

    def forward(self, z):
        return self.body(self.fc(z).view(z.shape[0], self.first, 4, 4))


class Discriminator(nn.Module):
    def __init__(self, variant, width):
        super().__init__()
        w = width
        specs = [(w, 3, 1), (2 * w, 4, 2), (2 * w, 3, 1), (4 * w, 4, 2), (4 * w, 3, 1), (8 * w, 4, 2), (8 * w, 3, 1)]
        layers, channels = [], 3
        for i, (out, k, s) in enumerate(specs):
            layers += [spectral_norm(nn.Conv2d(channels, out, k, s, 1)), nn.LeakyReLU(0.1)]
            channels = out
            if i == 2:  # the last conv at 16x16
                layers.append(slot(variant, out))
        self.body = nn.Sequential(*layers)
        self.head = spectral_norm(nn.Linear(4 * 4 * 8 * w, 1))

    def forward(self, x):
        return self.head(torch.flatten(self.body(x), 1))


def parameter_counts(model):
    trainable = sum(p.numel() for p in model.parameters())
    buffers = dict(model.named_buffers())
    sn_v = sum(b.numel() for name, b in buffers.items() if name.endswith('_v'))
    non_trainable = sum(b.numel() for name, b in buffers.items()
                        if not name.endswith('num_batches_tracked') and not name.endswith('_v'))
    return {'trainable': trainable, 'nonTrainable': non_trainable, 'spectralNormV': sn_v}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--variant', choices=['giu', 'baseline'], default='giu')
    p.add_argument('--width', type=int, default=32)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--latent', type=int, default=128)
    p.add_argument('--steps', type=int, default=3)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    g = Generator(a.variant, a.width, a.latent).train()
    d = Discriminator(a.variant, a.width).train()
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-4, betas=(0.0, 0.9), eps=1e-8)
    opt_d = torch.optim.Adam(d.parameters(), lr=4e-4, betas=(0.0, 0.9), eps=1e-8)
    g_params = list(g.parameters())
    d_params = list(d.parameters())
    ema = [q.detach().clone() for q in g_params]
    real = torch.rand(a.batch, 3, 32, 32) * 2 - 1
    updates = [0]

    def step():
        start = time.perf_counter()
        with torch.no_grad():
            fake = g(torch.randn(a.batch, a.latent))
        s_real, s_fake = d(real), d(fake)
        loss_d = F.relu(1 - s_real).mean() + F.relu(1 + s_fake).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # tfjs' variableGrads differentiates G's weights only; freezing D does the same here.
        for q in d_params:
            q.requires_grad_(False)
        loss_g = -d(g(torch.randn(a.batch, a.latent))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for q in d_params:
            q.requires_grad_(True)
        updates[0] += 1
        decay = min(0.999, (1 + updates[0]) / (10 + updates[0]))
        with torch.no_grad():
            torch._foreach_mul_(ema, decay)
            torch._foreach_add_(ema, [q.detach() for q in g_params], alpha=1 - decay)
        _logged = [loss_d.item(), loss_g.item(), s_real.mean().item(), s_fake.mean().item()]
        return time.perf_counter() - start

    step()  # warm-up (allocator, Adam state)
    means = [statistics.fmean(step() for _ in range(a.steps)) for _ in range(a.repeats)]
    seconds = statistics.median(means)
    print(json.dumps({
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'secondsPerStep': seconds,
        'generatorParams': parameter_counts(g),
        'discriminatorParams': parameter_counts(d),
    }))


if __name__ == '__main__':
    main()
