"""`keras_gan.checkpoints`: the whole state of a GAN (networks, optimizers, EMA weights,
the random layers' seed states, an epoch counter) written and read back exactly."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import models, networks
from keras_gan.checkpoints import gan_checkpoint, random_layer_states
from tests.helpers import batches, full_state, ring_points


def _dropout_discriminator():
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu"),
                             keras.layers.Dropout(0.5), keras.layers.Dense(1, name="logits")])


def _gan(init_seed=1, ema_decay=0.9, dropout=True):
    keras.utils.set_random_seed(init_seed)
    generator = networks.mlp_generator(4, (2,), hidden_units=(8,), output_activation=None)
    discriminator = _dropout_discriminator() if dropout else networks.mlp_discriminator((2,), hidden_units=(8,))
    gan = models.GAN(generator, discriminator, ema_decay=ema_decay)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-2), d_optimizer=keras.optimizers.Adam(1e-2), run_eagerly=True)
    return gan


NETWORKS_AND_OPTIMIZERS = ("generator", "discriminator", "g_optimizer", "d_optimizer")
OPTIONAL = ("ema_weights", "random_layer_states", "epoch")


def _saved_objects(path):
    """The top-level names under which a checkpoint file stores variables (a variable
    reachable twice, e.g. G's kernel through G and through its optimizer, is stored once)."""
    return {name.split("/")[0] for name, _ in tf.train.list_variables(path)}


def test_random_layer_states_are_the_seed_variables_outside_the_weights():
    discriminator = _dropout_discriminator()
    states = random_layer_states(discriminator, tf.Variable(1.0), None)  # non-models skipped
    assert len(states) == 1 and "seed_generator" in states[0].path
    assert not {id(s) for s in states} & {id(w) for w in discriminator.weights}
    assert random_layer_states(networks.mlp_discriminator((2,), hidden_units=(8,))) == []


def test_checkpoint_holds_only_what_the_model_has(tmp_path):
    plain = gan_checkpoint(_gan(ema_decay=None, dropout=False))
    assert all(hasattr(plain, name) for name in NETWORKS_AND_OPTIMIZERS)
    assert not any(hasattr(plain, name) for name in OPTIONAL)
    full = gan_checkpoint(_gan(), epoch=tf.Variable(0, dtype=tf.int64))
    assert all(hasattr(full, name) for name in NETWORKS_AND_OPTIMIZERS + OPTIONAL)
    assert set(OPTIONAL) <= _saved_objects(full.write(str(tmp_path / "full")))


def test_state_round_trip_restores_every_variable_and_the_dropout_stream(tmp_path):
    points, _ = ring_points(64)
    run = _gan(init_seed=1)
    run.fit(batches(points, 16), epochs=1, verbose=0)
    epoch = tf.Variable(3, dtype=tf.int64)
    path = gan_checkpoint(run, epoch).write(str(tmp_path / "ckpt"))
    saved = full_state(run)

    restored, restored_epoch = _gan(init_seed=7), tf.Variable(0, dtype=tf.int64)
    before = full_state(restored)
    # The other model differs before the restore, its dropout seed state (the last
    # variable of `full_state`) too, so the equality below shows the restore.
    assert not all(np.array_equal(a, b) for a, b in zip(saved, before))
    assert not np.array_equal(saved[-1], before[-1])
    gan_checkpoint(restored, restored_epoch).read(path).assert_consumed()
    assert int(restored_epoch.numpy()) == 3
    for a, b in zip(saved, full_state(restored)):
        np.testing.assert_array_equal(a, b)
    # The next dropout masks are the ones the saved run draws next.
    x = tf.ones([16, 2])
    np.testing.assert_array_equal(run.discriminator(x, training=True), restored.discriminator(x, training=True))


def test_uncompiled_gan_is_refused():
    gan = models.GAN(networks.mlp_generator(4, (2,), hidden_units=(8,)), networks.mlp_discriminator((2,)))
    with pytest.raises(ValueError, match="`gan` must be compiled before its state can be checkpointed"):
        gan_checkpoint(gan)
