"""SNGAN: the hinge loss, for discriminators with spectral normalization (Miyato et al. 2018)."""

import keras

from keras_gan import losses
from keras_gan.models.base import ADVERSARIAL, GAN, Objective
from keras_gan.models.wgan import reject_loss_options


@keras.saving.register_keras_serializable(package="keras_gan")
class SNGAN(GAN):
    """Hinge-loss GAN, the objective of SNGAN (Miyato et al. 2018, arXiv:1802.05957).

    `d_loss = E_x[relu(1 - D(x))] + E_z[relu(1 + D(G(z)))]`, `g_loss = -E_z[D(G(z))]`
    (Lim & Ye 2017, arXiv:1705.02894). The variant is the objective; spectral normalization
    is the discriminator's architecture: pair it with a D from `keras_gan.networks.sngan`
    (every kernel reparametrized by `keras_gan.networks.spectral.SpectralNorm`, whose
    power iteration the base step advances once per D step). Paper defaults for the
    standard CNN: Adam(2e-4, beta_1 = 0.5, beta_2 = 0.999), one D step per G step; for the
    ResNet: Adam(2e-4, beta_1 = 0, beta_2 = 0.9), 5 D steps.

    Args:
        generator: keras.Model. See `GAN`.
        discriminator: keras.Model. Outputs unbounded scores `[batch, 1]`.
        **kwargs: passed to `GAN`. `generator_loss` and `label_smoothing` do not apply.
    """

    variant = "sngan"

    def __init__(self, generator, discriminator, **kwargs):
        reject_loss_options("SNGAN", kwargs)
        super().__init__(generator, discriminator, **kwargs)

    def discriminator_objective(self, batch):
        real_logits, fake_logits = self.discriminator_logits(batch)
        return Objective({ADVERSARIAL: losses.hinge_discriminator_loss(real_logits, fake_logits)})

    def generator_objective(self, batch):
        return Objective({ADVERSARIAL: losses.hinge_generator_loss(self.generator_logits(batch))})
