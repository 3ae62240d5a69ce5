#!/usr/bin/env bash
# Copies a four-arm comparison (`pnpm arms … --out RUN`) into a results folder for the repository: every
# arm's JSON, JSONL and charts, and its sample grids at multiples of 1000 steps up to the step of its summary; not the
# checkpoints, TensorBoard files or the real-feature cache. Then writes the summary table and the joint chart.
#
#   bash examples/gan/scripts/collect-arms.sh /work/runs/gan-arms-w16-b32 examples/gan/results/cifar-arms-w16-b32
set -euo pipefail
run=${1:?usage: collect-arms.sh RUN_DIR RESULTS_DIR}
out=${2:?usage: collect-arms.sh RUN_DIR RESULTS_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cp "$run/comparison.json" "$out/"
for arm in baseline giu-gan rbn-without-giu giu-without-rbn; do
  [ -d "$run/$arm" ] || continue
  rm -rf "${out:?}/$arm"
  mkdir -p "$out/$arm/samples"
  for f in evals.json metrics.jsonl summary.json options.json fid-kid.svg fid-kid.png losses.svg losses.png; do
    [ -f "$run/$arm/$f" ] && cp "$run/$arm/$f" "$out/$arm/"
  done
  # Up to the step of the arm's summary (a round in progress has written later grids already).
  steps=$(sed -n 's/^ *"steps": *\([0-9]*\).*/\1/p' "$run/$arm/summary.json")
  for s in "$run/$arm/samples"/*.png; do
    name=$(basename "$s")
    step=$((10#$(echo "$name" | sed 's/[^0-9]//g')))
    if [ "$step" -le "$steps" ] && { [ $((step % 1000)) -eq 0 ] || [ "$step" -eq "$steps" ]; }; then
      cp "$s" "$out/$arm/samples/"
    fi
  done
done
(cd "$here" && pnpm exec tsx scripts/summarize-arms.ts "$out")
