"""StyleGAN2's pure tensor functions and argument checks, shared by its layers and networks.

Weight modulation / demodulation (`modulated_conv2d`, `modulated_dense`, one
`demodulation` rule), the [1, 3, 3, 1] FIR resampling of `upfirdn2d` (`upsample_2x`,
`downsample_2x`), pixel normalization, the minibatch standard deviation, per-replica noise,
and the style-space operations (`truncate_styles`, `mix_styles`). Nothing here holds
weights: the layers in `layers.py` own the weights and call these.

Paper: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
https://arxiv.org/abs/1912.04958 (layout of the networks in the package docstring).
"""

import math

import numpy as np
import tensorflow as tf

from keras_gan.replicas import replica_slice

STYLEGAN2_IMAGE_SIZES = (8, 16, 32, 64, 128, 256)
NOISE_MODES = ("random", "const", "none")
LRELU_GAIN = math.sqrt(2.0)
# The [1, 3, 3, 1] binomial filter of StyleGAN2's up/downsampling (normalised to sum 1).
_FIR_1D = np.array([1.0, 3.0, 3.0, 1.0], dtype="float32") / 8.0

__all__ = [
    "LRELU_GAIN",
    "NOISE_MODES",
    "STYLEGAN2_IMAGE_SIZES",
    "add_noise",
    "channels_at",
    "check_activation",
    "check_image_shape",
    "check_noise_mode",
    "demodulation",
    "downsample_2x",
    "lrelu",
    "minibatch_stddev",
    "mix_styles",
    "modulated_conv2d",
    "modulated_dense",
    "num_style_vectors",
    "pixel_norm",
    "replica_normal",
    "truncate_styles",
    "upsample_2x",
]


# --------------------------------------------------------------------------------- checks


def check_activation(activation):
    if activation not in ("lrelu", None):
        raise ValueError(
            f"`activation` must be 'lrelu' or None. Received: activation={activation!r}"
        )


def check_noise_mode(noise_mode):
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


def check_image_shape(image_shape):
    """Validates `(size, size, channels)` with a size in `STYLEGAN2_IMAGE_SIZES`; returns
    it as a tuple of ints."""
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


# ------------------------------------------------------------------------- architecture


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


# ---------------------------------------------------------------------------- activations


def lrelu(x):
    """Leaky ReLU (slope 0.2) with StyleGAN's gain sqrt(2), which keeps unit variance."""
    return tf.nn.leaky_relu(x, alpha=0.2) * LRELU_GAIN


def pixel_norm(x, epsilon=1e-8):
    """`x / sqrt(mean(x^2, axis=-1) + epsilon)`: unit second moment over the last axis
    (Karras et al. 2018, Sec. 4.2; StyleGAN normalises z with it)."""
    return x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axis=-1, keepdims=True) + epsilon)


def minibatch_stddev(x, group_size, num_channels):
    """Minibatch standard deviation features (Karras et al. 2018), StyleGAN2's form.

    The batch is split into groups of `G` samples (sample `g * n + j` is in group j); in
    each group, the standard deviation of every feature over the G samples (`+ 1e-8`
    under the root) is averaged over pixels and the channels of each of `num_channels`
    channel groups, and appended to every sample of the group as `num_channels` constant
    feature maps. `G` is the largest divisor of the batch size that is `<= group_size`, so
    any batch size works (a batch of 1 gets `sqrt(1e-8)`).

    Args:
        x: Tensor `[B, H, W, C]`, C divisible by `num_channels`.
        group_size: int. Largest group size.
        num_channels: int. Number of channel groups (appended feature maps).

    Returns:
        Tensor `[B, H, W, C + num_channels]`.
    """
    _, height, width, channels = x.shape
    batch = tf.shape(x)[0]
    candidates = tf.range(1, group_size + 1)
    group = tf.reduce_max(tf.where(tf.equal(batch % candidates, 0), candidates, 1))
    y = tf.reshape(x, [group, -1, height, width, num_channels, channels // num_channels])
    y = y - tf.reduce_mean(y, axis=0)
    y = tf.sqrt(tf.reduce_mean(tf.square(y), axis=0) + 1e-8)  # [n, H, W, F, c]
    y = tf.reduce_mean(y, axis=[1, 2, 4])  # [n, F]
    y = tf.tile(y, [group, 1])  # row g * n + j gets group j's value
    y = tf.broadcast_to(y[:, None, None, :], [batch, height, width, num_channels])
    return tf.concat([x, tf.cast(y, x.dtype)], axis=-1)


# --------------------------------------------------------------------------------- noise


def replica_normal(shape, seed):
    """This replica's slice of one global stateless N(0, 1) draw of `[B * replicas, ...]`
    (`keras_gan.replicas.replica_slice`): replicas get distinct noise and N devices draw
    what one device would.

    Args:
        shape: int Tensor or list. This replica's shape `[B, ...]`.
        seed: int Tensor `[2]`. Stateless seed.
    """
    draw = lambda n, s: tf.random.stateless_normal(tf.concat([[n], shape[1:]], 0), s)  # noqa: E731
    return replica_slice(draw, shape[0], seed)


def add_noise(x, noise_shape, noise_mode, noise_seed, noise_const, strength):
    """`x + noise * strength`: fresh N(0, 1) noise of `noise_shape` ("random", this
    replica's slice of a seeded draw when `noise_seed` is given, a stateful draw
    otherwise), the layer's constant noise `noise_const` ("const"), or none ("none")."""
    if noise_mode == "const":
        return x + noise_const * strength
    if noise_mode == "random":
        noise = tf.random.normal(noise_shape) if noise_seed is None else replica_normal(noise_shape, noise_seed)
        return x + noise * strength
    return x
# ---------------------------------------------------------------------------- resampling


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


# ---------------------------------------------------------------------------- modulation


def demodulation(styles, kernel, epsilon=1e-8):
    """StyleGAN2's demodulation coefficients `d_bj = 1 / sqrt(sum_{i,k} (s_bi w_ijk)^2 + eps)`.

    Computed without per-sample kernels: `sum_{i,k} s_bi^2 w_ijk^2 = (s^2 @ sum_k w^2)_bj`.
    One rule for the convolution (`kernel` `[k, k, C_in, C_out]`, k the spatial axes) and
    the dense layer (`kernel` `[C_in, C_out]`, no spatial axes).

    Args:
        styles: Tensor `[B, C_in]`.
        kernel: Tensor `[..., C_in, C_out]`.
        epsilon: float. Added under the square root. Defaults to 1e-8.

    Returns:
        Tensor `[B, C_out]`.
    """
    spatial_axes = list(range(len(kernel.shape) - 2))
    squared_kernel = tf.square(kernel)
    if spatial_axes:
        squared_kernel = tf.reduce_sum(squared_kernel, axis=spatial_axes)
    return tf.math.rsqrt(tf.matmul(tf.square(styles), squared_kernel) + epsilon)


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
        y *= demodulation(styles, kernel, epsilon)[:, None, None, :]
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
        y *= demodulation(styles, kernel, epsilon)
    return y


# --------------------------------------------------------------------------- style space


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

