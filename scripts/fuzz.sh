#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (address sanitizer on) and runs each one from its seed
# corpus, after replaying the committed regression inputs (Fuzz/Regressions/<target>/).
#   scripts/fuzz.sh [--runs N | --seconds S] [TARGET...]   (default: --runs 1000000, every target)
# Prints one line per target with its executions; exits non-zero on the first crash, leak or
# timeout, naming the input libFuzzer saved (add it to Fuzz/Regressions/<target>/ once fixed).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=(-runs=1000000)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) limit=(-runs="$2"); shift 2 ;;
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=($(grep -o '"Fuzz[A-Za-z]*"' Fuzz/Package.swift | tr -d '"' | grep -v -x -e FuzzSupport))
work=.build-fuzz
# SwiftPM plans a path dependency's files once; a newer manifest makes it notice added files.
touch Fuzz/Package.swift
echo "fuzz: building ${#targets[@]} targets with -sanitize=fuzzer,address"
swift build -c debug --package-path Fuzz --build-path "$work" -Xswiftc -sanitize=fuzzer,address \
  -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | tail -3
for target in "${targets[@]}"; do
  binary="$work/debug/$target"
  [ -x "$binary" ] || { echo "fuzz: no target $target" >&2; exit 2; }
  if [ -d "Fuzz/Regressions/$target" ] && [ -n "$(ls -A "Fuzz/Regressions/$target")" ]; then
    "$binary" Fuzz/Regressions/"$target"/* > "$work/$target.regressions.log" 2>&1 \
      || { tail -30 "$work/$target.regressions.log"; echo "fuzz: $target fails a regression input" >&2; exit 1; }
  fi
  mkdir -p "$work/corpus/$target" "$work/artifacts"
  log="$work/$target.log"
  if ! "$binary" "${limit[@]}" -max_len=4096 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$work/artifacts/$target-" "$work/corpus/$target" "Fuzz/Corpus/$target" > "$log" 2>&1; then
    grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -20
    echo "fuzz: $target found a failure (full log: $log)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
  corpus=$(ls "$work/corpus/$target" | wc -l)
  printf 'fuzz: %-16s %9d executions in %4ss, no crash (corpus %d inputs)\n' "$target" "$runs" "$seconds" "$corpus"
done
