#!/usr/bin/env bash
# The mode-collapse alarm on a healthy and a deliberately collapsing MLP GAN (D's learning rate
# a tenth of G's), on MNIST and Fashion-MNIST: prints each run's alarms and its panel diversity.
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${STEPS:-5000}
for dataset in mnist fashion-mnist; do
  dir=""
  [ "$dataset" = mnist ] && dir="--data-dir ../shared/data/mnist"
  for rates in "--lr-d 2e-4 --lr-g 1e-4" "--lr-d 2e-5 --lr-g 2e-4"; do
    out=$(mktemp -d)
    echo "== $dataset $rates"
    .build/release/swiftgan train --dataset $dataset $dir $rates --steps "$steps" --out "$out" 2>&1 >/dev/null | grep warning || echo "no alarms"
    python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if "diversity" in l]
print("panel diversity:", ", ".join("%d: %.2f" % (r["step"], r["diversity"]) for r in rows if r["step"] % 1000 == 0))' "$out/log.jsonl"
  done
done
