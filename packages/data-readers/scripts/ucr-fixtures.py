"""Reference statistics of the UCR/UEA files in ../shared/data, computed with NumPy and a minimal .ts reader
written here (independent of the TypeScript code). Writes test/fixtures/ucr-expected.json. The data files stay
in ../shared/data; only these numbers are committed. Run with /usr/bin/python3 from the package folder.
"""
import glob
import json
import os

import numpy as np

SHARED = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'data')
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'ucr-expected.json')


def label_key(labels):
    try:
        return sorted(set(labels), key=float)
    except ValueError:
        return sorted(set(labels))


def norm_label(s):
    try:
        f = float(s)
        return str(int(f)) if f == int(f) else repr(f)
    except ValueError:
        return s.strip()


def tsv_stats(path):
    a = np.loadtxt(path, delimiter='\t', dtype=np.float64) if 'NaN' not in open(path).read() else np.genfromtxt(path, delimiter='\t')
    labels = [norm_label(repr(float(v))) for v in a[:, 0]]
    values = a[:, 1:]
    lengths = []
    missing = 0
    for row in values:
        n = len(row)
        while n > 0 and np.isnan(row[n - 1]):
            n -= 1
        lengths.append(n)
        missing += int(np.isnan(row[:n]).sum())
    return {
        'cases': int(a.shape[0]),
        'minLength': int(min(lengths)),
        'maxLength': int(max(lengths)),
        'missing': missing,
        'sum': float(np.nansum(values)),
        'labels': labels,
        'first': [None if np.isnan(v) else float(v) for v in values[0, :5]],
    }


out = {'tsv': {}, 'ts': {}}
for folder in sorted(glob.glob(os.path.join(SHARED, 'ucr2018', '*'))):
    name = os.path.basename(folder)
    train = os.path.join(folder, f'{name}_TRAIN.tsv')
    if not os.path.exists(train):
        continue
    tr, te = tsv_stats(train), tsv_stats(os.path.join(folder, f'{name}_TEST.tsv'))
    classes = label_key(tr['labels'] + te['labels'])
    out['tsv'][name] = {
        'train': {k: v for k, v in tr.items() if k != 'labels'},
        'test': {k: v for k, v in te.items() if k != 'labels'},
        'classes': classes,
        'trainCodes': [classes.index(l) for l in tr['labels']][:20],
    }

# z-normalisation of GunPoint train row 0 (population std) and interpolation of a DodgerLoopDay row with gaps.
gp = np.loadtxt(os.path.join(SHARED, 'ucr2018', 'GunPoint', 'GunPoint_TRAIN.tsv'), delimiter='\t')[0, 1:]
out['gunPointZ'] = ((gp - gp.mean()) / gp.std()).tolist()[:10]
dl = np.genfromtxt(os.path.join(SHARED, 'ucr2018', 'DodgerLoopDay', 'DodgerLoopDay_TRAIN.tsv'), delimiter='\t')[:, 1:]
row = next(i for i in range(len(dl)) if np.isnan(dl[i]).any())
x = dl[row]
ok = ~np.isnan(x)
idx = np.arange(len(x))
out['dodgerInterpolated'] = {'row': int(row), 'values': np.interp(idx, idx[ok], x[ok]).tolist(), 'nanCount': int((~ok).sum())}


def read_ts(path):
    data = False
    cases = []
    for line in open(path, encoding='utf-8'):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        if line.lower().startswith('@data'):
            data = True
            continue
        if not data:
            continue
        *dims, label = line.split(':')
        cases.append(([[float('nan') if v == '?' else float(v) for v in d.split(',')] for d in dims], norm_label(label)))
    return cases


for path in sorted(glob.glob(os.path.join(SHARED, 'ucr-ts', '*', '*_TRAIN.ts'))):
    name = os.path.basename(os.path.dirname(path))
    entry = {}
    for split, p in [('train', path), ('test', path.replace('_TRAIN.ts', '_TEST.ts'))]:
        cases = read_ts(p)
        lengths = [len(d) for dims, _ in cases for d in dims]
        entry[split] = {
            'cases': len(cases),
            'dimensions': len(cases[0][0]),
            'minLength': min(lengths),
            'maxLength': max(lengths),
            'sum': float(np.nansum([v for dims, _ in cases for d in dims for v in d])),
            'missing': int(sum(np.isnan(v) for dims, _ in cases for d in dims for v in d)),
        }
        entry[split + 'Labels'] = [l for _, l in cases]
    entry['classes'] = label_key(entry['trainLabels'] + entry['testLabels'])
    del entry['trainLabels'], entry['testLabels']
    out['ts'][name] = entry

with open(OUT, 'w') as f:
    json.dump(out, f, indent=1)
print('tsv', len(out['tsv']), 'ts', len(out['ts']))
