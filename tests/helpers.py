"""Helpers shared by the model and trainer tests."""

import contextlib

import keras
import numpy as np
import tensorflow as tf

from keras_gan import models, networks


def ring_points(n=4096, seed=0):
    """n points of the 8-Gaussian ring (radius 2, std 0.02) and its modes, from NumPy."""
    rng = np.random.default_rng(seed)
    angles = np.arange(8) * np.pi / 4
    modes = np.stack([2 * np.cos(angles), 2 * np.sin(angles)], axis=1)
    points = modes[rng.integers(0, 8, n)] + 0.02 * rng.standard_normal((n, 2))
    return points.astype("float32"), modes


def tiny_gan(strategy=None, latent_dim=8, units=(32, 32), lr=1e-3, d_lr=None, init_seed=1, **kwargs):
    """A compiled MLP GAN on 2-D data, built (with seeded weights) in `strategy`'s scope."""
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
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


def batches(points, batch_size):
    return tf.data.Dataset.from_tensor_slices(points).batch(batch_size, drop_remainder=True)


def two_cpu_strategy():
    """A MirroredStrategy over the 2 logical CPUs configured in conftest.py.

    Made by `make_strategy`, which gives every strategy fresh collective keys: two
    strategies sharing keys abort with "Shape mismatch in the collective instance".
    """
    from keras_gan.training.strategies import make_strategy

    return make_strategy("mirrored", devices=["/cpu:0", "/cpu:1"])


def all_weights(gan):
    return [w.numpy() for w in gan.generator.weights + gan.discriminator.weights]
