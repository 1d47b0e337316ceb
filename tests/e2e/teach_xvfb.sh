#!/bin/sh
# Issue 13 end to end under Xvfb: digits drawn with the real mouse (xdotool)
# and kept with Ctrl+digit (a sample event each, the IDX files on disk that
# `digitpad train --also` then reads), M for the panel, a sample picked with
# the mouse and deleted, F fine-tuning (a finetune event; MNIST kept at 0.97
# or more), A for distortions, F12 screenshots kept, Ctrl+Q closing cleanly.
# usage: teach_xvfb.sh DIGITPAD [KEEP_DIR]
set -u
. "$(dirname "$0")/lib.sh"
digitpad=$1
keep=${2:-}
case $digitpad in /*) ;; *) digitpad=$(pwd)/$digitpad ;; esac
case $keep in /* | "") ;; *) keep=$(pwd)/$keep ;; esac
mnist=""
for d in "${DIGITPAD_DATA:-}" ./data/mnist "${DIGITPAD_SOURCE_DIR:-}/data/mnist"; do
    [ -n "$d" ] && ls "$d"/train-images*idx3-ubyte* >/dev/null 2>&1 && { mnist=$d; break; }
done
[ -n "$mnist" ] || { echo "skipped: no MNIST (scripts/fetch-mnist fetches it)"; exit 77; }
case $mnist in /*) ;; *) mnist=$(pwd)/$mnist ;; esac
. "$(dirname "$0")/xvfb.sh"
xvfb_run_self 1600x1000 "$0" "$@"
xvfb_asan_renderer "$digitpad"

work=$(mktemp -d)
trap cleanup EXIT
events=$work/events
fail() { echo "FAIL: $*"; echo "--- events"; grep -v '"prediction"\|"progress"\|"stats"' "$events"; echo "--- stderr"; cat "$work/stderr"; exit 1; }
export XDG_DATA_HOME=$work/data
mine=$XDG_DATA_HOME/digitpad/my-digits

cd "$work" || exit 1
"$digitpad" --print-events --size 1280x800 --data "$mnist" >"$events" 2>"$work/stderr" &
pid=$!

lines() { wc -l <"$events"; }
count() { grep -c "$1" "$events"; }

wait_for '"event":"ready"' 100 || fail "no ready event"
wait_for '"event":"loaded"' 50 || fail "the bundled model did not load"
ready=$(grep '"event":"ready"' "$events" | head -n 1)
cx=$(echo "$ready" | sed 's/.*"canvas":{"x":\([0-9]*\),.*/\1/')
cy=$(echo "$ready" | sed 's/.*"canvas":{[^}]*"y":\([0-9]*\),.*/\1/')
cw=$(echo "$ready" | sed 's/.*"canvas":{[^}]*"w":\([0-9]*\),.*/\1/')
ch=$(echo "$ready" | sed 's/.*"canvas":{[^}]*"h":\([0-9]*\)}.*/\1/')
vx=$(echo "$ready" | sed 's/.*"view":{"x":\([0-9]*\),.*/\1/')
vy=$(echo "$ready" | sed 's/.*"view":{[^}]*"y":\([0-9]*\),.*/\1/')
wid=$(xdotool search --sync --name '^digitpad$' | head -n 1)
[ -n "$wid" ] || fail "no X window named digitpad"
eval "$(xdotool getwindowgeometry --shell "$wid")"
xdotool windowfocus --sync "$wid" 2>/dev/null || true

pos() { awk -v u="$1" -v v="$2" -v X="$X" -v Y="$Y" -v cx="$cx" -v cy="$cy" -v cw="$cw" -v ch="$ch" \
    'BEGIN { printf "%d %d", X + cx + u / 28 * cw, Y + cy + v / 28 * ch }'; }
stroke() { # "u,v u,v ...", canvas cells
    first=1
    for p in "$@"; do
        set -- $(echo "$p" | tr ',' ' ')
        if [ $first = 1 ]; then
            xdotool mousemove $(pos "$1" "$2") mousedown 1
            first=0
        else
            xdotool mousemove $(pos "$1" "$2")
        fi
        sleep 0.01
    done
    xdotool mouseup 1
}

# Ctrl+digit with nothing drawn keeps nothing.
xdotool key ctrl+4
sleep 0.3
[ "$(count '"event":"sample"')" = 0 ] || fail "an empty canvas was kept"

# Ten digits drawn with the mouse, each kept with Ctrl+its digit: 1s leaning
# a little more each time, 7s, and 0s.
i=0
for lean in 0 1 2 3; do
    stroke $((14 + lean)),4 $((14 + lean / 2)),14 14,24
    sleep 0.2; xdotool key ctrl+1; sleep 0.2
done
for d in 0 1 2; do
    stroke 8,$((5 + d)) 20,$((5 + d)) 16,12 12,18 $((10 - d)),24
    sleep 0.2; xdotool key ctrl+7; sleep 0.2
done
for w in 5 6 7; do
    set --
    for a in $(seq 0 20 360); do
        set -- "$@" "$(awk -v a="$a" -v w="$w" 'BEGIN { r = a * 3.14159265 / 180; printf "%.2f,%.2f", 14 + w * sin(r), 14 - 9 * cos(r) }')"
    done
    stroke "$@"
    sleep 0.2; xdotool key ctrl+0; sleep 0.2
done
wait_for '"event":"sample","label":0,"count":3,"total":10' 30 || fail "no tenth sample event"
[ "$(count '"event":"sample","label":1')" = 4 ] || fail "not four 1s kept"
grep -q '"event":"sample","label":7,"count":3,' "$events" || fail "not three 7s kept"
[ -s "$mine/train-images-idx3-ubyte" ] && [ -s "$mine/train-labels-idx1-ubyte" ] ||
    fail "no IDX files in $mine"
# 16 header bytes and ten 28x28 images.
[ "$(wc -c <"$mine/train-images-idx3-ubyte")" = $((16 + 10 * 784)) ] || fail "the image file's size"

# The panel over the view, opened by Ctrl+digit (M: closed, M: open again);
# click its newest thumbnail (its first cell), Delete removes it.
xdotool key m
sleep 0.3
xdotool key m
sleep 0.5
# The panel's first thumbnail: 10 px in, under the title and the counters
# (at scale 1: 10 + 26 + 6 + 34 + 6 = 82 px below the top of the tabs,
# which are 36 px above the view).
xdotool mousemove $((X + vx + 14)) $((Y + vy - 36 + 82 + 6)) click 1
sleep 0.3
n=$(lines)
xdotool key Delete
wait_for '"event":"sample_deleted","label":0,"count":2,"total":9' 30 "$n" ||
    fail "the newest sample (a 0) was not deleted"
xdotool key ctrl+0 # the 0 is no longer on the canvas: nothing kept
sleep 0.3
[ "$(count '"event":"sample"')" = 10 ] || fail "Ctrl+0 on an empty canvas kept something"

# F: fine-tuning as the trainer thread's job.
n=$(lines)
xdotool key f
wait_for '"event":"finetune"' 600 "$n" || fail "no finetune event"
ft=$(grep '"event":"finetune"' "$events" | tail -n 1)
echo "$ft"
echo "$ft" | grep -q '"samples":9,' || fail "fine-tuned on the wrong number of samples"
awk -v l="$ft" 'BEGIN { sub(/.*"after_mnist":/, "", l); exit !(l + 0 >= 0.97) }' ||
    fail "MNIST test accuracy fell below 0.97"

# A: distortions on, the strip filled.
n=$(lines)
xdotool key a
wait_for '"event":"augment","on":true' 30 "$n" || fail "no augment event"
sleep 1.5
n=$(lines)
xdotool key F12
wait_for '"event":"screenshot"' 50 "$n" || fail "no screenshot after F12"
shot=$(grep '"event":"screenshot"' "$events" | tail -n 1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
[ -s "$shot" ] || fail "the screenshot $shot is missing"
[ -n "$keep" ] && cp "$shot" "$keep/e2e-teach.png"

# What was kept trains: digitpad train --also reads the folder.
"$digitpad" train -q --data "$mnist" --also "$mine" --limit 500 --epochs 1 --out "$work/m.json" \
    >"$work/train.out" 2>&1 || { cat "$work/train.out"; fail "train --also $mine failed"; }

xdotool key ctrl+q
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not close the window"
wait "$pid"
rc=$?
pid=""
[ $rc = 0 ] || fail "the window exited with $rc"
grep -q '"event":"error"' "$events" && fail "an error event"
echo "ok"
