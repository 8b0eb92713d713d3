"""Analytical FLOP count of a GAN training step, layer by layer.

Counting rules (a multiply-add counts as 2 FLOPs; per example of the batch):

- `Dense`: `in_features * units` multiply-adds (times any leading non-batch dims).
- `Conv2D`: `out_h * out_w * c_out * k_h * k_w * c_in / groups`.
- `Conv2DTranspose`: `in_h * in_w * c_in * k_h * k_w * c_out` (every input pixel is
  scattered through the whole kernel; equal to the forward conv it is the gradient of).
- Everything else (batch norm, activations, dropout, reshapes, losses, the optimizer
  update) is element-wise and not counted: for the tutorial DCGAN at batch 256 it is
  well under 1% of the step.
- "same" padding is counted as full kernels (as `tf.compat.v1.profiler` does).

A backward pass through a weight layer costs one forward of it for the weight gradient
(dW) and one for the input gradient (dX). dX of a network's first weight layer is only
computed when the gradient flows further back (through D into G); tf.function prunes it
otherwise, and no gradient is ever taken with respect to z or to real images.

Per example, with `G`, `D` the forward multiply-adds and `G1`, `D1` those of each
network's first weight layer:

- alternating (keras-gan, keras-io; D step on real and fake, then a G step with fresh
  noise): D step `G + 2D` forward, `2 (D + D - D1)` backward; G step `G + D` forward,
  `D` (dX through D) `+ G + (G - G1)` backward. Total `4G + 8D - 2 D1 - G1`.
- alternating_reuse (keras-gan with `reuse_generator_pass=True`: the D step's G forward
  serves the G step): the G step's `G` forward is saved. Total `3G + 8D - 2 D1 - G1`.
- simultaneous (TF tutorial; one forward of G, D on real and fake, two tapes):
  `G + 2D` forward, `D + G + (G - G1)` for G's gradient, `2 (D + D - D1)` for D's.
  Total `3G + 7D - 2 D1 - G1`.
"""

import math

import keras

LOOP_KINDS = ("alternating", "alternating_reuse", "simultaneous")


def _dims(shape):
    return [int(d) for d in shape[1:]]


def layer_macs(layer):
    """Multiply-adds per example of one layer's forward pass (0 for element-wise layers).

    Args:
        layer: keras.layers.Layer. A layer of a built functional model, called once.

    Returns:
        int.
    """
    if isinstance(layer, keras.layers.Dense):
        in_dims = _dims(layer.input.shape)
        return math.prod(in_dims) * int(layer.units)
    if isinstance(layer, keras.layers.Conv2DTranspose):
        in_h, in_w, c_in = _dims(layer.input.shape)
        k_h, k_w = layer.kernel_size
        return in_h * in_w * c_in * k_h * k_w * int(layer.filters)
    if isinstance(layer, keras.layers.Conv2D):
        out_h, out_w, c_out = _dims(layer.output.shape)
        c_in = _dims(layer.input.shape)[-1]
        k_h, k_w = layer.kernel_size
        return out_h * out_w * c_out * k_h * k_w * c_in // int(layer.groups)
    if layer.trainable_weights and not isinstance(
        layer, (keras.layers.BatchNormalization, keras.layers.LayerNormalization,
                keras.layers.GroupNormalization)
    ):
        raise ValueError(
            f"Cannot count the FLOPs of layer {layer.name!r} ({type(layer).__name__}); "
            "supported weight layers: Dense, Conv2D, Conv2DTranspose."
        )
    return 0


def model_macs(model):
    """`(total, first)`: forward multiply-adds per example of `model`, and those of its
    first weight layer (in layer order; the models here are chains).

    Args:
        model: keras.Model. A built functional model.
    """
    per_layer = [layer_macs(layer) for layer in model.layers]
    counted = [m for m in per_layer if m]
    if not counted:
        raise ValueError(f"Model {model.name!r} has no Dense or convolution layer to count.")
    return sum(counted), counted[0]


def step_flops_per_example(generator, discriminator, loop):
    """FLOPs per example of one training step (see the module docstring for the formula).

    Args:
        generator: keras.Model. The generator.
        discriminator: keras.Model. The discriminator.
        loop: str. "alternating", "alternating_reuse" or "simultaneous".

    Returns:
        int. FLOPs (2 per multiply-add) per example of the batch.
    """
    if loop not in LOOP_KINDS:
        raise ValueError(f"`loop` must be one of {LOOP_KINDS}. Received: loop={loop!r}")
    g, g1 = model_macs(generator)
    d, d1 = model_macs(discriminator)
    if loop == "alternating":
        macs = 4 * g + 8 * d - 2 * d1 - g1
    elif loop == "alternating_reuse":
        macs = 3 * g + 8 * d - 2 * d1 - g1
    else:
        macs = 3 * g + 7 * d - 2 * d1 - g1
    return 2 * macs


METHOD = (
    "analytical, per layer (benchmarks/flops.py): Dense/Conv2D/Conv2DTranspose "
    "multiply-adds x2; backward = dW + dX per weight layer (dX of a network's first layer "
    "only when the gradient flows through it); element-wise ops and optimizer not counted"
)
