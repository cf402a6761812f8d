#!/usr/bin/env bash
# How fast the DCGAN step could get against PyTorch with the convolution kernels both use.
# Runs `swiftgan bench --model dcgan` and the PyTorch peer with ONEDNN_VERBOSE=1 at each thread
# count, sums the time oneDNN reports for its primitives per step (convolutions, and the
# reorders between plain and blocked layouts), and prints the ratio a SwiftGAN step made of
# those kernels alone would reach: PyTorch's step over our oneDNN time (with and without our
# reorders). GEMMs run through dnnl_sgemm are not primitives: our full-kernel layers (G's first,
# D's last) and the image layers' input gradients count as outside oneDNN, though they are
# convolution work, so the printed ceilings are above what a step could really reach.
#   bash scripts/onednn_bound.sh [THREADS...]     (default: 1 2)
set -euo pipefail
cd "$(dirname "$0")/.."
peer_python="${PEER_PYTHON:-$HOME/.venvs/ref/bin/python}"
peer="../shared/bench/peers/torch_gan_step.py"
[ -x "$peer_python" ] && [ -f "$peer" ] || { echo "error: needs the PyTorch peer ($peer_python, $peer)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Steps are counted by the one layer each side runs twice per step: G's 256→128 transposed
# convolution (our backward-data primitive of the 128→256 convolution; PyTorch's deconvolution).
summary() {  # log step-pattern-1 step-pattern-2
  awk -F, -v a="$2" -v b="$3" '/,exec,/ { t += $NF; if ($0 ~ /reorder/) r += $NF; if ($0 ~ a && $0 ~ b) k++ }
    END { if (k < 2) { print "error: no step found in the oneDNN log (has its format changed?)" > "/dev/stderr"; exit 1 }
          printf "%.2f %.2f %d\n", t / (k / 2), r / (k / 2), k / 2 }' "$1"
}
[ $# -gt 0 ] || set -- 1 2
for threads in "$@"; do
  ONEDNN_VERBOSE=1 .build/release/swiftgan bench --model dcgan --threads "$threads" --windows 3 --seconds 2 > "$tmp/ours" 2>&1
  ONEDNN_VERBOSE=1 "$peer_python" "$peer" dcgan --threads "$threads" --windows 3 > "$tmp/theirs" 2>&1
  ours_ms=$(grep -o '[0-9.]* ms per training step' "$tmp/ours" | cut -d' ' -f1)
  theirs_ms=$(grep -o '"ms_per_step": [0-9.]*' "$tmp/theirs" | cut -d' ' -f2)
  read -r ours_dnnl ours_reorder _ < <(summary "$tmp/ours" backward_data ic128oc256)
  read -r theirs_dnnl theirs_reorder _ < <(summary "$tmp/theirs" deconvolution,.*forward_training ic256oc128)
  python3 - "$threads" "$ours_ms" "$theirs_ms" "$ours_dnnl" "$ours_reorder" "$theirs_dnnl" "$theirs_reorder" <<'EOF'
import sys
t, ours, theirs, od, orr, td, tr = sys.argv[1], *map(float, sys.argv[2:])
print(f"dcgan, {t} thread(s), ms per step (ONEDNN_VERBOSE on: both a little slower than make bench)")
print(f"  swiftgan {ours:.1f}: oneDNN primitives {od:.1f} ({100 * od / ours:.0f}%), of which reorders {orr:.1f}")
print(f"  pytorch  {theirs:.1f}: oneDNN primitives {td:.1f} ({100 * td / theirs:.0f}%), of which reorders {tr:.1f}")
print(f"  ratio now {theirs / ours:.2f}x; a step of our oneDNN time alone {theirs / od:.2f}x; "
      f"of our convolutions alone, no reorders {theirs / (od - orr):.2f}x")
EOF
done
