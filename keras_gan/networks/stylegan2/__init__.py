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

Modules: `ops` (pure functions: modulation / demodulation, FIR resampling, noise, style
mixing and truncation, argument checks), `layers` (the Keras layers), `generators`,
`discriminators`. Everything public is re-exported here.
"""

from keras_gan.networks.stylegan2.discriminators import (
    stylegan2_discriminator,
    stylegan2_mlp_discriminator,
)
from keras_gan.networks.stylegan2.generators import (
    StyleBasedGenerator,
    StyleGAN2Generator,
    StyleGAN2VectorGenerator,
)
from keras_gan.networks.stylegan2.layers import (
    ConstantInput,
    EqualizedConv2D,
    EqualizedDense,
    MinibatchStdDev,
    PixelNormalization,
    StyledConv2D,
    StyledDense,
    ToRGB,
    ToVector,
)
from keras_gan.networks.stylegan2.ops import (
    NOISE_MODES,
    STYLEGAN2_IMAGE_SIZES,
    channels_at,
    demodulation,
    downsample_2x,
    minibatch_stddev,
    mix_styles,
    modulated_conv2d,
    modulated_dense,
    num_style_vectors,
    pixel_norm,
    replica_normal,
    truncate_styles,
    upsample_2x,
)

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
    "channels_at",
    "demodulation",
    "downsample_2x",
    "minibatch_stddev",
    "mix_styles",
    "modulated_conv2d",
    "modulated_dense",
    "num_style_vectors",
    "pixel_norm",
    "replica_normal",
    "stylegan2_discriminator",
    "stylegan2_mlp_discriminator",
    "truncate_styles",
    "upsample_2x",
]
