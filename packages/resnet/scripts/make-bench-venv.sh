#!/usr/bin/env bash
# Makes the Python environment the benchmarks compare against: PyTorch 2.13 CPU from pip (your pip
# configuration), in the user cache. Prints the interpreter path; use it as BENCH_PYTHON.
# Usage: bash packages/resnet/scripts/make-bench-venv.sh
set -euo pipefail
venv="${FRX_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/frx}/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --retries 0 'torch==2.13.0+cpu' numpy >&2
fi
echo "$venv/bin/python"
