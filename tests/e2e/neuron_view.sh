#!/bin/sh
# End to end under Xvfb (issue 12): the window opens on the network view
# (--view network) with MNIST test image N on the canvas, a hidden unit of
# the diagram is clicked with xdotool where the network event says it is
# drawn, the neuron view opens on that unit, and its neuron event's bias,
# sum and output are checked against the model file's own arithmetic,
# redone here in Python from the JSON weights and the IDX test image. Then
# Up goes to the output layer (a softmax unit, checked the same way), and
# 7 and 6 switch the views with the keyboard.
# usage: neuron_view.sh DIGITPAD MODEL.json
set -u
. "$(dirname "$0")/lib.sh"
digitpad=$1
model=$2
case $digitpad in /*) ;; *) digitpad=$(pwd)/$digitpad ;; esac
case $model in /*) ;; *) model=$(pwd)/$model ;; esac
mnist=
for d in "${DIGITPAD_DATA:-}" ./data/mnist "${DIGITPAD_SOURCE_DIR:-}/data/mnist" \
    "${XDG_DATA_HOME:-$HOME/.local/share}/digitpad/mnist"; do
    [ -n "$d" ] || continue
    for f in "$d"/t10k-images-idx3-ubyte "$d"/t10k-images-idx3-ubyte.gz; do
        [ -f "$f" ] && { mnist=$f; break 2; }
    done
done
[ -n "$mnist" ] || { echo "skipped: no MNIST (scripts/fetch-mnist fetches it)"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
. "$(dirname "$0")/xvfb.sh"
xvfb_run_self 1600x1000 "$0" "$@"
xvfb_asan_renderer "$digitpad"

work=$(mktemp -d)
trap cleanup EXIT
events=$work/events
fail() { echo "FAIL: $*"; echo "--- events"; grep -v '"progress"' "$events"; echo "--- stderr"; cat "$work/stderr"; exit 1; }
cd "$work" || exit 1
: >"$events" # there before the first look at it
image=7
"$digitpad" --print-events --size 1280x800 --model "$model" --data "$(dirname "$mnist")" \
    --view network --test-digit $image >"$events" 2>"$work/stderr" &
pid=$!

lines() { wc -l <"$events"; }

wait_for '"event":"network"' 100 || fail "no network event with the view shown"
wait_for '"event":"test_digit"' 300 || fail "test image $image never reached the canvas"
sleep 0.5
wid=$(xdotool search --sync --name '^digitpad$' | head -n 1)
[ -n "$wid" ] || fail "no X window named digitpad"
eval "$(xdotool getwindowgeometry --shell "$wid")"

# Hidden unit 37's cell, from the network event (drawable pixels = window
# pixels under Xvfb).
unit=37
net=$(grep '"event":"network"' "$events" | tail -n 1)
at=$(echo "$net" | python3 -c '
import json, sys
e = json.loads(sys.stdin.read()); g = e["layers"][0]; u = int(sys.argv[1])
print(g["x"] + (u % g["cols"]) * g["pitch"] + g["cell"] // 2, g["y"] + (u // g["cols"]) * g["pitch_y"] + g["cell"] // 2)
' $unit) || fail "cannot read the network event: $net"
set -- $at
n=$(lines)
xdotool mousemove $((X + $1)) $((Y + $2)) click 1
wait_for "\"event\":\"neuron\",\"layer\":1,\"unit\":$unit," 50 "$n" || fail "clicking hidden unit $unit did not open it in the neuron view"
grep -q '"event":"view","name":"neuron"' "$events" || fail "no view event for the neuron view"

# Redoes one unit's arithmetic from the model file and the test image.
check() { # event line
    echo "$1" | python3 -c '
import gzip, json, math, sys
ev = json.loads(sys.stdin.read())
model = json.load(open(sys.argv[1]))
path, index = sys.argv[2], int(sys.argv[3])
raw = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
assert int.from_bytes(raw[0:4], "big") == 2051
rows, cols = int.from_bytes(raw[8:12], "big"), int.from_bytes(raw[12:16], "big")
x = [b / 255.0 for b in raw[16 + index * rows * cols:16 + (index + 1) * rows * cols]]
layers = model["layers"]
def dense(l, x):
    k, b = l["kernel"], l["bias"]
    return [b[j] + sum(x[i] * k[i][j] for i in range(len(x)) if x[i]) for j in range(len(b))]
a = x
for l in layers[:ev["layer"] - 1]:
    a = [max(0.0, v) for v in dense(l, a)]
layer = layers[ev["layer"] - 1]
z = dense(layer, a)
u = ev["unit"]
if layer["activation"] == "softmax":
    m = max(z); e = [math.exp(v - m) for v in z]; out = e[u] / sum(e)
else:
    out = max(0.0, z[u])
ok = abs(ev["bias"] - layer["bias"][u]) <= 1e-8 and abs(ev["sum"] - z[u]) <= 1e-5 * (1 + abs(z[u])) \
    and abs(ev["output"] - out) <= 1e-5 * (1 + abs(out))
print("layer %d unit %d: bias %.7g sum %.7g output %.7g; from the file: %.7g %.7g %.7g" %
      (ev["layer"], u, ev["bias"], ev["sum"], ev["output"], layer["bias"][u], z[u], out))
sys.exit(0 if ok else 1)
' "$model" "$mnist" $image
}
ev=$(grep "\"event\":\"neuron\",\"layer\":1,\"unit\":$unit," "$events" | tail -n 1)
check "$ev" || fail "the neuron event disagrees with the model file: $ev"

# Up: the output layer's most active unit (the guess), a softmax unit.
n=$(lines)
xdotool key Up
wait_for '"event":"neuron","layer":2,' 50 "$n" || fail "Up did not go to layer 2"
ev=$(tail -n +"$n" "$events" | grep '"event":"neuron","layer":2,' | tail -n 1)
check "$ev" || fail "the output unit's event disagrees with the model file: $ev"
guess=$(grep '"event":"prediction"' "$events" | tail -n 1 | sed 's/.*"index":\([0-9]*\),.*/\1/')
echo "$ev" | grep -q "\"unit\":$guess," || fail "layer 2's most active unit is not the guess $guess: $ev"

# 7 and 6 with the keyboard.
n=$(lines)
xdotool key 7
wait_for '"event":"view","name":"network"' 30 "$n" || fail "7 did not show the network view"
xdotool key 6
wait_for '"event":"neuron",' 30 "$n" || fail "6 did not show the neuron view"
xdotool key ctrl+q
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$pid" 2>/dev/null && fail "Ctrl+Q did not close the window"
pid=
echo "ok: the neuron view's events agree with the model file"
