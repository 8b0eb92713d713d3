"""Mixed precision for GANs: dtype policies, float32 outputs and loss scaling.

Under a mixed policy (Micikevicius et al. 2018, "Mixed Precision Training",
arXiv:1710.03740) layers compute in float16 or bfloat16 while their variables stay
float32. Three things keep a GAN stable there:

- the networks' *outputs* are float32 (`float32_outputs`), so losses, gradient penalties
  and every term computed from logits or samples run in float32;
- float16 trains with dynamic loss scaling (`loss_scaled`): the loss is multiplied by a
  scale before gradients are taken and the gradients are divided by it, so small
  gradients do not underflow; steps with non-finite gradients are skipped and the scale
  halved. bfloat16 has float32's exponent range and needs no scaling;
- the generator is exported in float32 (`export` re-creates it with a float32 policy).
"""

import contextlib

import keras

PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


def check_precision(precision):
    """Returns `precision` if it is one of `PRECISIONS`, else raises a ValueError."""
    if precision not in PRECISIONS:
        raise ValueError(
            f"Unknown precision {precision!r}. Expected one of {list(PRECISIONS)}. "
            f"Received: precision={precision!r}"
        )
    return precision


@contextlib.contextmanager
def policy_scope(precision):
    """Builds layers created inside the block with the dtype policy `precision`.

    Sets Keras' global dtype policy for the block and restores the previous one after,
    so only the models built inside are mixed.

    Args:
        precision: str. One of `PRECISIONS`.
    """
    check_precision(precision)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _output_layers(model):
    """The layers that produce `model`'s outputs (functional and Sequential models)."""
    targets = {id(t) for t in keras.tree.flatten(model.outputs)}
    layers = []
    for layer in model.layers:
        try:
            outputs = keras.tree.flatten(layer.output)
        except (AttributeError, ValueError):  # a layer called several times
            continue
        if any(id(t) in targets for t in outputs):
            layers.append(layer)
    return layers


def float32_outputs(model):
    """Makes `model` return float32 by giving its output layers a float32 policy.

    The output layers then cast their inputs to float32 and compute in float32, as the
    Keras mixed-precision guide recommends for the last layer: logits and samples leave
    the network in float32, and everything computed from them (losses, penalties) too.
    Modifies `model` in place and returns it; a float32 model is returned unchanged.

    Args:
        model: keras.Model. A functional or Sequential model.
    """
    if model.compute_dtype == "float32" and all(
        layer.compute_dtype == "float32" for layer in model.layers
    ):
        return model
    layers = _output_layers(model)
    if not layers:
        raise ValueError(
            f"Cannot find the output layers of model {model.name!r} to compute them in "
            "float32; build it as a functional or Sequential model."
        )
    for layer in layers:
        layer.dtype_policy = "float32"
    return model


def loss_scaled(optimizer, precision):
    """`optimizer` wrapped in a dynamic `keras.optimizers.LossScaleOptimizer` for
    "mixed_float16"; the optimizer itself otherwise.

    Args:
        optimizer: keras.optimizers.Optimizer.
        precision: str. One of `PRECISIONS`.
    """
    check_precision(precision)
    if precision != "mixed_float16" or isinstance(
        optimizer, keras.optimizers.LossScaleOptimizer
    ):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


__all__ = ["PRECISIONS", "check_precision", "float32_outputs", "loss_scaled", "policy_scope"]
