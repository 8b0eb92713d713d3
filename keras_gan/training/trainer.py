"""The Trainer: a variant trained on a data set into a run directory, resumable exactly.

    Trainer(config)              validates the config once, creates the strategy (first:
                                 multi-worker collectives must be set up before anything
                                 starts the TensorFlow runtime)
    .fit()
      plan()                     data, recipe defaults (`resolve`), run directory checks,
                                 batches per epoch -> a `TrainingPlan`
      build(plan)                the compiled GAN in the strategy's scope and precision
      restore_latest             the last checkpoint that reads back (`--resume`)
      distributed.run_loop       `GAN.train_step` under the strategy, callbacks, saves
                                 through `GANCheckpoint` (never a non-finite state)
      RunDirectory.save_generators

Every file goes through `keras_gan.runs.RunDirectory`. In a multi-worker cluster every
worker runs the same code; only the chief writes the run directory, the others write to
a temporary directory that is removed at the end.
"""

import dataclasses
import hashlib
import shutil
import tempfile
import warnings

import keras
import numpy as np
import tensorflow as tf

from keras_gan import callbacks as gan_callbacks
from keras_gan import data as gan_data
from keras_gan import precision as gan_precision
from keras_gan import recipes, runs
from keras_gan.checkpoints import gan_checkpoint, restore_latest
from keras_gan.training import distributed, schedules
from keras_gan.training.config import TrainConfig, check_resumable, resolve
from keras_gan.training.strategies import is_chief, make_strategy


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the last good checkpoint was kept."""


@dataclasses.dataclass
class RunResult:
    """What `Trainer.fit` returns.

    Attributes:
        output_dir: str. The run directory.
        history: dict. `{name: [value per epoch]}` of this call's epochs.
        gan: the trained `keras_gan.models.GAN`.
        start_epoch: int. The epoch this call started in (> 0 after a resume).
        sample_grid: str or None. The last sample grid written (None on non-chief workers).
    """

    output_dir: str
    history: dict
    gan: object
    start_epoch: int
    sample_grid: str | None


@dataclasses.dataclass(frozen=True)
class TrainingPlan:
    """Everything `Trainer.fit` decided before building the model.

    Attributes:
        settings: dict. The resolved configuration (`config.resolve`), written to config.json.
        data: keras_gan.data.ArrayData. The training data (prepared by the recipe).
        kind: str. "toy" (2-D points) or "image".
        run_dir: str. The run directory.
        out: str. Where this worker writes: `run_dir` on the chief, a temporary
            directory on the other workers of a cluster.
        global_batch: int. Rows per step, `batch_size x d_steps`.
        steps_per_epoch: int.
        total_steps: int. The position (in steps) training stops at.
    """

    settings: dict
    data: object
    kind: str
    run_dir: str
    out: str
    global_batch: int
    steps_per_epoch: int
    total_steps: int

    @property
    def writes_run_dir(self):
        """Whether this worker is the one writing the run directory (the chief)."""
        return self.out == self.run_dir


class Trainer:
    """Trains a variant as `config` says and writes its run directory.

    Example:

    ```python
    import tempfile
    from keras_gan.training import TrainConfig, Trainer

    config = TrainConfig(variant="gan", dataset="ring8", steps=2, batch_size=64,
                         hidden_units=16, output_dir=tempfile.mkdtemp() + "/run", verbose=0)
    result = Trainer(config).fit()
    assert result.gan.step == 2
    ```

    Args:
        config: TrainConfig.
        data: keras_gan.data.ArrayData or None. In-memory data to use instead of
            loading `config.dataset` (tests and notebooks).

    Raises:
        ValueError: a setting outside its choices (`TrainConfig.validate`), a bad
            TF_CONFIG for `strategy="multi_worker"`.
    """

    def __init__(self, config, data=None):
        if not isinstance(config, TrainConfig):
            raise ValueError(f"`config` must be a keras_gan.training.TrainConfig. Received: config={config!r}")
        self.config = config.validate()
        # Multi-worker collectives must be configured before anything starts the runtime.
        self.strategy = make_strategy(config.strategy, connect_timeout=config.connect_timeout)
        self.chief = is_chief(self.strategy)
        if config.deterministic:
            tf.config.experimental.enable_op_determinism()
        self.recipe = recipes.get(config.variant)
        self.data = data

    # ------------------------------------------------------------------------ plan

    def plan(self):
        """The `TrainingPlan`: loads the data, resolves the config against the recipe and
        checks the run directory (nothing is written).

        Raises:
            ValueError: bad configuration, an existing run directory without `resume`, a
                resumed run whose checkpoint-shaping settings changed, too little data.
        """
        config, recipe, data = self.config, self.recipe, self.data
        if data is None:
            data = gan_data.load_arrays(config.dataset, image_size=config.image_size,
                                        data_dir=config.data_dir, with_labels=recipe.needs_labels,
                                        seed=config.seed)
        elif recipe.needs_labels and data.labels is None:
            raise ValueError(f"Variant {config.variant!r} needs labels; data set {data.name!r} has none.")
        kind = "toy" if data.images.ndim == 2 else "image"
        # A built-in data set may have its own defaults (the grid's longer run): only when
        # the config names it and the data is it, not a folder that happens to share a name.
        builtin = config.dataset if (config.dataset in gan_data.BUILTIN_DATASETS
                                     and data.name == config.dataset) else None
        settings = resolve(config, kind, builtin)
        if settings["metrics_every"] and kind == "toy":
            raise ValueError(
                "`metrics_every` computes image metrics (FID, KID, ...); data set "
                f"{data.name!r} holds 2-D points (its sample plots show mode coverage). "
                f"Received: metrics_every={settings['metrics_every']}"
            )
        # Some recipes reshape the data they train on (SGAN keeps a few labels per class).
        if recipe.prepare_data is not None:
            data = recipe.prepare_data(data, settings)
        if kind == "image":
            settings["image_size"] = int(data.images.shape[1])
        run_dir = settings["output_dir"]
        run = runs.RunDirectory(run_dir)
        if config.resume:
            if not run.holds_run():
                raise ValueError(
                    f"Cannot resume: {run.config_path!r} does not exist. Received: output_dir={run_dir!r}"
                )
            saved = run.read_config()
            check_resumable(saved, settings)
            length = lambda config: (config.get("steps"), config.get("epochs"))  # noqa: E731
            if settings.get("lr_schedule") == "linear" and length(saved) != length(settings):
                warnings.warn(
                    f"Resuming {run_dir!r} with another length (steps, epochs): "
                    f"{length(saved)} -> {length(settings)}. lr_schedule='linear' decays to 0 at "
                    "the last step, so the rest of the decay stretches over the new length and "
                    "the run differs from one trained at this length from the start.",
                    stacklevel=2,
                )
        elif self.chief and run.holds_run():
            # (Only the chief checks: the others may start after it wrote the config.)
            raise ValueError(
                f"Run directory {run_dir!r} already holds a run. Pass --resume to continue it or "
                "choose another --output-dir."
            )
        global_batch = settings["batch_size"] * settings["d_steps"]
        steps_per_epoch = len(data.images) // global_batch
        if steps_per_epoch < 1:
            raise ValueError(
                f"The data set has {len(data.images)} examples, fewer than one batch of "
                f"{global_batch} (batch_size x d_steps). Received: batch_size={settings['batch_size']}"
            )
        return TrainingPlan(
            settings=settings, data=data, kind=kind, run_dir=run_dir,
            # Non-chief workers run the same program into a throwaway directory.
            out=run_dir if self.chief else tempfile.mkdtemp(prefix="keras-gan-worker-"),
            global_batch=global_batch, steps_per_epoch=steps_per_epoch,
            total_steps=settings["steps"] or settings["epochs"] * steps_per_epoch,
        )

    # ------------------------------------------------------------------------ build

    def build(self, plan):
        """The compiled GAN in the strategy's scope, in the configured precision, and its
        data position `{"epoch": tf.Variable, "batch": tf.Variable}`."""
        settings = plan.settings
        precision = settings["precision"]
        keras.utils.set_random_seed(settings["seed"])
        with self.strategy.scope():
            with gan_precision.policy_scope(precision):
                gan = self.recipe.build(plan.data.element_shape, settings, plan.data.num_classes)
            if precision != "float32":
                # Logits and samples leave the networks in float32: losses and penalties
                # are computed in float32.
                gan_precision.float32_outputs(gan.generator)
                gan_precision.float32_outputs(gan.discriminator)
            if settings["sync_batch_norm"]:
                distributed.synchronize_batch_norm(gan.generator, gan.discriminator)
            g_optimizer, d_optimizer = self.recipe.optimizers(
                schedules.scheduled_rates(settings, plan.total_steps))
            gan.compile(
                g_optimizer=gan_precision.loss_scaled(g_optimizer, precision),
                d_optimizer=gan_precision.loss_scaled(d_optimizer, precision),
            )
            position = {
                "epoch": tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch"),
                "batch": tf.Variable(0, dtype=tf.int64, trainable=False, name="batch"),
            }
        return gan, position

    # ------------------------------------------------------------------------ fit

    def fit(self):
        """Trains per the config and returns a `RunResult`.

        Raises:
            ValueError: see `plan`; a checkpoint that does not fit the configured model.
            TrainingDiverged: a loss became non-finite (the last good checkpoint is kept).
        """
        plan = self.plan()
        try:
            return self._run(plan)
        finally:
            if not plan.writes_run_dir:
                shutil.rmtree(plan.out, ignore_errors=True)

    def _run(self, plan):
        settings, data = plan.settings, plan.data
        gan, position = self.build(plan)
        # Before anything is written: real data outside G's range would waste the whole run.
        gan.check_real_batch(data.images[: plan.global_batch])
        checkpoint = gan_checkpoint(gan, position["epoch"])
        checkpoint.batch = position["batch"]

        start_epoch = start_batch = 0
        if self.config.resume:
            restore_latest(checkpoint, runs.RunDirectory(plan.run_dir).checkpoint_dir)
            # The checkpoint restores the optimizers' learning rates too; the resumed run's
            # configuration decides them (resuming with a lower rate is a common move).
            # A scheduled rate (`lr_schedule`) is no variable: it follows the restored
            # `iterations`.
            for optimizer, key in ((gan.g_optimizer, "g_lr"), (gan.d_optimizer, "d_lr")):
                if key in settings and isinstance(optimizer.learning_rate, tf.Variable | keras.Variable):
                    optimizer.learning_rate = settings[key]
            start_epoch = int(position["epoch"].numpy())
            start_batch = int(position["batch"].numpy())
        run = runs.RunDirectory(plan.out)
        run.write_config(settings)
        if self.config.resume and plan.writes_run_dir:
            run.truncate_losses(start_epoch)
        saver = gan_callbacks.GANCheckpoint(checkpoint, run.checkpoint_dir, position["epoch"],
                                            facts_path=run.facts_path, batch=position["batch"], gan=gan)
        sample_grid = gan_callbacks.SampleGrid(
            run.samples_dir,
            num_samples=settings["num_samples"] if plan.kind == "image" else 2000,
            seed=settings["seed"],
            reference=data.images[:2000] if plan.kind == "toy" else None,
        )
        stop_on_nan = gan_callbacks.StopOnNaN()
        callbacks = self._callbacks(plan, run, sample_grid, stop_on_nan, start_epoch, start_batch)
        extra_rows, add_rows = self.recipe.extra_rows(settings) if self.recipe.extra_rows else (0, None)

        def make_dataset(epoch, skip_batches):
            dataset = gan_data.epoch_dataset(
                data, batch_size=plan.global_batch, seed=settings["seed"], start_epoch=epoch,
                num_epochs=None, with_labels=self.recipe.needs_labels, skip_batches=skip_batches,
            )
            if add_rows is None:
                return dataset
            return add_rows(dataset, data, settings, start_step=epoch * plan.steps_per_epoch + skip_batches)

        history = distributed.run_loop(
            gan,
            self.strategy,
            make_dataset,
            global_batch_size=plan.global_batch + extra_rows,
            steps_per_epoch=plan.steps_per_epoch,
            total_steps=plan.total_steps,
            start_epoch=start_epoch,
            start_batch=start_batch,
            callbacks=callbacks,
            save=saver.save,
            checkpoint_every=settings["checkpoint_every"],
            verbose=settings["verbose"] if plan.writes_run_dir else 0,
        )
        if stop_on_nan.stopped_at is not None:
            epoch, batch, bad = stop_on_nan.stopped_at
            raise TrainingDiverged(
                f"Training stopped: non-finite loss {bad} at epoch {epoch + 1}, batch {batch + 1}. "
                f"The last good checkpoint is kept: {saver.latest or 'none (no epoch finished)'}. "
                "Lower the learning rates or check the data."
            )
        run.save_generators(gan)
        return RunResult(plan.run_dir, history, gan, start_epoch,
                         sample_grid.last_path if plan.writes_run_dir else None)

    def _callbacks(self, plan, run, sample_grid, stop_on_nan, start_epoch, start_batch):
        """NaN stop, CSV log, loss curves, sample grids; metrics and TensorBoard on the chief."""
        settings = plan.settings
        callbacks = [
            stop_on_nan,
            keras.callbacks.CSVLogger(run.losses_csv, append=start_epoch > 0 or start_batch > 0),
            gan_callbacks.LossCurves(run.losses_plot, history=run.read_losses()),
            sample_grid,
        ]
        if settings["metrics_every"] and plan.writes_run_dir:
            callbacks.append(_metrics_callback(settings, plan.data, run, start_epoch))
        if settings.get("tensorboard", True) and plan.writes_run_dir:
            # After the metrics callback, whose values it logs. A resume drops events past
            # the checkpoint, which are trained again.
            start = start_epoch * plan.steps_per_epoch + start_batch
            callbacks.append(gan_callbacks.TensorBoardLogger(
                run.tensorboard_dir, sample_grid=sample_grid, initial_step=start,
                purge_after_step=start if self.config.resume else None))
        return callbacks


def _metrics_callback(settings, data, run, start_epoch):
    """`MetricsCallback` every `metrics_every` epochs against the training images (the
    StyleGAN convention: FID against the training set), writing the run's metric curves."""
    from keras_gan.metrics import MetricsCallback, evaluation

    extractor = None
    if set(evaluation.parse_metrics(settings["metrics"])) != {"parzen"}:
        extractor = evaluation.make_extractor(
            settings["metrics_extractor"], run.path, settings["dataset"],
            image_size=settings.get("image_size"), data_dir=settings["data_dir"],
            seed=settings["seed"])
    callback = MetricsCallback(
        data.images[: settings["metrics_samples"]], extractor, metrics=settings["metrics"],
        every_n_epochs=settings["metrics_every"], num_samples=settings["metrics_samples"],
        output_dir=run.path, seed=settings["seed"],
    )
    # A resumed run keeps the curves so far (rows of the epochs kept by the checkpoint).
    callback.history = run.read_metrics_rows(up_to_epoch=start_epoch)
    callback.loss_history = {name: values[:start_epoch] for name, values in run.read_losses().items()}
    return callback


def train(config, data=None):
    """`Trainer(config, data).fit()`: trains per `config` and returns a `RunResult`."""
    return Trainer(config, data).fit()


def weights_digest(gan):
    """SHA-256 (16 hex digits) of the generator's and discriminator's weights: equal on
    every worker of a multi-worker run (they hold the same model), and between identical
    runs."""
    digest = hashlib.sha256()
    for weight in gan.generator.weights + gan.discriminator.weights:
        digest.update(np.asarray(weight.numpy(), dtype="float32").tobytes())
    return digest.hexdigest()[:16]


__all__ = ["RunResult", "Trainer", "TrainingDiverged", "TrainingPlan", "train", "weights_digest"]
