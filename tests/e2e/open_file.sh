#!/bin/sh
# `digitpad FILE`, as a file manager runs the .desktop file's Exec=digitpad %f:
# the window opens with that model (the "loaded" event names it), a name that
# is neither a command nor a file is refused with status 2, and a command's
# name stays the command even when a file of that name is in the folder.
# usage: open_file.sh DIGITPAD MODEL
set -u
digitpad=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") model=$2 # absolute: the last check runs elsewhere
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/events" ] && cat "$tmp/events"; [ -f "$tmp/stderr" ] && cat "$tmp/stderr"; exit 1; }

cp "$model" "$tmp/my model.json"
SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-dummy} "$digitpad" "$tmp/my model.json" --print-events \
    --quit-after-ms 1500 >"$tmp/events" 2>"$tmp/stderr" || fail "digitpad FILE exited with $?"
grep -qF "{\"event\":\"loaded\",\"path\":\"$tmp/my model.json\"" "$tmp/events" ||
    fail "digitpad FILE did not load FILE"

"$digitpad" "$tmp/missing.json" >"$tmp/out" 2>"$tmp/stderr"
[ $? -eq 2 ] || fail "a missing file: status is not 2"
grep -qF "digitpad: $tmp/missing.json: neither a command nor a model file" "$tmp/stderr" ||
    fail "a missing file: no one-line reason"
"$digitpad" "$tmp" >"$tmp/out" 2>"$tmp/stderr"
[ $? -eq 2 ] || fail "a folder: status is not 2"

cd "$tmp" && touch info && "$digitpad" info --help >"$tmp/out" 2>&1 || fail "digitpad info --help failed beside a file named info"
grep -q '^usage: digitpad info' "$tmp/out" || fail "a file named info took the place of the command"
echo "ok"
