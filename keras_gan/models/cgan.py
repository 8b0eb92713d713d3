"""Conditional GAN (Mirza & Osindero 2014): labels condition both networks."""

import keras
import tensorflow as tf

from keras_gan.models.base import GAN


def check_num_classes(num_classes):
    """`num_classes` must be an int >= 2 (shared by the class-aware variants)."""
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an integer >= 2. Received: num_classes={num_classes!r}"
        )


def check_two_inputs(model, argument, expected):
    """Raises a ValueError unless `model` takes two inputs (e.g. `[z, labels]`)."""
    if len(model.inputs) != 2:
        raise ValueError(
            f"`{argument}` must take two inputs {expected}. Received: {argument} "
            f"{model.name!r} with inputs {[tuple(t.shape) for t in model.inputs]}"
        )


def require_labels(labels, variant):
    """Raises (at trace time) when a labelled variant gets batches without labels."""
    if labels is None:
        raise ValueError(
            f"{variant} trains on labelled data: the dataset must yield (images, labels) "
            "batches with int labels [batch]. Received: batches of images only."
        )
    return tf.cast(labels, tf.int32)


@keras.saving.register_keras_serializable(package="keras_gan")
class CGAN(GAN):
    """Conditional GAN (Mirza & Osindero 2014, arXiv:1411.1784).

    Both networks see the class label y:
    `min_G max_D E_{x,y}[log D(x, y)] + E_{z,y}[log(1 - D(G(z, y), y))]`, with y drawn
    uniformly for generated samples and taken from the data for real ones. The networks
    decide how y enters (see `keras_gan.networks.conditional`): G joins a one-hot vector
    or an embedding of y to z; D either concatenates it (the paper) or uses the projection
    discriminator of Miyato & Koyama 2018 (arXiv:1802.05637),
    `D(x, y) = psi(phi(x)) + <V_y, phi(x)>`.

    Calling conventions: `generator([z, labels])` and `discriminator([samples, labels])`,
    labels int32 `[B]`. `fit` takes a dataset of `(samples, labels)` batches.

    Args:
        generator: keras.Model. `[z [B, latent_dim], labels [B]] -> samples`.
        discriminator: keras.Model. `[samples, labels [B]] -> logits [B, 1]`.
        num_classes: int. Number of classes (>= 2).
        **kwargs: passed to `GAN` (`latent_dim`, `d_steps`, `generator_loss`,
            `label_smoothing`, `ema_decay`, `seed`).

    Example:
    ```python
    from keras_gan.networks import conditional
    gan = keras_gan.models.CGAN(
        conditional.conditional_mlp_generator(64, (8, 8, 1), num_classes=10),
        conditional.conditional_mlp_discriminator((8, 8, 1), num_classes=10),
        num_classes=10,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(dataset_of_images_and_labels, epochs=20)
    sevens = gan.generate(16, labels=[7] * 16)
    ```
    """

    variant = "cgan"
    packable = False  # PacGAN packing: D scores (x, label) pairs.

    def __init__(self, generator, discriminator, num_classes, **kwargs):
        super().__init__(generator, discriminator, **kwargs)
        check_num_classes(num_classes)
        check_two_inputs(generator, "generator", "[z, labels]")
        check_two_inputs(discriminator, "discriminator", "[samples, labels]")
        self.num_classes = num_classes

    def discriminate(self, samples, labels, training):
        """D's logits for samples of the given classes: `discriminator([samples, labels])`."""
        labels = require_labels(labels, "CGAN")
        return self.discriminator([tf.convert_to_tensor(samples), labels], training=training)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}
