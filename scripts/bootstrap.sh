#!/usr/bin/env bash
# Installs what SwiftGAN needs on Debian or Ubuntu, skipping what is already there.
set -euo pipefail
# Open MPI is for `mpirun -np K swiftgan train` (data-parallel training): SwiftGAN loads libmpi
# only in a process that mpirun started, so nothing else needs it.
packages=(libdnnl-dev liblapacke-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev dataset-fashion-mnist openmpi-bin libopenmpi-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "bootstrap: swift is not on PATH (install Swift 6 from swift.org)" >&2; exit 1; }
