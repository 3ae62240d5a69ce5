"""Reference numbers for @frx/metrics, computed by an independent numpy implementation.

Follows insightface `recognition/arcface_torch/eval/verification.py` (calculate_roc / calculate_accuracy /
calculate_val, with scikit-learn's KFold(n_splits=10, shuffle=False) re-implemented) and FaceX-Zoo
`test_protocol/lfw/lfw_evaluator.py` (getThreshold with Youden's J, standard error), plus scikit-learn's
`roc_curve` algorithm and insightface `eval_ijbc.py`'s nearest-FPR TAR@FAR, on seeded synthetic embeddings.
One documented deviation from insightface: VAL@FAR interpolates between the two grid thresholds that
bracket the target FAR instead of SciPy's interp1d over plateaus (ill-defined there).

Run: /usr/bin/python3 packages/metrics/scripts/make-verification-fixtures.py
Output: ../test/fixtures/verification.json
"""

import json
import os

import numpy as np

rng = np.random.default_rng(7)
PAIRS, DIM, IDS = 303, 16, 40
centres = rng.normal(size=(IDS, DIM))
issame = np.array([i % 2 == 0 for i in range(PAIRS)])
ids_a = rng.integers(0, IDS, size=PAIRS)
ids_b = np.where(issame, ids_a, (ids_a + rng.integers(1, IDS, size=PAIRS)) % IDS)
emb_a = (centres[ids_a] + rng.normal(scale=0.9, size=(PAIRS, DIM))).astype(np.float32)
emb_b = (centres[ids_b] + rng.normal(scale=0.9, size=(PAIRS, DIM))).astype(np.float32)
flip_a = (emb_a + rng.normal(scale=0.4, size=(PAIRS, DIM))).astype(np.float32)
flip_b = (emb_b + rng.normal(scale=0.4, size=(PAIRS, DIM))).astype(np.float32)


def kfold(n, k=10):
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    start = 0
    for size in sizes:
        test = np.arange(start, start + size)
        train = np.setdiff1d(np.arange(n), test)
        yield train, test
        start += size


def normalize(x):
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def calculate_accuracy(threshold, dist, actual):
    predict = np.less(dist, threshold)
    tp = np.sum(predict & actual)
    fp = np.sum(predict & ~actual)
    tn = np.sum(~predict & ~actual)
    fn = np.sum(~predict & actual)
    tpr = 0 if tp + fn == 0 else tp / (tp + fn)
    fpr = 0 if fp + tn == 0 else fp / (fp + tn)
    return tpr, fpr, (tp + tn) / dist.size


def calculate_val_far(threshold, dist, actual):
    predict = np.less(dist, threshold)
    ta = np.sum(predict & actual)
    fa = np.sum(predict & ~actual)
    return ta / np.sum(actual), fa / np.sum(~actual)


def insightface(e1, e2, actual, far_target=1e-3):
    dist = np.sum(np.square(e1 - e2), 1)
    thresholds = np.arange(0, 4, 0.01)
    tprs = np.zeros((10, len(thresholds)))
    fprs = np.zeros((10, len(thresholds)))
    acc = np.zeros(10)
    best = np.zeros(10)
    for f, (train, test) in enumerate(kfold(len(actual))):
        acc_train = np.array([calculate_accuracy(t, dist[train], actual[train])[2] for t in thresholds])
        b = np.argmax(acc_train)
        for k, t in enumerate(thresholds):
            tprs[f, k], fprs[f, k], _ = calculate_accuracy(t, dist[test], actual[test])
        _, _, acc[f] = calculate_accuracy(thresholds[b], dist[test], actual[test])
        best[f] = thresholds[b]
    val_thresholds = np.arange(0, 4, 0.001)
    vals, fars = np.zeros(10), np.zeros(10)
    for f, (train, test) in enumerate(kfold(len(actual))):
        far_train = np.array([calculate_val_far(t, dist[train], actual[train])[1] for t in val_thresholds])
        if np.max(far_train) >= far_target:
            hi = int(np.argmax(far_train >= far_target))
            if hi == 0:
                threshold = val_thresholds[0]
            else:
                lo = hi - 1
                threshold = val_thresholds[lo] + (far_target - far_train[lo]) / (far_train[hi] - far_train[lo]) * (
                    val_thresholds[hi] - val_thresholds[lo])
        else:
            threshold = 0.0
        vals[f], fars[f] = calculate_val_far(threshold, dist[test], actual[test])
    return {
        'accuracy': float(acc.mean()), 'std': float(acc.std()), 'threshold': float(best.mean()),
        'foldAccuracies': acc.tolist(), 'foldThresholds': best.tolist(),
        'rocTpr': tprs.mean(0).tolist(), 'rocFpr': fprs.mean(0).tolist(),
        'val': float(vals.mean()), 'valStd': float(vals.std()), 'far': float(fars.mean()),
    }


def get_threshold(scores, labels, thr_num=1000):
    pos, neg = scores[labels], scores[~labels]
    lo, hi = scores.min(), scores.max()
    step = (hi - lo) / thr_num
    thresholds = lo + step * np.array(range(1, thr_num + 1))
    tpr = np.array([np.sum(pos > t) / len(pos) for t in thresholds])
    fpr = np.array([np.sum(neg > t) / len(neg) for t in thresholds])
    return thresholds[np.argmax(tpr - fpr)]


def facexzoo(e1, e2, actual):
    scores = np.sum(e1 * e2, 1)
    acc, best = np.zeros(10), np.zeros(10)
    for f, (train, test) in enumerate(kfold(len(actual))):
        t = get_threshold(scores[train], actual[train])
        s, a = scores[test], actual[test]
        acc[f] = (np.sum(s[a] > t) + np.sum(s[~a] < t)) / len(test)
        best[f] = t
    return {'accuracy': float(acc.mean()), 'std': float(np.std(acc, ddof=1) / np.sqrt(10)),
            'threshold': float(best.mean()), 'foldAccuracies': acc.tolist(), 'foldThresholds': best.tolist()}


def roc_curve(y, score):
    """scikit-learn's algorithm (binary, drop_intermediate=True, thresholds[0] = inf)."""
    order = np.argsort(score, kind='mergesort')[::-1]
    score, y = score[order], y[order].astype(float)
    distinct = np.where(np.diff(score))[0]
    idx = np.r_[distinct, y.size - 1]
    tps = np.cumsum(y)[idx]
    fps = 1 + idx - tps
    thresholds = score[idx]
    if len(fps) > 2:
        keep = np.where(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])[0]
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    tps, fps = np.r_[0, tps], np.r_[0, fps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thresholds]


def tar_at_far(y, score, targets):
    fpr, tpr, _ = roc_curve(y, score)
    fpr, tpr = np.flipud(fpr), np.flipud(tpr)
    out = []
    for x in targets:
        _, i = min(zip(abs(fpr - x), range(len(fpr))))
        out.append(float(tpr[i]))
    return out


plain_a, plain_b = normalize(emb_a.astype(np.float64)), normalize(emb_b.astype(np.float64))
flip_sum_a = normalize(emb_a.astype(np.float64) + flip_a.astype(np.float64))
flip_sum_b = normalize(emb_b.astype(np.float64) + flip_b.astype(np.float64))
cos = np.sum(plain_a * plain_b, 1)
fpr, tpr, thr = roc_curve(issame, cos)
targets = [1e-2, 5e-2, 1e-1, 3e-1]
out = {
    'generator': 'packages/metrics/scripts/make-verification-fixtures.py',
    'embeddingsA': emb_a.astype(np.float64).tolist(),
    'embeddingsB': emb_b.astype(np.float64).tolist(),
    'flippedA': flip_a.astype(np.float64).tolist(),
    'flippedB': flip_b.astype(np.float64).tolist(),
    'issame': issame.tolist(),
    'insightface': insightface(plain_a, plain_b, issame),
    'insightfaceFlip': insightface(flip_sum_a, flip_sum_b, issame),
    'faceXZoo': facexzoo(plain_a, plain_b, issame),
    'roc': {'scores': cos.tolist(), 'fpr': fpr.tolist(), 'tpr': tpr.tolist(), 'thresholds': thr[1:].tolist()},
    'tarAtFar': {'targets': targets, 'tar': tar_at_far(issame, cos, targets)},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'verification.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', path)
for key in ('insightface', 'insightfaceFlip', 'faceXZoo'):
    print(key, out[key]['accuracy'], out[key]['std'], out[key]['threshold'], out[key].get('val'))
print('tar', out['tarAtFar'])
