#!/bin/sh
# Closing the window at any moment of training: before the data is in,
# mid-epoch, at an epoch's end (while the test set is evaluated). Each time
# the trainer thread must stop and join within one batch (the bound, 1 s,
# catches a trainer that does not stop, not a slow one on a loaded machine)
# and the program exit cleanly (under ASan, with no leak). Skipped (77) without MNIST.
# usage: close_while_training.sh DIGITPAD
set -u
digitpad=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; echo "--- events"; cat "$out/events"; echo "--- stderr"; cat "$out/stderr"; exit 1; }
worst=0
stopped=0
# The early closes may come before MNIST is read (how long that takes
# depends on the machine's load, so no time is asserted for it); the list
# goes on, waiting longer, until closes mid-training have been seen.
for ms in 40 120 250 400 700 1100 1600 2500 4000 6500 10000; do
    [ "$stopped" -ge 3 ] && break
    SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} timeout 60 "$digitpad" --print-events --train --fresh \
        --quit-after-ms "$ms" >"$out/events" 2>"$out/stderr"
    rc=$?
    if grep -q 'no MNIST found' "$out/events"; then
        echo "skipped: no MNIST (run scripts/fetch-mnist)"
        exit 77
    fi
    [ $rc -eq 0 ] || fail "closing after $ms ms: exit status $rc"
    stop=$(sed -n 's/.*"event":"trainer_stopped".*"ms":\([0-9.]*\).*/\1/p' "$out/events" | tail -n 1)
    if [ -z "$stop" ]; then
        # Closed while MNIST was still loading: no trainer to stop yet, and
        # so no training may have been reported either.
        grep -q '"event":"progress"' "$out/events" &&
            fail "closing after $ms ms: training reported progress but no trainer_stopped event"
        echo "closed after $ms ms: before training started (data still loading)"
        continue
    fi
    awk -v t="$stop" 'BEGIN { exit !(t < 1000) }' || fail "closing after $ms ms: the trainer took $stop ms to stop"
    worst=$(awk -v a="$worst" -v b="$stop" 'BEGIN { print (b > a) ? b : a }')
    echo "closed after $ms ms: trainer stopped in $stop ms"
    stopped=$((stopped + 1))
done
[ "$stopped" -ge 1 ] || fail "training never started within 10 s"
echo "ok (slowest stop $worst ms)"
