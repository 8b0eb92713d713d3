"""Callbacks for any `GAN.fit`: sample grids, loss curves, TensorBoard, NaN stop, checkpoints."""

import glob
import math
import os

import keras
import numpy as np
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
        generator = self.model.ema_generator  # declared by every keras_gan model (None: no EMA)
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


class TensorBoardLogger(keras.callbacks.Callback):
    """Writes a GAN's training to TensorBoard event files in `log_dir`.

    At the end of every epoch, at step = the global training step (generator updates
    since the start of training, so the x axis stays continuous across resumed runs):

    - `losses/<name>`: every value the model tracks (`d_loss`, `g_loss` and the variant's
      penalties, e.g. `gp`, `r1`), the epoch's running mean as in `History`/`losses.csv`;
    - `metrics/<name>`: any other value in the epoch's logs (e.g. `fid` added by a
      `keras_gan.metrics.MetricsCallback` placed before this callback);
    - `learning_rate/generator`, `learning_rate/discriminator`: the optimizers' current
      rates (schedules evaluated at the current step);
    - `samples`: the epoch's sample grid as an image, when `sample_grid` is given.

    Scalars are written per epoch, not per step: the logged values are running means
    over the epoch, so per-step points would be partial means that restart each epoch.

    `keras.callbacks.TensorBoard` also works with `GAN.fit` (`epoch_d_loss`,
    `epoch_g_loss` at step = epoch index; `update_freq="batch"` adds `batch_*` running
    means) but: it logs no learning rate (a GAN has two optimizers, not
    `model.optimizer`); `write_steps_per_second=True` fails (`model.optimizer` is None);
    `write_graph` does nothing in Keras 3; `histogram_freq > 0` names each weight by its
    layer's path only, so layers of G and D with the same name (e.g. both MLPs'
    `dense_0/kernel`) share one histogram tag. Keep its defaults, or use this callback.

    Resuming: pass `purge_after_step=S` (the step the run resumes from) and the events
    of steps after S, written by the interrupted run after its last checkpoint, are
    dropped from the existing files before training continues, so every step appears
    once (the files are rewritten atomically; a record torn by a kill is dropped too).

    Args:
        log_dir: str. Directory of the event files (created).
        sample_grid: `SampleGrid` or None. Its PNG of the epoch is logged as `samples`
            (saved by this callback if the grid has not saved it yet). Defaults to None.
        initial_step: int or None. The global step before this `fit`'s first batch;
            `model.step` (generator updates so far) when None. Defaults to None.
        purge_after_step: int or None. Drop existing events with a step above this.
            Defaults to None (keep everything).
    """

    def __init__(self, log_dir, sample_grid=None, initial_step=None, purge_after_step=None):
        super().__init__()
        if sample_grid is not None and not isinstance(sample_grid, SampleGrid):
            raise ValueError(
                "`sample_grid` must be a keras_gan.callbacks.SampleGrid or None. "
                f"Received: sample_grid={sample_grid!r}"
            )
        for name, value in (("initial_step", initial_step), ("purge_after_step", purge_after_step)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"`{name}` must be a non-negative int or None. Received: {name}={value!r}")
        self.log_dir = log_dir
        self.sample_grid = sample_grid
        self.initial_step = initial_step
        self.purge_after_step = purge_after_step
        self.step = None
        self._writer = None

    def on_train_begin(self, logs=None):
        os.makedirs(self.log_dir, exist_ok=True)
        if self.purge_after_step is not None:
            purge_events(self.log_dir, self.purge_after_step)
        self.step = self.initial_step if self.initial_step is not None else self.model.step
        self._writer = tf.summary.create_file_writer(self.log_dir)

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1

    def on_epoch_end(self, epoch, logs=None):
        tracked = {m.name for m in self.model.metrics}
        with self._writer.as_default(step=self.step):
            for name, value in (logs or {}).items():
                if np.ndim(value) == 0:
                    group = "losses" if name in tracked else "metrics"
                    tf.summary.scalar(f"{group}/{name}", float(value))
            for role in ("generator", "discriminator"):
                optimizer = getattr(self.model, f"{role[0]}_optimizer", None)
                if optimizer is not None:
                    rate = keras.ops.convert_to_numpy(optimizer.learning_rate)
                    tf.summary.scalar(f"learning_rate/{role}", float(rate))
            path = self._sample_grid_png(epoch)
            if path is not None:
                from PIL import Image

                with Image.open(path) as image:
                    pixels = np.asarray(image.convert("RGBA" if "A" in image.mode else "RGB"))
                tf.summary.image("samples", pixels[None], max_outputs=1)
        self._writer.flush()

    def _sample_grid_png(self, epoch):
        grid = self.sample_grid
        if grid is None or (epoch + 1) % grid.every_n_epochs:
            return None
        expected = os.path.join(grid.directory, f"epoch_{epoch + 1:04d}.png")
        if grid.last_path != expected or not os.path.exists(expected):
            grid.save(epoch + 1)  # the grid callback runs after this one (or not at all)
        return grid.last_path

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def purge_events(log_dir, after_step):
    """Drops the events of steps above `after_step` from the event files in `log_dir`.

    Each changed file is rewritten through a temporary file and a rename (a crash leaves
    the old or the new file, never half of one). Records after a torn one (a writer
    killed mid-record) are dropped with it. Returns the number of events dropped.
    """
    dropped = 0
    for index, path in enumerate(sorted(glob.glob(os.path.join(log_dir, "*tfevents*")))):
        kept, changed = [], False
        try:
            for record in tf.data.TFRecordDataset(path):
                raw = record.numpy()
                if tf.compat.v1.Event.FromString(raw).step > after_step:
                    dropped += 1
                    changed = True
                else:
                    kept.append(raw)
        except tf.errors.DataLossError:
            changed = True  # a torn last record
        if changed:
            # The temporary name holds no "tfevents", so TensorBoard never reads it.
            tmp = os.path.join(log_dir, f".purge-{index}.tmp")
            with tf.io.TFRecordWriter(tmp) as writer:
                for raw in kept:
                    writer.write(raw)
            os.replace(tmp, path)
    return dropped


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
    """Saves the full GAN state, never over the last good one with a broken one.

    The one NaN-safe save of keras_gan: a state whose logged values are not all finite is
    not written. As a Keras callback (`GAN.fit`) it saves at the end of each epoch (as
    checkpoint number epoch + 1); `keras_gan.training.Trainer` calls `save` itself, at
    epoch ends and every N steps, with the data position (epoch, batch) to resume from.
    Beside each checkpoint it writes the model's facts (`gan.describe()`) as JSON to
    `facts_path` when given.

    Args:
        checkpoint: tf.train.Checkpoint. From `keras_gan.checkpoints.gan_checkpoint`.
        directory: str. Checkpoint directory.
        epoch: tf.Variable. Epoch counter inside `checkpoint`.
        max_to_keep: int. Defaults to 3.
        facts_path: str or None. JSON file for `gan.describe()`.
        batch: tf.Variable or None. Batches done in `epoch`, inside `checkpoint` (for a
            mid-epoch resume). Defaults to None.
        gan: the GAN or None. The model whose facts are written; the callback's model
            when None (set by `fit`). Defaults to None.
    """

    def __init__(self, checkpoint, directory, epoch, max_to_keep=3, facts_path=None, batch=None,
                 gan=None):
        super().__init__()
        self.manager = tf.train.CheckpointManager(checkpoint, directory, max_to_keep=max_to_keep)
        self.epoch = epoch
        self.batch = batch
        self.facts_path = facts_path
        self.gan = gan

    @property
    def latest(self):
        """The path of the newest checkpoint, or None."""
        return self.manager.latest_checkpoint

    def save(self, epoch, batch=0, logs=None, checkpoint_number=None):
        """Saves the state at position (`epoch` finished epochs, `batch` more batches)
        unless a value of `logs` is not finite. Returns the checkpoint path, or None when
        nothing was written."""
        if any(not math.isfinite(float(v)) for v in (logs or {}).values()):
            return None  # never overwrite the last good state with a broken one
        self.epoch.assign(epoch)
        if self.batch is not None:
            self.batch.assign(batch)
        path = self.manager.save(checkpoint_number=checkpoint_number)
        if self.facts_path:
            write_json(self.facts_path, dict((self.gan or self.model).describe()))
        return path

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training:
            return
        self.save(epoch + 1, 0, logs, checkpoint_number=epoch + 1)
