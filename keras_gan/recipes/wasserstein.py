"""Recipes of the Wasserstein variants: WGAN (weight clipping) and WGAN-GP.

Image defaults follow each paper (optimizer, learning rates, betas, n_critic, penalty
weight), with the narrower networks and small latent size the other image recipes use so
that a `digits` run takes CPU minutes. Toy defaults keep each paper's loss, optimizer
family and n_critic but take larger learning rates so that the 8-Gaussian ring is covered
in a few hundred steps, as the tests' learning checks verify; the papers' own toy runs
take 10^5 steps. Both recipes also take the base GAN's options `r1_gamma`, `r2_gamma`,
`regularization_interval` and `augment` (DiffAugment policy, images only) via `--option`.
"""

import functools

import keras

from keras_gan import models
from keras_gan.recipes.common import IMAGE_NETWORKS, TOY_NETWORKS, discriminator, per_kind
from keras_gan.recipes.common import unconditional_build
from keras_gan.recipes.registry import Recipe, adam_optimizers, register


def rmsprop_optimizers(config):
    """RMSProp for both networks (WGAN, Algorithm 1)."""
    return keras.optimizers.RMSprop(config["g_lr"]), keras.optimizers.RMSprop(config["d_lr"])


# Arjovsky et al. 2017: RMSProp(5e-5), c = 0.01, n_critic = 5, batch 64; the critic is
# DCGAN's (with batch norm). On the toy ring, RMSProp(1e-3) with c = 0.05 (see module doc).
register(Recipe(
    name="wgan",
    build=unconditional_build(models.WGAN, functools.partial(discriminator, normalization="batch"),
                              ("clip_value",)),
    defaults=per_kind(
        {**TOY_NETWORKS, "epochs": 30, "d_steps": 5, "g_lr": 1e-3, "d_lr": 1e-3, "clip_value": 0.05},
        {**IMAGE_NETWORKS, "epochs": 200, "d_steps": 5, "g_lr": 5e-5, "d_lr": 5e-5, "clip_value": 0.01},
    ),
    optimizers=rmsprop_optimizers,
    paper="Arjovsky et al. 2017, arXiv:1701.07875",
))

# Gulrajani et al. 2017: Adam(1e-4, 0, 0.9), lambda = 10, n_critic = 5, batch 64; the
# critic has layer norm instead of batch norm. Their toy runs use lambda = 0.1.
register(Recipe(
    name="wgan_gp",
    build=unconditional_build(models.WGANGP, functools.partial(discriminator, normalization="layer"),
                              ("gp_weight",)),
    defaults=per_kind(
        {**TOY_NETWORKS, "epochs": 20, "d_steps": 5, "g_lr": 2e-3, "d_lr": 2e-3, "beta_1": 0.5,
         "beta_2": 0.9, "gp_weight": 0.1},
        {**IMAGE_NETWORKS, "epochs": 200, "d_steps": 5, "g_lr": 1e-4, "d_lr": 1e-4, "beta_1": 0.0,
         "beta_2": 0.9, "gp_weight": 10.0},
    ),
    optimizers=adam_optimizers,
    paper="Gulrajani et al. 2017, arXiv:1704.00028",
))
