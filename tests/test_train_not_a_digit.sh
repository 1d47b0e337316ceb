#!/bin/sh
# test_train_not_a_digit.sh DIGITPAD MODEL: `digitpad train --not-a-digit`
# adds the not-a-digit section to an existing model (--epochs 0) without
# touching the rest of its bytes, the result reloads and saves to the same
# bytes, the fit gives the same bits with another BLAS kernel, and without
# MNIST it fails with one line. Skips the fit without MNIST.
set -u
digitpad=${1:?usage: test_train_not_a_digit.sh path/to/digitpad model.json}
model=${2:?usage: test_train_not_a_digit.sh path/to/digitpad model.json}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Without MNIST: one line naming what is missing, and no file.
"$digitpad" train --model "$model" --epochs 0 --not-a-digit --data "$tmp/none" --out "$tmp/x.json" \
    > "$tmp/out" 2> "$tmp/err"
status=$?
if [ "$status" -ne 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && [ ! -e "$tmp/x.json" ]; then ok
else fail "no MNIST: status $status, stderr: $(cat "$tmp/err")"; fi

if [ ! -e "${DIGITPAD_DATA:-/nonexistent}/train-images-idx3-ubyte" ] &&
   [ ! -e "${DIGITPAD_DATA:-/nonexistent}/train-images-idx3-ubyte.gz" ]; then
    echo "MNIST not found: skipped the fit"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && exit 77 || exit 1
fi

# Too few training images: refused in one line before any training.
"$digitpad" train --limit 5 --epochs 1 --not-a-digit --out "$tmp/few.json" > "$tmp/out" 2> "$tmp/err"
status=$?
if [ "$status" -ne 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -qF 'at least 12' "$tmp/err" &&
   ! grep -q 'Trained' "$tmp/out" && [ ! -e "$tmp/few.json" ]; then ok
else fail "--limit 5: status $status, stderr: $(cat "$tmp/err"), stdout: $(cat "$tmp/out")"; fi

if "$digitpad" train --model "$model" --epochs 0 --not-a-digit -q --out "$tmp/m.json" > "$tmp/out" 2>&1; then ok
else fail "fit: $(cat "$tmp/out")"; fi
if grep -qF '"not_a_digit": {' "$tmp/m.json" &&
   grep -qF '"method": "gradient-subspace", "cell": 7, "bins": 12, "components": 24,' "$tmp/m.json"; then ok
else fail "no not_a_digit section in the saved model"; fi
# The old file but its closing "\n}\n" is where the new one starts.
keep=$(($(wc -c < "$model") - 3))
if [ "$(head -c "$keep" "$model" | cksum)" = "$(head -c "$keep" "$tmp/m.json" | cksum)" ]; then ok
else fail "the rest of the model changed"; fi
# 10 rows of means and 240 of directions, 192 numbers each.
rows=$(sed -n '/"means": \[/,/^  }/p' "$tmp/m.json" | grep -c '^      \[')
if [ "$rows" -eq 250 ]; then ok; else fail "$rows rows in the section, expected 250"; fi
numbers=$(sed -n '/"means": \[/,/^  }/p' "$tmp/m.json" | grep '^      \[' | sed 's/,$//' | awk -F, '{ n += NF } END { print n }')
if [ "$numbers" -eq 48000 ]; then ok; else fail "$numbers numbers in the section, expected 48000"; fi
# Small: the section is under 500 kB (README, "Not a digit").
extra=$(($(wc -c < "$tmp/m.json") - $(wc -c < "$model")))
if [ "$extra" -lt 500000 ]; then ok; else fail "the section takes $extra bytes"; fi
if "$digitpad" train --model "$tmp/m.json" --epochs 0 -q --out "$tmp/m2.json" > "$tmp/out" 2>&1 &&
   cmp -s "$tmp/m.json" "$tmp/m2.json"; then ok
else fail "reload and save changed the bytes: $(cat "$tmp/out")"; fi

# The same bits whichever kernels OpenBLAS picks: the fit makes its products
# with digitpad's own (dense_kernels.h).
if OPENBLAS_CORETYPE=Prescott "$digitpad" train --model "$model" --epochs 0 --not-a-digit -q \
       --out "$tmp/p.json" > "$tmp/out" 2>&1 && cmp -s "$tmp/m.json" "$tmp/p.json"; then ok
else fail "another BLAS kernel fitted other bits: $(cat "$tmp/out")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
