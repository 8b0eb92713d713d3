"""Recipe of SNGAN (Miyato et al. 2018): a spectrally normalized D, hinge loss.

Toy defaults: the gan recipe's toy setting (z of 2, MLPs 2 x 256, learning rates decaying
linearly to 0) for 40 epochs, with a D four times faster than G (TTUR) and samples from an
EMA of G's weights (Yazici et al. 2019). Also takes the base GAN's options `r1_gamma`,
`r2_gamma`, `regularization_interval` and `augment` via `--option`.
"""

from keras_gan import models
from keras_gan.networks.sngan import sn_dcgan_discriminator, sn_mlp_discriminator, sn_resnet_discriminator
from keras_gan.recipes.common import GRID_DEFAULTS, IMAGE_NETWORKS, TOY_DEFAULTS, architecture, discriminator_shape
from keras_gan.recipes.common import hidden_units, is_toy, per_kind, unconditional_build
from keras_gan.recipes.registry import Recipe, adam_optimizers, register


def spectral_discriminator(element_shape, config):
    """D with spectral normalization: an MLP for toy vectors, else the paper's standard
    CNN (or its ResNet with `architecture="resnet"`, 128 channels at base_filters=64)."""
    shape = discriminator_shape(element_shape, config)
    iterations = config["power_iterations"]
    if is_toy(element_shape):
        return sn_mlp_discriminator(shape, hidden_units(config), power_iterations=iterations)
    if architecture(config) == "resnet":
        return sn_resnet_discriminator(shape, 2 * config["base_filters"], power_iterations=iterations)
    return sn_dcgan_discriminator(shape, config["base_filters"], power_iterations=iterations)


# Miyato et al. 2018, standard CNN, setting C: Adam(2e-4, 0.5, 0.999), n_dis = 1, hinge loss,
# one power iteration. `--option architecture=resnet` trains their CIFAR ResNets instead
# (they used Adam(2e-4, 0, 0.9) and n_dis = 5 there: `--beta-1 0 --beta-2 0.9 --d-steps 5`).
# Toy, on ring8 (seeds 0/1/2, AVX-512 machine, high-quality fraction: samples within 3 std
# of a mode): the gan toy setting gave 0.898 / 0.893 / 0.902 in 3,000 steps and 0.926 /
# 0.892 / 0.908 in 4,000 (8/8 modes; 10 seeds: 92.5 +- 0.4%); with D at 2e-3, 0.915 /
# 0.908 / 0.880 (3,000 steps); with D at 1e-3 (no TTUR, 4,000 steps) seed 0 collapsed onto
# one mode. The earlier setting (z of 16, 2 x 128, constant rates, 1,200 steps) put 11%
# there (seeds 0-2, AVX2 machine) and its rates decaying alone 3% (benchmarks/README.md,
# "Mode collapse").
register(Recipe(
    name="sngan",
    build=unconditional_build(models.SNGAN, spectral_discriminator),
    defaults=per_kind(
        {**TOY_DEFAULTS, "epochs": 40, "g_lr": 1e-3, "d_lr": 4e-3, "beta_1": 0.0, "beta_2": 0.9,
         "ema_decay": 0.99, "power_iterations": 1},
        {**IMAGE_NETWORKS, "epochs": 50, "g_lr": 2e-4, "d_lr": 2e-4, "beta_1": 0.5,
         "beta_2": 0.999, "power_iterations": 1, "architecture": "standard"},
    ),
    dataset_defaults=GRID_DEFAULTS,
    optimizers=adam_optimizers,
    paper="Miyato et al. 2018, arXiv:1802.05957",
))
