"""Multi-layer perceptrons: the setting of the original GAN paper (Goodfellow et al. 2014)."""

import math

import keras

from keras_gan.networks.common import as_shape, check_dropout, check_positive_int, check_units


def mlp_generator(
    latent_dim,
    output_shape,
    hidden_units=(256, 256),
    activation="relu",
    output_activation="tanh",
    batch_norm=False,
    name="mlp_generator",
):
    """A fully connected generator `z -> x`.

    Goodfellow et al. 2014, "Generative Adversarial Nets" (arXiv:1406.2661): the MNIST
    generator is a ReLU MLP. Use `output_activation="tanh"` for images in [-1, 1] and
    `None` for unbounded data such as the 2-D toy mixtures.

    Args:
        latent_dim: int. Size of the noise vector z.
        output_shape: tuple of ints. Shape of one sample, e.g. `(28, 28, 1)` or `(2,)`.
        hidden_units: tuple of ints. Width of each hidden layer. Defaults to (256, 256).
        activation: str. Hidden activation. Defaults to "relu".
        output_activation: str or None. Defaults to "tanh".
        batch_norm: bool. Batch normalization after each hidden layer. Defaults to False.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[batch, latent_dim]` to `[batch, *output_shape]`.
    """
    check_positive_int("latent_dim", latent_dim)
    output_shape = as_shape("output_shape", output_shape)
    check_units("hidden_units", hidden_units)
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, units in enumerate(hidden_units):
        x = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"dense_{i}_bn")(x)
    x = keras.layers.Dense(
        math.prod(output_shape), activation=output_activation, name="output"
    )(x)
    x = keras.layers.Reshape(output_shape, name="sample")(x)
    return keras.Model(z, x, name=name)


@keras.saving.register_keras_serializable(package="keras_gan")
class Maxout(keras.layers.Layer):
    """Maxout units: the max over `pieces` linear pieces, `h_i(x) = max_j (x W_ij + b_ij)`.

    One Dense layer of `units * pieces` outputs; unit i is the max of outputs
    `i * pieces ... (i + 1) * pieces - 1`. The discriminator of the original GAN paper
    used maxout units.

    Paper: Goodfellow, Warde-Farley, Mirza, Courville & Bengio, "Maxout Networks", ICML
    2013. https://arxiv.org/abs/1302.4389

    Args:
        units: int. Output width.
        pieces: int. Linear pieces per unit.
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`).
    """

    def __init__(self, units, pieces, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        check_positive_int("pieces", pieces)
        self.units = units
        self.pieces = pieces
        self.dense = keras.layers.Dense(units * pieces)

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        x = self.dense(inputs)
        x = keras.ops.reshape(x, (-1, self.units, self.pieces))
        return keras.ops.max(x, axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "pieces": self.pieces}


def mlp_discriminator(
    input_shape,
    hidden_units=(256, 256),
    activation="leaky_relu",
    maxout_pieces=None,
    dropout=0.0,
    name="mlp_discriminator",
):
    """A fully connected discriminator `x -> logit`.

    With `maxout_pieces` set (the 2014 paper used maxout units and dropout), each hidden
    layer is a `Maxout` layer instead of `Dense` + `activation`.

    Args:
        input_shape: tuple of ints. Shape of one sample.
        hidden_units: tuple of ints. Width of each hidden layer. Defaults to (256, 256).
        activation: str. Hidden activation when not maxout. Defaults to "leaky_relu".
        maxout_pieces: int or None. Pieces per maxout unit. Defaults to None (no maxout).
        dropout: float. Dropout rate after each hidden layer. Defaults to 0.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[batch, *input_shape]` to logits `[batch, 1]`.
    """
    input_shape = as_shape("input_shape", input_shape)
    check_units("hidden_units", hidden_units)
    if maxout_pieces is not None:
        check_positive_int("maxout_pieces", maxout_pieces)
    check_dropout(dropout)
    x_in = keras.Input(input_shape, name="x")
    x = keras.layers.Flatten()(x_in) if len(input_shape) > 1 else x_in
    for i, units in enumerate(hidden_units):
        if maxout_pieces:
            x = Maxout(units, maxout_pieces, name=f"maxout_{i}")(x)
        else:
            x = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout)(x)
    logits = keras.layers.Dense(1, name="logits")(x)
    return keras.Model(x_in, logits, name=name)
