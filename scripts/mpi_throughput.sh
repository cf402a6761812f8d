#!/bin/bash
# Throughput of data-parallel training: 1 process (2 threads) against 2 ranks (1 thread each), same global batch.
set -e
cd "$(dirname "$0")/.."
B=.build/release/swiftgan
D=$(mktemp -d); trap "rm -rf $D" EXIT
# As root, and in containers without cross-memory attach:
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
for spec in "mlp 64 600" "dcgan 64 60"; do
  set -- $spec
  common="train --model $1 --dataset mnist --batch $2 --steps $3 --sample-every $3 --checkpoint-every $3 --log-every 50"
  for round in 1 2; do
    one=$($B $common --out $D/$1-one-$round | grep -o "in [0-9.]* s")
    two=$(mpirun --bind-to none -np 2 $B $common --out $D/$1-two-$round | grep -o "in [0-9.]* s")
    echo "$1 batch $2, $3 steps, round $round: 1 process (2 threads) $one; 2 ranks (1 thread each) $two"
  done
done
