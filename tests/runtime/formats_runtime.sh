#!/usr/bin/env bash
# Real TF.js and ONNX Runtime against digitpad (formats_runtime.mjs).
# Skips (77) without node, the npm packages (tests/runtime/npm-install puts
# them in build/npm-formats) or MNIST.
# usage: formats_runtime.sh DIGITPAD NPM_DIR
set -euo pipefail
# Absolute paths: node resolves the packages from a file URL, and the
# script's callers (meson test, .ci/run) give either kind.
digitpad=$(realpath -m "$1")
export DIGITPAD_NPM_DIR=$(realpath -m "$2")
src=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "skip: no node"; exit 77; }
[ -d "$DIGITPAD_NPM_DIR/node_modules/onnxruntime-web" ] ||
  { echo "skip: run tests/runtime/npm-install first"; exit 77; }
data=${DIGITPAD_DATA:-$src/../../data/mnist}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$src/formats_runtime.mjs" "$digitpad" "$src/../../models/mnist-784-128-10.json" "$data" "$work" 2>&1 |
  grep -v -e '^=*$' -e 'looks like you are running TensorFlow.js in Node' -e '^$'
exit "${PIPESTATUS[0]}"
