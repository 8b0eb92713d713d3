"""Generator and discriminator builders. Any compatible Keras models work with any variant."""

from keras_gan.networks.bigan import (
    dcgan_encoder,
    joint_dcgan_discriminator,
    joint_mlp_discriminator,
    mlp_encoder,
)
from keras_gan.networks.common import VALID_IMAGE_SIZES
from keras_gan.networks.conditional import (
    auxiliary_dcgan_discriminator,
    auxiliary_mlp_discriminator,
    batch_norm_mlp_generator,
    classifier_dcgan_discriminator,
    classifier_mlp_discriminator,
    conditional_dcgan_discriminator,
    conditional_dcgan_generator,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
)
from keras_gan.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gan.networks.gain import gain_discriminator, gain_generator
from keras_gan.networks.mlp import Maxout, mlp_discriminator, mlp_generator
from keras_gan.networks.spectral import SpectralNorm
from keras_gan.networks.sngan import (
    resnet_generator,
    sn_dcgan_discriminator,
    sn_mlp_discriminator,
    sn_resnet_discriminator,
    spectral_norm,
)
from keras_gan.networks.stylegan2 import (
    StyleGAN2Generator,
    StyleGAN2VectorGenerator,
    stylegan2_discriminator,
    stylegan2_mlp_discriminator,
)

__all__ = [
    "Maxout",
    "StyleGAN2Generator",
    "StyleGAN2VectorGenerator",
    "VALID_IMAGE_SIZES",
    "auxiliary_dcgan_discriminator",
    "auxiliary_mlp_discriminator",
    "batch_norm_mlp_generator",
    "classifier_dcgan_discriminator",
    "classifier_mlp_discriminator",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "conditional_mlp_discriminator",
    "conditional_mlp_generator",
    "dcgan_discriminator",
    "dcgan_encoder",
    "dcgan_generator",
    "gain_discriminator",
    "gain_generator",
    "joint_dcgan_discriminator",
    "joint_mlp_discriminator",
    "mlp_discriminator",
    "mlp_encoder",
    "mlp_generator",
    "resnet_generator",
    "sn_dcgan_discriminator",
    "sn_mlp_discriminator",
    "sn_resnet_discriminator",
    "spectral_norm",
    "SpectralNorm",
    "stylegan2_discriminator",
    "stylegan2_mlp_discriminator",
]
