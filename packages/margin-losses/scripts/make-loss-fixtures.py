"""Reference losses and gradients for @frx/margin-losses, computed with PyTorch.

Each method is written here from its reference definition, independently of the TypeScript code:
  - straight-through margins exactly as insightface arcface_torch `losses.py`: the margin value is
    written into a copy of the logits under `torch.no_grad()`, so autograd only sees `s * cos`;
  - exact ArcFace / CurricularFace / MagFace / AdaCos as FaceX-Zoo `head/*.py` (cosines clamped to
    +-(1 - 1e-7) before acos / sqrt, as in pytorch-metric-learning);
  - combined margin as insightface `arcface_mxnet/train.py` (cos(m1*theta + m2) - m3, no fallback);
  - X2-Softmax as XieZixiUSTC/X2-Softmax `loss.py` (f(theta) = a (theta - h)^2 + k);
  - SphereFace as face.evoLVe `head/metrics.py` (psi = (-1)^k cos(m theta) - 2k, lambda annealing);
  - cross-entropy: mean over rows whose label is not -1 of -log_softmax[y].
Inputs are float32 values; the maths runs in float64. Output: ../test/fixtures/losses.json.

Run: /usr/bin/python3 packages/margin-losses/scripts/make-loss-fixtures.py
"""

import json
import math
import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
EPS = 1e-7
rng = np.random.default_rng(20240531)

B, C = 6, 5
# Negatives near 0 and targets spread over the angle range, as in training; s = 64 then stays out of the
# 1e-30 probability floor except in the row whose target is past pi - m.
cos_np = rng.uniform(-0.35, 0.35, size=(B, C)).astype(np.float32)
labels_np = np.array([0, 2, 4, 1, -1, 3], dtype=np.int64)
for row, (col, value) in enumerate([(0, 0.9), (2, 0.62), (4, 0.41), (1, 0.23), (0, 0.3), (3, -0.95)]):
    cos_np[row, col] = value  # row 5: theta + m > pi, the exact-mode fallback
sub_np = rng.uniform(-0.35, 0.35, size=(B, C * 3)).astype(np.float32)
for row, (col, value) in enumerate([(1, 0.8), (7, 0.5), (13, 0.66), (4, 0.3), (0, 0.2), (9, 0.1)]):
    sub_np[row, col] = value
norms_np = np.array([5.0, 20.0, 60.0, 100.0, 130.0, 45.0], dtype=np.float32)
feat_np = rng.normal(size=(B, 8)).astype(np.float32)
weight_np = (rng.normal(size=(C, 8)) * 0.01).astype(np.float32)


def f64(a):
    return torch.tensor(a.astype(np.float64), requires_grad=True)


class _DistCrossEntropy(torch.autograd.Function):
    """arcface_torch DistCrossEntropyFunc: the forward clamps p_y at 1e-30, the backward is
    (softmax - onehot) / n whatever the clamp (it is written by hand, not autograd of the clamp)."""

    @staticmethod
    def forward(ctx, logits, labels):
        p = torch.softmax(logits, dim=1)
        n = logits.shape[0]
        loss = -torch.log(p[torch.arange(n), labels].clamp_min(1e-30)).mean()
        ctx.save_for_backward(p, labels)
        return loss

    @staticmethod
    def backward(ctx, grad):
        p, labels = ctx.saved_tensors
        onehot = torch.zeros_like(p)
        onehot[torch.arange(p.shape[0]), labels] = 1
        return grad * (p - onehot) / p.shape[0], None


def cross_entropy(logits, labels):
    """arcface_torch DistCrossEntropy: -log(clamp_min(p_y, 1e-30)), mean over labelled rows, with its
    hand-written gradient (softmax - onehot) / n that ignores the clamp."""
    valid = labels >= 0
    return _DistCrossEntropy.apply(logits[valid], labels[valid])


def straight_through(cos, labels, fn, s):
    """arcface_torch: modify the target logits in place under no_grad, then scale."""
    out = cos.clone()
    idx = torch.where(labels != -1)[0]
    with torch.no_grad():
        t = out[idx, labels[idx]]
        out[idx, labels[idx]] = fn(t)
    return out * s


def replace_exact(cos, labels, fn, s):
    idx = torch.where(labels != -1)[0]
    onehot = torch.zeros_like(cos)
    onehot[idx, labels[idx]] = 1.0
    t = (cos * onehot).sum(1)
    return (cos * (1 - onehot) + onehot * fn(t)[:, None]) * s


def arc_st(m):
    return lambda t: torch.cos(torch.acos(t.clamp(-1, 1)) + m)


def arc_exact(m):
    def fn(t):
        theta = torch.acos(t.clamp(-1 + EPS, 1 - EPS))
        return torch.where(t > math.cos(math.pi - m), torch.cos(theta + m), t - m * math.sin(m))
    return fn


def combined(m1, m2, m3, exact):
    def fn(t):
        tc = t.clamp(-1 + EPS, 1 - EPS) if exact else t.clamp(-1, 1)
        return torch.cos(m1 * torch.acos(tc) + m2) - m3
    return fn


def x2(a, h, k, exact):
    def fn(t):
        tc = t.clamp(-1 + EPS, 1 - EPS) if exact else t.clamp(-1, 1)
        return a * (torch.acos(tc) - h) ** 2 + k
    return fn


def sphere(m, lam):
    def fn(t):
        c = t.clamp(-1, 1)
        with torch.no_grad():
            k = torch.floor(m * torch.acos(c) / math.pi).clamp(max=m - 1)
        cos_m = [None, lambda x: x, lambda x: 2 * x**2 - 1, lambda x: 4 * x**3 - 3 * x,
                 lambda x: 8 * x**4 - 8 * x**2 + 1][m](c)
        psi = (-1.0) ** k * cos_m - 2 * k
        return (lam * c + psi) / (1 + lam)
    return fn


def curricular(cos, labels, s, m, t_bar):
    """FaceX-Zoo CurricularFace with t already updated; rows with label -1 stay s * cos."""
    out = cos.clone() * 1.0
    idx = torch.where(labels != -1)[0]
    rows = []
    for i in range(cos.shape[0]):
        row = cos[i]
        y = int(labels[i])
        if y < 0:
            rows.append(row)
            continue
        t = row[y]
        tc = t.clamp(-1 + EPS, 1 - EPS)
        sin_t = torch.sqrt(1 - tc * tc)
        ctm = tc * math.cos(m) - sin_t * math.sin(m)
        final = torch.where(t > math.cos(math.pi - m), ctm, t - math.sin(math.pi - m) * m)
        hard = (row > ctm.detach())
        new = torch.where(hard, row * (t_bar + row), row)
        onehot = torch.zeros_like(row)
        onehot[y] = 1
        rows.append(new * (1 - onehot) + onehot * final)
    del out, idx
    return torch.stack(rows) * s


def magface(cos, labels, norms, s=64.0, la=10.0, ua=110.0, lm=0.45, um=0.8):
    a = norms.clamp(la, ua)
    margin = (um - lm) / (ua - la) * (a - la) + lm
    cos_m, sin_m = torch.cos(margin), torch.sin(margin)

    def fn(t):
        tc = t.clamp(-1 + EPS, 1 - EPS)
        sin_t = torch.sqrt(1 - tc * tc)
        ctm = tc * cos_m - sin_t * sin_m
        return torch.where(t > torch.cos(math.pi - margin), ctm, t - 0.0)
    return replace_exact(cos, labels, fn, s)


def magface_reg(norms, la=10.0, ua=110.0, lam=20.0):
    a = norms.clamp(la, ua)
    return lam * (a / ua**2 + 1 / a).mean()


def adacos_scale(cos, labels, s_old):
    valid = labels >= 0
    c = cos[valid]
    y = labels[valid]
    onehot = torch.zeros_like(c)
    onehot[torch.arange(len(y)), y] = 1
    theta = torch.acos(c.clamp(-1 + EPS, 1 - EPS))
    b_avg = torch.where(onehot < 1, torch.exp(s_old * c), torch.zeros_like(c)).sum() / c.shape[0]
    theta_med = torch.median(theta[onehot == 1])
    return float(torch.log(b_avg) / torch.cos(torch.min(torch.tensor(math.pi / 4), theta_med)))


cases = []


def add_case(name, method, options, make_logits, inputs='cos', extra=None):
    cos = f64(sub_np if inputs == 'sub' else cos_np)
    labels = torch.tensor(labels_np)
    norms = f64(norms_np)
    logits = make_logits(cos, labels, norms)
    loss = cross_entropy(logits, labels)
    if extra is not None:
        loss = loss + extra(norms)
    loss.backward()
    case = {
        'name': name,
        'method': method,
        'options': options,
        'input': inputs,
        'logits': logits.detach().numpy().tolist(),
        'loss': float(loss),
        'gradCos': cos.grad.numpy().tolist(),
    }
    if norms.grad is not None:
        case['gradNorms'] = norms.grad.numpy().tolist()
    cases.append(case)


add_case('softmax', 'softmax', {}, lambda c, y, n: c * 1.0)
add_case('normFace s=16', 'normFace', {'s': 16}, lambda c, y, n: c * 16)
add_case('cosFace s=64 m=0.35', 'cosFace', {'s': 64, 'm': 0.35},
         lambda c, y, n: replace_exact(c, y, lambda t: t - 0.35, 64))
add_case('arcFace straight-through', 'arcFace', {'s': 64, 'm': 0.5, 'gradient': 'straightThrough'},
         lambda c, y, n: straight_through(c, y, arc_st(0.5), 64))
add_case('arcFace exact', 'arcFace', {'s': 64, 'm': 0.5, 'gradient': 'exact'},
         lambda c, y, n: replace_exact(c, y, arc_exact(0.5), 64))
add_case('arcFace exact s=8', 'arcFace', {'s': 8, 'm': 0.5, 'gradient': 'exact'},
         lambda c, y, n: replace_exact(c, y, arc_exact(0.5), 8))
add_case('combined straight-through', 'combinedMargin',
         {'s': 64, 'm1': 1, 'm2': 0.3, 'm3': 0.2, 'gradient': 'straightThrough'},
         lambda c, y, n: straight_through(c, y, combined(1, 0.3, 0.2, False), 64))
add_case('combined exact m1=1.2', 'combinedMargin',
         {'s': 32, 'm1': 1.2, 'm2': 0.2, 'm3': 0.1, 'gradient': 'exact'},
         lambda c, y, n: replace_exact(c, y, combined(1.2, 0.2, 0.1, True), 32))
add_case('x2Softmax straight-through', 'x2Softmax', {'s': 64, 'a': -0.9, 'h': 0, 'k': 0.65, 'gradient': 'straightThrough'},
         lambda c, y, n: straight_through(c, y, x2(-0.9, 0, 0.65, False), 64))
add_case('x2Softmax exact', 'x2Softmax', {'s': 64, 'a': -0.9, 'h': 0, 'k': 0.65, 'gradient': 'exact'},
         lambda c, y, n: replace_exact(c, y, x2(-0.9, 0, 0.65, True), 64))
add_case('x2Softmax exact s=16 a=-0.7 h=0.1 k=0.7', 'x2Softmax', {'s': 16, 'a': -0.7, 'h': 0.1, 'k': 0.7, 'gradient': 'exact'},
         lambda c, y, n: replace_exact(c, y, x2(-0.7, 0.1, 0.7, True), 16))
add_case('sphereFace m=4 lambda=5 with norms', 'sphereFace', {'m': 4, 'lambda': 5, 'featureNorms': 'norms'},
         lambda c, y, n: replace_exact(c, y, sphere(4, 5.0), 1.0) * (n / 10)[:, None])
add_case('curricularFace t=0.3', 'curricularFace', {'s': 64, 'm': 0.5, 't': 0.3},
         lambda c, y, n: curricular(c, y, 64, 0.5, 0.3))
add_case('magFace with regulariser', 'magFace', {'norms': 'norms'},
         lambda c, y, n: magface(c, y, n), extra=magface_reg)
s_new = adacos_scale(torch.tensor(cos_np.astype(np.float64)), torch.tensor(labels_np), math.sqrt(2) * math.log(C - 1))
add_case('adaCos', 'adaCos', {'s': s_new}, lambda c, y, n: c * s_new)
add_case('subCenter straight-through', 'subCenterArcFace', {'subCenters': 3, 's': 64, 'm': 0.5, 'gradient': 'straightThrough'},
         lambda c, y, n: straight_through(c.view(B, C, 3).max(dim=2)[0], y, arc_st(0.5), 64), inputs='sub')
add_case('subCenter exact', 'subCenterArcFace', {'subCenters': 3, 's': 64, 'm': 0.5, 'gradient': 'exact'},
         lambda c, y, n: replace_exact(c.view(B, C, 3).max(dim=2)[0], y, arc_exact(0.5), 64), inputs='sub')


def filtered(c, y, tau=0.4):
    with torch.no_grad():
        dirty = (c > tau).double()
        idx = torch.where(y != -1)[0]
        dirty[idx, y[idx]] = 0
    return c * (1 - dirty)


add_case('interClassFilter 0.4 then arcFace straight-through', 'interClassFilterArcFace', {'threshold': 0.4},
         lambda c, y, n: straight_through(filtered(c, y), y, arc_st(0.5), 64))

# Heads: features -> normalise -> cosine with normalised centres -> clamp -> margin -> CE.
heads = []
for name, margin, fn in [
    ('arcFace straight-through', {'method': 'arcFace', 'gradient': 'straightThrough'},
     lambda c, y: straight_through(c, y, arc_st(0.5), 64)),
    ('arcFace exact', {'method': 'arcFace', 'gradient': 'exact'},
     lambda c, y: replace_exact(c, y, arc_exact(0.5), 64)),
    ('x2Softmax straight-through', {'method': 'x2Softmax'},
     lambda c, y: straight_through(c, y, x2(-0.9, 0, 0.65, False), 64)),
    ('cosFace m=0.4', {'method': 'cosFace', 'm': 0.4},
     lambda c, y: replace_exact(c, y, lambda t: t - 0.4, 64)),
]:
    feats = f64(feat_np)
    weight = f64(weight_np)
    labels = torch.tensor(labels_np)
    cos = torch.nn.functional.normalize(feats, dim=1) @ torch.nn.functional.normalize(weight, dim=1).T
    logits = fn(cos.clamp(-1, 1), labels)
    loss = cross_entropy(logits, labels)
    loss.backward()
    heads.append({'name': name, 'margin': margin, 'loss': float(loss), 'logits': logits.detach().numpy().tolist(),
                  'gradFeatures': feats.grad.numpy().tolist(), 'gradWeight': weight.grad.numpy().tolist()})

out = {
    'generator': 'packages/margin-losses/scripts/make-loss-fixtures.py',
    'torch': torch.__version__,
    'cos': cos_np.astype(np.float64).tolist(),
    'subCenterCos': sub_np.astype(np.float64).tolist(),
    'labels': labels_np.tolist(),
    'norms': norms_np.astype(np.float64).tolist(),
    'sphereNormScale': 0.1,
    'magFaceRegularizer': float(magface_reg(torch.tensor(norms_np.astype(np.float64)))),
    'adaCosPreviousScale': math.sqrt(2) * math.log(C - 1),
    'features': feat_np.astype(np.float64).tolist(),
    'weight': weight_np.astype(np.float64).tolist(),
    'cases': cases,
    'heads': heads,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'losses.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
print(f'wrote {path}: {len(cases)} cases, {len(heads)} heads')
