"""Recipe of DCGAN (Radford et al. 2016): strided-convolution G and D with batch norm."""

from keras_gan.models.dcgan import DeepConvolutionalGAN
from keras_gan.recipes.common import GRID_DEFAULTS, IMAGE_SETTINGS, TOY_DEFAULTS, discriminator, generator
from keras_gan.recipes.common import model_kwargs, per_kind
from keras_gan.recipes.registry import Recipe, register


def build(element_shape, config, num_classes=None):
    """A `DeepConvolutionalGAN` (named "dcgan" in its facts and exports); MLPs on toy
    vectors."""
    return DeepConvolutionalGAN(generator(element_shape, config), discriminator(element_shape, config),
                                **model_kwargs(config))


# Radford et al. 2016: Adam(2e-4, beta_1=0.5), batch 128; batch 64 and a narrower network
# keep the default digits run to a few CPU minutes.
register(Recipe(
    name="dcgan",
    build=build,
    defaults=per_kind(TOY_DEFAULTS, IMAGE_SETTINGS),
    dataset_defaults=GRID_DEFAULTS,  # its toy recipe is gan's
    paper="Radford et al. 2016, arXiv:1511.06434",
))
