"""PyTorch CPU reference throughput for @frx/resnet's benchmark (called by bench/iresnet-throughput.ts).

    /usr/bin/python3 scripts/pytorch-bench.py --size 112 --width 1 --batch 16 --threads 1

Prints one JSON line: forward images/s (eval mode, no grad) and training-step images/s (train mode:
forward, backward of sum(embedding * probe), SGD update), for an IResNet-18 built by torch_backbones.py."""

import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_backbones as tb  # noqa: E402


def timed(fn, repeats):
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--depth', type=int, default=18)
    p.add_argument('--size', type=int, default=112)
    p.add_argument('--width', type=float, default=1.0)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--repeats', type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = tb.IResNet(a.depth, a.size, a.width, 512)
    x = torch.randn(a.batch, 3, a.size, a.size)
    probe = torch.randn(a.batch, 512)
    opt = torch.optim.SGD([q for q in model.parameters() if q.requires_grad], lr=0.01)

    def forward():
        with torch.no_grad():
            model(x)

    def train_step():
        opt.zero_grad()
        (model(x) * probe).sum().backward()
        opt.step()

    model.eval()
    f = timed(forward, a.repeats)
    model.train()
    t = timed(train_step, a.repeats)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'forwardImagesPerSecond': a.batch / f,
                      'trainImagesPerSecond': a.batch / t}))


if __name__ == '__main__':
    main()
