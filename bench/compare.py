#!/usr/bin/python3
"""digitpad against PyTorch, measured in one run on one machine.

Runs `digitpad bench --json` and `bench/pytorch_reference.py --json` in
turn, --rounds times each (digitpad, PyTorch, digitpad, PyTorch, ...), so
that a slow spell of the machine hits both alike, and prints the figures
side by side with their ratios, as a Markdown table, and issue 4's targets
with what was measured. Each figure is the median over the rounds of the
two programs' own medians.

    /usr/bin/python3 bench/compare.py [--rounds 2] [--digitpad build/digitpad] [--json FILE]

Needs Debian's python3-torch and MNIST (scripts/fetch-mnist). Takes about
a minute a round. Not part of the tests or CI.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_json(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def median_of(reports, path):
    """The median over rounds of the value at path (keys and list indices)."""
    values = []
    for r in reports:
        v = r
        for key in path:
            v = v[key]
        values.append(v)
    return statistics.median(values)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=2, help="runs of each program (2)")
    ap.add_argument("--digitpad", default=os.path.join(ROOT, "build", "digitpad"))
    ap.add_argument("--json", help="also write every report to this file")
    args = ap.parse_args()

    dp, pt = [], []
    for i in range(args.rounds):
        print(f"round {i + 1} of {args.rounds}: digitpad bench", file=sys.stderr)
        dp.append(run_json([args.digitpad, "bench", "--json"]))
        print(f"round {i + 1} of {args.rounds}: pytorch_reference.py", file=sys.stderr)
        pt.append(run_json([sys.executable, os.path.join(HERE, "pytorch_reference.py"), "--json"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"digitpad": dp, "pytorch": pt}, f)

    def both(dpath, ppath):
        return median_of(dp, dpath), median_of(pt, ppath)

    rows = []

    def row(label, d, p, fmt, higher_is_better):
        ratio = d / p if higher_is_better else p / d
        rows.append((label, fmt.format(d), fmt.format(p), f"{ratio:.1f}×"))

    d5, p5 = both(["full_training", "seconds"], ["full_training", "seconds"])
    da, pa = both(["full_training", "test_accuracy"], ["full_training", "test_accuracy"])
    for b in (0, 1):
        d, p = both(["models", 0, "train", b, "samples_per_s"],
                    ["models", 0, "train", b, "samples_per_s"])
        row(f"784-128-10 training, batch {32 * 4 ** b}, samples/s", d, p, "{:,.0f}", True)
    row("784-128-10, 5 epochs at batch 32, s", d5, p5, "{:.2f}", False)
    rows.append(("test accuracy after those 5 epochs", f"{da:.4f}", f"{pa:.4f}", ""))
    d, p = both(["models", 0, "inference", "p50_us"], ["models", 0, "inference", "p50_us"])
    row("one image, uint8 → probabilities, p50, µs", d, p, "{:.2f}", False)
    d, p = both(["models", 0, "inference", "p99_us"], ["models", 0, "inference", "p99_us"])
    row("the same, p99, µs", d, p, "{:.2f}", False)
    d, p = both(["peak_rss_mib", "training"], ["peak_rss_mib", "training"])
    row("peak RSS while training, MiB", d, p, "{:.1f}", False)
    for b in (0, 1):
        d, p = both(["models", 1, "train", b, "samples_per_s"],
                    ["models", 1, "train", b, "samples_per_s"])
        layers = "-".join(str(n) for n in dp[0]["models"][1]["layers"])
        row(f"{layers} training, batch {32 * 4 ** b}, samples/s", d, p, "{:,.0f}", True)

    if len(dp[0]["models"]) > 2 and len(pt[0]["models"]) > 2:
        for b in (0, 1):
            d, p = both(["models", 2, "train", b, "samples_per_s"],
                        ["models", 2, "train", b, "samples_per_s"])
            row(f"784-800-10 training, batch {32 * 4 ** b}, samples/s", d, p, "{:,.0f}", True)

    m = dp[0]["machine"]
    print(f"Machine: {m['cpu']} ({platform.machine()}), {m['blas']}, {m['blas_threads']} thread; "
          f"torch {pt[0]['machine']['torch']}, numpy {pt[0]['machine']['numpy']}.")
    shares = [r["cpu_share"] for r in dp + pt]
    print(f"{args.rounds} rounds; CPU share of wall time {100 * min(shares):.0f}-{100 * max(shares):.0f} %"
          " (well below 100 % means something else took the CPU).\n")
    print("| Measure | digitpad | PyTorch | PyTorch / digitpad |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")

    t = dp[0]["models"][0]["train"][0]
    load = median_of(dp, ["models", 0, "json", "load_ms"])
    save = median_of(dp, ["models", 0, "json", "save_ms"])
    p50 = median_of(dp, ["models", 0, "inference", "p50_us"])
    rss = median_of(dp, ["peak_rss_mib", "training"])
    step = median_of(dp, ["models", 0, "train", 0, "step_us"])
    floor = median_of(dp, ["models", 0, "train", 0, "sgemm_us"]) + \
        median_of(dp, ["models", 0, "train", 0, "adam_us"])
    print("\nIssue 4's targets, as measured:")
    checks = [
        (f"5 epochs ≤ 1.6 s: {d5:.2f} s", d5 <= 1.6),
        (f"≥ 6× PyTorch in the same run: {p5 / d5:.1f}×", p5 / d5 >= 6.0),
        (f"test accuracy ≥ 0.975: {da:.4f}", da >= 0.975),
        (f"step within 15 % of dense products + Adam: {step:.1f} µs against {floor:.1f} µs "
         f"({step / floor:.2f}×)", step <= 1.15 * floor),
        (f"peak memory while training ≤ 96 MiB: {rss:.1f} MiB", rss <= 96.0),
        (f"one-image inference p50 ≤ 4 µs: {p50:.2f} µs", p50 <= 4.0),
        (f"model JSON load ≤ 25 ms, save ≤ 40 ms: {load:.1f} / {save:.1f} ms",
         load <= 25.0 and save <= 40.0),
    ]
    for text, ok in checks:
        print(f"  {'met' if ok else 'NOT MET'}: {text}")

    # Issue 13: distortions cost at most a fifth of plain training's rate
    # (784-128-10, batch 32, same run), and 784-800-10 at least 5x PyTorch.
    if "augment" in dp[0]["models"][0] and len(dp[0]["models"]) > 2 and len(pt[0]["models"]) > 2:
        print("\nIssue 13's targets, as measured:")
        ratios = {k: median_of(dp, ["models", 0, "augment", k, "vs_plain"])
                  for k in ("affine", "elastic", "both")}
        d800 = median_of(dp, ["models", 2, "train", 0, "samples_per_s"])
        p800 = median_of(pt, ["models", 2, "train", 0, "samples_per_s"])
        for k, r in ratios.items():
            print(f"  {'met' if r >= 0.8 else 'NOT MET'}: training with {k} distortions "
                  f"≥ 80 % of plain's samples/s: {100 * r:.0f} %")
        print(f"  {'met' if d800 >= 5 * p800 else 'NOT MET'}: 784-800-10 at batch 32 ≥ 5× "
              f"PyTorch: {d800:,.0f} against {p800:,.0f} samples/s ({d800 / p800:.1f}×)")
    print(f"  (step parts, µs: batch {t['batch_us']:.1f}, forward {t['forward_us']:.1f}, "
          f"backward {t['backward_us']:.1f}, Adam + first kernel's gradient {t['update_us']:.1f}; "
          f"Adam alone {t['adam_us']:.1f})")


if __name__ == "__main__":
    main()
