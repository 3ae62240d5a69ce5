"""Writes insightface verification .bin fixtures in every encoding the reader must accept
(run: /usr/bin/python3 scripts/bin_fixtures.py). Expected content: bin-expected.json.

- bin-py2-p2.bin: Python-2 style, protocol 2, images as str (SHORT_BINSTRING / BINSTRING), emulated with a
  pickler that writes bytes the way Python 2 wrote str.
- bin-py3-p2.bin: Python 3 bytes at protocol 2 (_codecs.encode(latin1 text, 'latin1')).
- bin-py3-p3/p4/p5.bin: Python 3 bytes (SHORT_BINBYTES / BINBYTES, FRAME + MEMOIZE at 4+).
- bin-numpy-p2/p4/p5.bin: numpy uint8 arrays (_reconstruct, or _frombuffer at protocol 5), numpy bool flags.

Images are small byte strings, not real JPEGs: the reader never decodes them. They include bytes >= 0x80
(two UTF-8 bytes each in the _codecs encoding), an empty image, and one longer than 255 bytes.
"""
import io
import json
import os
import pickle
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')

IMAGES = [
    b'\xff\xd8\xff\xe0' + bytes(range(0, 256, 7)),
    bytes(range(256)) + b'\xff\xd9',
    b'',
    b'\x80\x81latin1\xe9',
    b'\x0a\x23\xd7\xce' * 3,
    bytes((i * 37) % 256 for i in range(600)),
]
ISSAME = [True, False, True]


class Py2StrPickler(pickle._Pickler):
    """Writes bytes as Python 2 wrote str: SHORT_BINSTRING / BINSTRING (pickle protocol 2)."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        n = len(obj)
        if n < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([n]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', n) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def main():
    expected = {'images': [im.hex() for im in IMAGES], 'issame': ISSAME}
    buf = io.BytesIO()
    Py2StrPickler(buf, protocol=2).dump((IMAGES, ISSAME))
    files = {'bin-py2-p2.bin': buf.getvalue()}
    for proto in (2, 3, 4, 5):
        files[f'bin-py3-p{proto}.bin'] = pickle.dumps((IMAGES, ISSAME), protocol=proto)
    arrays = [np.frombuffer(im, dtype=np.uint8).copy() for im in IMAGES]
    flags = [np.bool_(s) for s in ISSAME]
    for proto in (2, 4, 5):
        files[f'bin-numpy-p{proto}.bin'] = pickle.dumps((arrays, flags), protocol=proto)
    for name, data in files.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)
        # Sanity: Python reads every file back the way insightface's load_bin does.
        try:
            bins, issame = pickle.loads(data)
        except UnicodeDecodeError:
            bins, issame = pickle.loads(data, encoding='bytes')
        assert [bytes(b) for b in bins] == IMAGES and [bool(s) for s in issame] == ISSAME, name
    with open(os.path.join(OUT, 'bin-expected.json'), 'w') as f:
        json.dump(expected, f)


if __name__ == '__main__':
    main()
