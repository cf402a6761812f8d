#!/usr/bin/env bash
# The sampling server under load: wrk on loopback for DURATION seconds (default 60) at 16
# connections, each asking for one DCGAN image. Passes when no request fails, the p99 latency
# is under 50 ms and the server's resident memory grows by less than 10% over the run, measured
# from the end of the warm-up: 5-second rounds of load until memory settles (grows under 2% in
# a round; at most 6 rounds), because allocator arenas and caches fill over the first ~10 s, and
# later on a slower machine. Prints one JSON line with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-16}
SWIFTGAN=${SWIFTGAN:-.build/release/swiftgan}
if ! command -v wrk >/dev/null; then
  echo "load-test: installing wrk"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
work=$(mktemp -d /tmp/swiftgan-load.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# An untrained DCGAN costs what a trained one does: one step on the tiny built-in data is enough.
"$SWIFTGAN" train --model dcgan --dataset mnist --data-dir "${MNIST_DIR:-../shared/data/mnist}" --steps 1 --batch 8 \
  --out "$work/run" >/dev/null
"$SWIFTGAN" serve --weights dcgan="$work/run/generator.safetensors" --port 0 --eval-samples 0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.log" | head -1)
[ -n "$url" ] || { echo "load-test: the server did not start: $(cat "$work/serve.log")" >&2; exit 1; }
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"n": 1}'
wrk.headers["Content-Type"] = "application/json"
LUA
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
before=$(rss)
for round in 1 2 3 4 5 6; do
  wrk -t2 -c"$CONNECTIONS" -d5s -s "$work/post.lua" "$url/v1/generate" >/dev/null
  settled=$before; before=$(rss)
  [ $(( (before - settled) * 50 )) -lt "$settled" ] && break
  [ "$round" = 6 ] && echo "load-test: memory still grew in the last warm-up round; measuring from here"
done
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$work/post.lua" --latency "$url/v1/generate" >"$work/wrk.txt"
after=$(rss)
cat "$work/wrk.txt"
python3 - "$work/wrk.txt" "$before" "$after" "$DURATION" "$CONNECTIONS" "$url" <<'PY'
import json, re, sys, urllib.request
text, before, after = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3])
def ms(value, unit): return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
p = {q: ms(*re.search(rf"^\s*{q}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()) for q in ("50", "90", "99")}
requests = int(re.search(r"(\d+) requests in", text).group(1))
non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0
socket = sum(map(int, m.groups())) if (m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)) else 0
metrics = urllib.request.urlopen(sys.argv[6] + "/metrics").read().decode()
calls = float(re.search(r'^swiftgan_generator_batch_images_count\{model="dcgan"\} (\S+)', metrics, re.M).group(1))
images = float(re.search(r'^swiftgan_generator_batch_images_sum\{model="dcgan"\} (\S+)', metrics, re.M).group(1))
growth = (after - before) / before
result = {"seconds": int(sys.argv[4]), "connections": int(sys.argv[5]), "requests": requests, "requests_per_s": round(requests / int(sys.argv[4]), 1),
          "p50_ms": p["50"], "p90_ms": p["90"], "p99_ms": p["99"], "errors": non2xx + socket,
          "rss_kib_before": before, "rss_kib_after": after, "rss_growth": round(growth, 4), "mean_batch_images": round(images / calls, 2)}
print(json.dumps(result))
failures = [f"{result['errors']} failed requests"] if result["errors"] else []
failures += [f"p99 {p['99']} ms is not under 50 ms"] if p["99"] >= 50 else []
failures += [f"memory grew {growth:.1%}"] if growth >= 0.10 else []
if failures: sys.exit("load-test failed: " + "; ".join(failures))
print("load-test passed")
PY
