"""Writes small PyTorch checkpoints for @frx/data-readers tests (run: /usr/bin/python3 scripts/torch_fixtures.py).

torch-state-dict-zip.pth (zip format) and torch-state-dict-legacy.pth (_use_new_zipfile_serialization=False)
hold the same state_dict; torch-training-zip.pth nests it in an arcface_torch-style training dict.
torch-expected.json lists, per key, the dtype, shape and C-order values torch itself reports.
The state_dict covers: fp32 conv/bn parameters, an int64 num_batches_tracked buffer, fp16, bf16, fp64, int32,
uint8 and bool tensors, a transposed (non-contiguous) tensor, a view with a storage offset, and two keys sharing
one storage (tied weights).
"""
import collections
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')


def state_dict():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, bias=False), torch.nn.BatchNorm2d(4), torch.nn.PReLU(4))
    model.train()
    model(torch.randn(2, 3, 5, 5))  # updates running stats and num_batches_tracked
    sd = collections.OrderedDict(model.state_dict())
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    sd['transposed'] = base.t()  # shape [6, 4], strides (1, 6)
    sd['offset_view'] = base[1:3, 2:5]  # storage offset 8, strides (6, 1)
    shared = torch.randn(5, 3)
    sd['tied.a'] = shared
    sd['tied.b'] = shared
    sd['half'] = torch.tensor([0.1, -2.5, 65504.0, 6e-8, 1e-3], dtype=torch.float16)
    sd['bfloat'] = torch.tensor([1.0, -3.140625, 1e30], dtype=torch.bfloat16)
    sd['double'] = torch.tensor([[1e-300, 2.5]], dtype=torch.float64)
    sd['int32'] = torch.tensor([-7, 2**31 - 1], dtype=torch.int32)
    sd['uint8'] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    sd['mask'] = torch.tensor([True, False, True])
    sd['scalar'] = torch.tensor(3.5)
    return sd


def describe(sd):
    out = {}
    for k, v in sd.items():
        flat = v.contiguous().reshape(-1)
        if v.dtype in (torch.float16, torch.bfloat16):
            flat = flat.float()
        if v.dtype == torch.bool:
            flat = flat.to(torch.uint8)
        values = [int(x) for x in flat.tolist()] if v.dtype == torch.int64 else flat.tolist()
        out[k] = {'dtype': str(v.dtype).replace('torch.', ''), 'shape': list(v.shape),
                  'values': [str(x) for x in values] if v.dtype == torch.int64 else values}
    return out


def main():
    sd = state_dict()
    torch.save(sd, os.path.join(OUT, 'torch-state-dict-zip.pth'))
    torch.save(sd, os.path.join(OUT, 'torch-state-dict-legacy.pth'), _use_new_zipfile_serialization=False)
    training = {'epoch': 3, 'global_step': 1200, 'state_dict_backbone': sd}
    torch.save(training, os.path.join(OUT, 'torch-training-zip.pth'))
    with open(os.path.join(OUT, 'torch-expected.json'), 'w') as f:
        json.dump(describe(sd), f)


if __name__ == '__main__':
    main()
