"""StyleGAN2 networks (Karras et al. 2020, arXiv:1912.04958), small-resolution edition.

Generator (`StyleGAN2Generator`, config "F" of the paper: skip generator, residual
discriminator, weight demodulation, no progressive growing):

    z [B, latent_dim] -> pixel norm -> mapping MLP (`mapping_layers` x EqualizedDense,
      lr multiplier 0.01, lrelu) -> w [B, w_dim]
    w -> ws [B, num_ws, w_dim]  (one style vector per styled layer; style mixing and
      truncation act on ws)
    learned constant 4x4 -> per resolution r = 4, 8, ..., R:
        (r > 4) StyledConv 3x3 with 2x FIR upsampling   <- ws[:, i]
        StyledConv 3x3                                  <- ws[:, i + 1]
        ToRGB (modulated 1x1, no demodulation)          <- ws[:, i + 2]
        image = upsample(image) + ToRGB(x)              (skip architecture)

`num_ws = 2 * log2(R) - 2` (6 at 16 px, 8 at 32 px, 10 at 64 px): a block's ToRGB shares
its style index with the next block's first convolution, as in the official code.

A StyledConv is `lrelu(modulated_conv(x, w, s) + noise * strength + bias) * sqrt(2)` with
styles `s = affine(w)` (bias initialised to 1). Weight modulation and demodulation:

    w'_ijk  = s_i * w_ijk
    w''_ijk = w'_ijk / sqrt(sum_{i,k} w'_ijk^2 + eps)

`modulated_conv2d` computes it either as scaled activations around one shared convolution
(`fused=False`, the default: `conv(x * s, w) * d` is the same linear map, runs fast on CPU
and exports to ONNX) or as a grouped convolution whose groups are the batch samples
(`fused=True`, the paper's implementation; forward only on CPU, where TensorFlow has no
kernel for grouped-convolution gradients).

Noise inputs (`noise_mode`):
    - "random": fresh N(0, 1) noise per sample and layer. With a `noise_seed` it is drawn
      by `tf.random.stateless_normal` inside the layer (what training does: each replica
      keeps its slice of one global draw); without one, by a stateful op. Random ops do not
      export to ONNX.
    - "const": a fixed noise image per layer, drawn once at construction and saved with the
      weights. Deterministic and exportable: the default of `generator(z)`.
    - "none": no noise.

Discriminator (`stylegan2_discriminator`): residual blocks (two 3x3 convolutions, 2x FIR
downsampling, a 1x1 skip, sum scaled by sqrt(1/2)), then a minibatch standard deviation
layer, a 3x3 convolution and two dense layers.

All weights use the equalized learning rate (Karras et al. 2018): stored `N(0, 1 / lrmul)`
and scaled by `lrmul / sqrt(fan_in)` at run time.

Simplifications of this edition (immaterial at 16-64 px): the discriminator's strided 3x3
convolution is replaced by FIR downsampling followed by a 3x3 convolution at the lower
resolution (4x fewer operations); no fp16, no activation clamping.

Toy-data edition (`StyleGAN2VectorGenerator`, `stylegan2_mlp_discriminator`): the same
ideas on vectors such as 2-D points, every convolution of a 1x1 image written as a dense
layer. The same mapping network, a learned constant vector, `StyledDense` layers
(`modulated_dense`: the weight modulated by a per-sample style and demodulated), one
noise value per sample and layer with a learned strength, one w per layer (style mixing
and truncation work as for images) and `ToVector`, a modulated but not demodulated dense
layer giving unscaled samples. Its discriminator is an equalized-lr MLP with a minibatch
standard deviation feature. Both generators share `StyleBasedGenerator` (mapping, w_avg,
styles, sampling, calling convention), so `keras_gan.models.StyleGAN2` trains either.
"""

import math

import keras
import numpy as np
import tensorflow as tf

from keras_gan.networks.common import check_positive_int

STYLEGAN2_IMAGE_SIZES = (8, 16, 32, 64, 128, 256)
NOISE_MODES = ("random", "const", "none")
_LRELU_GAIN = math.sqrt(2.0)
_RESIDUAL_GAIN = math.sqrt(0.5)
# The [1, 3, 3, 1] binomial filter of StyleGAN2's up/downsampling (normalised to sum 1).
_FIR_1D = np.array([1.0, 3.0, 3.0, 1.0], dtype="float32") / 8.0

__all__ = [
    "NOISE_MODES",
    "STYLEGAN2_IMAGE_SIZES",
    "ConstantInput",
    "EqualizedConv2D",
    "EqualizedDense",
    "MinibatchStdDev",
    "PixelNormalization",
    "StyleBasedGenerator",
    "StyleGAN2Generator",
    "StyleGAN2VectorGenerator",
    "StyledConv2D",
    "StyledDense",
    "ToRGB",
    "ToVector",
    "downsample_2x",
    "mix_styles",
    "modulated_conv2d",
    "modulated_dense",
    "num_style_vectors",
    "stylegan2_discriminator",
    "stylegan2_mlp_discriminator",
    "truncate_styles",
    "upsample_2x",
]


# ------------------------------------------------------------------------------- helpers


def _lrelu(x):
    """Leaky ReLU (slope 0.2) with StyleGAN's gain sqrt(2), which keeps unit variance."""
    return tf.nn.leaky_relu(x, alpha=0.2) * _LRELU_GAIN


def _check_activation(activation):
    if activation not in ("lrelu", None):
        raise ValueError(
            f"`activation` must be 'lrelu' or None. Received: activation={activation!r}"
        )


def _check_noise_mode(noise_mode):
    if noise_mode not in NOISE_MODES:
        raise ValueError(
            f"`noise_mode` must be one of {NOISE_MODES}. Received: noise_mode={noise_mode!r}"
        )


def _check_size(name, size):
    if size not in STYLEGAN2_IMAGE_SIZES:
        raise ValueError(
            f"`{name}` must be (size, size, channels) with size a power of two in "
            f"{STYLEGAN2_IMAGE_SIZES}. Received: {name} with size {size!r}"
        )


def _check_image_shape(image_shape):
    try:
        shape = tuple(int(s) for s in image_shape)
    except TypeError:
        raise ValueError(
            "`image_shape` must be (size, size, channels). "
            f"Received: image_shape={image_shape!r}"
        )
    if len(shape) != 3 or shape[0] != shape[1] or shape[2] < 1:
        raise ValueError(
            "`image_shape` must be (size, size, channels). "
            f"Received: image_shape={image_shape!r}"
        )
    _check_size("image_shape", shape[0])
    return shape


def channels_at(resolution, channel_base, channel_max):
    """Feature maps at a resolution: `min(channel_base // resolution, channel_max)`, >= 1."""
    return max(1, min(channel_base // resolution, channel_max))


def num_style_vectors(resolution):
    """Number of style vectors `num_ws` of a generator of output size `resolution`.

    One per StyledConv (1 at 4x4, 2 per higher resolution) plus the last ToRGB:
    `2 * log2(resolution) - 2`.
    """
    _check_size("resolution", resolution)
    return 2 * int(math.log2(resolution)) - 2


def _replica_normal(shape, seed):
    """This replica's slice of one global stateless N(0, 1) draw of `[B * replicas, ...]`.

    Every replica draws the whole global batch from the same seed and keeps its rows, so
    replicas get distinct noise and N devices draw what one device would.
    """
    context = tf.distribute.get_replica_context()
    replica_id, num_replicas = (0, 1) if context is None else (
        context.replica_id_in_sync_group,
        context.num_replicas_in_sync,
    )
    batch = shape[0]
    values = tf.random.stateless_normal(tf.concat([[batch * num_replicas], shape[1:]], 0), seed)
    return values[replica_id * batch : (replica_id + 1) * batch]


def _fir_kernel(channels, gain):
    kernel = np.outer(_FIR_1D, _FIR_1D) * gain
    return tf.constant(np.tile(kernel[:, :, None, None], [1, 1, channels, 1]), tf.float32)


def upsample_2x(x):
    """2x upsampling with StyleGAN2's [1, 3, 3, 1] FIR filter (`upfirdn2d`, up=2).

    Zeros are inserted between pixels, then the image is filtered with
    `outer(f, f) * 4`, `f = [1, 3, 3, 1] / 8`, padding (2, 1). In the interior this is
    bilinear interpolation with half-pixel centres; at the border it pads with zeros.
    Built from reshapes and a depthwise convolution, so it is twice differentiable (path
    length regularization) and exports to ONNX.

    Args:
        x: Tensor `[B, H, W, C]`.

    Returns:
        Tensor `[B, 2H, 2W, C]`.
    """
    _, height, width, channels = x.shape
    batch = tf.shape(x)[0]
    zeros = tf.zeros_like(x)
    # Zero insertion: x lands on the even positions of a [2H, 2W] grid.
    x = tf.stack([x, zeros], axis=3)  # [B, H, W, 2, C] along width
    x = tf.reshape(x, [batch, height, 2 * width, channels])
    x = tf.stack([x, tf.zeros_like(x)], axis=2)  # [B, H, 2, 2W, C] along height
    x = tf.reshape(x, [batch, 2 * height, 2 * width, channels])
    x = tf.pad(x, [[0, 0], [2, 1], [2, 1], [0, 0]])
    return tf.nn.depthwise_conv2d(x, _fir_kernel(channels, 4.0), [1, 1, 1, 1], "VALID")


def downsample_2x(x):
    """2x downsampling with StyleGAN2's [1, 3, 3, 1] FIR filter (`upfirdn2d`, down=2).

    Filters with `outer(f, f)`, `f = [1, 3, 3, 1] / 8`, padding (1, 1), keeps every
    second pixel.

    Args:
        x: Tensor `[B, H, W, C]` with even H and W.

    Returns:
        Tensor `[B, H/2, W/2, C]`.
    """
    channels = x.shape[-1]
    x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
    return tf.nn.depthwise_conv2d(x, _fir_kernel(channels, 1.0), [1, 2, 2, 1], "VALID")


def modulated_conv2d(x, kernel, styles, demodulate=True, fused=False, epsilon=1e-8):
    """Modulated (and demodulated) convolution of StyleGAN2 (Karras et al. 2020, Sec. 2.2).

    Each sample b gets its own kernel, modulated by its styles and optionally
    demodulated to unit expected output variance:

        w'_bijk  = s_bi * w_ijk
        w''_bijk = w'_bijk / sqrt(sum_{i,k} w'_bijk^2 + epsilon)
        y_b      = conv(x_b, w''_b)        ("SAME" padding, stride 1)

    (i: input channel, j: output channel, k: kernel position). For inputs with i.i.d.
    unit-variance entries, demodulated outputs have unit variance away from the border.

    Paper: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR
    2020. https://arxiv.org/abs/1912.04958

    Args:
        x: Tensor `[B, H, W, C_in]`.
        kernel: Tensor `[k, k, C_in, C_out]`, shared by all samples.
        styles: Tensor `[B, C_in]`, the per-sample scales `s`.
        demodulate: bool. Apply the demodulation. Defaults to True.
        fused: bool. False: scale the activations, `conv(x * s, w) * d`, one shared
            convolution (the same linear map; fast on CPU, exports to ONNX). True: build
            the per-sample kernels and run one grouped convolution with the batch as
            groups (the paper's implementation). TensorFlow has no CPU kernel for the
            gradient of a grouped convolution: on CPU the fused form only runs forward
            (sampling), training needs a GPU. Defaults to False.
        epsilon: float. Added under the square root. Defaults to 1e-8.

    Returns:
        Tensor `[B, H, W, C_out]`.
    """
    if fused:
        weights = kernel[None] * styles[:, None, None, :, None]  # [B, k, k, Cin, Cout]
        if demodulate:
            weights *= tf.math.rsqrt(
                tf.reduce_sum(tf.square(weights), axis=[1, 2, 3], keepdims=True) + epsilon
            )
        _, height, width, in_channels = x.shape
        size, _, _, out_channels = kernel.shape
        batch = tf.shape(x)[0]
        # Batch as groups: [1, H, W, B * Cin] convolved with [k, k, Cin, B * Cout]; TF
        # infers groups = B from the channel counts.
        grouped_x = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, height, width, batch * in_channels])
        grouped_w = tf.reshape(
            tf.transpose(weights, [1, 2, 3, 0, 4]), [size, size, in_channels, batch * out_channels]
        )
        y = tf.nn.conv2d(grouped_x, grouped_w, 1, "SAME")
        return tf.transpose(tf.reshape(y, [height, width, batch, out_channels]), [2, 0, 1, 3])
    y = tf.nn.conv2d(x * styles[:, None, None, :], kernel, 1, "SAME")
    if demodulate:
        # sum_{i,k} (s_bi w_ijk)^2 = sum_i s_bi^2 * sum_k w_ijk^2  -> [B, Cout]
        squared_norms = tf.matmul(tf.square(styles), tf.reduce_sum(tf.square(kernel), axis=[0, 1]))
        y *= tf.math.rsqrt(squared_norms + epsilon)[:, None, None, :]
    return y


def modulated_dense(x, kernel, styles, demodulate=True, epsilon=1e-8):
    """Modulated (and demodulated) dense layer: `modulated_conv2d` on vectors.

    StyleGAN2's weight modulation and demodulation (Karras et al. 2020, Sec. 2.2) for a
    dense layer, i.e. a 1x1 convolution of a 1x1 image. Each sample b gets its own weight
    matrix, modulated by its styles and optionally demodulated:

        w'_bij  = s_bi * w_ij
        w''_bij = w'_bij / sqrt(sum_i w'_bij^2 + epsilon)
        y_bj    = sum_i x_bi * w''_bij

    (i: input unit, j: output unit), computed without per-sample matrices as
    `((x * s) @ w) * d` with `d_bj = 1 / sqrt(sum_i s_bi^2 w_ij^2 + epsilon)`. For inputs
    with i.i.d. unit-variance entries, every demodulated output has unit variance,
    whatever the styles and weights.

    Paper: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR
    2020. https://arxiv.org/abs/1912.04958

    Args:
        x: Tensor `[B, C_in]`.
        kernel: Tensor `[C_in, C_out]`, shared by all samples.
        styles: Tensor `[B, C_in]`, the per-sample scales `s`.
        demodulate: bool. Apply the demodulation. Defaults to True.
        epsilon: float. Added under the square root. Defaults to 1e-8.

    Returns:
        Tensor `[B, C_out]`.
    """
    y = tf.matmul(x * styles, kernel)
    if demodulate:
        # sum_i (s_bi w_ij)^2 = (s^2 @ w^2)_bj
        y *= tf.math.rsqrt(tf.matmul(tf.square(styles), tf.square(kernel)) + epsilon)
    return y


def truncate_styles(ws, w_avg, psi, cutoff=None):
    """The truncation trick in W: `w_avg + psi * (w - w_avg)` on the first `cutoff` layers.

    Karras et al. 2019 (StyleGAN, arXiv:1812.04948), Sec. 3.2; StyleGAN2 truncates all
    layers by default.

    Args:
        ws: Tensor `[B, num_ws, w_dim]`.
        w_avg: Tensor `[w_dim]`, the average w.
        psi: float. 1 keeps ws, 0 gives `w_avg` everywhere.
        cutoff: int or None. Layers `>= cutoff` are left as they are. Defaults to None
            (all layers).

    Returns:
        Tensor `[B, num_ws, w_dim]`.
    """
    truncated = w_avg + psi * (ws - w_avg)
    if cutoff is None:
        return truncated
    layer = tf.range(tf.shape(ws)[1])[None, :, None]
    return tf.where(layer < cutoff, truncated, ws)


def mix_styles(ws, ws_mix, cutoff):
    """Style mixing: layers `< cutoff` from `ws`, layers `>= cutoff` from `ws_mix`.

    Karras et al. 2019 (StyleGAN), Sec. 3.1 ("mixing regularization").

    Args:
        ws: Tensor `[B, num_ws, w_dim]`.
        ws_mix: Tensor `[B, num_ws, w_dim]`.
        cutoff: int Tensor `[B]` (one crossover layer per sample) or scalar. A cutoff of
            `num_ws` keeps `ws` unchanged.

    Returns:
        Tensor `[B, num_ws, w_dim]`.
    """
    cutoff = tf.reshape(tf.cast(cutoff, tf.int32), [-1, 1, 1])
    layer = tf.range(tf.shape(ws)[1])[None, :, None]
    return tf.where(layer < cutoff, ws, ws_mix)


# -------------------------------------------------------------------------------- layers


@keras.saving.register_keras_serializable(package="keras_gan")
class PixelNormalization(keras.layers.Layer):
    """`x / sqrt(mean(x^2, axis=-1) + epsilon)`: normalises z to unit second moment."""

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, x):
        return x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axis=-1, keepdims=True) + self.epsilon)

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
        _check_activation(activation)
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
        return _lrelu(y) if self.activation == "lrelu" else y

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
        _check_activation(activation)
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
        return _lrelu(y) if self.activation == "lrelu" else y

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
    """Minibatch standard deviation (Karras et al. 2018), StyleGAN2's form.

    The batch is split into groups of `G` samples (sample `g * n + j` is in group j);
    in each group, the standard deviation of every feature over the G samples is averaged
    over features, pixels and channels of each of `num_channels` channel groups, and
    appended to every sample of the group as `num_channels` constant feature maps.
    `G` is the largest divisor of the batch size that is `<= group_size`, so any batch
    size works (a batch of 1 gets zeros up to `sqrt(1e-8)`).

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
        _, height, width, channels = x.shape
        batch = tf.shape(x)[0]
        candidates = tf.range(1, self.group_size + 1)
        group = tf.reduce_max(tf.where(tf.equal(batch % candidates, 0), candidates, 1))
        features = self.num_channels
        y = tf.reshape(x, [group, -1, height, width, features, channels // features])
        y = y - tf.reduce_mean(y, axis=0)
        y = tf.sqrt(tf.reduce_mean(tf.square(y), axis=0) + 1e-8)  # [n, H, W, F, c]
        y = tf.reduce_mean(y, axis=[1, 2, 4])  # [n, F]
        y = tf.tile(y, [group, 1])  # row g * n + j gets group j's value
        y = tf.broadcast_to(y[:, None, None, :], [batch, height, width, features])
        return tf.concat([x, tf.cast(y, x.dtype)], axis=-1)

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


def _add_noise(x, noise_shape, noise_mode, noise_seed, noise_const, strength):
    """`x + noise * strength`: fresh N(0, 1) noise of `noise_shape` ("random", seeded per
    replica when `noise_seed` is given), the layer's constant noise ("const"), or none."""
    if noise_mode == "const":
        return x + noise_const * strength
    if noise_mode == "random":
        noise = tf.random.normal(noise_shape) if noise_seed is None else _replica_normal(noise_shape, noise_seed)
        return x + noise * strength
    return x


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
        self.noise_strength = self.add_weight(shape=(), initializer="zeros", name="noise_strength")
        self.noise_const = self.add_weight(
            shape=(resolution, resolution, 1),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            trainable=False,
            name="noise_const",
        )

    def call(self, inputs, noise_mode="random", noise_seed=None):
        _check_noise_mode(noise_mode)
        x, w = inputs
        styles = self.affine(w)
        if self.upsample:
            x = upsample_2x(x)
        x = modulated_conv2d(x, self.kernel, styles, demodulate=self.demodulate, fused=self.fused)
        x = _add_noise(x, tf.concat([tf.shape(x)[:3], [1]], 0), noise_mode, noise_seed,
                       self.noise_const[None], self.noise_strength)
        return _lrelu(x + self.bias)

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
        self.noise_strength = self.add_weight(shape=(), initializer="zeros", name="noise_strength")
        self.noise_const = self.add_weight(
            shape=(1,),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            trainable=False,
            name="noise_const",
        )

    def call(self, inputs, noise_mode="random", noise_seed=None):
        _check_noise_mode(noise_mode)
        x, w = inputs
        x = modulated_dense(x, self.kernel, self.affine(w), demodulate=self.demodulate)
        x = _add_noise(x, tf.stack([tf.shape(x)[0], 1]), noise_mode, noise_seed,
                       self.noise_const, self.noise_strength)
        return _lrelu(x + self.bias)

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


# ----------------------------------------------------------------------------- generator


def _mapping_network(latent_dim, w_dim, num_layers, lr_multiplier):
    z = keras.Input((latent_dim,), name="z")
    x = PixelNormalization(name="normalize_z")(z)
    for i in range(num_layers):
        x = EqualizedDense(w_dim, lr_multiplier=lr_multiplier, activation="lrelu", name=f"fc_{i}")(x)
    return keras.Model(z, x, name="mapping")


class StyleBasedGenerator(keras.Model):
    """What the style-based generators share: the space W, its uses and the calling convention.

    z -> `mapping` -> w -> ws `[B, num_ws, w_dim]` (one style vector per styled layer; style
    mixing and truncation act on ws) -> `synthesis(ws, noise_mode, noise_seed)` -> samples.
    Subclasses build the synthesis network (`synthesis`) and say what `generator(z)`
    returns of its output (`finish`: images are clipped to [-1, 1], 2-D points are not);
    they call `_build_style_space` in `__init__` for the mapping network and `w_avg`.

    Calling convention: `generator(z)` with z float32 `[B, latent_dim]` uses the
    truncation and noise mode given at construction; a training call takes the dict
    `{"z": z, "z_mix": z2, "mix_cutoff": cutoff, "noise_seed": seed}` with
    `training=True` (style mixing, "random" noise from `seed`, no truncation, no
    clipping, and an update of `w_avg`), which `keras_gan.models.StyleGAN2` feeds. With
    `training=False` the dict gives `finish`ed samples with "random" noise and no mixing
    unless `z_mix` is given: the sampling prior of metrics (`keras_gan.sampling`).
    """

    def _build_style_space(
        self,
        latent_dim,
        w_dim,
        mapping_layers,
        mapping_lr_multiplier,
        truncation_psi,
        truncation_cutoff,
        noise_mode,
        w_avg_decay,
    ):
        """Validates the style-space options, stores them and builds `mapping` and `w_avg`."""
        check_positive_int("latent_dim", latent_dim)
        w_dim = latent_dim if w_dim is None else w_dim
        check_positive_int("w_dim", w_dim)
        check_positive_int("mapping_layers", mapping_layers)
        _check_noise_mode(noise_mode)
        if not 0.0 <= w_avg_decay < 1.0:
            raise ValueError(f"`w_avg_decay` must be in [0, 1). Received: w_avg_decay={w_avg_decay}")
        if not mapping_lr_multiplier > 0:
            raise ValueError(
                "`mapping_lr_multiplier` must be positive. "
                f"Received: mapping_lr_multiplier={mapping_lr_multiplier}"
            )
        self.latent_dim = latent_dim
        self.w_dim = w_dim
        self.mapping_layers = mapping_layers
        self.mapping_lr_multiplier = float(mapping_lr_multiplier)
        self.truncation_psi = float(truncation_psi)
        self.truncation_cutoff = truncation_cutoff
        self.noise_mode = noise_mode
        self.w_avg_decay = float(w_avg_decay)
        self.mapping = _mapping_network(latent_dim, w_dim, mapping_layers, self.mapping_lr_multiplier)
        self.w_avg = self.add_weight(
            shape=(w_dim,),
            initializer="zeros",
            trainable=False,
            aggregation="only_first_replica",
            name="w_avg",
        )

    @property
    def inputs(self):
        """The symbolic input `[z]` (float32 `[None, latent_dim]`), as a functional model has."""
        return [keras.KerasTensor((None, self.latent_dim), dtype="float32", name="z")]

    def compute_output_shape(self, input_shape):
        return self.output_shape

    def finish(self, samples):
        """What `generator(z)` and `sample` return of the synthesis output. Defaults to it."""
        return samples

    def update_w_avg(self, w):
        """`w_avg <- mean_batch(w) + w_avg_decay * (w_avg - mean_batch(w))`.

        The batch mean is taken over all replicas, so N devices track what one would.
        """
        batch_mean = tf.stop_gradient(tf.reduce_mean(w, axis=0))
        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            batch_mean = context.all_reduce(tf.distribute.ReduceOp.MEAN, batch_mean)
        self.w_avg.assign(batch_mean + self.w_avg_decay * (self.w_avg - batch_mean))

    def styles(
        self,
        z,
        z_mix=None,
        mix_cutoff=None,
        truncation_psi=1.0,
        truncation_cutoff=None,
        training=False,
        update_w_avg=False,
    ):
        """Style vectors ws `[B, num_ws, w_dim]` for z.

        Args:
            z: Tensor `[B, latent_dim]`.
            z_mix: Tensor `[B, latent_dim]` or None. Second latent for style mixing.
            mix_cutoff: int Tensor `[B]` or scalar: layers `>= mix_cutoff` take
                `mapping(z_mix)`. Required with `z_mix`.
            truncation_psi: float. Defaults to 1 (no truncation).
            truncation_cutoff: int or None. Defaults to None (all layers).
            training: bool. Passed to the mapping network.
            update_w_avg: bool. Update `w_avg` from `mapping(z)`. Defaults to False.
        """
        if z_mix is not None:
            if mix_cutoff is None:
                raise ValueError("`mix_cutoff` is required with `z_mix`. Received: mix_cutoff=None")
            both = self.mapping(tf.concat([z, z_mix], axis=0), training=training)
            w, w_mix = tf.split(both, 2, axis=0)
        else:
            w = self.mapping(z, training=training)
        if update_w_avg:
            self.update_w_avg(w)
        ws = tf.tile(w[:, None, :], [1, self.num_ws, 1])
        if z_mix is not None:
            ws = mix_styles(ws, tf.tile(w_mix[:, None, :], [1, self.num_ws, 1]), mix_cutoff)
        if truncation_psi != 1.0:
            ws = truncate_styles(ws, tf.convert_to_tensor(self.w_avg), truncation_psi, truncation_cutoff)
        return ws

    def sample(self, z, truncation_psi=None, truncation_cutoff=None, noise_mode=None, noise_seed=None):
        """Samples (`finish`ed: images in [-1, 1]) for z with explicit sampling options
        (eager-friendly).

        Args:
            z: array `[B, latent_dim]`.
            truncation_psi: float or None. None uses the generator's. Defaults to None.
            truncation_cutoff: int or None. None uses the generator's. Defaults to None.
            noise_mode: str or None. None uses the generator's. Defaults to None.
            noise_seed: int Tensor `[2]` or None. For "random" noise. Defaults to None.
        """
        psi = self.truncation_psi if truncation_psi is None else float(truncation_psi)
        cutoff = self.truncation_cutoff if truncation_cutoff is None else truncation_cutoff
        mode = self.noise_mode if noise_mode is None else noise_mode
        ws = self.styles(tf.convert_to_tensor(z, tf.float32), truncation_psi=psi, truncation_cutoff=cutoff)
        return self.finish(self.synthesis(ws, noise_mode=mode, noise_seed=noise_seed))

    def with_options(self, truncation_psi=None, truncation_cutoff=None, noise_mode=None):
        """A copy (same weights) whose `generator(z)` uses other sampling options, e.g. to
        export a truncated generator."""
        config = self.get_config()
        if truncation_psi is not None:
            config["truncation_psi"] = float(truncation_psi)
        if truncation_cutoff is not None:
            config["truncation_cutoff"] = truncation_cutoff
        if noise_mode is not None:
            config["noise_mode"] = noise_mode
        clone = self.__class__.from_config(config)
        clone.set_weights(self.get_weights())
        return clone

    # ------------------------------------------------------------------ call

    _TRAINING_KEYS = ("z", "z_mix", "mix_cutoff", "noise_seed")

    def call(self, inputs, training=None):
        if isinstance(inputs, dict):
            unknown = sorted(set(inputs) - set(self._TRAINING_KEYS))
            if "z" not in inputs or unknown:
                raise ValueError(
                    f"A dict input must have the key 'z' and optionally {list(self._TRAINING_KEYS[1:])}. "
                    f"Received keys: {sorted(inputs)}"
                )
            ws = self.styles(
                inputs["z"],
                z_mix=inputs.get("z_mix"),
                mix_cutoff=inputs.get("mix_cutoff"),
                training=training,
                update_w_avg=bool(training),
            )
            samples = self.synthesis(ws, noise_mode="random", noise_seed=inputs.get("noise_seed"), training=training)
            # Training sees the raw synthesis; an inference call (sampling with random noise
            # inputs, e.g. for metrics) returns what `generator(z)` returns.
            return samples if training else self.finish(samples)
        ws = self.styles(
            inputs,
            truncation_psi=self.truncation_psi,
            truncation_cutoff=self.truncation_cutoff,
            training=training,
        )
        return self.finish(self.synthesis(ws, noise_mode=self.noise_mode, training=training))


@keras.saving.register_keras_serializable(package="keras_gan")
class StyleGAN2Generator(StyleBasedGenerator):
    """StyleGAN2 generator: mapping network, styled synthesis, noise, skip ToRGBs.

    Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
    https://arxiv.org/abs/1912.04958 (layout in the module docstring).

    Calling convention of the project: `generator(z)` with z float32 `[B, latent_dim]`
    returns images `[B, H, W, C]` clipped to [-1, 1], using the truncation and noise mode
    given at construction (these define what is exported; `with_options` makes a copy
    with other values). The explicit parts:

    - `mapping(z)` -> w `[B, w_dim]`; `styles(z, ...)` -> ws `[B, num_ws, w_dim]` with
      optional style mixing and truncation;
    - `synthesis(ws, noise_mode, noise_seed)` -> unclipped images;
    - `sample(z, truncation_psi=..., noise_mode=..., noise_seed=...)` for eager sampling;
    - `w_avg`, the running average of w (decay `w_avg_decay`), updated by training-mode
      calls with the training input (below) and used by truncation. It is a
      non-trainable weight with `aggregation="only_first_replica"` (assigned inside the
      train step under `tf.distribute`), saved with the other weights.

    Training calls use a dict input, `generator({"z": z, "z_mix": z2, "mix_cutoff":
    cutoff, "noise_seed": seed}, training=True)` (what `keras_gan.models.StyleGAN2`
    feeds): style mixing at the per-sample crossover layers `cutoff` (`num_ws` = no
    mixing), noise drawn from the stateless `seed`, no truncation, no clipping, and an
    update of `w_avg` from the (all-replica) batch mean of w.

    Args:
        latent_dim: int. Size of z. Defaults to 64.
        image_shape: tuple. `(size, size, channels)`, size a power of two from 8 to 256.
            Defaults to (32, 32, 1).
        w_dim: int or None. Size of w (and of the mapping network's layers). Defaults to
            None (= latent_dim).
        mapping_layers: int. Dense layers of the mapping network. Defaults to 8.
        mapping_lr_multiplier: float. Learning-rate multiplier of the mapping network.
            Defaults to 0.01.
        channel_base: int. Feature maps at resolution r are
            `min(channel_base // r, channel_max)`. Defaults to 4096.
        channel_max: int. Defaults to 128.
        truncation_psi: float. Truncation of `generator(z)`. Defaults to 1 (none).
        truncation_cutoff: int or None. Truncate only the first this many layers.
            Defaults to None (all).
        noise_mode: "random", "const" or "none". Noise of `generator(z)`; "const" (the
            default) is deterministic and exports to ONNX, "random" does not export.
        w_avg_decay: float. Decay of the running average of w. Defaults to 0.995.
        fused_modconv: bool. See `modulated_conv2d`. Defaults to False.
        name: str. Model name.

    Example:
    ```python
    generator = StyleGAN2Generator(latent_dim=64, image_shape=(32, 32, 1))
    images = generator(np.random.randn(8, 64).astype("float32"))  # [8, 32, 32, 1]
    truncated = generator.sample(z, truncation_psi=0.7)
    ```
    """

    def __init__(
        self,
        latent_dim=64,
        image_shape=(32, 32, 1),
        w_dim=None,
        mapping_layers=8,
        mapping_lr_multiplier=0.01,
        channel_base=4096,
        channel_max=128,
        truncation_psi=1.0,
        truncation_cutoff=None,
        noise_mode="const",
        w_avg_decay=0.995,
        fused_modconv=False,
        name="stylegan2_generator",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        check_positive_int("channel_base", channel_base)
        check_positive_int("channel_max", channel_max)
        size, _, channels = _check_image_shape(image_shape)
        self.image_size = size
        self.image_channels = channels
        self.channel_base = channel_base
        self.channel_max = channel_max
        self.fused_modconv = bool(fused_modconv)
        self.num_ws = num_style_vectors(size)
        self._build_style_space(
            latent_dim, w_dim, mapping_layers, mapping_lr_multiplier,
            truncation_psi, truncation_cutoff, noise_mode, w_avg_decay,
        )
        w_dim = self.w_dim
        ch = lambda res: channels_at(res, channel_base, channel_max)  # noqa: E731
        self.constant = ConstantInput(ch(4), name="constant")
        self.constant.build()
        # Styled layers in order, with the index of the style vector each one uses. Each
        # layer is also its own attribute: `tf.train.Checkpoint` does not follow layers
        # held only in lists, and would miss their non-trainable `noise_const`.
        self.conv_names, self.conv_style_index, self.rgb_names, self.rgb_style_index = [], [], [], []
        w_shape = (None, w_dim)
        in_channels, style, res = ch(4), 0, 4
        while res <= size:
            for up in ((False,) if res == 4 else (True, False)):
                conv = StyledConv2D(
                    ch(res), upsample=up, fused=self.fused_modconv,
                    name=f"b{res}_conv{0 if up else 1}",
                )
                conv.build(((None, res // 2 if up else res, res // 2 if up else res, in_channels), w_shape))
                setattr(self, conv.name, conv)
                self.conv_names.append(conv.name)
                self.conv_style_index.append(style)
                in_channels, style = ch(res), style + 1
            to_rgb = ToRGB(channels, fused=self.fused_modconv, name=f"b{res}_torgb")
            to_rgb.build(((None, res, res, in_channels), w_shape))
            setattr(self, to_rgb.name, to_rgb)
            self.rgb_names.append(to_rgb.name)
            self.rgb_style_index.append(style)
            res *= 2
        self.built = True

    # ------------------------------------------------------------------ facts

    @property
    def convs(self):
        """The StyledConv2D layers in order (`convs[i]` reads `ws[:, conv_style_index[i]]`)."""
        return [getattr(self, name) for name in self.conv_names]

    @property
    def to_rgbs(self):
        """The ToRGB layers, one per resolution (reading `ws[:, rgb_style_index[i]]`)."""
        return [getattr(self, name) for name in self.rgb_names]

    @property
    def output_shape(self):
        """`(None, size, size, channels)`."""
        return (None, self.image_size, self.image_size, self.image_channels)

    def finish(self, samples):
        """Images clipped to [-1, 1]."""
        return tf.clip_by_value(samples, -1.0, 1.0)

    # ------------------------------------------------------------------ parts

    def synthesis(self, ws, noise_mode="const", noise_seed=None, training=False):
        """Images (unclipped) from style vectors ws `[B, num_ws, w_dim]`.

        Args:
            ws: Tensor `[B, num_ws, w_dim]`.
            noise_mode: "random", "const" or "none". Defaults to "const".
            noise_seed: int Tensor `[2]` or None. Stateless seed of "random" noise (layer
                i draws from `fold_in(noise_seed, i)`). Defaults to None.
            training: bool. Unused by these layers; kept for symmetry.

        Returns:
            Tensor `[B, size, size, channels]`.
        """
        _check_noise_mode(noise_mode)
        ws = tf.convert_to_tensor(ws, tf.float32)
        if ws.shape.rank != 3 or (ws.shape[1] is not None and ws.shape[1] != self.num_ws):
            raise ValueError(
                f"`ws` must have shape [batch, {self.num_ws}, {self.w_dim}]. Received: ws with "
                f"shape {ws.shape}"
            )
        x = self.constant(ws)
        image = None
        conv_index = 0
        convs = self.convs
        for block, to_rgb in enumerate(self.to_rgbs):
            for _ in range(1 if block == 0 else 2):
                conv = convs[conv_index]
                seed = (
                    None
                    if noise_seed is None
                    else tf.random.experimental.stateless_fold_in(noise_seed, conv_index)
                )
                x = conv(
                    [x, ws[:, self.conv_style_index[conv_index]]],
                    noise_mode=noise_mode,
                    noise_seed=seed,
                )
                conv_index += 1
            rgb = to_rgb([x, ws[:, self.rgb_style_index[block]]])
            image = rgb if image is None else upsample_2x(image) + rgb
        return image

    def get_config(self):
        return {
            "name": self.name,
            "latent_dim": self.latent_dim,
            "image_shape": [self.image_size, self.image_size, self.image_channels],
            "w_dim": self.w_dim,
            "mapping_layers": self.mapping_layers,
            "mapping_lr_multiplier": self.mapping_lr_multiplier,
            "channel_base": self.channel_base,
            "channel_max": self.channel_max,
            "truncation_psi": self.truncation_psi,
            "truncation_cutoff": self.truncation_cutoff,
            "noise_mode": self.noise_mode,
            "w_avg_decay": self.w_avg_decay,
            "fused_modconv": self.fused_modconv,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras.saving.register_keras_serializable(package="keras_gan")
class StyleGAN2VectorGenerator(StyleBasedGenerator):
    """StyleGAN2's generator on vectors (the toy-data edition): mapping, styled dense layers.

    Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
    https://arxiv.org/abs/1912.04958, with every convolution of a 1x1 image written as a
    dense layer:

        z -> pixel norm -> mapping MLP (EqualizedDense, lr multiplier 0.01) -> w
        w -> ws [B, num_ws, w_dim], num_ws = num_layers + 1
        learned constant [units] -> num_layers x StyledDense  <- ws[:, i]
                                 -> ToVector (modulated, not demodulated) <- ws[:, num_layers]
                                 -> samples [B, output_dim], unscaled

    Style mixing, truncation, `w_avg`, the noise modes and the calling convention are
    those of `StyleGAN2Generator` (see `StyleBasedGenerator`); `generator(z)` returns the
    samples as they are (toy data is not scaled to [-1, 1]).

    Args:
        latent_dim: int. Size of z. Defaults to 16.
        output_dim: int. Width of a sample. Defaults to 2.
        w_dim: int or None. Size of w. Defaults to None (= latent_dim).
        mapping_layers: int. Dense layers of the mapping network. Defaults to 4.
        mapping_lr_multiplier: float. Defaults to 0.01.
        units: int. Width of the styled layers (and of the constant input). Defaults
            to 128.
        num_layers: int. Number of StyledDense layers. Defaults to 3.
        truncation_psi: float. Truncation of `generator(z)`. Defaults to 1 (none).
        truncation_cutoff: int or None. Defaults to None (all layers).
        noise_mode: "random", "const" or "none". Noise of `generator(z)`. Defaults to
            "const".
        w_avg_decay: float. Decay of the running average of w. Defaults to 0.995.
        name: str. Model name.

    Example:
    ```python
    generator = StyleGAN2VectorGenerator(latent_dim=16, output_dim=2)
    points = generator(np.random.randn(8, 16).astype("float32"))  # [8, 2]
    ```
    """

    def __init__(
        self,
        latent_dim=16,
        output_dim=2,
        w_dim=None,
        mapping_layers=4,
        mapping_lr_multiplier=0.01,
        units=128,
        num_layers=3,
        truncation_psi=1.0,
        truncation_cutoff=None,
        noise_mode="const",
        w_avg_decay=0.995,
        name="stylegan2_vector_generator",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        check_positive_int("output_dim", output_dim)
        check_positive_int("units", units)
        check_positive_int("num_layers", num_layers)
        self.output_dim = output_dim
        self.units = units
        self.num_layers = num_layers
        self.num_ws = num_layers + 1
        self._build_style_space(
            latent_dim, w_dim, mapping_layers, mapping_lr_multiplier,
            truncation_psi, truncation_cutoff, noise_mode, w_avg_decay,
        )
        self.constant = self.add_weight(
            shape=(units,), initializer=keras.initializers.RandomNormal(stddev=1.0), name="constant"
        )
        # Each layer is its own attribute (see StyleGAN2Generator: checkpoints do not
        # follow layers held only in lists).
        self.layer_names = []
        w_shape = (None, self.w_dim)
        for i in range(num_layers):
            layer = StyledDense(units, name=f"dense_{i}")
            layer.build(((None, units), w_shape))
            setattr(self, layer.name, layer)
            self.layer_names.append(layer.name)
        self.to_output = ToVector(output_dim, name="to_output")
        self.to_output.build(((None, units), w_shape))
        self.built = True

    @property
    def styled_layers(self):
        """The StyledDense layers in order (`styled_layers[i]` reads `ws[:, i]`)."""
        return [getattr(self, name) for name in self.layer_names]

    @property
    def output_shape(self):
        """`(None, output_dim)`."""
        return (None, self.output_dim)

    def synthesis(self, ws, noise_mode="const", noise_seed=None, training=False):
        """Samples `[B, output_dim]` from style vectors ws `[B, num_ws, w_dim]`.

        Args:
            ws: Tensor `[B, num_ws, w_dim]`.
            noise_mode: "random", "const" or "none". Defaults to "const".
            noise_seed: int Tensor `[2]` or None. Stateless seed of "random" noise (layer
                i draws from `fold_in(noise_seed, i)`). Defaults to None.
            training: bool. Unused by these layers; kept for symmetry.
        """
        _check_noise_mode(noise_mode)
        ws = tf.convert_to_tensor(ws, tf.float32)
        if ws.shape.rank != 3 or (ws.shape[1] is not None and ws.shape[1] != self.num_ws):
            raise ValueError(
                f"`ws` must have shape [batch, {self.num_ws}, {self.w_dim}]. Received: ws with "
                f"shape {ws.shape}"
            )
        x = tf.tile(self.constant[None], [tf.shape(ws)[0], 1])
        for i, layer in enumerate(self.styled_layers):
            seed = None if noise_seed is None else tf.random.experimental.stateless_fold_in(noise_seed, i)
            x = layer([x, ws[:, i]], noise_mode=noise_mode, noise_seed=seed)
        return self.to_output([x, ws[:, self.num_layers]])

    def get_config(self):
        return {
            "name": self.name,
            "latent_dim": self.latent_dim,
            "output_dim": self.output_dim,
            "w_dim": self.w_dim,
            "mapping_layers": self.mapping_layers,
            "mapping_lr_multiplier": self.mapping_lr_multiplier,
            "units": self.units,
            "num_layers": self.num_layers,
            "truncation_psi": self.truncation_psi,
            "truncation_cutoff": self.truncation_cutoff,
            "noise_mode": self.noise_mode,
            "w_avg_decay": self.w_avg_decay,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


# ------------------------------------------------------------------------- discriminator


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
    size, _, channels = _check_image_shape(image_shape)
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
