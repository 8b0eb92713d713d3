"""Recipes of the Wasserstein variants: WGAN (weight clipping) and WGAN-GP.

Image defaults follow each paper (optimizer, learning rates, betas, n_critic, penalty
weight), with the narrower networks and small latent size the other image recipes use so
that a `digits` run takes CPU minutes. Toy defaults keep each paper's loss, optimizer
family and n_critic but take larger learning rates and the gan recipe's toy setting (z of
2, MLPs 2 x 256, rates decaying linearly to 0) for the gan recipe's 3,000 G steps: 150
epochs, as each G step takes n_critic = 5 batches; the papers' own toy runs take 10^5
steps. Both recipes also take the base GAN's options `r1_gamma`, `r2_gamma`,
`regularization_interval` and `augment` (DiffAugment policy, images only) via `--option`.
"""

import functools

import keras

from keras_gan import models
from keras_gan.recipes.common import IMAGE_NETWORKS, TOY_DEFAULTS, discriminator, per_kind
from keras_gan.recipes.common import unconditional_build
from keras_gan.recipes.registry import Recipe, adam_optimizers, register


def rmsprop_optimizers(config):
    """RMSProp for both networks (WGAN, Algorithm 1)."""
    return keras.optimizers.RMSprop(config["g_lr"]), keras.optimizers.RMSprop(config["d_lr"])


# Arjovsky et al. 2017: RMSProp(5e-5), c = 0.01, n_critic = 5, batch 64; the critic is
# DCGAN's (with batch norm). On the toy ring, RMSProp(1e-3) with c = 0.05 (see module doc).
# Ring8, 3,000 steps, AVX-512 machine: the gan toy setting put 66.8 / 61.8 / 70.6% of the
# samples within 3 std of a mode (seeds 0/1/2, 8/8 modes; 10 seeds: 66.8 +- 2.3%); the
# earlier one (z of 16, 2 x 128, constant rates) about 1%. Clipping keeps the critic a
# simple function (Gulrajani et al. 2017, Figure 1, on the same toy data), which may be
# why it stays below the other variants (benchmarks/README.md, "Mode collapse").
register(Recipe(
    name="wgan",
    build=unconditional_build(models.WGAN, functools.partial(discriminator, normalization="batch"),
                              ("clip_value",)),
    defaults=per_kind(
        {**TOY_DEFAULTS, "epochs": 150, "d_steps": 5, "g_lr": 1e-3, "d_lr": 1e-3, "clip_value": 0.05},
        {**IMAGE_NETWORKS, "epochs": 200, "d_steps": 5, "g_lr": 5e-5, "d_lr": 5e-5, "clip_value": 0.01},
    ),
    optimizers=rmsprop_optimizers,
    paper="Arjovsky et al. 2017, arXiv:1701.07875",
))

# Gulrajani et al. 2017: Adam(1e-4, 0, 0.9), lambda = 10, n_critic = 5, batch 64; the
# critic has layer norm instead of batch norm. Their toy runs use lambda = 0.1.
# Ring8, AVX-512 machine, high-quality fraction: the gan toy setting 0.931 in 3,000 steps
# (seed 0; 10 seeds: 93.2 +- 0.3%, 104 CPU-s per seed, 4.7x the gan's in the same run as
# n_critic 5 makes a step costlier), 0.840 / 0.876 in 1,500 (seeds 0/1), with MLPs
# 2 x 128 0.884 / 0.894 in 3,000 (64 CPU-s).
register(Recipe(
    name="wgan_gp",
    build=unconditional_build(models.WGANGP, functools.partial(discriminator, normalization="layer"),
                              ("gp_weight",)),
    defaults=per_kind(
        {**TOY_DEFAULTS, "epochs": 150, "d_steps": 5, "g_lr": 2e-3, "d_lr": 2e-3, "beta_1": 0.5,
         "beta_2": 0.9, "gp_weight": 0.1},
        {**IMAGE_NETWORKS, "epochs": 200, "d_steps": 5, "g_lr": 1e-4, "d_lr": 1e-4, "beta_1": 0.0,
         "beta_2": 0.9, "gp_weight": 10.0},
    ),
    optimizers=adam_optimizers,
    paper="Gulrajani et al. 2017, arXiv:1704.00028",
))
