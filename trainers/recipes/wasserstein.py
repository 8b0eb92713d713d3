"""Recipes of the loss-family variants: WGAN, WGAN-GP, LSGAN and SNGAN.

Image defaults follow each paper (optimizer, learning rates, betas, n_critic, penalty
weight), with the narrower networks and small latent size the other image recipes use so
that a `digits` run takes CPU minutes. Toy defaults keep each paper's loss, optimizer
family and n_critic but take larger learning rates (and, for LSGAN and SNGAN, a D four
times faster than G, TTUR, and samples from an EMA of G's weights, Yazici et al. 2019) so
that the 8-Gaussian ring is covered in a few hundred steps, as the tests' learning checks
verify; the papers' own toy runs take 10^5 steps. Every
recipe also takes the base GAN's options `r1_gamma`, `r2_gamma`,
`regularization_interval` and `augment` (DiffAugment policy, images only) via `--option`.
"""

import keras

from keras_gan import models, networks
from keras_gan.networks.sngan import (
    resnet_generator,
    sn_dcgan_discriminator,
    sn_mlp_discriminator,
    sn_resnet_discriminator,
)
from trainers.recipes import Recipe, adam_optimizers, register
from trainers.recipes.core import REGULARIZATION_OPTIONS, gan_kwargs, regularization_kwargs
from trainers.recipes.core import PACK_OPTIONS, discriminator_shape, pack_kwargs
# The image recipes' networks: as small as the dcgan recipe's.
_IMAGE = {"batch_size": 64, "latent_dim": 64, "base_filters": 32}
# Toy networks: two hidden layers of 128 units, z of size 16 (as the gan recipe's toy setting).
_TOY = {"batch_size": 256, "latent_dim": 16, "hidden_units": 128}


def _with_options(defaults, **options):
    return {**defaults, **REGULARIZATION_OPTIONS, **PACK_OPTIONS, **options}


ARCHITECTURES = ("standard", "resnet")


def _architecture(config):
    architecture = config.get("architecture", "standard")
    if architecture not in ARCHITECTURES:
        raise ValueError(
            f"`architecture` must be one of {ARCHITECTURES}. Received: architecture={architecture!r}"
        )
    return architecture


def _generator(element_shape, config):
    if len(element_shape) == 1:
        units = (config["hidden_units"],) * 2
        return networks.mlp_generator(
            config["latent_dim"], element_shape, hidden_units=units, output_activation=None
        )
    if _architecture(config) == "resnet":  # the paper's 256 channels at base_filters=64
        return resnet_generator(config["latent_dim"], element_shape, 4 * config["base_filters"])
    return networks.dcgan_generator(config["latent_dim"], element_shape, config["base_filters"])


def _discriminator(element_shape, config, kind):
    """kind: "batch" / "layer" (DCGAN critic normalization) or "spectral" (SNGAN's CNN)."""
    units = (config["hidden_units"],) * 2
    if kind == "spectral":
        if len(element_shape) == 1:
            return sn_mlp_discriminator(element_shape, units, power_iterations=config["power_iterations"])
        if _architecture(config) == "resnet":  # the paper's 128 channels at base_filters=64
            return sn_resnet_discriminator(
                element_shape, 2 * config["base_filters"], power_iterations=config["power_iterations"]
            )
        return sn_dcgan_discriminator(
            element_shape, config["base_filters"], power_iterations=config["power_iterations"]
        )
    if len(element_shape) == 1:
        return networks.mlp_discriminator(element_shape, hidden_units=units)
    return networks.dcgan_discriminator(element_shape, config["base_filters"], normalization=kind)


def _build(model_class, discriminator_kind, variant_keys):
    def build(element_shape, config, num_classes=None):
        return model_class(
            _generator(element_shape, config),
            _discriminator(discriminator_shape(element_shape, config), config, discriminator_kind),
            **gan_kwargs(config),
            **regularization_kwargs(config),
            **pack_kwargs(config),
            **{key: config[key] for key in variant_keys},
        )

    return build


def rmsprop_optimizers(config):
    """RMSProp for both networks (WGAN, Algorithm 1)."""
    return keras.optimizers.RMSprop(config["g_lr"]), keras.optimizers.RMSprop(config["d_lr"])


# Arjovsky et al. 2017: RMSProp(5e-5), c = 0.01, n_critic = 5, batch 64; the critic is
# DCGAN's (with batch norm). On the toy ring, RMSProp(1e-3) with c = 0.05 (see module doc).
register(Recipe(
    name="wgan",
    build=_build(models.WGAN, "batch", ("clip_value",)),
    defaults={
        "toy": _with_options(_TOY, epochs=30, d_steps=5, g_lr=1e-3, d_lr=1e-3, clip_value=0.05),
        "image": _with_options(_IMAGE, epochs=200, d_steps=5, g_lr=5e-5, d_lr=5e-5, clip_value=0.01),
    },
    optimizers=rmsprop_optimizers,
    paper="Arjovsky et al. 2017, arXiv:1701.07875",
))

# Gulrajani et al. 2017: Adam(1e-4, 0, 0.9), lambda = 10, n_critic = 5, batch 64; the
# critic has layer norm instead of batch norm. Their toy runs use lambda = 0.1.
register(Recipe(
    name="wgan_gp",
    build=_build(models.WGANGP, "layer", ("gp_weight",)),
    defaults={
        "toy": _with_options(_TOY, epochs=20, d_steps=5, g_lr=2e-3, d_lr=2e-3, beta_1=0.5,
                             beta_2=0.9, gp_weight=0.1),
        "image": _with_options(_IMAGE, epochs=200, d_steps=5, g_lr=1e-4, d_lr=1e-4, beta_1=0.0,
                               beta_2=0.9, gp_weight=10.0),
    },
    optimizers=adam_optimizers,
    paper="Gulrajani et al. 2017, arXiv:1704.00028",
))

# Mao et al. 2017: Adam(2e-4, beta_1 = 0.5), the 0-1 coding a = 0, b = 1, c = 1. Their D
# has batch norm, but with these small networks a normalized D (batch or layer norm) fits
# both targets within ~100 steps (d_loss ~0.03) and G never leaves noise, so D has no
# normalization here: D's loss stays ~0.05-0.1 and G learns digits (measured on 16 px
# digits, pixel Frechet distance 10.1 -> 2.6 at 300 steps; tests/test_models_lsgan_sngan.py).
register(Recipe(
    name="lsgan",
    build=_build(models.LSGAN, None, ("a", "b", "c")),
    defaults={
        "toy": _with_options(_TOY, epochs=12, g_lr=1e-3, d_lr=4e-3, beta_1=0.0, beta_2=0.9,
                             ema_decay=0.99, a=0.0, b=1.0, c=1.0),
        "image": _with_options(_IMAGE, epochs=50, g_lr=2e-4, d_lr=2e-4, a=0.0, b=1.0, c=1.0),
    },
    optimizers=adam_optimizers,
    paper="Mao et al. 2017, arXiv:1611.04076",
))

# Miyato et al. 2018, standard CNN, setting C: Adam(2e-4, 0.5, 0.999), n_dis = 1, hinge loss,
# one power iteration. `--option architecture=resnet` trains their CIFAR ResNets instead
# (they used Adam(2e-4, 0, 0.9) and n_dis = 5 there: `--beta-1 0 --beta-2 0.9 --d-steps 5`).
register(Recipe(
    name="sngan",
    build=_build(models.SNGAN, "spectral", ()),
    defaults={
        "toy": _with_options(_TOY, epochs=12, g_lr=1e-3, d_lr=4e-3, beta_1=0.0, beta_2=0.9,
                             ema_decay=0.99, power_iterations=1),
        "image": _with_options(_IMAGE, epochs=50, g_lr=2e-4, d_lr=2e-4, beta_1=0.5,
                               beta_2=0.999, power_iterations=1, architecture="standard"),
    },
    optimizers=adam_optimizers,
    paper="Miyato et al. 2018, arXiv:1802.05957",
))
