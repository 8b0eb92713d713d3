"""Callbacks for any `GAN.fit`: sample grids, loss curves, NaN stop, checkpoints."""

import math
import os

import keras
import tensorflow as tf

from keras_gan import sampling, visualize
from keras_gan.runs import write_json  # noqa: F401  (kept importable from here)


class SampleGrid(keras.callbacks.Callback):
    """Saves samples from fixed noise every `every_n_epochs` epochs.

    Images go to `<directory>/epoch_XXXX.png` as a grid laid out as `keras-gan sample`
    lays it out (`keras_gan.visualize.grid_layout`: one row per class for conditional
    variants, per categorical code value for InfoGAN); 2-D samples (toy mixtures) as a
    scatter plot. Inputs come from the model's training prior (`GAN.sample_prior`).

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

    def save(self, epoch):
        # The layout of `keras-gan sample` (`visualize.grid_layout`), on the EMA weights
        # when the model keeps them.
        facts = self.model.describe()
        generator = getattr(self.model, "ema_generator", None)
        generator = self.model.generator if generator is None else generator
        path = os.path.join(self.directory, f"epoch_{epoch:04d}.png")
        if len(facts["image_shape"]) == 1:
            inputs = sampling.prior_inputs(facts, self.num_samples, seed=self.seed)
            samples = sampling.generate(generator, inputs)
            visualize.save_scatter(samples, path, reference=self.reference, title=f"epoch {epoch}")
        else:
            layout = visualize.grid_layout(facts, self.num_samples, seed=self.seed)
            samples = sampling.generate(generator, layout.inputs)
            visualize.save_image_grid(samples, path, num_rows=layout.num_rows)
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


