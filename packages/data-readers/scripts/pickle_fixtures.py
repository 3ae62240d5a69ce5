"""Writes pickle fixtures for @frx/data-readers tests (run: /usr/bin/python3 scripts/pickle_fixtures.py).

Each pickle-*.pkl is paired with the expected value in pickle-expected.json, encoded as JSON with tagged
types: {"bytes": hex}, {"bigint": "decimal"}, {"tuple": [...]}, {"dict": [[k, v], ...]}, {"ndarray": {...}}.
"""
import collections
import json
import os
import pickle

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')


def basic_value():
    return {
        'small': 7,
        'negative': -123456,
        'int16': 40000,
        'int32': -2**31,
        'big': 2**70 + 5,
        'negbig': -(2**64),
        'float': -1.5e-7,
        'text': 'héllo ✓',
        'bytes': bytes(range(250, 256)) + b'\x00abc',
        'long_bytes': bytes(i % 256 for i in range(300)),
        'none': None,
        'flags': [True, False],
        'nested': (1, [2, (3, 4)], {'k': 'v'}),
        'empty': ((), [], {}),
        'ordered': collections.OrderedDict([('b', 1), ('a', 2)]),
    }


def tag(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 - 1 else {'bigint': str(value)}
    if isinstance(value, float):
        return value
    if isinstance(value, (bytes, bytearray)):
        return {'bytes': bytes(value).hex()}
    if isinstance(value, tuple):
        return {'tuple': [tag(v) for v in value]}
    if isinstance(value, list):
        return [tag(v) for v in value]
    if isinstance(value, dict):
        return {'dict': [[tag(k), tag(v)] for k, v in value.items()]}
    if isinstance(value, np.ndarray):
        return {'ndarray': {'dtype': value.dtype.name, 'shape': list(value.shape),
                            'values': [v.item() if not isinstance(v.item(), bool) else int(v.item())
                                       for v in value.reshape(-1)]}}
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))


def numpy_value():
    return {
        'u8': np.arange(12, dtype=np.uint8).reshape(3, 4) * 20,
        'f32': np.array([[1.5, -2.25], [3e-5, 1e10]], dtype=np.float32),
        'i64': np.array([-(2**40), 0, 7], dtype=np.int64),
        'bool': np.array([True, False, True]),
        'f64': np.array([np.pi], dtype=np.float64),
        'big_endian': np.array([1, 256, 65535], dtype='>u2'),
        'scalar_bool': np.bool_(True),
        'scalar_i32': np.int32(-9),
    }


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    for proto in (1, 2, 3, 4, 5):
        name = f'pickle-basic-p{proto}.pkl'
        with open(os.path.join(OUT, name), 'wb') as f:
            pickle.dump(basic_value(), f, protocol=proto)
        expected[name] = tag(basic_value())
    for proto in (2, 3, 4, 5):
        name = f'pickle-numpy-p{proto}.pkl'
        with open(os.path.join(OUT, name), 'wb') as f:
            pickle.dump(numpy_value(), f, protocol=proto)
        expected[name] = tag(numpy_value())
    with open(os.path.join(OUT, 'pickle-evil-os-system.pkl'), 'wb') as f:
        pickle.dump([1, Evil()], f, protocol=2)
    with open(os.path.join(OUT, 'pickle-expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)


if __name__ == '__main__':
    main()
