"""Full training state of a GAN as a `tf.train.Checkpoint`.

Holds G, D, both optimizers (their `iterations` are the step counters that also seed the
training noise), the EMA weights and an epoch counter: everything needed to resume a run
exactly. `tf.train.Checkpoint` writes the data files before it updates the `checkpoint`
index file, so a crash during a save leaves the previous checkpoint as the latest one.
"""

import keras
import tensorflow as tf


def random_layer_states(*models):
    """The state variables of the networks' random layers (`Dropout`, `GaussianNoise`, ...).

    Keras 3 keeps each such layer's `SeedGenerator` state in a variable that is in
    `model.variables` but not in `model.weights`, and `tf.train.Checkpoint` does not reach
    it through the model: a restored run would draw other dropout masks than the run it
    continues, and a resume would not be exact. Listing them lets the checkpoint hold them.
    """
    states = []
    for model in models:
        if not isinstance(model, keras.Model):
            continue
        weights = {id(v) for v in model.weights}
        states += [v for v in model.variables if id(v) not in weights]
    return states


def gan_checkpoint(gan, epoch=None):
    """A `tf.train.Checkpoint` of a compiled GAN's whole state.

    Args:
        gan: a compiled `keras_gan.models.GAN`.
        epoch: a scalar int64 `tf.Variable` counting finished epochs, or None.
    """
    if gan.g_optimizer is None:
        raise ValueError("`gan` must be compiled before its state can be checkpointed.")
    state = {
        "generator": gan.generator,
        "discriminator": gan.discriminator,
        "g_optimizer": gan.g_optimizer,
        "d_optimizer": gan.d_optimizer,
    }
    if gan.ema_weights:
        state["ema_weights"] = gan.ema_weights
    state.update(gan.checkpoint_extras())  # e.g. BiGAN's encoder, StyleGAN2's pl_mean
    random_states = random_layer_states(gan.generator, gan.discriminator, *state.values())
    if random_states:
        state["random_layer_states"] = random_states
    if epoch is not None:
        state["epoch"] = epoch
    return tf.train.Checkpoint(**state)
