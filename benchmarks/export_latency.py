"""Latency of one generator call: Keras (TF), the exported SavedModel, and ONNX Runtime.

    python benchmarks/export_latency.py [--run-dir DIR] [--batch-sizes 1,64] [--repeats 30]
                                        [--json-out FILE]

Without `--run-dir` it times a DCGAN generator (`keras_gan.networks.dcgan_generator`,
latent 100, 64x64x3; untrained weights: latency does not depend on them). Each runtime is
warmed up, then timed `--repeats` times per batch size; the median and the 10th/90th
percentiles are reported, as a table and as JSON. All runtimes run in one process, side by
side, so a busy machine slows them alike (see traps.md: measure side by side).
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import export  # noqa: E402
from export.runtimes import OnnxRuntimeSession, ServingSession  # noqa: E402


def _time(fn, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return {
        "median_ms": float(np.median(times)),
        "p10_ms": float(np.percentile(times, 10)),
        "p90_ms": float(np.percentile(times, 90)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run-dir", default=None, help="Run directory or .keras generator.")
    parser.add_argument("--batch-sizes", default="1,64")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--json-out", default=None)
    args = parser.parse_args(argv)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]

    if args.run_dir:
        source = args.run_dir
        label = args.run_dir
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
            for name, fn in runtimes.items():
                rows.append({"runtime": name, "batch": batch, **_time(fn, args.repeats)})
        serving.close()

    report = {
        "model": label,
        "facts": facts.to_dict(),
        "repeats": args.repeats,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "tensorflow": tf.__version__,
                    "onnxruntime": __import__("onnxruntime").__version__},
        "results": rows,
    }
    print(f"Latency of one generator call, {label} (median [p10, p90] over {args.repeats} runs)")
    print(f"{'runtime':<28}{'batch':>6}{'median ms':>12}{'p10':>9}{'p90':>9}")
    for row in rows:
        print(f"{row['runtime']:<28}{row['batch']:>6}{row['median_ms']:>12.2f}"
              f"{row['p10_ms']:>9.2f}{row['p90_ms']:>9.2f}")
    print(json.dumps(report, indent=2))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
