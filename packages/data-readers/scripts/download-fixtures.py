"""Archives in the upstream layouts for the download-helper tests, written with Python's tarfile/zipfile:
a tiny `cifar-10-binary.tar.gz` (folder cifar-10-batches-bin/, two records per batch) and an aeon-style
`Toy.zip` (Toy_TRAIN.ts, Toy_TEST.ts, deflated). Run with /usr/bin/python3; writes test/fixtures/download-*.
"""
import hashlib
import io
import json
import os
import tarfile
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
rng = np.random.default_rng(3)


def batch(seed_labels):
    return b''.join(bytes([l]) + rng.integers(0, 256, 3072, dtype=np.uint8).tobytes() for l in seed_labels)


members = {f'cifar-10-batches-bin/data_batch_{i}.bin': batch([i, (i + 3) % 10]) for i in range(1, 6)}
members['cifar-10-batches-bin/test_batch.bin'] = batch([7, 8])
members['cifar-10-batches-bin/batches.meta.txt'] = ('\n'.join(
    ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']) + '\n\n').encode()
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w:gz', format=tarfile.GNU_FORMAT) as tar:
    info = tarfile.TarInfo('cifar-10-batches-bin')
    info.type = tarfile.DIRTYPE
    tar.addfile(info)
    for name, data in members.items():
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
tgz = buf.getvalue()
with open(os.path.join(OUT, 'download-cifar-10-binary.tar.gz'), 'wb') as f:
    f.write(tgz)

ts_train = '@problemName Toy\n@timeStamps false\n@univariate true\n@equalLength true\n@seriesLength 3\n@classLabel true a b\n@data\n1,2,3:a\n4,5,6:b\n'
ts_test = ts_train.replace('1,2,3:a\n4,5,6:b\n', '7,8,9:b\n')
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, 'w', compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr('Toy_TRAIN.ts', ts_train)
    z.writestr('Toy_TEST.ts', ts_test)
zdata = zbuf.getvalue()
with open(os.path.join(OUT, 'download-Toy.zip'), 'wb') as f:
    f.write(zdata)

with open(os.path.join(OUT, 'download-expected.json'), 'w') as f:
    json.dump({
        'tgzMd5': hashlib.md5(tgz).hexdigest(), 'tgzSize': len(tgz),
        'zipSha256': hashlib.sha256(zdata).hexdigest(),
        'trainLabels': [[i, (i + 3) % 10] for i in range(1, 6)],
        'testLabels': [7, 8],
        'members': sorted(members),
    }, f, indent=1)
print('ok', len(tgz), len(zdata))
