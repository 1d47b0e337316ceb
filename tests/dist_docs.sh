#!/bin/bash
# dist_docs.sh: the man page and the bash completion (dist/) against what the
# program says it takes. Every command listed by `digitpad --help`, and every
# option in `digitpad --help`, `digitpad --help-window` and each command's
# `--help`, must be in the man page and be offered by the completion in the
# right place; the version must be the same in the program, the man page,
# the newest release of the AppStream metainfo and debian/changelog.
# usage: dist_docs.sh DIGITPAD MAN_PAGE COMPLETION METAINFO DEBIAN_CHANGELOG
set -u
digitpad=$1 man=$2 completion=$3 metainfo=$4 changelog=$5
failed=0 passed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
ok() { passed=$((passed + 1)); }

# The options in a help text: --long ones, and -x ones at the start of a line.
options_of() {
    { grep -o -- '--[a-z][a-z0-9-]*' ; } <<<"$1"
    sed -n 's/^ *\(-[a-zA-Z]\)[ ,].*/\1/p' <<<"$1"
}

# The words the completion offers for the command line "$@" (the last word
# being completed).
offered() {
    bash -c '
        source "$0" || exit 1
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _digitpad
        printf "%s\n" "${COMPREPLY[@]}"' "$completion" "$@"
}

top=$("$digitpad" --help) || fail "digitpad --help failed"
commands=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\)  .*/\1/p' <<<"$top")
[ -n "$commands" ] || fail "no commands found in digitpad --help"

# The man page as plain text, each roff escape of a hyphen made a hyphen.
man_text=$(sed 's/\\-/-/g' "$man")

check_in_man() { # check_in_man WORD WHERE
    if grep -qF -- "$1" <<<"$man_text"; then ok; else fail "$2: $1 is not in the man page"; fi
}
check_offered() { # check_offered WORD WHERE COMMAND-LINE...
    local word=$1 where=$2
    shift 2
    if offered "$@" | grep -qxF -- "$word"; then ok; else
        fail "$where: the completion does not offer $word after '$*'"
    fi
}

for cmd in $commands; do
    grep -q "^\.B $cmd\$" "$man" && ok || fail "the man page has no .B $cmd entry"
    check_offered "$cmd" "commands" digitpad "${cmd:0:1}"
    help=$("$digitpad" "$cmd" --help) || fail "digitpad $cmd --help failed"
    for opt in $(options_of "$help" | sort -u); do
        check_in_man "$opt" "digitpad $cmd --help"
        check_offered "$opt" "digitpad $cmd" digitpad "$cmd" "${opt:0:2}"
    done
done

for opt in $(options_of "$top" | sort -u); do
    check_in_man "$opt" "digitpad --help"
done
for opt in --help -h --version -V --help-window; do
    check_offered "$opt" "digitpad" digitpad "${opt:0:2}"
done
window=$("$digitpad" --help-window) || fail "digitpad --help-window failed"
for opt in $(options_of "$window" | sort -u); do
    check_in_man "$opt" "digitpad --help-window"
    check_offered "$opt" "the window" digitpad "${opt:0:2}"
done

# Values: a view's name, and files where a model or pictures go.
check_offered mistakes "--view's values" digitpad --view m
check_offered mistakes "--view=VALUE" digitpad --view = m
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/model.json" "$tmp/digit.PNG" "$tmp/notes.txt"
check_offered "$tmp/model.json" "digitpad FILE" digitpad "$tmp/m"
check_offered "$tmp/digit.PNG" "predict's pictures" digitpad predict "$tmp/d"
if offered digitpad predict "$tmp/n" | grep -q notes.txt; then
    fail "predict offers a .txt file as a picture"
else ok; fi
check_offered "$tmp/model.json" "--model's value" digitpad eval --model "$tmp/"

# One version everywhere.
version=$("$digitpad" --version | sed -n 's/^digitpad //p')
[ -n "$version" ] || fail "no version from digitpad --version"
grep -q "^\.TH DIGITPAD 1 .* \"digitpad $version\"" "$man" && ok ||
    fail "the man page's .TH does not say digitpad $version"
newest=$(grep -o '<release version="[^"]*"' "$metainfo" | head -n 1 | cut -d'"' -f2)
[ "$newest" = "$version" ] && ok || fail "the metainfo's newest release is $newest, not $version"
deb=$(head -n 1 "$changelog" | sed -n 's/^digitpad (\([^)-]*\).*/\1/p')
[ "$deb" = "$version" ] && ok || fail "debian/changelog's version is $deb, not $version"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
