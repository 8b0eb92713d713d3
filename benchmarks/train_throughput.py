"""Training throughput of the TF DCGAN tutorial network: keras-gan vs two reference loops.

    python benchmarks/train_throughput.py [--batch-size 256] [--steps 10] [--windows 5]
        [--precision float32|mixed_bfloat16] [--smoke] [--json PATH]

Three loops train the DCGAN of the TensorFlow DCGAN tutorial (28x28x1, latent 100;
`keras_gan.networks.dcgan_generator(100, (28, 28, 1))` and `dcgan_discriminator((28, 28,
1))` are the tutorial's layers, 2,330,944 and 212,865 parameters), each on its own fresh
copy of the networks built from the same seed (identical initial weights), on the same
tf.data pipeline (`keras_gan.data` digits at 28 px, cached, shuffled, repeated), with
Adam(1e-4) for both networks:

- `keras_gan`: `keras_gan.models.GAN` trained with `fit` (alternating: D step on real and
  fake, then G step with fresh noise).
- `keras_gan_reuse`: the same with `reuse_generator_pass=True` (alternating updates, but
  the D step's generator forward pass serves the G step: one G forward per step).
- `keras_io`: a straightforward keras-io-style `keras.Model` whose `train_step` (traced
  into a `tf.function` by `fit`) does the D step on real and generated images concatenated,
  then a G step with fresh noise (as keras-io's `dcgan_overriding_train_step.py`, with
  `training=True` passed explicitly so that batch norm and dropout run in training mode in
  all three loops).
- `tutorial`: the TF tutorial's `@tf.function` simultaneous update (one G forward, two
  tapes) called from a Python loop over the dataset.

Timing: each loop is warmed up (tracing excluded), then `--windows` rounds are run; in
each round a float32 and a bfloat16 2048x2048 matmul window are timed and every loop
trains `--steps` steps (the loops' order rotates each round). Throughputs are medians over
the windows. Windows are interleaved so that load from other processes hits all loops
alike: on a shared machine the absolute numbers are low and noisy, the ratios within one
run are what count.

FLOPs are counted analytically per layer (see `benchmarks/flops.py`); the step's FLOP
rate is reported as a fraction of the matmul rates measured in the same run.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
BENCHMARKS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCHMARKS_DIR)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import flops  # noqa: E402
import machine  # noqa: E402
from keras_gan import data as gan_data  # noqa: E402
from keras_gan import networks  # noqa: E402
from keras_gan import precision as gan_precision  # noqa: E402
from keras_gan.models import GAN  # noqa: E402

LATENT_DIM = 100
IMAGE_SHAPE = (28, 28, 1)
LOOPS = ("keras_gan", "keras_gan_reuse", "keras_io", "tutorial")
LOOP_KIND = {"keras_gan": "alternating", "keras_gan_reuse": "alternating_reuse",
             "keras_io": "alternating", "tutorial": "simultaneous"}
LEARNING_RATE = 1e-4


def machine_facts():
    """Where the numbers were measured (`benchmarks/machine.py`: CPU, instruction sets,
    versions, oneDNN, load)."""
    return machine.machine_facts()


def build_networks(precision, seed):
    """A fresh tutorial DCGAN pair; the same `seed` gives the same initial weights."""
    keras.utils.set_random_seed(seed)
    with gan_precision.policy_scope(precision):
        generator = networks.dcgan_generator(LATENT_DIM, IMAGE_SHAPE)
        discriminator = networks.dcgan_discriminator(IMAGE_SHAPE)
    if precision != "float32":
        gan_precision.float32_outputs(generator)
        gan_precision.float32_outputs(discriminator)
    return generator, discriminator


def weights_checksum(*models):
    """Sum of |w| over all weights: equal across loops iff they start from the same init."""
    return float(sum(np.abs(w).astype("float64").sum() for m in models for w in m.get_weights()))


# ------------------------------------------------------------------ the three loops


class KerasGanLoop:
    """keras-gan's base GAN trained with `fit`."""

    reuse_generator_pass = False

    def __init__(self, generator, discriminator, dataset, precision):
        self.generator, self.discriminator, self.dataset = generator, discriminator, dataset
        self.gan = GAN(generator, discriminator, reuse_generator_pass=self.reuse_generator_pass)
        self.gan.compile(
            g_optimizer=gan_precision.loss_scaled(keras.optimizers.Adam(LEARNING_RATE), precision),
            d_optimizer=gan_precision.loss_scaled(keras.optimizers.Adam(LEARNING_RATE), precision),
        )

    def run(self, steps):
        # `fit` returns after converting the epoch's logs to NumPy: the steps are done.
        self.gan.fit(self.dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)


class KerasGanReuseLoop(KerasGanLoop):
    """keras-gan's base GAN with `reuse_generator_pass=True`, trained with `fit`."""

    reuse_generator_pass = True


class KerasIoGAN(keras.Model):
    """The keras-io `dcgan_overriding_train_step.py` GAN, written the straightforward way."""

    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(random_latent_vectors, training=True)
        combined_images = tf.concat([generated_images, real_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * tf.random.uniform(tf.shape(labels))  # keras-io's label noise
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images, training=True)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        misleading_labels = tf.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(
                self.generator(random_latent_vectors, training=True), training=True
            )
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {"d_loss": self.d_loss_metric.result(), "g_loss": self.g_loss_metric.result()}


class KerasIoLoop:
    """The keras-io-style GAN trained with `fit`."""

    def __init__(self, generator, discriminator, dataset, precision):
        del precision  # bfloat16 needs no loss scaling
        self.generator, self.discriminator, self.dataset = generator, discriminator, dataset
        self.gan = KerasIoGAN(discriminator, generator, LATENT_DIM)
        self.gan.compile(
            d_optimizer=keras.optimizers.Adam(LEARNING_RATE),
            g_optimizer=keras.optimizers.Adam(LEARNING_RATE),
            loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
        )

    def run(self, steps):
        self.gan.fit(self.dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)


class TutorialLoop:
    """The TF DCGAN tutorial's `train_step`: simultaneous updates from one G forward."""

    def __init__(self, generator, discriminator, dataset, precision):
        del precision
        self.generator, self.discriminator, self.dataset = generator, discriminator, dataset
        cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        generator_optimizer = keras.optimizers.Adam(LEARNING_RATE)
        discriminator_optimizer = keras.optimizers.Adam(LEARNING_RATE)
        generator_optimizer.build(generator.trainable_variables)
        discriminator_optimizer.build(discriminator.trainable_variables)

        def discriminator_loss(real_output, fake_output):
            real_loss = cross_entropy(tf.ones_like(real_output), real_output)
            fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
            return real_loss + fake_loss

        def generator_loss(fake_output):
            return cross_entropy(tf.ones_like(fake_output), fake_output)

        @tf.function
        def train_step(images):
            noise = tf.random.normal([tf.shape(images)[0], LATENT_DIM])
            with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
                generated_images = generator(noise, training=True)
                real_output = discriminator(images, training=True)
                fake_output = discriminator(generated_images, training=True)
                gen_loss = generator_loss(fake_output)
                disc_loss = discriminator_loss(real_output, fake_output)
            gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
            gradients_of_discriminator = disc_tape.gradient(
                disc_loss, discriminator.trainable_variables
            )
            generator_optimizer.apply_gradients(
                zip(gradients_of_generator, generator.trainable_variables)
            )
            discriminator_optimizer.apply_gradients(
                zip(gradients_of_discriminator, discriminator.trainable_variables)
            )
            return gen_loss, disc_loss

        self.train_step = train_step

    def run(self, steps):
        batches = iter(self.dataset)
        losses = None
        for _ in range(steps):
            losses = self.train_step(next(batches))
        float(losses[0])  # host sync at the window's end only, like a logging tutorial epoch


LOOP_CLASSES = {"keras_gan": KerasGanLoop, "keras_gan_reuse": KerasGanReuseLoop,
                "keras_io": KerasIoLoop, "tutorial": TutorialLoop}


# ------------------------------------------------------------------ matmul rate


class MatmulRate:
    """GFLOP/s of an `n x n` matmul (`2 n^3` FLOPs) in `dtype`, timed in windows."""

    def __init__(self, dtype, n, window_seconds):
        self.flops = 2 * n**3
        self.a = tf.cast(tf.random.normal((n, n), seed=1), dtype)
        self.b = tf.cast(tf.random.normal((n, n), seed=2), dtype)
        self.matmul = tf.function(tf.matmul)
        self.matmul(self.a, self.b).numpy()  # trace + warm up
        start = time.perf_counter()
        self.matmul(self.a, self.b).numpy()
        once = time.perf_counter() - start
        self.repeats = max(3, math.ceil(window_seconds / max(once, 1e-6)))

    def window(self):
        start = time.perf_counter()
        for _ in range(self.repeats):
            c = self.matmul(self.a, self.b)
        c.numpy()
        return self.flops * self.repeats / (time.perf_counter() - start) / 1e9


# ------------------------------------------------------------------ the benchmark


def run_benchmark(batch_size, steps, windows, warmup_steps, precision, matmul_size, seed=0):
    """Runs the three loops and the matmul windows interleaved; returns the result dict."""
    data = gan_data.load_arrays("digits", image_size=IMAGE_SHAPE[0])
    dataset = gan_data.from_arrays(data, batch_size=batch_size, seed=seed, repeat=True)

    loops, facts = {}, {}
    for name in LOOPS:
        generator, discriminator = build_networks(precision, seed)
        facts[name] = {
            "loop": LOOP_KIND[name],
            "generator_params": int(generator.count_params()),
            "discriminator_params": int(discriminator.count_params()),
            "initial_weights_checksum": weights_checksum(generator, discriminator),
            "flops_per_image": flops.step_flops_per_example(generator, discriminator, LOOP_KIND[name]),
        }
        loops[name] = LOOP_CLASSES[name](generator, discriminator, dataset, precision)
        start = time.perf_counter()
        loops[name].run(warmup_steps)  # traces the step; not timed
        facts[name]["warmup_seconds"] = time.perf_counter() - start

    matmuls = {
        dtype: MatmulRate(dtype, matmul_size, window_seconds=0.5 if matmul_size >= 1024 else 0.05)
        for dtype in ("float32", "bfloat16")
    }
    rates = {name: [] for name in LOOPS}
    # Images per CPU-second of this process (all its threads): on a shared machine other
    # processes' load stretches wall time far more than the CPU time the work takes.
    cpu_rates = {name: [] for name in LOOPS}
    matmul_rates = {dtype: [] for dtype in matmuls}
    for round_index in range(windows):
        for dtype, matmul in matmuls.items():
            matmul_rates[dtype].append(matmul.window())
        order = LOOPS[round_index % len(LOOPS):] + LOOPS[: round_index % len(LOOPS)]
        for name in order:
            start, cpu_start = time.perf_counter(), time.process_time()
            loops[name].run(steps)
            rates[name].append(steps * batch_size / (time.perf_counter() - start))
            cpu_rates[name].append(steps * batch_size / (time.process_time() - cpu_start))

    matmul_result = {
        dtype: {"gflops_per_second": statistics.median(values), "windows": values}
        for dtype, values in matmul_rates.items()
    }
    loop_results = {}
    for name in LOOPS:
        images_per_second = statistics.median(rates[name])
        gflops = images_per_second * facts[name]["flops_per_image"] / 1e9
        loop_results[name] = {
            **facts[name],
            "images_per_second": images_per_second,
            "windows_images_per_second": rates[name],
            "images_per_cpu_second": statistics.median(cpu_rates[name]),
            "windows_images_per_cpu_second": cpu_rates[name],
            "gflops_per_second": gflops,
            "fraction_of_float32_matmul": gflops / matmul_result["float32"]["gflops_per_second"],
            "fraction_of_bfloat16_matmul": gflops / matmul_result["bfloat16"]["gflops_per_second"],
        }
    keras_gan_rate = loop_results["keras_gan"]["images_per_second"]
    reuse_rate = loop_results["keras_gan_reuse"]["images_per_second"]
    return {
        "benchmark": "train_throughput",
        "machine": machine_facts(),
        "config": {
            "network": "TF DCGAN tutorial (keras_gan.networks.dcgan_generator/discriminator, 28x28x1)",
            "latent_dim": LATENT_DIM,
            "image_shape": list(IMAGE_SHAPE),
            "batch_size": batch_size,
            "steps_per_window": steps,
            "windows": windows,
            "warmup_steps": warmup_steps,
            "precision": precision,
            "optimizer": f"Adam({LEARNING_RATE}) for G and D",
            "data": "keras_gan.data digits at 28 px, from_arrays(repeat=True)",
            "matmul_size": matmul_size,
            "statistic": "median over interleaved windows",
        },
        "flop_counting": flops.METHOD,
        "matmul": matmul_result,
        "loops": loop_results,
        "ratios": {
            "keras_gan_vs_keras_io": keras_gan_rate / loop_results["keras_io"]["images_per_second"],
            "keras_gan_vs_tutorial": keras_gan_rate / loop_results["tutorial"]["images_per_second"],
            "keras_gan_reuse_vs_keras_io": reuse_rate / loop_results["keras_io"]["images_per_second"],
            "keras_gan_reuse_vs_tutorial": reuse_rate / loop_results["tutorial"]["images_per_second"],
        },
        "ratios_per_cpu_second": {
            f"{a}_vs_{b}": loop_results[a]["images_per_cpu_second"] / loop_results[b]["images_per_cpu_second"]
            for a, b in (("keras_gan", "keras_io"), ("keras_gan", "tutorial"),
                         ("keras_gan_reuse", "keras_io"), ("keras_gan_reuse", "tutorial"))
        },
    }


def format_table(result):
    """The result as a plain-text table."""
    config = result["config"]
    lines = [
        machine.describe(result["machine"]),
        f"DCGAN (TF tutorial) training, batch {config['batch_size']}, {config['precision']}, "
        f"{config['windows']} windows x {config['steps_per_window']} steps (median)",
        f"{'loop':<16}{'kind':<18}{'images/s':>10}{'GFLOP/s':>10}{'/f32 mm':>9}{'/bf16 mm':>10}"
        f"{'MFLOP/img':>11}{'G params':>10}{'D params':>10}{'img/CPU-s':>11}",
    ]
    for name, loop in result["loops"].items():
        lines.append(
            f"{name:<16}{loop['loop']:<18}{loop['images_per_second']:>10.1f}"
            f"{loop['gflops_per_second']:>10.1f}{loop['fraction_of_float32_matmul']:>9.2f}"
            f"{loop['fraction_of_bfloat16_matmul']:>10.2f}{loop['flops_per_image'] / 1e6:>11.1f}"
            f"{loop['generator_params']:>10}{loop['discriminator_params']:>10}"
            f"{loop['images_per_cpu_second']:>11.1f}"
        )
    mm = result["matmul"]
    lines.append(
        f"matmul {config['matmul_size']}x{config['matmul_size']}: float32 "
        f"{mm['float32']['gflops_per_second']:.1f} GFLOP/s, bfloat16 "
        f"{mm['bfloat16']['gflops_per_second']:.1f} GFLOP/s"
    )
    ratios = result["ratios"]
    lines.append(
        f"ratios: keras_gan / keras_io = {ratios['keras_gan_vs_keras_io']:.3f}, "
        f"keras_gan / tutorial = {ratios['keras_gan_vs_tutorial']:.3f}, "
        f"keras_gan_reuse / keras_io = {ratios['keras_gan_reuse_vs_keras_io']:.3f}, "
        f"keras_gan_reuse / tutorial = {ratios['keras_gan_reuse_vs_tutorial']:.3f}"
    )
    cpu = result["ratios_per_cpu_second"]
    lines.append(
        f"ratios per CPU-second: keras_gan / keras_io = {cpu['keras_gan_vs_keras_io']:.3f}, "
        f"keras_gan / tutorial = {cpu['keras_gan_vs_tutorial']:.3f}, "
        f"keras_gan_reuse / keras_io = {cpu['keras_gan_reuse_vs_keras_io']:.3f}, "
        f"keras_gan_reuse / tutorial = {cpu['keras_gan_reuse_vs_tutorial']:.3f}"
    )
    lines.append(f"FLOPs: {result['flop_counting']}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10, help="Training steps per timed window.")
    parser.add_argument("--windows", type=int, default=5, help="Timed windows per loop.")
    parser.add_argument("--warmup-steps", type=int, default=3)
    parser.add_argument("--precision", default="float32", choices=("float32", "mixed_bfloat16"))
    parser.add_argument("--matmul-size", type=int, default=2048)
    parser.add_argument("--smoke", action="store_true",
                        help="Tiny run to check the script works: batch 8, 2 steps, 2 windows.")
    parser.add_argument("--json", default=None,
                        help="Output JSON. Defaults to benchmarks/results/train_throughput_<precision>.json.")
    args = parser.parse_args(argv)
    if args.smoke:
        args.batch_size, args.steps, args.windows, args.warmup_steps = 8, 2, 2, 1
        args.matmul_size = 256
    for name in ("batch_size", "steps", "windows", "warmup_steps", "matmul_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1. Received: {getattr(args, name)}")

    result = run_benchmark(
        args.batch_size, args.steps, args.windows, args.warmup_steps, args.precision, args.matmul_size
    )
    result["config"]["smoke"] = args.smoke
    result["command"] = "python benchmarks/train_throughput.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    print(format_table(result))
    path = args.json or os.path.join(
        BENCHMARKS_DIR, "results", f"train_throughput_{args.precision}.json"
    )
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
