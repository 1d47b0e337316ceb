# bash completion for digitpad: its commands, each command's options, and
# file names where a file is wanted (model files, pictures, folders).
# Self-contained: it uses only bash's own compgen, so it also works sourced
# by hand without the bash-completion package. tests/dist_docs.sh checks that
# it offers every option the program's --help texts list.

# Sets COMPREPLY to the words of $1 that start with $2.
_digitpad_words()
{
    local IFS=$' \t\n'
    COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# Sets COMPREPLY to folders and to the files whose names end in one of the
# extensions in $2 (a regex alternation such as "png|jpg", any case),
# starting with $1; with $2 empty, all files.
_digitpad_files()
{
    local cur=$1 exts=$2 f
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -d -- "$cur"))
    if [ -n "$exts" ]; then
        for f in $(compgen -f -- "$cur"); do
            [ -d "$f" ] && continue
            [[ ${f,,} =~ \.($exts)$ ]] && COMPREPLY+=("$f")
        done
    else
        COMPREPLY+=($(compgen -f -- "$cur"))
    fi
}

_digitpad()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="train eval predict info convert bench"
    local models="json|keras|h5|onnx"
    local pictures="png|jpg|jpeg|bmp|pgm"

    # The command is the first word after digitpad that is not an option.
    local cmd="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            train|eval|predict|info|convert|bench) cmd=${COMP_WORDS[i]}; break ;;
            -*) ;;
            *) break ;;
        esac
    done

    # "--flag=VALUE": bash splits it at "=" into three words (COMP_WORDBREAKS)
    # or, with "=" taken out of those, leaves one.
    if [[ $cur == = ]]; then
        cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    # Values of the options that take one.
    case $prev in
        --model) _digitpad_files "$cur" "$models"; return ;;
        --out|--screenshot) _digitpad_files "$cur" ""; return ;;
        --drop) _digitpad_files "$cur" "$models"; return ;;
        --data) compopt -o filenames 2>/dev/null; local IFS=$'\n'
            COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --view) _digitpad_words "hidden weights why mistakes log neuron network" "$cur"; return ;;
        --to) _digitpad_words "digitpad onnx tfjs keras" "$cur"; return ;;
        --activation) _digitpad_words "relu linear sigmoid tanh" "$cur"; return ;;
        --recipe) _digitpad_words "article simard" "$cur"; return ;;
        --augment) _digitpad_words "affine elastic both none" "$cur"; return ;;
        --also) compopt -o filenames 2>/dev/null; local IFS=$'\n'
            COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --layers) _digitpad_words "128 256,128,64" "$cur"; return ;;
        --epochs|--batch|--lr|--lr-decay|--average-last|--clean-last|--seed|--limit|--speed|--size|--ui-scale|--gallery|--test-digit|\
        --quit-after-ms|--screenshot-after-ms|--screenshot-after-epoch|--draw)
            return ;;
    esac

    local opts
    case $cmd in
        train) opts="--data --model --layers --activation --not-a-digit --recipe --augment --lr-decay --average-last --clean-last --also
                     --epochs --batch --lr --seed --limit --out
                     --quiet -q --help -h" ;;
        eval) opts="--model --data --json --help -h" ;;
        predict) opts="--model --json --raw --help -h --" ;;
        info) opts="--model --help -h" ;;
        convert) opts="--to --help -h" ;;
        bench) opts="--json --quick --data --layers --help -h" ;;
        *) opts="--help -h --version -V --help-window
                 --model --data --fresh --train --layers --epochs --batch --lr --seed
                 --limit --speed --size --ui-scale --view --print-events --screenshot
                 --screenshot-after-ms --screenshot-after-epoch --draw --drop --gallery
                 --test-digit --quit-after-ms --quit-after-training --lesson" ;;
    esac

    if [[ $cur == -* ]]; then
        _digitpad_words "$opts" "$cur"
        return
    fi
    case $cmd in
        predict) _digitpad_files "$cur" "$pictures" ;;
        info|convert) _digitpad_files "$cur" "$models" ;;
        train|eval|bench) ;;
        *)
            # The first word: a command, or a model file to open in the window.
            if ((COMP_CWORD == 1)); then
                _digitpad_files "$cur" "$models"
                local IFS=$' \t\n'
                COMPREPLY+=($(compgen -W "$commands" -- "$cur"))
            fi
            ;;
    esac
}

complete -F _digitpad digitpad
