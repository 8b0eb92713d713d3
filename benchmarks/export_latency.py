"""Latency of one generator call: Keras (TF), the exported SavedModel, and ONNX Runtime.

    python benchmarks/export_latency.py [--run-dir DIR] [--batch-sizes 1,64] [--repeats 30]
                                        [--json-out FILE]

Without `--run-dir` it times a DCGAN generator (`keras_gan.networks.dcgan_generator`,
latent 100, 64x64x3; untrained weights: latency does not depend on them). Each runtime is
warmed up, then timed `--repeats` times per batch size, one call of each runtime per round
in a rotating order (interleaved, so a busy machine slows them alike); the median, the
10th/90th percentiles and the throughput (batch / median) are reported, as a table and as
JSON.
"""

import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import export  # noqa: E402
import machine  # noqa: E402  (benchmarks/machine.py)
from export.runtimes import OnnxRuntimeSession, ServingSession  # noqa: E402


def _time_interleaved(fns, repeats, warmup=3):
    """Times each of `fns` (name -> callable) `repeats` times, one call of each per round
    in a rotating order, so that load from other processes hits every runtime alike."""
    names = list(fns)
    for name in names:
        for _ in range(warmup):
            fns[name]()
    times = {name: [] for name in names}
    for round_index in range(repeats):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            fns[name]()
            times[name].append((time.perf_counter() - start) * 1e3)
    return {
        name: {
            "median_ms": float(np.median(values)),
            "p10_ms": float(np.percentile(values, 10)),
            "p90_ms": float(np.percentile(values, 90)),
        }
        for name, values in times.items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run-dir", default=None, help="Run directory or .keras generator.")
    parser.add_argument("--batch-sizes", default="1,64")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--json", "--json-out", dest="json_out", default=None)
    parser.add_argument("--smoke", action="store_true",
                        help="Tiny CI run: a 16x16x1 DCGAN generator, batches 1 and 2, 3 repeats.")
    args = parser.parse_args(argv)
    if args.smoke:
        args.batch_sizes, args.repeats = "1,2", 3
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]

    if args.run_dir:
        source = args.run_dir
        label = args.run_dir
    elif args.smoke:
        import keras_gan.networks

        source = keras_gan.networks.dcgan_generator(latent_dim=8, image_shape=(16, 16, 1), base_filters=8)
        label = "dcgan_generator(latent 8, 16x16x1, base_filters 8)"
    else:
        import keras_gan.networks

        source = keras_gan.networks.dcgan_generator(latent_dim=100, image_shape=(64, 64, 3))
        label = "dcgan_generator(latent 100, 64x64x3)"
    generator = export.resolve(source)
    facts = generator.facts

    with tempfile.TemporaryDirectory() as tmp:
        result = export.export(generator, tmp, name="bench", verify=True)
        keras_fn = tf.function(lambda z, l: generator(z, l), reduce_retracing=True)
        serving = ServingSession(result.path)
        ort = OnnxRuntimeSession(result.onnx)
        rows = []
        for batch in batch_sizes:
            z, lab = generator.sample_inputs(batch, seed=batch)
            feeds = {"z": z} if lab is None else {"z": z, "label": lab}
            runtimes = {
                "keras eager": lambda: generator(z, lab).numpy(),
                "keras tf.function": lambda: keras_fn(z, lab).numpy(),
                "saved_model (tf1 session)": lambda: serving.run("serving_default", feeds),
                "onnxruntime": lambda: ort.run(feeds),
            }
            for name, timing in _time_interleaved(runtimes, args.repeats).items():
                rows.append({"runtime": name, "batch": batch, **timing,
                             "images_per_second": batch * 1e3 / timing["median_ms"]})
        serving.close()

    report = {
        "model": label,
        "facts": facts.to_dict(),
        "repeats": args.repeats,
        "machine": {**machine.machine_facts(), "cpus": os.cpu_count(),
                    "onnxruntime": __import__("onnxruntime").__version__},
        "results": rows,
    }
    print(machine.describe(report["machine"]))
    print(f"Latency of one generator call, {label} (median [p10, p90] over {args.repeats} runs)")
    print(f"{'runtime':<28}{'batch':>6}{'median ms':>12}{'p10':>9}{'p90':>9}{'images/s':>10}")
    for row in rows:
        print(f"{row['runtime']:<28}{row['batch']:>6}{row['median_ms']:>12.2f}"
              f"{row['p10_ms']:>9.2f}{row['p90_ms']:>9.2f}{row['images_per_second']:>10.1f}")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
