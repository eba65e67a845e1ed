#!/usr/bin/env bash
# Creates (or reuses) the Python virtual environment holding the independent readers
# the tests check outputs with. Idempotent: a second run with unchanged requirements
# does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PYFORGE_VENV:-.venv}
requirements=Tests/requirements.txt
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
echo "$want" > "$stamp"
