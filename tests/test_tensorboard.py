"""TensorBoard: `keras_gan.callbacks.TensorBoardLogger` with `GAN.fit` and in `keras-gan
train`, and Keras's own `keras.callbacks.TensorBoard` with `GAN.fit`, checked by reading
the event files back and comparing with History / losses.csv / the sample PNGs."""

import csv
import glob
import io
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gan import callbacks as gan_callbacks
from keras_gan import data as gan_data
from tests.helpers import batches, ring_points, tiny_gan
from trainers import cli
from keras_gan.training import TrainConfig, train


def read_events(log_dir):
    """`({tag: [(step, value)]}, {tag: [(step, uint8 pixels)]})` of every event file in
    `log_dir`, files in name order (the order TensorBoard reads them)."""
    scalars, images = {}, {}
    for path in sorted(glob.glob(os.path.join(str(log_dir), "*tfevents*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                array = tf.make_ndarray(value.tensor)
                if plugin == "scalars":
                    scalars.setdefault(value.tag, []).append((event.step, float(array)))
                elif plugin == "images":  # [width, height, encoded image, ...]
                    pixels = np.asarray(Image.open(io.BytesIO(array[2])))
                    images.setdefault(value.tag, []).append((event.step, pixels))
    return scalars, images


def steps(series):
    return [step for step, _ in series]


def values(series):
    return [value for _, value in series]


def png_pixels(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA" if "A" in image.mode else "RGB"))


def test_logger_with_fit_logs_losses_learning_rates_and_the_sample_grid(tmp_path):
    # G's rate halves every 8 steps (one epoch of 512 / 64 batches): 5e-4 after epoch 1.
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=8, decay_rate=0.5)
    gan = tiny_gan(lr=schedule, d_lr=2e-4, units=(16,))
    points, _ = ring_points(512)
    grid = gan_callbacks.SampleGrid(str(tmp_path / "samples"), num_samples=200)
    logger = gan_callbacks.TensorBoardLogger(str(tmp_path / "tb"), sample_grid=grid)
    history = gan.fit(batches(points, 64), epochs=2, verbose=0, callbacks=[logger, grid])

    scalars, images = read_events(tmp_path / "tb")
    assert set(scalars) == {"losses/d_loss", "losses/g_loss", "learning_rate/generator",
                            "learning_rate/discriminator"}
    for name in ("d_loss", "g_loss"):  # per epoch, at the global step; History's values
        assert steps(scalars[f"losses/{name}"]) == [8, 16]
        assert values(scalars[f"losses/{name}"]) == [
            float(np.float32(v)) for v in history.history[name]]
    np.testing.assert_allclose(values(scalars["learning_rate/generator"]), [5e-4, 2.5e-4], rtol=1e-6)
    np.testing.assert_allclose(values(scalars["learning_rate/discriminator"]), [2e-4, 2e-4], rtol=1e-6)
    # The scatter plot of each epoch, pixel for pixel (the logger ran before the grid
    # callback, so it saved the grid itself; the grid's own save rewrote the same plot).
    assert steps(images["samples"]) == [8, 16]
    for (_, pixels), epoch in zip(images["samples"], (1, 2)):
        np.testing.assert_array_equal(pixels, png_pixels(tmp_path / "samples" / f"epoch_{epoch:04d}.png"))

    # A second fit continues the step axis from the model's step (generator updates).
    gan.fit(batches(points, 64), epochs=1, verbose=0,
            callbacks=[gan_callbacks.TensorBoardLogger(str(tmp_path / "tb"))])
    scalars, _ = read_events(tmp_path / "tb")
    assert steps(scalars["losses/g_loss"]) == [8, 16, 24]


def test_keras_tensorboard_callback_logs_both_losses_of_gan_fit(tmp_path):
    gan = tiny_gan(units=(16,))
    points, _ = ring_points(256)
    history = gan.fit(batches(points, 64), epochs=2, verbose=0,
                      callbacks=[keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1)])
    scalars, _ = read_events(tmp_path / "train")
    assert {"epoch_d_loss", "epoch_g_loss"} <= set(scalars)
    for name in ("d_loss", "g_loss"):  # Keras's step axis is the epoch index
        assert steps(scalars[f"epoch_{name}"]) == [0, 1]
        np.testing.assert_allclose(values(scalars[f"epoch_{name}"]), history.history[name], rtol=1e-6)
    # As TensorBoardLogger's docstring warns: histograms are tagged by layer path only,
    # so G's and D's `dense_0` share one tag (two histograms per epoch).
    tags = []
    for path in glob.glob(str(tmp_path / "train" / "*tfevents*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            tags += [v.tag for v in event.summary.value]
    assert tags.count("dense_0/kernel/histogram") == 4


def test_purge_drops_later_steps_and_a_torn_record(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(1, 6):
            tf.summary.scalar("x", float(step) / 10, step=step)
    writer.close()
    (path,) = glob.glob(str(tmp_path / "*tfevents*"))
    with open(path, "r+b") as f:  # a writer killed in the middle of step 5's record
        f.truncate(os.path.getsize(path) - 3)
    assert gan_callbacks.purge_events(str(tmp_path), after_step=3) == 1  # step 4 (5 was torn)
    scalars, _ = read_events(tmp_path)
    assert scalars["x"] == [(1, pytest.approx(0.1)), (2, pytest.approx(0.2)), (3, pytest.approx(0.3))]
    assert os.listdir(tmp_path) == [os.path.basename(path)]  # no temporary file left
    assert gan_callbacks.purge_events(str(tmp_path), after_step=3) == 0


def test_logger_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`sample_grid` must be a keras_gan.callbacks.SampleGrid"):
        gan_callbacks.TensorBoardLogger("tb", sample_grid="samples/")
    with pytest.raises(ValueError, match="`initial_step` must be a non-negative int.*initial_step=-1"):
        gan_callbacks.TensorBoardLogger("tb", initial_step=-1)


@pytest.mark.slow
def test_train_writes_tensorboard_and_a_resume_logs_every_step_once(tmp_path):
    out = tmp_path / "run"

    def config(epochs, resume=False):
        return TrainConfig(dataset="digits", image_size=16, output_dir=str(out), epochs=epochs,
                           batch_size=256, base_filters=8, num_samples=16, verbose=0,
                           resume=resume)

    train(config(2))
    # Roll the run back to its epoch-1 checkpoint, as if it had been killed after writing
    # epoch 2's events but before that epoch's checkpoint: the resume must drop them.
    checkpoints = str(out / "checkpoints")
    first = tf.train.get_checkpoint_state(checkpoints).all_model_checkpoint_paths[0]
    tf.compat.v1.train.update_checkpoint_state(checkpoints, first, all_model_checkpoint_paths=[first])
    resumed = train(config(3, resume=True))
    assert resumed.start_epoch == 1

    scalars, images = read_events(out / "tensorboard")
    rows = list(csv.DictReader(open(out / "losses.csv")))
    steps_per_epoch = len(gan_data.load_arrays("digits", image_size=16).images) // 256
    assert json.loads((out / "model.json").read_text())["step"] == 3 * steps_per_epoch
    expected_steps = [steps_per_epoch * e for e in (1, 2, 3)]
    assert set(scalars) == {"losses/d_loss", "losses/g_loss", "learning_rate/generator",
                            "learning_rate/discriminator"}
    for name in ("d_loss", "g_loss"):
        assert steps(scalars[f"losses/{name}"]) == expected_steps  # each step once
        assert values(scalars[f"losses/{name}"]) == [float(np.float32(r[name])) for r in rows]
    saved = json.loads((out / "config.json").read_text())
    for role, key in (("generator", "g_lr"), ("discriminator", "d_lr")):
        np.testing.assert_allclose(values(scalars[f"learning_rate/{role}"]), [saved[key]] * 3, rtol=1e-6)
    assert steps(images["samples"]) == expected_steps
    for (_, pixels), epoch in zip(images["samples"], (1, 2, 3)):
        np.testing.assert_array_equal(pixels, png_pixels(out / "samples" / f"epoch_{epoch:04d}.png"))


def test_no_tensorboard_flag_writes_no_events(tmp_path):
    out = tmp_path / "run"
    args = ["train", "--variant", "gan", "--dataset", "ring8", "--steps", "2", "--batch-size",
            "64", "--hidden-units", "8", "--latent-dim", "4", "--verbose", "0",
            "--output-dir", str(out), "--no-tensorboard"]
    assert cli.main(args) == 0
    assert json.loads((out / "config.json").read_text())["tensorboard"] is False
    assert "tensorboard" not in os.listdir(out) and (out / "losses.csv").exists()
