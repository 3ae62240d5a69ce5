"""Reference fixtures for @frx/kdctime tests (run with /usr/bin/python3; torch 1.13 + numpy).

- losses.json: LSTime / KDTime / KDCT / KDCR values following the KDCTime code's definitions
  (amoonfana/Knowledge_Distillation code/DL/Loss.py: F.kl_div default 'mean' reduction, translation by 0.7071).
- ridge.json: RidgeClassifierCV (scikit-learn _RidgeGCV gram/eigen mode with an unpenalised intercept and the old
  normalize=True scaling) written with numpy.linalg.eigh on seeded data.
- rocket.json: ROCKET apply_kernel (angus924/rocket) on fixed kernels; MiniRocket fit (one training series, so no
  randomness) and transform (angus924/minirocket code/minirocket.py, numpy port without numba).

Usage: /usr/bin/python3 scripts/make_fixtures.py   (writes test/fixtures/*.json)
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures')
os.makedirs(OUT, exist_ok=True)


def dump(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, indent=1)


# ---------------------------------------------------------------- losses and calibration
def kd_code(zs, zt, y, alpha, T):
    ce = F.cross_entropy(zs, y)
    kl = F.kl_div(F.log_softmax(zs / T, dim=1), F.softmax(zt / T, dim=1))  # reduction 'mean' over B*K
    klb = F.kl_div(F.log_softmax(zs / T, dim=1), F.softmax(zt / T, dim=1), reduction='batchmean')
    return ((1 - alpha) * ce + alpha * T * T * kl).item(), ((1 - alpha) * ce + alpha * T * T * klb).item()


def translate(q, y, dist=0.7071):
    q = q.clone()
    for b in range(q.shape[0]):
        if torch.argmax(q[b]).item() != y[b].item():
            e = torch.zeros_like(q[b])
            e[y[b]] = 1
            d = e - q[b]
            q[b] = q[b] + dist * d / torch.norm(d)
    return q


def kdct(zs, zt, y, alpha):
    q = translate(F.softmax(zt, dim=1), y)
    ce = F.cross_entropy(zs, y)
    logp = F.log_softmax(zs, dim=1)
    kl = torch.where(q > 0, q * (torch.log(torch.where(q > 0, q, torch.ones_like(q))) - logp), torch.zeros_like(q)).mean()
    return ((1 - alpha) * ce + alpha * kl).item(), q


def reorder(zt, y):
    out = zt.clone()
    for b in range(zt.shape[0]):
        if torch.argmax(zt[b]).item() == y[b].item():
            continue
        order = sorted(range(zt.shape[1]), key=lambda k: (-zt[b, k].item(), k))
        r = order.index(y[b].item())
        for j in range(r):
            out[b, order[j]] = zt[b, order[j + 1]]
        out[b, y[b]] = zt[b, order[0]]
    return out


def label_smooth(z, y, eps):
    K = z.shape[1]
    target = (1 - eps) * F.one_hot(y, K).double() + eps / K
    return (-(target * F.log_softmax(z, dim=1)).sum(1)).mean().item()


g = torch.Generator().manual_seed(7)
cases = []
for B, K in [(4, 3), (6, 5), (3, 2)]:
    zs = torch.randn(B, K, generator=g, dtype=torch.float64) * 2
    zt = torch.randn(B, K, generator=g, dtype=torch.float64) * 2
    y = torch.randint(0, K, (B,), generator=g)
    kd1 = kd_code(zs, zt, y, 0.9, 1.0)
    kd8 = kd_code(zs, zt, y, 0.5, 8.0)
    kdct_loss, q_t = kdct(zs, zt, y, 0.9)
    zr = reorder(zt, y)
    kdcr_loss = kd_code(zs, zr, y, 1.0, 1.0)
    cases.append({
        'studentLogits': zs.tolist(), 'teacherLogits': zt.tolist(), 'labels': y.tolist(),
        'crossEntropy': F.cross_entropy(zs, y).item(),
        'labelSmoothing01': label_smooth(zs, y, 0.1), 'labelSmoothing05': label_smooth(zs, y, 0.5),
        'kd_0.9_1_mean': kd1[0], 'kd_0.9_1_batchmean': kd1[1],
        'kd_0.5_8_mean': kd8[0], 'kd_0.5_8_batchmean': kd8[1],
        'kdctTargets': q_t.tolist(), 'kdct_0.9': kdct_loss,
        'kdcrLogits': zr.tolist(), 'kdcr_1_1': kdcr_loss[0],
    })
dump('losses.json', {'source': 'scripts/make_fixtures.py (torch %s)' % torch.__version__, 'cases': cases})

# ---------------------------------------------------------------- ridge classifier CV
def ridge_cv(X, codes, K, alphas, Xtest):
    n = X.shape[0]
    mean = X.mean(0)
    Xc = X - mean
    scale = np.sqrt((Xc ** 2).sum(0))
    scale[scale == 0] = 1
    Xn = Xc / scale
    T = 1 if K == 2 else K
    Y = -np.ones((n, T))
    if K == 2:
        Y[codes == 1, 0] = 1
    else:
        Y[np.arange(n), codes] = 1
    ym = Y.mean(0)
    Yc = Y - ym
    G = Xn @ Xn.T + np.ones((n, n))
    lam, Q = np.linalg.eigh(G)
    idim = np.argmax(np.abs(Q.T @ (np.ones(n) / np.sqrt(n))))
    QtY = Q.T @ Yc
    errors = []
    for a in alphas:
        w = 1 / (lam + a)
        w[idim] = 0
        c = Q @ (w[:, None] * QtY)
        d = (Q ** 2) @ w
        errors.append(float(((c / d[:, None]) ** 2).mean()))
    best = int(np.argmin(errors))
    w = 1 / (lam + alphas[best])
    w[idim] = 0
    c = Q @ (w[:, None] * QtY)
    coef = Xn.T @ c
    dec = ((Xtest - mean) / scale) @ coef + ym
    pred = (dec[:, 0] > 0).astype(int) if K == 2 else dec.argmax(1)
    return errors, float(alphas[best]), dec.tolist(), pred.tolist()


rs = np.random.RandomState(3)
alphas = np.logspace(-3, 3, 10)
ridge_cases = []
for n, f, K in [(24, 40, 3), (30, 12, 2), (18, 60, 4)]:
    codes = rs.randint(0, K, n)
    centres = rs.randn(K, f) * 0.8
    X = centres[codes] + rs.randn(n, f)
    X[:, 0] = 5.0  # a constant feature
    tc = rs.randint(0, K, 10)
    Xt = centres[tc] + rs.randn(10, f)
    Xt[:, 0] = 5.0
    errors, alpha, dec, pred = ridge_cv(X, codes, K, alphas, Xt)
    ridge_cases.append({'n': n, 'features': f, 'classes': K, 'X': X.tolist(), 'codes': codes.tolist(),
                        'Xtest': Xt.tolist(), 'looErrors': errors, 'alpha': alpha, 'decision': dec,
                        'predicted': pred})
dump('ridge.json', {'source': 'scripts/make_fixtures.py (numpy %s, eigh)' % np.__version__, 'alphas': alphas.tolist(),
                    'cases': ridge_cases})

# ---------------------------------------------------------------- ROCKET apply_kernel
def apply_kernel(X, weights, length, bias, dilation, padding):
    input_length = len(X)
    output_length = (input_length + (2 * padding)) - ((length - 1) * dilation)
    _ppv = 0
    _max = -np.inf
    end = (input_length + padding) - ((length - 1) * dilation)
    for i in range(-padding, end):
        _sum = bias
        index = i
        for j in range(length):
            if -1 < index < input_length:
                _sum = _sum + weights[j] * X[index]
            index = index + dilation
        if _sum > _max:
            _max = _sum
        if _sum > 0:
            _ppv += 1
    return _ppv / output_length, _max


rs = np.random.RandomState(5)
L = 30
series = rs.randn(3, L)
kernels = []
for length, dilation, padding in [(7, 1, 0), (9, 2, 8), (11, 2, 0), (7, 4, 12), (9, 3, 12)]:
    w = rs.randn(length)
    w -= w.mean()
    kernels.append({'length': length, 'dilation': dilation, 'padding': padding, 'weights': w.tolist(),
                    'bias': float(rs.uniform(-1, 1))})
features = [[v for k in kernels for v in apply_kernel(x, np.array(k['weights']), k['length'], k['bias'],
                                                      k['dilation'], k['padding'])] for x in series]

# ---------------------------------------------------------------- MiniRocket (numpy port of the reference)
combos = [(a, b, c) for a in range(9) for b in range(a + 1, 9) for c in range(b + 1, 9)]


def fit_dilations(input_length, num_features=10000, max_dilations_per_kernel=32):
    num_kernels = 84
    per_kernel = num_features // num_kernels
    true_max = min(per_kernel, max_dilations_per_kernel)
    multiplier = per_kernel / true_max
    max_exponent = np.log2((input_length - 1) / (9 - 1))
    dilations, counts = np.unique(np.logspace(0, max_exponent, true_max, base=2).astype(np.int32), return_counts=True)
    counts = (counts * multiplier).astype(np.int32)
    remainder = per_kernel - np.sum(counts)
    i = 0
    while remainder > 0:
        counts[i] += 1
        remainder -= 1
        i = (i + 1) % len(counts)
    return dilations, counts


def quantiles(n):
    return np.array([(_ * ((np.sqrt(5) + 1) / 2)) % 1 for _ in range(1, n + 1)], dtype=np.float32)


def conv_outputs(x, dilation):
    L = len(x)
    padding = ((9 - 1) * dilation) // 2
    A = -x
    G = x + x + x
    C_alpha = np.zeros(L, dtype=np.float32)
    C_alpha[:] = A
    C_gamma = np.zeros((9, L), dtype=np.float32)
    C_gamma[9 // 2] = G
    start = dilation
    end = L - padding
    for gamma_index in range(9 // 2):
        C_alpha[-end:] = C_alpha[-end:] + A[:end]
        C_gamma[gamma_index, -end:] = G[:end]
        end += dilation
    for gamma_index in range(9 // 2 + 1, 9):
        C_alpha[:-start] = C_alpha[:-start] + A[start:]
        C_gamma[gamma_index, :-start] = G[start:]
        start += dilation
    return C_alpha, C_gamma, padding


def mr_fit_one(x, num_features):
    dilations, counts = fit_dilations(len(x), num_features)
    total = 84 * int(np.sum(counts))
    qs = quantiles(total)
    biases = np.zeros(total, dtype=np.float32)
    f = 0
    for di, d in enumerate(dilations):
        C_alpha, C_gamma, _ = conv_outputs(x, d)
        for k, (i0, i1, i2) in enumerate(combos):
            C = C_alpha + C_gamma[i0] + C_gamma[i1] + C_gamma[i2]
            biases[f:f + counts[di]] = np.quantile(C, qs[f:f + counts[di]])
            f += counts[di]
    return dilations, counts, biases


def mr_transform(X, dilations, counts, biases):
    out = np.zeros((len(X), len(biases)), dtype=np.float32)
    for e, x in enumerate(X):
        f = 0
        for di, d in enumerate(dilations):
            C_alpha, C_gamma, padding = conv_outputs(x, d)
            for k, (i0, i1, i2) in enumerate(combos):
                C = C_alpha + C_gamma[i0] + C_gamma[i1] + C_gamma[i2]
                part = C if (di % 2 + k) % 2 == 0 else C[padding:-padding]
                for c in range(counts[di]):
                    out[e, f] = (part > biases[f]).mean()
                    f += 1
    return out


rs = np.random.RandomState(11)
mr_train = rs.randn(1, 40).astype(np.float32)
mr_test = rs.randn(2, 40).astype(np.float32)
dil, cnt, bia = mr_fit_one(mr_train[0], 840)
mr_features = mr_transform(mr_test, dil, cnt, bia)
dump('rocket.json', {
    'source': 'scripts/make_fixtures.py (numpy %s)' % np.__version__,
    'rocket': {'series': series.tolist(), 'kernels': kernels, 'features': features},
    'miniRocket': {
        'numFeatures': 840, 'train': mr_train.tolist(), 'test': mr_test.tolist(),
        'dilations': dil.tolist(), 'featuresPerDilation': cnt.tolist(), 'biases': bia.tolist(),
        'features': mr_features.tolist(),
        'dilationTable': {str(L): [a.tolist() for a in fit_dilations(L)] for L in [24, 150, 500, 9, 286]},
        'quantiles': quantiles(10).tolist(),
    },
})
print('wrote', os.listdir(OUT))
