#!/bin/sh
# test_predict.sh DIGITPAD: runs `digitpad predict` end to end on pictures
# and a model this script writes itself.
#
# The model is a single softmax layer that tells a "1" from a "0" by where
# the ink lies after normalisation: class 1 rewards ink in the middle
# columns (|x - 14| <= 2), class 0 ink further out (|x - 14| >= 4), classes
# 2..9 see nothing. Its labels are "zero", "one", "2".."9", so the output
# shows that labels come from the model. The pictures: a bar (a "1") drawn
# dark on white and off centre, as binary PGM and as BMP (read through
# SDL2_image); a ring (a "0") light on black as plain PGM; and broken ones.
set -u
export LC_ALL=C # awk prints bytes, not UTF-8 characters

digitpad=${1:?usage: test_predict.sh path/to/digitpad}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
# expect_in FILE TEXT WHAT: FILE must contain the fixed string TEXT.
expect_in() {
    if grep -qF -- "$2" "$1"; then ok; else fail "$3: no '$2' in: $(cat "$1")"; fi
}
expect_status() {
    if [ "$1" -eq "$2" ]; then ok; else fail "$3: exit status $1, expected $2"; fi
}

# ---- the model ----
awk 'BEGIN {
    printf "{\"format\": \"digitpad-mlp\", \"version\": 1,\n"
    printf " \"input\": {\"height\": 28, \"width\": 28, \"scale\": 0.00392156862745098, \"preprocess\": \"mnist\"},\n"
    printf " \"labels\": [\"zero\", \"one\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"],\n"
    printf " \"layers\": [{\"type\": \"dense\", \"activation\": \"softmax\", \"kernel\": [\n"
    for (r = 0; r < 784; r++) {
        d = r % 28 - 14; if (d < 0) d = -d
        w0 = d >= 4 ? 0.2 : -0.2
        w1 = d <= 2 ? 0.2 : -0.2
        printf "  [%s, %s, 0, 0, 0, 0, 0, 0, 0, 0]%s\n", w0, w1, r < 783 ? "," : ""
    }
    printf " ], \"bias\": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}]}\n"
}' > "$tmp/model.json"

# ---- the pictures ----
# bar.pgm: 48x64 binary PGM, white paper, a black bar 5 wide and 40 tall at x 8..12.
{
    printf 'P5\n# a bar, dark on light\n48 64\n255\n'
    awk 'BEGIN { for (y = 0; y < 64; y++) for (x = 0; x < 48; x++)
        printf "%c", (x >= 8 && x <= 12 && y >= 10 && y < 50) ? 1 : 255 }'
} > "$tmp/bar.pgm"
# awk cannot print a NUL byte everywhere, hence ink 1 of 255 above; check the size.
size=$(wc -c < "$tmp/bar.pgm")
if [ "$size" -eq $((36 + 48 * 64)) ]; then ok; else fail "bar.pgm is $size bytes"; fi

# ring.pgm: 40x50 plain PGM, maxval 15, a light elliptic ring on black.
awk 'BEGIN {
    printf "P2\n40 50\n15\n"
    for (y = 0; y < 50; y++) {
        for (x = 0; x < 40; x++) {
            dx = (x + 0.5 - 20) / 14; dy = (y + 0.5 - 25) / 20
            r = sqrt(dx * dx + dy * dy)
            printf "%d%s", (r > 0.75 && r < 1.0) ? 15 : 0, x < 39 ? " " : "\n"
        }
    }
}' > "$tmp/ring.pgm"

# bar.bmp: 32x32 24-bit BMP, white with a black bar at x 20..22, y 6..25.
white() { head -c "$1" /dev/zero | tr '\000' '\377'; }
black() { head -c "$1" /dev/zero; }
{
    # "BM", file size 3126, reserved, pixels at 54; BITMAPINFOHEADER: 40 bytes,
    # 32 x 32, 1 plane, 24 bits, no compression, 3072 bytes, 2835 px/m, no palette.
    printf 'BM\066\014\000\000\000\000\000\000\066\000\000\000'
    printf '\050\000\000\000\040\000\000\000\040\000\000\000\001\000\030\000'
    printf '\000\000\000\000\000\014\000\000\023\013\000\000\023\013\000\000'
    printf '\000\000\000\000\000\000\000\000'
    y=0
    while [ $y -lt 32 ]; do # bottom row first, 96 bytes a row
        if [ $y -ge 6 ] && [ $y -le 25 ]; then
            white 60; black 9; white 27
        else
            white 96
        fi
        y=$((y + 1))
    done
} > "$tmp/bar.bmp"

# bar28.pgm: 28x28, the bar already centred light on dark, for --raw.
awk 'BEGIN { printf "P2\n28 28\n255\n"
    for (y = 0; y < 28; y++) for (x = 0; x < 28; x++)
        printf "%d\n", (x >= 13 && x <= 15 && y >= 4 && y < 24) ? 255 : 0 }' > "$tmp/bar28.pgm"

printf 'P2\n4 4\n255\n0 0 0 0\n0 0 0 0\n0 0 0 0\n0 0 0 0\n' > "$tmp/blank.pgm"
printf 'P5\n10 10\n255\nabc' > "$tmp/short.pgm"
printf 'P5\n0 10\n255\n' > "$tmp/zero.pgm"
printf 'P5\n99999 10\n255\n' > "$tmp/huge.pgm"
printf 'P2\n2 1\n15\n3 16\n' > "$tmp/over.pgm"
echo 'not a picture' > "$tmp/notes.png"

run() { # run ARGS...: output to $tmp/out, errors to $tmp/err, status to $status
    "$digitpad" predict "$@" > "$tmp/out" 2> "$tmp/err"
    status=$?
}

# ---- good pictures ----
run --model "$tmp/model.json" "$tmp/bar.pgm" "$tmp/ring.pgm" "$tmp/bar.bmp"
expect_status $status 0 "good pictures"
expect_in "$tmp/out" "$tmp/bar.pgm: one (" "bar.pgm read as one"
expect_in "$tmp/out" "$tmp/ring.pgm: zero (" "ring.pgm read as zero"
expect_in "$tmp/out" "$tmp/bar.bmp: one (" "bar.bmp read as one"
expect_in "$tmp/out" "  zero:0." "probability line"
expect_in "$tmp/out" " 9:0.000" "probability line ends with 9"
lines=$(wc -l < "$tmp/out")
if [ "$lines" -eq 6 ]; then ok; else fail "expected 6 lines of text output, got $lines"; fi
if [ -s "$tmp/err" ]; then fail "good pictures wrote errors: $(cat "$tmp/err")"; else ok; fi

run --json --model="$tmp/model.json" "$tmp/bar.pgm" "$tmp/ring.pgm"
expect_status $status 0 "--json"
expect_in "$tmp/out" "{\"file\":\"$tmp/bar.pgm\",\"label\":\"one\",\"index\":1,\"probs\":[" "json bar"
expect_in "$tmp/out" "],\"inverted\":true}" "json bar inverted"
expect_in "$tmp/out" "\"label\":\"zero\",\"index\":0," "json ring"
expect_in "$tmp/out" "],\"inverted\":false}" "json ring not inverted"
lines=$(wc -l < "$tmp/out")
if [ "$lines" -eq 2 ]; then ok; else fail "expected 2 JSON lines, got $lines"; fi
if command -v python3 > /dev/null 2>&1; then
    if python3 -c 'import json, sys
for line in sys.stdin:
    o = json.loads(line)
    assert len(o["probs"]) == 10 and abs(sum(o["probs"]) - 1) < 1e-4, o' < "$tmp/out"; then
        ok
    else
        fail "JSON output does not parse: $(cat "$tmp/out")"
    fi
fi

run --raw --model "$tmp/model.json" "$tmp/bar28.pgm"
expect_status $status 0 "--raw"
expect_in "$tmp/out" "bar28.pgm: one (" "--raw bar"

# ---- bad pictures: one line each, the good one still answered, status 1 ----
run --model "$tmp/model.json" "$tmp/blank.pgm" "$tmp/short.pgm" "$tmp/bar.pgm" "$tmp/zero.pgm" \
    "$tmp/huge.pgm" "$tmp/over.pgm" "$tmp/notes.png" "$tmp/missing.pgm"
expect_status $status 1 "bad pictures"
expect_in "$tmp/out" "$tmp/bar.pgm: one (" "good picture among bad ones"
expect_in "$tmp/err" "digitpad: $tmp/blank.pgm: no ink found" "blank"
expect_in "$tmp/err" "digitpad: $tmp/short.pgm: PGM: truncated" "truncated"
expect_in "$tmp/err" "digitpad: $tmp/zero.pgm: picture has zero size" "zero size"
expect_in "$tmp/err" "digitpad: $tmp/huge.pgm: PGM: the width is over 16384" "huge"
expect_in "$tmp/err" "digitpad: $tmp/over.pgm: PGM: the pixel is over 15" "over maxval"
expect_in "$tmp/err" "digitpad: $tmp/notes.png: not a picture" "not a picture"
expect_in "$tmp/err" "digitpad: $tmp/missing.pgm: cannot open" "missing"
lines=$(wc -l < "$tmp/err")
if [ "$lines" -eq 7 ]; then ok; else fail "expected 7 error lines, got $lines: $(cat "$tmp/err")"; fi

# ---- pictures checked before they are decoded (issue 14) ----
# The fuzz corpus holds a 40x40 "7" in every format and variant predict reads;
# the bundled model must read each as 7.
pics=${DIGITPAD_SOURCE_DIR:?}/tests/fuzz/corpus/picture
run "$pics/seven.png" "$pics/seven-interlaced.png" "$pics/seven-rgba.png" "$pics/seven.jpg" \
    "$pics/seven-progressive.jpg" "$pics/seven.bmp" "$pics/seven-rle.bmp" "$pics/seven.pgm" \
    "$pics/seven-plain.pgm" "$pics/seven-cmyk.jpg"
expect_status $status 0 "a 7 in every format"
n=$(grep -c ': 7 (' "$tmp/out")
if [ "$n" -eq 10 ]; then ok; else fail "expected 10 pictures read as 7, got $n: $(cat "$tmp/out" "$tmp/err")"; fi
# The CMYK JPEG (ImageMagick's, Adobe-inverted) gives the plain JPEG's answer.
plain=$(grep '/seven.jpg: ' "$tmp/out" | sed 's/.*: //')
cmyk=$(grep '/seven-cmyk.jpg: ' "$tmp/out" | sed 's/.*: //')
if [ -n "$plain" ] && [ "$plain" = "$cmyk" ]; then ok; else fail "CMYK JPEG read as '$cmyk', the plain one as '$plain'"; fi

# Hostile and damaged pictures: refused at once, one line each, nothing from
# libpng or libjpeg. Before, these took gigabytes (the PNG 9.8 GB and 35 s),
# decoded GIF and SVG, and read the cut JPEG as a confident digit.
printf 'II*\000\010\000\000\000' > "$tmp/scan.tif"
printf 'qoif\000\000\000\001\000\000\000\001\003\000' > "$tmp/x.qoi"
printf '/* XPM */\nstatic char *x[] = {"1 1 1 1"};\n' > "$tmp/x.xpm"
printf '\012\005\001\010\000\000\000\000' > "$tmp/x.pcx"
run "$pics/huge-100000.png" "$pics/huge.gif" "$pics/huge.svg" "$pics/seven-cut.jpg" \
    "$pics/seven-cut.png" "$tmp/scan.tif" "$tmp/x.qoi" "$tmp/x.xpm" "$tmp/x.pcx" "$pics/seven.png"
expect_status $status 1 "hostile pictures"
expect_in "$tmp/out" "seven.png: 7 (" "a good picture after hostile ones"
expect_in "$tmp/err" "huge-100000.png: picture is 100000x100000, over the cap of 16384 pixels a side" "huge PNG"
expect_in "$tmp/err" "huge.gif: GIF pictures are not read: digitpad reads PNG, JPEG, BMP and PGM" "GIF"
expect_in "$tmp/err" "huge.svg: SVG pictures are not read" "SVG"
expect_in "$tmp/err" "seven-cut.jpg: JPEG: truncated: " "cut JPEG"
expect_in "$tmp/err" "seven-cut.png: PNG: truncated: chunk IDAT at byte 33 needs 220 bytes, 87 are left" "cut PNG"
expect_in "$tmp/err" "scan.tif: TIFF pictures are not read" "TIFF"
expect_in "$tmp/err" "x.qoi: QOI pictures are not read" "QOI"
expect_in "$tmp/err" "x.xpm: XPM pictures are not read" "XPM"
expect_in "$tmp/err" "x.pcx: PCX pictures are not read" "PCX"
lines=$(wc -l < "$tmp/err")
if [ "$lines" -eq 9 ]; then ok; else fail "expected 9 error lines, got $lines: $(cat "$tmp/err")"; fi
if grep -q 'libpng\|libjpeg\|Corrupt' "$tmp/err"; then fail "a library's own message: $(cat "$tmp/err")"; else ok; fi

# ---- numbers that cannot be trusted are not answers (issue 14) ----
sed 's/"scale": 0.00392156862745098/"scale": 1e300/' "$tmp/model.json" > "$tmp/scale.json"
run --model "$tmp/scale.json" "$tmp/bar.pgm"
expect_status $status 1 "scale 1e300"
expect_in "$tmp/err" "digitpad: $tmp/scale.json: input scale 1e+300 is not between 1e-09 and 1e+09" "scale 1e300"
if [ -s "$tmp/out" ]; then fail "scale 1e300 printed an answer: $(cat "$tmp/out")"; else ok; fi
sed 's/0\.2/3e38/g' "$tmp/model.json" > "$tmp/overflow.json"
run --model "$tmp/overflow.json" "$tmp/bar.pgm" "$tmp/ring.pgm"
expect_status $status 1 "weights that overflow"
expect_in "$tmp/err" "digitpad: $tmp/bar.pgm: $tmp/overflow.json gives no finite probabilities for this picture (NaN at output 0)" "weights that overflow"
lines=$(wc -l < "$tmp/err")
if [ "$lines" -eq 2 ] && ! [ -s "$tmp/out" ]; then ok; else fail "overflow: $(cat "$tmp/out" "$tmp/err")"; fi
if [ -f "${DIGITPAD_DATA:-/nonexistent}/t10k-labels-idx1-ubyte.gz" ] || [ -f "${DIGITPAD_DATA:-/nonexistent}/t10k-labels-idx1-ubyte" ]; then
    "$digitpad" eval --model "$tmp/overflow.json" > "$tmp/out" 2> "$tmp/err"
    expect_status $? 1 "eval with weights that overflow"
    expect_in "$tmp/err" "digitpad: $tmp/overflow.json: the model gives no finite probabilities on the test images (the loss is NaN)" "eval overflow"
    if [ -s "$tmp/out" ]; then fail "eval printed figures: $(cat "$tmp/out")"; else ok; fi
    # eval reads the test files only: a folder of just those does, and a
    # folder without them names them (not the training files).
    mkdir "$tmp/testonly"
    cp "$DIGITPAD_DATA"/t10k-* "$tmp/testonly/"
    "$digitpad" eval --model "$tmp/model.json" --data "$tmp/testonly" > "$tmp/out" 2> "$tmp/err"
    expect_status $? 0 "eval with the test files alone"
    expect_in "$tmp/out" "Samples:  10000" "eval with the test files alone"
    "$digitpad" eval --model "$tmp/model.json" --data /dev/null > "$tmp/out" 2> "$tmp/err"
    expect_status $? 1 "eval --data /dev/null"
    expect_in "$tmp/err" "digitpad: /dev/null: no MNIST there (no t10k-images-idx3-ubyte, t10k-images.idx3-ubyte or either with .gz)" "eval names the test files"
    if grep -q train-images "$tmp/err"; then fail "eval asked for the training files"; else ok; fi
fi

# ---- nothing raw to the terminal (issue 14) ----
# Labels that would clear the screen and retitle the terminal, printed escaped.
sed 's/"labels": \["zero", "one",/"labels": ["\\u001b[2J\\u001b]0;pwned\\u0007", "one\\u009b31m",/' \
    "$tmp/model.json" > "$tmp/escapes.json"
run --model "$tmp/escapes.json" "$tmp/bar.pgm" "$tmp/ring.pgm"
expect_status $status 0 "escaped labels"
expect_in "$tmp/out" 'bar.pgm: one\u009b31m (' "C1 control escaped"
expect_in "$tmp/out" ' \x1b[2J\x1b]0;pwned\x07:' "C0 controls escaped"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/out" || LC_ALL=C grep -q "$(printf '\302\233')" "$tmp/out"; then
    fail "a control character reached the output: $(od -c "$tmp/out" | head -5)"
else
    ok
fi
run --json --model "$tmp/escapes.json" "$tmp/ring.pgm"
expect_in "$tmp/out" '"label":"\u001b[2J\u001b]0;pwned\u0007"' "JSON escapes"
if [ -f "${DIGITPAD_DATA:-/nonexistent}/t10k-labels-idx1-ubyte.gz" ] || [ -f "${DIGITPAD_DATA:-/nonexistent}/t10k-labels-idx1-ubyte" ]; then
    "$digitpad" eval --model "$tmp/escapes.json" > "$tmp/out" 2> "$tmp/err"
    expect_in "$tmp/out" '  \x1b[ |' "eval escapes the row label (five characters of it)"
    if LC_ALL=C grep -q "$(printf '\033')" "$tmp/out"; then fail "eval printed an escape"; else ok; fi
fi
# A label that is not UTF-8 is refused when the model is read.
printf '%s' "$(cat "$tmp/model.json")" | sed 's/"labels": \["zero"/"labels": ["z\xe9ro"/' > "$tmp/latin1.json"
run --model "$tmp/latin1.json" "$tmp/bar.pgm"
expect_status $status 1 "label not UTF-8"
expect_in "$tmp/err" "digitpad: $tmp/latin1.json: labels[0]: not valid UTF-8 (byte 1 is 0xe9)" "label not UTF-8"

# ---- bad use ----
run --model "$tmp/model.json" --foo "$tmp/bar.pgm"
expect_status $status 2 "unknown option"
expect_in "$tmp/err" "digitpad: --foo: unknown option for predict" "unknown option"
run --model "$tmp/model.json"
expect_status $status 2 "no pictures"
run "$tmp/bar.pgm" --model
expect_status $status 2 "--model without a value"
run --model "$tmp/nothing.json" "$tmp/bar.pgm"
expect_status $status 1 "missing model"
expect_in "$tmp/err" "digitpad: $tmp/nothing.json: " "missing model"
printf '{"format": "digitpad-mlp"' > "$tmp/broken.json"
run --model "$tmp/broken.json" "$tmp/bar.pgm"
expect_status $status 1 "broken model"
expect_in "$tmp/err" "digitpad: $tmp/broken.json: " "broken model"
run --help
expect_status $status 0 "--help"
expect_in "$tmp/out" "usage: digitpad predict" "--help"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
