#!/usr/bin/env bash
# Installs the Debian -dev packages the build links against (mdbtools-dev: libmdb for
# Access input), when missing, and the test-only reference tools: mdbtools (mdb-export, a
# reference for the Access tests; run, never linked, but built on the same libmdb as pyforge,
# so those tests also check values known by construction and the pure-Python access-parser),
# poppler-utils (pdftotext, pdfinfo: the PDF tests' independent reader; never linked), qpdf
# (writes PDF 1.5 object streams and encrypted PDFs for the tests), fonts-dejavu-core (the
# TrueType font the tests embed), debootstrap (the minimal root file system the wheel is
# tested on), binutils (strip, readelf and objdump for the wheel), zstd (the command the
# compressed-input tests write .zst files with), time (GNU /usr/bin/time: the peak RSS of
# one pyforge run in the resource-bound tests), fuse3 with libfuse3-dev (fusermount3 and the
# libfuse3 that mfusepy loads: the workspace simulator's Volumes mount, Tests/Workspace) and
# iproute2 (`ip`: the simulated driver's loopback-only network).
set -euo pipefail
packages=(libsnappy-dev libzstd-dev zlib1g-dev libxml2-dev libbz2-dev mdbtools-dev mdbtools pkg-config poppler-utils qpdf fonts-dejavu-core debootstrap binutils zstd time fuse3 libfuse3-dev iproute2)
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
