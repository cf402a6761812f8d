#!/usr/bin/env bash
# ms per training step for the reference models, and, where the reference venv exists, the
# PyTorch peer on the same machine in the same run, as a ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
peer_python="${PEER_PYTHON:-$HOME/.venvs/ref/bin/python}"
peers="../shared/bench/peers"
for model in ${MODELS:-mlp}; do
  ours=$(.build/release/swiftgan bench --model "$model" --json)
  echo "swiftgan $ours"
  if [ -x "$peer_python" ] && [ -f "$peers/torch_gan_step.py" ]; then
    theirs=$("$peer_python" "$peers/torch_gan_step.py" "$model" --threads 2)
    echo "pytorch  $theirs"
    python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); print("%s: swiftgan %.3f ms, pytorch %.3f ms per step: %.2fx faster" % (a["model"], a["ms_per_step"], b["ms_per_step"], b["ms_per_step"]/a["ms_per_step"]))' "$ours" "$theirs"
  else
    echo "(no PyTorch peer: create $peer_python to compare)"
  fi
done
