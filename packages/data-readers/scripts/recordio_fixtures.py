"""Writes RecordIO fixtures with a tiny pure-Python writer that follows MXNet's semantics
(dmlc-core src/recordio.cc RecordIOWriter::WriteRecord; mxnet python/mxnet/recordio.py pack/MXIndexedRecordIO),
since MXNet itself is not installable here. Run: /usr/bin/python3 scripts/recordio_fixtures.py

- recordio-multipart.rec/.idx: payloads holding the magic at aligned offsets (split into parts), at unaligned
  offsets (not split), at the very end, twice in a row, and an empty payload; keys written out of order.
- recordio-insightface.rec/.idx/property: insightface RecBuilder layout (header record 0 with the identity range,
  images sorted by identity, identity records), plus im2rec-style label arrays.
recordio-expected.json lists every payload (hex) by key, and the IRHeader fields of the insightface records.
"""
import json
import os
import struct

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
MAGIC = 0xCED7230A
MAGIC_BYTES = struct.pack('<I', MAGIC)


def frame(payload):
    """dmlc-core WriteRecord: split at 4-byte aligned magic, drop it, cflag 1/2/3, pad the last part."""
    out = b''
    start = 0
    parts = []
    for i in range(0, len(payload) - len(payload) % 4, 4):
        if payload[i:i + 4] == MAGIC_BYTES:
            parts.append(payload[start:i])
            start = i + 4
    parts.append(payload[start:])
    for n, part in enumerate(parts):
        if len(parts) == 1:
            cflag = 0
        elif n == 0:
            cflag = 1
        elif n == len(parts) - 1:
            cflag = 3
        else:
            cflag = 2
        out += struct.pack('<II', MAGIC, (cflag << 29) | len(part)) + part
        out += b'\x00' * ((4 - len(part) % 4) % 4)
    return out


def pack(flag, label, id_, id2, image=b''):
    """mxnet.recordio.pack: IRHeader 'IfQQ'; an array label sets flag = len(label) and follows the header."""
    if isinstance(label, (list, tuple)):
        return struct.pack('<IfQQ', len(label), 0.0, id_, id2) + struct.pack('<%df' % len(label), *label) + image
    return struct.pack('<IfQQ', flag, label, id_, id2) + image


def write(name, records):
    rec = b''
    idx = ''
    for key, payload in records:
        idx += '%d\t%d\n' % (key, len(rec))
        rec += frame(payload)
    with open(os.path.join(OUT, name + '.rec'), 'wb') as f:
        f.write(rec)
    with open(os.path.join(OUT, name + '.idx'), 'w') as f:
        f.write(idx)


def main():
    body = bytes(range(40))
    multipart = [
        (5, b'plain record, no magic' + body),
        (2, b'ABCD' + MAGIC_BYTES + body[:9]),  # aligned at 4: two parts
        (9, b'AB' + MAGIC_BYTES + b'CD' + body[:5]),  # unaligned: one part
        (1, MAGIC_BYTES + b'xyzw' + MAGIC_BYTES + MAGIC_BYTES + b'tail!'),  # at 0, then twice in a row
        (3, b'1234' + MAGIC_BYTES),  # at the very end: empty last part
        (4, b''),
        (0, pack(0, 3.0, 7, 0, b'\xff\xd8' + MAGIC_BYTES * 2 + b'\xff\xd9')),  # aligned magic inside the image
    ]
    write('recordio-multipart', multipart)

    images = {0: [b'\xff\xd8alice-1\xff\xd9', b'\xff\xd8alice-2' + MAGIC_BYTES + b'\xff\xd9'], 1: [b'\xff\xd8bob-1\xff\xd9']}
    n_images = sum(len(v) for v in images.values())
    id_start = n_images + 1
    records = [(0, pack(0, [id_start, id_start + len(images)], 0, 1))]
    key = 1
    ranges = []
    for label in sorted(images):
        first = key
        for image in images[label]:
            records.append((key, pack(0, float(label), key, 0, image)))
            key += 1
        ranges.append((first, key))
    for label, (first, end) in enumerate(ranges):
        records.append((id_start + label, pack(0, [first, end], id_start + label, 0)))
    write('recordio-insightface', records)
    with open(os.path.join(OUT, 'recordio-insightface.property'), 'w') as f:
        f.write('%d,112,112\n' % len(images))

    expected = {
        'multipart': {str(k): p.hex() for k, p in multipart},
        'insightface': {str(k): p.hex() for k, p in records},
        'insightfaceImages': {str(k): [img.hex() for img in v] for k, v in images.items()},
    }
    with open(os.path.join(OUT, 'recordio-expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)


if __name__ == '__main__':
    main()
