#!/bin/sh
# End to end under Xvfb (issue 12): the article's arithmetic on screen at
# 900x600, 1280x800, 1920x1080 and UI scales 1.5 and 2. In each window a 3
# is drawn (--draw), the scores event is checked (784 inputs between 0 and
# 1, ten logits, ten probabilities summing to 1, the same argmax as the
# prediction), the network's input is hovered (the pixel's value), the
# answer is clicked (softmax worked out), a bar is right-clicked and
# Shift+8 pressed (the loss named), L opens the lesson and Right walks it
# to its softmax step and on to the end, Ctrl+Q closes. A screenshot of
# each state is kept (KEEP_DIR) for people to look at.
# usage: scores.sh DIGITPAD [KEEP_DIR]
set -u
. "$(dirname "$0")/lib.sh"
digitpad=$1
keep=${2:-}
case $digitpad in /*) ;; *) digitpad=$(pwd)/$digitpad ;; esac
case $keep in /* | "") ;; *) keep=$(pwd)/$keep ;; esac
. "$(dirname "$0")/xvfb.sh"
xvfb_run_self 2000x1200 "$0" "$@"
xvfb_asan_renderer "$digitpad"

work=$(mktemp -d)
pid=
trap cleanup EXIT
cd "$work" || exit 1
events=$work/events
fail() { echo "FAIL ($label): $*"; echo "--- events"; cut -c1-300 "$events"; echo "--- stderr"; cat "$work/stderr"; exit 1; }
lines() { wc -l <"$events"; }
field() { # $1 json line, $2 rect name, $3 x|y|w|h
    echo "$1" | sed "s/.*\"$2\":{\"x\":\([0-9]*\),\"y\":\([0-9]*\),\"w\":\([0-9]*\),\"h\":\([0-9]*\)}.*/\1 \2 \3 \4/" |
        awk -v k="$3" '{ print (k == "x" ? $1 : k == "y" ? $2 : k == "w" ? $3 : $4) }'
}
shoot() { # $1 the kept copy's name
    n=$(($(lines) + 1))
    xdotool key F12
    wait_for '"event":"screenshot"' 50 "$n" || fail "no screenshot of $1"
    shot=$(tail -n +"$n" "$events" | grep '"event":"screenshot"' | tail -n 1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
    [ -s "$shot" ] || fail "the screenshot $shot is missing"
    [ -n "$keep" ] && cp "$shot" "$keep/scores-$1-$label.png"
    rm -f "$shot"
}

three="3,5;12,3;20,5;22,9;18,13;12,14|12,14;18,15;22,19;20,24;12,26;4,23"
for run in 900x600:1 1280x800:1 1920x1080:1 1280x800:1.5 1280x800:2 1920x1080:2; do
    size=${run%:*}
    scale=${run#*:}
    label=$size-x$scale
    : >"$events"
    "$digitpad" --print-events --size "$size" --ui-scale "$scale" --draw "$three" \
        --quit-after-ms 60000 >"$events" 2>"$work/stderr" &
    pid=$!
    wait_for '"event":"scores"' 100 || fail "no scores event after drawing"
    wait_for '"event":"ready"' 100 || fail "no ready event"
    ready=$(grep '"event":"ready"' "$events" | head -n 1)
    # The scores event: 784 inputs in [0, 1], ten logits, ten probabilities summing to 1,
    # and the prediction's class is the largest of both.
    sc=$(grep '"event":"scores"' "$events" | tail -n 1)
    pred=$(grep '"event":"prediction"' "$events" | tail -n 1 | sed 's/.*"index":\([0-9]*\),.*/\1/')
    echo "$sc" | awk -v pred="$pred" '
        function list(name,   s, a) {
            s = $0; sub(".*\"" name "\":\\[", "", s); sub("\\].*", "", s); return split(s, arr, ",")
        }
        {
            n = list("input"); if (n != 784) { print "inputs: " n; exit 1 }
            for (i = 1; i <= n; i++) if (arr[i] < 0 || arr[i] > 1) { print "input " arr[i]; exit 1 }
            n = list("logits"); if (n != 10) { print "logits: " n; exit 1 }
            best = 1; for (i = 2; i <= n; i++) if (arr[i] + 0 > arr[best] + 0) best = i
            n = list("probs"); if (n != 10) { print "probs: " n; exit 1 }
            t = 0; bp = 1; for (i = 1; i <= n; i++) { t += arr[i]; if (arr[i] + 0 > arr[bp] + 0) bp = i }
            if (t < 0.99999 || t > 1.00001) { print "sum " t; exit 1 }
            if (best - 1 != pred || bp - 1 != pred) { print "argmax " best - 1 " " bp - 1 " vs " pred; exit 1 }
        }' || fail "the scores event is wrong: $(echo "$sc" | cut -c1-200)..."
    [ "$pred" = 3 ] || echo "note ($label): the 3 was read as $pred"

    wid=$(xdotool search --sync --name '^digitpad$' | head -n 1)
    [ -n "$wid" ] || fail "no X window"
    eval "$(xdotool getwindowgeometry --shell "$wid")"
    xdotool windowfocus --sync "$wid" 2>/dev/null || true
    bx=$(field "$ready" bars x); by=$(field "$ready" bars y); bh=$(field "$ready" bars h)
    s=$(echo "$ready" | sed 's/.*"scale":\([0-9.]*\).*/\1/')
    at() { awk -v X="$X" -v Y="$Y" -v x="$1" -v y="$2" 'BEGIN { printf "%d %d", X + x, Y + y }'; }
    sp() { awk -v s="$s" -v v="$1" 'BEGIN { printf "%d", v * s }'; }

    # The network's input, hovered in the middle of its picture (the guess panel is
    # at most 84 design pixels under it, the gaps 14).
    xdotool mousemove $(at $((bx + $(sp 55))) $((by - $(sp 170))))
    sleep 0.4
    shoot pixel
    # The answer clicked: softmax worked out; bar 8 right-clicked, then Shift+5.
    xdotool mousemove $(at $((bx + $(sp 40))) $((by - $(sp 40)))) click 1
    sleep 0.3
    row=$((bh / 10))
    xdotool mousemove $(at $((bx + $(sp 60))) $((by + 8 * row + row / 2))) click 3
    sleep 0.3
    shoot worked
    xdotool key shift+5
    xdotool mousemove $(at $((bx + $(sp 40))) $((by - $(sp 40)))) click 1
    sleep 0.3
    shoot loss
    # The lesson: L, then Right through every step (its softmax step kept), Esc.
    xdotool key l
    sleep 0.3
    shoot lesson-1
    for k in 2 3 4 5; do
        xdotool key Right
        sleep 0.2
    done
    shoot lesson-5
    xdotool key Right Right Right
    sleep 0.2
    shoot lesson-8
    xdotool key Escape
    kill -0 "$pid" 2>/dev/null || fail "the window died"
    xdotool key ctrl+q
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not close the window"
    wait "$pid"
    rc=$?
    pid=
    [ $rc = 0 ] || fail "exit status $rc"
    grep -q '"event":"error"' "$events" && fail "an error event"
    echo "ok $label: a $pred, scores event checked, 7 screenshots"
done
exit 0
