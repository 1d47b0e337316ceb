#!/bin/sh
# Issue 16: the window has its icon under a real X server (Xvfb): the
# _NET_WM_ICON property SDL sets from the built-in SVG is there, and is the
# size SDL_image draws that SVG at (128x128, its viewBox). And the speed
# keys (issue 11) as real key presses: [ slows full speed to 100 batches a
# second, ] goes back to full, each said by a settings event.
# usage: window_icon.sh DIGITPAD
set -u
digitpad=$1
case $digitpad in /*) ;; *) digitpad=$(pwd)/$digitpad ;; esac
command -v xprop >/dev/null || { echo "skipped: no xprop"; exit 77; }
. "$(dirname "$0")/xvfb.sh"
xvfb_run_self 1600x1000 "$0" "$@"
xvfb_asan_renderer "$digitpad"
work=$(mktemp -d)
trap '[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/stderr"; exit 1; }
"$digitpad" --fresh --print-events --quit-after-ms 20000 >"$work/events" 2>"$work/stderr" &
pid=$!
i=0
until grep -q '"event":"ready"' "$work/events"; do
    i=$((i + 1))
    [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null || fail "no ready event"
    sleep 0.1
done
win=$(xdotool search --sync --limit 1 --pid "$pid" 2>/dev/null | head -n 1)
[ -n "$win" ] || fail "no window found"
xprop -id "$win" -notype 32c _NET_WM_ICON >"$work/icon" 2>&1 || fail "xprop: $(cat "$work/icon")"
# The property is CARDINALs: width, height, then width*height ARGB pixels.
set -- $(sed -n 's/^_NET_WM_ICON = //p' "$work/icon" | tr -d ',' | head -c 200)
[ "${1:-}" = 128 ] && [ "${2:-}" = 128 ] || fail "no 128x128 icon: $(head -c 200 "$work/icon")"
echo "the window's icon is ${1}x${2}"
grep -q '"event":"settings",.*"speed":0}' "$work/events" || fail "no settings event at start"
xdotool windowactivate --sync "$win" 2>/dev/null || xdotool windowfocus --sync "$win" 2>/dev/null
xdotool key --window "$win" bracketleft
i=0
until grep -q '"event":"settings",.*"speed":100}' "$work/events"; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "[ did not slow training to 100 batches/s"
    sleep 0.1
done
xdotool key --window "$win" bracketright
i=0
until [ "$(grep -c '"event":"settings",.*"speed":0}' "$work/events")" -ge 2 ]; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "] did not go back to full speed"
    sleep 0.1
done
echo "ok"
