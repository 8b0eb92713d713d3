"""Wasserstein GANs: weight clipping (WGAN) and gradient penalty (WGAN-GP)."""

import numbers

import keras
import tensorflow as tf

from keras_gan import losses, streams
from keras_gan.models.base import ADVERSARIAL, GAN, Objective
from keras_gan.replicas import replica_slice
from keras_gan.models.regularization import adversarial_output

# Fold-in constant of the interpolation weights' seed under the penalty seed (see
# keras_gan.streams: each draw of a step has its own stream).
_EPSILON_STREAM = streams.GP_EPSILON


def reject_loss_options(variant, kwargs):
    """Variants with their own loss family take no `generator_loss` / `label_smoothing`."""
    if kwargs.get("generator_loss", "non_saturating") != "non_saturating":
        raise ValueError(
            f"{variant} has its own losses; `generator_loss` does not apply. "
            f"Received: generator_loss={kwargs['generator_loss']!r}"
        )
    if kwargs.get("label_smoothing", 0.0) != 0.0:
        raise ValueError(
            f"{variant} has its own losses; `label_smoothing` does not apply. "
            f"Received: label_smoothing={kwargs['label_smoothing']!r}"
        )


def _check_positive(name, value):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number. Received: {name}={value!r}")
    return float(value)


def _batch_norm_layers(model):
    """Names of the BatchNormalization layers in `model`, nested models included."""
    found = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer.name)
        found.extend(_batch_norm_layers(layer))
    return found


class _WassersteinLosses:
    """The critic's objective: D maximises `E_x[D(x)] - E_z[D(G(z))]`, G maximises `E_z[D(G(z))]`."""

    def discriminator_objective(self, batch):
        real_logits, fake_logits = self.discriminator_logits(batch)
        return Objective({ADVERSARIAL: losses.wasserstein_discriminator_loss(real_logits, fake_logits)})

    def generator_objective(self, batch):
        return Objective({ADVERSARIAL: losses.wasserstein_generator_loss(self.generator_logits(batch))})


@keras.saving.register_keras_serializable(package="keras_gan")
class WGAN(_WassersteinLosses, GAN):
    """Wasserstein GAN with weight clipping (Arjovsky, Chintala & Bottou 2017).

    The critic D estimates the Wasserstein-1 distance `W = max_{||D||_L <= K} E_x[D(x)] -
    E_z[D(G(z))]`: it minimises `d_loss = E_z[D(G(z))] - E_x[D(x)]` (so `-d_loss` is the
    estimate), G minimises `g_loss = -E_z[D(G(z))]`. The Lipschitz bound comes from clipping
    every critic parameter to `[-c, c]` after each critic update. The critic takes `d_steps`
    (n_critic) updates per G update, each on its own slice of the real batch.

    Paper (arXiv:1701.07875), Algorithm 1 defaults: c = 0.01, n_critic = 5, RMSProp with
    learning rate 5e-5, batch 64.

    Args:
        generator: keras.Model. See `GAN`.
        discriminator: keras.Model. The critic; outputs unbounded scores `[batch, 1]`.
        clip_value: float. c: each critic parameter is clipped to [-c, c]. Defaults to 0.01.
        d_steps: int. Critic updates per generator update (n_critic). Defaults to 5.
        **kwargs: passed to `GAN` (`latent_dim`, `ema_decay`, `seed`, `augment`,
            `r1_gamma`, ...). `generator_loss` and `label_smoothing` do not apply.

    Example:
    ```python
    wgan = keras_gan.models.WGAN(generator, critic)
    wgan.compile(g_optimizer=keras.optimizers.RMSprop(5e-5),
                 d_optimizer=keras.optimizers.RMSprop(5e-5))
    wgan.fit(dataset_of_batches_of_5x64, epochs=10)
    ```
    """

    variant = "wgan"

    def __init__(self, generator, discriminator, *, clip_value=0.01, d_steps=5, **kwargs):
        reject_loss_options("WGAN", kwargs)
        self.clip_value = _check_positive("clip_value", clip_value)
        super().__init__(generator, discriminator, d_steps=d_steps, **kwargs)

    def after_discriminator_step(self):
        super().after_discriminator_step()
        # Each replica clips its own copy of a synchronized variable to the same value.
        for variable in self.discriminator_variables():
            variable.assign(tf.clip_by_value(variable, -self.clip_value, self.clip_value))

    def get_config(self):
        return {**super().get_config(), "clip_value": self.clip_value}


@keras.saving.register_keras_serializable(package="keras_gan")
class WGANGP(_WassersteinLosses, GAN):
    """Wasserstein GAN with gradient penalty (Gulrajani et al. 2017).

    The WGAN objective with the Lipschitz constraint enforced softly:
    `d_loss = E_z[D(G(z))] - E_x[D(x)] + lambda * E_xhat[(||grad D(xhat)||_2 - 1)^2]`,
    `xhat = eps * x + (1 - eps) * G(z)` with one `eps ~ U[0, 1]` per sample, drawn
    statelessly from the step's seed (one global draw, each replica keeping its rows, so N
    replicas interpolate exactly as one device). The penalty is a per-replica mean added to
    the critic loss before the base divides it by the number of replicas, so it is scaled
    like every other term. The norm is `sqrt(sum g^2 + 1e-12)`: finite gradient at 0.
    `g_loss = -E_z[D(G(z))]`. Each of the `d_steps` critic updates sees a fresh slice of
    the real batch. Logged: "d_loss" (penalty included) and "gp" (`lambda * GP`).

    The penalty is per sample, so the critic must not use batch normalization (the paper
    suggests layer normalization): a critic with BatchNormalization layers is refused.

    Paper (arXiv:1704.00028), Algorithm 1 defaults: lambda = 10, n_critic = 5,
    Adam(1e-4, beta_1 = 0, beta_2 = 0.9), batch 64.

    Args:
        generator: keras.Model. See `GAN`.
        discriminator: keras.Model. The critic, without BatchNormalization.
        gp_weight: float. lambda. Defaults to 10.
        d_steps: int. Critic updates per generator update (n_critic). Defaults to 5.
        **kwargs: passed to `GAN`. `generator_loss` and `label_smoothing` do not apply.

    Example:
    ```python
    critic = keras_gan.networks.dcgan_discriminator((32, 32, 1), normalization="layer")
    wgan_gp = keras_gan.models.WGANGP(generator, critic)
    wgan_gp.compile(g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
                    d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))
    ```
    """

    variant = "wgan_gp"

    def __init__(self, generator, discriminator, *, gp_weight=10.0, d_steps=5, **kwargs):
        reject_loss_options("WGAN-GP", kwargs)
        self.gp_weight = _check_positive("gp_weight", gp_weight)
        batch_norms = _batch_norm_layers(discriminator)
        if batch_norms:
            raise ValueError(
                "WGAN-GP penalizes per-sample gradients, which batch normalization couples: "
                "use a critic without it (e.g. dcgan_discriminator(..., normalization='layer')). "
                f"Received: a discriminator with BatchNormalization layers {batch_norms}"
            )
        super().__init__(generator, discriminator, d_steps=d_steps, **kwargs)

    def tracked_loss_names(self):
        return tuple(super().tracked_loss_names()) + ("gp",)

    def interpolation_weights(self, batch_size, seed):
        """eps ~ U[0, 1] `[batch_size]` for this replica: its rows of one global draw."""
        return replica_slice(
            lambda n, s: tf.random.stateless_uniform((n,), seed=s),
            batch_size,
            tf.random.experimental.stateless_fold_in(seed, _EPSILON_STREAM),
        )

    def discriminator_objective(self, batch):
        """The critic's Wasserstein terms plus `"gp": lambda * E[(||grad D(xhat)|| - 1)^2]`."""
        objective = super().discriminator_objective(batch)
        epsilon = self.interpolation_weights(tf.shape(batch.real)[0], batch.seed)
        # Interpolates keep the real labels (conditional critics).
        critic = lambda x: adversarial_output(  # noqa: E731
            self.discriminate(x, batch.real_labels, training=batch.training)
        )
        penalty = losses.gradient_penalty(critic, batch.real, batch.fake, epsilon=epsilon)
        return Objective({**objective.terms, "gp": self.gp_weight * penalty}, objective.metrics)

    def get_config(self):
        return {**super().get_config(), "gp_weight": self.gp_weight}
