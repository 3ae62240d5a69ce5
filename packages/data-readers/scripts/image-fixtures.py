"""Reference fixtures for the image decoders and transforms of @frx/data-readers.

Independent sources: Pillow (libjpeg-turbo, zlib, its own GIF/BMP/PNM codecs) writes and decodes the files;
PyTorch computes bilinear resizes; NumPy computes the Umeyama similarity transform (SVD form) and a vectorised
bilinear warp. Run with /usr/bin/python3 from the package folder; writes test/fixtures/image-*.
"""
import io
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
rng = np.random.default_rng(1234)
expected = {}


def save(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)


def encode(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


# Smooth-ish test pictures (random values compress badly and are not what decoders see).
h, w = 9, 7
yy, xx = np.mgrid[0:h, 0:w]
rgb = np.stack([(xx * 30 + yy * 5) % 256, (yy * 25 + 40) % 256, (xx * yy * 7 + 3) % 256], -1).astype(np.uint8)
grey = ((xx * 17 + yy * 23) % 256).astype(np.uint8)
alpha = ((xx + yy) * 20 % 256).astype(np.uint8)

cases = {
    'image-rgb.png': (Image.fromarray(rgb, 'RGB'), 'PNG', {}),
    'image-grey.png': (Image.fromarray(grey, 'L'), 'PNG', {}),
    'image-rgba.png': (Image.fromarray(np.dstack([rgb, alpha]), 'RGBA'), 'PNG', {}),
    'image-grey-alpha.png': (Image.fromarray(np.dstack([grey, alpha]), 'LA'), 'PNG', {}),
    'image-palette.png': (Image.fromarray(rgb, 'RGB').quantize(16), 'PNG', {}),
    'image-1bit.png': (Image.fromarray((grey > 128).astype(np.uint8) * 255, 'L').convert('1'), 'PNG', {}),
    'image-rgb.bmp': (Image.fromarray(rgb, 'RGB'), 'BMP', {}),
    'image-palette.bmp': (Image.fromarray(rgb, 'RGB').quantize(16), 'BMP', {}),
    'image-grey.bmp': (Image.fromarray(grey, 'L'), 'BMP', {}),
    'image-rgb.ppm': (Image.fromarray(rgb, 'RGB'), 'PPM', {}),
    'image-grey.pgm': (Image.fromarray(grey, 'L'), 'PPM', {}),
    'image-palette.gif': (Image.fromarray(rgb, 'RGB').quantize(16), 'GIF', {}),
    'image-rgb-q95.jpg': (Image.fromarray(np.kron(rgb, np.ones((2, 2, 1), np.uint8)), 'RGB'), 'JPEG', {'quality': 95, 'subsampling': 0}),
    'image-rgb-420.jpg': (Image.fromarray(np.kron(rgb, np.ones((2, 2, 1), np.uint8)), 'RGB'), 'JPEG', {'quality': 90, 'subsampling': 2}),
    'image-grey.jpg': (Image.fromarray(np.kron(grey, np.ones((2, 2), np.uint8)), 'L'), 'JPEG', {'quality': 95}),
}
for name, (img, fmt, kw) in cases.items():
    data = encode(img, fmt, **kw)
    save(name, data)
    decoded = Image.open(io.BytesIO(data))
    decoded.load()
    native = np.asarray(decoded.convert('RGBA' if decoded.mode in ('RGBA', 'PA') or (decoded.mode == 'P' and 'transparency' in decoded.info) else ('L' if decoded.mode in ('L', '1', 'LA') else 'RGB')))
    as_rgb = np.asarray(decoded.convert('RGB'))
    expected[name] = {
        'width': decoded.width,
        'height': decoded.height,
        'nativeChannels': 1 if native.ndim == 2 else native.shape[2],
        'native': native.reshape(-1).tolist(),
        'rgb': as_rgb.reshape(-1).tolist(),
    }

# ASCII Netpbm variants written by hand (Pillow writes only binary), with a comment and maxval 15 / 1000.
p2 = 'P2\n# a comment\n3 2\n15\n0 1 2\n13 14 15\n'
save('image-ascii-maxval15.pgm', p2.encode())
expected['image-ascii-maxval15.pgm'] = {'width': 3, 'height': 2, 'nativeChannels': 1,
                                        'native': [round(v * 255 / 15) for v in [0, 1, 2, 13, 14, 15]]}
p3 = 'P3 2 1 1000 0 500 1000 1000 0 250\n'
save('image-ascii-maxval1000.ppm', p3.encode())
expected['image-ascii-maxval1000.ppm'] = {'width': 2, 'height': 1, 'nativeChannels': 3,
                                          'native': [round(v * 255 / 1000) for v in [0, 500, 1000, 1000, 0, 250]]}
# 16-bit binary PGM, big-endian samples.
p5 = b'P5 2 2 65535\n' + np.array([0, 256, 65535, 32768], '>u2').tobytes()
save('image-16bit.pgm', p5)
expected['image-16bit.pgm'] = {'width': 2, 'height': 2, 'nativeChannels': 1,
                               'native': [round(v * 255 / 65535) for v in [0, 256, 65535, 32768]]}

# Bilinear resize: PyTorch, align_corners=False, no antialias, then round half to even like torch.round;
# the TypeScript code rounds half up, so test with a tolerance of one level.
resize = []
for (ih, iw, oh, ow) in [(5, 7, 11, 13), (13, 11, 6, 4), (8, 8, 3, 5)]:
    src = rng.integers(0, 256, (ih, iw, 3), dtype=np.uint8)
    t = torch.from_numpy(src.astype(np.float32)).permute(2, 0, 1)[None]
    out = F.interpolate(t, size=(oh, ow), mode='bilinear', align_corners=False)[0].permute(1, 2, 0).numpy()
    resize.append({'in': [ih, iw], 'out': [oh, ow], 'src': src.reshape(-1).tolist(), 'float': out.reshape(-1).tolist()})
expected['resize'] = resize


# Umeyama (1991), SVD form with the reflection correction, as scikit-image's SimilarityTransform.
def umeyama(src, dst):
    n = src.shape[0]
    ms, md = src.mean(0), dst.mean(0)
    sc, dc = src - ms, dst - md
    cov = dc.T @ sc / n
    d = np.ones(2)
    if np.linalg.det(cov) < 0:
        d[1] = -1
    u, s, vt = np.linalg.svd(cov)
    r = u @ np.diag(d) @ vt
    var = (sc ** 2).sum() / n
    scale = (s * d).sum() / var
    t = md - scale * r @ ms
    return np.hstack([scale * r, t[:, None]])


template = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]])
angle = 0.3
rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
landmarks = (template @ rot.T) * 1.7 + np.array([20.0, -5.0]) + rng.normal(0, 0.8, (5, 2))
m = umeyama(landmarks, template)


# Bilinear warp with a constant-zero border (cv2.warpAffine semantics, floating point), vectorised in NumPy.
def warp(img, m, oh, ow):
    a = np.vstack([m, [0, 0, 1]])
    inv = np.linalg.inv(a)
    ys, xs = np.mgrid[0:oh, 0:ow].astype(np.float64)
    sx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
    sy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
    H, W = img.shape[:2]

    def px(y, x):
        ok = (x >= 0) & (x < W) & (y >= 0) & (y < H)
        v = img[np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)].astype(np.float64)
        return v * ok[..., None]

    top = px(y0, x0) * (1 - fx) + px(y0, x0 + 1) * fx
    bottom = px(y0 + 1, x0) * (1 - fx) + px(y0 + 1, x0 + 1) * fx
    return np.clip(top * (1 - fy) + bottom * fy, 0, 255)


py, px_ = np.mgrid[0:150, 0:130]
photo = np.stack([(px_ * 2) % 256, (py * 3) % 256, ((px_ + py) * 5) % 256], -1).astype(np.uint8)
aligned = warp(photo, m, 112, 112)
expected['align'] = {
    'landmarks': landmarks.tolist(),
    'matrix': m.reshape(-1).tolist(),
    'photo': [150, 130],
    # Rounded half to even by NumPy; the TypeScript code rounds half up: compare within one level.
    'aligned': np.rint(aligned).astype(int).reshape(-1).tolist(),
}

with open(os.path.join(OUT, 'image-expected.json'), 'w') as f:
    json.dump(expected, f)
print('wrote', len(expected), 'entries')


# Statistics of real files in ../shared/data (the files themselves are never copied into the repository).
SHARED = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'data')
real = {}
for rel in ['faces/orl/s1/1.pgm', 'faces/orl/s40/10.pgm', 'faces/bbt/amy/amy1.png', 'faces/lfw-pairs/images/Anthony_Hopkins_0001.jpg',
            'images/cifar10-jpeg/test/cat/0001.jpg', 'images/celeba/img_align_celeba_7D24H/000001.jpg']:
    path = os.path.join(SHARED, rel)
    if not os.path.exists(path):
        continue
    img = Image.open(path)
    img.load()
    arr = np.asarray(img.convert('RGB')).astype(np.int64)
    real[rel] = {'mode': img.mode, 'width': img.width, 'height': img.height, 'rgbSum': int(arr.sum()),
                 'firstRow': arr[0, :4].reshape(-1).tolist()}
if real:
    with open(os.path.join(OUT, 'image-real-expected.json'), 'w') as f:
        json.dump(real, f, indent=1)
    print('real files:', len(real))
