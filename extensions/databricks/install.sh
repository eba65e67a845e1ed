#!/usr/bin/env bash
# Builds the Databricks extension and installs it where pyforge finds it:
#   extensions/databricks/install.sh [DEST]   (default: ~/.local/share/pyforge/extensions)
# DEST/databricks/ receives the manifest and the binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-${XDG_DATA_HOME:-$HOME/.local/share}/pyforge/extensions}"
swift build -c release --package-path "$here" --product pyforge-databricks >&2
mkdir -p "$dest/databricks"
chmod go-w "$dest/databricks"
install -m 0755 "$here/.build/release/pyforge-databricks" "$dest/databricks/pyforge-databricks"
install -m 0644 "$here/pyforge-extension.json" "$dest/databricks/pyforge-extension.json"
echo "$dest/databricks"
