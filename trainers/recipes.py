"""Recipes: the defaults of each variant on each kind of data set, and how to build it.

A recipe maps (variant, data kind) to training defaults taken from the variant's paper;
explicit command-line flags override them.
"""

import keras

from keras_gan import models, networks

# Defaults every run starts from; the recipes below override them.
BASE_DEFAULTS = {
    "batch_size": 64,
    "epochs": 20,
    "latent_dim": 100,
    "g_lr": 2e-4,
    "d_lr": 2e-4,
    "beta_1": 0.5,
    "beta_2": 0.999,
    "d_steps": 1,
    "generator_loss": "non_saturating",
    "label_smoothing": 0.0,
    "ema_decay": None,
    "base_filters": 64,
    "hidden_units": 256,
}

# (variant, kind) -> overrides. kind is "toy" (2-D mixtures) or "image".
RECIPES = {
    # Goodfellow et al. 2014: MLPs. On the toy rings, settings of Metz et al. 2017.
    ("gan", "toy"): {"batch_size": 256, "epochs": 20, "latent_dim": 16, "g_lr": 1e-3,
                     "d_lr": 1e-3, "hidden_units": 128},
    ("gan", "image"): {"batch_size": 64, "epochs": 50, "latent_dim": 100, "hidden_units": 512},
    # Radford et al. 2016: Adam(2e-4, beta_1=0.5), batch 128; batch 64 and a narrower
    # network keep the default digits run to a few CPU minutes.
    ("dcgan", "image"): {"batch_size": 64, "epochs": 50, "latent_dim": 64, "base_filters": 32},
    ("dcgan", "toy"): {"batch_size": 256, "epochs": 20, "latent_dim": 16, "g_lr": 1e-3,
                       "d_lr": 1e-3, "hidden_units": 128},
}


def _variant_names():
    return sorted({variant for variant, _ in RECIPES})


VARIANTS = tuple(_variant_names())


def defaults(variant, kind):
    """Training defaults for `variant` on data of `kind` ("toy" or "image")."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown variant {variant!r}. Expected one of {list(VARIANTS)}.")
    return {**BASE_DEFAULTS, **RECIPES.get((variant, kind), {})}


def build_networks(variant, element_shape, config):
    """(generator, discriminator) for a variant and a sample shape."""
    units = (config["hidden_units"],) * 2
    if len(element_shape) == 1 or variant == "gan":
        generator = networks.mlp_generator(
            config["latent_dim"],
            element_shape,
            hidden_units=units,
            output_activation=None if len(element_shape) == 1 else "tanh",
        )
        return generator, networks.mlp_discriminator(element_shape, hidden_units=units)
    return (
        networks.dcgan_generator(config["latent_dim"], element_shape, config["base_filters"]),
        networks.dcgan_discriminator(element_shape, config["base_filters"]),
    )


def build_gan(variant, element_shape, config, num_classes=None):
    """The compiled-ready (not yet compiled) model for a variant. Call inside a strategy scope."""
    generator, discriminator = build_networks(variant, element_shape, config)
    return models.GAN(
        generator,
        discriminator,
        latent_dim=config["latent_dim"],
        d_steps=config["d_steps"],
        generator_loss=config["generator_loss"],
        label_smoothing=config["label_smoothing"],
        ema_decay=config["ema_decay"],
        seed=config["seed"],
    )


def build_optimizers(variant, config):
    """(g_optimizer, d_optimizer). Call inside the strategy scope."""
    return (
        keras.optimizers.Adam(config["g_lr"], beta_1=config["beta_1"], beta_2=config["beta_2"]),
        keras.optimizers.Adam(config["d_lr"], beta_1=config["beta_1"], beta_2=config["beta_2"]),
    )
