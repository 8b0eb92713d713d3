"""Helpers of the CGAN / ACGAN / InfoGAN / BiGAN / SGAN tests."""

import contextlib
import functools

import keras
import numpy as np
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan.checkpoints import gan_checkpoint
from tests import helpers

DIGITS_SHAPE = (8, 8, 1)


@functools.lru_cache(maxsize=None)
def two_cpu_strategy():
    """One MirroredStrategy over the 2 logical CPUs, shared by these tests."""
    return helpers.two_cpu_strategy()


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


def labelled_batches(images, labels, batch_size, shuffle_seed=None):
    """(images, labels int32) batches, full batches only; in order unless `shuffle_seed`
    is given (each new iterator of a shuffled dataset draws another order, so runs to be
    compared exactly use the ordered stream)."""
    dataset = tf.data.Dataset.from_tensor_slices((images, np.asarray(labels, "int32")))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(images), seed=shuffle_seed)
    return dataset.batch(batch_size, drop_remainder=True)


def compiled(build, strategy=None, init_seed=1, lr=1e-3, sgd=False, run_eagerly=False):
    """`build()` -> model, created and compiled with seeded weights in `strategy`'s scope.

    Adam(beta_1=0.5) by default; `sgd=True` for exact one-device / two-replica comparisons
    (an update proportional to the gradient shows a wrongly scaled term at full size).
    """
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        keras.utils.set_random_seed(init_seed)
        gan = build()
        make = (lambda: keras.optimizers.SGD(lr)) if sgd else (lambda: keras.optimizers.Adam(lr, beta_1=0.5))
        gan.compile(g_optimizer=make(), d_optimizer=make(), run_eagerly=run_eagerly)
    return gan


def full_state(gan):
    """Every variable a checkpoint holds: G, D, extras (BiGAN's encoder), both optimizers."""
    from keras_gan.checkpoints import random_layer_states

    extras = gan.checkpoint_extras()
    variables = gan.generator.weights + gan.discriminator.weights
    for extra in extras.values():  # models (BiGAN's encoder) or variables (StyleGAN2's pl_mean)
        variables += extra.weights if isinstance(extra, keras.Model) else [extra]
    variables += gan.g_optimizer.variables + gan.d_optimizer.variables + gan.ema_weights
    variables += random_layer_states(gan.generator, gan.discriminator, *extras.values())
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in variables]


def assert_mirrored_equals_one_device(build, dataset, epochs=2, lr=0.05, atol=2e-6):
    """Two replicas reach one device's weights and logged losses (same init, data, noise).

    Returns:
        (one-device model, two-replica model, one-device history).
    """
    one = compiled(build, None, sgd=True, lr=lr)
    two = compiled(build, two_cpu_strategy(), sgd=True, lr=lr)
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_array_equal(a, b)
    initial = [w.numpy() for w in one.generator.weights + one.discriminator.weights]
    h1 = one.fit(dataset, epochs=epochs, verbose=0).history
    h2 = two.fit(dataset, epochs=epochs, verbose=0).history
    trained = [w.numpy() for w in one.generator.weights + one.discriminator.weights]
    # Training moved the weights, so the comparison below is not vacuous.
    assert not all(np.array_equal(a, b) for a, b in zip(initial, trained))
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_allclose(a, b, atol=atol)
    assert set(h1) == set(h2)
    for name in h1:
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-5, atol=1e-6)
    return one, two, h1


def assert_resumes_exactly(build, dataset, directory):
    """Checkpoint after one epoch, restore into a differently initialised model, train one
    more epoch: every variable equals the uninterrupted run's."""
    run = compiled(build, init_seed=1, run_eagerly=True)
    run.fit(dataset, epochs=1, verbose=0)
    path = gan_checkpoint(run).write(str(directory / "ckpt"))
    run.fit(dataset, epochs=1, verbose=0)

    resumed = compiled(build, init_seed=7, run_eagerly=True)
    assert not all(np.array_equal(a, b) for a, b in zip(full_state(run), full_state(resumed)))
    gan_checkpoint(resumed).read(path).assert_consumed()
    resumed.fit(dataset, epochs=1, verbose=0)
    for a, b in zip(full_state(run), full_state(resumed)):
        np.testing.assert_array_equal(a, b)


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
