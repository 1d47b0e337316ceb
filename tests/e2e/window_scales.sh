#!/bin/sh
# Issue 14, item 1: the window at every UI scale and size, resized while it
# trains. Each case starts a real X window (under Xvfb) with --ui-scale and
# --size, waits until the trainer runs, then resizes the window with xdotool
# to 900x600, to 500x350 (below the minimum: Xvfb has no window manager to
# enforce it) and to 1600x1000, and after each resize takes a screenshot
# with F12: the window must stay alive, the screenshot must have the new
# size (the layout followed), no X error may be printed, and SIGTERM or
# SIGINT must end it with status 0 after stopping the running trainer.
# The screenshots are kept in KEEP_DIR when given, for people to look at.
# Skipped (77) without xvfb-run, xdotool or MNIST.
# usage: window_scales.sh DIGITPAD [KEEP_DIR]
set -u
. "$(dirname "$0")/lib.sh"
digitpad=$1
keep=${2:-}
case $digitpad in /*) ;; *) digitpad=$(pwd)/$digitpad ;; esac
case $keep in /* | "") ;; *) keep=$(pwd)/$keep ;; esac
have_mnist_dir || { echo "skipped: no MNIST (scripts/fetch-mnist fetches it)"; exit 77; }
. "$(dirname "$0")/xvfb.sh"
xvfb_run_self 1920x1080 "$0" "$@"
xvfb_asan_renderer "$digitpad"

work=$(mktemp -d)
pid=
trap cleanup EXIT
events=$work/events
fail() {
    echo "FAIL: $case_name: $*"
    echo "--- events (no stats)"; grep -v '"event":"stats"' "$events" | cut -c1-240
    echo "--- stderr"; cat "$work/stderr"
    exit 1
}
cd "$work" || exit 1

# Waits (up to $2 tenths of a second) for a line matching $1 after line $3,
# while the window lives.
lines() { wc -l <"$events"; }
# The width and height of a PNG (big-endian at bytes 16..23).
png_size() {
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'
}

# F12, then the screenshot's path; it must be $2 (WxH) big; kept as $1.
shoot() {
    n=$(($(lines) + 1))
    xdotool key --window "$wid" F12
    wait_for '"event":"screenshot"' 100 "$n" || fail "no screenshot ($1)"
    shot=$(tail -n +"$n" "$events" | grep '"event":"screenshot"' | tail -n 1 |
        sed 's/.*"path":"\([^"]*\)".*/\1/')
    [ -s "$shot" ] || fail "the screenshot $shot is missing"
    got=$(png_size "$shot")
    [ "$got" = "$2" ] || fail "the screenshot ($1) is $got, the window $2"
    [ -n "$keep" ] && cp "$shot" "$keep/scales-$1.png"
    rm -f "$shot"
}

sig=TERM
for case_name in 1@1280x800 1.1@900x600 1.2@1280x800 1.45@1280x800 1.5@1280x800 2@1280x800 \
    2.5@1280x800 3@1280x800 4@1280x800 1@900x600 1.5@1920x1080 2@1920x1080; do
    scale=${case_name%@*}
    size=${case_name#*@}
    # env resets SIGINT: a shell starts background jobs with it ignored.
    env --default-signal=INT "$digitpad" --print-events --train --fresh --epochs 1000 \
        --ui-scale "$scale" --size "$size" >"$events" 2>"$work/stderr" &
    pid=$!
    wait_for '"event":"ready"' 300 || fail "no ready event"
    if grep -q 'no MNIST found' "$events"; then
        echo "skipped: no MNIST (run scripts/fetch-mnist)"
        exit 77
    fi
    wid=$(xdotool search --sync --pid "$pid" --name '^digitpad$' | head -n 1)
    [ -n "$wid" ] || fail "no X window named digitpad"
    xdotool windowfocus --sync "$wid" 2>/dev/null || true
    wait_for '"event":"progress"' 600 || fail "training did not start"
    shoot "$scale-$size" "$size"
    for to in 900x600 500x350 1600x1000; do
        xdotool windowsize --sync "$wid" "${to%x*}" "${to#*x}" 2>/dev/null ||
            xdotool windowsize "$wid" "${to%x*}" "${to#*x}"
        kill -0 "$pid" 2>/dev/null || fail "died when resized to $to"
        shoot "$scale-$size-to-$to" "$to"
    done
    n=$(($(lines) + 1))
    wait_for '"event":"progress"' 300 "$n" || fail "training stopped after the resizes"
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    pid=
    [ $rc -eq 0 ] || fail "SIG$sig: exit status $rc"
    grep -q 'X Error\|BadValue' "$work/stderr" && fail "an X error"
    # A --ui-scale that does not fit is said once on stderr (the status line
    # follows the resizes); one that fits is not.
    case $case_name in
    2@1280x800) grep -qx 'digitpad: ui scale 2 does not fit 1280x800: using 1.3' "$work/stderr" ||
        fail "the capped ui scale was not said" ;;
    1@900x600 | 1@1280x800 | 1.5@1920x1080) grep -q 'ui scale' "$work/stderr" &&
        fail "a ui scale that fits was said to not fit" ;;
    esac
    [ "$(grep -c 'ui scale' "$work/stderr")" -le 1 ] || fail "the ui scale said more than once"
    grep -q '"event":"trainer_stopped","was_running":true' "$events" ||
        fail "SIG$sig: the running trainer was not stopped"
    echo "ok: --ui-scale $scale --size $size, resized three times while training, SIG$sig"
    [ $sig = TERM ] && sig=INT || sig=TERM
done
echo "ok"
