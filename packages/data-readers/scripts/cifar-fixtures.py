"""CIFAR-10 binary fixtures: a 3-record batch with NumPy's NHWC conversion as the expected value.
Run with /usr/bin/python3 from the package folder; writes test/fixtures/cifar-*.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
rng = np.random.default_rng(10)
labels = np.array([3, 0, 9], np.uint8)
planes = rng.integers(0, 256, (3, 3, 32, 32), dtype=np.uint8)  # [record, channel, row, col] as on disk
records = b''.join(bytes([labels[i]]) + planes[i].tobytes() for i in range(3))
with open(os.path.join(OUT, 'cifar-small.bin'), 'wb') as f:
    f.write(records)
nhwc = planes.transpose(0, 2, 3, 1)  # the documented plane order → NHWC
with open(os.path.join(OUT, 'cifar-expected.json'), 'w') as f:
    json.dump({'labels': labels.tolist(), 'pixel_r5_c7': nhwc[:, 5, 7, :].tolist(), 'sum': int(nhwc.astype(np.int64).sum()),
               'firstPixels': nhwc[0, 0, :2, :].reshape(-1).tolist()}, f)
print('ok')
