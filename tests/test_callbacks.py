"""`keras_gan.callbacks`: sample grids laid out as `keras-gan sample` lays them out (on the
EMA weights), loss curves that continue an earlier history, and the stop at the first NaN.
(`TensorBoardLogger` and `purge_events`: tests/test_tensorboard.py.)"""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gan import callbacks, models, sampling, visualize
from keras_gan.networks import conditional
from tests.helpers import batches, ring_points, tiny_gan

SHAPE = (8, 8, 1)


def _conditional_gan_with_ema():
    """A CGAN whose EMA generator differs from its generator."""
    keras.utils.set_random_seed(0)
    gan = models.CGAN(
        conditional.conditional_mlp_generator(4, SHAPE, 3, hidden_units=(8,)),
        conditional.conditional_mlp_discriminator(SHAPE, 3, hidden_units=(8,)),
        num_classes=3, ema_decay=0.9,
    )
    for weight in gan.generator.weights:  # the EMA keeps the initial weights
        weight.assign(weight * 0.5 + 0.1)
    return gan


def _png(path):
    with Image.open(path) as image:
        assert image.format == "PNG"
        return np.asarray(image)


def test_sample_grid_saves_every_n_epochs_one_row_per_class_from_the_ema_generator(tmp_path):
    gan = _conditional_gan_with_ema()
    grid = callbacks.SampleGrid(str(tmp_path / "samples"), num_samples=6, seed=2, every_n_epochs=2)
    grid.set_model(gan)
    grid.on_epoch_end(0)
    assert not (tmp_path / "samples").exists() and grid.last_path is None
    grid.on_epoch_end(1)
    assert grid.last_path == str(tmp_path / "samples" / "epoch_0002.png")

    layout = visualize.grid_layout(gan.describe(), 6, seed=2)  # 3 rows (classes), 2 columns
    ema = visualize.make_grid(sampling.generate(gan.ema_generator, layout.inputs), num_rows=3)[..., 0]
    raw = visualize.make_grid(sampling.generate(gan.generator, layout.inputs), num_rows=3)[..., 0]
    pixels = _png(grid.last_path)
    assert pixels.shape == (3 * 10 + 2, 2 * 10 + 2)
    np.testing.assert_array_equal(pixels, ema)
    assert not np.array_equal(pixels, raw)


def test_sample_grid_of_2d_samples_is_a_scatter_plot(tmp_path):
    gan = tiny_gan()
    grid = callbacks.SampleGrid(str(tmp_path), num_samples=50, reference=ring_points(100)[0])
    grid.set_model(gan)
    grid.on_epoch_end(0)
    assert _png(tmp_path / "epoch_0001.png").shape[:2] == (400, 400)


def test_sample_grid_refuses_no_samples(tmp_path):
    with pytest.raises(ValueError, match="`num_samples` must be positive. Received: num_samples=0"):
        callbacks.SampleGrid(str(tmp_path), num_samples=0)


def test_loss_curves_continue_the_earlier_history(tmp_path):
    path = tmp_path / "losses.png"
    earlier = {"d_loss": (1.0, 0.9)}
    curves = callbacks.LossCurves(str(path), history=earlier)
    curves.on_epoch_end(0, {"d_loss": np.float32(0.5), "g_loss": 2.0})
    curves.on_epoch_end(1, {"d_loss": 0.25, "g_loss": 1.5})
    assert curves.history == {"d_loss": [1.0, 0.9, 0.5, 0.25], "g_loss": [2.0, 1.5]}
    assert earlier == {"d_loss": (1.0, 0.9)}  # the caller's history is not changed
    assert _png(path).shape[:2] == (400, 600)


def test_stop_on_nan_stops_after_the_first_non_finite_batch_and_remembers_it():
    gan = tiny_gan()
    # A NaN in D's last bias: every logit, so d_loss, is NaN from the first batch on.
    bias = gan.discriminator.get_layer("logits").bias
    bias.assign(tf.fill(bias.shape, math.nan))
    stop = callbacks.StopOnNaN()
    gan.fit(batches(ring_points(64)[0], 16), epochs=3, verbose=0, callbacks=[stop])
    epoch, batch, bad = stop.stopped_at
    assert (epoch, batch) == (0, 0) and "d_loss" in bad and math.isnan(bad["d_loss"])
    assert gan.step == 1  # no batch after the first, no later epoch


def test_stop_on_nan_keeps_the_first_stop():
    stop = callbacks.StopOnNaN()
    stop.set_model(tiny_gan())
    stop.on_epoch_begin(2)
    stop.on_train_batch_end(0, {"d_loss": 1.0, "g_loss": 0.5})
    assert stop.stopped_at is None and not stop.model.stop_training
    stop.on_train_batch_end(3, {"d_loss": 1.0, "g_loss": math.inf})
    stop.on_train_batch_end(4, {"d_loss": math.nan})
    assert stop.stopped_at == (2, 3, {"g_loss": math.inf}) and stop.model.stop_training
