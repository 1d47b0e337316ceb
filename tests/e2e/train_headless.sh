#!/bin/sh
# The window training in the background, headless (SDL's dummy driver), on a
# slice of MNIST for one epoch: epoch and done events must come and the
# window must close cleanly by itself. Skipped (77) without MNIST.
# usage: train_headless.sh DIGITPAD
set -u
digitpad=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} timeout 120 "$digitpad" --print-events --train \
    --layers 32 --epochs 1 --limit 6000 --quit-after-training --quit-after-ms 100000 \
    >"$out/events" 2>"$out/stderr"
rc=$?
fail() { echo "FAIL: $*"; echo "--- events"; cat "$out/events"; echo "--- stderr"; cat "$out/stderr"; exit 1; }
if grep -q 'no MNIST found' "$out/events"; then
    echo "skipped: no MNIST (run scripts/fetch-mnist)"
    exit 77
fi
[ $rc -eq 0 ] || fail "digitpad exited with $rc"
grep -q '"event":"ready"' "$out/events" || fail "no ready event"
grep -q '"event":"epoch","epoch":1,"epochs":1,"loss":[0-9.e-]*,"accuracy":[0-9.e-]*,"val_loss":[0-9.e-]*,"val_accuracy":0\.[0-9]*' \
    "$out/events" || fail "no epoch event"
# 6,000 images of one epoch: the test accuracy must be well above chance.
acc=$(sed -n 's/.*"event":"epoch".*"val_accuracy":\(0\.[0-9]*\).*/\1/p' "$out/events" | tail -n 1)
awk -v a="$acc" 'BEGIN { exit !(a > 0.8) }' || fail "test accuracy $acc after one epoch on 6,000 images"
grep -q '"event":"done"' "$out/events" || fail "no done event"
grep -q '"event":"error"' "$out/events" && fail "an error event"
echo "ok (test accuracy $acc)"
