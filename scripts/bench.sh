#!/usr/bin/env bash
# ms per training step (and, for generators, sampling time) of the reference models and, where
# the reference venv exists, the PyTorch peer on the same machine in the same run, as ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
peer_python="${PEER_PYTHON:-$HOME/.venvs/ref/bin/python}"
peers="../shared/bench/peers"
have_peer=0
[ -x "$peer_python" ] && [ -f "$peers/torch_gan_step.py" ] && have_peer=1
ratio() {  # ours-json theirs-json key label
  python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); k=sys.argv[3]
print("%s: swiftgan %.3f ms, pytorch %.3f ms: %.2fx faster" % (sys.argv[4], a[k], b[k], b[k]/a[k]))' "$1" "$2" "$3" "$4"
}
for model in ${MODELS:-mlp dcgan}; do
  ours=$(.build/release/swiftgan bench --model "$model" --json)
  echo "swiftgan $ours"
  if [ $have_peer = 1 ]; then
    theirs=$("$peer_python" "$peers/torch_gan_step.py" "$model" --threads 2)
    echo "pytorch  $theirs"
    ratio "$ours" "$theirs" ms_per_step "$model training step"
  fi
  if [ "$model" != wgangp ]; then
    mapfile -t ours_s < <(.build/release/swiftgan bench --model "$model" --sample --json)
    printf 'swiftgan %s\n' "${ours_s[@]}"
    if [ $have_peer = 1 ]; then
      mapfile -t theirs_s < <("$peer_python" "$peers/torch_sample.py" "$model" --threads 2)
      printf 'pytorch  %s\n' "${theirs_s[@]}"
      for i in 0 1; do ratio "${ours_s[$i]}" "${theirs_s[$i]}" ms_per_batch "$model sampling, batch $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["batch"])' "${ours_s[$i]}")"; done
    fi
  fi
done
# The zoo's families (torch_zoo.py) against torch_zoo_step.py, the same step at the peer's batch
# (64; pix2pix 16, cyclegan 8: bench's default for each), on 1
# and 2 threads (OMP_NUM_THREADS sizes both oneDNN's pool and ours).
for model in ${ZOO_MODELS:-cgan biggan pix2pix cyclegan}; do
  for threads in ${ZOO_THREADS:-2 1}; do
    ours=$(OMP_NUM_THREADS=$threads .build/release/swiftgan bench --model "$model" --json)
    echo "swiftgan $ours"
    if [ $have_peer = 1 ] && [ -f "$peers/torch_zoo_step.py" ]; then
      theirs=$("$peer_python" "$peers/torch_zoo_step.py" "$model" --threads "$threads")
      echo "pytorch  $theirs"
      ratio "$ours" "$theirs" ms_per_step "$model training step, $threads thread(s)"
    fi
  done
done
[ $have_peer = 1 ] || echo "(no PyTorch peer: create $peer_python to compare, see README)"
