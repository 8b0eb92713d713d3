"""StyleGAN2's Keras layers: equalized-lr dense / conv, pixel norm, minibatch stddev,
the learned constant, and the modulated (styled) layers for images and vectors.

Each layer owns its weights and calls the pure functions of `ops.py`. All weights use the
equalized learning rate (Karras et al. 2018): stored `N(0, 1 / lrmul)` and scaled by
`lrmul / sqrt(fan_in)` at run time. Registered with Keras as `keras_gan>ClassName`, the
names saved `.keras` files refer to.

Paper: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
https://arxiv.org/abs/1912.04958.
"""

import math

import keras
import tensorflow as tf

from keras_gan.networks.common import check_positive_int
from keras_gan.networks.stylegan2.ops import (
    add_noise,
    check_activation,
    check_noise_mode,
    downsample_2x,
    lrelu,
    minibatch_stddev,
    modulated_conv2d,
    modulated_dense,
    pixel_norm,
    upsample_2x,
)

__all__ = [
    "ConstantInput",
    "EqualizedConv2D",
    "EqualizedDense",
    "MinibatchStdDev",
    "PixelNormalization",
    "StyledConv2D",
    "StyledDense",
    "ToRGB",
    "ToVector",
]

@keras.saving.register_keras_serializable(package="keras_gan")
class PixelNormalization(keras.layers.Layer):
    """`x / sqrt(mean(x^2, axis=-1) + epsilon)`: normalises z to unit second moment."""

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, x):
        return pixel_norm(x, self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="keras_gan")
class EqualizedDense(keras.layers.Layer):
    """Dense layer with the equalized learning rate (Karras et al. 2018).

    Weights are stored `N(0, 1 / lr_multiplier)` and used times
    `lr_multiplier / sqrt(fan_in)`; the bias is used times `lr_multiplier`.

    Args:
        units: int. Output width.
        lr_multiplier: float. Learning-rate multiplier (0.01 in the mapping network).
            Defaults to 1.
        bias_init: float. Initial bias. Defaults to 0.
        activation: "lrelu" or None. Defaults to None.
    """

    def __init__(self, units, lr_multiplier=1.0, bias_init=0.0, activation=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        check_activation(activation)
        self.units = units
        self.lr_multiplier = float(lr_multiplier)
        self.bias_init = float(bias_init)
        self.activation = activation

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.kernel = self.add_weight(
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier),
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.units,), initializer=keras.initializers.Constant(self.bias_init), name="bias"
        )
        self.weight_gain = self.lr_multiplier / math.sqrt(fan_in)

    def call(self, x):
        y = tf.matmul(x, self.kernel * self.weight_gain) + self.bias * self.lr_multiplier
        return lrelu(y) if self.activation == "lrelu" else y

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "lr_multiplier": self.lr_multiplier,
            "bias_init": self.bias_init,
            "activation": self.activation,
        }


@keras.saving.register_keras_serializable(package="keras_gan")
class EqualizedConv2D(keras.layers.Layer):
    """"SAME" convolution with the equalized learning rate, optional 2x FIR downsampling.

    Args:
        filters: int. Output channels.
        kernel_size: int. Defaults to 3.
        down: bool. FIR-downsample the input by 2 before the convolution. Defaults to False.
        use_bias: bool. Defaults to True.
        activation: "lrelu" or None. Defaults to None.
    """

    def __init__(self, filters, kernel_size=3, down=False, use_bias=True, activation=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("filters", filters)
        check_positive_int("kernel_size", kernel_size)
        check_activation(activation)
        self.filters = filters
        self.kernel_size = kernel_size
        self.down = bool(down)
        self.use_bias = bool(use_bias)
        self.activation = activation

    def build(self, input_shape):
        in_channels = int(input_shape[-1])
        self.kernel = self.add_weight(
            shape=(self.kernel_size, self.kernel_size, in_channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = (
            self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
            if self.use_bias
            else None
        )
        self.weight_gain = 1.0 / math.sqrt(in_channels * self.kernel_size**2)

    def call(self, x):
        if self.down:
            x = downsample_2x(x)
        y = tf.nn.conv2d(x, self.kernel * self.weight_gain, 1, "SAME")
        if self.bias is not None:
            y = y + self.bias
        return lrelu(y) if self.activation == "lrelu" else y

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape
        if self.down:
            height, width = height // 2, width // 2
        return (batch, height, width, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "down": self.down,
            "use_bias": self.use_bias,
            "activation": self.activation,
        }


@keras.saving.register_keras_serializable(package="keras_gan")
class MinibatchStdDev(keras.layers.Layer):
    """Minibatch standard deviation (Karras et al. 2018), StyleGAN2's form: the layer of
    `ops.minibatch_stddev` (groups of up to `group_size` samples, `num_channels`
    appended feature maps; any batch size works).

    Args:
        group_size: int. Defaults to 4.
        num_channels: int. Must divide the input channels. Defaults to 1.
    """

    def __init__(self, group_size=4, num_channels=1, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("group_size", group_size)
        check_positive_int("num_channels", num_channels)
        self.group_size = group_size
        self.num_channels = num_channels

    def build(self, input_shape):
        if int(input_shape[-1]) % self.num_channels:
            raise ValueError(
                f"`num_channels` must divide the input channels {input_shape[-1]}. "
                f"Received: num_channels={self.num_channels}"
            )

    def call(self, x):
        return minibatch_stddev(x, self.group_size, self.num_channels)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + self.num_channels)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size, "num_channels": self.num_channels}


@keras.saving.register_keras_serializable(package="keras_gan")
class ConstantInput(keras.layers.Layer):
    """The synthesis network's learned constant input `[size, size, channels]`.

    Called on any tensor whose first axis is the batch; returns the constant tiled.
    """

    def __init__(self, channels, size=4, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("channels", channels)
        check_positive_int("size", size)
        self.channels = channels
        self.size = size

    def build(self, input_shape=None):
        self.constant = self.add_weight(
            shape=(self.size, self.size, self.channels),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="constant",
        )

    def call(self, batch_like):
        batch = tf.shape(batch_like)[0]
        return tf.tile(self.constant[None], [batch, 1, 1, 1])

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "size": self.size}


def _build_modulated(layer, w_shape, kernel_shape):
    """Adds a modulated layer's weights, in checkpoint order: the style affine (bias 1:
    styles start near 1), the `N(0, 1)` kernel of `kernel_shape` (input width second to
    last) and a zero bias over the last axis."""
    layer.affine = EqualizedDense(kernel_shape[-2], bias_init=1.0, name="affine")
    layer.affine.build(w_shape)
    layer.kernel = layer.add_weight(
        shape=kernel_shape, initializer=keras.initializers.RandomNormal(stddev=1.0), name="kernel"
    )
    layer.bias = layer.add_weight(shape=(kernel_shape[-1],), initializer="zeros", name="bias")


def _build_noise(layer, noise_shape):
    """Adds a styled layer's noise weights after its modulated ones, in checkpoint order: the
    learned scalar strength (0: layers start noise-free) and the frozen `N(0, 1)` noise of
    `noise_shape` that `noise_mode="const"` reuses (saved with the weights)."""
    layer.noise_strength = layer.add_weight(shape=(), initializer="zeros", name="noise_strength")
    layer.noise_const = layer.add_weight(
        shape=noise_shape,
        initializer=keras.initializers.RandomNormal(stddev=1.0),
        trainable=False,
        name="noise_const",
    )


@keras.saving.register_keras_serializable(package="keras_gan")
class StyledConv2D(keras.layers.Layer):
    """StyleGAN2's styled convolution: affine style, modulated conv, noise, bias, lrelu.

    `y = lrelu(modulated_conv2d(up(x), w, affine(ws)) + noise * strength + b) * sqrt(2)`,
    with the affine bias initialised to 1 (styles start near 1), the kernel `N(0, 1)`
    (demodulation makes its scale irrelevant), a learned scalar noise strength starting
    at 0 and a per-layer constant noise image for `noise_mode="const"`.

    Called as `layer([x, w], noise_mode="random", noise_seed=None)` with x
    `[B, H, W, C_in]` and w `[B, w_dim]`.

    Args:
        filters: int. Output channels.
        kernel_size: int. Defaults to 3.
        upsample: bool. FIR-upsample x by 2 first. Defaults to False.
        demodulate: bool. Defaults to True.
        fused: bool. See `modulated_conv2d`. Defaults to False.
    """

    def __init__(self, filters, kernel_size=3, upsample=False, demodulate=True, fused=False, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("filters", filters)
        check_positive_int("kernel_size", kernel_size)
        self.filters = filters
        self.kernel_size = kernel_size
        self.upsample = bool(upsample)
        self.demodulate = bool(demodulate)
        self.fused = bool(fused)

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        in_channels = int(x_shape[-1])
        resolution = int(x_shape[1]) * (2 if self.upsample else 1)
        _build_modulated(self, w_shape, (self.kernel_size, self.kernel_size, in_channels, self.filters))
        _build_noise(self, (resolution, resolution, 1))

    def call(self, inputs, noise_mode="random", noise_seed=None):
        check_noise_mode(noise_mode)
        x, w = inputs
        styles = self.affine(w)
        if self.upsample:
            x = upsample_2x(x)
        x = modulated_conv2d(x, self.kernel, styles, demodulate=self.demodulate, fused=self.fused)
        x = add_noise(x, tf.concat([tf.shape(x)[:3], [1]], 0), noise_mode, noise_seed,
                       self.noise_const[None], self.noise_strength)
        return lrelu(x + self.bias)

    def compute_output_shape(self, input_shape):
        x_shape, _ = input_shape
        scale = 2 if self.upsample else 1
        height = None if x_shape[1] is None else x_shape[1] * scale
        width = None if x_shape[2] is None else x_shape[2] * scale
        return (x_shape[0], height, width, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "upsample": self.upsample,
            "demodulate": self.demodulate,
            "fused": self.fused,
        }


@keras.saving.register_keras_serializable(package="keras_gan")
class ToRGB(keras.layers.Layer):
    """Modulated 1x1 convolution to image channels, without demodulation, plus bias.

    Styles are `affine(w) / sqrt(C_in)` (the equalized-lr gain folded into the styles).
    Called as `layer([x, w])`.

    Args:
        channels: int. Image channels.
        fused: bool. See `modulated_conv2d`. Defaults to False.
    """

    def __init__(self, channels, fused=False, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("channels", channels)
        self.channels = channels
        self.fused = bool(fused)

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        in_channels = int(x_shape[-1])
        _build_modulated(self, w_shape, (1, 1, in_channels, self.channels))
        self.weight_gain = 1.0 / math.sqrt(in_channels)

    def call(self, inputs):
        x, w = inputs
        styles = self.affine(w) * self.weight_gain
        return modulated_conv2d(x, self.kernel, styles, demodulate=False, fused=self.fused) + self.bias

    def compute_output_shape(self, input_shape):
        x_shape, _ = input_shape
        return (*x_shape[:-1], self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "fused": self.fused}


@keras.saving.register_keras_serializable(package="keras_gan")
class StyledDense(keras.layers.Layer):
    """`StyledConv2D` on vectors: affine style, modulated dense, noise, bias, lrelu.

    `y = lrelu(modulated_dense(x, w, affine(ws)) + noise * strength + b) * sqrt(2)`, with
    the affine bias initialised to 1, the kernel `N(0, 1)` (demodulation makes its scale
    irrelevant) and a learned scalar noise strength starting at 0. The noise is that of a
    1x1 image: one N(0, 1) value per sample, shared by all units ("random"), or a fixed
    value drawn at construction and saved with the weights ("const").

    Called as `layer([x, w], noise_mode="random", noise_seed=None)` with x `[B, C_in]` and
    w `[B, w_dim]`.

    Args:
        units: int. Output width.
        demodulate: bool. Defaults to True.
    """

    def __init__(self, units, demodulate=True, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        self.units = units
        self.demodulate = bool(demodulate)

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        _build_modulated(self, w_shape, (int(x_shape[-1]), self.units))
        _build_noise(self, (1,))

    def call(self, inputs, noise_mode="random", noise_seed=None):
        check_noise_mode(noise_mode)
        x, w = inputs
        x = modulated_dense(x, self.kernel, self.affine(w), demodulate=self.demodulate)
        x = add_noise(x, tf.stack([tf.shape(x)[0], 1]), noise_mode, noise_seed,
                       self.noise_const, self.noise_strength)
        return lrelu(x + self.bias)

    def compute_output_shape(self, input_shape):
        x_shape, _ = input_shape
        return (x_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "demodulate": self.demodulate}


@keras.saving.register_keras_serializable(package="keras_gan")
class ToVector(keras.layers.Layer):
    """`ToRGB` on vectors: modulated dense to the output width, no demodulation, plus bias.

    Styles are `affine(w) / sqrt(C_in)` (the equalized-lr gain folded into the styles).
    Called as `layer([x, w])`.

    Args:
        units: int. Output width (2 for points in the plane).
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        self.units = units

    def build(self, input_shape):
        x_shape, w_shape = input_shape
        in_units = int(x_shape[-1])
        _build_modulated(self, w_shape, (in_units, self.units))
        self.weight_gain = 1.0 / math.sqrt(in_units)

    def call(self, inputs):
        x, w = inputs
        styles = self.affine(w) * self.weight_gain
        return modulated_dense(x, self.kernel, styles, demodulate=False) + self.bias

    def compute_output_shape(self, input_shape):
        x_shape, _ = input_shape
        return (x_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
