# lib.sh: what the window's display tests share, sourced by them
# (`. "$(dirname "$0")/lib.sh"`). They set $events (the window's
# --print-events output), $pid (the window) and $work (a scratch folder).

# Whether MNIST is where the window would look for it.
have_mnist_dir() {
    for d in "${DIGITPAD_DATA:-}" ./data/mnist "${DIGITPAD_SOURCE_DIR:-}/data/mnist" \
        "${XDG_DATA_HOME:-$HOME/.local/share}/digitpad/mnist"; do
        [ -n "$d" ] || continue
        ls "$d"/train-images*idx3-ubyte* >/dev/null 2>&1 && return 0
    done
    return 1
}

# wait_for PATTERN TENTHS [FROM_LINE]: whether $events gets a line matching
# PATTERN (from line FROM_LINE on) within TENTHS tenths of a second, while
# the window lives.
wait_for() {
    i=0
    while [ $i -lt "$2" ]; do
        tail -n +"${3:-1}" "$events" | grep -q "$1" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# For `trap cleanup EXIT`: the window stopped, the scratch folder gone.
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
}
