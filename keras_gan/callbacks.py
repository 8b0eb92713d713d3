"""Callbacks for any `GAN.fit`: sample grids, loss curves, NaN stop, checkpoints."""

import json
import math
import os

import keras
import numpy as np
import tensorflow as tf

from keras_gan import visualize


class SampleGrid(keras.callbacks.Callback):
    """Saves samples from fixed noise every `every_n_epochs` epochs.

    Images go to `<directory>/epoch_XXXX.png` as a grid; 2-D samples (toy mixtures) as a
    scatter plot. Conditional variants get one row per class.

    Args:
        directory: str. Where the PNG files go.
        num_samples: int. Samples per grid. Defaults to 64.
        seed: int. Seed of the fixed noise. Defaults to 0.
        every_n_epochs: int. Defaults to 1.
        reference: array or None. Real 2-D points drawn behind toy samples.
    """

    def __init__(self, directory, num_samples=64, seed=0, every_n_epochs=1, reference=None):
        super().__init__()
        if num_samples < 1:
            raise ValueError(f"`num_samples` must be positive. Received: num_samples={num_samples}")
        self.directory = directory
        self.num_samples = num_samples
        self.seed = seed
        self.every_n_epochs = every_n_epochs
        self.reference = reference
        self.last_path = None

    def _labels(self):
        num_classes = self.model.num_classes
        if not num_classes:
            return None, None
        per_class = max(1, self.num_samples // num_classes)
        return np.repeat(np.arange(num_classes), per_class), num_classes

    def save(self, epoch):
        labels, rows = self._labels()
        n = self.num_samples if labels is None else len(labels)
        samples = self.model.generate(n, seed=self.seed, labels=labels)
        path = os.path.join(self.directory, f"epoch_{epoch:04d}.png")
        if samples.ndim == 2 and samples.shape[1] == 2:
            visualize.save_scatter(samples, path, reference=self.reference, title=f"epoch {epoch}")
        else:
            visualize.save_image_grid(samples, path, num_rows=rows)
        self.last_path = path
        return path

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            self.save(epoch + 1)


class LossCurves(keras.callbacks.Callback):
    """Plots every logged value per epoch to a PNG (appending to an earlier history).

    Args:
        path: str. The PNG file.
        history: dict or None. Values of earlier epochs (`{name: [values]}`), e.g. read
            back from a CSV log when a run resumes.
    """

    def __init__(self, path, history=None):
        super().__init__()
        self.path = path
        self.history = {k: list(v) for k, v in (history or {}).items()}

    def on_epoch_end(self, epoch, logs=None):
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        visualize.save_curves(self.history, self.path)


class StopOnNaN(keras.callbacks.Callback):
    """Stops training at the first non-finite logged loss and remembers where.

    `stopped_at` is `(epoch, batch, {name: value})` after a stop, else None.
    """

    def __init__(self):
        super().__init__()
        self.stopped_at = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = {k: float(v) for k, v in (logs or {}).items() if not math.isfinite(float(v))}
        if bad and self.stopped_at is None:
            self.stopped_at = (self._epoch, batch, bad)
            self.model.stop_training = True


class GANCheckpoint(keras.callbacks.Callback):
    """Saves the full GAN state at the end of each epoch whose losses are finite.

    Writes through a `tf.train.CheckpointManager` in `directory` and, beside it, the
    model's facts (`gan.describe()`) as JSON in `facts_path` when given.

    Args:
        checkpoint: tf.train.Checkpoint. From `keras_gan.checkpoints.gan_checkpoint`.
        directory: str. Checkpoint directory.
        epoch: tf.Variable. Epoch counter inside `checkpoint`.
        max_to_keep: int. Defaults to 3.
        facts_path: str or None. JSON file for `gan.describe()`.
    """

    def __init__(self, checkpoint, directory, epoch, max_to_keep=3, facts_path=None):
        super().__init__()
        self.manager = tf.train.CheckpointManager(checkpoint, directory, max_to_keep=max_to_keep)
        self.epoch = epoch
        self.facts_path = facts_path

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training or any(
            not math.isfinite(float(v)) for v in (logs or {}).values()
        ):
            return  # never overwrite the last good state with a broken one
        self.epoch.assign(epoch + 1)
        self.manager.save(checkpoint_number=epoch + 1)
        if self.facts_path:
            write_json(self.facts_path, self.model.describe())


def write_json(path, obj):
    """Writes JSON atomically (temporary file, then rename)."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
