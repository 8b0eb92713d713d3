"""Networks of BiGAN / ALI: encoders `x -> z` and joint discriminators `[x, z] -> logit`.

Calling conventions (shared with `keras_gan.models.BiGAN`):

- Encoders: `encoder(samples)` -> z `[B, latent_dim]` (linear output).
- Joint discriminators: `discriminator([samples, z])` -> logits `[B, 1]`; the x part has
  a layer named "features" (`keras_gan.networks.bodies`).

Papers: Donahue, Krähenbühl & Darrell, "Adversarial Feature Learning", ICLR 2017
(https://arxiv.org/abs/1605.09782); Dumoulin et al., "Adversarially Learned Inference",
ICLR 2017 (https://arxiv.org/abs/1606.00704). Only built-in Keras layers are used, so
saved models load without custom objects.
"""

import keras

from keras_gan.networks.bodies import dcgan_body, flat_input, mlp_body
from keras_gan.networks.common import (
    as_shape,
    check_dropout,
    check_image_shape,
    check_positive_int,
    check_units,
)

__all__ = ["dcgan_encoder", "joint_dcgan_discriminator", "joint_mlp_discriminator", "mlp_encoder"]


def mlp_encoder(
    input_shape,
    latent_dim,
    hidden_units=(256, 256),
    activation="leaky_relu",
    name="mlp_encoder",
):
    """A fully connected encoder `x -> z` (linear output) for BiGAN / ALI.

    Args:
        input_shape: tuple of ints. Shape of one sample.
        latent_dim: int. Size of z.
        hidden_units: tuple of ints. Defaults to (256, 256).
        activation: str. Hidden activation. Defaults to "leaky_relu".
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[B, *input_shape]` to `[B, latent_dim]`.
    """
    input_shape = as_shape("input_shape", input_shape)
    check_positive_int("latent_dim", latent_dim)
    check_units("hidden_units", hidden_units)
    samples = keras.Input(input_shape, name="x")
    x = flat_input(samples, input_shape)
    for i, units in enumerate(hidden_units):
        x = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(x)
    z = keras.layers.Dense(latent_dim, name="z")(x)
    return keras.Model(samples, z, name=name)


def dcgan_encoder(image_shape, latent_dim, base_filters=64, normalization="batch", name="dcgan_encoder"):
    """A convolutional encoder `image -> z`: the DCGAN discriminator body, then a linear
    layer of width `latent_dim` (Donahue et al. 2017 mirror D's architecture for E).

    Args:
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
        latent_dim: int. Size of z.
        base_filters: int. Width, as in `dcgan_discriminator`. Defaults to 64.
        normalization: "batch", "layer" or None. Defaults to "batch".
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping images to `[B, latent_dim]`.
    """
    check_image_shape("image_shape", image_shape)
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("base_filters", base_filters)
    images = keras.Input(tuple(image_shape), name="images")
    features = dcgan_body(images, image_shape, base_filters, normalization, None)
    z = keras.layers.Dense(latent_dim, name="z")(features)
    return keras.Model(images, z, name=name)


def _joint_head(x_features, z, latent_units, joint_units, activation, dropout):
    zf = z
    for i, units in enumerate(latent_units):
        zf = keras.layers.Dense(units, activation=activation, name=f"z_dense_{i}")(zf)
        if dropout:
            zf = keras.layers.Dropout(dropout, name=f"z_dense_{i}_dropout")(zf)
    x = keras.layers.Concatenate(name="x_and_z")([x_features, zf])
    for i, units in enumerate(joint_units):
        x = keras.layers.Dense(units, activation=activation, name=f"joint_{i}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"joint_{i}_dropout")(x)
    return keras.layers.Dense(1, name="logits")(x)


def joint_mlp_discriminator(
    input_shape,
    latent_dim,
    hidden_units=(256, 256),
    latent_units=(256,),
    joint_units=(256,),
    activation="leaky_relu",
    dropout=0.2,
    name="joint_mlp_discriminator",
):
    """The BiGAN / ALI discriminator on (x, z) pairs: `[x, z] -> logit`.

    x and z each go through their own layers (D_x with "features", D_z), are concatenated
    and go through joint layers (D_xz), as in Dumoulin et al. 2017; dropout regularises D
    (both papers use it).

    Papers: Donahue, Krähenbühl & Darrell, "Adversarial Feature Learning", ICLR 2017
    (https://arxiv.org/abs/1605.09782); Dumoulin et al., "Adversarially Learned
    Inference", ICLR 2017 (https://arxiv.org/abs/1606.00704).

    Args:
        input_shape: tuple of ints. Shape of one sample.
        latent_dim: int. Size of z.
        hidden_units: tuple of ints. Layers on x. Defaults to (256, 256).
        latent_units: tuple of ints. Layers on z. Defaults to (256,).
        joint_units: tuple of ints. Layers on the concatenation. Defaults to (256,).
        activation: str. Defaults to "leaky_relu".
        dropout: float. Dropout after every hidden layer. Defaults to 0.2.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[samples, z [B, latent_dim]]` to logits `[B, 1]`.
    """
    input_shape = as_shape("input_shape", input_shape)
    check_positive_int("latent_dim", latent_dim)
    for arg, units in (("hidden_units", hidden_units), ("latent_units", latent_units),
                       ("joint_units", joint_units)):
        if units:
            check_units(arg, units)
    check_dropout(dropout)
    samples = keras.Input(input_shape, name="x")
    z = keras.Input((latent_dim,), name="z")
    _, x = mlp_body(flat_input(samples, input_shape), hidden_units, activation, dropout)
    logits = _joint_head(x, z, latent_units, joint_units, activation, dropout)
    return keras.Model([samples, z], logits, name=name)


def joint_dcgan_discriminator(
    image_shape,
    latent_dim,
    base_filters=64,
    latent_units=(512,),
    joint_units=(512,),
    dropout=0.2,
    name="joint_dcgan_discriminator",
):
    """The BiGAN / ALI discriminator with a DCGAN body on x: `[image, z] -> logit`.

    D_x is `dcgan_discriminator`'s convolutions (no batch norm: real and fake pairs differ
    in both parts, and ALI uses dropout instead), D_z and D_xz are dense layers.

    Args:
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
        latent_dim: int. Size of z.
        base_filters: int. Width of D_x. Defaults to 64.
        latent_units: tuple of ints. Layers on z. Defaults to (512,).
        joint_units: tuple of ints. Layers on the concatenation. Defaults to (512,).
        dropout: float. Dropout after every layer. Defaults to 0.2.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[images, z]` to logits `[B, 1]`.
    """
    check_image_shape("image_shape", image_shape)
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("base_filters", base_filters)
    check_dropout(dropout)
    images = keras.Input(tuple(image_shape), name="images")
    z = keras.Input((latent_dim,), name="z")
    features = dcgan_body(images, image_shape, base_filters, None, dropout or None)
    logits = _joint_head(features, z, latent_units, joint_units, "leaky_relu", dropout)
    return keras.Model([images, z], logits, name=name)
