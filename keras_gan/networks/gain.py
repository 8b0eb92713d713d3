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


def _gain_mlp(shape, hidden_units, second_name, output_activation, name, dropout_rate=0.0):
    shape = as_shape("shape", shape)
    if isinstance(dropout_rate, bool) or not isinstance(dropout_rate, (int, float)) or not 0.0 <= dropout_rate < 1.0:
        raise ValueError(f"`dropout_rate` must be a float in [0, 1). Received: dropout_rate={dropout_rate!r}")
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
        if dropout_rate > 0:
            h = keras.layers.Dropout(dropout_rate, name=f"dropout_{i}")(h)
    out = keras.layers.Dense(size, activation=output_activation, kernel_initializer="he_normal",
                             name="output")(h)
    if len(shape) > 1:
        out = keras.layers.Reshape(shape, name="sample")(out)
    return keras.Model([values, second], out, name=name)


@keras.saving.register_keras_serializable(package="keras_gan")
class FillMissing(keras.layers.Layer):
    """`[x, mask, estimate] -> mask * x + (1 - mask) * estimate`: the observed entries of
    `x`, the estimate in the missing ones (mask 1 where observed)."""

    def call(self, inputs):
        x, mask, estimate = inputs
        return mask * x + (1.0 - mask) * estimate


def gain_generator(shape, hidden_units=None, dropout_rate=0.0, refinement_steps=0,
                   name="gain_generator"):
    """GAIN's generator `(x, mask) -> G(x, mask)` in [0, 1], one value per entry.

    `x` holds the normalized data where observed and noise where missing.

    With `refinement_steps=R > 0` (not in the paper) one MLP g is applied R + 1 times, each
    pass seeing its previous estimate in the missing entries:
    `y_0 = g(x, m)`, `y_r = g(m x + (1 - m) y_{r-1}, m)`, G = y_R, trained end to end
    (gradients flow through every pass). Like MICE's rounds, a later pass conditions each
    missing entry on estimates of the other missing entries instead of on noise.

    Args:
        shape: tuple of ints. Shape of one sample, e.g. `(30,)` or `(28, 28, 1)`.
        hidden_units: tuple of ints or None. Hidden widths; None: two layers of d units
            (d = number of entries), the paper's. Defaults to None.
        dropout_rate: float in [0, 1). Dropout after every hidden layer (not in the paper;
            with wider layers it regularizes G on small tables: see `benchmarks/imputation.py`,
            method "gain_plus"). Active in training only. Defaults to 0 (the paper's G).
        refinement_steps: int >= 0. Extra passes of the same MLP (see above). Defaults to 0
            (the paper's G).
        name: str. Model name.

    Returns:
        A built `keras.Model` with inputs `[x, mask]`, each `[batch, *shape]`, and output
        `[batch, *shape]`.
    """
    if isinstance(refinement_steps, bool) or not isinstance(refinement_steps, int) or refinement_steps < 0:
        raise ValueError(
            f"`refinement_steps` must be an integer >= 0. Received: refinement_steps={refinement_steps!r}"
        )
    if refinement_steps == 0:
        return _gain_mlp(shape, hidden_units, "mask", "sigmoid", name, dropout_rate)
    step = _gain_mlp(shape, hidden_units, "mask", "sigmoid", f"{name}_pass", dropout_rate)
    values = keras.Input(as_shape("shape", shape), name="x")
    mask = keras.Input(as_shape("shape", shape), name="mask")
    estimate = step([values, mask])
    for r in range(refinement_steps):
        estimate = step([FillMissing(name=f"fill_{r}")([values, mask, estimate]), mask])
    return keras.Model([values, mask], estimate, name=name)


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
