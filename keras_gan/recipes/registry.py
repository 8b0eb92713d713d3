"""The recipe type and the registry every recipe module adds its variants to."""

import dataclasses
from typing import Callable

import keras

# Defaults every run starts from; a recipe's defaults override them.
BASE_DEFAULTS = {
    "batch_size": 64,
    "epochs": 20,
    "latent_dim": 100,
    "g_lr": 2e-4,
    "d_lr": 2e-4,
    # `keras_gan.training.schedules`: "constant" or "linear" (decay to 0 at the last step).
    "lr_schedule": "constant",
    "beta_1": 0.5,
    "beta_2": 0.999,
    "d_steps": 1,
    "generator_loss": "non_saturating",
    "label_smoothing": 0.0,
    "ema_decay": None,
    # StyleGAN2-ADA's ramp-up of the EMA's half-life (`GAN(ema_rampup=...)`); None: none.
    "ema_rampup": None,
    "base_filters": 64,
    "hidden_units": 256,
    # One G forward pass serving the D and the G step (`GAN(reuse_generator_pass=...)`).
    "reuse_generator_pass": False,
}
# The kinds of data a recipe has defaults for: 2-D point mixtures and images.
KINDS = ("toy", "image")


def adam_optimizers(config):
    """Adam for both networks with the configured learning rates and betas."""
    return (
        keras.optimizers.Adam(config["g_lr"], beta_1=config["beta_1"], beta_2=config["beta_2"]),
        keras.optimizers.Adam(config["d_lr"], beta_1=config["beta_1"], beta_2=config["beta_2"]),
    )


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How to train one variant.

    Attributes:
        name: str. The `--variant` name.
        build: callable `(element_shape, config, num_classes) -> GAN` (uncompiled;
            called inside the strategy scope).
        defaults: dict `{"toy": {...}, "image": {...}}` of config overrides per data kind.
        dataset_defaults: dict `{data set name: {...}}` of overrides, on top of the kind's,
            for one built-in data set (e.g. a longer run on "grid25" than on "ring8").
        optimizers: callable `config -> (g_optimizer, d_optimizer)`.
        needs_labels: bool. The variant trains on (images, labels).
        paper: str. Reference shown in `--help` and the README table.
        prepare_data: callable `(data, config) -> data` or None. Reshapes the training
            data first (SGAN keeps a few labels per class).
        extra_rows: callable `config -> (rows, add)` or None. The recipe appends `rows`
            examples to every global batch with `add(dataset, data, config, start_step)`
            (SGAN's labelled batch in every step).
    """

    name: str
    build: Callable
    defaults: dict
    dataset_defaults: dict = dataclasses.field(default_factory=dict)
    optimizers: Callable = adam_optimizers
    needs_labels: bool = False
    paper: str = ""
    prepare_data: Callable | None = None
    extra_rows: Callable | None = None


REGISTRY = {}


def register(recipe):
    """Adds `recipe` under its name; a second recipe of the same name is an error, and so
    are `dataset_defaults` for a data set that is not built in or of a setting the
    recipe's defaults do not have."""
    from keras_gan.data import BUILTIN_DATASETS

    if recipe.name in REGISTRY:
        raise ValueError(f"A recipe named {recipe.name!r} is already registered.")
    for dataset, overrides in recipe.dataset_defaults.items():
        known = set(BASE_DEFAULTS).union(*recipe.defaults.values())
        if dataset not in BUILTIN_DATASETS or not set(overrides) <= known:
            raise ValueError(
                f"Recipe {recipe.name!r}: `dataset_defaults` takes built-in data sets "
                f"{list(BUILTIN_DATASETS)} and settings of its defaults. Received: "
                f"{dataset!r}: {sorted(overrides)}"
            )
    REGISTRY[recipe.name] = recipe
    return recipe


def get(variant):
    """The recipe registered as `variant`."""
    if variant not in REGISTRY:
        raise ValueError(f"Unknown variant {variant!r}. Expected one of {sorted(REGISTRY)}.")
    return REGISTRY[variant]


def defaults(variant, kind, dataset=None):
    """Training defaults for `variant` on data of `kind` ("toy" or "image"), with the
    recipe's `dataset_defaults` for the built-in data set named `dataset` (if any)."""
    if kind not in KINDS:
        raise ValueError(f"`kind` must be one of {KINDS}. Received: kind={kind!r}")
    recipe = get(variant)
    return {**BASE_DEFAULTS, **recipe.defaults.get(kind, {}), **recipe.dataset_defaults.get(dataset, {})}
