"""Reference runs of torch.optim for the @frx/mhlr optimizer tests.

Runs torch.optim SGD (momentum, dampening, Nesterov, coupled weight decay), Adam (with coupled L2),
AdamW, RMSprop (plain, momentum, centred) and torch.nn.utils.clip_grad_norm_ for a few steps on seeded
parameters with fixed, seeded gradients per step and learning-rate changes mid-run, and writes
test/fixtures/optimizer-fixtures.json. Weight decay is put on the parameter group of `w` only, so
the fixtures also check the decay filter; clipping covers `w` only where `clip` says so.

Run with: /usr/bin/python3 scripts/make-optimizer-fixtures.py   (torch 1.13; CI never runs it)
"""

import json
import os

import torch

STEPS = 6
LRS = [1.0, 1.0, 0.5, 0.5, 2.0, 0.25]  # multiplied by each case's base lr: the rate moves mid-run
SHAPES = {"w": [3, 4], "b": [4]}

CASES = [
    ("sgd_plain", "SGD", {"lr": 0.1}, {}, False),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "weight_decay": 0.05}, {"weightDecay": 0.05}, False),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4},
     {"momentum": 0.9, "weightDecay": 5e-4}, False),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
     {"momentum": 0.9, "nesterov": True, "weightDecay": 0.01}, False),
    ("sgd_dampening", "SGD", {"lr": 0.1, "momentum": 0.8, "dampening": 0.3}, {"momentum": 0.8, "dampening": 0.3}, False),
    ("sgd_momentum_clip", "SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4},
     {"momentum": 0.9, "weightDecay": 5e-4, "clipGradNorm": 1.5}, True),
    ("adam", "Adam", {"lr": 0.01}, {}, False),
    ("adam_l2", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1},
     {"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6, "weightDecay": 0.1}, False),
    ("adamw", "AdamW", {"lr": 0.01, "weight_decay": 0.1}, {"weightDecay": 0.1}, False),
    ("adamw_default_decay", "AdamW", {"lr": 0.01}, {}, False),
    ("rmsprop", "RMSprop", {"lr": 0.01}, {}, False),
    ("rmsprop_momentum_centered", "RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "alpha": 0.9, "weight_decay": 0.01},
     {"momentum": 0.9, "centered": True, "alpha": 0.9, "weightDecay": 0.01}, False),
]
CLIP_MAX_NORM = 1.5


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run_case(index, name, torch_name, torch_options, our_options, clip):
    gen = torch.Generator().manual_seed(1000 + index)
    params = {k: torch.randn(s, generator=gen, dtype=torch.float32) for k, s in SHAPES.items()}
    init = {k: {"shape": SHAPES[k], "values": flat(v)} for k, v in params.items()}
    tensors = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    base_lr = torch_options["lr"]
    decay = {k: v for k, v in torch_options.items() if k == "weight_decay"}
    rest = {k: v for k, v in torch_options.items() if k != "weight_decay"}
    optimizer_class = getattr(torch.optim, torch_name)
    # Decay only on `w`: `b` gets weight_decay 0 (AdamW's default would otherwise apply to it too).
    groups = [{"params": [tensors["w"]], **decay}, {"params": [tensors["b"]], "weight_decay": 0.0}]
    optimizer = optimizer_class(groups, **rest)
    steps = []
    for step in range(STEPS):
        lr = base_lr * LRS[step]
        for group in optimizer.param_groups:
            group["lr"] = lr
        grads = {k: torch.randn(s, generator=gen, dtype=torch.float32) * 2.0 for k, s in SHAPES.items()}
        for k, t in tensors.items():
            t.grad = grads[k].clone()
        total_norm = None
        if clip:
            total_norm = float(torch.nn.utils.clip_grad_norm_([tensors["w"]], CLIP_MAX_NORM))
        optimizer.step()
        steps.append({
            "lr": lr,
            "grads": {k: flat(g) for k, g in grads.items()},
            "totalNorm": total_norm,
            "expected": {k: flat(t) for k, t in tensors.items()},
        })
    return {
        "name": name,
        "optimizer": torch_name,
        "options": {"learningRate": base_lr, **our_options},
        "decayOn": ["w"],
        "clipOn": ["w"] if clip else [],
        "init": init,
        "steps": steps,
    }


def clip_cases():
    out = []
    for index, max_norm in enumerate([0.5, 100.0]):
        gen = torch.Generator().manual_seed(77 + index)
        grads = [torch.randn(s, generator=gen, dtype=torch.float32) for s in ([2, 3], [5], [1, 2, 2])]
        tensors = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for t, g in zip(tensors, grads):
            t.grad = g.clone()
        total = float(torch.nn.utils.clip_grad_norm_(tensors, max_norm))
        out.append({
            "maxNorm": max_norm,
            "grads": [{"shape": list(g.shape), "values": flat(g)} for g in grads],
            "totalNorm": total,
            "clipped": [flat(t.grad) for t in tensors],
        })
    return out


def main():
    torch.manual_seed(0)
    fixture = {
        "generator": f"scripts/make-optimizer-fixtures.py, torch {torch.__version__}",
        "cases": [run_case(i, *case) for i, case in enumerate(CASES)],
        "clip": clip_cases(),
    }
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "test", "fixtures", "optimizer-fixtures.json")
    with open(out, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"wrote {os.path.normpath(out)}: {len(fixture['cases'])} optimizer cases, {len(fixture['clip'])} clip cases")


if __name__ == "__main__":
    main()
