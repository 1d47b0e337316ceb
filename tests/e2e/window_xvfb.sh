#!/bin/sh
# End to end under Xvfb: a real X window, strokes drawn with xdotool into
# the canvas rectangle that the ready event reports, the prediction events
# checked (a 1, then a 0), a screenshot taken with F12 and kept, every view
# beside the canvas switched to with its key (a screenshot of each kept),
# Tab, a tab and a bar clicked with the mouse, T for a test digit, the
# confusion matrix of the loaded model and after an epoch, training started
# with Space when MNIST is there, and Ctrl+Q closing cleanly.
# usage: window_xvfb.sh DIGITPAD [KEEP_DIR]
set -u
. "$(dirname "$0")/lib.sh"
digitpad=$1
keep=${2:-}
case $digitpad in /*) ;; *) digitpad=$(pwd)/$digitpad ;; esac
case $keep in /* | "") ;; *) keep=$(pwd)/$keep ;; esac
# Without MNIST there is no test set to check and no training to try:
# skip (77, meson's code for it) rather than fail. Looked for where the
# window looks: $DIGITPAD_DATA, ./data/mnist, the source tree's data/mnist,
# $XDG_DATA_HOME/digitpad/mnist.
have_mnist_dir || { echo "skipped: no MNIST (scripts/fetch-mnist fetches it)"; exit 77; }
. "$(dirname "$0")/xvfb.sh"
xvfb_run_self 1600x1000 "$0" "$@"

xvfb_asan_renderer "$digitpad"

work=$(mktemp -d)
trap cleanup EXIT
events=$work/events
fail() { echo "FAIL: $*"; echo "--- events"; cat "$events"; echo "--- stderr"; cat "$work/stderr"; exit 1; }

cd "$work" || exit 1
"$digitpad" --print-events --size 1280x800 --epochs 1 --limit 12000 >"$events" 2>"$work/stderr" &
pid=$!

# Waits (up to $2 tenths of a second) for a line matching $1 after line $3.
lines() { wc -l <"$events"; }

wait_for '"event":"ready"' 100 || fail "no ready event"
ready=$(grep '"event":"ready"' "$events" | head -n 1)
cx=$(echo "$ready" | sed 's/.*"canvas":{"x":\([0-9]*\),.*/\1/')
cy=$(echo "$ready" | sed 's/.*"canvas":{[^}]*"y":\([0-9]*\),.*/\1/')
cw=$(echo "$ready" | sed 's/.*"canvas":{[^}]*"w":\([0-9]*\),.*/\1/')
ch=$(echo "$ready" | sed 's/.*"canvas":{[^}]*"h":\([0-9]*\)}.*/\1/')
echo "canvas at $cx,$cy size ${cw}x$ch; $(echo "$ready" | sed 's/.*"renderer":"\([^"]*\)".*"startup_ms":\([0-9.]*\).*/renderer \1, startup \2 ms/')"

wid=$(xdotool search --sync --name '^digitpad$' | head -n 1)
[ -n "$wid" ] || fail "no X window named digitpad"
eval "$(xdotool getwindowgeometry --shell "$wid")"
xdotool windowfocus --sync "$wid" 2>/dev/null || true

# Screen position of canvas cell (u, v), 0..28.
pos() { awk -v u="$1" -v v="$2" -v X="$X" -v Y="$Y" -v cx="$cx" -v cy="$cy" -v cw="$cw" -v ch="$ch" \
    'BEGIN { printf "%d %d", X + cx + u / 28 * cw, Y + cy + v / 28 * ch }'; }

# Draws a polyline given as "u,v u,v ..." in canvas cells.
stroke() {
    first=1
    for p in "$@"; do
        set -- $(echo "$p" | tr ',' ' ')
        if [ $first = 1 ]; then
            xdotool mousemove $(pos "$1" "$2") mousedown 1
            first=0
        else
            xdotool mousemove $(pos "$1" "$2")
        fi
    done
    xdotool mouseup 1
}

last_index() { grep '"event":"prediction"' "$events" | tail -n 1 | sed 's/.*"index":\(-*[0-9]*\),.*/\1/'; }

# A 1: one fast vertical stroke, four points.
stroke 15,4 14.7,11 14.3,18 14,24
sleep 0.5
loaded=0
grep -q '"event":"loaded"' "$events" && loaded=1
[ "$(last_index)" != "" ] || fail "no prediction after drawing a 1"
if [ $loaded = 1 ]; then
    [ "$(last_index)" = 1 ] || fail "the 1 was read as $(last_index)"
fi

# Clear with C, then a 0 as an ellipse.
n=$(lines)
xdotool key c
wait_for '"index":-1' 30 "$n" || fail "C did not clear the canvas"
set --
for a in $(seq 0 15 360); do
    set -- "$@" "$(awk -v a="$a" 'BEGIN { r = a * 3.14159265 / 180; printf "%.2f,%.2f", 14 + 6 * sin(r), 14 - 9 * cos(r) }')"
done
stroke "$@"
sleep 0.5
if [ $loaded = 1 ]; then
    [ "$(last_index)" = 0 ] || fail "the 0 was read as $(last_index)"
fi

# F12: a screenshot of the window, kept for people to look at.
n=$(lines)
xdotool key F12
wait_for '"event":"screenshot"' 50 "$n" || fail "no screenshot after F12"
shot=$(grep '"event":"screenshot"' "$events" | tail -n 1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
[ -s "$shot" ] || fail "the screenshot $shot is missing"
[ -n "$keep" ] && cp "$shot" "$keep/e2e-window.png"

# The views beside the canvas: each key shows one (a view event), F12 keeps a picture of it.
have_mnist=1
grep -q 'no MNIST found' "$events" && have_mnist=0
shoot() { # $1: name of the kept copy
    n=$(($(lines) + 1))
    xdotool key F12
    wait_for '"event":"screenshot"' 50 "$n" || fail "no screenshot of $1"
    shot=$(tail -n +"$n" "$events" | grep '"event":"screenshot"' | tail -n 1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
    [ -s "$shot" ] || fail "the screenshot $shot is missing"
    [ -n "$keep" ] && cp "$shot" "$keep/e2e-view-$1.png"
}
if [ $have_mnist = 1 ] && [ $loaded = 1 ]; then
    # MNIST is read in the background at start and the loaded model's test-set answers come.
    wait_for '"event":"confusion","epoch":[0-9]*,"source":"eval"' 200 || fail "no confusion matrix for the loaded model"
fi
shoot hidden # the first view, shown at start
for kv in 2:weights 3:why 4:mistakes 5:log 1:hidden; do
    k=${kv%%:*}
    name=${kv#*:}
    n=$(lines)
    xdotool key "$k"
    wait_for "\"event\":\"view\",\"name\":\"$name\"" 30 "$n" || fail "key $k did not show the $name view"
    sleep 0.3
    [ "$name" = hidden ] || shoot "$name"
done
# Tab goes to the next view.
n=$(lines)
xdotool key Tab
wait_for '"event":"view","name":"weights"' 30 "$n" || fail "Tab did not show the weights view"

# The mouse: a click on the third tab, then on a bar (why that class).
tab3=$(echo "$ready" | sed 's/.*"tabs":\[\({[^}]*}\),\({[^}]*}\),\({[^}]*}\).*/\3/')
tx=$(echo "$tab3" | sed 's/.*"x":\([0-9]*\).*/\1/'); ty=$(echo "$tab3" | sed 's/.*"y":\([0-9]*\).*/\1/')
n=$(lines)
xdotool mousemove $((X + tx + 10)) $((Y + ty + 10)) click 1
wait_for '"event":"view","name":"why"' 30 "$n" || fail "clicking the third tab did not show the why view"
bars=$(echo "$ready" | sed 's/.*"bars":\({[^}]*}\).*/\1/')
bx=$(echo "$bars" | sed 's/.*"x":\([0-9]*\).*/\1/'); by=$(echo "$bars" | sed 's/.*"y":\([0-9]*\).*/\1/')
bh=$(echo "$bars" | sed 's/.*"h":\([0-9]*\).*/\1/')
n=$(lines)
xdotool mousemove $((X + bx + 8)) $((Y + by + bh * 6 / 10 + bh / 20)) click 1 # class 6's bar
wait_for '"event":"saliency","class":6' 30 "$n" || fail "clicking the bar of 6 did not explain class 6"
shoot why-6

if [ $have_mnist = 1 ]; then
    # T: a random test digit with its true label, explained by the why view.
    n=$(lines)
    xdotool key t
    wait_for '"event":"test_digit","index":[0-9]*,"label":[0-9]' 100 "$n" || fail "T put no test digit on the canvas"
    wait_for '"event":"prediction"' 30 "$n" || fail "no prediction for the test digit"
    xdotool key 4
    sleep 0.4
    shoot mistakes-digit
    xdotool key c
fi

# Training, when MNIST is there: Space on the trained bundled model asks
# "continue training" or "train from scratch" once MNIST is read (Return:
# continue; while MNIST is still read, Space starts as soon as it is, and
# Return does nothing); an epoch comes, the canvas keeps answering.
if grep -q 'no MNIST found' "$events"; then
    echo "note: no MNIST, training not tried"
else
    n=$(lines)
    xdotool key space
    sleep 0.5
    xdotool key Return
    wait_for '"event":"epoch"' 600 "$n" || fail "no epoch event after Space"
    wait_for '"event":"confusion","epoch":[0-9]*,"source":"epoch","accuracy":0\.[0-9]*,"matrix":\[\[' 100 "$n" ||
        fail "no confusion matrix after the epoch"
    wait_for '"event":"stats"' 30 "$n" || fail "no stats event while training"
    tail -n +"$n" "$events" | grep '"event":"stats"' | tail -n 2
    [ -n "$keep" ] && { xdotool key F12; sleep 0.5; cp "$(ls -t digitpad-*.png | head -n 1)" "$keep/e2e-trained.png"; }
fi

# Ctrl+Q closes the window; the process ends by itself with status 0.
xdotool key ctrl+q
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$pid" 2>/dev/null && fail "still running 5 s after Ctrl+Q"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || fail "exit status $rc"
grep -q '"event":"error"' "$events" && [ $loaded = 1 ] && fail "an error event"
echo "ok"
