"""GAIN's networks (Yoon, Jordon & van der Schaar 2018): per-entry MLPs on (values, mask).

G maps (data with noise in the missing entries, mask) to a value in [0, 1] for every entry;
D maps (completed data, hint) to a logit for every entry ("was this entry observed?"). Both
take samples of any shape (a table row `[d]` or an image `[H, W, C]`), flatten them, and
return the sample's shape. The paper's networks: three dense layers, hidden widths equal to
the number of entries d, ReLU, G's output a sigmoid (data are min-max normalized).
"""

import math

import keras

from keras_gan.networks.common import as_shape, check_units


def _gain_mlp(shape, hidden_units, second_name, output_activation, name):
    shape = as_shape("shape", shape)
    size = math.prod(shape)
    if hidden_units is None:
        hidden_units = (size, size)
    check_units("hidden_units", hidden_units)
    values = keras.Input(shape, name="x")
    second = keras.Input(shape, name=second_name)
    flat = [keras.layers.Flatten()(t) if len(shape) > 1 else t for t in (values, second)]
    h = keras.layers.Concatenate(name="concat")(flat)
    for i, units in enumerate(hidden_units):
        # He-normal: the authors' `xavier_init` draws N(0, 2 / fan_in).
        h = keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal",
                               name=f"dense_{i}")(h)
    out = keras.layers.Dense(size, activation=output_activation, kernel_initializer="he_normal",
                             name="output")(h)
    if len(shape) > 1:
        out = keras.layers.Reshape(shape, name="sample")(out)
    return keras.Model([values, second], out, name=name)


def gain_generator(shape, hidden_units=None, name="gain_generator"):
    """GAIN's generator `(x, mask) -> G(x, mask)` in [0, 1], one value per entry.

    `x` holds the normalized data where observed and noise where missing.

    Args:
        shape: tuple of ints. Shape of one sample, e.g. `(30,)` or `(28, 28, 1)`.
        hidden_units: tuple of ints or None. Hidden widths; None: two layers of d units
            (d = number of entries), the paper's. Defaults to None.
        name: str. Model name.

    Returns:
        A built `keras.Model` with inputs `[x, mask]`, each `[batch, *shape]`, and output
        `[batch, *shape]`.
    """
    return _gain_mlp(shape, hidden_units, "mask", "sigmoid", name)


def gain_discriminator(shape, hidden_units=None, name="gain_discriminator"):
    """GAIN's discriminator `(x_hat, hint) -> logits`, one logit per entry.

    Args:
        shape: tuple of ints. Shape of one sample.
        hidden_units: tuple of ints or None. Hidden widths; None: two layers of d units.
            Defaults to None.
        name: str. Model name.

    Returns:
        A built `keras.Model` with inputs `[x_hat, hint]` and logits `[batch, *shape]`.
    """
    return _gain_mlp(shape, hidden_units, "hint", None, name)
