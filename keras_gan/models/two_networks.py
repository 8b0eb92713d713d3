"""What the models built from a generator and a discriminator share (GAN and its variants,
GAIN): checking their two optimizers and rebuilding their sub-models from a config."""

import keras


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
        config[name] = keras.saving.deserialize_keras_object(config[name])
    return config
