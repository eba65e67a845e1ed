#!/usr/bin/env bash
# Installs the Debian -dev packages the build links against, when missing.
set -euo pipefail
# mdbtools-dev: libmdb for Access input; mdbtools: mdb-export, the tests' independent reader.
packages=(libsnappy-dev libzstd-dev zlib1g-dev libxml2-dev libbz2-dev mdbtools-dev mdbtools pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
