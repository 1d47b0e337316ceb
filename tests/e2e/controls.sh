#!/bin/sh
# Issue 11's controls under Xvfb, as a person would use them, with xdotool:
# `.` trains exactly one batch (a step event, global step 1), the 10/s
# button sets the speed and training then goes at about 10 batches a
# second, Space pauses and `.` adds exactly one more batch, the Step
# button another, the settings panel (S, arrows, Enter) changes the
# learning rate live and makes a linear network (asking first, as the
# weights have unsaved training), Full and Space train it for an epoch,
# R asks before fresh weights and Ctrl+Z brings the trained ones back,
# Ctrl+Q closes. Screenshots are kept in KEEP_DIR when given.
# usage: controls.sh DIGITPAD [KEEP_DIR]
set -u
. "$(dirname "$0")/lib.sh"
digitpad=$1
keep=${2:-}
case $digitpad in /*) ;; *) digitpad=$(pwd)/$digitpad ;; esac
case $keep in /* | "") ;; *) keep=$(pwd)/$keep ;; esac
have_mnist_dir || { echo "skipped: no MNIST"; exit 77; }
. "$(dirname "$0")/xvfb.sh"
xvfb_run_self 1280x800 "$0" "$@"
xvfb_asan_renderer "$digitpad"

work=$(mktemp -d)
trap cleanup EXIT
events=$work/events
fail() { echo "FAIL: $*"; echo "--- events"; grep -v '"prediction"' "$events" | tail -n 40; echo "--- stderr"; cat "$work/stderr"; exit 1; }
export XDG_DATA_HOME="$work/xdg" XDG_STATE_HOME="$work/state"

cd "$work" || exit 1
"$digitpad" --print-events --size 900x600 --fresh --epochs 1 --limit 6000 \
    >"$events" 2>"$work/stderr" &
pid=$!

lines() { wc -l <"$events"; }
count() { grep -c "$1" "$events"; }
# The centre of a training bar button, from the controls event.
centre() {
    grep '"event":"controls"' "$events" | head -n 1 |
        sed "s/.*\"$1\":{\"x\":\([0-9]*\),\"y\":\([0-9]*\),\"w\":\([0-9]*\),\"h\":\([0-9]*\)}.*/\1 \2 \3 \4/" |
        awk '{ print int($1 + $3 / 2), int($2 + $4 / 2) }'
}
win=
click() {
    set -- $(centre "$1")
    xdotool mousemove --window "$win" "$1" "$2" click 1
}
shot() {
    [ -n "$keep" ] || return 0
    n0=$(count '"event":"screenshot"')
    xdotool key --window "$win" F12
    i=0
    while [ "$(count '"event":"screenshot"')" -le "$n0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    cp "$(ls -t digitpad-*.png | head -n 1)" "$keep/controls-$1.png"
}
last_step() { grep '"event":"step"' "$events" | tail -n 1 | sed 's/.*"global_step":\([0-9]*\),.*/\1/'; }

wait_for '"event":"controls"' 100 || fail "no controls event"
win=$(xdotool search --sync --pid "$pid" | head -n 1)
[ -n "$win" ] || fail "no window"

# `.` once MNIST is read: exactly one batch.
i=0
while [ "$(count '"event":"step"')" -eq 0 ] && [ $i -lt 60 ]; do
    xdotool key --window "$win" period
    wait_for '"event":"step"' 10 || true
    i=$((i + 1))
done
[ "$(last_step)" = 1 ] || fail "the first . did not train exactly batch 1 (got $(last_step))"
grep '"event":"step"' "$events" | grep -q '"batch":32,' || fail "the step was not a batch of 32"
shot step

# 10/s, then Space: about 10 batches a second, batch by batch.
n=$(lines)
click speed_10
wait_for '"event":"settings",.*"speed":10}' 30 "$n" || fail "the 10/s button did not set speed 10"
n=$(lines)
xdotool key --window "$win" space
sleep 3
shot speed10
xdotool key --window "$win" space
rate=$(tail -n +"$n" "$events" | awk '/"event":"progress"/ {
        match($0, /"step":[0-9]+/); step = substr($0, RSTART + 7, RLENGTH - 7) + 0
        n++; if (n == 1) s0 = step; s1 = step }
    END { print s1 - s0 }')
echo "at 10/s: $rate batches between progress lines in about 3 s"
[ "$rate" -ge 10 ] && [ "$rate" -le 60 ] || fail "$rate batches in 3 s at 10/s"

# Paused: `.` adds exactly one batch, the Step button one more.
sleep 0.5
before=$(grep '"event":"progress"' "$events" | tail -n 1 | sed 's/.*"step":\([0-9]*\),.*/\1/')
n=$(lines)
xdotool key --window "$win" period
wait_for '"event":"step"' 50 "$n" || fail "no step after . while paused"
got=$(last_step)
[ "$got" -ge $((before + 1)) ] || fail "step $got after progress step $before"
n=$(lines)
click step
wait_for '"event":"step"' 50 "$n" || fail "the Step button trained nothing"
[ "$(last_step)" = $((got + 1)) ] || fail "the Step button: step $(last_step) after $got"

# Settings: the lr up one notch (live), then a linear network; the weights
# have training that is not saved, so Enter asks and Enter again applies.
n=$(lines)
xdotool key --window "$win" s
sleep 0.3
xdotool key --window "$win" Right
wait_for '"event":"settings","lr":0.003,' 30 "$n" || fail "Right did not raise the lr to 0.003"
xdotool key --window "$win" Left Down Down Down Right
sleep 0.3
shot settings
n=$(lines)
xdotool key --window "$win" Return
sleep 0.3
xdotool key --window "$win" Return
wait_for '"activation":"linear"' 30 "$n" || fail "no linear network after Enter, Enter"
# Full speed, and an epoch of the linear network.
click speed_full
n=$(lines)
xdotool key --window "$win" space
wait_for '"event":"epoch"' 900 "$n" || fail "no epoch of the linear network"
grep '"event":"epoch"' "$events" | tail -n 1 |
    sed 's/.*"val_accuracy":\([0-9.]*\).*/linear, 1 epoch of 6,000: test accuracy \1/'
shot linear

# R asks first (the epoch is not saved); Enter gives fresh weights, Ctrl+Z undoes.
wait_for '"event":"done"' 300 "$n" || fail "the epoch did not finish"
n=$(lines)
xdotool key --window "$win" r
sleep 0.3
shot question
xdotool key --window "$win" Return
sleep 0.5
xdotool key --window "$win" ctrl+z
wait_for '"event":"settings",.*"activation":"linear"' 30 "$n" || fail "Ctrl+Z did not bring the linear network back"

xdotool key --window "$win" ctrl+q
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not close the window"
pid=
echo "ok"
