"""Spectral normalization as a reparametrization (Miyato et al. 2018, arXiv:1802.05957).

`SpectralNorm(layer)` runs a Dense or convolution layer with the kernel `W / sigma(W)`,
`sigma(W)` the kernel's largest singular value (the kernel reshaped to `[-1, out]`),
estimated by power iteration:

    v = normalize(W u),   u' = normalize(W^T v),   sigma = v^T W u'

with `u` (`[out]`) a non-trainable variable and `v`, `u'` held constant in the gradient,
so `d sigma / d W = v u'^T` flows into W's gradient as in the paper's Algorithm 1 (the
kernel variable itself is never rewritten: the paper's W / sigma(W) is a function of W).

`u` advances by one power iteration (`power_iterations` of them) once per discriminator
step: `update_spectral_norms(model)`, which `keras_gan.models.GAN` calls after each D
update. Every call of D in between (both halves of the D loss, the G step, gradient
penalties' re-calls) uses the same `u`, so none of them changes D's state. Keras's
`keras.layers.SpectralNormalization` differs: it assigns `W / sigma` to the kernel in
every training call (projected descent, no gradient through sigma) and advances `u` in
each of those calls.
"""

import keras
from keras import ops

__all__ = ["SpectralNorm", "spectral_norm_layers", "update_spectral_norms"]


def _normalize(x, eps=1e-12):
    return x / ops.maximum(ops.sqrt(ops.sum(ops.square(x))), eps)


@keras.saving.register_keras_serializable(package="keras_gan")
class SpectralNorm(keras.layers.Wrapper):
    """A Dense / Conv layer whose kernel is reparametrized as `W / sigma(W)`.

    Miyato, Kataoka, Koyama & Yoshida, "Spectral Normalization for Generative Adversarial
    Networks", ICLR 2018. https://arxiv.org/abs/1802.05957

    Args:
        layer: keras.layers.Dense or a convolution layer (Conv1D/2D/3D). Its kernel is
            normalized; bias and activation are applied after.
        power_iterations: int. Power iterations per sigma estimate and per update of `u`.
            Defaults to 1 (the paper's).
        **kwargs: passed to `keras.layers.Wrapper` (e.g. `name`).

    Example:
    ```python
    conv = SpectralNorm(keras.layers.Conv2D(64, 3, padding="same"))
    y = conv(images)              # uses W / sigma(W), differentiable through sigma
    conv.update_power_iteration()  # advance u (a GAN does this once per D step)
    ```
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if not isinstance(layer, (keras.layers.Dense, keras.src.layers.convolutional.base_conv.BaseConv)) or (
            isinstance(layer, keras.src.layers.convolutional.base_conv.BaseConv)
            and getattr(layer, "groups", 1) != 1
        ):
            raise ValueError(
                "`layer` must be a keras.layers.Dense or an ungrouped convolution layer "
                f"(Conv1D/Conv2D/Conv3D). Received: layer={layer!r}"
            )
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations < 1:
            raise ValueError(
                "`power_iterations` must be a positive integer. "
                f"Received: power_iterations={power_iterations!r}"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        units = int(self.layer.kernel.shape[-1])
        # "only_first_replica": assigned in a replica context under MirroredStrategy; every
        # replica computes the same value from the synchronized kernel.
        self.u = self.add_weight(
            shape=(units,),
            initializer=keras.initializers.RandomNormal(),
            trainable=False,
            aggregation="only_first_replica",
            name="u",
        )
        self.built = True

    def _matrix(self):
        kernel = ops.convert_to_tensor(self.layer.kernel)
        return ops.reshape(ops.cast(kernel, "float32"), (-1, kernel.shape[-1]))

    def _iterate(self, w):
        """`(v, u')` after `power_iterations` iterations from the stored u (no gradient)."""
        w = ops.stop_gradient(w)
        u = ops.cast(ops.convert_to_tensor(self.u), "float32")
        for _ in range(self.power_iterations):
            v = _normalize(ops.matmul(w, u))
            u = _normalize(ops.matmul(ops.transpose(w), v))
        return v, u

    def sigma(self):
        """The estimate `v^T W u'` of the kernel's spectral norm (differentiable in W)."""
        w = self._matrix()
        v, u = self._iterate(w)
        return ops.sum(v * ops.matmul(w, u))

    def normalized_kernel(self):
        """`W / sigma(W)`, in the kernel's shape."""
        kernel = ops.convert_to_tensor(self.layer.kernel)
        # A zero kernel has sigma 0: it stays zero instead of becoming 0 / 0.
        sigma = ops.cast(ops.maximum(self.sigma(), 1e-12), kernel.dtype)
        return kernel / sigma

    def update_power_iteration(self):
        """Advances `u` by `power_iterations` iterations against the current kernel."""
        _, u = self._iterate(self._matrix())
        self.u.assign(ops.cast(u, self.u.dtype))

    def call(self, inputs):
        layer = self.layer
        kernel = self.normalized_kernel()
        if isinstance(layer, keras.layers.Dense):
            outputs = ops.matmul(inputs, ops.cast(kernel, inputs.dtype))
            if layer.bias is not None:
                outputs = ops.add(outputs, ops.cast(layer.bias, outputs.dtype))
        else:
            outputs = layer.convolution_op(inputs, ops.cast(kernel, inputs.dtype))
            if layer.use_bias:
                if layer.data_format == "channels_last":
                    shape = (1,) * (layer.rank + 1) + (layer.filters,)
                else:
                    shape = (1, layer.filters) + (1,) * layer.rank
                outputs = ops.add(outputs, ops.reshape(ops.cast(layer.bias, outputs.dtype), shape))
        if layer.activation is not None:
            outputs = layer.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}


def spectral_norm_layers(model):
    """Every `SpectralNorm` layer inside `model` (nested models included)."""
    return [layer for layer in model._flatten_layers(include_self=False, recursive=True)
            if isinstance(layer, SpectralNorm)]


def update_spectral_norms(model):
    """Advances the power iteration of every `SpectralNorm` layer of `model` (once per D step)."""
    for layer in spectral_norm_layers(model):
        layer.update_power_iteration()
