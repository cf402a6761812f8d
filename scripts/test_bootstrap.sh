#!/usr/bin/env bash
# What the tests need beyond `make demo`: Debian's chromium (the headless-browser test of the
# sampling server's page), wrk (`make load-test`), and a Python venv with numpy and onnxruntime
# from PyPI in .build/onnx-venv (the ONNX Runtime parity test of `swiftgan export`). A machine
# without them, or without a package source, still runs the tests: the tests that need them
# then say they were skipped and why.
set -uo pipefail
cd "$(dirname "$0")/.."
packages=(chromium wrk python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "test-bootstrap: no apt-get; skipping ${missing[*]}"
  else
    echo "test-bootstrap: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
      echo "test-bootstrap: could not install ${missing[*]}; the tests that need them are skipped"
    fi
  fi
fi
venv=.build/onnx-venv
if ! "$venv/bin/python" -c "import numpy, onnxruntime" 2>/dev/null; then
  echo "test-bootstrap: making $venv (numpy, onnxruntime from PyPI)"
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check numpy onnxruntime; }; then
    rm -rf "$venv"
    echo "test-bootstrap: PyPI unreachable or pip failed; the ONNX Runtime parity test is skipped"
  fi
fi
exit 0
