#!/usr/bin/env bash
# Set up (or quickly verify) the project's virtualenv.   usage: scripts/setup.sh [app|test]
#  - installs torch==2.13.0 FIRST (the CPU wheel; an unpinned torch pulls a multi-GB CUDA build),
#    then the pinned requirements; `test` adds the test tools and the browser for UI tests.
#  - a second run is a no-op when nothing changed (a stamp holds the hash of the requirement files).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-app}"
VENV="${VENV:-.venv}"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3.11 python3; do command -v "$c" >/dev/null && { PY="$c"; break; }; done
fi
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "setup: Python 3.11 is required (found $("$PY" --version 2>&1))" >&2; exit 2; }

files="requirements.txt requirements.lock"
[ "$what" = test ] && files="$files requirements-test.txt"
stamp="$VENV/.setup-$what"
sum=$(cat $files | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  [ "$what" = test ] && bash scripts/llama.sh "$VENV"  # quick when the portable build is in place
  exit 0
fi
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
pip="$VENV/bin/python -m pip --disable-pip-version-check -q"
echo "setup: installing torch==2.13.0 (CPU) and the pinned requirements into $VENV …" >&2
$pip install torch==2.13.0
$pip install -r requirements.txt -c requirements.lock
if [ "$what" = test ]; then
  $pip install -r requirements-test.txt -c requirements.lock
  # llama-cpp-python for the LLM tests: a portable build (GGML_NATIVE=OFF), compiled once per machine
  bash scripts/llama.sh "$VENV"
fi
echo "$sum" > "$stamp"
