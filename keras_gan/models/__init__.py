"""GAN variants: `keras.Model` subclasses whose `train_step` is the training objective."""

from keras_gan.models.base import GAN, Batch, Objective
from keras_gan.models.dcgan import DCGAN
from keras_gan.models.acgan import ACGAN
from keras_gan.models.bigan import BiGAN
from keras_gan.models.cgan import CGAN
from keras_gan.models.infogan import InfoGAN
from keras_gan.models.sgan import SGAN
from keras_gan.models.lsgan import LSGAN
from keras_gan.models.sngan import SNGAN
from keras_gan.models.wgan import WGAN, WGANGP
from keras_gan.models.stylegan2 import StyleGAN2, stylegan2
from keras_gan.models.gain import GAIN

__all__ = ["ACGAN", "Batch", "BiGAN", "CGAN", "DCGAN", "GAN", "InfoGAN", "LSGAN", "Objective", "SGAN", "SNGAN", "StyleGAN2", "WGAN", "WGANGP", "stylegan2"]
__all__ += ["GAIN"]
