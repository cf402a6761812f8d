#!/usr/bin/env bash
# What the tests need beyond `make demo`: Debian's chromium (the headless-browser test of the
# sampling server's page) and wrk (`make load-test`). A machine without them, or without a
# package source, still runs the tests: the browser test then says it was skipped and why.
set -uo pipefail
packages=(chromium wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { echo "test-bootstrap: no apt-get; skipping ${missing[*]}"; exit 0; }
echo "test-bootstrap: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "test-bootstrap: could not install ${missing[*]}; the tests that need them are skipped"
fi
exit 0
