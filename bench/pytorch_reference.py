#!/usr/bin/python3
"""The article's MNIST model trained in PyTorch, timed like `digitpad bench`.

Same model (784-128-10, ReLU, softmax cross-entropy), same training (Adam
lr 1e-3, betas 0.9/0.999, eps 1e-7, batch 32, shuffled every epoch,
Glorot-uniform kernels and zero biases, 5 epochs), on one thread, with the
settings that made PyTorch fastest here: the whole training set as one float
tensor, batches taken by index, Adam's foreach implementation.

Prints training samples/s at batch 32 and 128 (and the same GFLOP/s count as
digitpad bench), the 5-epoch wall time and test accuracy, one-image inference
latency p50/p99 from a uint8 28x28 image to probabilities, and peak RSS.

Run with Debian's python3-torch:  /usr/bin/python3 bench/pytorch_reference.py
Not part of the tests or CI.
"""
import argparse
import gzip
import json
import os
import platform
import resource
import statistics
import sys
import time

# One thread for everything, set before numpy and torch load their BLAS:
# torch.set_num_threads covers torch's own pool, not the OpenBLAS that
# Debian's torch calls through the generic BLAS interface.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------
# IDX files, read here with numpy (raw or .gz, either naming).

def _open_idx(folder, prefix, kind, dims):
    names = [f"{prefix}-{kind}-idx{dims}-ubyte", f"{prefix}-{kind}.idx{dims}-ubyte"]
    for name in names:
        for suffix in ("", ".gz"):
            path = os.path.join(folder, name + suffix)
            if os.path.exists(path):
                opener = gzip.open if suffix else open
                with opener(path, "rb") as f:
                    return path, f.read()
    raise FileNotFoundError(f"{folder}: no {names[0]} (nor .gz or the dotted name)")


def read_idx(folder, prefix):
    """Images (n, 784) uint8 and labels (n,) uint8 of one MNIST split."""
    path, buf = _open_idx(folder, prefix, "images", 3)
    magic, n, rows, cols = np.frombuffer(buf, ">u4", 4)
    if magic != 0x803 or len(buf) != 16 + int(n) * int(rows) * int(cols):
        raise ValueError(f"{path}: not an IDX image file of the size its header says")
    images = np.frombuffer(buf, np.uint8, offset=16).reshape(int(n), int(rows) * int(cols))
    path, buf = _open_idx(folder, prefix, "labels", 1)
    magic, m = np.frombuffer(buf, ">u4", 2)
    if magic != 0x801 or m != n or len(buf) != 8 + int(m):
        raise ValueError(f"{path}: not an IDX label file matching the images")
    labels = np.frombuffer(buf, np.uint8, offset=8)
    return images, labels


def find_mnist(given):
    candidates = [given] if given else [
        os.environ.get("DIGITPAD_DATA"),
        os.path.join(os.getcwd(), "data", "mnist"),
        os.path.join(HERE, "..", "data", "mnist"),
        os.path.join(os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"),
                     "digitpad", "mnist"),
    ]
    for folder in candidates:
        if folder and any(os.path.exists(os.path.join(folder, n)) for n in (
                "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz",
                "train-images.idx3-ubyte", "train-images.idx3-ubyte.gz")):
            return os.path.normpath(folder)
    sys.exit("pytorch_reference.py: no MNIST found; pass --data DIR or run scripts/fetch-mnist")


# --------------------------------------------------------------------------
# The model and its training.

def make_model(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        dense = nn.Linear(sizes[i], sizes[i + 1])
        nn.init.xavier_uniform_(dense.weight)  # Keras's glorot_uniform
        nn.init.zeros_(dense.bias)
        layers.append(dense)
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)  # logits; softmax lives in the loss and in predict


def make_adam(model):
    kwargs = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    try:
        return torch.optim.Adam(model.parameters(), foreach=True, **kwargs), True
    except TypeError:  # a torch without the foreach switch
        return torch.optim.Adam(model.parameters(), **kwargs), False


class Trainer:
    """One model, its optimiser and the epoch's shuffled order, a step at a time."""

    def __init__(self, sizes, x, y, batch):
        self.model = make_model(sizes)
        self.opt, self.foreach = make_adam(self.model)
        self.x, self.y, self.batch = x, y, batch
        self.pos, self.perm = len(y), None

    def step(self):
        n = len(self.y)
        if self.pos >= n:
            self.perm = torch.randperm(n)
            self.pos = 0
        idx = self.perm[self.pos:self.pos + self.batch]
        self.pos += self.batch
        loss = F.cross_entropy(self.model(self.x[idx]), self.y[idx])
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return len(idx)

    def chunk(self, samples):
        """Trains about `samples` samples; returns samples/s."""
        done, t0 = 0, time.perf_counter()
        while done < samples:
            done += self.step()
        return done / (time.perf_counter() - t0)


def step_flops_per_sample(sizes):
    """digitpad bench's count: forward and dW for every layer, dX for all but the first."""
    f = 0
    for i in range(len(sizes) - 1):
        io = sizes[i] * sizes[i + 1]
        f += 2 * io + 2 * io + (2 * io if i > 0 else 0)
    return f


def evaluate(model, x, y):
    with torch.inference_mode():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(1) == y).float().mean().item()
    return acc, loss


def _percentiles(times):
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, -(-99 * len(times) // 100) - 1)]


def inference_latency(model, drawings, reps):
    """p50 and p99 in us of uint8 28x28 -> float /255 -> model -> softmax
    probabilities, one image a call; and of the model and softmax alone on a
    ready float tensor."""
    model.eval()
    warm = reps // 10 + 100
    full, alone = [], []
    ready = [torch.from_numpy(d.astype(np.float32) / np.float32(255.0)).view(1, 784)
             for d in drawings]
    with torch.inference_mode():
        for i in range(warm + reps):
            d = drawings[i % len(drawings)]
            t0 = time.perf_counter_ns()
            x = torch.from_numpy(d).to(torch.float32).div_(255.0).view(1, 784)
            probs = torch.softmax(model(x), dim=1)
            t1 = time.perf_counter_ns()
            probs = torch.softmax(model(ready[i % len(ready)]), dim=1)
            t2 = time.perf_counter_ns()
            if i >= warm:
                full.append((t1 - t0) / 1000.0)
                alone.append((t2 - t1) / 1000.0)
    del probs
    model.train()
    return _percentiles(full) + _percentiles(alone)


def blas_library():
    """The BLAS this process loaded (Debian picks it through alternatives), with
    OpenBLAS's own description when it is OpenBLAS."""
    path = None
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                name = os.path.basename(line.split()[-1])
                if "blas" in name and ".so" in name:
                    path = line.split()[-1]
                    break
    except OSError:
        pass
    if not path:
        return "unknown"
    try:
        import ctypes
        lib = ctypes.CDLL(path)
        lib.openblas_get_config.restype = ctypes.c_char_p
        return f"{lib.openblas_get_config().decode().strip()} ({path})"
    except (OSError, AttributeError):
        return path


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="MNIST folder (default: $DIGITPAD_DATA, ./data/mnist, the repo's data/mnist)")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, no 5-epoch training")
    ap.add_argument("--runs", type=int, default=3, help="5-epoch trainings to take the median of (3)")
    ap.add_argument("--layers", default="256,128,64", help="hidden widths of the second model")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    wall0, cpu0 = time.perf_counter(), time.process_time()

    folder = find_mnist(args.data)
    train_u8, train_y = read_idx(folder, "train")
    test_u8, test_y = read_idx(folder, "t10k")
    # The whole dataset as one float tensor: fastest for PyTorch here.
    x = torch.from_numpy(train_u8.astype(np.float32) / np.float32(255.0))
    y = torch.from_numpy(train_y.astype(np.int64))
    x_test = torch.from_numpy(test_u8.astype(np.float32) / np.float32(255.0))
    y_test = torch.from_numpy(test_y.astype(np.int64))

    chunks, chunk_samples, infer_reps = (9, 3200, 5001) if args.quick else (31, 6400, 20001)
    # The article's model, a deeper one, and Simard et al.'s 784-800-10 (issue 13).
    models = [[784, 128, 10], [784] + [int(w) for w in args.layers.split(",")] + [10],
              [784, 800, 10]]
    report = {
        "machine": {"cpu": cpu_name(), "python": platform.python_version(),
                    "torch": torch.__version__, "numpy": np.__version__, "blas": blas_library(),
                    "threads": torch.get_num_threads()},
        "data": {"dir": folder, "train": len(y), "test": len(y_test)},
        "quick": args.quick,
    }

    # A short warm-up, then the 5-epoch training of the article's model.
    Trainer(models[0], x, y, 32).chunk(chunk_samples)
    full = None
    if not args.quick:
        secs = []
        for _ in range(max(1, args.runs)):
            torch.manual_seed(1)
            t = Trainer(models[0], x, y, 32)
            t0 = time.perf_counter()
            for _ in range(5 * ((len(y) + 31) // 32)):
                t.step()
            secs.append(time.perf_counter() - t0)
            acc, loss = evaluate(t.model, x_test, y_test)
        full = {"layers": models[0], "batch": 32, "epochs": 5, "runs": len(secs),
                "seconds": statistics.median(secs), "seconds_min": min(secs),
                "seconds_max": max(secs), "samples_per_s": 5 * len(y) / statistics.median(secs),
                "test_accuracy": acc, "test_loss": loss, "adam_foreach": t.foreach}
        rss_training = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    # Throughput: every model and batch size in turn, chunk by chunk; medians.
    runs = [Trainer(m, x, y, b) for m in models for b in (32, 128)]
    for r in runs:
        r.chunk(chunk_samples)
    rates = [[] for _ in runs]
    for _ in range(chunks):
        for i, r in enumerate(runs):
            rates[i].append(r.chunk(chunk_samples))
    if args.quick:
        rss_training = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    drawings = [test_u8[i].reshape(28, 28).copy() for i in range(100)]
    report["models"] = []
    for mi, sizes in enumerate(models):
        entry = {"layers": sizes, "flops_per_sample": step_flops_per_sample(sizes), "train": []}
        for bi, batch in enumerate((32, 128)):
            sps = statistics.median(rates[mi * 2 + bi])
            entry["train"].append({"batch": batch, "samples_per_s": sps,
                                   "step_us": batch / sps * 1e6,
                                   "gflops": entry["flops_per_sample"] * sps * 1e-9})
        p50, p99, m50, m99 = inference_latency(runs[mi * 2].model, drawings, infer_reps)
        entry["inference"] = {"reps": infer_reps, "p50_us": p50, "p99_us": p99,
                              "model_only_p50_us": m50, "model_only_p99_us": m99}
        report["models"].append(entry)
    report["full_training"] = full
    report["peak_rss_mib"] = {"training": rss_training,
                              "total": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
    report["cpu_share"] = (time.process_time() - cpu0) / (time.perf_counter() - wall0)

    if args.json:
        print(json.dumps(report))
        return
    m = report["machine"]
    print(f"pytorch_reference.py{' --quick' if args.quick else ''}")
    print(f"  machine    {m['cpu']}, torch {m['torch']}, numpy {m['numpy']}, {m['threads']} thread")
    print(f"  BLAS       {m['blas']}")
    print(f"  data       MNIST from {folder} ({len(y)} training, {len(y_test)} test images)")
    print()
    names = ["-".join(map(str, e["layers"])) for e in report["models"]]
    print(f"Training (medians)                   " + "".join(f"{n:<24}" for n in names))
    print(f"  {'':34}" + f"{'batch 32':>12}{'batch 128':>12}" * len(names))
    for label, key, fmt in (("samples/s", "samples_per_s", "{:12.0f}"),
                            ("step, us", "step_us", "{:12.1f}"),
                            ("GFLOP/s (digitpad's count)", "gflops", "{:12.1f}")):
        print(f"  {label:34}" + "".join(fmt.format(t[key]) for e in report["models"]
                                         for t in e["train"]))
    print()
    print(f"One 28x28 uint8 image -> probabilities" + "".join(f"{n:>22}" for n in names))
    for label, key in (("p50 us", "p50_us"), ("p99 us", "p99_us"),
                       ("model + softmax alone, p50 us", "model_only_p50_us"),
                       ("model + softmax alone, p99 us", "model_only_p99_us")):
        print(f"  {label:37}" + "".join(f"{e['inference'][key]:22.2f}" for e in report["models"]))
    print()
    if full:
        print(f"Article's training, 784-128-10, batch 32, 5 epochs: {full['seconds']:.2f} s "
              f"(median of {full['runs']} runs, {full['seconds_min']:.2f} to {full['seconds_max']:.2f}), "
              f"{full['samples_per_s']:.0f} samples/s; test accuracy {full['test_accuracy']:.4f}, "
              f"test loss {full['test_loss']:.4f}; Adam foreach: {full['adam_foreach']}")
    else:
        print("Article's 5-epoch training: skipped (--quick)")
    print(f"Peak RSS: {report['peak_rss_mib']['training']:.1f} MiB once training has run, "
          f"{report['peak_rss_mib']['total']:.1f} MiB for the whole run")
    print(f"CPU share of wall time: {100 * report['cpu_share']:.1f}% "
          "(well below 100% means other processes took the CPU)")


if __name__ == "__main__":
    main()
