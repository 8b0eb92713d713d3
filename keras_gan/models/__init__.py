"""GAN variants: `keras.Model` subclasses whose `train_step` is the training objective."""

from keras_gan.models.base import GAN
from keras_gan.models.dcgan import DCGAN

__all__ = ["DCGAN", "GAN"]
