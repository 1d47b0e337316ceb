#!/bin/sh
# test_train_save.sh DIGITPAD: no work lost after training (issue 14).
# Everything that would make the save fail is refused before the first
# epoch; a save that still fails (here: its folder removed during training)
# leaves the model in $XDG_DATA_HOME/digitpad/models/ and says where.
# Skips (77) without MNIST.
set -u
digitpad=${1:?usage: test_train_save.sh path/to/digitpad}
data=${DIGITPAD_DATA:-}
if ! [ -f "$data/train-labels-idx1-ubyte" ] && ! [ -f "$data/train-labels-idx1-ubyte.gz" ] &&
   ! [ -f "$data/train-labels.idx1-ubyte" ]; then
    echo "no MNIST in DIGITPAD_DATA: skipped"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export XDG_DATA_HOME="$tmp/xdg"

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
expect_in() {
    if grep -qF -- "$2" "$1"; then ok; else fail "$3: no '$2' in: $(cat "$1")"; fi
}
# refused_at_once WHAT STATUS MESSAGE ARGS...: train refuses before any epoch.
refused_at_once() {
    what=$1 want=$2 msg=$3
    shift 3
    "$digitpad" train --limit 200 --epochs 1 "$@" > "$tmp/out" 2> "$tmp/err"
    status=$?
    if [ "$status" -eq "$want" ]; then ok; else fail "$what: exit status $status, expected $want"; fi
    expect_in "$tmp/err" "$msg" "$what"
    if grep -q 'Epoch 1/' "$tmp/out"; then fail "$what: trained before refusing"; else ok; fi
    lines=$(wc -l < "$tmp/err")
    if [ "$lines" -eq 1 ]; then ok; else fail "$what: $lines lines of error: $(cat "$tmp/err")"; fi
}

refused_at_once "no such folder" 1 \
    "digitpad: $tmp/none/m.json: cannot save in the folder $tmp/none: No such file or directory" \
    --out "$tmp/none/m.json"
refused_at_once "a folder as --out" 1 "digitpad: $tmp: is a folder, not a regular file: not replaced" \
    --out "$tmp"
touch "$tmp/file"
refused_at_once "a file as the folder" 1 \
    "digitpad: $tmp/file/m.json: cannot save in $tmp/file: it is a regular file, not a folder" \
    --out "$tmp/file/m.json"
refused_at_once "--out ''" 2 "digitpad: --out: empty file name" --out ""
refused_at_once "a seed past 2^53" 2 "digitpad: --seed: '9007199254740993' is not a whole number" \
    --seed 9007199254740993 --out "$tmp/m.json"
# A model that has trained 999,999 epochs: two more do not fit its record.
"$digitpad" train --limit 200 --epochs 1 -q --out "$tmp/base.json" > /dev/null 2>&1
sed 's/"epochs": 1,/"epochs": 999999,/' "$tmp/base.json" > "$tmp/old.json"
refused_at_once "epochs past the format's cap" 1 \
    "digitpad: $tmp/m.json: the trained model could not be saved: 1000001 epochs is outside 0 to 1000000" \
    --model "$tmp/old.json" --epochs 2 --out "$tmp/m.json"

# The folder goes away during training: the model lands in the models folder.
mkdir "$tmp/going"
"$digitpad" train --limit 20000 --epochs 3 --out "$tmp/going/m.json" > "$tmp/out" 2> "$tmp/err" &
pid=$!
n=0
while ! grep -q 'Epoch 1/3' "$tmp/out" 2> /dev/null && [ $n -lt 600 ]; do
    sleep 0.1
    n=$((n + 1))
done
rm -rf "$tmp/going"
wait $pid
status=$?
if [ "$status" -eq 1 ]; then ok; else fail "folder removed: exit status $status, expected 1"; fi
expect_in "$tmp/err" "digitpad: $tmp/going/m.json: cannot create a temporary file next to it: No such file or directory; the trained model is saved as $XDG_DATA_HOME/digitpad/models/digitpad-" "fallback"
saved=$(ls "$XDG_DATA_HOME"/digitpad/models/digitpad-*.json 2> /dev/null | head -n 1)
if [ -n "$saved" ] && "$digitpad" info --model "$saved" > "$tmp/info" 2>&1; then
    expect_in "$tmp/info" "Trained 3 epochs" "the fallback holds the trained model"
else
    fail "no loadable fallback: $(ls -R "$XDG_DATA_HOME" 2>&1)"
fi

# A model saved part way into epoch 2 (issue 11: 320 of 1000 samples, the
# order 0..999 shuffled twice from seed 1, as a session of seed 1 makes
# epoch 2's): training it finishes that epoch first, records it as epoch 2
# and drops the part-done record; a new lr is kept in the schedule.
"$digitpad" train -q --limit 1000 --epochs 1 --out "$tmp/p1.json" > /dev/null 2>&1
sed 's/^    \]$/    ],\n    "progress": {"samples_done": 320, "samples_per_epoch": 1000, "shuffles": 2}/' \
    "$tmp/p1.json" > "$tmp/part.json"
"$digitpad" info --model "$tmp/part.json" > "$tmp/info" 2>&1
expect_in "$tmp/info" "Saved during training: epoch 2, 10 of 32 batches (320 of 1,000 samples)" "info"
"$digitpad" train --limit 1000 --epochs 1 --lr 0.002 --model "$tmp/part.json" --out "$tmp/p2.json" \
    > "$tmp/out" 2> "$tmp/err"
expect_in "$tmp/out" "Going on with epoch 2: the 680 samples left of 1000, in the order it began with" \
    "the part-done epoch goes on"
expect_in "$tmp/p2.json" '{"epoch": 2, "loss": ' "epoch 2 recorded"
expect_in "$tmp/p2.json" '{"epoch": 2, "samples_done": 320, "learning_rate": 0.002, "batch_size": 32}' \
    "the new lr in the schedule"
if grep -q '"progress"' "$tmp/p2.json"; then fail "a part-done epoch still recorded"; else ok; fi
# With another training set's size the epoch begins again.
"$digitpad" train --limit 900 --epochs 1 --model "$tmp/part.json" --out "$tmp/p3.json" \
    > "$tmp/out" 2> "$tmp/err"
expect_in "$tmp/out" "Epoch 2 begins again (the model was saved 320 samples into it)" "another size"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
