"""BiGAN / ALI (Donahue et al. 2017; Dumoulin et al. 2017): an encoder learned with G."""

import keras
import tensorflow as tf

from keras_gan import losses, streams
from keras_gan.models.base import GAN
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
    include the encoder via `checkpoint_extras()`. Penalties on D's input gradient (R1,
    gradient penalty) are not applied: D's input is a pair.

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
        if self.r1_gamma or self.r2_gamma:
            raise ValueError(
                "BiGAN's discriminator scores (samples, z) pairs; R1/R2 penalties on its "
                f"sample gradient are not supported. Received: r1_gamma={self.r1_gamma}, "
                f"r2_gamma={self.r2_gamma}"
            )
        self.encoder = encoder

    def generator_variables(self):
        """G's and E's variables: both are updated by the generator step."""
        return self.generator.trainable_variables + self.encoder.trainable_variables

    def checkpoint_extras(self):
        return {"encoder": self.encoder}

    def discriminate(self, samples, labels, training):
        raise ValueError(
            "BiGAN's discriminator scores (samples, z) pairs: use `discriminate_pairs(samples, z)`."
        )

    def discriminate_pairs(self, samples, z, training=False):
        """D's logits for `(samples, z)` pairs."""
        return self.discriminator(
            [tf.convert_to_tensor(samples), tf.convert_to_tensor(z)], training=training
        )

    def discriminator_step_losses(self, real, real_labels, z, fake, fake_labels, seed):
        real_logits = self.discriminate_pairs(real, self.encoder(real, training=True), training=True)
        fake_logits = self.discriminate_pairs(fake, z, training=True)
        return {"d_loss": self.compute_discriminator_loss(real_logits, fake_logits)}

    def generator_step_losses(self, z, labels, fake, real, real_labels, seed):
        real_logits = self.discriminate_pairs(real, self.encoder(real, training=True), training=True)
        fake_logits = self.discriminate_pairs(fake, z, training=True)
        if self.generator_loss == "minimax":
            loss = -losses.minimax_discriminator_loss(real_logits, fake_logits)
        else:  # swapped labels: (G(z), z) should look real, (x, E(x)) fake
            loss = losses.minimax_discriminator_loss(fake_logits, real_logits)
        return {"g_loss": loss}

    def test_step(self, data):
        real, _ = self.unpack(data)
        batch_size = tf.shape(real)[0]
        z = self.sample_latent(batch_size, self._step_seed(streams.EVAL))
        fake = self.generator(z, training=False)
        real_logits = self.discriminate_pairs(real, self.encoder(real, training=False))
        fake_logits = self.discriminate_pairs(fake, z)
        return self._update_trackers({
            "d_loss": self.compute_discriminator_loss(real_logits, fake_logits),
            "g_loss": losses.minimax_discriminator_loss(fake_logits, real_logits),
        })

    def encode(self, samples, batch_size=256):
        """E(x) as a NumPy array `[n, latent_dim]`."""
        return self.encoder.predict(samples, batch_size=batch_size, verbose=0)

    def reconstruct(self, samples, batch_size=256, use_ema=True):
        """G(E(x)) as a NumPy array (EMA generator when present and `use_ema`)."""
        generator = self.ema_generator if (use_ema and self.ema_decay) else self.generator
        return generator.predict(self.encode(samples, batch_size), batch_size=batch_size, verbose=0)

    def get_config(self):
        return {**super().get_config(), "encoder": keras.saving.serialize_keras_object(self.encoder)}

    @classmethod
    def from_config(cls, config):
        return super().from_config(deserialize_networks(config, ("encoder",)))
