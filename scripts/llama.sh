#!/usr/bin/env bash
# Portable llama-cpp-python for the LLM tests.   usage: scripts/llama.sh VENV
#
# llama.cpp compiles with GGML_NATIVE=ON by default: the wheel then uses every instruction of the
# build machine's CPU (AVX-512, AMX …) and can crash at the first decode on another machine — or on
# the same one. We build with GGML_NATIVE=OFF (an AVX2/FMA/F16C baseline on x86-64) into a wheel
# folder of our own whose name is a hash of the version and the flags: pip's wheel cache does not key
# on CMAKE_ARGS, so a native wheel built once would otherwise be reused for ever.
# The venv records which build it holds (.llama-build); an installed llama_cpp of another build, or
# one whose system info reports CPU features only a native build has, is replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-.venv}"
SPEC="llama-cpp-python==0.3.36"
FLAGS="${PQA_LLAMA_CMAKE_ARGS:--DGGML_NATIVE=OFF}"
CACHE="${PQA_CACHE_DIR:-$HOME/.cache/plan-qa}"
tag=$(printf '%s %s' "$SPEC" "$FLAGS" | sha256sum | cut -c1-16)
wheels="$CACHE/wheels/llama-$tag"
pip="$VENV/bin/python -m pip --disable-pip-version-check -q"

# 1. what is installed: our build, and not native?
native_features() {  # prints the CPU features a portable build never reports, if the library has them
  "$VENV/bin/python" - <<'PY' 2>/dev/null || echo "unloadable"
import re, llama_cpp
info = llama_cpp.llama_print_system_info().decode(errors="replace")
print(" ".join(sorted(set(f for f in re.findall(r"(AVX512\w*|AMX\w*|AVX_VNNI)\s*=\s*1", info)))))
PY
}
if [ -f "$VENV/.llama-build" ] && [ "$(cat "$VENV/.llama-build")" = "$tag" ] \
   && "$VENV/bin/python" -c 'import llama_cpp' 2>/dev/null && [ -z "$(native_features)" ]; then
  exit 0
fi
if "$VENV/bin/python" -c 'import llama_cpp' 2>/dev/null; then
  feats=$(native_features)
  echo "llama: the installed llama-cpp-python is not the portable build (${feats:-another build}); replacing it" >&2
fi

# 2. the portable wheel, built once per version and flags
if ! ls "$wheels"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "llama: compiling $SPEC with CMAKE_ARGS=\"$FLAGS\" (portable; 5-10 min on 2 cores, once per machine) …" >&2
  mkdir -p "$wheels"
  tmp=$(mktemp -d "$CACHE/wheels/.build-XXXXXX")
  CMAKE_ARGS="$FLAGS" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}" \
    $pip wheel --no-cache-dir --no-deps --no-binary llama-cpp-python -w "$tmp" "$SPEC"
  mv "$tmp"/llama_cpp_python-*.whl "$wheels"/
  rmdir "$tmp"
fi

# 3. install exactly that wheel (its [server] extras from the lock), then verify it
whl=$(ls "$wheels"/llama_cpp_python-*.whl | head -n 1)
$pip install --force-reinstall --no-deps "$whl"
$pip install "${SPEC/==/[server]==}" --find-links "$wheels" -c requirements.lock
feats=$(native_features)
if [ -n "$feats" ]; then
  echo "llama: the wheel in $wheels reports native CPU features ($feats); remove that folder and rerun" >&2
  exit 1
fi
echo "$tag" > "$VENV/.llama-build"
