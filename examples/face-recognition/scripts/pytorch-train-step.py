"""PyTorch CPU side of bench/train-step-speed.ts: images/s of one IResNet training step
(forward, CosFace margin cross-entropy, backward, SGD momentum + weight decay) at the same shapes.

IResNet written from the architecture description of insightface arcface_torch `backbones/iresnet.py`
(stem conv3x3-BN-PReLU; IBasicBlock = BN, conv3x3, BN, PReLU, conv3x3(stride), BN, with a conv1x1-BN
shortcut; final BN, flatten, FC, BN). Prints one JSON line per configuration.

usage: python3 pytorch-train-step.py '<json list of {name, depth, width, size, embedding, batch, steps}>'
"""
import json
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

BLOCKS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 14, 3], 100: [3, 13, 30, 3]}


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout, eps=1e-5)
        self.prelu = nn.PReLU(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout, eps=1e-5)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout, eps=1e-5))

    def forward(self, x):
        y = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        return y + (x if self.short is None else self.short(x))


class IResNet(nn.Module):
    def __init__(self, depth, width, size, embedding):
        super().__init__()
        widths = [max(1, round(c * width)) for c in (64, 128, 256, 512)]
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.PReLU(widths[0]))
        layers, cin = [], widths[0]
        for n, cout in zip(BLOCKS[depth], widths):
            for i in range(n):
                layers.append(Block(cin, cout, 2 if i == 0 else 1))
                cin = cout
        self.body = nn.Sequential(*layers)
        self.bn2 = nn.BatchNorm2d(cin)
        side = size // 16
        self.fc = nn.Linear(cin * side * side, embedding)
        self.features = nn.BatchNorm1d(embedding)

    def forward(self, x):
        x = self.bn2(self.body(self.stem(x)))
        return self.features(self.fc(torch.flatten(x, 1)))


def main():
    configs = json.loads(sys.argv[1])
    torch.manual_seed(0)
    for c in configs:
        model = IResNet(c['depth'], c['width'], c['size'], c['embedding'])
        classes = c.get('classes', 100)
        weight = nn.Parameter(torch.randn(classes, c['embedding']) * 0.01)
        opt = torch.optim.SGD(list(model.parameters()) + [weight], lr=0.01, momentum=0.9, weight_decay=5e-4)
        x = torch.randn(c['batch'], 3, c['size'], c['size'])
        y = torch.randint(0, classes, (c['batch'],))

        def step():
            opt.zero_grad()
            cos = F.linear(F.normalize(model(x)), F.normalize(weight)).clamp(-1, 1)
            logits = 32 * (cos - 0.35 * F.one_hot(y, classes))
            loss = F.cross_entropy(logits, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5)
            opt.step()

        model.train()
        step()  # warm-up
        start = time.perf_counter()
        for _ in range(c['steps']):
            step()
        seconds = (time.perf_counter() - start) / c['steps']
        print(json.dumps({
            'figure': 'train-step-images-per-second', 'framework': 'pytorch-cpu', 'config': c['name'],
            'threads': torch.get_num_threads(), 'batch': c['batch'], 'secondsPerStep': seconds,
            'imagesPerSecond': c['batch'] / seconds, 'torch': torch.__version__,
        }), flush=True)


if __name__ == '__main__':
    main()
