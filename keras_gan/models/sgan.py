"""Semi-supervised GAN (Salimans et al. 2016): D is a K-class classifier."""

import keras
import numpy as np
import tensorflow as tf

from keras_gan import losses
from keras_gan.data.semi_supervised import UNLABELLED
from keras_gan.models.base import ADVERSARIAL, GAN, Objective
from keras_gan.replicas import replica_info

def _global_batch_mean(values):
    """Mean over the batch axis of the global batch, as `[1, ...]`.

    Under a strategy the local sums and counts are summed across replicas; the gradient
    of an all-reduce is the all-reduce of the gradients, so after the usual 1/N scaling
    and the gradient sum every replica contributes exactly its share.
    """
    local_sum = tf.reduce_sum(values, axis=0, keepdims=True)
    local_count = tf.cast(tf.shape(values)[0], values.dtype)
    context = tf.distribute.get_replica_context()
    if context is None:
        return local_sum / local_count
    total, count = context.all_reduce(tf.distribute.ReduceOp.SUM, [local_sum, local_count])
    return total / count


@keras.saving.register_keras_serializable(package="keras_gan")
class SGAN(GAN):
    """Semi-supervised GAN (Salimans et al. 2016, section 5, arXiv:1606.03498).

    D is a classifier with K logits `l_1..l_K` for the real classes; "generated" is an
    implicit (K+1)-th class whose logit is fixed at 0, so
    `D(x) = P(real | x) = Z(x) / (Z(x) + 1)`, `Z(x) = sum_k exp(l_k(x))` (the logsumexp
    trick). D minimises

        d_loss = supervised_weight * CE(l(x_labelled), y)                          (L_supervised)
               + unsupervised_weight * (-E_x_unl[log D(x)] - E_z[log(1 - D(G(z)))])  (L_unsupervised)

    (`keras_gan.losses.auxiliary_classifier_loss` and `semi_supervised_discriminator_loss`),
    with `unsupervised_weight` 0.5 by default: the authors' code
    (openai/improved-gan, `train_mnist_feature_matching.py`) writes
    `loss_unl = 0.5 * (...)` and weights it by `unlabeled_weight = 1`. As there, the
    expectation over real data runs over the unlabelled rows only (label -1); the
    labelled rows enter the supervised term alone.
    G minimises feature matching, `||E f(x) - E f(G(z))||^2` on D's layer `feature_layer`
    with means over the global batch (`keras_gan.losses.feature_matching_loss`, the
    paper's choice for semi-supervised learning), or, with `feature_matching=False`,
    `-E log D(G(z))` (`semi_supervised_generator_loss`).

    Data: `fit` takes `(samples, labels)` batches where unlabelled examples carry the
    label -1 (`keras_gan.data.semi_supervised_labels` makes such labels); the supervised term is the mean
    over the labelled examples of the whole (global) batch, the unsupervised one's real
    part the mean over its unlabelled examples. `keras_gan.data.semi_supervised_dataset` puts a labelled batch in every step, as the paper
    does, however few labels there are; `keras_gan.data.add_labelled_rows` does the same to any stream
    of batches, resumably (the trainer's way).

    The trained classifier is usable on its own: `sgan.classifier` is a `keras.Model`
    mapping samples to class probabilities `[B, K]` (sharing D's weights).

    Args:
        generator: keras.Model. `z -> samples` (unconditional).
        discriminator: keras.Model. `samples -> class logits [B, K]`, with a layer named
            `feature_layer` (e.g. `networks.conditional.classifier_mlp_discriminator`).
        feature_matching: bool. Train G by feature matching. Defaults to True.
        feature_layer: str. D's layer whose output feature matching compares. Defaults to
            "features".
        supervised_weight: float. Defaults to 1.0.
        unsupervised_weight: float. Defaults to 0.5 (the authors' code).
        **kwargs: passed to `GAN`. `label_smoothing` does not apply (D has no real/fake
            target to smooth) and is refused.
    """

    variant = "sgan"
    packable = False  # PacGAN packing: D classifies each sample.

    def __init__(
        self,
        generator,
        discriminator,
        feature_matching=True,
        feature_layer="features",
        supervised_weight=1.0,
        unsupervised_weight=0.5,
        **kwargs,
    ):
        if kwargs.get("label_smoothing", 0.0):
            raise ValueError(
                "`label_smoothing` does not apply to SGAN: its discriminator loss has no "
                "real/fake target to smooth (D(x) = Z / (Z + 1) over K class logits). Remove "
                f"the argument. Received: label_smoothing={kwargs['label_smoothing']!r}"
            )
        super().__init__(generator, discriminator, **kwargs)
        output_shape = discriminator.output_shape
        if not isinstance(output_shape, tuple) or len(output_shape) != 2 or (output_shape[-1] or 0) < 2:
            raise ValueError(
                "`discriminator` must return class logits of shape [B, K], K >= 2. "
                f"Received: output shape {output_shape}"
            )
        for name, value in (("supervised_weight", supervised_weight), ("unsupervised_weight", unsupervised_weight)):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"`{name}` must be a float >= 0. Received: {name}={value!r}")
        self.classifier_classes = int(output_shape[-1])
        self.feature_matching = bool(feature_matching)
        self.feature_layer = feature_layer
        self.supervised_weight = float(supervised_weight)
        self.unsupervised_weight = float(unsupervised_weight)
        if self.feature_matching:
            try:
                features = discriminator.get_layer(feature_layer).output
            except ValueError:
                raise ValueError(
                    f"`feature_layer` must name a layer of the discriminator. Received: "
                    f"feature_layer={feature_layer!r}; layers: {[l.name for l in discriminator.layers]}"
                ) from None
            self._features = keras.Model(discriminator.input, features, name="features")
        probabilities = keras.layers.Softmax(name="probabilities")(discriminator.outputs[0])
        self.classifier = keras.Model(discriminator.input, probabilities, name="classifier")

    def tracked_loss_names(self):
        return ("d_loss", "g_loss", "supervised_loss", "unsupervised_loss")

    def discriminate(self, samples, labels, training):
        """The logit of `D(x) = Z / (Z + 1)`: `log Z = logsumexp(class logits)`, `[B, 1]`.

        The base GAN's losses on this logit are the semi-supervised ones (`softplus(-lse)`
        for real, `softplus(lse)` for fake), and R1 / R2 penalise its input gradient.
        """
        class_logits = self.discriminator(samples, training=training)
        return tf.reduce_logsumexp(class_logits, axis=-1, keepdims=True)

    def supervised_loss(self, logits, labels):
        """Cross-entropy over the labelled rows (label >= 0) of the global batch.

        Returns this replica's share: `sum of its labelled CE * num_replicas / global
        labelled count`, so that dividing by the number of replicas and summing (as the
        gradients are) gives the global mean; 0 when no example is labelled.
        """
        labels = tf.reshape(tf.cast(labels, tf.int32), [-1])
        mask = tf.cast(labels >= 0, logits.dtype)
        per_example = losses.auxiliary_classifier_loss(
            logits, tf.maximum(labels, 0), reduction="none"
        )
        local_count = tf.reduce_sum(mask)
        context = tf.distribute.get_replica_context()
        global_count = (
            context.all_reduce(tf.distribute.ReduceOp.SUM, local_count) if context is not None else local_count
        )
        _, num_replicas = replica_info()
        return tf.reduce_sum(per_example * mask) * num_replicas / tf.maximum(global_count, 1.0)

    def unlabelled_weights(self, labels):
        """Per-row weights `[B]` making a batch mean the mean over the unlabelled rows
        (label -1) of the global batch, as this replica's share (see `supervised_loss`):
        `mask * B * num_replicas / global unlabelled count`."""
        labels = tf.reshape(tf.cast(labels, tf.int32), [-1])
        mask = tf.cast(tf.equal(labels, UNLABELLED), tf.float32)
        local_count = tf.reduce_sum(mask)
        context = tf.distribute.get_replica_context()
        global_count = (
            context.all_reduce(tf.distribute.ReduceOp.SUM, local_count) if context is not None else local_count
        )
        _, num_replicas = replica_info()
        rows = tf.cast(tf.shape(labels)[0], tf.float32)
        return mask * rows * num_replicas / tf.maximum(global_count, 1.0)

    def discriminator_objective(self, batch):
        """`{"supervised": supervised_weight * CE over the labelled rows, "unsupervised":
        unsupervised_weight * L_unsupervised}`; logs both unweighted, as
        `supervised_loss` and `unsupervised_loss`."""
        if batch.real_labels is None:
            raise ValueError(
                "SGAN trains on (samples, labels) batches, with label -1 for unlabelled "
                "examples (see `keras_gan.data.semi_supervised_labels`). Received: batches "
                "of samples only."
            )
        real_logits = self.discriminator(batch.real, training=batch.training)
        fake_logits = self.discriminator(batch.fake, training=batch.training)
        unsupervised = losses.semi_supervised_discriminator_loss(
            real_logits, fake_logits, real_weights=self.unlabelled_weights(batch.real_labels)
        )
        supervised = self.supervised_loss(real_logits, batch.real_labels)
        return Objective(
            {"supervised": self.supervised_weight * supervised,
             "unsupervised": self.unsupervised_weight * unsupervised},
            {"supervised_loss": supervised, "unsupervised_loss": unsupervised},
        )

    def generator_objective(self, batch):
        """Feature matching `{"feature_matching": ||E f(x) - E f(G(z))||^2}`, or
        `{"adversarial": -E log D(G(z))}` (`log(1 - D(G(z)))` with "minimax")."""
        if self.feature_matching:
            # Batch means of D's features over the global batch (all replicas), so that the
            # loss is the same whatever the number of replicas.
            real_mean = _global_batch_mean(self._features(batch.real, training=batch.training))
            fake_mean = _global_batch_mean(self._features(batch.fake, training=batch.training))
            return Objective({"feature_matching": losses.feature_matching_loss(real_mean, fake_mean)})
        if self.generator_loss == "minimax":  # log(1 - D(G(z))) = -softplus(lse)
            return Objective({ADVERSARIAL: self.non_saturating_or_minimax_loss(self.generator_logits(batch))})
        return Objective({ADVERSARIAL: losses.semi_supervised_generator_loss(
            self.discriminator(batch.fake, training=batch.training))})

    def classify(self, samples, batch_size=256):
        """Predicted classes (NumPy int `[n]`) of D's classifier."""
        probabilities = self.classifier.predict(samples, batch_size=batch_size, verbose=0)
        return np.argmax(probabilities, axis=-1)

    def describe(self):
        return {**super().describe(), "classifier_classes": self.classifier_classes}

    def get_config(self):
        return {
            **super().get_config(),
            "feature_matching": self.feature_matching,
            "feature_layer": self.feature_layer,
            "supervised_weight": self.supervised_weight,
            "unsupervised_weight": self.unsupervised_weight,
        }
