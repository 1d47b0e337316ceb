#!/usr/bin/env bash
# Makes Keras files with h5py shaped as Keras writes them
# (make_keras_fixtures.py) and runs test_formats over them; with DIGITPAD and
# MNIST, also checks that the bundled model's weights in Keras's two layouts
# score in digitpad what numpy computes from them as Keras would.
# Skips (77) without Debian's python3-h5py.
# usage: keras_fixtures.sh TEST_FORMATS [DIGITPAD]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
"$py" -c 'import h5py, numpy' 2>/dev/null || { echo "skip: no python3-h5py"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mnist=${DIGITPAD_DATA:-$here/../../data/mnist}
if [ $# -ge 2 ] && [ -f "$mnist/t10k-images-idx3-ubyte" ] && [ -f "$mnist/t10k-labels-idx1-ubyte" ]; then
  want=$("$py" "$here/make_keras_fixtures.py" "$dir" "$here/../../models/mnist-784-128-10.json" "$mnist")
  for f in mnist.keras mnist.h5; do
    got=$("$2" eval --model "$dir/$f" --data "$mnist" --json | "$py" -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["accuracy"])')
    echo "$f: numpy (as Keras computes) $want, digitpad $got"
    [ "$got" = "$want" ] || { echo "FAIL: $f scores differently"; exit 1; }
  done
else
  "$py" "$here/make_keras_fixtures.py" "$dir"
fi
"$1" "$dir"
