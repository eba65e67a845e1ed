#!/usr/bin/env bash
# Builds the extension as the wheel ships it (release, static Swift runtime), strips it and
# fails when the full Foundation or ICU got linked back in (one `import Foundation`, or a
# dependency that imports it, brings ~42 MB of ICU along) or when it outgrows the budget:
#   extensions/databricks/scripts/check-binary-size.sh [MAX_MB]   (default 40, stripped)
# Prints the stripped size and its zip (deflate) size, which is what the wheel adds.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
max_mb="${1:-40}"
swift build -c release --static-swift-stdlib --package-path "$here" --product pyforge-databricks >&2
binary="$here/.build/release/pyforge-databricks"
stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$binary"

# Symbols of the unstripped binary: ICU, FoundationInternationalization, swift-corelibs-foundation.
foundation=$(nm "$binary" | grep -c -E '_FoundationICU|icu_[0-9]|FoundationInternationalization|\$s10Foundation' || true)
bytes=$(stat -c %s "$stripped")
zipped=$(python3 -c 'import sys, zlib; print(len(zlib.compress(open(sys.argv[1], "rb").read(), 6)))' "$stripped")
echo "pyforge-databricks: $((bytes / 1000000)) MB stripped, $((zipped / 1000000)) MB zipped; $foundation Foundation/ICU symbols"
if [ "$foundation" -ne 0 ]; then
  echo "The full Foundation (and ICU) is linked: import FoundationEssentials instead, guarded by #if canImport(FoundationEssentials), and check new dependencies with nm." >&2
  exit 1
fi
if [ "$bytes" -gt $((max_mb * 1000000)) ]; then
  echo "The stripped binary is over the budget of $max_mb MB; find what grew with a link map (-Xlinker -Map=FILE)." >&2
  exit 1
fi
