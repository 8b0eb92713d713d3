"""Auxiliary classifier GAN (Odena et al. 2017): D also predicts the class."""

import keras

from keras_gan import losses
from keras_gan.models.base import ADVERSARIAL, GAN, Objective
from keras_gan.models.cgan import check_num_classes, check_two_inputs, require_labels


@keras.saving.register_keras_serializable(package="keras_gan")
class ACGAN(GAN):
    """Auxiliary classifier GAN (Odena, Olah & Shlens 2017, arXiv:1610.09585).

    G is conditioned on the class c: `X_fake = G(z, c)`. D sees only the sample and has two
    heads: the source logit, giving `P(S | X)`, and class logits, giving `P(C | X)`. With

        L_S = E[log P(S = real | X_real)] + E[log P(S = fake | X_fake)]
        L_C = E[log P(C = c | X_real)] + E[log P(C = c | X_fake)]

    D maximises `L_S + L_C` and G maximises `L_C - L_S`. As losses to minimise:

        d_loss = sigmoid_xent(source) + class_weight * (CE(real) + CE(fake))
        g_loss = generator source loss + class_weight * CE(fake)

    where CE is `keras_gan.losses.auxiliary_classifier_loss` and G's source term is the
    non-saturating `-log D(G(z, c))` (or `log(1 - D(G(z, c)))` with
    `generator_loss="minimax"`, the literal `-L_S` of the paper).

    Calling conventions: `generator([z, labels])`; `discriminator(samples)` returns
    `[source_logits [B, 1], class_logits [B, num_classes]]` (e.g.
    `keras_gan.networks.conditional.auxiliary_dcgan_discriminator(shape, num_classes)`).
    `fit` takes `(samples, labels)` batches.

    Args:
        generator: keras.Model. `[z, labels [B]] -> samples`.
        discriminator: keras.Model. `samples -> [source_logits, class_logits]`.
        num_classes: int. Number of classes (>= 2).
        class_weight: float. Weight of the class terms (1 in the paper). Defaults to 1.0.
        **kwargs: passed to `GAN`.
    """

    variant = "acgan"
    packable = False  # PacGAN packing: D classifies each sample.

    def __init__(self, generator, discriminator, num_classes, class_weight=1.0, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        check_num_classes(num_classes)
        check_two_inputs(generator, "generator", "[z, labels]")
        outputs = discriminator.outputs
        if len(outputs) != 2 or outputs[1].shape[-1] != num_classes:
            raise ValueError(
                "`discriminator` must return [source_logits [B, 1], class_logits "
                f"[B, {num_classes}]]. Received: outputs with shapes "
                f"{[tuple(t.shape) for t in outputs]}"
            )
        if not isinstance(class_weight, (int, float)) or class_weight < 0:
            raise ValueError(f"`class_weight` must be a float >= 0. Received: class_weight={class_weight!r}")
        self.num_classes = num_classes
        self.class_weight = float(class_weight)

    def tracked_loss_names(self):
        return ("d_loss", "g_loss", "d_class_loss", "g_class_loss")

    def discriminate(self, samples, labels, training):
        """The source logits only (what R1 / R2 penalize)."""
        return self.discriminator(samples, training=training)[0]

    def heads(self, samples, training):
        """D's two outputs `[source_logits [B, 1], class_logits [B, num_classes]]`."""
        return self.discriminator(samples, training=training)

    def class_logits(self, samples, training=False):
        """D's class logits `[B, num_classes]` (its auxiliary classifier)."""
        return self.discriminator(samples, training=training)[1]

    def discriminator_objective(self, batch):
        """`{"adversarial": sigmoid_xent(source), "class": class_weight * (CE(real) + CE(fake))}`
        from D's two heads; logs the unweighted `d_class_loss = CE(real) + CE(fake)`."""
        real_labels = require_labels(batch.real_labels, "ACGAN")
        real_outputs = self.heads(batch.real, training=batch.training)
        fake_outputs = self.heads(batch.fake, training=batch.training)
        source = losses.minimax_discriminator_loss(
            real_outputs[0], fake_outputs[0], label_smoothing=self.label_smoothing
        )
        class_loss = losses.auxiliary_classifier_loss(
            real_outputs[1], real_labels
        ) + losses.auxiliary_classifier_loss(fake_outputs[1], batch.fake_labels)
        return Objective({ADVERSARIAL: source, "class": self.class_weight * class_loss},
                         {"d_class_loss": class_loss})

    def generator_objective(self, batch):
        """`{"adversarial": G's source loss, "class": class_weight * CE(fake)}`; logs the
        unweighted `g_class_loss = CE(fake)`."""
        fake_outputs = self.heads(batch.fake, training=batch.training)
        source = self.non_saturating_or_minimax_loss(fake_outputs[0])
        class_loss = losses.auxiliary_classifier_loss(fake_outputs[1], batch.fake_labels)
        return Objective({ADVERSARIAL: source, "class": self.class_weight * class_loss},
                         {"g_class_loss": class_loss})

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "class_weight": self.class_weight}
