"""Reference values for Involution2D, SqueezeExcitation and RepresentativeBatchNorm.

Independent PyTorch implementations written from the papers' formulas (involution: Li et al. 2021, the
layout of d-li14/involution involution_naive.py; SE: Hu et al. 2018; RBN: Gao et al. 2021), run in NCHW
and converted to the tfjs NHWC / [kh, kw, in, out] layouts at the boundary. Writes
test/fixtures/layer-fixtures.json. Run: /usr/bin/python3 scripts/make_layer_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20240601)
torch.set_default_dtype(torch.float64)


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous()


def conv1x1_to_tf(w):  # [out, in, 1, 1] -> [1, 1, in, out]
    return w.permute(2, 3, 1, 0).contiguous()


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def involution_case(n, c, h, k, groups, reduced, stride):
    x = torch.randn(n, c, h, h, requires_grad=True)
    w_reduce = (torch.randn(reduced, c, 1, 1) * 0.5).requires_grad_()
    gamma = (1 + 0.1 * torch.randn(reduced)).requires_grad_()
    beta = (0.1 * torch.randn(reduced)).requires_grad_()
    w_span = (torch.randn(k * k * groups, reduced, 1, 1) * 0.5).requires_grad_()
    b_span = (0.1 * torch.randn(k * k * groups)).requires_grad_()
    running_mean = torch.zeros(reduced)
    running_var = torch.ones(reduced)

    pooled = F.avg_pool2d(x, stride, stride) if stride > 1 else x
    t = F.conv2d(pooled, w_reduce)
    t = F.batch_norm(t, running_mean, running_var, gamma, beta, training=True, momentum=0.1, eps=1e-5)
    t = F.relu(t)
    weight = F.conv2d(t, w_span, b_span)  # [n, K*K*G, h', w']
    b, _, ho, wo = weight.shape
    weight = weight.view(b, groups, k * k, ho, wo).unsqueeze(2)
    patches = F.unfold(x, k, dilation=1, padding=(k - 1) // 2, stride=stride)
    patches = patches.view(b, groups, c // groups, k * k, ho, wo)
    out = (weight * patches).sum(dim=3).view(b, c, ho, wo)

    probe = torch.randn_like(out)
    (out * probe).sum().backward()
    return {
        'config': {'kernelSize': k, 'strides': stride, 'groups': groups, 'reduction': c // reduced},
        'input': {'shape': list(nhwc(x).shape), 'values': flat(nhwc(x))},
        'weights': {
            'reduce_kernel': flat(conv1x1_to_tf(w_reduce)),
            'reduce_bn_gamma': flat(gamma),
            'reduce_bn_beta': flat(beta),
            'span_kernel': flat(conv1x1_to_tf(w_span)),
            'span_bias': flat(b_span),
        },
        'probe': flat(nhwc(probe)),
        'output': {'shape': list(nhwc(out).shape), 'values': flat(nhwc(out))},
        'gradInput': flat(nhwc(x.grad)),
        'gradWeights': {
            'reduce_kernel': flat(conv1x1_to_tf(w_reduce.grad)),
            'reduce_bn_gamma': flat(gamma.grad),
            'reduce_bn_beta': flat(beta.grad),
            'span_kernel': flat(conv1x1_to_tf(w_span.grad)),
            'span_bias': flat(b_span.grad),
        },
        'runningMean': flat(running_mean),
        'runningVariance': flat(running_var),
    }


def se_case(n, c, h, hidden):
    x = torch.randn(n, c, h, h, requires_grad=True)
    w1 = (torch.randn(hidden, c) * 0.5).requires_grad_()
    b1 = (0.1 * torch.randn(hidden)).requires_grad_()
    w2 = (torch.randn(c, hidden) * 0.5).requires_grad_()
    b2 = (0.1 * torch.randn(c)).requires_grad_()
    z = x.mean(dim=(2, 3))
    s = torch.sigmoid(F.linear(F.relu(F.linear(z, w1, b1)), w2, b2))
    out = x * s[:, :, None, None]
    probe = torch.randn_like(out)
    (out * probe).sum().backward()
    return {
        'config': {'reduction': c // hidden},
        'input': {'shape': list(nhwc(x).shape), 'values': flat(nhwc(x))},
        'weights': {
            'squeeze_kernel': flat(w1.t()),
            'squeeze_bias': flat(b1),
            'excite_kernel': flat(w2.t()),
            'excite_bias': flat(b2),
        },
        'probe': flat(nhwc(probe)),
        'output': {'shape': list(nhwc(out).shape), 'values': flat(nhwc(out))},
        'gradInput': flat(nhwc(x.grad)),
        'gradWeights': {
            'squeeze_kernel': flat(w1.grad.t()),
            'squeeze_bias': flat(b1.grad),
            'excite_kernel': flat(w2.grad.t()),
            'excite_bias': flat(b2.grad),
        },
    }


def rbn_forward(x, p, running_mean, running_var, training):
    # Centring calibration, BN without affine on x1, scaling calibration, affine (Gao et al. 2021).
    x1 = x + p['center_weight'][None, :, None, None] * x.mean(dim=(2, 3), keepdim=True)
    xhat = F.batch_norm(x1, running_mean, running_var, None, None, training=training, momentum=0.1, eps=1e-5)
    r = torch.sigmoid(p['scale_weight'][None, :, None, None] * xhat.mean(dim=(2, 3), keepdim=True)
                      + p['scale_bias'][None, :, None, None])
    return p['gamma'][None, :, None, None] * r * xhat + p['beta'][None, :, None, None]


def rbn_case(n, c, h):
    x = (torch.randn(n, c, h, h) * 2 + 0.5).requires_grad_()
    p = {
        'gamma': (1 + 0.2 * torch.randn(c)).requires_grad_(),
        'beta': (0.2 * torch.randn(c)).requires_grad_(),
        'center_weight': (0.5 * torch.randn(c)).requires_grad_(),
        'scale_weight': (0.5 * torch.randn(c)).requires_grad_(),
        'scale_bias': (1 + 0.2 * torch.randn(c)).requires_grad_(),
    }
    running_mean = torch.zeros(c)
    running_var = torch.ones(c)
    out = rbn_forward(x, p, running_mean, running_var, True)
    probe = torch.randn_like(out)
    (out * probe).sum().backward()
    x_eval = torch.randn(n, c, h, h)
    with torch.no_grad():
        out_eval = rbn_forward(x_eval, p, running_mean.clone(), running_var.clone(), False)
    # Fresh layer at its initial values (gamma 1, beta 0, w_c 0, w_s 0, b_s 1): y = sigmoid(1) * BN(x).
    return {
        'input': {'shape': list(nhwc(x).shape), 'values': flat(nhwc(x))},
        'weights': {k: flat(v) for k, v in p.items()},
        'probe': flat(nhwc(probe)),
        'output': {'shape': list(nhwc(out).shape), 'values': flat(nhwc(out))},
        'gradInput': flat(nhwc(x.grad)),
        'gradWeights': {k: flat(v.grad) for k, v in p.items()},
        'runningMean': flat(running_mean),
        'runningVariance': flat(running_var),
        'evalInput': flat(nhwc(x_eval)),
        'evalOutput': flat(nhwc(out_eval)),
    }


fixtures = {
    'involution': {
        'stride1': involution_case(n=2, c=8, h=5, k=3, groups=2, reduced=2, stride=1),
        'stride2': involution_case(n=2, c=8, h=4, k=3, groups=2, reduced=2, stride=2),
        'k5': involution_case(n=1, c=4, h=5, k=5, groups=1, reduced=1, stride=1),
    },
    'se': se_case(n=2, c=8, h=3, hidden=2),
    'rbn': rbn_case(n=3, c=4, h=3),
    'generator': 'scripts/make_layer_fixtures.py with torch ' + torch.__version__,
}
out_dir = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, 'layer-fixtures.json'), 'w') as f:
    json.dump(fixtures, f)
print('wrote', os.path.join(out_dir, 'layer-fixtures.json'))
