"""StyleGAN2's discriminators: the residual image discriminator and the toy-data MLP.

Paper: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
https://arxiv.org/abs/1912.04958 (Fig. 7c: the residual discriminator).
"""

import math

import keras

from keras_gan.networks.common import check_positive_int
from keras_gan.networks.stylegan2.layers import EqualizedConv2D, EqualizedDense, MinibatchStdDev
from keras_gan.networks.stylegan2.ops import channels_at, check_image_shape

__all__ = ["stylegan2_discriminator", "stylegan2_mlp_discriminator"]

# A residual block's sum `skip + conv(x)` is scaled by sqrt(1/2) to keep unit variance.
_RESIDUAL_GAIN = math.sqrt(0.5)


def stylegan2_discriminator(
    image_shape=(32, 32, 1),
    channel_base=4096,
    channel_max=128,
    mbstd_group_size=4,
    mbstd_channels=1,
    name="stylegan2_discriminator",
):
    """StyleGAN2's residual discriminator `image -> logit` (Karras et al. 2020, Fig. 7c).

    fromRGB (1x1, lrelu) at the input resolution R; for r = R, R/2, ..., 8 a residual
    block: `(skip + conv1(conv0(x))) * sqrt(1/2)` with conv0 3x3 at r, conv1 3x3 after 2x
    FIR downsampling and skip a linear 1x1 after downsampling; at 4x4: minibatch standard
    deviation, 3x3 conv, dense (lrelu), dense to one logit. Equalized learning rate
    throughout.

    Args:
        image_shape: tuple. `(size, size, channels)`, size a power of two from 8 to 256.
            Defaults to (32, 32, 1).
        channel_base: int. Feature maps at resolution r are
            `min(channel_base // r, channel_max)`. Defaults to 4096.
        channel_max: int. Defaults to 128.
        mbstd_group_size: int. Group size of the minibatch standard deviation.
            Defaults to 4.
        mbstd_channels: int. Its number of feature groups. Defaults to 1.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[B, *image_shape]` to logits `[B, 1]`.
    """
    size, _, channels = check_image_shape(image_shape)
    check_positive_int("channel_base", channel_base)
    check_positive_int("channel_max", channel_max)
    ch = lambda res: channels_at(res, channel_base, channel_max)  # noqa: E731
    images = keras.Input((size, size, channels), name="images")
    x = EqualizedConv2D(ch(size), 1, activation="lrelu", name=f"b{size}_fromrgb")(images)
    res = size
    while res > 4:
        skip = EqualizedConv2D(ch(res // 2), 1, down=True, use_bias=False, name=f"b{res}_skip")(x)
        x = EqualizedConv2D(ch(res), 3, activation="lrelu", name=f"b{res}_conv0")(x)
        x = EqualizedConv2D(ch(res // 2), 3, down=True, activation="lrelu", name=f"b{res}_conv1")(x)
        x = keras.layers.Add(name=f"b{res}_add")([skip, x])
        x = keras.layers.Rescaling(_RESIDUAL_GAIN, name=f"b{res}_scale")(x)
        res //= 2
    x = MinibatchStdDev(mbstd_group_size, mbstd_channels, name="mbstd")(x)
    x = EqualizedConv2D(ch(4), 3, activation="lrelu", name="b4_conv")(x)
    x = keras.layers.Flatten(name="b4_flatten")(x)
    x = EqualizedDense(ch(4), activation="lrelu", name="b4_fc")(x)
    logits = EqualizedDense(1, name="logits")(x)
    return keras.Model(images, logits, name=name)


def stylegan2_mlp_discriminator(
    input_shape=(2,),
    hidden_units=(128, 128),
    mbstd_group_size=4,
    mbstd_channels=1,
    name="stylegan2_mlp_discriminator",
):
    """StyleGAN2's discriminator on vectors (the toy-data edition): `sample -> logit`.

    EqualizedDense + lrelu layers of `hidden_units`; before the last of them, the
    minibatch standard deviation of the features is appended (as the image discriminator
    appends it before its last convolution; here on a `[B, 1, 1, C]` view); then a
    linear EqualizedDense to one logit. Equalized learning rate throughout.

    Args:
        input_shape: tuple. `(width,)` of one sample. Defaults to (2,).
        hidden_units: tuple of ints. Widths of the hidden layers. Defaults to (128, 128).
        mbstd_group_size: int or None. Group size of the minibatch standard deviation;
            None leaves it out. Defaults to 4.
        mbstd_channels: int. Its number of feature groups; must divide the width of the
            layer it follows. Defaults to 1.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[B, width]` to logits `[B, 1]`.
    """
    try:
        shape = tuple(int(s) for s in input_shape)
    except TypeError:
        shape = ()
    if len(shape) != 1 or shape[0] < 1:
        raise ValueError(
            f"`input_shape` must be (width,) of one vector sample. Received: input_shape={input_shape!r}"
        )
    try:
        units = tuple(hidden_units)
    except TypeError:
        units = ()
    if not units or any(isinstance(u, bool) or not isinstance(u, int) or u < 1 for u in units):
        raise ValueError(
            "`hidden_units` must be a non-empty tuple of positive ints. "
            f"Received: hidden_units={hidden_units!r}"
        )
    if mbstd_group_size is not None:
        check_positive_int("mbstd_group_size", mbstd_group_size)
    samples = keras.Input(shape, name="samples")
    x = samples
    for i, width in enumerate(units[:-1]):
        x = EqualizedDense(width, activation="lrelu", name=f"fc_{i}")(x)
    if mbstd_group_size is not None:
        width = int(x.shape[-1])
        x = keras.layers.Reshape((1, 1, width), name="as_pixel")(x)
        x = MinibatchStdDev(mbstd_group_size, mbstd_channels, name="mbstd")(x)
        x = keras.layers.Reshape((width + mbstd_channels,), name="as_vector")(x)
    x = EqualizedDense(units[-1], activation="lrelu", name=f"fc_{len(units) - 1}")(x)
    logits = EqualizedDense(1, name="logits")(x)
    return keras.Model(samples, logits, name=name)
