"""Generator and discriminator builders. Any compatible Keras models work with any variant."""

from keras_gan.networks.common import VALID_IMAGE_SIZES
from keras_gan.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gan.networks.mlp import Maxout, mlp_discriminator, mlp_generator

__all__ = [
    "VALID_IMAGE_SIZES",
    "Maxout",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
]
