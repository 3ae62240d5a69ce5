#!/usr/bin/env bash
# The KDCTime claims at the papers' budgets (issue 17): teacher InceptionTime 1500 epochs, four students
# (LSTime, KDTime, KDCT, KDCR) 512 epochs, ROCKET and MiniRocket, one seeded run per dataset, native backend.
# Resumable at dataset granularity: a dataset whose results.json exists is skipped, so the same command
# extends a cut run. Datasets run smallest first (training cost ~ train size x length).
#
#   bash examples/time-series/scripts/run-claims.sh            # from the repository root
#   EPOCHS=1500 STUDENT_EPOCHS=512 DATASETS="Chinatown ECGFiveDays" OUT=… bash …/run-claims.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="${DATA_DIR:-$here/../../../shared/data/ucr2018}"
out="${OUT:-$here/results/ucr-claims}"
epochs="${EPOCHS:-1500}"
student_epochs="${STUDENT_EPOCHS:-512}"
datasets="${DATASETS:-Chinatown ECGFiveDays CBF ItalyPowerDemand Coffee GunPoint SmoothSubspace ECG200 ArrowHead}"
if [ ! -d "$data" ]; then
  echo "skipped: no UCR 2018 data at $data" >&2
  exit 0
fi
mkdir -p "$out"
cd "$here"
for name in $datasets; do
  if [ -f "$out/$name/results.json" ]; then
    echo "$name: done already ($out/$name/results.json)" >&2
    continue
  fi
  echo "$name: teacher $epochs epochs, students $student_epochs epochs ($(date -u +%H:%M:%S) UTC)" >&2
  pnpm --silent start -- --dataset "$name" --data-dir "$data" --epochs "$epochs" \
    --student-epochs "$student_epochs" --backend tensorflow --progress silent --seed 1 --out "$out"
done
