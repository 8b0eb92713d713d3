"""Recipes of the class-conditional variants: CGAN and ACGAN.

Image recipes use the DCGAN bodies (`keras_gan.networks.conditional`) as narrow as the
dcgan recipe's so that a `digits` run takes CPU minutes; optimizers, betas, latent sizes
and loss weights follow each paper. Toy recipes (2-D mixtures, whose labels are the mode
index) use MLPs with the toy settings of the gan recipe. Variant settings are recipe
options (`--option key=value`), listed per recipe below; both also take the base GAN's
`r1_gamma`, `r2_gamma`, `regularization_interval` and `augment`.
"""

from keras_gan import models
from keras_gan.networks import conditional
from keras_gan.recipes.common import IMAGE_SETTINGS, TOY_SETTINGS, hidden_units, is_toy
from keras_gan.recipes.common import model_kwargs, per_kind, require_classes
from keras_gan.recipes.registry import Recipe, register


def conditional_generator(element_shape, config, num_classes):
    """G(z, y): a conditional MLP for toy vectors, else a conditional DCGAN generator."""
    if is_toy(element_shape):
        return conditional.conditional_mlp_generator(
            config["latent_dim"], element_shape, num_classes, hidden_units=hidden_units(config),
            embedding_dim=config["embedding_dim"], output_activation=None,
        )
    return conditional.conditional_dcgan_generator(
        config["latent_dim"], element_shape, num_classes, config["base_filters"],
        embedding_dim=config["embedding_dim"],
    )


# ------------------------------------------------------------------------------ CGAN


def build_cgan(element_shape, config, num_classes=None):
    num_classes = require_classes(num_classes, "cgan")
    if is_toy(element_shape):
        discriminator = conditional.conditional_mlp_discriminator(
            element_shape, num_classes, config["conditioning"], hidden_units=hidden_units(config)
        )
    else:
        discriminator = conditional.conditional_dcgan_discriminator(
            element_shape, num_classes, config["conditioning"], config["base_filters"]
        )
    return models.CGAN(
        conditional_generator(element_shape, config, num_classes),
        discriminator,
        num_classes=num_classes,
        **model_kwargs(config),
    )


# Mirza & Osindero 2014 trained MLPs with SGD + momentum on one-hot labels; the recipe uses
# the DCGAN optimizer (Adam 2e-4, beta_1 0.5) that conditional GANs are trained with since,
# and the projection discriminator (Miyato & Koyama 2018), which learns the conditioning
# much faster than concatenation. Options: conditioning ("projection" | "concat"),
# embedding_dim (None = one-hot labels into G).
register(Recipe(
    name="cgan",
    build=build_cgan,
    defaults=per_kind(TOY_SETTINGS, {**IMAGE_SETTINGS, "latent_dim": 100},
                      {"conditioning": "projection", "embedding_dim": None}),
    needs_labels=True,
    paper="Mirza & Osindero 2014, arXiv:1411.1784; projection D: Miyato & Koyama 2018, arXiv:1802.05637",
))


# ----------------------------------------------------------------------------- ACGAN


def build_acgan(element_shape, config, num_classes=None):
    num_classes = require_classes(num_classes, "acgan")
    if is_toy(element_shape):
        discriminator = conditional.auxiliary_mlp_discriminator(
            element_shape, num_classes, hidden_units=hidden_units(config)
        )
    else:
        discriminator = conditional.auxiliary_dcgan_discriminator(
            element_shape, num_classes, config["base_filters"]
        )
    return models.ACGAN(
        conditional_generator(element_shape, config, num_classes),
        discriminator,
        num_classes=num_classes,
        class_weight=config["class_weight"],
        **model_kwargs(config),
    )


# Odena et al. 2017: Adam(2e-4, beta_1 0.5), z of 100 joined to the class, batch 100.
# Options: class_weight (1), embedding_dim.
register(Recipe(
    name="acgan",
    build=build_acgan,
    defaults=per_kind(TOY_SETTINGS, {**IMAGE_SETTINGS, "latent_dim": 100},
                      {"class_weight": 1.0, "embedding_dim": None}),
    needs_labels=True,
    paper="Odena, Olah & Shlens 2017, arXiv:1610.09585",
))
