#!/bin/sh
# test_train_augment.sh DIGITPAD: `digitpad train --augment`, `--recipe` and
# `--also` end to end (issue 13). Distorted training learns and is
# reproducible, producer thread and all; bad flags and folders give one line.
# Skipped (77) without MNIST.
set -u
digitpad=${1:?usage: test_train_augment.sh path/to/digitpad}
data=${DIGITPAD_DATA:-data/mnist}
if [ ! -e "$data/train-images-idx3-ubyte" ] && [ ! -e "$data/train-images-idx3-ubyte.gz" ] &&
   [ ! -e "$data/train-images.idx3-ubyte" ] && [ ! -e "$data/train-images.idx3-ubyte.gz" ]; then
    echo "skipped: no MNIST in $data (run scripts/fetch-mnist)"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Distorted training on 3,000 digits, twice: the same bytes, and it learned.
for run in a b; do
    "$digitpad" train --data "$data" --augment both --limit 3000 --epochs 2 --layers 64 -q \
        --out "$tmp/$run.json" > "$tmp/$run.out" 2>&1 || fail "train --augment both: $(cat "$tmp/$run.out")"
done
if cmp -s "$tmp/a.json" "$tmp/b.json"; then ok; else fail "two distorted runs with seed 1 differ"; fi
acc=$(sed -n 's/.*test accuracy: \([0-9.]*\).*/\1/p' "$tmp/a.out")
if awk -v a="${acc:-0}" 'BEGIN { exit !(a > 0.8) }'; then ok; else fail "distorted training reached $acc"; fi
# Another kind of distortion trains another model.
"$digitpad" train --data "$data" --augment affine --limit 3000 --epochs 2 --layers 64 -q \
    --out "$tmp/c.json" > /dev/null 2>&1 || fail "train --augment affine"
if cmp -s "$tmp/a.json" "$tmp/c.json"; then fail "affine and both made the same model"; else ok; fi

# A recipe sets the configuration; flags change it.
"$digitpad" train --data "$data" --recipe simard --epochs 1 --limit 500 --out "$tmp/s.json" \
    > "$tmp/s.out" 2>&1 || fail "train --recipe simard: $(cat "$tmp/s.out")"
grep -q "dense (Dense)  *(None, 800)" "$tmp/s.out" && ok || fail "simard is not 784-800-10: $(cat "$tmp/s.out")"
grep -q "Distortions: elastic (sigma 4, alpha 34" "$tmp/s.out" && ok || fail "simard without elastic distortions"
grep -q "Wall time" "$tmp/s.out" && ok || fail "no wall time printed"

# --average-last N saves the mean of the last N epochs' weights: it scores
# what the run printed for it, differs from the last epoch's weights, and
# N = 1 is the last epoch's weights to the byte.
"$digitpad" train --data "$data" --limit 3000 --epochs 3 --layers 32 --out "$tmp/avg0.json" \
    > /dev/null 2>&1 || fail "train without --average-last"
"$digitpad" train --data "$data" --limit 3000 --epochs 3 --layers 32 --average-last 1 \
    --out "$tmp/avg1.json" > /dev/null 2>&1 || fail "train --average-last 1"
"$digitpad" train --data "$data" --limit 3000 --epochs 3 --layers 32 --average-last 2 \
    --out "$tmp/avg2.json" > "$tmp/avg2.out" 2>&1 || fail "train --average-last 2: $(cat "$tmp/avg2.out")"
cmp -s "$tmp/avg0.json" "$tmp/avg1.json" && ok || fail "--average-last 1 changed the model"
cmp -s "$tmp/avg0.json" "$tmp/avg2.json" && fail "--average-last 2 saved the last epoch's weights" || ok
grep -q "^The mean of the weights after epochs 2 to 3 - val_loss: [0-9.]* - val_accuracy: " "$tmp/avg2.out" &&
    ok || fail "--average-last 2 printed: $(cat "$tmp/avg2.out")"
printed=$(sed -n 's/.*test accuracy: \([0-9.]*\).*/\1/p' "$tmp/avg2.out")
got=$("$digitpad" eval --data "$data" --model "$tmp/avg2.json" | sed -n "s/^Accuracy: *\\([0-9.]*\\).*/\\1/p")
[ -n "$printed" ] && [ "$printed" = "$got" ] && ok || fail "the averaged model scores $got, the run printed $printed"

# --clean-last N trains the last N epochs on the stored images: all of them
# is plain training to the byte; one of two is neither.
"$digitpad" train --data "$data" --limit 3000 --epochs 2 --layers 32 --out "$tmp/plain.json" \
    > /dev/null 2>&1 || fail "plain training"
"$digitpad" train --data "$data" --limit 3000 --epochs 2 --layers 32 --augment both \
    --clean-last 2 --out "$tmp/clean2.json" > /dev/null 2>&1 || fail "train --clean-last 2"
"$digitpad" train --data "$data" --limit 3000 --epochs 2 --layers 32 --augment both \
    --clean-last 1 --out "$tmp/clean1.json" > "$tmp/clean1.out" 2>&1 || fail "train --clean-last 1"
"$digitpad" train --data "$data" --limit 3000 --epochs 2 --layers 32 --augment both \
    --out "$tmp/dist.json" > /dev/null 2>&1 || fail "train --augment both"
cmp -s "$tmp/plain.json" "$tmp/clean2.json" && ok || fail "--clean-last 2 of 2 is not plain training"
cmp -s "$tmp/clean1.json" "$tmp/plain.json" || cmp -s "$tmp/clean1.json" "$tmp/dist.json" &&
    fail "--clean-last 1 of 2 made the plain or the distorted model" || ok
grep -q "^From epoch 2 on: the stored images, undistorted" "$tmp/clean1.out" && ok ||
    fail "--clean-last 1 printed: $(cat "$tmp/clean1.out")"

# --also: MNIST plus another IDX folder (here MNIST's own training set again).
"$digitpad" train --data "$data" --also "$data" --limit 1000 --epochs 1 --layers 16 \
    --out "$tmp/also.json" > "$tmp/also.out" 2>&1 || fail "train --also: $(cat "$tmp/also.out")"
grep -q "Added 60000 training samples from" "$tmp/also.out" && ok || fail "--also: $(cat "$tmp/also.out")"
grep -q "Training on 61000 samples" "$tmp/also.out" && ok || fail "--also did not add: $(cat "$tmp/also.out")"

# Bad input: one line naming the flag or the file, a non-zero status.
"$digitpad" train --augment wobbly > "$tmp/e1" 2>&1
st=$?
[ "$st" -eq 2 ] && [ "$(wc -l < "$tmp/e1")" -eq 1 ] && grep -q "^digitpad: --augment: 'wobbly'" "$tmp/e1" &&
    ok || fail "--augment wobbly: status $st: $(cat "$tmp/e1")"
"$digitpad" train --recipe nope > "$tmp/e2" 2>&1
st=$?
[ "$st" -eq 2 ] && grep -q "^digitpad: --recipe: unknown recipe 'nope'" "$tmp/e2" &&
    ok || fail "--recipe nope: status $st: $(cat "$tmp/e2")"
"$digitpad" train --data "$data" --also "$tmp/nowhere" --epochs 1 --out "$tmp/x.json" > "$tmp/e3" 2>&1
st=$?
[ "$st" -eq 1 ] && [ "$(wc -l < "$tmp/e3")" -eq 1 ] && grep -q "$tmp/nowhere/train-images" "$tmp/e3" &&
    ok || fail "--also nowhere: status $st: $(cat "$tmp/e3")"
[ ! -e "$tmp/x.json" ] && ok || fail "a failed run wrote its model"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
