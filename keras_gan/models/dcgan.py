"""DCGAN in one line: the base GAN with the DCGAN networks."""

import keras

from keras_gan import networks
from keras_gan.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gan")
class DeepConvolutionalGAN(GAN):
    """The base GAN's objective under the name "dcgan" (Radford et al. 2016): DCGAN is an
    architecture, but its runs, facts and exports are named after it (`exports/dcgan/1`)."""

    variant = "dcgan"


def DCGAN(image_shape=(64, 64, 3), latent_dim=100, base_filters=64, **kwargs):
    """Deep convolutional GAN (Radford et al. 2016, arXiv:1511.06434) for an image shape.

    Args:
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
            Defaults to (64, 64, 3).
        latent_dim: int. Size of z. Defaults to 100.
        base_filters: int. Width of both networks (see `keras_gan.networks`). Defaults to 64.
        **kwargs: passed to `GAN` (e.g. `generator_loss`, `ema_decay`, `seed`).

    Returns:
        A `DeepConvolutionalGAN` (a `GAN` whose variant is "dcgan") with
        `dcgan_generator` and `dcgan_discriminator`.
    """
    return DeepConvolutionalGAN(
        networks.dcgan_generator(latent_dim, image_shape, base_filters),
        networks.dcgan_discriminator(image_shape, base_filters),
        latent_dim=latent_dim,
        **kwargs,
    )
