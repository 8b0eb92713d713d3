"""Auxiliary classifier GAN (Odena et al. 2017): D also predicts the class."""

import keras

from keras_gan import losses
from keras_gan.models.base import GAN
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
        """The source logits only (used by shared code such as `test_step`)."""
        return self.discriminator(samples, training=training)[0]

    def class_logits(self, samples, training=False):
        """D's class logits `[B, num_classes]` (its auxiliary classifier)."""
        return self.discriminator(samples, training=training)[1]

    def acgan_discriminator_loss(self, real_outputs, real_labels, fake_outputs, fake_labels):
        """D's terms from its outputs `[source_logits, class_logits]` on real and fake.

        Returns:
            `{"d_loss": source + class_weight * class, "d_class_loss": CE(real) + CE(fake)}`.
        """
        source = self.compute_discriminator_loss(real_outputs[0], fake_outputs[0])
        class_loss = losses.auxiliary_classifier_loss(
            real_outputs[1], real_labels
        ) + losses.auxiliary_classifier_loss(fake_outputs[1], fake_labels)
        return {"d_loss": source + self.class_weight * class_loss, "d_class_loss": class_loss}

    def acgan_generator_loss(self, fake_outputs, fake_labels):
        """G's terms from D's outputs on fakes of classes `fake_labels`.

        Returns:
            `{"g_loss": source + class_weight * class, "g_class_loss": CE(fake)}`.
        """
        source = self.compute_generator_loss(fake_outputs[0])
        class_loss = losses.auxiliary_classifier_loss(fake_outputs[1], fake_labels)
        return {"g_loss": source + self.class_weight * class_loss, "g_class_loss": class_loss}

    def discriminator_losses(self, real, real_labels, fake, fake_labels, seed):
        real_labels = require_labels(real_labels, "ACGAN")
        terms = self.acgan_discriminator_loss(
            self.discriminator(real, training=True),
            real_labels,
            self.discriminator(fake, training=True),
            fake_labels,
        )
        penalties = self.discriminator_penalties(real, real_labels, fake, fake_labels, seed)
        terms["d_loss"] += sum(penalties.values())
        return {**terms, **penalties}

    def generator_losses(self, z, labels, fake, seed):
        terms = self.acgan_generator_loss(self.discriminator(fake, training=True), labels)
        penalties = self.generator_penalties(z, labels, fake, seed)
        terms["g_loss"] += sum(penalties.values())
        return {**terms, **penalties}

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "class_weight": self.class_weight}
