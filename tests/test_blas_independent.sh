#!/bin/sh
# test_blas_independent.sh DIGITPAD: training makes the same bits whichever
# kernels OpenBLAS picks for this CPU (OPENBLAS_CORETYPE) and whichever
# expf and log glibc picks (with and without FMA, GLIBC_TUNABLES): the
# products that reach the model are digitpad's own (dense_kernels.h). With
# the BLAS's sgemm, Prescott, Haswell and SkylakeX kernels each trained a
# model of their own. Needs MNIST (DIGITPAD_DATA); skipped without it.
set -u
digitpad=${1:?usage: test_blas_independent.sh path/to/digitpad}
data=${DIGITPAD_DATA:-}
if [ -z "$data" ] || ! [ -d "$data" ]; then
    echo "no MNIST in '$data': skipped"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# The kernels this CPU can run: forcing SkylakeX on a CPU without AVX-512
# would stop at its first instruction.
coretypes=Prescott
grep -qw avx2 /proc/cpuinfo && coretypes="$coretypes Haswell"
grep -qw avx512f /proc/cpuinfo && coretypes="$coretypes SkylakeX"

train() { # train NAME [VAR=VALUE...]: a small model into $tmp/NAME.json
    name=$1
    shift
    if env "$@" "$digitpad" train --data "$data" --limit 2000 --epochs 1 --out "$tmp/$name.json" \
        > "$tmp/$name.out" 2>&1; then
        ok
    else
        fail "train with $*: $(cat "$tmp/$name.out")"
    fi
}

train default
# Learning, not just agreement: 2000 images for one epoch reach well past
# the 10 % of guessing.
acc=$(sed -n 's/.*test accuracy: \([0-9.]*\).*/\1/p' "$tmp/default.out")
if [ -n "$acc" ] && awk "BEGIN { exit !($acc > 0.8) }"; then ok; else
    fail "one epoch on 2000 images: test accuracy '$acc', expected > 0.8"
fi
for core in $coretypes; do
    train "$core" OPENBLAS_CORETYPE="$core"
    if cmp -s "$tmp/default.json" "$tmp/$core.json"; then ok; else
        fail "OPENBLAS_CORETYPE=$core trains other bits than the default"
    fi
done
# glibc's expf and log without their FMA versions (glibc >= 2.26 reads the
# tunable; an older one ignores it and the run is one more repeat).
train nofma GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA
if cmp -s "$tmp/default.json" "$tmp/nofma.json"; then ok; else
    fail "glibc's non-FMA expf and log train other bits"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
