"""Recipe of LSGAN (Mao et al. 2017): least-squares losses with targets a, b, c.

Toy defaults: the gan recipe's toy setting (z of 2, MLPs 2 x 256, learning rates decaying
linearly to 0 over 30 epochs) with a D four times faster than G (TTUR) and samples from an
EMA of G's weights (Yazici et al. 2019). Also takes the base GAN's options `r1_gamma`,
`r2_gamma`, `regularization_interval` and `augment` via `--option`.
"""

import functools

from keras_gan import models
from keras_gan.recipes.common import IMAGE_NETWORKS, TOY_DEFAULTS, discriminator, per_kind
from keras_gan.recipes.common import unconditional_build
from keras_gan.recipes.registry import Recipe, adam_optimizers, register

# Mao et al. 2017: Adam(2e-4, beta_1 = 0.5), the 0-1 coding a = 0, b = 1, c = 1. Their D
# has batch norm, but with these small networks a normalized D (batch or layer norm) fits
# both targets within ~100 steps (d_loss ~0.03) and G never leaves noise, so D has no
# normalization here: D's loss stays ~0.05-0.1 and G learns digits (measured on 16 px
# digits, pixel Frechet distance 10.1 -> 2.6 at 300 steps; tests/test_models_lsgan_sngan.py).
# Toy: on ring8 (3,000 steps, seeds 0/1/2, AVX-512 machine) the gan toy setting put 92.3 /
# 91.4 / 91.8% of the samples within 3 std of a mode (8/8 modes); the earlier setting (z of
# 16, 2 x 128, constant rates, 1,200 steps) put 12% there (seeds 0-2, AVX2 machine) and
# its rates decaying alone 5% (benchmarks/README.md, "Mode collapse").
register(Recipe(
    name="lsgan",
    build=unconditional_build(models.LSGAN, functools.partial(discriminator, normalization=None),
                              ("a", "b", "c")),
    defaults=per_kind(
        {**TOY_DEFAULTS, "g_lr": 1e-3, "d_lr": 4e-3, "beta_1": 0.0, "beta_2": 0.9,
         "ema_decay": 0.99, "a": 0.0, "b": 1.0, "c": 1.0},
        {**IMAGE_NETWORKS, "epochs": 50, "g_lr": 2e-4, "d_lr": 2e-4, "a": 0.0, "b": 1.0, "c": 1.0},
    ),
    optimizers=adam_optimizers,
    paper="Mao et al. 2017, arXiv:1611.04076",
))
