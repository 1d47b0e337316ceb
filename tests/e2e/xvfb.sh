# tests/e2e/xvfb.sh: the X server of the end-to-end tests that drive a real
# window with xdotool. Sourced (POSIX sh), not run:
#
#     . "$(dirname "$0")/xvfb.sh"
#     xvfb_run_self 1600x1000 "$0" "$@"    # after the test's own skips
#     xvfb_asan_renderer "$digitpad"
#
# xvfb_run_self SIZE SCRIPT ARGS...: in the test as meson starts it, starts
# Xvfb with one SIZE screen (24-bit) on a free display, runs SCRIPT ARGS
# again on it (DISPLAY set, DIGITPAD_E2E_INNER=1), stops Xvfb and exits
# with the script's status. In that inner run it returns at once. Skips the
# test (77, meson's code) without Xvfb or xdotool, fails it (1) when Xvfb
# does not start, with Xvfb's own messages.
#
# Xvfb picks the display itself (-displayfd: the first free one, taken with
# its lock file, so tests and other users starting servers at the same
# time never collide) and writes its number once it accepts clients, so
# there is no polling and no sleep. It listens on no TCP port and keeps
# its output in a file of its own: a server left behind would otherwise
# hold meson's output pipe open.
xvfb_run_self() {
    if [ -n "${DISPLAY:-}" ] && [ "${DIGITPAD_E2E_INNER:-}" = 1 ]; then
        return 0
    fi
    command -v Xvfb >/dev/null || { echo "skipped: no Xvfb"; exit 77; }
    command -v xdotool >/dev/null || { echo "skipped: no xdotool"; exit 77; }
    xvfb_size=$1
    shift
    xvfb_dir=$(mktemp -d) || exit 1
    xvfb_pid=
    xvfb_child=
    trap 'xvfb_stop' EXIT
    trap 'xvfb_signal 129' HUP
    trap 'xvfb_signal 130' INT
    trap 'xvfb_signal 143' TERM
    mkfifo "$xvfb_dir/displayfd" || exit 1
    Xvfb -displayfd 3 -screen 0 "${xvfb_size}x24" -nolisten tcp \
        3>"$xvfb_dir/displayfd" >"$xvfb_dir/log" 2>&1 </dev/null &
    xvfb_pid=$!
    # A line with the number once the server is up; end of file (nothing
    # read) if it died first.
    xvfb_display=
    read -r xvfb_display <"$xvfb_dir/displayfd"
    case $xvfb_display in
    '' | *[!0-9]*)
        echo "FAIL: Xvfb did not start (-screen 0 ${xvfb_size}x24):"
        tail -n 20 "$xvfb_dir/log"
        exit 1
        ;;
    esac
    # In the background, waited for: a signal to this shell ends the wait
    # at once, and is passed on (xvfb_signal).
    DISPLAY=:$xvfb_display DIGITPAD_E2E_INNER=1 "$@" &
    xvfb_child=$!
    wait "$xvfb_child"
    xvfb_status=$?
    xvfb_child=
    exit $xvfb_status
}

# A HUP, INT or TERM to the outer run: the test's run on the server is
# sent TERM and waited for, then the outer run exits with status $1
# (128 + the signal) and stops the server (a window the test started
# loses its display and ends).
xvfb_signal() {
    if [ -n "${xvfb_child:-}" ]; then
        kill "$xvfb_child" 2>/dev/null
        wait "$xvfb_child" 2>/dev/null
        xvfb_child=
    fi
    exit "$1"
}

# The EXIT trap of xvfb_run_self: the server stopped and waited for, its
# folder removed.
xvfb_stop() {
    if [ -n "${xvfb_pid:-}" ]; then
        kill "$xvfb_pid" 2>/dev/null
        wait "$xvfb_pid" 2>/dev/null
        xvfb_pid=
    fi
    [ -n "${xvfb_dir:-}" ] && rm -rf "$xvfb_dir"
}

# Under Xvfb OpenGL is Mesa's llvmpipe, which digitpad detects (by making an
# OpenGL renderer and asking it) and then draws with SDL's software
# renderer. Under AddressSanitizer that probe is skipped: SDL unloads Mesa
# at exit and LeakSanitizer can then no longer tell Mesa's allocations
# from digitpad's.
xvfb_asan_renderer() {
    if ldd "$1" 2>/dev/null | grep -q libasan; then
        export DIGITPAD_RENDERER=software
    fi
}
