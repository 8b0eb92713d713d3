"""Least Squares GAN (Mao et al. 2017)."""

import numbers

import keras

from keras_gan import losses
from keras_gan.models.base import ADVERSARIAL, GAN, Objective
from keras_gan.models.wgan import reject_loss_options


@keras.saving.register_keras_serializable(package="keras_gan")
class LSGAN(GAN):
    """Least Squares GAN (Mao et al. 2017, arXiv:1611.04076).

    D regresses its raw output onto targets: `d_loss = 1/2 E_x[(D(x) - b)^2] +
    1/2 E_z[(D(G(z)) - a)^2]`, and `g_loss = 1/2 E_z[(D(G(z)) - c)^2]`. With `b - c = 1`
    and `b - a = 2` (a = -1, b = 1, c = 0) the objective minimises the Pearson chi^2
    divergence; the paper's experiments use the 0-1 coding a = 0, b = 1, c = 1 (the
    default). D's last layer must be linear. Paper defaults: Adam(2e-4, beta_1 = 0.5).

    Args:
        generator: keras.Model. See `GAN`.
        discriminator: keras.Model. Outputs unbounded scores `[batch, 1]`.
        a: float. D's target for generated samples. Defaults to 0.
        b: float. D's target for real samples. Defaults to 1.
        c: float. The value G wants D to output on its samples. Defaults to 1.
        **kwargs: passed to `GAN`. `generator_loss` and `label_smoothing` do not apply.
    """

    variant = "lsgan"

    def __init__(self, generator, discriminator, *, a=0.0, b=1.0, c=1.0, **kwargs):
        reject_loss_options("LSGAN", kwargs)
        for name, value in (("a", a), ("b", b), ("c", c)):
            if not isinstance(value, numbers.Real) or isinstance(value, bool):
                raise ValueError(f"`{name}` must be a number. Received: {name}={value!r}")
        if a == b:
            raise ValueError(
                f"The targets for fake (`a`) and real (`b`) samples must differ. Received: a={a}, b={b}"
            )
        self.a, self.b, self.c = float(a), float(b), float(c)
        super().__init__(generator, discriminator, **kwargs)

    def discriminator_objective(self, batch):
        real_logits, fake_logits = self.discriminator_logits(batch)
        return Objective({ADVERSARIAL: losses.least_squares_discriminator_loss(
            real_logits, fake_logits, a=self.a, b=self.b)})

    def generator_objective(self, batch):
        return Objective({ADVERSARIAL: losses.least_squares_generator_loss(self.generator_logits(batch), c=self.c)})

    def get_config(self):
        return {**super().get_config(), "a": self.a, "b": self.b, "c": self.c}
