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
# The Swift-side cost of one tensor operation (graph recording, allocation, reference counting).
echo "swiftgan $(.build/release/swiftgan bench --per-op --threads 1 --json)"
# The core models at 2 and 1 threads, each beside the PyTorch peer at the same thread count, then
# the serial time the two imply (Amdahl: T1 = S + P, T2 = S + P/2, so S = 2·T2 - T1) and the
# 16-thread step time that serial time would allow.
for model in ${MODELS:-mlp wgangp dcgan}; do
  declare -A ms=()
  for threads in ${CORE_THREADS:-2 1}; do
    ours=$(.build/release/swiftgan bench --model "$model" --threads "$threads" --json)
    echo "swiftgan $ours"
    ms[$threads]=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ms_per_step"])' "$ours")
    if [ $have_peer = 1 ]; then
      theirs=$("$peer_python" "$peers/torch_gan_step.py" "$model" --threads "$threads")
      echo "pytorch  $theirs"
      ratio "$ours" "$theirs" ms_per_step "$model training step, $threads thread(s)"
    fi
  done
  if [ -n "${ms[1]:-}" ] && [ -n "${ms[2]:-}" ]; then
    python3 -c 'import sys; t1, t2 = float(sys.argv[2]), float(sys.argv[3]); s = max(0.0, 2 * t2 - t1)
print("%s: serial time %.2f ms of the 2-thread step (%.0f%%); Amdahl at 16 threads: %.2f ms" % (sys.argv[1], s, 100 * s / t2, s + (t1 - s) / 16))' "$model" "${ms[1]}" "${ms[2]}"
  fi
  unset ms
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
# (64; pix2pix 16, cyclegan 8, stylegan 32: bench's default for each), on 1
# and 2 threads (OMP_NUM_THREADS sizes both oneDNN's pool and ours).
for model in ${ZOO_MODELS:-cgan biggan pix2pix cyclegan stylegan}; do
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
