"""Time to quality: training minutes until a DCGAN reaches a domain-classifier FID on MNIST.

    python benchmarks/time_to_quality.py [--data-dir ../shared/data/mnist] [--target-fid F]
        [--max-minutes 20] [--chunk-steps 50] [--fid-samples 2000]
        [--network dcgan32|tutorial28] [--smoke] [--json PATH] [--png PATH]

Two loops train the same DCGAN on the same data:

- `keras_gan`: `keras_gan.models.GAN` with `fit` (D step on real and fake, then a G step
  with fresh noise, non-saturating loss);
- `keras_io`: the keras-io-style GAN of `train_throughput.py` (`KerasIoGAN`, imported, as
  keras-io's `dcgan_overriding_train_step.py`: D on the concatenation of generated and real
  images with label noise, then a G step with fresh noise) with `fit`.

The network (`--network`): `dcgan32` (default), keras-gan's `dcgan` recipe for images, the
run of README's MNIST section: `dcgan_generator(64, (32, 32, 1), base_filters=32)` and
`dcgan_discriminator((32, 32, 1), 32)`, batch 64, Adam(2e-4, beta_1=0.5), MNIST resized to
32 px. Chosen because it reaches a good FID within minutes of CPU training; the TF tutorial
network of `train_throughput.py` (`tutorial28`: latent 100, batch 256, Adam(1e-4), built by
`train_throughput.build_networks`) costs 5.5x the FLOPs per image (576 vs 104 MFLOP per
alternating step, `benchmarks/flops.py`) and was still at its
initial FID (~1,150-1,300) after 30 steps (7,680 images) in a measurement here.

Both start from identical initial weights (built from one seed; the JSON records the
parameter counts and a checksum of the initial weights) and see the same batches in the
same order (`keras_gan.data.epoch_dataset`: epoch `e` is the permutation of (seed, e), so a
chunk starting at step `s` is exactly the continuation of the previous one).

Interleaving: loop A trains `--chunk-steps` steps, then loop B, the order alternating each
round, so load from other processes hits both alike. Only training is timed: after each
chunk, untimed, the generator (inference mode) makes `--fid-samples` images from fixed
noise and their FID against the real set (all images of `--data-dir`, 10,000 MNIST test
digits) is computed with the domain extractor (`keras_gan.metrics.
load_or_train_domain_classifier`, as `benchmarks/mnist_fid.py` uses; cached in
`--work-dir`). A loop stops at the first evaluation with FID <= `--target-fid` or when its
training time reaches `--max-minutes`. The first step of each loop traces the step
function: it is run untimed and counted at the mean step time of the rest of its chunk.

Minutes to target are therefore resolved to one chunk. The result: per loop the minutes and
steps to the target (or "not reached"), the FID curve (steps, training seconds, FID), the
images/s, and the ratio of the times; a PNG of both FID-vs-training-minutes curves.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
BENCHMARKS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCHMARKS_DIR)
sys.path.insert(0, BENCHMARKS_DIR)

import tensorflow as tf  # noqa: E402

import keras  # noqa: E402

import machine as machine_info  # noqa: E402
import train_throughput as throughput  # noqa: E402  (tutorial net, keras-io GAN, checksums)
from keras_gan import data as gan_data  # noqa: E402
from keras_gan import metrics, networks  # noqa: E402
from keras_gan.models import GAN  # noqa: E402

LOOPS = ("keras_gan", "keras_gan_reuse", "keras_io")
DEFAULT_LOOPS = ("keras_gan", "keras_io")
DEFAULT_DATA_DIR = os.path.join(ROOT, "..", "shared", "data", "mnist")
DEFAULT_TARGET_FID = 125.0
FID_LEVELS = (1000, 750, 500, 400, 300, 200, 150, 125, 100, 75, 50, 40, 30, 20)  # the time-to-quality profile
FAKE_NOISE_SEED = 1234  # the same noise for every FID evaluation of both loops


# ------------------------------------------------------------------ data and FID


def check_data_dir(data_dir):
    """Fails early, naming `--data-dir`, when no MNIST IDX files are at `data_dir`."""
    path = os.path.abspath(data_dir)
    found = os.path.isdir(path) and any("idx3" in name for name in os.listdir(path))
    if not found:
        raise FileNotFoundError(
            f"MNIST (IDX images, e.g. t10k-images-idx3-ubyte.gz, and labels) was not found: "
            f"pass the folder holding it with --data-dir. It is not part of a clone of "
            f"keras-gan (the benchmark was measured on the 10,000 MNIST test digits). "
            f"Received: --data-dir={data_dir}")
    return path


class FidProbe:
    """FID of a generator's images against a fixed real set, with the domain extractor.

    The real features are computed once; each call generates `num_samples` images from the
    same noise (`FAKE_NOISE_SEED`), so successive values differ only by the generator.
    """

    def __init__(self, extractor, real_images, num_samples, latent_dim):
        self.extractor, self.num_samples, self.latent_dim = extractor, num_samples, latent_dim
        real = metrics.dataset_features(
            extractor, tf.data.Dataset.from_tensor_slices(real_images).batch(500),
            progress=False)
        self.real_features = real["features"]

    def __call__(self, generator):
        fake = metrics.generator_features(
            self.extractor, generator, self.num_samples, self.latent_dim, batch_size=500,
            seed=FAKE_NOISE_SEED, progress=False)
        return metrics.frechet_distance(self.real_features, fake["features"])


# ------------------------------------------------------------------ the benchmark


# The two networks the benchmark can train. "dcgan32" is keras-gan's `dcgan` recipe for
# images (Radford et al. 2016 nets at 32 px, base_filters 32, latent 64, batch 64,
# Adam(2e-4, beta_1=0.5)), the run of README's MNIST section; "tutorial28" is the TF DCGAN
# tutorial network of train_throughput.py (latent 100, batch 256, Adam(1e-4)).
NETWORKS = {
    "dcgan32": {"image_size": 32, "latent_dim": 64, "batch_size": 64, "learning_rate": 2e-4,
                "beta_1": 0.5, "base_filters": 32},
    "tutorial28": {"image_size": 28, "latent_dim": throughput.LATENT_DIM, "batch_size": 256,
                   "learning_rate": throughput.LEARNING_RATE, "beta_1": 0.9,
                   "base_filters": 64},
}


def build_networks(spec, seed):
    """A fresh generator/discriminator pair for `spec`; the same seed gives the same weights."""
    if spec["image_size"] == 28:
        return throughput.build_networks("float32", seed)
    keras.utils.set_random_seed(seed)
    shape = (spec["image_size"], spec["image_size"], 1)
    return (networks.dcgan_generator(spec["latent_dim"], shape, spec["base_filters"]),
            networks.dcgan_discriminator(shape, spec["base_filters"]))


def _adam(spec):
    return keras.optimizers.Adam(spec["learning_rate"], beta_1=spec["beta_1"])


class KerasGanLoop:
    """keras-gan's base `GAN` (non-saturating loss) trained with `fit` on the given chunk."""

    kind = "alternating"

    reuse_generator_pass = False

    def __init__(self, generator, discriminator, spec):
        self.generator, self.dataset = generator, None
        self.gan = GAN(generator, discriminator, reuse_generator_pass=self.reuse_generator_pass)
        self.gan.compile(g_optimizer=_adam(spec), d_optimizer=_adam(spec))

    def run(self, steps):
        self.gan.fit(self.dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)


class KerasGanReuseLoop(KerasGanLoop):
    """keras-gan's `GAN(reuse_generator_pass=True)`: one G forward serves both updates."""

    kind = "alternating_reuse"
    reuse_generator_pass = True


class KerasIoLoop(KerasGanLoop):
    """train_throughput's keras-io-style `KerasIoGAN` trained with `fit` on the given chunk."""

    def __init__(self, generator, discriminator, spec):
        self.generator, self.dataset = generator, None
        self.gan = throughput.KerasIoGAN(discriminator, generator, spec["latent_dim"])
        self.gan.compile(d_optimizer=_adam(spec), g_optimizer=_adam(spec),
                         loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))


LOOP_CLASSES = {"keras_gan": KerasGanLoop, "keras_gan_reuse": KerasGanReuseLoop,
                "keras_io": KerasIoLoop}


def chunk_dataset(data, start_step, steps, batch_size, seed):
    """Batches `start_step .. start_step + steps - 1` of the deterministic epoch stream."""
    batches_per_epoch = len(data) // batch_size
    return gan_data.epoch_dataset(
        data, batch_size=batch_size, seed=seed, start_epoch=start_step // batches_per_epoch,
        num_epochs=None, skip_batches=start_step % batches_per_epoch).take(steps)


def first_reaching(curve, target):
    """Index of the first curve point with FID <= target (after step 0), or None."""
    for index, point in enumerate(curve):
        if point["step"] > 0 and point["fid"] <= target:
            return index
    return None


def run_benchmark(data, real_images, extractor, spec, *, target_fid, max_minutes, chunk_steps,
                  fid_samples, max_steps=None, seed=0, log=print, loops=DEFAULT_LOOPS):
    """Trains both loops interleaved in chunks until each reaches `target_fid`; returns dict.

    `data` is the training set (at the network's size), `real_images` the FID reference set.
    """
    batch_size = spec["batch_size"]
    probe = FidProbe(extractor, real_images, fid_samples, spec["latent_dim"])
    names, loops, states = tuple(loops), {}, {}
    for name in names:
        generator, discriminator = build_networks(spec, seed)
        loops[name] = LOOP_CLASSES[name](generator, discriminator, spec)
        fid = probe(generator)
        states[name] = {
            "generator_params": int(generator.count_params()),
            "discriminator_params": int(discriminator.count_params()),
            "initial_weights_checksum": throughput.weights_checksum(generator, discriminator),
            "steps": 0, "train_seconds": 0.0, "eval_seconds": 0.0, "done": False,
            "stop_reason": None,
            "curve": [{"step": 0, "train_seconds": 0.0, "fid": fid,
                       "chunk_images_per_second": None}],
        }
        log(f"{name}: step 0, FID {fid:.2f}")

    max_seconds = max_minutes * 60.0
    round_index = 0
    while not all(state["done"] for state in states.values()):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            state, loop = states[name], loops[name]
            if state["done"]:
                continue
            steps = chunk_steps if max_steps is None else min(chunk_steps, max_steps - state["steps"])
            timed_steps = steps
            if state["steps"] == 0:  # trace the step function untimed (one real step)
                loop.dataset = chunk_dataset(data, 0, 1, batch_size, seed)
                loop.run(1)
                timed_steps = steps - 1
            seconds = 0.0
            if timed_steps > 0:
                loop.dataset = chunk_dataset(data, state["steps"] + steps - timed_steps,
                                             timed_steps, batch_size, seed)
                start = time.perf_counter()
                loop.run(timed_steps)
                seconds = time.perf_counter() - start
            # The untimed tracing step counts at the chunk's mean step time.
            seconds *= steps / timed_steps if timed_steps > 0 else 0.0
            state["steps"] += steps
            state["train_seconds"] += seconds
            start = time.perf_counter()
            fid = probe(loop.generator)
            state["eval_seconds"] += time.perf_counter() - start
            state["curve"].append({
                "step": state["steps"], "train_seconds": state["train_seconds"], "fid": fid,
                "chunk_images_per_second": steps * batch_size / seconds if seconds > 0 else None,
            })
            log(f"{name}: step {state['steps']}, {state['train_seconds'] / 60:.2f} train min, "
                f"FID {fid:.2f}")
            if fid <= target_fid:
                state["done"], state["stop_reason"] = True, "target reached"
            elif state["train_seconds"] >= max_seconds:
                state["done"], state["stop_reason"] = True, "max minutes"
            elif max_steps is not None and state["steps"] >= max_steps:
                state["done"], state["stop_reason"] = True, "max steps"
        round_index += 1

    results = {}
    for name, state in states.items():
        reached = first_reaching(state["curve"], target_fid)
        point = state["curve"][reached] if reached is not None else None
        results[name] = {
            "loop": LOOP_CLASSES[name].kind,
            "generator_params": state["generator_params"],
            "discriminator_params": state["discriminator_params"],
            "initial_weights_checksum": state["initial_weights_checksum"],
            "reached_target": point is not None,
            "minutes_to_target": point["train_seconds"] / 60.0 if point else None,
            "steps_to_target": point["step"] if point else None,
            "stop_reason": state["stop_reason"],
            "steps": state["steps"],
            "train_seconds": state["train_seconds"],
            "images_per_second": state["steps"] * batch_size / state["train_seconds"]
            if state["train_seconds"] > 0 else None,
            "eval_seconds": state["eval_seconds"],
            "best_fid": min(p["fid"] for p in state["curve"]),
            "curve": state["curve"],
        }
    # Ratios compare keras_gan with keras_io when both ran (None otherwise).
    a, b = results.get("keras_gan", {}), results.get("keras_io", {})
    both = a.get("reached_target") and b.get("reached_target")
    ratios = {
        "minutes_keras_gan_over_keras_io": a["minutes_to_target"] / b["minutes_to_target"]
        if both else None,
        "steps_keras_gan_over_keras_io": a["steps_to_target"] / b["steps_to_target"]
        if both else None,
        "images_per_second_keras_gan_over_keras_io":
            a["images_per_second"] / b["images_per_second"]
            if a.get("images_per_second") and b.get("images_per_second") else None,
    }
    return {"loops": results, "ratios": ratios, "levels": fid_levels(results)}


def fid_levels(results, levels=FID_LEVELS):
    """Time to each FID level, read off the recorded curves (first evaluation at or below).

    A curve is the same whether or not its loop stopped at the target, up to the stop, so
    these are the numbers runs with `--target-fid LEVEL` would report for every level above
    the lowest FID a loop reached; below it, "not reached" only means "not within this run".
    Levels at or above the initial FID (equal for both loops) are left out.
    """
    initial = min(loop["curve"][0]["fid"] for loop in results.values())
    table = []
    for level in (level for level in levels if level < initial):
        row = {"fid": level}
        for name, loop in results.items():
            index = first_reaching(loop["curve"], level)
            point = loop["curve"][index] if index is not None else None
            row[name] = {"minutes": point["train_seconds"] / 60.0 if point else None,
                         "steps": point["step"] if point else None}
        a = row.get("keras_gan", {}).get("minutes")
        b = row.get("keras_io", {}).get("minutes")
        row["minutes_keras_gan_over_keras_io"] = a / b if a and b else None
        table.append(row)
    return table


# ------------------------------------------------------------------ report


def format_table(result):
    """The result as a plain-text table."""
    config = result["config"]
    lines = [
        machine_info.describe(result["machine"]),
        f"Time to domain FID <= {config['target_fid']:g} ({config['data']}; "
        f"{config['fid_fake_samples']} generated vs {config['fid_real_samples']} real), "
        f"DCGAN {config['network']}, batch {config['batch_size']}, chunks of "
        f"{config['chunk_steps']} steps",
        f"{'loop':<16}{'minutes':>12}{'steps':>7}{'images/s':>10}{'best FID':>10}"
        f"{'trained min':>13}  stop",
    ]
    for name, loop in result["loops"].items():
        minutes = f"{loop['minutes_to_target']:.2f}" if loop["reached_target"] else "not reached"
        steps = str(loop["steps_to_target"]) if loop["reached_target"] else "-"
        lines.append(
            f"{name:<16}{minutes:>12}{steps:>7}{loop['images_per_second'] or 0:>10.1f}"
            f"{loop['best_fid']:>10.2f}{loop['train_seconds'] / 60:>13.2f}  {loop['stop_reason']}")
    ratios = result["ratios"]
    if ratios["minutes_keras_gan_over_keras_io"] is not None:
        lines.append(
            f"ratio keras_gan / keras_io: minutes {ratios['minutes_keras_gan_over_keras_io']:.3f}, "
            f"steps {ratios['steps_keras_gan_over_keras_io']:.3f}, images/s "
            f"{ratios['images_per_second_keras_gan_over_keras_io']:.3f}")
    elif {"keras_gan", "keras_io"} <= set(result["loops"]):
        lines.append("ratio of minutes: not available (a loop did not reach the target)")
    lines.append("time to each FID level (training minutes / steps; '-' = not within this run):")
    for row in result["levels"]:
        cells = []
        for name in result["loops"]:
            cell = row[name]
            cells.append(f"{name} {cell['minutes']:.2f} min / {cell['steps']}"
                         if cell["minutes"] is not None else f"{name} -")
        ratio = row["minutes_keras_gan_over_keras_io"]
        lines.append(f"  FID <= {row['fid']:>4g}: " + ", ".join(cells)
                     + (f", ratio {ratio:.3f}" if ratio else ""))
    for name, loop in result["loops"].items():
        curve = ", ".join(f"{p['step']}:{p['fid']:.1f}" for p in loop["curve"])
        lines.append(f"{name} FID curve (step:FID): {curve}")
    return "\n".join(lines)


def plot_curves(result, path):
    """Writes both FID-vs-training-minutes curves (log FID) with the target line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    for name, loop in result["loops"].items():
        minutes = [p["train_seconds"] / 60.0 for p in loop["curve"]]
        axes.plot(minutes, [p["fid"] for p in loop["curve"]], marker=".", label=name)
    axes.axhline(result["config"]["target_fid"], color="gray", linestyle="--",
                 label=f"target {result['config']['target_fid']:g}")
    axes.set_yscale("log")
    axes.set_xlabel("training minutes (FID evaluation excluded)")
    axes.set_ylabel("domain-classifier FID")
    axes.set_title(f"DCGAN ({result['config']['network']}) on {os.path.basename(str(result['config']['data']))}: time to quality")
    axes.legend()
    figure.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                        help="Folder with MNIST IDX files (10,000 test digits were used).")
    parser.add_argument("--work-dir", default=os.path.join("/tmp", "keras_gan_mnist_fid"),
                        help="Where the domain classifier is trained once and cached "
                             "(shared with benchmarks/mnist_fid.py).")
    parser.add_argument("--target-fid", type=float, default=DEFAULT_TARGET_FID)
    parser.add_argument("--max-minutes", type=float, default=20.0,
                        help="Training minutes after which a loop stops without the target.")
    parser.add_argument("--chunk-steps", type=int, default=50,
                        help="Steps per interleaved chunk (FID is evaluated after each).")
    parser.add_argument("--fid-samples", type=int, default=2000,
                        help="Generated images per FID evaluation.")
    parser.add_argument("--max-steps", type=int, default=None,
                        help="Also stop a loop after this many steps. Defaults to no limit.")
    parser.add_argument("--network", default="dcgan32", choices=sorted(NETWORKS),
                        help="dcgan32: keras-gan's dcgan recipe at 32 px; tutorial28: the TF "
                             "DCGAN tutorial network of train_throughput.py.")
    parser.add_argument("--loops", default=",".join(DEFAULT_LOOPS),
                        help=f"Comma-separated loops among {','.join(LOOPS)} (keras_gan_reuse: "
                             "GAN(reuse_generator_pass=True)). Default: %(default)s")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true",
                        help="Tiny CI run: digits, batch 16, 2 chunks of 2 steps, "
                             "64 FID samples, a 1-epoch domain classifier.")
    parser.add_argument("--json", default=os.path.join(BENCHMARKS_DIR, "results",
                                                       "time_to_quality.json"))
    parser.add_argument("--png", default=os.path.join(BENCHMARKS_DIR, "results",
                                                      "time_to_quality.png"))
    args = parser.parse_args(argv)
    for name in ("chunk_steps", "fid_samples"):
        if getattr(args, name) < 2:
            parser.error(f"--{name.replace('_', '-')} must be >= 2. Received: {getattr(args, name)}")
    if args.max_minutes <= 0 or args.target_fid < 0:
        parser.error(f"--max-minutes must be > 0 and --target-fid >= 0. Received: "
                     f"--max-minutes={args.max_minutes}, --target-fid={args.target_fid}")

    loop_names = tuple(name for name in args.loops.split(",") if name)
    unknown = sorted(set(loop_names) - set(LOOPS))
    if unknown or not loop_names:
        parser.error(f"--loops must name loops among {','.join(LOOPS)}. Received: {args.loops!r}")

    wall_start = time.perf_counter()
    load_start = os.getloadavg()
    spec = dict(NETWORKS[args.network])
    if args.smoke:
        spec["batch_size"], args.chunk_steps, args.fid_samples = 16, 2, 64
        args.max_steps = 4 if args.max_steps is None else args.max_steps
        source, classifier_epochs, real_size = "digits", 1, 28
    else:
        try:
            source = check_data_dir(args.data_dir)
        except FileNotFoundError as error:
            print(f"time_to_quality: error: {error}", file=sys.stderr)
            return 2
        classifier_epochs, real_size = 10, None  # MNIST's own 28 px, as mnist_fid.py
    # The FID reference set stays at the classifier's size; generated 32 px images are
    # resized bilinearly to it by the extractor.
    real = gan_data.load_arrays(source, image_size=real_size, with_labels=True)
    data = gan_data.load_arrays(source, image_size=spec["image_size"])
    extractor = metrics.load_or_train_domain_classifier(
        args.work_dir, source, image_size=real_size, epochs=classifier_epochs, seed=args.seed)
    print(f"data: {len(data.images)} images from {source} at {spec['image_size']} px; domain "
          f"classifier held-out accuracy {extractor.protocol['test_accuracy']:.4f}")

    result = run_benchmark(
        data, real.images, extractor, spec, target_fid=args.target_fid,
        max_minutes=args.max_minutes, chunk_steps=args.chunk_steps,
        fid_samples=args.fid_samples, max_steps=args.max_steps, seed=args.seed, loops=loop_names)
    machine = machine_info.machine_facts()
    machine.pop("load_average_1m")
    machine["load_average_start"] = list(load_start)
    machine["load_average_end"] = list(os.getloadavg())
    result = {
        "benchmark": "time_to_quality",
        "command": "python benchmarks/time_to_quality.py "
                   + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": machine,
        "config": {
            "network": args.network,
            "network_facts": spec,
            "image_shape": [spec["image_size"], spec["image_size"], 1],
            "latent_dim": spec["latent_dim"],
            "batch_size": spec["batch_size"],
            "optimizer": f"Adam({spec['learning_rate']}, beta_1={spec['beta_1']}) for G and D",
            "data": source,
            "num_images": int(len(data.images)),
            "data_order": "keras_gan.data.epoch_dataset(seed): identical batches for both loops",
            "seed": args.seed,
            "target_fid": args.target_fid,
            "max_minutes": args.max_minutes,
            "max_steps": args.max_steps,
            "chunk_steps": args.chunk_steps,
            "interleaving": "chunks alternate between the loops; the order flips each round",
            "timing": "training only; FID evaluation untimed; the first (tracing) step of each "
                      "loop is untimed and counted at its chunk's mean step time",
            "fid_fake_samples": args.fid_samples,
            "fid_real_samples": int(len(real.images)),
            "fid_noise_seed": FAKE_NOISE_SEED,
            "extractor": extractor.protocol,
            "smoke": args.smoke,
        },
        **result,
        "wall_seconds": time.perf_counter() - wall_start,
    }
    print(format_table(result))
    print(f"wall time {result['wall_seconds'] / 60:.1f} min; load average start "
          f"{load_start[0]:.2f}, end {machine['load_average_end'][0]:.2f}")
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
    plot_curves(result, args.png)
    print(f"wrote {args.json} and {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
