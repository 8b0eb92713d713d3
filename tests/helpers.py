"""Helpers shared by the model, variant and trainer tests: data, small compiled models,
their whole state, the two-replica and resume comparisons, scripts loaded by path."""

import contextlib
import functools
import importlib.util
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan import models, networks
from keras_gan.checkpoints import gan_checkpoint, random_layer_states

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS_SHAPE = (8, 8, 1)


def load_script(path):
    """The Python file at `path` (relative to the repository root, e.g.
    "benchmarks/flops.py"), imported as a module: scripts are not packages."""
    path = os.path.join(ROOT, path)
    name = "script_" + os.path.splitext(os.path.relpath(path, ROOT))[0].replace(os.sep, "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------ data


def ring_points(n=4096, seed=0):
    """n points of the 8-Gaussian ring (radius 2, std 0.02) and its modes, from NumPy."""
    rng = np.random.default_rng(seed)
    angles = np.arange(8) * np.pi / 4
    modes = np.stack([2 * np.cos(angles), 2 * np.sin(angles)], axis=1)
    points = modes[rng.integers(0, 8, n)] + 0.02 * rng.standard_normal((n, 2))
    return points.astype("float32"), modes


def batches(points, batch_size):
    return tf.data.Dataset.from_tensor_slices(points).batch(batch_size, drop_remainder=True)


def labelled_batches(images, labels, batch_size, shuffle_seed=None):
    """(images, labels int32) batches, full batches only; in order unless `shuffle_seed`
    is given (each new iterator of a shuffled dataset draws another order, so runs to be
    compared exactly use the ordered stream)."""
    dataset = tf.data.Dataset.from_tensor_slices((images, np.asarray(labels, "int32")))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(images), seed=shuffle_seed)
    return dataset.batch(batch_size, drop_remainder=True)


@functools.lru_cache(maxsize=None)
def digits(split="train"):
    """The 8x8 `digits` split with labels (cached per session)."""
    return gan_data.load_arrays("digits", image_size=8, split=split, with_labels=True)


@functools.lru_cache(maxsize=None)
def digits_classifier():
    """An RBF support vector classifier of 8x8 digits, trained on the train split only
    (scikit-learn: independent of everything under test). `predict(images) -> labels`."""
    from sklearn.svm import SVC

    train = digits("train")
    classifier = SVC(gamma="scale", C=10.0).fit(train.images.reshape(len(train), -1), train.labels)
    return lambda images: classifier.predict(np.asarray(images).reshape(len(images), -1))


# ---------------------------------------------------------------------------- models


@functools.lru_cache(maxsize=None)
def two_cpu_strategy():
    """One MirroredStrategy over the 2 logical CPUs configured in conftest.py, shared by
    the tests.

    Made by `make_strategy`, which gives every strategy fresh collective keys: two
    strategies sharing keys abort with "Shape mismatch in the collective instance".
    """
    from keras_gan.training.strategies import make_strategy

    return make_strategy("mirrored", devices=["/cpu:0", "/cpu:1"])


def _scope(strategy):
    return strategy.scope() if strategy is not None else contextlib.nullcontext()


def tiny_gan(strategy=None, latent_dim=8, units=(32, 32), lr=1e-3, d_lr=None, init_seed=1, **kwargs):
    """A compiled MLP GAN on 2-D data, built (with seeded weights) in `strategy`'s scope."""
    with _scope(strategy):
        keras.utils.set_random_seed(init_seed)
        gan = models.GAN(
            networks.mlp_generator(latent_dim, (2,), hidden_units=units, output_activation=None),
            networks.mlp_discriminator((2,), hidden_units=units),
            **kwargs,
        )
        gan.compile(
            g_optimizer=keras.optimizers.Adam(lr, beta_1=0.5),
            d_optimizer=keras.optimizers.Adam(lr if d_lr is None else d_lr, beta_1=0.5),
        )
    return gan


def make_variant(model_class, strategy=None, *, discriminator=None, units=(16, 16), latent_dim=4,
                 optimizer=None, lr=1e-3, d_lr=None, init_seed=1, run_eagerly=False, **kwargs):
    """A compiled MLP variant on 2-D data, built with seeded weights in `strategy`'s scope.

    Args:
        discriminator: callable `units -> keras.Model` or None (an MLP discriminator).
        optimizer: callable `lr -> optimizer` or None (Adam with beta_1 = 0.5).
        run_eagerly: bool. Eager steps: far cheaper than tracing for tests of a few steps.
    """
    optimizer = optimizer or (lambda rate: keras.optimizers.Adam(rate, beta_1=0.5))
    with _scope(strategy):
        keras.utils.set_random_seed(init_seed)
        generator = networks.mlp_generator(latent_dim, (2,), hidden_units=units, output_activation=None)
        critic = discriminator(units) if discriminator else networks.mlp_discriminator((2,), hidden_units=units)
        gan = model_class(generator, critic, **kwargs)
        gan.compile(g_optimizer=optimizer(lr), d_optimizer=optimizer(lr if d_lr is None else d_lr),
                    run_eagerly=run_eagerly)
    return gan


def compiled(build, strategy=None, init_seed=1, lr=1e-3, sgd=False, run_eagerly=False):
    """`build()` -> model, created and compiled with seeded weights in `strategy`'s scope.

    Adam(beta_1=0.5) by default; `sgd=True` for exact one-device / two-replica comparisons
    (an update proportional to the gradient shows a wrongly scaled term at full size).
    """
    with _scope(strategy):
        keras.utils.set_random_seed(init_seed)
        gan = build()
        make = (lambda: keras.optimizers.SGD(lr)) if sgd else (lambda: keras.optimizers.Adam(lr, beta_1=0.5))
        gan.compile(g_optimizer=make(), d_optimizer=make(), run_eagerly=run_eagerly)
    return gan


def all_weights(gan):
    return [w.numpy() for w in gan.generator.weights + gan.discriminator.weights]


def full_state(gan):
    """Every variable a checkpoint holds: G, D, extras (BiGAN's encoder, StyleGAN2's
    pl_mean), both optimizers (iterations included), the EMA weights, and last the random
    layers' seed states."""
    extras = gan.checkpoint_extras()
    variables = gan.generator.weights + gan.discriminator.weights
    for extra in extras.values():  # models (BiGAN's encoder) or variables (StyleGAN2's pl_mean)
        variables += extra.weights if isinstance(extra, keras.Model) else [extra]
    variables += gan.g_optimizer.variables + gan.d_optimizer.variables + gan.ema_weights
    variables += random_layer_states(gan.generator, gan.discriminator, *extras.values())
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in variables]


# ------------------------------------------------------------------ comparisons


def assert_mirrored_equals_one_device(make, dataset, epochs=2, atol=2e-6, history_atol=1e-7):
    """Two replicas reach one device's state and logged losses (same init, data, noise).

    `make(strategy)` builds the compiled model (strategy None: one device). Use SGD there:
    its update is proportional to the gradient, so a term scaled wrongly across replicas
    shows at full size, whereas Adam's per-coordinate normalization turns float rounding
    of a near-zero gradient (summed in another order by two replicas) into a sizeable
    fraction of a step.

    Returns:
        (one-device model, two-replica model); `one.history.history` holds the losses.
    """
    one, two = make(None), make(two_cpu_strategy())
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_array_equal(a, b)
    initial = all_weights(one)
    h1 = one.fit(dataset, epochs=epochs, verbose=0).history
    h2 = two.fit(dataset, epochs=epochs, verbose=0).history
    # Training moved the weights, so the comparison below is not vacuous.
    assert not all(np.array_equal(a, b) for a, b in zip(initial, all_weights(one)))
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_allclose(a, b, atol=atol)
    assert set(h1) == set(h2)
    for name in h1:
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-5, atol=history_atol)
    return one, two


def assert_resumes_exactly(make, dataset, directory):
    """Checkpoint after one epoch, restore into a differently initialised model, train one
    more epoch: every variable equals the uninterrupted run's.

    `make(init_seed)` builds the compiled model (eager steps are cheapest here)."""
    run = make(1)
    run.fit(dataset, epochs=1, verbose=0)
    path = gan_checkpoint(run).write(str(directory / "ckpt"))
    run.fit(dataset, epochs=1, verbose=0)

    resumed = make(7)
    assert not all(np.array_equal(a, b) for a, b in zip(full_state(run), full_state(resumed)))
    gan_checkpoint(resumed).read(path).assert_consumed()
    resumed.fit(dataset, epochs=1, verbose=0)
    for a, b in zip(full_state(run), full_state(resumed)):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ runs and learning


def run_variant_cli(variant, directory, *extra):
    """`keras-gan train --variant VARIANT --epochs 1` on 16x16 digits (narrow networks);
    returns (exit code, run directory)."""
    from trainers import cli

    out = directory / variant
    code = cli.main([
        "train", "--variant", variant, "--epochs", "1", "--image-size", "16",
        "--base-filters", "8", "--batch-size", "64", "--num-samples", "20",
        "--output-dir", str(out), "--verbose", "0", *extra,
    ])
    return code, out
