"""Reference values for FID, KID, Inception Score and the symmetric eigen-solver, in numpy (no SciPy).

FID uses the pytorch-fid definition with the matrix square root taken by a symmetric eigendecomposition:
Tr sqrt(S1 S2) = sum sqrt(eig(sqrt(S1) S2 sqrt(S1))), sqrt(S1) from numpy.linalg.eigh; KID is torch-fidelity's
unbiased MMD^2 with the kernel (x.y/d + 1)^3 over the whole sets (one subset of size n); IS is the OpenAI
split formula. Writes test/fixtures/generative-metrics.json. Run: /usr/bin/python3 scripts/make_generative_fixtures.py
"""
import json
import os

import numpy as np

rng = np.random.RandomState(2024)


def psd_sqrt(a):
    w, v = np.linalg.eigh((a + a.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fid(x, y):
    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    r = psd_sqrt(s1)
    inner = r @ s2 @ r
    w = np.linalg.eigvalsh((inner + inner.T) / 2)
    tr_covmean = np.sqrt(np.clip(w, 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * tr_covmean)


def kid_full(x, y):
    d = x.shape[1]
    m = x.shape[0]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    return float((kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.sum() / m ** 2)


def inception_score(p, splits):
    n = p.shape[0]
    scores = []
    for i in range(splits):
        part = p[i * n // splits:(i + 1) * n // splits]
        py = part.mean(0, keepdims=True)
        kl = (part * (np.log(part) - np.log(py))).sum(1).mean()
        scores.append(np.exp(kl))
    return float(np.mean(scores)), float(np.std(scores))


def feats(n, d, shift, scale):
    base = rng.randn(n, d) @ (np.eye(d) + 0.3 * rng.randn(d, d))
    return base * scale + shift


cases = {}
# More samples than dimensions: full-rank covariances.
a, b = feats(40, 8, 0.0, 1.0), feats(30, 8, 0.5, 1.3)
cases['fidFullRank'] = {'a': a.tolist(), 'b': b.tolist(), 'fid': fid(a, b)}
# Fewer samples than dimensions: singular covariances (the usual small-N 2048-d case).
a, b = np.abs(feats(20, 64, 0.2, 0.8)), np.abs(feats(25, 64, 0.6, 1.0))
cases['fidLowRank'] = {'a': a.tolist(), 'b': b.tolist(), 'fid': fid(a, b)}
# KID over whole sets (subsetSize = n: every subset is the full set).
a, b = feats(30, 16, 0.0, 1.0), feats(30, 16, 0.3, 1.1)
cases['kid'] = {'a': a.tolist(), 'b': b.tolist(), 'kid': kid_full(a, b)}
# Inception Score.
logits = rng.randn(50, 10) * 2
p = np.exp(logits - logits.max(1, keepdims=True))
p /= p.sum(1, keepdims=True)
cases['inceptionScore'] = {
    'logits': logits.tolist(),
    'probabilities': p.tolist(),
    'splits5': inception_score(p, 5),
    'splits1': inception_score(p, 1),
}
m = rng.randn(12, 12)
m = m + m.T
cases['eigen'] = {'matrix': m.tolist(), 'eigenvalues': np.linalg.eigvalsh(m).tolist()}
cases['generator'] = 'scripts/make_generative_fixtures.py with numpy ' + np.__version__

out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'generative-metrics.json')
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, 'w') as f:
    json.dump(cases, f)
print('wrote', out, {k: v.get('fid', v.get('kid')) for k, v in cases.items() if isinstance(v, dict)})
