"""The run directory: one owner that writes and reads every file of a training run.

A run directory (written by `keras-gan train`, read by `sample`, `evaluate` and `export`)
holds:

    config.json              the resolved training configuration
    model.json               the model's facts, `GAN.describe()`
    checkpoints/             the full training state (`tf.train.CheckpointManager`)
    samples/epoch_XXXX.png   sample grids after each epoch
    losses.csv, losses.png   logged losses per epoch
    metrics.csv, metrics.png metric curves during training (`--metrics-every`)
    metrics.json             the report of `keras-gan evaluate`
    generator.keras          the final generator (and ema_generator.keras with EMA)
    tensorboard/             TensorBoard events (losses, penalties, metrics, rates, grids)

`ModelFacts` is the read side of `GAN.describe()`: the one facts format, shared by run
directories and exports (SavedModel asset, ONNX metadata). Every key `describe()` wrote
(e.g. InfoGAN's `latent_layout`) is kept.
"""

import collections.abc
import csv
import json
import os

CONFIG_FILE = "config.json"
FACTS_FILE = "model.json"
GENERATOR_FILE = "generator.keras"
EMA_GENERATOR_FILE = "ema_generator.keras"
CHECKPOINT_DIR = "checkpoints"
SAMPLES_DIR = "samples"
LOSSES_CSV = "losses.csv"
LOSSES_PLOT = "losses.png"
METRICS_CSV = "metrics.csv"
METRICS_PLOT = "metrics.png"
METRICS_REPORT = "metrics.json"
SAMPLE_GRID = "sample.png"
TENSORBOARD_DIR = "tensorboard"


class ModelFacts(collections.abc.Mapping):
    """A read-only view of a model's facts (the dict `GAN.describe()` returns).

    Keys every facts dict has: `variant`, `latent_dim`, `num_classes`, `image_shape`,
    `value_range`, `step`, `ema`; variants add their own (InfoGAN `latent_layout`, SGAN
    `classifier_classes`, StyleGAN2 `synthesis_noise`), kept as they are.

    Args:
        facts: dict. At least `latent_dim` (a positive int).
    """

    def __init__(self, facts):
        if isinstance(facts, ModelFacts):
            facts = facts.to_dict()
        if not isinstance(facts, collections.abc.Mapping):
            raise ValueError(f"`facts` must be a dict of model facts. Received: {facts!r}")
        facts = dict(facts)
        latent_dim = facts.get("latent_dim")
        if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim < 1:
            raise ValueError(
                f"The facts' `latent_dim` must be a positive int. Received: latent_dim={latent_dim!r}"
            )
        num_classes = facts.get("num_classes")
        if num_classes is not None and (
            isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1
        ):
            raise ValueError(
                f"The facts' `num_classes` must be a positive int or None. Received: num_classes={num_classes!r}"
            )
        self._facts = facts

    def __getitem__(self, key):
        return self._facts[key]

    def __iter__(self):
        return iter(self._facts)

    def __len__(self):
        return len(self._facts)

    def __repr__(self):
        return f"ModelFacts({self._facts!r})"

    @property
    def variant(self):
        return str(self._facts.get("variant") or "generator")

    @property
    def latent_dim(self):
        return int(self._facts["latent_dim"])

    @property
    def num_classes(self):
        value = self._facts.get("num_classes")
        return None if value is None else int(value)

    @property
    def conditional(self):
        return self.num_classes is not None

    @property
    def image_shape(self):
        return tuple(int(d) for d in self._facts.get("image_shape") or ())

    @property
    def value_range(self):
        return tuple(float(v) for v in self._facts.get("value_range", (-1.0, 1.0)))

    @property
    def step(self):
        value = self._facts.get("step")
        return None if value is None else int(value)

    @property
    def ema(self):
        return bool(self._facts.get("ema", False))

    @property
    def latent_layout(self):
        return self._facts.get("latent_layout")

    def to_dict(self):
        """A JSON-ready copy of every fact."""
        return json.loads(json.dumps(self._facts))


def write_json(path, obj):
    """Writes JSON atomically (temporary file, then rename)."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def _read_csv_rows(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def register_custom_objects():
    """Imports the modules that register keras_gan's layers and models with Keras, which
    `keras.saving.load_model` needs (StyleGAN2's generator and layers, Maxout, ...)."""
    import keras_gan.models  # noqa: F401
    import keras_gan.networks  # noqa: F401


class RunDirectory:
    """The files of one run directory: their paths, and how each is written and read.

    Args:
        path: str or os.PathLike. The run directory.
    """

    def __init__(self, path):
        self.path = os.fspath(path)

    def __repr__(self):
        return f"RunDirectory({self.path!r})"

    def file(self, name):
        return os.path.join(self.path, name)

    config_path = property(lambda self: self.file(CONFIG_FILE))
    facts_path = property(lambda self: self.file(FACTS_FILE))
    generator_path = property(lambda self: self.file(GENERATOR_FILE))
    ema_generator_path = property(lambda self: self.file(EMA_GENERATOR_FILE))
    checkpoint_dir = property(lambda self: self.file(CHECKPOINT_DIR))
    samples_dir = property(lambda self: self.file(SAMPLES_DIR))
    losses_csv = property(lambda self: self.file(LOSSES_CSV))
    losses_plot = property(lambda self: self.file(LOSSES_PLOT))
    metrics_csv = property(lambda self: self.file(METRICS_CSV))
    metrics_plot = property(lambda self: self.file(METRICS_PLOT))
    metrics_report = property(lambda self: self.file(METRICS_REPORT))
    tensorboard_dir = property(lambda self: self.file(TENSORBOARD_DIR))

    def sample_path(self, epoch):
        """The sample grid of `epoch` (1-based)."""
        return os.path.join(self.samples_dir, f"epoch_{epoch:04d}.png")

    # ---------------------------------------------------------------- config, facts

    def holds_run(self):
        """Whether a run was started here (its config.json exists)."""
        return os.path.exists(self.config_path)

    def write_config(self, config):
        os.makedirs(self.path, exist_ok=True)
        write_json(self.config_path, config)

    def read_config(self):
        return self._read_json(self.config_path, "training config")

    def write_facts(self, facts):
        os.makedirs(self.path, exist_ok=True)
        write_json(self.facts_path, dict(facts))

    def read_facts(self):
        """The model facts (`ModelFacts`) of `model.json`."""
        return ModelFacts(self.read_facts_dict())

    def read_facts_dict(self):
        """`model.json` as a plain dict, unchecked (export completes partial facts from the
        generator itself)."""
        return self._read_json(self.facts_path, "model facts")

    def _read_json(self, path, what):
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"{path!r} not found: the run directory has no {what} ({os.path.basename(path)}); "
                f"it must be a directory written by `keras-gan train`. Received: run_dir={self.path!r}"
            )
        try:
            with open(path, encoding="utf-8") as f:
                value = json.load(f)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON ({err}); expected the {what}.") from err
        if not isinstance(value, dict):
            raise ValueError(f"{path} must hold a JSON object ({what}). Received: {value!r}")
        return value

    # ---------------------------------------------------------------- generators

    def save_generators(self, gan):
        """Writes the final facts and `generator.keras` (and `ema_generator.keras` when the
        GAN keeps EMA weights), each file complete or absent."""
        self.write_facts(gan.describe())
        _save_model_atomic(gan.generator, self.generator_path)
        if gan.ema_generator is not None:
            _save_model_atomic(gan.ema_generator, self.ema_generator_path)

    def has_ema(self):
        return os.path.isfile(self.ema_generator_path)

    def generator_file(self, use_ema=None):
        """The generator file to use: the EMA one when present (or `use_ema=True`), unless
        `use_ema=False`.

        Raises:
            FileNotFoundError: no such generator (the run has not finished, or no EMA).
        """
        if use_ema not in (None, True, False):
            raise ValueError(f"`use_ema` must be True, False or None. Received: use_ema={use_ema!r}")
        if use_ema is None:
            use_ema = self.has_ema()
        if use_ema and not self.has_ema():
            raise FileNotFoundError(
                f"`use_ema=True` but {self.path!r} has no {EMA_GENERATOR_FILE} (the run was "
                "trained without EMA). Received: use_ema=True"
            )
        path = self.ema_generator_path if use_ema else self.generator_path
        if not os.path.isfile(path):
            found = sorted(os.listdir(self.path))[:20] if os.path.isdir(self.path) else []
            raise FileNotFoundError(
                f"No generator in {self.path!r}: expected {GENERATOR_FILE} (a run writes it when "
                f"it finishes; {FACTS_FILE} and optionally {EMA_GENERATOR_FILE} beside it). "
                f"Found: {found}"
            )
        return path

    def load_generator(self, use_ema=None):
        """(generator keras.Model, path) of this run, custom layers registered first."""
        import keras

        path = self.generator_file(use_ema)
        register_custom_objects()
        return keras.saving.load_model(path, compile=False), path

    # ---------------------------------------------------------------- histories

    def read_losses(self):
        """`{name: [value per epoch]}` from losses.csv (empty when there is none)."""
        return read_history(self.losses_csv)

    def truncate_losses(self, epochs_kept):
        """Drops losses.csv rows of epochs after the checkpoint being resumed (they will be
        redone)."""
        path = self.losses_csv
        if not os.path.exists(path):
            return
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(lines[: 1 + epochs_kept])

    def read_metrics_rows(self, up_to_epoch=None):
        """Rows of metrics.csv as dicts (`epoch` int, values float), up to an epoch."""
        rows = [
            {k: (int(v) if k == "epoch" else float(v)) for k, v in row.items() if v not in ("", None)}
            for row in _read_csv_rows(self.metrics_csv)
        ]
        if up_to_epoch is not None:
            rows = [row for row in rows if row["epoch"] <= up_to_epoch]
        return rows

    def read_cpu_curve(self, metric="fid"):
        """`(training CPU-minutes, values)` of `metric` over metrics.csv's rows that hold it
        (`train_cpu_seconds`: `MetricsCallback`'s CPU time inside `fit`, evaluations left
        out); two empty lists when the run has no such rows."""
        rows = [row for row in self.read_metrics_rows() if metric in row and "train_cpu_seconds" in row]
        return [row["train_cpu_seconds"] / 60.0 for row in rows], [row[metric] for row in rows]


def read_history(csv_path):
    """`{column: [floats]}` of a per-epoch CSV log (`keras.callbacks.CSVLogger`)."""
    history = {}
    for row in _read_csv_rows(csv_path):
        for key, value in row.items():
            # CSVLogger writes "NA" for val_* columns when there is no validation data.
            if key != "epoch" and value not in ("NA", "", None):
                history.setdefault(key, []).append(float(value))
    return history


def _save_model_atomic(model, path):
    tmp = path[: -len(".keras")] + ".tmp.keras"
    model.save(tmp)
    os.replace(tmp, path)


def load_generator(run_dir, use_ema=None):
    """(generator, facts `ModelFacts`, generator path) of a run directory.

    Args:
        run_dir: str. A directory written by `keras-gan train`.
        use_ema: bool or None. None: the EMA generator when the run has one.
    """
    run = RunDirectory(run_dir)
    facts = run.read_facts()
    generator, path = run.load_generator(use_ema)
    return generator, facts, path


__all__ = [
    "CHECKPOINT_DIR", "CONFIG_FILE", "EMA_GENERATOR_FILE", "FACTS_FILE", "GENERATOR_FILE",
    "LOSSES_CSV", "LOSSES_PLOT", "METRICS_CSV", "METRICS_PLOT", "METRICS_REPORT",
    "ModelFacts", "RunDirectory", "SAMPLES_DIR", "SAMPLE_GRID", "load_generator",
    "read_history", "register_custom_objects", "write_json",
]
