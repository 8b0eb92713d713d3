"""DCGAN generator and discriminator (Radford et al. 2016, arXiv:1511.06434).

Power-of-two sizes follow the paper: project z to 4x4, then stride-2 transposed
convolutions (kernel 4) with batch norm and ReLU, `tanh` out; the discriminator mirrors it
with stride-2 convolutions and LeakyReLU(0.2), no batch norm on its first layer. Size 28 is
the TensorFlow DCGAN tutorial's MNIST layout (7x7 base, kernel 5), so benchmarks against
that tutorial compare the same network.
"""

import keras

from keras_gan.networks.common import (
    check_image_shape,
    check_positive_int,
    num_doublings,
)

_NORMALIZATIONS = ("batch", "layer", None)


def _normalization(kind, name):
    if kind == "batch":
        return keras.layers.BatchNormalization(name=name)
    if kind == "layer":
        # Layer norm as in Gulrajani et al. 2017 (tflib/ops/layernorm.py): each sample
        # normalized over (H, W, C) together, scale and offset per channel, eps 1e-5.
        # GroupNormalization with one group is exactly that (keras's LayerNormalization
        # over axis -1 normalizes each pixel over its channels only).
        return keras.layers.GroupNormalization(groups=1, epsilon=1e-5, name=name)
    return None


def _check_normalization(normalization):
    if normalization not in _NORMALIZATIONS:
        raise ValueError(
            f"`normalization` must be one of {_NORMALIZATIONS}. "
            f"Received: normalization={normalization!r}"
        )


def dcgan_generator(latent_dim=100, image_shape=(64, 64, 3), base_filters=64, name="dcgan_generator"):
    """The DCGAN generator `z -> image` with images in [-1, 1] (`tanh`).

    Args:
        latent_dim: int. Size of z. Defaults to 100.
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
            Defaults to (64, 64, 3).
        base_filters: int. Filters of the last hidden layer; each earlier layer has
            twice as many. Defaults to 64 (the paper's 64x64 model: 512-256-128-64).
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[batch, latent_dim]` to `[batch, *image_shape]`.
    """
    check_positive_int("latent_dim", latent_dim)
    check_positive_int("base_filters", base_filters)
    size, _, channels = check_image_shape("image_shape", image_shape)
    z = keras.Input((latent_dim,), name="z")
    if size == 28:  # TensorFlow DCGAN tutorial: 7x7x256 -> 7x7x128 -> 14x14x64 -> 28x28xC
        filters = [4 * base_filters, 2 * base_filters, base_filters]
        x = keras.layers.Dense(7 * 7 * filters[0], use_bias=False, name="project")(z)
        x = keras.layers.BatchNormalization(name="project_bn")(x)
        x = keras.layers.LeakyReLU(negative_slope=0.3)(x)
        x = keras.layers.Reshape((7, 7, filters[0]))(x)
        for i, (f, stride) in enumerate(zip(filters[1:], (1, 2))):
            x = keras.layers.Conv2DTranspose(f, 5, stride, "same", use_bias=False, name=f"deconv_{i}")(x)
            x = keras.layers.BatchNormalization(name=f"deconv_{i}_bn")(x)
            x = keras.layers.LeakyReLU(negative_slope=0.3)(x)
        x = keras.layers.Conv2DTranspose(
            channels, 5, 2, "same", use_bias=False, activation="tanh", name="to_image"
        )(x)
        return keras.Model(z, x, name=name)

    steps = num_doublings(size)
    filters = base_filters * 2 ** (steps - 1)
    x = keras.layers.Dense(4 * 4 * filters, use_bias=False, name="project")(z)
    x = keras.layers.BatchNormalization(name="project_bn")(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Reshape((4, 4, filters))(x)
    for i in range(steps - 1):
        filters //= 2
        x = keras.layers.Conv2DTranspose(filters, 4, 2, "same", use_bias=False, name=f"deconv_{i}")(x)
        x = keras.layers.BatchNormalization(name=f"deconv_{i}_bn")(x)
        x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2DTranspose(channels, 4, 2, "same", activation="tanh", name="to_image")(x)
    return keras.Model(z, x, name=name)


def dcgan_discriminator(
    image_shape=(64, 64, 3),
    base_filters=64,
    normalization="batch",
    dropout=None,
    name="dcgan_discriminator",
):
    """The DCGAN discriminator `image -> logit`.

    Args:
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
            Defaults to (64, 64, 3).
        base_filters: int. Filters of the first convolution, doubled at each step.
            Defaults to 64.
        normalization: "batch", "layer" or None. Normalization after every convolution
            but the first. WGAN-GP critics must not use "batch" (the penalty is per
            sample; Gulrajani et al. 2017 recommend layer norm). "layer" normalizes each
            sample over (H, W, C), with per-channel scale and offset, eps 1e-5, as their
            code does. Defaults to "batch".
            Ignored for size 28, which follows the TF tutorial (dropout, no norm).
        dropout: float or None. Dropout after each convolution. Defaults to None
            (0.3 for size 28, as in the tutorial).
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[batch, *image_shape]` to logits `[batch, 1]`.
    """
    check_positive_int("base_filters", base_filters)
    _check_normalization(normalization)
    size, _, channels = check_image_shape("image_shape", image_shape)
    images = keras.Input((size, size, channels), name="images")
    if size == 28:  # TensorFlow DCGAN tutorial: conv64-conv128, LeakyReLU, dropout 0.3
        rate = 0.3 if dropout is None else dropout
        x = images
        for i, f in enumerate((base_filters, 2 * base_filters)):
            x = keras.layers.Conv2D(f, 5, 2, "same", name=f"conv_{i}")(x)
            x = keras.layers.LeakyReLU(negative_slope=0.3)(x)
            if rate:
                x = keras.layers.Dropout(rate)(x)
    else:
        x = images
        filters = base_filters
        for i in range(num_doublings(size)):
            x = keras.layers.Conv2D(filters, 4, 2, "same", name=f"conv_{i}")(x)
            norm = _normalization(normalization, f"conv_{i}_norm") if i > 0 else None
            if norm is not None:
                x = norm(x)
            x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
            if dropout:
                x = keras.layers.Dropout(dropout)(x)
            filters *= 2
    x = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(1, name="logits")(x)
    return keras.Model(images, logits, name=name)
