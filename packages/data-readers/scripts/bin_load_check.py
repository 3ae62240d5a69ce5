"""Loads .bin files the way insightface's eval/verification.py load_bin does (pickle.load, falling back to
encoding='bytes') and prints pair and image counts; used to check files written by writeVerificationBin.
Usage: /usr/bin/python3 scripts/bin_load_check.py file.bin [...]"""
import pickle
import sys

for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        try:
            bins, issame = pickle.load(f)
        except UnicodeDecodeError:
            f.seek(0)
            bins, issame = pickle.load(f, encoding='bytes')
    print(path, len(bins), 'images', len(issame), 'pairs', 'sizes', [len(b) for b in bins[:4]], list(issame[:4]))
