"""Throughput of the `keras_gan.data` input pipeline alone, against the training throughput.

    python benchmarks/input_pipeline.py [--batch-size 256] [--batches 200] [--windows 5]
        [--train-json benchmarks/results/train_throughput_float32.json |
         --train-images-per-second X] [--smoke] [--json PATH]

Pipelines timed (each repeated endlessly so that a window never hits an epoch end):

- `load`: `keras_gan.data.load(source, batch_size, repeat=True)` (cached, shuffled,
  batched, prefetched), the pipeline of `fit` users.
- `epoch_dataset`: `keras_gan.data.epoch_dataset(load_arrays(source), num_epochs=None)`
  (the trainer's deterministic, resumable order: a stateless permutation per epoch and a
  `tf.gather` per batch).

for the sources digits at 28 px, digits at 32 px and ring8 (2-D points). A window pulls
`--batches` batches from an already-started iterator in a Python loop (the slowest way to
consume it; `fit` pulls batches inside its `tf.function`) and counts examples/s; the first
window is a warm-up and the median of the others is reported.

The ratio is pipeline examples/s over the training images/s of keras-gan's DCGAN (28 px)
measured by `benchmarks/train_throughput.py` (read from its JSON, or given). The issue's
goal is >= 10x. The training number is for 28x28 images; for 32 px and ring8 the same
number is used as the reference (those models train at a similar or higher cost per
example, so the ratio is indicative there).
"""

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
BENCHMARKS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCHMARKS_DIR)

import tensorflow as tf  # noqa: E402

from keras_gan import data as gan_data  # noqa: E402
import machine  # noqa: E402
from machine import machine_facts  # noqa: E402

SOURCES = {"digits_28": ("digits", 28), "digits_32": ("digits", 32), "ring8": ("ring8", None)}
PIPELINES = ("load", "epoch_dataset")
GOAL_RATIO = 10.0


def make_dataset(pipeline, source, image_size, batch_size, seed=0):
    """The `keras_gan.data` pipeline `pipeline` over `source`, repeated endlessly."""
    if pipeline == "load":
        return gan_data.load(source, batch_size=batch_size, image_size=image_size, seed=seed, repeat=True)
    data = gan_data.load_arrays(source, image_size=image_size, seed=seed)
    return gan_data.epoch_dataset(data, batch_size=batch_size, seed=seed, num_epochs=None)


def time_pipeline(dataset, batch_size, batches, windows):
    """Examples/s per window (first window is a warm-up and is dropped)."""
    iterator = iter(dataset)
    rates = []
    for _ in range(windows + 1):
        start = time.perf_counter()
        for _ in range(batches):
            batch = next(iterator)
        batch.numpy()
        rates.append(batches * batch_size / (time.perf_counter() - start))
    return rates[1:]


def training_rate(train_json, train_images_per_second):
    """(images/s, where it came from) of keras-gan's DCGAN training, or (None, None)."""
    if train_images_per_second is not None:
        return float(train_images_per_second), "--train-images-per-second"
    if train_json and os.path.exists(train_json):
        with open(train_json) as f:
            result = json.load(f)
        return float(result["loops"]["keras_gan"]["images_per_second"]), os.path.relpath(train_json)
    return None, None


def run_benchmark(batch_size, batches, windows, train_rate):
    results = {}
    for label, (source, image_size) in SOURCES.items():
        for pipeline in PIPELINES:
            dataset = make_dataset(pipeline, source, image_size, batch_size)
            rates = time_pipeline(dataset, batch_size, batches, windows)
            rate = statistics.median(rates)
            entry = {
                "source": source,
                "image_size": image_size,
                "pipeline": pipeline,
                "element_shape": [int(d) for d in dataset.element_spec.shape[1:]],
                "examples_per_second": rate,
                "windows_examples_per_second": rates,
            }
            if train_rate:
                entry["ratio_to_training"] = rate / train_rate
                entry["meets_goal"] = bool(rate / train_rate >= GOAL_RATIO)
            results[f"{label}/{pipeline}"] = entry
    return results


def format_table(result):
    lines = [
        machine.describe(result["machine"]),
        f"keras_gan.data pipelines, batch {result['config']['batch_size']}, "
        f"{result['config']['windows']} windows x {result['config']['batches']} batches (median)",
        f"training reference: {result['training_images_per_second']} images/s "
        f"({result['training_source']})",
        f"{'source/pipeline':<26}{'shape':<12}{'examples/s':>12}{'x training':>12}",
    ]
    for name, entry in result["pipelines"].items():
        ratio = entry.get("ratio_to_training")
        lines.append(
            f"{name:<26}{'x'.join(map(str, entry['element_shape'])):<12}"
            f"{entry['examples_per_second']:>12.0f}"
            f"{(f'{ratio:.1f}' if ratio is not None else '-'):>12}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--batches", type=int, default=200, help="Batches per timed window.")
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--train-json", default=os.path.join(
        BENCHMARKS_DIR, "results", "train_throughput_float32.json"))
    parser.add_argument("--train-images-per-second", type=float, default=None)
    parser.add_argument("--smoke", action="store_true", help="Tiny run: batch 8, 5 batches, 2 windows.")
    parser.add_argument("--json", default=os.path.join(BENCHMARKS_DIR, "results", "input_pipeline.json"))
    args = parser.parse_args(argv)
    if args.smoke:
        args.batch_size, args.batches, args.windows = 8, 5, 2
    for name in ("batch_size", "batches", "windows"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1. Received: {getattr(args, name)}")
    if args.train_images_per_second is not None and args.train_images_per_second <= 0:
        parser.error(f"--train-images-per-second must be > 0. Received: {args.train_images_per_second}")

    train_rate, train_source = training_rate(args.train_json, args.train_images_per_second)
    result = {
        "benchmark": "input_pipeline",
        "machine": machine_facts(),
        "config": {"batch_size": args.batch_size, "batches": args.batches,
                   "windows": args.windows, "smoke": args.smoke,
                   "consumer": "Python loop over an iterator", "goal_ratio": GOAL_RATIO},
        "training_images_per_second": train_rate,
        "training_source": train_source,
        "pipelines": run_benchmark(args.batch_size, args.batches, args.windows, train_rate),
        "command": "python benchmarks/input_pipeline.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
    }
    print(format_table(result))
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
