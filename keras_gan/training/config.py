"""`TrainConfig`: what to train, on what, for how long; and its resolution against a recipe.

Each setting is declared once, as a field of `TrainConfig` whose metadata carries its help
text (and, where the values are a closed set, its choices). The `keras-gan train` program
generates its flags from these fields (`trainers/train.py`); `resolve` fills the settings
left at None from the variant's recipe (`keras_gan.recipes`).
"""

import dataclasses
import json
import os
import types
import typing

from keras_gan import precision as gan_precision
from keras_gan import recipes
from keras_gan.training.schedules import LR_SCHEDULES
from keras_gan.training.strategies import DEFAULT_CONNECT_TIMEOUT, STRATEGIES

# Settings that decide what a checkpoint contains: a resumed run must keep them.
STATE_KEYS = (
    "variant", "dataset", "image_size", "latent_dim", "batch_size", "d_steps",
    "base_filters", "hidden_units", "seed", "ema_decay", "generator_loss", "precision",
    "pack",
)
# Values of state keys that runs written before the key existed had.
_STATE_DEFAULTS = {"precision": "float32", "pack": 1}

GENERATOR_LOSSES = ("non_saturating", "minimax")


def setting(default=None, help="", *, choices=None, metavar=None, flag=None, default_factory=None):
    """A `TrainConfig` field: its default and the metadata its command-line flag is made of.

    Args:
        default: the value when the setting is not given (None: the recipe's default).
        help: str. One sentence or two for `--help`.
        choices: tuple, callable `() -> tuple` (read when used: recipes registered
            later count) or None. The allowed values (None is allowed too when the default
            is None); checked by `TrainConfig.validate`.
        metavar: str or None. The flag's value placeholder in `--help`.
        flag: str or None. The flag's name when it is not `--<name with dashes>`
            (`--no-tensorboard`, `--option`).
        default_factory: callable or None. For mutable defaults (`options`).
    """
    metadata = {"help": help, "choices": choices, "metavar": metavar, "flag": flag}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass
class TrainConfig:
    """What to train, on what, for how long. `None` fields take the recipe's default.

    Every field's meaning is its `help` metadata (`TrainConfig.describe()` lists them,
    `keras-gan train --help` shows them as flags).

    Example:

    ```python
    from keras_gan.training import TrainConfig

    config = TrainConfig(variant="gan", dataset="ring8", steps=2)
    assert config.seed == 0 and config.batch_size is None  # None: the recipe decides
    ```
    """

    variant: str = setting("dcgan", "Training objective and its recipe (`keras_gan.recipes`).",
                           choices=lambda: tuple(sorted(recipes.REGISTRY)))
    dataset: str = setting("digits", "digits | ring8 | grid25 | a path (image folder, IDX, .npz) | "
                           "tfds:NAME. Default: digits (bundled, offline).")
    data_dir: str | None = setting(None, "TFDS data_dir.")
    image_size: int | None = setting(None, "Resize images to this size (16, 28, 32, 64, 128).")
    output_dir: str | None = setting(None, "Run directory. Default: runs/<variant>-<dataset>.")
    resume: bool = setting(False, "Continue the run in --output-dir from its last checkpoint.")
    strategy: str = setting("default", "default: one device; mirrored: every local GPU (or two "
                            "logical CPUs); multi_worker: the cluster of TF_CONFIG.",
                            choices=STRATEGIES)
    seed: int = setting(0, "Seed of the weights, the data order and the noise.")
    epochs: int | None = setting(None, "Training epochs (the recipe's when omitted).")
    steps: int | None = setting(None, "Total training steps (instead of --epochs).")
    batch_size: int | None = setting(None, "Examples per D step.")
    latent_dim: int | None = setting(None, "Size of the generator's noise input z.")
    g_lr: float | None = setting(None, "Generator learning rate.")
    d_lr: float | None = setting(None, "Discriminator learning rate.")
    lr_schedule: str | None = setting(None, "constant, or linear: both learning rates decay "
                                      "linearly to 0 at the run's last step.",
                                      choices=LR_SCHEDULES)
    beta_1: float | None = setting(None, "Adam's beta_1 for both networks.")
    beta_2: float | None = setting(None, "Adam's beta_2 for both networks.")
    d_steps: int | None = setting(None, "D steps per G step (n_critic).")
    generator_loss: str | None = setting(None, "G's loss of the standard objective.",
                                         choices=GENERATOR_LOSSES)
    label_smoothing: float | None = setting(None, "One-sided label smoothing of D's real targets.")
    ema_decay: float | None = setting(None, "Decay of an exponential moving average of G's "
                                      "weights (samples and exports use it).")
    ema_rampup: float | None = setting(None, "With --ema-decay: ramp the EMA's half-life up from "
                                       "0 as StyleGAN2-ADA does (min(half-life, step x this) G "
                                       "steps; ADA: 0.05), so early samples follow G.")
    base_filters: int | None = setting(None, "Width of the convolutional networks.")
    hidden_units: int | None = setting(None, "Width of the MLPs' hidden layers.")
    num_samples: int = setting(64, "Images in each sample grid.")
    verbose: int = setting(1, "0 silent, 1 a progress bar, 2 one line per epoch.", choices=(0, 1, 2))
    precision: str = setting("float32", "float32 | mixed_float16 (with loss scaling) | "
                             "mixed_bfloat16. The generator is exported in float32 either way. "
                             "Default: float32.", choices=gan_precision.PRECISIONS)
    checkpoint_every: int | None = setting(None, "Also checkpoint every N steps (always at each "
                                           "epoch's end).", metavar="N")
    deterministic: bool = setting(False, "Deterministic ops: a killed run resumed with --resume "
                                  "ends with the weights of an uninterrupted one (somewhat slower).")
    sync_batch_norm: bool = setting(False, "Batch-norm statistics over the global batch of all "
                                    "replicas.")
    connect_timeout: float = setting(DEFAULT_CONNECT_TIMEOUT, "--strategy multi_worker: how long to "
                                     "wait for all workers (TF_CONFIG) to join. Default: 300.",
                                     metavar="SECONDS")
    metrics_every: int | None = setting(None, "Every N epochs, compute --metrics of "
                                        "--metrics-samples generated images against the training "
                                        "images: metrics.csv and metrics.png (curves).", metavar="N")
    metrics: str = setting("fid", "Comma-separated subset of fid,kid,is,pr,dc. Default: fid.")
    metrics_extractor: str = setting("domain", "domain: a classifier trained on the data set's "
                                     "labels (cached in the run dir); inception: InceptionV3 "
                                     "ImageNet weights from Keras's cache (never downloaded). "
                                     "Default: domain.", choices=("domain", "inception"))
    metrics_samples: int = setting(1000, "Generated (and real) images per evaluation. "
                                   "Default: 1000.")
    tensorboard: bool = setting(True, "Write TensorBoard events to <output-dir>/tensorboard/ "
                                "(the chief only).", flag="--no-tensorboard")
    options: dict = setting(help="A variant-specific setting of the recipe, e.g. gp_weight=10 "
                            "(repeatable); unknown keys are an error.", flag="--option",
                            metavar="KEY=VALUE", default_factory=dict)

    def validate(self):
        """Checks every setting with a closed set of values (variant, strategy, precision,
        ...); the trainer calls it once, before anything starts.

        Raises:
            ValueError: naming the setting, the value received and the allowed ones.
        """
        for field in dataclasses.fields(self):
            choices = choices_of(field)
            value = getattr(self, field.name)
            if choices is not None and value not in choices and not (value is None and field.default is None):
                raise ValueError(
                    f"Unknown {field.name} {value!r}. Expected one of {list(choices)}. "
                    f"Received: {field.name}={value!r}"
                )
        if not isinstance(self.options, dict):
            raise ValueError(f"`options` must be a dict. Received: options={self.options!r}")
        return self

    @classmethod
    def describe(cls):
        """`{name: help}` of every setting."""
        return {field.name: field.metadata["help"] for field in dataclasses.fields(cls)}


SETTINGS = tuple(field.name for field in dataclasses.fields(TrainConfig))


def choices_of(field):
    """A field's allowed values (a tuple), or None when any value goes."""
    choices = field.metadata.get("choices")
    return choices() if callable(choices) else choices


def value_type(field):
    """The type of a field's values, without `None` (`int | None` -> int)."""
    annotation = field.type
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        (annotation,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return annotation


def parse_option(text):
    """`key=value` -> (key, value); the value is read as JSON when it parses (numbers,
    true/false, null), else kept as a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise ValueError(f"`--option` must look like key=value. Received: --option {text!r}")
    try:
        return key.replace("-", "_"), json.loads(raw)
    except json.JSONDecodeError:
        return key.replace("-", "_"), raw


def default_output_dir(config):
    """`runs/<variant>-<data set's base name>`."""
    name = os.path.basename(os.path.normpath(config.dataset)).replace(":", "_") or "data"
    return os.path.join("runs", f"{config.variant}-{name}")


def _check_positive_int(resolved, key, optional):
    value = resolved[key]
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{key}` must be a positive integer. Received: {key}={value!r}")


def resolve(config, kind, dataset=None):
    """The full configuration: recipe defaults for (variant, kind, built-in data set), then
    explicit values.

    Args:
        config: TrainConfig (validated).
        kind: "toy" or "image", the kind of data trained on.
        dataset: str or None. The built-in data set trained on ("grid25", ...), whose
            `Recipe.dataset_defaults` apply; None for any other data.

    Returns:
        dict of every setting and recipe option.

    Raises:
        ValueError: an option the recipe does not have, or a count that is not positive.
    """
    resolved = recipes.defaults(config.variant, kind, dataset)
    for key, value in dataclasses.asdict(config).items():
        if key != "options" and (value is not None or key not in resolved):
            resolved[key] = value
    for key, value in config.options.items():
        if key not in resolved or key in SETTINGS:
            settable = sorted(set(resolved) - set(SETTINGS))
            raise ValueError(
                f"Unknown option {key!r} for variant {config.variant!r}. Expected one of "
                f"{settable} (other settings have their own flags)."
            )
        resolved[key] = value
    resolved.pop("options", None)
    for key in ("batch_size", "latent_dim", "d_steps"):
        _check_positive_int(resolved, key, optional=False)
    for key in ("epochs", "steps", "checkpoint_every", "metrics_every"):
        _check_positive_int(resolved, key, optional=True)
    resolved["output_dir"] = resolved["output_dir"] or default_output_dir(config)
    return resolved


def check_resumable(saved, resolved):
    """Raises a ValueError naming every checkpoint-shaping setting (`STATE_KEYS`) that
    differs between a run's saved config and the resolved one resuming it."""
    saved = {**_STATE_DEFAULTS, **saved}
    changed = {
        k: (saved.get(k), resolved.get(k)) for k in STATE_KEYS if saved.get(k) != resolved.get(k)
    }
    if changed:
        details = ", ".join(f"{k}: run has {a!r}, got {b!r}" for k, (a, b) in changed.items())
        raise ValueError(
            f"Cannot resume {resolved['output_dir']!r} with a different configuration ({details})."
        )


__all__ = [
    "GENERATOR_LOSSES", "SETTINGS", "STATE_KEYS", "TrainConfig", "check_resumable", "choices_of",
    "default_output_dir", "parse_option", "resolve", "setting", "value_type",
]
