#!/usr/bin/env bash
# Makes Keras files with h5py shaped as Keras writes them
# (make_keras_fixtures.py) and runs test_formats over them.
# Skips (77) without Debian's python3-h5py.
# usage: keras_fixtures.sh TEST_FORMATS
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
"$py" -c 'import h5py, numpy' 2>/dev/null || { echo "skip: no python3-h5py"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$py" "$here/make_keras_fixtures.py" "$dir"
"$1" "$dir"
