#!/bin/sh
# Issue 11's speed control under SDL's dummy video driver: --speed 10 is
# said in the settings event at start, and training then goes at about 10
# batches a second. The rate is measured from the progress events' step
# counts and the times their lines arrived, over at least 2 s of training,
# and must lie in 5..20 batches/s: wide, because the machine is shared
# and a loaded one delivers late (the trainer's own test checks that a
# paced trainer is never faster than its pace). Skips without MNIST.
# usage: speed.sh DIGITPAD
set -u
digitpad=$1
mnist=${DIGITPAD_DATA:-}
ls "$mnist"/train-images*idx3-ubyte* >/dev/null 2>&1 || { echo "skipped: no MNIST"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/events" "$tmp/stderr" 2>/dev/null | tail -n 30; exit 1; }
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} XDG_DATA_HOME="$tmp/xdg" XDG_STATE_HOME="$tmp/state"

"$digitpad" --fresh --train --speed 10 --limit 960 --epochs 1 --quit-after-training \
    --print-events --quit-after-ms 50000 \
    2>"$tmp/stderr" | while IFS= read -r line; do
        printf '%s %s\n' "$(date +%s.%N)" "$line"
    done >"$tmp/events"
grep -q '"event":"settings",.*"batch":32,.*"layers":\[128\],"activation":"relu","speed":10}' \
    "$tmp/events" || fail "no settings event with speed 10 at start"
# From the first progress line to the last: batches over seconds (one epoch
# of 960 images is 30 batches, about 3 s at this speed; the window closes
# when it is done, however long reading MNIST took).
rate=$(awk '/"event":"progress"/ {
        match($0, /"step":[0-9]+/); step = substr($0, RSTART + 7, RLENGTH - 7) + 0
        if (n == 0) { t0 = $1; s0 = step } t1 = $1; s1 = step; n++ }
    END { if (n < 2 || t1 - t0 < 2) { print "short " (t1 - t0); exit }
          printf "%.2f %.2f %d\n", (s1 - s0) / (t1 - t0), t1 - t0, s1 - s0 }' "$tmp/events")
case $rate in short*) fail "under 2 s of training seen (${rate#short })" ;; esac
set -- $rate
echo "at --speed 10: $1 batches/s ($3 batches in $2 s)"
awk -v r="$1" 'BEGIN { exit !(r >= 5 && r <= 20) }' || fail "$1 batches/s is not about 10"
echo "ok"
