"""PyTorch CPU twin of bench/train-vs-pytorch.ts: one InceptionTime training epoch, timed.

    ~/.cache/frx/bench-venv/bin/python scripts/pytorch_inception_bench.py --train 30 --batch 64 --threads 2

The network is @frx/kdctime's `inceptionTime({ classes: 3, length: 128 })` (the Keras layout of hfawaz/InceptionTime,
depth 6): per module a 1x1 bottleneck to 32 channels (only when the input has more than one channel), convolutions of
lengths 40, 20, 10 with TF 'same' padding (19 before, 20 after for 40, as PyTorch's padding='same'), max-pool 3 /
stride 1 ('same', padding ignored = PyTorch's -inf padding) + 1x1 convolution, no conv biases, concatenation,
BatchNorm (Keras momentum 0.99 = PyTorch 0.01, eps 1e-3), ReLU; after every third module the shortcut
ReLU(x + BN(Conv1x1(residual input))); global average pooling; a dense head giving logits. Trained as
trainClassifier does: Adam (lr 1e-3, eps 1e-7, Keras' epsilon), batches of `--batch` from a fresh permutation each
epoch (the last batch smaller), softmax cross-entropy, the loss read back after every step. Data: random normal
series of the same shape and random class codes (timing only).

Prints one JSON line: seconds per epoch (median over repeats of the mean of `--epochs` epochs, after one warm-up
epoch), series per second, and the parameter counts."""

import argparse
import json
import statistics
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

# padding='same' with the even kernel 40 pads a copy of the input, as TensorFlow's 'same' does; not worth a warning.
warnings.filterwarnings('ignore', message="Using padding='same' with even kernel")

# Keras BatchNormalization defaults in PyTorch's convention (momentum 1 - 0.99).
KERAS_BN = {'eps': 1e-3, 'momentum': 0.01}


class InceptionModule(nn.Module):
    def __init__(self, in_channels, filters=32, kernel_sizes=(40, 20, 10), bottleneck=32, pool_size=3):
        super().__init__()
        use_bottleneck = bottleneck > 0 and in_channels > 1
        self.bottleneck = nn.Conv1d(in_channels, bottleneck, 1, bias=False) if use_bottleneck else None
        z_channels = bottleneck if use_bottleneck else in_channels
        self.branches = nn.ModuleList(
            nn.Conv1d(z_channels, filters, k, padding='same', bias=False) for k in kernel_sizes)
        self.pool = nn.MaxPool1d(pool_size, stride=1, padding=pool_size // 2)
        self.pool_conv = nn.Conv1d(in_channels, filters, 1, bias=False)
        self.bn = nn.BatchNorm1d(filters * (len(kernel_sizes) + 1), **KERAS_BN)

    def forward(self, x):
        z = self.bottleneck(x) if self.bottleneck is not None else x
        out = [branch(z) for branch in self.branches] + [self.pool_conv(self.pool(x))]
        return F.relu(self.bn(torch.cat(out, 1)))


class Shortcut(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv1d(in_channels, out_channels, 1, bias=False)
        self.bn = nn.BatchNorm1d(out_channels, **KERAS_BN)

    def forward(self, residual, x):
        return F.relu(x + self.bn(self.conv(residual)))


class InceptionTime(nn.Module):
    def __init__(self, classes, channels=1, depth=6, filters=32, kernel_sizes=(40, 20, 10), bottleneck=32):
        super().__init__()
        self.modules_ = nn.ModuleList()
        self.shortcuts = nn.ModuleDict()
        in_channels = channels
        residual_channels = channels
        out_channels = filters * (len(kernel_sizes) + 1)
        for d in range(depth):
            self.modules_.append(InceptionModule(in_channels, filters, kernel_sizes, bottleneck))
            in_channels = out_channels
            if d % 3 == 2:
                self.shortcuts[str(d)] = Shortcut(residual_channels, out_channels)
                residual_channels = out_channels
        self.head = nn.Linear(out_channels, classes)

    def forward(self, x):  # x: [batch, channels, length]
        residual = x
        for d, module in enumerate(self.modules_):
            x = module(x)
            if str(d) in self.shortcuts:
                x = self.shortcuts[str(d)](residual, x)
                residual = x
        return self.head(x.mean(dim=2))


def parameter_counts(model):
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    # BatchNorm running mean and variance (num_batches_tracked is PyTorch bookkeeping, not a weight).
    non_trainable = sum(b.numel() for name, b in model.named_buffers() if not name.endswith('num_batches_tracked'))
    return trainable, non_trainable


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--train', type=int, default=30)
    p.add_argument('--length', type=int, default=128)
    p.add_argument('--classes', type=int, default=3)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--epochs', type=int, default=5)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = InceptionTime(a.classes)
    model.train()
    x = torch.randn(a.train, 1, a.length)
    y = torch.randint(0, a.classes, (a.train,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def epoch():
        start = time.perf_counter()
        order = torch.randperm(a.train)
        total = 0.0
        for first in range(0, a.train, a.batch):
            idx = order[first:first + a.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        return time.perf_counter() - start

    epoch()  # warm-up (allocator, Adam state)
    means = [statistics.fmean(epoch() for _ in range(a.epochs)) for _ in range(a.repeats)]
    seconds = statistics.median(means)
    trainable, non_trainable = parameter_counts(model)
    print(json.dumps({
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'secondsPerEpoch': seconds,
        'seriesPerSecond': a.train / seconds,
        'stepsPerEpoch': -(-a.train // a.batch),
        'trainableParams': trainable,
        'nonTrainableParams': non_trainable,
    }))


if __name__ == '__main__':
    main()
