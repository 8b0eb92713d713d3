"""What the models built from a generator and a discriminator share (GAN and its variants,
GAIN): checking their two optimizers, rebuilding their sub-models from a config, and the
`TwoNetworks` mixin (trackers, the training step counter, stateless step seeds, declared
checkpoint extras)."""

import copy

import keras
import tensorflow as tf


def check_optimizers(g_optimizer, d_optimizer):
    """Raises a ValueError unless both are Keras optimizers, and two distinct ones."""
    for name, optimizer in (("g_optimizer", g_optimizer), ("d_optimizer", d_optimizer)):
        if not isinstance(optimizer, keras.optimizers.Optimizer):
            raise ValueError(
                f"`{name}` must be a keras.optimizers.Optimizer. Received: {name}={optimizer!r}"
            )
    if g_optimizer is d_optimizer:
        raise ValueError("`g_optimizer` and `d_optimizer` must be two distinct optimizers.")


def deserialize_networks(config, names=("generator", "discriminator")):
    """A copy of `config` whose `names` entries (serialized Keras models, as `get_config`
    writes them) are Keras models again, ready for `cls(**config)` in `from_config`."""
    config = dict(config)
    for name in names:
        # Keras' deserialization consumes the nested dicts it reads: a deep copy keeps the
        # caller's config whole (from_config twice on one config rebuilt empty networks).
        config[name] = keras.saving.deserialize_keras_object(copy.deepcopy(config[name]))
    return config


class TwoNetworks:
    """Mixin of a `keras.Model` trained by `g_optimizer` and `d_optimizer`, with Mean
    trackers in `self._trackers` and a base seed `self.seed` (put it before keras.Model)."""

    @property
    def metrics(self):
        return list(self._trackers.values())

    @property
    def step(self):
        """Number of generator updates done so far (the training step)."""
        return int(self.g_optimizer.iterations.numpy()) if self.g_optimizer else 0

    @property
    def ema_generator(self):
        """A copy of the generator holding EMA weights, or None (no EMA: the default)."""
        return None

    def checkpoint_extras(self):
        """`{name: keras.Model or variable}`: state beyond G, D, both optimizers and the EMA
        weights that a checkpoint must hold to resume exactly (`keras_gan.checkpoints.
        gan_checkpoint`): BiGAN's encoder, StyleGAN2's `pl_mean`. Defaults to none."""
        return {}

    def _step_seed(self, stream):
        """A stateless seed that depends only on (seed, training step, stream)."""
        step = tf.cast(self.g_optimizer.iterations, tf.int32)
        seed = tf.random.experimental.stateless_fold_in(tf.constant([self.seed, 0]), step)
        return tf.random.experimental.stateless_fold_in(seed, stream)

    def _update_trackers(self, logs):
        # Trackers get the true per-replica means, never the 1/N-scaled training losses;
        # values without a tracker (unlogged terms) are dropped.
        for name, value in logs.items():
            if name in self._trackers:
                self._trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self._trackers.items()}
