"""PyTorch definitions of insightface's IResNet and MobileFaceNet, written from the layout in the
project's reference (iresnet.md), with the module names of insightface
`recognition/arcface_torch/backbones/{iresnet,mobilefacenet}.py`, plus a width multiplier and any input
size divisible by 16 so that tiny, seeded copies can serve as golden references for @frx/resnet.
Used by make-parity-fixture.py and pytorch-bench.py; never run in CI."""

import torch
from torch import nn


def scaled(base, multiplier):
    return max(1, round(base * multiplier))


class IBasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-05)
        self.conv1 = nn.Conv2d(inplanes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-05)
        self.prelu = nn.PReLU(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-05)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        identity = x if self.downsample is None else self.downsample(x)
        return out + identity


IRESNET_BLOCKS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 14, 3], 100: [3, 13, 30, 3], 200: [6, 26, 60, 6]}


class IResNet(nn.Module):
    def __init__(self, depth=18, input_size=112, width=1.0, num_features=512, dropout=0.0):
        super().__init__()
        widths = [scaled(w, width) for w in (64, 128, 256, 512)]
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0], eps=1e-05)
        self.prelu = nn.PReLU(widths[0])
        blocks = IRESNET_BLOCKS[depth]
        self.layer1 = self._make_layer(widths[0], blocks[0])
        self.layer2 = self._make_layer(widths[1], blocks[1])
        self.layer3 = self._make_layer(widths[2], blocks[2])
        self.layer4 = self._make_layer(widths[3], blocks[3])
        self.bn2 = nn.BatchNorm2d(widths[3], eps=1e-05)
        self.dropout = nn.Dropout(p=dropout)
        side = input_size // 16
        self.fc = nn.Linear(widths[3] * side * side, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-05)
        nn.init.constant_(self.features.weight, 1.0)
        self.features.weight.requires_grad = False
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, 0, 0.1)

    def _make_layer(self, planes, blocks):
        downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, 2, bias=False), nn.BatchNorm2d(planes, eps=1e-05))
        layers = [IBasicBlock(self.inplanes, planes, 2, downsample)]
        self.inplanes = planes
        layers += [IBasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.prelu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.bn2(x)
        x = torch.flatten(x, 1)
        x = self.dropout(x)
        return self.features(self.fc(x))


class ConvBlock(nn.Module):
    def __init__(self, in_c, out_c, kernel=1, stride=1, padding=0, groups=1):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(in_c, out_c, kernel, stride, padding, groups=groups, bias=False), nn.BatchNorm2d(out_c), nn.PReLU(out_c))

    def forward(self, x):
        return self.layers(x)


class LinearBlock(nn.Module):
    def __init__(self, in_c, out_c, kernel=1, stride=1, padding=0, groups=1):
        super().__init__()
        self.layers = nn.Sequential(nn.Conv2d(in_c, out_c, kernel, stride, padding, groups=groups, bias=False), nn.BatchNorm2d(out_c))

    def forward(self, x):
        return self.layers(x)


class DepthWise(nn.Module):
    def __init__(self, in_c, out_c, residual, stride, groups):
        super().__init__()
        self.residual = residual
        self.layers = nn.Sequential(
            ConvBlock(in_c, groups, 1), ConvBlock(groups, groups, 3, stride, 1, groups=groups), LinearBlock(groups, out_c, 1))

    def forward(self, x):
        return x + self.layers(x) if self.residual else self.layers(x)


class Residual(nn.Module):
    def __init__(self, c, num_block, groups):
        super().__init__()
        self.layers = nn.Sequential(*[DepthWise(c, c, True, 1, groups) for _ in range(num_block)])

    def forward(self, x):
        return self.layers(x)


class GDC(nn.Module):
    def __init__(self, channels, kernel, embedding_size):
        super().__init__()
        self.layers = nn.Sequential(
            LinearBlock(channels, channels, kernel, groups=channels), nn.Flatten(), nn.Linear(channels, embedding_size, bias=False),
            nn.BatchNorm1d(embedding_size))

    def forward(self, x):
        return self.layers(x)


class MobileFaceNet(nn.Module):
    def __init__(self, blocks=(1, 4, 6, 2), scale=2, input_size=112, width=1.0, num_features=512):
        super().__init__()
        u = scaled(64, width)
        c1, c2 = u * scale, 2 * u * scale
        self.layers = nn.ModuleList([ConvBlock(3, c1, 3, 2, 1)])
        if blocks[0] == 1:
            self.layers.append(ConvBlock(c1, c1, 3, 1, 1, groups=u))
        else:
            self.layers.append(Residual(c1, blocks[0], 2 * u))
        self.layers.extend([
            DepthWise(c1, c1, False, 2, 2 * u), Residual(c1, blocks[1], 2 * u),
            DepthWise(c1, c2, False, 2, 4 * u), Residual(c2, blocks[2], 4 * u),
            DepthWise(c2, c2, False, 2, 8 * u), Residual(c2, blocks[3], 4 * u)])
        self.conv_sep = ConvBlock(c2, 8 * u, 1)
        self.features = GDC(8 * u, input_size // 16, num_features)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')

    def forward(self, x):
        for f in self.layers:
            x = f(x)
        return self.features(self.conv_sep(x))


def count(model, size):
    """(parameters, multiply-accumulates) of one size x size image, counted with forward hooks."""
    macs = [0]

    def hook(m, _inputs, out):
        if isinstance(m, nn.Conv2d):
            macs[0] += m.weight.numel() * out.shape[2] * out.shape[3]
        elif isinstance(m, nn.Linear):
            macs[0] += m.weight.numel()

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return sum(p.numel() for p in model.parameters()), macs[0]
