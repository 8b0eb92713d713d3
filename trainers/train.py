"""`keras-gan train`: trains a variant on a data set and writes a run directory.

The run directory holds everything to resume exactly and everything to look at:

    config.json          the resolved training configuration
    model.json           the model's facts (`GAN.describe()`), updated at each checkpoint
    checkpoints/         G, D, both optimizers, EMA weights, data position (epoch, batch)
    samples/epoch_XXXX.png   samples from fixed noise after each epoch
    losses.csv, losses.png   logged losses per epoch
    tensorboard/         TensorBoard events: losses, penalties, metrics, learning rates per
                         epoch at the global step, sample grids (not with --no-tensorboard)
    generator.keras      the final generator (and ema_generator.keras with EMA)
"""

import dataclasses
import json
import math
import os
import shutil
import sys
import tempfile

import keras
import numpy as np
import tensorflow as tf

from keras_gan import callbacks as gan_callbacks
from keras_gan import data as gan_data
from keras_gan import precision as gan_precision
from keras_gan import runs
from keras_gan.checkpoints import gan_checkpoint
from trainers import distributed, recipes
from trainers.strategies import (
    DEFAULT_CONNECT_TIMEOUT,
    STRATEGIES,
    is_chief,
    make_strategy,
)

# Settings that decide what a checkpoint contains: a resumed run must keep them.
_STATE_KEYS = (
    "variant", "dataset", "image_size", "latent_dim", "batch_size", "d_steps",
    "base_filters", "hidden_units", "seed", "ema_decay", "generator_loss", "precision",
    "pack",
)
# Values of state keys that runs written before the key existed had.
_STATE_DEFAULTS = {"precision": "float32", "pack": 1}


def _parse_option(text):
    """`key=value` -> (key, value); the value is read as JSON when it parses (numbers,
    true/false, null), else kept as a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise ValueError(f"`--option` must look like key=value. Received: --option {text!r}")
    try:
        return key.replace("-", "_"), json.loads(raw)
    except json.JSONDecodeError:
        return key.replace("-", "_"), raw


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the last good checkpoint was kept."""


@dataclasses.dataclass
class TrainConfig:
    """What to train, on what, for how long. `None` fields take the recipe's default.

    Attributes:
        variant: str. A registered recipe (`trainers.recipes.REGISTRY`).
        dataset: str. A `keras_gan.data` source: "digits", "ring8", "grid25", a path
            or a TFDS name.
        output_dir: str or None. Run directory; `runs/<variant>-<dataset>` when None.
        resume: bool. Continue the run in `output_dir` from its last checkpoint.
        steps: int or None. Total training steps (overrides `epochs`).
        precision: str. "float32", "mixed_float16" (with loss scaling) or
            "mixed_bfloat16". Defaults to "float32".
        checkpoint_every: int or None. Also checkpoint every this many steps (not only
            at epoch ends). Defaults to None.
        deterministic: bool. Deterministic ops (`tf.config.experimental.
            enable_op_determinism`): a killed and resumed run ends with the weights of an
            uninterrupted one. Defaults to False.
        sync_batch_norm: bool. Batch-norm statistics over the global batch across
            replicas. Defaults to False.
        connect_timeout: float. Seconds a multi-worker run waits for all workers.
        tensorboard: bool. Write TensorBoard events to `<output_dir>/tensorboard/`
            (`keras_gan.callbacks.TensorBoardLogger`; the chief only). Defaults to True.
        options: dict. Variant-specific settings of the recipe (e.g. `gp_weight`),
            overriding its defaults; unknown keys are an error.
    """

    variant: str = "dcgan"
    dataset: str = "digits"
    data_dir: str | None = None
    image_size: int | None = None
    output_dir: str | None = None
    resume: bool = False
    strategy: str = "default"
    seed: int = 0
    epochs: int | None = None
    steps: int | None = None
    batch_size: int | None = None
    latent_dim: int | None = None
    g_lr: float | None = None
    d_lr: float | None = None
    beta_1: float | None = None
    beta_2: float | None = None
    d_steps: int | None = None
    generator_loss: str | None = None
    label_smoothing: float | None = None
    ema_decay: float | None = None
    base_filters: int | None = None
    hidden_units: int | None = None
    num_samples: int = 64
    verbose: int = 1
    precision: str = "float32"
    checkpoint_every: int | None = None
    deterministic: bool = False
    sync_batch_norm: bool = False
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    metrics_every: int | None = None
    metrics: str = "fid"
    metrics_extractor: str = "domain"
    metrics_samples: int = 1000
    tensorboard: bool = True
    options: dict = dataclasses.field(default_factory=dict)


_FIELDS = {f.name for f in dataclasses.fields(TrainConfig)}


@dataclasses.dataclass
class RunResult:
    output_dir: str
    history: dict
    gan: object
    start_epoch: int
    sample_grid: str | None


def _default_output_dir(config):
    name = os.path.basename(os.path.normpath(config.dataset)).replace(":", "_") or "data"
    return os.path.join("runs", f"{config.variant}-{name}")


def resolve(config, kind):
    """The full configuration: recipe defaults for (variant, kind), then explicit values."""
    if config.strategy not in STRATEGIES:
        raise ValueError(f"Unknown strategy {config.strategy!r}. Expected one of {list(STRATEGIES)}.")
    gan_precision.check_precision(config.precision)
    resolved = recipes.defaults(config.variant, kind)
    for key, value in dataclasses.asdict(config).items():
        if key != "options" and (value is not None or key not in resolved):
            resolved[key] = value
    for key, value in config.options.items():
        if key not in resolved or key in _FIELDS:
            settable = sorted(set(resolved) - _FIELDS)
            raise ValueError(
                f"Unknown option {key!r} for variant {config.variant!r}. Expected one of "
                f"{settable} (other settings have their own flags)."
            )
        resolved[key] = value
    resolved.pop("options", None)
    for key in ("batch_size", "latent_dim", "d_steps"):
        if not isinstance(resolved[key], int) or resolved[key] < 1:
            raise ValueError(f"`{key}` must be a positive integer. Received: {key}={resolved[key]!r}")
    for key in ("epochs", "steps", "checkpoint_every", "metrics_every"):
        if resolved[key] is not None and (not isinstance(resolved[key], int) or resolved[key] < 1):
            raise ValueError(f"`{key}` must be a positive integer. Received: {key}={resolved[key]!r}")
    resolved["output_dir"] = resolved["output_dir"] or _default_output_dir(config)
    return resolved


def _check_resumable(saved, resolved):
    saved = {**_STATE_DEFAULTS, **saved}
    changed = {
        k: (saved.get(k), resolved.get(k)) for k in _STATE_KEYS if saved.get(k) != resolved.get(k)
    }
    if changed:
        details = ", ".join(f"{k}: run has {a!r}, got {b!r}" for k, (a, b) in changed.items())
        raise ValueError(
            f"Cannot resume {resolved['output_dir']!r} with a different configuration ({details})."
        )


def train(config, data=None):
    """Trains per `config` and returns a `RunResult`.

    Runs the model's `train_step` in the trainer's own loop (`trainers.distributed`)
    under the configured strategy. In a multi-worker cluster every worker runs this same
    function; only the chief writes `output_dir`, the others write to a temporary
    directory that is removed at the end.

    Args:
        config: TrainConfig.
        data: keras_gan.data.ArrayData or None. In-memory data to use instead of
            loading `config.dataset` (tests and notebooks).

    Raises:
        ValueError: bad configuration, an existing run directory without `resume`, or a
            checkpoint that does not fit the configured model.
        TrainingDiverged: a loss became non-finite (the last good checkpoint is kept).
    """
    if config.strategy not in STRATEGIES:
        raise ValueError(f"Unknown strategy {config.strategy!r}. Expected one of {list(STRATEGIES)}.")
    gan_precision.check_precision(config.precision)
    # Multi-worker collectives must be configured before anything starts the runtime.
    strategy = make_strategy(config.strategy, connect_timeout=config.connect_timeout)
    chief = is_chief(strategy)
    if config.deterministic:
        tf.config.experimental.enable_op_determinism()
    recipe = recipes.get(config.variant)
    if data is None:
        data = gan_data.load_arrays(
            config.dataset,
            image_size=config.image_size,
            data_dir=config.data_dir,
            with_labels=recipe.needs_labels,
            seed=config.seed,
        )
    elif recipe.needs_labels and data.labels is None:
        raise ValueError(f"Variant {config.variant!r} needs labels; data set {data.name!r} has none.")
    kind = "toy" if data.images.ndim == 2 else "image"
    resolved = resolve(config, kind)
    if resolved["metrics_every"] and kind == "toy":
        raise ValueError(
            "`metrics_every` computes image metrics (FID, KID, ...); data set "
            f"{data.name!r} holds 2-D points (its sample plots show mode coverage). "
            f"Received: metrics_every={resolved['metrics_every']}"
        )
    # Some recipes reshape the data they train on (SGAN keeps a few labels per class).
    if recipe.prepare_data is not None:
        data = recipe.prepare_data(data, resolved)
    if kind == "image":
        resolved["image_size"] = int(data.images.shape[1])
    run_dir = resolved["output_dir"]
    run = runs.RunDirectory(run_dir)

    if config.resume:
        if not run.holds_run():
            raise ValueError(
                f"Cannot resume: {run.config_path!r} does not exist. Received: output_dir={run_dir!r}"
            )
        _check_resumable(run.read_config(), resolved)
    elif chief and run.holds_run():
        # (Only the chief checks: the others may start after it wrote config.json.)
        raise ValueError(
            f"Run directory {run_dir!r} already holds a run. Pass --resume to continue it or "
            "choose another --output-dir."
        )

    global_batch = resolved["batch_size"] * resolved["d_steps"]
    steps_per_epoch = len(data.images) // global_batch
    if steps_per_epoch < 1:
        raise ValueError(
            f"The data set has {len(data.images)} examples, fewer than one batch of "
            f"{global_batch} (batch_size x d_steps). Received: batch_size={resolved['batch_size']}"
        )
    total_steps = resolved["steps"] or resolved["epochs"] * steps_per_epoch

    # Non-chief workers run the same program into a throwaway directory.
    out = run_dir if chief else tempfile.mkdtemp(prefix="keras-gan-worker-")
    try:
        return _train(config, data, recipe, resolved, kind, strategy, run_dir, out,
                      global_batch, steps_per_epoch, total_steps)
    finally:
        if not chief:
            shutil.rmtree(out, ignore_errors=True)


def _build(recipe, data, resolved, strategy):
    """The compiled GAN in `strategy`'s scope, in the configured precision."""
    precision = resolved["precision"]
    keras.utils.set_random_seed(resolved["seed"])
    with strategy.scope():
        with gan_precision.policy_scope(precision):
            gan = recipe.build(data.element_shape, resolved, data.num_classes)
        if precision != "float32":
            # Logits and samples leave the networks in float32: losses and penalties
            # are computed in float32.
            gan_precision.float32_outputs(gan.generator)
            gan_precision.float32_outputs(gan.discriminator)
        if resolved["sync_batch_norm"]:
            distributed.synchronize_batch_norm(gan.generator, gan.discriminator)
        g_optimizer, d_optimizer = recipe.optimizers(resolved)
        gan.compile(
            g_optimizer=gan_precision.loss_scaled(g_optimizer, precision),
            d_optimizer=gan_precision.loss_scaled(d_optimizer, precision),
        )
        position = {
            "epoch": tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch"),
            "batch": tf.Variable(0, dtype=tf.int64, trainable=False, name="batch"),
        }
    return gan, position


def _metrics_callback(resolved, data, out, start_epoch):
    """`MetricsCallback` every `metrics_every` epochs against the training images (the
    StyleGAN convention: FID against the training set), writing metrics.csv/.png."""
    from keras_gan.metrics import MetricsCallback, evaluation

    extractor = None
    if set(evaluation.parse_metrics(resolved["metrics"])) != {"parzen"}:
        extractor = evaluation.make_extractor(
            resolved["metrics_extractor"], out, resolved["dataset"],
            image_size=resolved.get("image_size"), data_dir=resolved["data_dir"],
            seed=resolved["seed"])
    callback = MetricsCallback(
        data.images[: resolved["metrics_samples"]], extractor, metrics=resolved["metrics"],
        every_n_epochs=resolved["metrics_every"], num_samples=resolved["metrics_samples"],
        output_dir=out, seed=resolved["seed"],
    )
    # A resumed run keeps the curves so far (rows of the epochs kept by the checkpoint).
    run = runs.RunDirectory(out)
    callback.history = run.read_metrics_rows(up_to_epoch=start_epoch)
    callback.loss_history = {name: values[:start_epoch] for name, values in run.read_losses().items()}
    return callback


def restore_latest(checkpoint, directory):
    """Restores the newest checkpoint of `directory` that reads back completely.

    `tf.train.CheckpointManager` writes a checkpoint's files before it names it in the
    `checkpoint` index, so a save cut short leaves files the index does not list, which
    are ignored. Should the newest listed checkpoint still be unreadable (a damaged
    disk, a copy cut short), the previous ones are tried, newest first.

    Returns:
        str: the path of the restored checkpoint.

    Raises:
        ValueError: no checkpoint, or none that fits the model (e.g. other shapes).
    """
    state = tf.train.get_checkpoint_state(directory)
    if state is None or not state.all_model_checkpoint_paths:
        raise ValueError(f"Cannot resume: no checkpoint in {directory!r}.")
    candidates = list(reversed(state.all_model_checkpoint_paths))
    if state.model_checkpoint_path not in candidates:
        candidates.insert(0, state.model_checkpoint_path)
    problems = []
    for path in candidates:
        path = path if os.path.isabs(path) else os.path.join(directory, path)
        try:
            checkpoint.restore(path).assert_existing_objects_matched()
        except (tf.errors.OpError, ValueError, AssertionError, IndexError) as e:
            first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            problems.append(f"{os.path.basename(path)}: {first_line[:300]}")
            print(f"warning: cannot restore {path} ({first_line[:200]}); trying an older one.",
                  file=sys.stderr)
            continue
        return path
    raise ValueError(
        f"Cannot resume from {directory!r}: no checkpoint fits this model and configuration "
        f"({'; '.join(problems)})."
    )


def _train(config, data, recipe, resolved, kind, strategy, run_dir, out, global_batch,
           steps_per_epoch, total_steps):
    gan, position = _build(recipe, data, resolved, strategy)
    # Before anything is written: real data outside G's range would waste the whole run.
    gan.check_real_batch(data.images[:global_batch])
    checkpoint = gan_checkpoint(gan, position["epoch"])
    checkpoint.batch = position["batch"]

    start_epoch = start_batch = 0
    if config.resume:
        restore_latest(checkpoint, runs.RunDirectory(run_dir).checkpoint_dir)
        # The checkpoint restores the optimizers' learning rates too; the resumed run's
        # configuration decides them (resuming with a lower rate is a common move).
        for optimizer, key in ((gan.g_optimizer, "g_lr"), (gan.d_optimizer, "d_lr")):
            if key in resolved and isinstance(optimizer.learning_rate, tf.Variable | keras.Variable):
                optimizer.learning_rate = resolved[key]
        start_epoch = int(position["epoch"].numpy())
        start_batch = int(position["batch"].numpy())
    run = runs.RunDirectory(out)
    run.write_config(resolved)
    csv_path = run.losses_csv
    if config.resume and out == run_dir:
        run.truncate_losses(start_epoch)

    checkpoint_dir = run.checkpoint_dir
    manager = tf.train.CheckpointManager(checkpoint, checkpoint_dir, max_to_keep=3)

    def save(epoch, batch, logs):
        if any(not math.isfinite(v) for v in logs.values()):
            return  # never overwrite the last good state with a broken one
        position["epoch"].assign(epoch)
        position["batch"].assign(batch)
        manager.save()
        run.write_facts(gan.describe())

    sample_grid = gan_callbacks.SampleGrid(
        run.samples_dir,
        num_samples=resolved["num_samples"] if kind == "image" else 2000,
        seed=resolved["seed"],
        reference=data.images[:2000] if kind == "toy" else None,
    )
    stop_on_nan = gan_callbacks.StopOnNaN()
    callbacks = [
        stop_on_nan,
        keras.callbacks.CSVLogger(csv_path, append=start_epoch > 0 or start_batch > 0),
        gan_callbacks.LossCurves(run.losses_plot, history=run.read_losses()),
        sample_grid,
    ]

    extra_rows, add_rows = recipe.extra_rows(resolved) if recipe.extra_rows else (0, None)

    def make_dataset(epoch, skip_batches):
        dataset = gan_data.epoch_dataset(
            data,
            batch_size=global_batch,
            seed=resolved["seed"],
            start_epoch=epoch,
            num_epochs=None,
            with_labels=recipe.needs_labels,
            skip_batches=skip_batches,
        )
        if add_rows is None:
            return dataset
        return add_rows(dataset, data, resolved, start_step=epoch * steps_per_epoch + skip_batches)

    if resolved["metrics_every"] and out == run_dir:
        callbacks.append(_metrics_callback(resolved, data, out, start_epoch))
    if resolved.get("tensorboard", True) and out == run_dir:
        # After the metrics callback, whose values it logs; only the chief (out == run_dir)
        # writes. A resume drops events past the checkpoint, which are trained again.
        start = start_epoch * steps_per_epoch + start_batch
        callbacks.append(gan_callbacks.TensorBoardLogger(
            os.path.join(out, runs.TENSORBOARD_DIR), sample_grid=sample_grid, initial_step=start,
            purge_after_step=start if config.resume else None))

    history = distributed.run_loop(
        gan,
        strategy,
        make_dataset,
        global_batch_size=global_batch + extra_rows,
        steps_per_epoch=steps_per_epoch,
        total_steps=total_steps,
        start_epoch=start_epoch,
        start_batch=start_batch,
        callbacks=callbacks,
        save=save,
        checkpoint_every=resolved["checkpoint_every"],
        verbose=resolved["verbose"] if out == run_dir else 0,
    )
    if stop_on_nan.stopped_at is not None:
        epoch, batch, bad = stop_on_nan.stopped_at
        latest = tf.train.latest_checkpoint(checkpoint_dir)
        raise TrainingDiverged(
            f"Training stopped: non-finite loss {bad} at epoch {epoch + 1}, batch {batch + 1}. "
            f"The last good checkpoint is kept: {latest or 'none (no epoch finished)'}. "
            "Lower the learning rates or check the data."
        )
    run.save_generators(gan)
    return RunResult(run_dir, history, gan, start_epoch, sample_grid.last_path if out == run_dir else None)


def config_from_args(args):
    """A TrainConfig from parsed command-line arguments (same names)."""
    values = {k: v for k, v in vars(args).items() if k in _FIELDS and k != "options"}
    options = dict(_parse_option(text) for text in (getattr(args, "option", None) or []))
    return TrainConfig(**values, options=options)


def add_arguments(parser):
    """Flags of `keras-gan train` (defaults come from the recipe when omitted)."""
    parser.add_argument("--variant", default="dcgan", choices=sorted(recipes.REGISTRY),
                        help="Training objective and its recipe. Default: dcgan.")
    parser.add_argument("--dataset", default="digits",
                        help="digits | ring8 | grid25 | a path (image folder, IDX, .npz) | "
                        "tfds:NAME. Default: digits (bundled, offline).")
    parser.add_argument("--data-dir", dest="data_dir", help="TFDS data_dir.")
    parser.add_argument("--image-size", dest="image_size", type=int,
                        help="Resize images to this size (16, 28, 32, 64, 128).")
    parser.add_argument("--output-dir", dest="output_dir",
                        help="Run directory. Default: runs/<variant>-<dataset>.")
    parser.add_argument("--resume", action="store_true", help="Continue the run in --output-dir.")
    parser.add_argument("--strategy", default="default", choices=STRATEGIES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--steps", type=int, help="Total training steps (instead of --epochs).")
    parser.add_argument("--batch-size", dest="batch_size", type=int)
    parser.add_argument("--latent-dim", dest="latent_dim", type=int)
    parser.add_argument("--g-lr", dest="g_lr", type=float, help="Generator learning rate.")
    parser.add_argument("--d-lr", dest="d_lr", type=float, help="Discriminator learning rate.")
    parser.add_argument("--beta-1", dest="beta_1", type=float)
    parser.add_argument("--beta-2", dest="beta_2", type=float)
    parser.add_argument("--d-steps", dest="d_steps", type=int)
    parser.add_argument("--generator-loss", dest="generator_loss",
                        choices=("non_saturating", "minimax"))
    parser.add_argument("--label-smoothing", dest="label_smoothing", type=float)
    parser.add_argument("--ema-decay", dest="ema_decay", type=float)
    parser.add_argument("--base-filters", dest="base_filters", type=int)
    parser.add_argument("--hidden-units", dest="hidden_units", type=int)
    parser.add_argument("--num-samples", dest="num_samples", type=int, default=64,
                        help="Images in each sample grid.")
    parser.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    parser.add_argument("--precision", default="float32", choices=gan_precision.PRECISIONS,
                        help="float32 | mixed_float16 (with loss scaling) | mixed_bfloat16. "
                        "The generator is exported in float32 either way. Default: float32.")
    parser.add_argument("--checkpoint-every", dest="checkpoint_every", type=int, metavar="N",
                        help="Also checkpoint every N steps (always at each epoch's end).")
    parser.add_argument("--deterministic", action="store_true",
                        help="Deterministic ops: a killed run resumed with --resume ends with "
                        "the weights of an uninterrupted one (somewhat slower).")
    parser.add_argument("--sync-batch-norm", dest="sync_batch_norm", action="store_true",
                        help="Batch-norm statistics over the global batch of all replicas.")
    parser.add_argument("--connect-timeout", dest="connect_timeout", type=float,
                        default=DEFAULT_CONNECT_TIMEOUT, metavar="SECONDS",
                        help="--strategy multi_worker: how long to wait for all workers "
                        "(TF_CONFIG) to join. Default: 300.")
    parser.add_argument("--metrics-every", dest="metrics_every", type=int, metavar="N",
                        help="Every N epochs, compute --metrics of 1,000 generated images "
                        "against the training images: metrics.csv and metrics.png (curves).")
    parser.add_argument("--metrics", default="fid",
                        help="Comma-separated subset of fid,kid,is,pr,dc. Default: fid.")
    parser.add_argument("--metrics-extractor", dest="metrics_extractor", default="domain",
                        choices=("domain", "inception"),
                        help="domain: a classifier trained on the data set's labels (cached in "
                        "the run dir); inception: InceptionV3 ImageNet weights from Keras's "
                        "cache (never downloaded). Default: domain.")
    parser.add_argument("--metrics-samples", dest="metrics_samples", type=int, default=1000,
                        help="Generated (and real) images per evaluation. Default: 1000.")
    parser.add_argument("--no-tensorboard", dest="tensorboard", action="store_false",
                        help="Do not write TensorBoard events to <output-dir>/tensorboard/.")
    parser.add_argument("--option", action="append", metavar="KEY=VALUE",
                        help="A variant-specific setting of the recipe, e.g. gp_weight=10 "
                        "(repeatable).")


def run(args):
    if args.variant == "gain":  # tables with missing cells: trainers/impute.py trains it
        from trainers import impute

        return impute.train_from_args(args)
    config = config_from_args(args)
    if config.strategy == "mirrored":
        _split_cpu_if_alone()
    try:
        result = train(config)
    except TrainingDiverged as e:
        print(f"error: {e}")
        return 1
    print(f"Run directory: {result.output_dir}")
    print(f"Last sample grid: {result.sample_grid}")
    if result.history:
        last = {k: round(v[-1], 4) for k, v in result.history.items()}
        print(f"Final losses: {last}")
    print(f"Weights digest: {weights_digest(result.gan)}")
    return 0


def weights_digest(gan):
    """SHA-256 of the generator's and discriminator's weights: equal on every worker of
    a multi-worker run (they hold the same model), and between identical runs."""
    import hashlib

    digest = hashlib.sha256()
    for weight in gan.generator.weights + gan.discriminator.weights:
        digest.update(np.asarray(weight.numpy(), dtype="float32").tobytes())
    return digest.hexdigest()[:16]


def _split_cpu_if_alone():
    """On a CPU-only host, two logical CPUs give MirroredStrategy two replicas."""
    if tf.config.list_physical_devices("GPU"):
        return
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
    except RuntimeError:  # the runtime is already initialised: keep what exists
        pass


__all__ = ["RunResult", "TrainConfig", "TrainingDiverged", "add_arguments", "run", "train"]
