#!/bin/sh
# A save killed mid-write leaves FILE.tmp-PID-XXXXXX behind. Opening the
# window on FILE removes it (its process is gone) and loads FILE intact; a
# temporary whose process still runs is left alone.
# usage: stale_temp.sh DIGITPAD MODEL
set -u
digitpad=$1
model=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/events" 2>/dev/null; exit 1; }
cp "$model" "$work/m.json"
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf '{"format": "digitpad-mlp", "ver' > "$work/m.json.tmp-$dead-abcdef"
: > "$work/m.json.tmp-$$-ghijkl" # this script's own pid: alive
SDL_VIDEODRIVER=dummy timeout 30 "$digitpad" --model "$work/m.json" --print-events \
    --quit-after-ms 300 > "$work/events" 2>&1 || fail "digitpad exited with $?"
grep -q '"event":"swept","count":1' "$work/events" || fail "no swept event"
grep -q '"event":"loaded"' "$work/events" || fail "the model did not load"
[ ! -e "$work/m.json.tmp-$dead-abcdef" ] || fail "the dead save's temporary is still there"
[ -e "$work/m.json.tmp-$$-ghijkl" ] || fail "a live process's temporary was removed"
cmp -s "$model" "$work/m.json" || fail "the model file changed"
echo "ok"
