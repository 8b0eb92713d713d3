"""Recipe of the original GAN (Goodfellow et al. 2014): MLPs for G and D."""

from keras_gan import models, networks
from keras_gan.recipes.common import GRID_DEFAULTS, TOY_DEFAULTS, discriminator, discriminator_shape, generator
from keras_gan.recipes.common import hidden_units, is_toy, model_kwargs, per_kind
from keras_gan.recipes.registry import Recipe, register


def build(element_shape, config, num_classes=None):
    """A `GAN` of two MLPs (G ends in `tanh` for images, linear for toy vectors)."""
    if is_toy(element_shape):
        g, d = generator(element_shape, config), discriminator(element_shape, config)
    else:
        g = networks.mlp_generator(config["latent_dim"], element_shape,
                                   hidden_units=hidden_units(config), output_activation="tanh")
        d = networks.mlp_discriminator(discriminator_shape(element_shape, config),
                                       hidden_units=hidden_units(config))
    return models.GAN(g, d, **model_kwargs(config))


register(Recipe(
    name="gan",
    build=build,
    defaults=per_kind(TOY_DEFAULTS, {"batch_size": 64, "epochs": 50, "hidden_units": 512}),
    dataset_defaults=GRID_DEFAULTS,
    paper="Goodfellow et al. 2014, arXiv:1406.2661",
))
