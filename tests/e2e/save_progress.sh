#!/bin/sh
# Issue 11, "a save made mid-training records how far training had got",
# under Xvfb with xdotool: train at 100 batches a second, pause, Ctrl+S;
# the file records the part-done epoch (batches and samples) and digitpad
# info shows it; opened again, Space asks "continue or from scratch",
# Enter continues, and training goes on in that epoch after the saved
# batch (not from a new one), ending it after its 188 batches; the next
# save records epoch 1 complete and no part-done epoch. Screenshots are
# kept in KEEP_DIR when given.
# usage: save_progress.sh DIGITPAD [KEEP_DIR]
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
fail() { echo "FAIL: $*"; echo "--- events"; grep -v '"prediction"\|"scores"' "$events" | tail -n 30; echo "--- stderr"; cat "$work/stderr"; exit 1; }
export XDG_DATA_HOME="$work/xdg" XDG_STATE_HOME="$work/state"
cd "$work" || exit 1

lines() { wc -l <"$events"; }
count() { grep -c "$1" "$events"; }
shot() {
    [ -n "$keep" ] || return 0
    n0=$(count '"event":"screenshot"')
    xdotool key --window "$win" F12
    i=0
    while [ "$(count '"event":"screenshot"')" -le "$n0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    cp "$(ls -t digitpad-*.png | head -n 1)" "$keep/progress-$1.png"
}
quit() {
    xdotool key --window "$win" ctrl+q
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not close the window"
    pid=
}
saved_path() { grep '"event":"saved"' "$events" | tail -n 1 | sed 's/.*"path":"\([^"]*\)".*/\1/'; }
# 6,000 images in batches of 32: 188 batches an epoch.
run="--print-events --size 900x600 --epochs 1 --limit 6000 --speed 100"

# shellcheck disable=SC2086
"$digitpad" --fresh $run >"$events" 2>"$work/stderr" &
pid=$!
wait_for '"event":"controls"' 100 || fail "no controls event"
win=$(xdotool search --sync --pid "$pid" | head -n 1)
[ -n "$win" ] || fail "no window"
wait_for '"event":"confusion"' 300 || fail "MNIST was not read"
n=$(lines)
xdotool key --window "$win" space
wait_for '"event":"progress","epoch":1,"epochs":1,"step":[4-9][0-9],' 300 "$n" ||
    fail "no progress past batch 40"
xdotool key --window "$win" space
sleep 0.5
n=$(lines)
xdotool key --window "$win" ctrl+s
wait_for '"event":"saved"' 50 "$n" || fail "Ctrl+S saved nothing"
model=$(saved_path)
shot saved
grep -q '"progress": {"epoch": 1, ' "$model" || fail "the save records no part-done epoch"
done_b=$(sed -n 's/.*"progress": {.*"batches_done": \([0-9]*\),.*/\1/p' "$model")
samples=$(sed -n 's/.*"progress": {.*"samples_done": \([0-9]*\),.*/\1/p' "$model")
grep -q "\"samples_per_epoch\": 6000, \"batches_done\": $done_b, \"batches_per_epoch\": 188," "$model" ||
    fail "the record is not of 6000 samples in 188 batches: $(grep '"progress"' "$model")"
[ "$samples" = $((done_b * 32)) ] || fail "$samples samples in $done_b batches of 32"
grep -q '"epochs": 0,' "$model" || fail "the save claims a completed epoch"
echo "saved at epoch 1, batch $done_b of 188 ($samples samples)"
"$digitpad" info --model "$model" | grep -q "Saved during training: epoch 1, $done_b of 188 batches" ||
    fail "digitpad info does not show the part-done epoch"
quit

# Opened again: it says where it was saved, and continuing goes on there.
# shellcheck disable=SC2086
"$digitpad" "$model" $run >"$events" 2>"$work/stderr" &
pid=$!
wait_for '"event":"controls"' 100 || fail "no controls event (reopened)"
win=$(xdotool search --sync --pid "$pid" | head -n 1)
wait_for '"event":"confusion"' 300 || fail "MNIST was not read (reopened)"
shot reopened
n=$(lines)
xdotool key --window "$win" space
sleep 0.5
shot question
xdotool key --window "$win" Return
wait_for '"event":"progress"' 100 "$n" || fail "continuing trained nothing"
first=$(tail -n +"$n" "$events" | grep '"event":"progress"' | head -n 1)
step=$(echo "$first" | sed 's/.*"step":\([0-9]*\),.*/\1/')
echo "$first" | grep -q '"epoch":1,"epochs":1,.*"steps_per_epoch":188,' ||
    fail "it did not go on in epoch 1 of 188 batches: $first"
[ "$step" -gt "$done_b" ] || fail "it went on at batch $step, not after the saved $done_b"
echo "continued at batch $step of 188"
wait_for '"event":"epoch","epoch":1,' 600 "$n" || fail "epoch 1 did not end"
wait_for '"event":"done"' 100 "$n" || fail "the run did not finish"
n=$(lines)
xdotool key --window "$win" ctrl+s
wait_for '"event":"saved"' 50 "$n" || fail "the second Ctrl+S saved nothing"
[ "$(saved_path)" = "$model" ] || fail "Ctrl+S went to $(saved_path), not $model"
grep -q '"epochs": 1,' "$model" || fail "the epoch is not recorded complete"
grep -q '"progress"' "$model" && fail "a part-done epoch is still recorded after it ended"
shot done
quit
echo "ok"
