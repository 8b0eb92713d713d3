"""Recipe of BiGAN (Donahue et al. 2017) / ALI (Dumoulin et al. 2017): an encoder E learns
the inverse of G; D scores (x, E(x)) against (G(z), z) pairs."""

from keras_gan import models
from keras_gan.networks import bigan
from keras_gan.recipes.common import IMAGE_SETTINGS, TOY_SETTINGS, generator, hidden_units
from keras_gan.recipes.common import is_toy, model_kwargs, per_kind
from keras_gan.recipes.registry import Recipe, register


def build(element_shape, config, num_classes=None):
    """A `BiGAN` of G, a joint (x, z) discriminator and an encoder (MLPs on toy vectors)."""
    latent_dim = config["latent_dim"]
    if is_toy(element_shape):
        encoder = bigan.mlp_encoder(element_shape, latent_dim, hidden_units=hidden_units(config))
        discriminator = bigan.joint_mlp_discriminator(
            element_shape, latent_dim, hidden_units=hidden_units(config),
            latent_units=(config["hidden_units"],), joint_units=(config["hidden_units"],),
            dropout=config["dropout"],
        )
    else:
        encoder = bigan.dcgan_encoder(element_shape, latent_dim, config["base_filters"])
        discriminator = bigan.joint_dcgan_discriminator(
            element_shape, latent_dim, config["base_filters"], dropout=config["dropout"]
        )
    return models.BiGAN(
        generator(element_shape, config), discriminator, encoder,
        augment=config["augment"], **model_kwargs(config, regularization=False),
    )


# Donahue et al. 2017 (MNIST): z of 50, Adam(2e-4, beta_1 0.5), batch 128; D with dropout
# as in ALI (Dumoulin et al. 2017). Options: dropout (0.2; toy 0), augment.
# Toy: z of 2, not 16. E must map the data onto N(0, I) for D not to tell (x, E(x)) from
# (G(z), z), and a 2-D ring cannot fill a 16-D Gaussian: with z of 16, D wins on z and the
# ring was not learned (4/8 modes, 1% of samples on a mode after 3000 steps; 1000 steps of
# the settings below but z of 16: 4/8 with dropout, 7/8 by stray points without, ~1% on a
# mode). With z of 2, no dropout, the lsgan/sngan toy optimizers (Adam beta (0, 0.9),
# G 1e-3 / D 4e-3, TTUR) and samples from G's EMA (0.99), 1000 steps (10 epochs of 100)
# cover 8, 7, 8 modes for seeds 0, 1, 2 (31%, 21%, 36% of 2000 samples within 3 std of a
# mode; tests/test_toy_ring_bigan_sgan.py). The gan recipe's toy setting (MLPs 2 x 256,
# rates decaying linearly to 0, 3,000 steps) raised the high-quality fraction (48.7 +- 7.3%
# against 31.3 +- 3.5%, 10 seeds, AVX-512 machine) but lost modes: 6.7 +- 0.7 against
# 7.9 +- 0.1 (seeds 3 and 6 collapsed onto 4 and 2 modes), reverse KL 0.40 against 0.16,
# so BiGAN keeps this setting (benchmarks/README.md, "Mode collapse"). D scores (x, z)
# pairs, so the base GAN's regularization options (R1/R2 on x alone) are not offered.
register(Recipe(
    name="bigan",
    build=build,
    defaults=per_kind({**TOY_SETTINGS, "latent_dim": 2, "epochs": 10, "g_lr": 1e-3, "d_lr": 4e-3,
                       "beta_1": 0.0, "beta_2": 0.9, "ema_decay": 0.99, "dropout": 0.0},
                      {**IMAGE_SETTINGS, "latent_dim": 50, "dropout": 0.2},
                      {"augment": None}, regularization=False),
    paper="Donahue et al. 2017, arXiv:1605.09782; Dumoulin et al. 2017, arXiv:1606.00704",
))
