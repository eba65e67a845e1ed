#!/usr/bin/env bash
# Build a Linux x86_64 wheel of pyforge-cli-databricks that bundles the pyforge binary
# and the Databricks extension (pre-registered: pyforge finds extensions in
# BIN/pyforge-extensions beside its own binary).
#
# Usage:
#   build_wheel.sh [PYFORGE_BINARY] [DIST_DIR]
#
#   PYFORGE_DATABRICKS_BINARY (environment) an existing pyforge-databricks binary; when
#                   unset it is built with
#                     swift build -c release --static-swift-stdlib --package-path extensions/databricks
#                   Set it to "none" for a wheel without the extension.
#
#   PYFORGE_BINARY  an existing pyforge binary to bundle. When omitted, the binary is
#                   built from the repository root with
#                     swift build -c release --static-swift-stdlib --product pyforge
#                   (a static Swift standard library: the wheel then needs only glibc).
#   DIST_DIR        where the wheel goes (default: <this directory>/dist).
#
# Environment:
#   PYTHON                  Python used to build (default python3; needs pip; build
#                           dependencies setuptools and wheel are fetched by pip).
#   PYFORGE_WHEEL_PLATFORM  wheel platform tag (default linux_x86_64; e.g.
#                           manylinux_2_28_x86_64 for a static binary checked against glibc 2.28).
#
# The bundled binary lands in pyforge_cli/bin/pyforge, which the API finds when
# PYFORGE_BIN is unset. A binary built without --static-swift-stdlib also works but
# needs the Swift runtime libraries on the target machine.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../../.." && pwd)"
PYTHON="${PYTHON:-python3}"
BINARY="${1:-}"
DIST_DIR="${2:-$HERE/dist}"

if [[ -z "$BINARY" ]]; then
    echo "build_wheel.sh: building pyforge (swift build -c release --static-swift-stdlib --product pyforge)" >&2
    (cd "$REPO_ROOT" && swift build -c release --static-swift-stdlib --product pyforge)
    BINARY="$REPO_ROOT/.build/release/pyforge"
fi
EXTENSION="${PYFORGE_DATABRICKS_BINARY:-}"
if [[ -z "$EXTENSION" ]]; then
    echo "build_wheel.sh: building pyforge-databricks (static Swift standard library)" >&2
    (cd "$REPO_ROOT" && swift build -c release --static-swift-stdlib --package-path extensions/databricks --product pyforge-databricks)
    EXTENSION="$REPO_ROOT/extensions/databricks/.build/release/pyforge-databricks"
fi
if [[ ! -f "$BINARY" || ! -x "$BINARY" ]]; then
    echo "build_wheel.sh: '$BINARY' is not an executable file" >&2
    exit 2
fi
if command -v file >/dev/null 2>&1 && ! file -L "$BINARY" | grep -q "x86-64"; then
    echo "build_wheel.sh: warning: '$BINARY' does not look like an x86-64 binary" >&2
fi

# Work on a copy of the package so the source tree never holds the binary.
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$HERE/pyproject.toml" "$HERE/setup.py" "$HERE/README.md" "$HERE/pyforge_cli" "$STAGE/"
find "$STAGE" -name '__pycache__' -type d -prune -exec rm -rf {} +
mkdir -p "$STAGE/pyforge_cli/bin"
cp "$BINARY" "$STAGE/pyforge_cli/bin/pyforge"
chmod 755 "$STAGE/pyforge_cli/bin/pyforge"
# Symbols are half of a static binary's size (about 35 MB → 17 MB).
if command -v strip >/dev/null 2>&1; then strip "$STAGE/pyforge_cli/bin/pyforge"; fi
if [[ "$EXTENSION" != "none" ]]; then
    registered="$STAGE/pyforge_cli/bin/pyforge-extensions/databricks"
    mkdir -p "$registered"
    cp "$EXTENSION" "$registered/pyforge-databricks"
    cp "$REPO_ROOT/extensions/databricks/pyforge-extension.json" "$registered/"
    chmod 755 "$registered" "$registered/pyforge-databricks"
    if command -v strip >/dev/null 2>&1; then strip "$registered/pyforge-databricks"; fi
    echo "build_wheel.sh: bundled pyforge $(du -h "$STAGE/pyforge_cli/bin/pyforge" | cut -f1), pyforge-databricks $(du -h "$registered/pyforge-databricks" | cut -f1)" >&2
fi

mkdir -p "$DIST_DIR"
"$PYTHON" -m pip wheel --no-deps --wheel-dir "$DIST_DIR" "$STAGE" >&2
WHEEL="$(ls -t "$DIST_DIR"/pyforge_cli_databricks-*.whl | head -n 1)"
case "$WHEEL" in
    *-py3-none-${PYFORGE_WHEEL_PLATFORM:-linux_x86_64}.whl) ;;
    *) echo "build_wheel.sh: unexpected wheel tag: $WHEEL" >&2; exit 1 ;;
esac
echo "$WHEEL"
