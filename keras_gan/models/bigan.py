"""BiGAN / ALI (Donahue et al. 2017; Dumoulin et al. 2017): an encoder learned with G."""

import keras
import tensorflow as tf

from keras_gan import losses
from keras_gan.models.base import ADVERSARIAL, GAN, Objective
from keras_gan.models.two_networks import deserialize_networks


@keras.saving.register_keras_serializable(package="keras_gan")
class BiGAN(GAN):
    """Bidirectional GAN / Adversarially Learned Inference.

    An encoder E maps data to latents while G maps latents to data; D scores joint pairs
    and must tell `(x, E(x))`, x ~ data, from `(G(z), z)`, z ~ N(0, I):

        min_{G, E} max_D  E_x[log D(x, E(x))] + E_z[log(1 - D(G(z), z))]

    At the optimum E and G invert each other (Donahue et al., theorem 2), so `E(x)` infers
    z: the "learned approximate inference" extension of Goodfellow et al. 2014. G and E
    are updated together by `g_optimizer` with the labels swapped (non-saturating, the
    papers' practice): `g_loss = -log D(G(z), z) - log(1 - D(x, E(x)))`; with
    `generator_loss="minimax"` it is the negated D loss.

    Papers: Donahue, Krähenbühl & Darrell, "Adversarial Feature Learning", ICLR 2017
    (https://arxiv.org/abs/1605.09782); Dumoulin et al., "Adversarially Learned
    Inference", ICLR 2017 (https://arxiv.org/abs/1606.00704).

    Calling conventions: `generator(z)`, `encoder(samples) -> z`,
    `discriminator([samples, z]) -> logits [B, 1]`. Checkpoints (`keras_gan.checkpoints`)
    include the encoder via `checkpoint_extras()`. R1 / R2 (`r1_gamma`, `r2_gamma`) penalize
    D's gradient with respect to the sample of each pair, its code held fixed.

    Args:
        generator: keras.Model. `z [B, latent_dim] -> samples`.
        discriminator: keras.Model. `[samples, z] -> logits`, e.g.
            `networks.bigan.joint_mlp_discriminator(shape, latent_dim)`.
        encoder: keras.Model. `samples -> z [B, latent_dim]`.
        **kwargs: passed to `GAN`.
    """

    variant = "bigan"
    packable = False  # PacGAN packing: D scores (x, z) pairs.

    def __init__(self, generator, discriminator, encoder, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        if not isinstance(encoder, keras.Model):
            raise ValueError(f"`encoder` must be a keras.Model. Received: encoder={encoder!r}")
        if tuple(encoder.output_shape) != (None, self.latent_dim):
            raise ValueError(
                f"`encoder` must map samples to z of shape [B, {self.latent_dim}] "
                f"(latent_dim). Received: encoder output shape {encoder.output_shape}"
            )
        if len(discriminator.inputs) != 2:
            raise ValueError(
                "`discriminator` must take two inputs [samples, z]. Received: inputs "
                f"{[tuple(t.shape) for t in discriminator.inputs]}"
            )
        self.encoder = encoder

    def generator_variables(self):
        """G's and E's variables: both are updated by the generator step."""
        return self.generator.trainable_variables + self.encoder.trainable_variables

    def checkpoint_extras(self):
        return {"encoder": self.encoder}

    def discriminate(self, samples, labels, training):
        """D's logits for `(samples, z)` pairs: `labels` is the latent code paired with
        the samples (E(x) for data, z for G(z))."""
        return self.discriminate_pairs(samples, labels, training=training)

    def discriminate_pairs(self, samples, z, training=False):
        """D's logits for `(samples, z)` pairs."""
        return self.discriminator(
            [tf.convert_to_tensor(samples), tf.convert_to_tensor(z)], training=training
        )

    def pair_logits(self, batch):
        """`(D(x, E(x)), D(G(z), z))`, E and D in the batch's training mode."""
        real_logits = self.discriminate_pairs(
            batch.real, self.encoder(batch.real, training=batch.training), training=batch.training
        )
        return real_logits, self.discriminate_pairs(batch.fake, batch.z, training=batch.training)

    def discriminator_objective(self, batch):
        real_logits, fake_logits = self.pair_logits(batch)
        return Objective({ADVERSARIAL: losses.minimax_discriminator_loss(
            real_logits, fake_logits, label_smoothing=self.label_smoothing)})

    def generator_objective(self, batch):
        """G and E together: the swapped-label D loss (non-saturating) or `-d_loss` (minimax)."""
        real_logits, fake_logits = self.pair_logits(batch)
        if self.generator_loss == "minimax":
            loss = -losses.minimax_discriminator_loss(real_logits, fake_logits)
        else:  # swapped labels: (G(z), z) should look real, (x, E(x)) fake
            loss = losses.minimax_discriminator_loss(fake_logits, real_logits)
        return Objective({ADVERSARIAL: loss})

    def regularization_conditions(self, batch):
        """R1 / R2 penalize D's gradient with respect to the sample of a pair, its code
        held fixed: `||grad_x D(x, E(x))||^2` with E(x) a constant, `||grad_x D(G(z), z)||^2`."""
        return tf.stop_gradient(self.encoder(batch.real, training=batch.training)), batch.z

    def encode(self, samples, batch_size=256):
        """E(x) as a NumPy array `[n, latent_dim]`."""
        return self.encoder.predict(samples, batch_size=batch_size, verbose=0)

    def reconstruct(self, samples, batch_size=256, use_ema=True):
        """G(E(x)) as a NumPy array (EMA generator when present and `use_ema`)."""
        generator = self.sampling_generator(use_ema)
        return generator.predict(self.encode(samples, batch_size), batch_size=batch_size, verbose=0)

    def get_config(self):
        return {**super().get_config(), "encoder": keras.saving.serialize_keras_object(self.encoder)}

    @classmethod
    def from_config(cls, config):
        return super().from_config(deserialize_networks(config, ("encoder",)))
