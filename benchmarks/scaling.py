"""Training throughput and peak memory as image size and batch size grow (DCGAN, StyleGAN2).

    python benchmarks/scaling.py [--windows 3] [--window-seconds 3] [--warmup-steps 2]
        [--config MODEL:SIZE:BATCH ...] [--channels 3] [--smoke] [--json PATH]

Every (model, image size, batch size) configuration runs in its own fresh Python
subprocess, so the peak memory reported is that configuration's alone. The parent process
imports no TensorFlow (a child's `ru_maxrss` starts from its parent's high-water mark at
`exec`, so a heavy parent would inflate it); it only launches the workers, collects their
results, prints the table and writes the JSON.

What a worker trains is what `keras-gan train --variant MODEL --batch-size BATCH` trains:
the recipe's configuration (`keras_gan.training.resolve`), its model (`recipe.build`) and
optimizers (`recipe.optimizers`), compiled as the trainer does, driven by the trainer's
own loop (`keras_gan.training.distributed.distribute_batches` + `make_step_function` under the
default strategy, one `float()` of the logs per step, as `run_loop` does; callbacks,
checkpoints and sample grids are left out). The data are synthetic: uniform random images
in [-1, 1] of shape (size, size, channels), two global batches held in memory, in a
`tf.data` pipeline that is cached, repeated and prefetched, so the input pipeline is not
what is measured.

Timing: `--warmup-steps` steps (tracing; step 0 also runs the lazy R1 and path length
branches once) are not timed; two more untimed steps estimate the step time, which sets
the steps per window to a whole number of lazy-regularization periods (StyleGAN2:
lcm(R1 interval 16, path length interval 4) = 16 steps; DCGAN: 1) lasting at least
`--window-seconds`, so every window does the same share of the costly regularization
steps as training does; then `--windows` windows are timed and the median images/s is
reported, with the median images per CPU-second of the process (all threads), which
other processes' load disturbs less than wall time.

Memory (Linux, KiB from the kernel): `rss_after_build_kib` is the current resident set
(`VmRSS` of /proc/self/status) after the data, model and optimizers are built (before the
first step, so before tracing); `peak_rss_kib` is `resource.getrusage(RUSAGE_SELF).
ru_maxrss` at the end, the high-water mark over the whole process (tracing and training
included); their difference is what training adds.

FLOPs per image: counted analytically by `benchmarks/flops.py` (alternating step) for
DCGAN; not counted for StyleGAN2 (its modulated convolutions, FIR up/downsampling and the
lazy R1 / path length terms with second-order gradients are outside that module's rules).
"""

import argparse
import concurrent.futures
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import time

BENCHMARKS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCHMARKS_DIR)
sys.path.insert(0, BENCHMARKS_DIR)
import machine  # noqa: E402  (imports no TensorFlow)
MODELS = ("dcgan", "stylegan2")
# DCGAN at 32/64/128 x batch 16/64 (and 256 at 32); StyleGAN2 at 32/64/128 x batch 8/32.
DEFAULT_GRID = (
    ("dcgan", 32, 16), ("dcgan", 32, 64), ("dcgan", 32, 256),
    ("dcgan", 64, 16), ("dcgan", 64, 64),
    ("dcgan", 128, 16), ("dcgan", 128, 64),
    ("stylegan2", 32, 8), ("stylegan2", 32, 32),
    ("stylegan2", 64, 8), ("stylegan2", 64, 32),
    ("stylegan2", 128, 8), ("stylegan2", 128, 32),
)
SMOKE_GRID = (("dcgan", 32, 4), ("stylegan2", 16, 4))
# Image sizes each model's builder accepts (keras_gan.networks.common.VALID_IMAGE_SIZES and
# keras_gan.networks.stylegan2.STYLEGAN2_IMAGE_SIZES; kept here so that the parent process
# does not import TensorFlow; the worker checks them against the library).
SUPPORTED_SIZES = {"dcgan": (16, 28, 32, 64, 128), "stylegan2": (8, 16, 32, 64, 128, 256)}
RESULT_PREFIX = "SCALING_RESULT "
STYLEGAN2_FLOPS_NOTE = (
    "not counted: benchmarks/flops.py counts Dense/Conv2D/Conv2DTranspose only; StyleGAN2's "
    "modulated convolutions, FIR up/downsampling and the lazy R1 / path length terms "
    "(second-order gradients) are outside its rules"
)


# ------------------------------------------------------------------ helpers (no TensorFlow)


def current_rss_kib():
    """Current resident set size of this process in KiB (`VmRSS`, Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise OSError("VmRSS not found in /proc/self/status")


def peak_rss_kib():
    """High-water resident set size of this process in KiB (`ru_maxrss`, KiB on Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def load_average():
    """(1 min, 5 min, 15 min) load averages, or None where the OS has none."""
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def machine_facts():
    """Where the numbers were measured (`benchmarks/machine.py`: CPU, instruction sets,
    versions, oneDNN; it imports no TensorFlow) and the machine's memory."""
    facts = machine.machine_facts()
    try:
        with open("/proc/meminfo") as f:
            memory_kib = int(next(line for line in f if line.startswith("MemTotal:")).split()[1])
    except (OSError, StopIteration):
        memory_kib = None
    sets = facts["instruction_sets"]
    return {**facts, "avx512f": bool(sets and sets["AVX-512F"]), "memory_total_kib": memory_kib}


def parse_config(text):
    """`"MODEL:SIZE:BATCH"` -> (model, size, batch), e.g. `"dcgan:64:16"`."""
    match = re.fullmatch(r"([a-z0-9_]+):(\d+):(\d+)", text.strip())
    if not match or match.group(1) not in MODELS or int(match.group(2)) < 1 or int(match.group(3)) < 1:
        raise ValueError(
            f"`--config` must be MODEL:SIZE:BATCH with MODEL in {MODELS} and positive SIZE and "
            f"BATCH, e.g. dcgan:64:16. Received: --config {text!r}"
        )
    return match.group(1), int(match.group(2)), int(match.group(3))


def unsupported_reason(model, size):
    """Why `model` cannot run at `size`, or None when it can."""
    if size not in SUPPORTED_SIZES[model]:
        return f"image size {size} not in the {model} builder's sizes {SUPPORTED_SIZES[model]}"
    return None


# ------------------------------------------------------------------ worker (one configuration)


def run_configuration(model, image_size, batch_size, channels, warmup_steps, windows,
                      window_seconds, steps_per_window=None, seed=0):
    """Builds and trains one configuration in this process and measures it.

    Meant to run in a fresh process (see the module docstring): the peak RSS is this
    process's.

    Args:
        model: str. "dcgan" or "stylegan2" (a `keras-gan train` variant).
        image_size: int. Images are (image_size, image_size, channels).
        batch_size: int. Training batch size.
        channels: int. Image channels.
        warmup_steps: int. Untimed steps first (tracing).
        windows: int. Timed windows.
        window_seconds: float. Target length of a window (rounded to whole periods).
        steps_per_window: int or None. Fixed steps per window (no calibration run).
            Defaults to None.
        seed: int. Seed of the weights and the synthetic data. Defaults to 0.

    Returns:
        dict. The configuration's measurements.
    """
    peak_at_start = peak_rss_kib()
    phase_start = time.perf_counter()
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.path.insert(0, ROOT)
    sys.path.insert(0, BENCHMARKS_DIR)
    import keras
    import numpy as np
    import tensorflow as tf

    import flops
    from keras_gan.networks.common import VALID_IMAGE_SIZES
    from keras_gan.networks.stylegan2 import STYLEGAN2_IMAGE_SIZES
    from keras_gan import recipes
    from keras_gan.training import distributed
    from keras_gan.training import TrainConfig, resolve

    # The parent's table of sizes must match the library's.
    library_sizes = {"dcgan": tuple(VALID_IMAGE_SIZES), "stylegan2": tuple(STYLEGAN2_IMAGE_SIZES)}
    if library_sizes != SUPPORTED_SIZES:
        raise RuntimeError(
            f"SUPPORTED_SIZES {SUPPORTED_SIZES} is out of date: the library has {library_sizes}"
        )
    rss_after_import = current_rss_kib()
    import_seconds = time.perf_counter() - phase_start
    phase_start = time.perf_counter()

    element_shape = (image_size, image_size, channels)
    config = resolve(TrainConfig(variant=model, batch_size=batch_size, seed=seed, verbose=0), "image")
    recipe = recipes.get(model)
    global_batch = config["batch_size"] * config["d_steps"]
    strategy = tf.distribute.get_strategy()  # `keras-gan train --strategy default`

    # Synthetic data: two global batches of uniform [-1, 1] images, cached and prefetched.
    images = np.random.default_rng(seed).uniform(-1.0, 1.0, (2 * global_batch, *element_shape))
    images = images.astype("float32")

    def make_dataset():
        dataset = tf.data.Dataset.from_tensor_slices(images).batch(global_batch, drop_remainder=True)
        return dataset.cache().repeat().prefetch(tf.data.AUTOTUNE)

    # As `keras_gan.training.Trainer.build` does in float32.
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        gan = recipe.build(element_shape, config, None)
        g_optimizer, d_optimizer = recipe.optimizers(config)
        gan.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer)
    batches = iter(distributed.distribute_batches(strategy, make_dataset, global_batch))
    step = distributed.make_step_function(gan, strategy)
    rss_after_build = current_rss_kib()
    peak_after_build = peak_rss_kib()
    build_seconds = time.perf_counter() - phase_start

    def train(steps):
        """`steps` trainer steps; the logs reach the host every step, as in `run_loop`."""
        logs = {}
        for _ in range(steps):
            logs = {name: float(value) for name, value in step(next(batches)).items()}
        return logs

    start = time.perf_counter()
    logs = train(warmup_steps)
    warmup_seconds = time.perf_counter() - start

    # Lazy regularization: a window of whole periods does training's share of costly steps.
    period = math.lcm(int(getattr(gan, "regularization_interval", 1) or 1),
                      int(getattr(gan, "pl_interval", 1) or 1) if getattr(gan, "pl_weight", 0) else 1)
    calibration = None
    if steps_per_window is None:
        # Two steps where no lazy term is due (with the default 2 warm-up steps: steps
        # 2 and 3): a lower bound of the average step, so windows last >= `window_seconds`.
        calibration_steps = 2
        start = time.perf_counter()
        train(calibration_steps)
        seconds = time.perf_counter() - start
        calibration = {"steps": calibration_steps, "seconds": seconds}
        periods = max(1, math.ceil(window_seconds / (seconds / calibration_steps * period)))
        steps_per_window = periods * period

    window_rates, window_seconds_measured, window_cpu_seconds = [], [], []
    for _ in range(windows):
        start, cpu_start = time.perf_counter(), time.process_time()
        logs = train(steps_per_window)
        elapsed = time.perf_counter() - start
        window_cpu_seconds.append(time.process_time() - cpu_start)
        window_seconds_measured.append(elapsed)
        window_rates.append(steps_per_window * global_batch / elapsed)
    images_per_second = statistics.median(window_rates)
    # CPU time of all this process's threads: less sensitive to other processes' load
    # than wall time (contention still costs some through caches and memory bandwidth).
    images_per_cpu_second = statistics.median(
        steps_per_window * global_batch / max(c, 1e-9) for c in window_cpu_seconds
    )

    if model == "dcgan":
        flops_per_image = flops.step_flops_per_example(gan.generator, gan.discriminator, "alternating")
        flops_note = "analytical (benchmarks/flops.py), alternating step"
    else:
        flops_per_image, flops_note = None, STYLEGAN2_FLOPS_NOTE
    peak = peak_rss_kib()
    return {
        "model": model,
        "image_size": image_size,
        "batch_size": batch_size,
        "global_batch_size": global_batch,
        "image_shape": list(element_shape),
        "images_per_second": images_per_second,
        "windows_images_per_second": window_rates,
        "windows_seconds": window_seconds_measured,
        "windows_cpu_seconds": window_cpu_seconds,
        "images_per_cpu_second": images_per_cpu_second,
        "step_milliseconds": 1000.0 * global_batch / images_per_second,
        "steps_per_window": steps_per_window,
        "regularization_period_steps": period,
        "warmup_steps": warmup_steps,
        "import_seconds": import_seconds,
        "build_seconds": build_seconds,
        "warmup_seconds": warmup_seconds,
        "calibration": calibration,
        "flops_per_image": flops_per_image,
        "gflops_per_second": None if flops_per_image is None else images_per_second * flops_per_image / 1e9,
        "flops_note": flops_note,
        "generator_params": int(gan.generator.count_params()),
        "discriminator_params": int(gan.discriminator.count_params()),
        "peak_rss_kib_at_start": peak_at_start,
        "rss_after_import_kib": rss_after_import,
        "rss_after_build_kib": rss_after_build,
        "peak_rss_after_build_kib": peak_after_build,
        "peak_rss_kib": peak,
        "training_rss_increment_kib": peak - rss_after_build,
        "synthetic_data_bytes": int(images.nbytes),
        "final_logs": logs,
        "recipe": {k: config[k] for k in sorted(config) if k not in ("output_dir",)},
        "load_average_at_start": None,  # filled in by the parent
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__},
    }


def worker_main(spec_json):
    """Entry point of a worker subprocess: measures one configuration, prints the result."""
    spec = json.loads(spec_json)
    started_at = time.time()
    result = run_configuration(**spec)
    result["worker_started_at"] = started_at
    result["worker_finished_at"] = time.time()
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    sys.stderr.flush()
    # Skip the interpreter's teardown of TensorFlow (it took up to 17 s on a loaded
    # machine): the result is printed, nothing else is pending.
    os._exit(0)


# ------------------------------------------------------------------ parent


def launch(model, image_size, batch_size, options, timeout):
    """Runs one configuration in a fresh subprocess; returns its result dict."""
    spec = {"model": model, "image_size": image_size, "batch_size": batch_size, **options}
    load_at_start = load_average()
    started, launched_at = time.perf_counter(), time.time()
    completed = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(
            f"Configuration {model}:{image_size}:{batch_size} failed (exit code "
            f"{completed.returncode}):\n{completed.stderr[-3000:]}"
        )
    result = json.loads(lines[-1][len(RESULT_PREFIX):])
    result["load_average_at_start"] = load_at_start
    result["process_seconds"] = time.perf_counter() - started
    result["exit_seconds"] = time.time() - result.pop("worker_finished_at")
    result["startup_seconds"] = result.pop("worker_started_at") - launched_at
    return result


def run_grid(grid, options, timeout, jobs=1, log=print):
    """Every supported configuration of `grid` in its own subprocess, `jobs` at a time
    (more than one only for smoke runs: concurrent configurations slow each other down).

    Returns:
        (rows, unsupported): result dicts, and `{"model", "image_size", "batch_size",
        "reason"}` dicts of configurations that were not run.
    """
    rows, unsupported, runnable = [], [], []
    for model, size, batch in grid:
        reason = unsupported_reason(model, size)
        if reason:
            unsupported.append({"model": model, "image_size": size, "batch_size": batch, "reason": reason})
            log(f"{model} {size}px batch {batch}: unsupported ({reason})")
        else:
            runnable.append((model, size, batch))

    def one(configuration):
        row = launch(*configuration, options, timeout)
        log(
            f"{row['model']} {row['image_size']}px batch {row['batch_size']}: "
            f"{row['images_per_second']:.1f} img/s, peak RSS {row['peak_rss_kib'] / 1024:.0f} MiB "
            f"({row['process_seconds']:.0f} s)"
        )
        return row

    if jobs == 1:
        rows = [one(c) for c in runnable]
    else:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            rows = list(pool.map(one, runnable))
    return rows, unsupported


def memory_slopes(rows):
    """Peak-RSS growth per extra batch image, `(peak(B2) - peak(B1)) / (B2 - B1)` in KiB,
    between the smallest and the largest batch of each (model, size) with two or more."""
    slopes = []
    for model in MODELS:
        for size in sorted({r["image_size"] for r in rows if r["model"] == model}):
            same = sorted((r for r in rows if r["model"] == model and r["image_size"] == size),
                          key=lambda r: r["batch_size"])
            if len(same) < 2 or same[0]["batch_size"] == same[-1]["batch_size"]:
                continue
            small, large = same[0], same[-1]
            slopes.append({
                "model": model,
                "image_size": size,
                "batch_sizes": [small["batch_size"], large["batch_size"]],
                "peak_rss_kib_per_batch_image": (large["peak_rss_kib"] - small["peak_rss_kib"])
                / (large["batch_size"] - small["batch_size"]),
                "image_kib": size * size * small["image_shape"][2] * 4 / 1024,
                "images_per_second_ratio": large["images_per_second"] / small["images_per_second"],
            })
    return slopes


def _mib(kib):
    return f"{kib / 1024:.0f}"


def format_table(result):
    """The result as a Markdown table (also readable as plain text)."""
    config = result["config"]
    lines = [
        machine.describe(result["machine"]),
        "",
        f"Training throughput and memory, float32, channels {config['channels']}, "
        f"median of {config['windows']} windows (~{config['window_seconds']} s each), "
        f"load average {result['load_average_start'][0]:.2f} -> {result['load_average_end'][0]:.2f}",
        "",
        "| model | size | batch | images/s | img/CPU-s | ms/step | windows (img/s) | steps/window "
        "| MFLOP/img | GFLOP/s | G params | D params | RSS after build (MiB) | peak RSS (MiB) "
        "| training adds (MiB) | adds / batch image (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        mflop = "-" if row["flops_per_image"] is None else f"{row['flops_per_image'] / 1e6:.1f}"
        gflops = "-" if row["gflops_per_second"] is None else f"{row['gflops_per_second']:.1f}"
        windows = ", ".join(f"{w:.0f}" if w >= 10 else f"{w:.1f}" for w in row["windows_images_per_second"])
        lines.append(
            f"| {row['model']} | {row['image_size']} | {row['batch_size']} "
            f"| {row['images_per_second']:.1f} | {row['images_per_cpu_second']:.1f} "
            f"| {row['step_milliseconds']:.0f} | {windows} "
            f"| {row['steps_per_window']} | {mflop} | {gflops} | {row['generator_params']:,} "
            f"| {row['discriminator_params']:,} | {_mib(row['rss_after_build_kib'])} "
            f"| {_mib(row['peak_rss_kib'])} | {_mib(row['training_rss_increment_kib'])} "
            f"| {row['training_rss_increment_kib'] / 1024 / row['batch_size']:.1f} |"
        )
    for item in result["unsupported"]:
        lines.append(
            f"| {item['model']} | {item['image_size']} | {item['batch_size']} "
            f"| unsupported: {item['reason']} |" + " |" * 12
        )
    if result["memory_slopes"]:
        lines += ["", "Peak RSS per extra batch image (between the smallest and largest batch):"]
        for s in result["memory_slopes"]:
            lines.append(
                f"- {s['model']} {s['image_size']} px (batch {s['batch_sizes'][0]} -> "
                f"{s['batch_sizes'][1]}): {s['peak_rss_kib_per_batch_image'] / 1024:.2f} MiB per "
                f"image ({s['peak_rss_kib_per_batch_image'] / s['image_kib']:.0f}x the image's "
                f"{s['image_kib']:.0f} KiB); images/s x{s['images_per_second_ratio']:.2f}"
            )
    lines.append("")
    lines.append("FLOPs: DCGAN " + result["flop_counting"] + "; StyleGAN2 " + STYLEGAN2_FLOPS_NOTE + ".")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", action="append", default=None, metavar="MODEL:SIZE:BATCH",
                        help="A configuration to run (repeatable); replaces the default grid.")
    parser.add_argument("--channels", type=int, default=3, help="Image channels. Defaults to 3 (RGB).")
    parser.add_argument("--windows", type=int, default=3, help="Timed windows per configuration.")
    parser.add_argument("--window-seconds", type=float, default=3.0,
                        help="Target length of a window, rounded up to whole regularization periods.")
    parser.add_argument("--warmup-steps", type=int, default=2, help="Untimed steps (tracing).")
    parser.add_argument("--timeout", type=float, default=3600.0, help="Seconds per configuration.")
    parser.add_argument("--jobs", type=int, default=None,
                        help="Configurations run at once. Defaults to 1 (2 with --smoke, where "
                        "timings do not matter).")
    parser.add_argument("--smoke", action="store_true",
                        help="Tiny grid for CI: DCGAN 32 px and StyleGAN2 16 px at batch 4, "
                        "1 warm-up step, 1 timed step, both at once.")
    parser.add_argument("--json", default=None,
                        help="Output JSON. Defaults to benchmarks/results/scaling.json.")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        return worker_main(args.worker)

    for name in ("channels", "windows", "warmup_steps"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1. Received: {getattr(args, name)}")
    if not args.window_seconds > 0:
        parser.error(f"--window-seconds must be > 0. Received: {args.window_seconds}")
    try:
        grid = [parse_config(c) for c in args.config] if args.config else list(DEFAULT_GRID)
    except ValueError as e:
        parser.error(str(e))
    options = {
        "channels": args.channels,
        "warmup_steps": args.warmup_steps,
        "windows": args.windows,
        "window_seconds": args.window_seconds,
        "steps_per_window": None,
    }
    if args.smoke:
        grid = grid if args.config else list(SMOKE_GRID)
        options.update(warmup_steps=1, windows=1, steps_per_window=1)
    jobs = args.jobs if args.jobs is not None else (2 if args.smoke else 1)
    if jobs < 1:
        parser.error(f"--jobs must be >= 1. Received: {jobs}")

    started = time.perf_counter()
    load_start = load_average()
    rows, unsupported = run_grid(
        grid, options, args.timeout, jobs, log=lambda s: print(s, file=sys.stderr, flush=True)
    )
    load_end = load_average()
    versions = rows[0]["versions"] if rows else {}
    result = {
        "benchmark": "scaling",
        "command": "python benchmarks/scaling.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": {**machine_facts(), **versions},
        "load_average_start": load_start,
        "load_average_end": load_end,
        "total_seconds": time.perf_counter() - started,
        "config": {
            **{k: v for k, v in options.items()},
            "smoke": args.smoke,
            "jobs": jobs,
            "grid": [list(c) for c in grid],
            "precision": "float32",
            "training": "keras-gan train's recipe model and optimizers, trainer loop "
            "(keras_gan.training.distributed.distribute_batches + make_step_function, default strategy)",
            "data": "synthetic uniform [-1, 1] images, 2 global batches in memory, tf.data "
            "cache + repeat + prefetch",
            "statistic": "median images/s over timed windows; warm-up steps not timed",
            "memory": "rss_after_build_kib: VmRSS after data, model and optimizers are built; "
            "peak_rss_kib: getrusage(RUSAGE_SELF).ru_maxrss at the end; one fresh process "
            "per configuration",
        },
        "flop_counting": "analytical per layer (benchmarks/flops.py), alternating step "
                         "2 (4G + 8D - 2 D1 - G1)",
        "rows": rows,
        "unsupported": unsupported,
        "memory_slopes": memory_slopes(rows),
    }
    print(format_table(result))
    path = args.json or os.path.join(BENCHMARKS_DIR, "results", "scaling.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {path} ({result['total_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
