"""Full training state of a GAN as a `tf.train.Checkpoint`.

Holds G, D, both optimizers (their `iterations` are the step counters that also seed the
training noise), the EMA weights and an epoch counter: everything needed to resume a run
exactly. `tf.train.Checkpoint` writes the data files before it updates the `checkpoint`
index file, so a crash during a save leaves the previous checkpoint as the latest one.
"""

import os
import sys

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


def restore_latest(checkpoint, directory):
    """Restores the newest checkpoint of `directory` that reads back completely.

    `tf.train.CheckpointManager` writes a checkpoint's files before it names it in the
    `checkpoint` index, so a save cut short leaves files the index does not list, which
    are ignored. Should the newest listed checkpoint still be unreadable (a damaged
    disk, a copy cut short), the previous ones are tried, newest first.

    Args:
        checkpoint: tf.train.Checkpoint. From `gan_checkpoint`.
        directory: str. A checkpoint directory (a run directory's `checkpoints/`).

    Returns:
        str: the path of the restored checkpoint.

    Raises:
        ValueError: no checkpoint, or none that fits the model (e.g. other shapes).
    """
    state = tf.train.get_checkpoint_state(directory)
    if state is None or not state.all_model_checkpoint_paths:
        raise ValueError(f"Cannot resume: no checkpoint in {directory!r}.")
    candidates = list(reversed(state.all_model_checkpoint_paths))
    if state.model_checkpoint_path not in candidates:
        candidates.insert(0, state.model_checkpoint_path)
    problems = []
    for path in candidates:
        path = path if os.path.isabs(path) else os.path.join(directory, path)
        try:
            checkpoint.restore(path).assert_existing_objects_matched()
        except (tf.errors.OpError, ValueError, AssertionError, IndexError) as e:
            first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            problems.append(f"{os.path.basename(path)}: {first_line[:300]}")
            print(f"warning: cannot restore {path} ({first_line[:200]}); trying an older one.",
                  file=sys.stderr)
            continue
        return path
    raise ValueError(
        f"Cannot resume from {directory!r}: no checkpoint fits this model and configuration "
        f"({'; '.join(problems)})."
    )


__all__ = ["gan_checkpoint", "random_layer_states", "restore_latest"]
