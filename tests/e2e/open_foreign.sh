#!/bin/sh
# Issue 15: the window opens every model format the core reads. A Keras
# .keras file dropped on the window (--drop), an ONNX file as `digitpad FILE`
# and a TF.js model.json as --model each print a "loaded" event naming the
# file with the model's shape, under SDL's dummy video driver; the recent
# models' list (issue 16) then holds the three, the last opened first, and
# neither a broken file nor the bundled model the window starts with.
# usage: open_foreign.sh DIGITPAD MODEL
set -u
digitpad=$1 model=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/events" ] && cat "$tmp/events"; [ -f "$tmp/stderr" ] && cat "$tmp/stderr"; exit 1; }
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} XDG_DATA_HOME="$tmp/xdg" XDG_STATE_HOME="$tmp/state"

"$digitpad" convert --to keras "$model" "$tmp/model.keras" >/dev/null || fail "convert to keras"
"$digitpad" convert --to onnx "$model" "$tmp/model.onnx" >/dev/null || fail "convert to onnx"
"$digitpad" convert --to tfjs "$model" "$tmp/tfjs" >/dev/null || fail "convert to tfjs"
shape='"shape":"784-128-10"'

"$digitpad" --fresh --drop "$tmp/model.keras" --print-events --quit-after-ms 2000 \
    >"$tmp/events" 2>"$tmp/stderr" || fail "--drop model.keras exited with $?"
grep -F "{\"event\":\"loaded\",\"path\":\"$tmp/model.keras\"" "$tmp/events" | grep -qF "$shape" ||
    fail "a dropped .keras file was not loaded"

"$digitpad" "$tmp/model.onnx" --print-events --quit-after-ms 1500 \
    >"$tmp/events" 2>"$tmp/stderr" || fail "digitpad model.onnx exited with $?"
grep -F "{\"event\":\"loaded\",\"path\":\"$tmp/model.onnx\"" "$tmp/events" | grep -qF "$shape" ||
    fail "digitpad model.onnx did not load it"

"$digitpad" --model "$tmp/tfjs/model.json" --print-events --quit-after-ms 1500 \
    >"$tmp/events" 2>"$tmp/stderr" || fail "--model model.json exited with $?"
grep -F "{\"event\":\"loaded\",\"path\":\"$tmp/tfjs/model.json\"" "$tmp/events" | grep -qF "$shape" ||
    fail "--model tfjs/model.json did not load it"

# A broken .keras file: one error line naming it, the model unchanged.
printf 'PK\003\004broken' >"$tmp/broken.keras"
"$digitpad" --drop "$tmp/broken.keras" --print-events --quit-after-ms 1500 \
    >"$tmp/events" 2>"$tmp/stderr" || fail "--drop broken.keras exited with $?"
grep -F '"event":"error"' "$tmp/events" | grep -qF "$tmp/broken.keras" ||
    fail "a broken .keras file gave no error naming it"
"$digitpad" --print-events --quit-after-ms 1000 >"$tmp/events" 2>"$tmp/stderr" ||
    fail "digitpad with the bundled model exited with $?"
printf '%s\n' "$tmp/tfjs/model.json" "$tmp/model.onnx" "$tmp/model.keras" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/state/digitpad/recent" ||
    fail "the recent list: $(cat "$tmp/state/digitpad/recent" 2>&1)"
echo "ok"
