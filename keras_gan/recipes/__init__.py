"""Recipes: each variant's defaults on each kind of data set, and how to build it.

A `Recipe` names a variant, its paper's defaults for toy 2-D data and for images (and,
in `dataset_defaults`, overrides for one built-in data set: the grid's longer run), and
the functions that build its model and optimizers. There is one module per family, beside
the variant's model in `keras_gan.models`:

    gan.py          gan (MLPs)              dcgan.py        dcgan
    conditional.py  cgan, acgan             infogan.py      infogan
    bigan.py        bigan                   sgan.py         sgan
    wasserstein.py  wgan, wgan_gp           lsgan.py        lsgan
    sngan.py        sngan                   stylegan2.py    stylegan2
    gain.py         gain (tables; `keras-gan impute`)

`common.py` holds what several families share (network sizes, the base GAN's options).
Each module registers its recipes with `register`; `keras_gan.training` resolves a
`TrainConfig` against them (explicit settings override the defaults).

Adding a variant: a module here that calls `register(Recipe(...))`, and one import line
below.
"""

from keras_gan.recipes.registry import (
    BASE_DEFAULTS,
    KINDS,
    REGISTRY,
    Recipe,
    adam_optimizers,
    defaults,
    get,
    register,
)

# Recipe modules (each registers its variants). Add one import line per module.
from keras_gan.recipes import gan  # noqa: E402,F401
from keras_gan.recipes import dcgan  # noqa: E402,F401
from keras_gan.recipes import conditional  # noqa: E402,F401
from keras_gan.recipes import infogan  # noqa: E402,F401
from keras_gan.recipes import bigan  # noqa: E402,F401
from keras_gan.recipes import sgan  # noqa: E402,F401
from keras_gan.recipes import wasserstein  # noqa: E402,F401
from keras_gan.recipes import lsgan  # noqa: E402,F401
from keras_gan.recipes import sngan  # noqa: E402,F401
from keras_gan.recipes import stylegan2  # noqa: E402,F401
from keras_gan.recipes import gain  # noqa: E402,F401

# Every registered variant, sorted (the `--variant` choices).
VARIANTS = tuple(sorted(REGISTRY))

__all__ = [
    "BASE_DEFAULTS", "KINDS", "REGISTRY", "Recipe", "VARIANTS", "adam_optimizers",
    "defaults", "get", "register",
]
