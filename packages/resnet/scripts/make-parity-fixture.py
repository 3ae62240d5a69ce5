"""Writes the golden PyTorch fixtures of @frx/resnet's parity tests (run by hand, never in CI):

    /usr/bin/python3 packages/resnet/scripts/make-parity-fixture.py

For a tiny seeded IResNet-18 and MobileFaceNet (width 1/16 resp. 1/8, 32x32 input, embedding 16) it
writes test/fixtures/<name>.pth (the state dict, PyTorch zip format) and <name>.json holding, in tfjs
layout (NHWC, [kh, kw, in, out] kernels, [in, out] dense with NHWC flatten order):
  - input [4, 32, 32, 3] (a batch of 4: BatchNorm1d in training mode on 2 samples is degenerate);
  - eval-mode outputs: embedding and a few intermediate activations;
  - train-mode (batch statistics) embedding, the gradients of loss = sum(embedding * probe) for a few
    named parameters, and BN running statistics after that one training-mode forward pass.
BN statistics, BN affine parameters and PReLU slopes are randomised so every conversion rule matters."""

import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_backbones as tb  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')


def randomise(model, gen):
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
                if m.weight.requires_grad:
                    m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
            elif isinstance(m, nn.PReLU):
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * 0.3 + 0.1)


def to_tf(name, tensor, flatten_chw=None):
    """A parameter (or its gradient) in the tfjs layout of the same weight."""
    t = tensor.detach()
    if t.dim() == 4:
        out_c, in_per_group, kh, kw = t.shape
        groups = getattr(to_tf, 'groups', {}).get(name, 1)
        if groups == 1:
            return t.permute(2, 3, 1, 0)
        b = out_c // groups
        return t.reshape(groups, b, in_per_group, kh, kw).permute(3, 4, 0, 2, 1).reshape(kh, kw, groups * in_per_group, b)
    if t.dim() == 2:
        if flatten_chw is not None:
            c, h, w = flatten_chw
            return t.reshape(t.shape[0], c, h, w).permute(2, 3, 1, 0).reshape(h * w * c, t.shape[0])
        return t.t()
    return t


def values(t):
    return [float('%.7g' % v) for v in t.detach().reshape(-1).tolist()]


def entry(t):
    return {'shape': list(t.shape), 'values': values(t)}


def make(name, model, activations, grad_params, stat_buffers, flatten_chw=None):
    gen = torch.Generator().manual_seed(1234)
    randomise(model, gen)
    to_tf.groups = {n: m.groups for n, m in model.named_modules() if isinstance(m, nn.Conv2d)}
    os.makedirs(FIXTURES, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(FIXTURES, f'{name}.pth'))
    x = torch.randn(4, 3, 32, 32, generator=gen)
    probe = torch.randn(4, 16, generator=gen)

    captured = {}
    modules = dict(model.named_modules())
    hooks = [modules[a].register_forward_hook(lambda m, i, o, a=a: captured.__setitem__(a, o)) for a in activations]
    model.eval()
    with torch.no_grad():
        embedding = model(x)
    for h in hooks:
        h.remove()
    out = {
        'description': f'{name}: PyTorch {torch.__version__} reference, written by scripts/make-parity-fixture.py',
        'input': entry(x.permute(0, 2, 3, 1)),
        'eval': {
            'embedding': entry(embedding),
            'activations': {a: entry(captured[a].permute(0, 2, 3, 1)) for a in activations},
        },
    }

    model.train()
    model.zero_grad()
    embedding = model(x)
    loss = (embedding * probe).sum()
    loss.backward()
    params = dict(model.named_parameters())
    buffers = dict(model.named_buffers())
    out['train'] = {
        'probe': entry(probe),
        'embedding': entry(embedding),
        'gradients': {
            p: entry(to_tf(p.rsplit('.', 1)[0], params[p].grad, flatten_chw if p == 'fc.weight' else None)) for p in grad_params
        },
        'runningStats': {b: entry(buffers[b]) for b in stat_buffers},
    }
    with open(os.path.join(FIXTURES, f'{name}.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print(name, 'written')


def main():
    torch.manual_seed(0)
    resnet = tb.IResNet(18, input_size=32, width=1 / 16, num_features=16)
    make(
        'iresnet18-w0.0625-s32',
        resnet,
        activations=[ 'layer2', 'layer3', 'layer4'],
        grad_params=['conv1.weight', 'prelu.weight', 'layer1.0.conv2.weight', 'layer3.0.downsample.0.weight',
                     'layer4.1.bn3.weight', 'bn2.weight', 'layer2.1.prelu.weight', 'fc.weight', 'features.bias'],
        stat_buffers=['bn1.running_var', 'layer1.0.bn1.running_mean', 'layer4.1.bn3.running_var', 'features.running_mean',
                      'features.running_var'],
        flatten_chw=(4 * 8, 2, 2),
    )
    torch.manual_seed(1)
    mbf = tb.MobileFaceNet(input_size=32, width=1 / 8, num_features=16)
    make(
        'mbf-w0.125-s32',
        mbf,
        activations=[ 'layers.5', 'conv_sep'],
        grad_params=['layers.0.layers.0.weight', 'layers.1.layers.0.weight', 'layers.3.layers.0.layers.1.layers.0.weight',
                     'layers.7.layers.1.layers.2.layers.1.weight', 'features.layers.0.layers.0.weight',
                     'features.layers.2.weight', 'features.layers.3.bias'],
        stat_buffers=['layers.1.layers.1.running_var', 'features.layers.3.running_var'],
    )


if __name__ == '__main__':
    main()
