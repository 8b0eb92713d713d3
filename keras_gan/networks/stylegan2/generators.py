"""StyleGAN2's generators: the shared style space (`StyleBasedGenerator`), the image
generator (`StyleGAN2Generator`) and the toy-data vector generator
(`StyleGAN2VectorGenerator`). Layout and calling convention in the package docstring.

Paper: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
https://arxiv.org/abs/1912.04958.
"""

import keras
import tensorflow as tf

from keras_gan.networks.common import check_positive_int
from keras_gan.networks.stylegan2.layers import (
    ConstantInput,
    EqualizedDense,
    PixelNormalization,
    StyledConv2D,
    StyledDense,
    ToRGB,
    ToVector,
)
from keras_gan.networks.stylegan2.ops import (
    channels_at,
    check_image_shape,
    check_noise_mode,
    mix_styles,
    num_style_vectors,
    truncate_styles,
    upsample_2x,
)

__all__ = ["StyleBasedGenerator", "StyleGAN2Generator", "StyleGAN2VectorGenerator"]


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
    they call `_build_style_space` in `__init__` for the mapping network and `w_avg`,
    add their styled layers with `_add_styled_layer`, validate `synthesis`'s input with
    `_check_synthesis_inputs`, seed layer i's noise with `_layer_noise_seed` and extend
    `_style_space_config` in `get_config` (the base's `from_config` rebuilds from it).

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
        check_noise_mode(noise_mode)
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

    def _style_space_config(self):
        """The config entries of the style space (the arguments `_build_style_space` takes),
        which every subclass's `get_config` extends with its synthesis arguments."""
        return {
            "name": self.name,
            "latent_dim": self.latent_dim,
            "w_dim": self.w_dim,
            "mapping_layers": self.mapping_layers,
            "mapping_lr_multiplier": self.mapping_lr_multiplier,
            "truncation_psi": self.truncation_psi,
            "truncation_cutoff": self.truncation_cutoff,
            "noise_mode": self.noise_mode,
            "w_avg_decay": self.w_avg_decay,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _add_styled_layer(self, layer, input_shape, names):
        """Builds `layer` on `input_shape`, makes it an attribute and appends its name to
        `names`. Each layer is its own attribute because `tf.train.Checkpoint` does not
        follow layers held only in lists, and would miss their non-trainable `noise_const`."""
        layer.build(input_shape)
        setattr(self, layer.name, layer)
        names.append(layer.name)
        return layer

    def _layers_named(self, names):
        """The layers added by `_add_styled_layer` under `names`, in order."""
        return [getattr(self, name) for name in names]

    def _check_synthesis_inputs(self, ws, noise_mode):
        """Validates `synthesis`'s arguments; returns ws as a float32 Tensor."""
        check_noise_mode(noise_mode)
        ws = tf.convert_to_tensor(ws, tf.float32)
        if ws.shape.rank != 3 or (ws.shape[1] is not None and ws.shape[1] != self.num_ws):
            raise ValueError(
                f"`ws` must have shape [batch, {self.num_ws}, {self.w_dim}]. Received: ws with "
                f"shape {ws.shape}"
            )
        return ws

    @staticmethod
    def _layer_noise_seed(noise_seed, index):
        """Styled layer `index` draws its "random" noise from `fold_in(noise_seed, index)`."""
        if noise_seed is None:
            return None
        return tf.random.experimental.stateless_fold_in(noise_seed, index)

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
        size, _, channels = check_image_shape(image_shape)
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
        # Styled layers in order (attributes named in `conv_names` / `rgb_names`, see
        # `_add_styled_layer`), with the index of the style vector each one uses.
        self.conv_names, self.conv_style_index, self.rgb_names, self.rgb_style_index = [], [], [], []
        w_shape = (None, w_dim)
        in_channels, style, res = ch(4), 0, 4
        while res <= size:
            for up in ((False,) if res == 4 else (True, False)):
                in_res = res // 2 if up else res
                conv = StyledConv2D(
                    ch(res), upsample=up, fused=self.fused_modconv,
                    name=f"b{res}_conv{0 if up else 1}",
                )
                self._add_styled_layer(conv, ((None, in_res, in_res, in_channels), w_shape), self.conv_names)
                self.conv_style_index.append(style)
                in_channels, style = ch(res), style + 1
            to_rgb = ToRGB(channels, fused=self.fused_modconv, name=f"b{res}_torgb")
            self._add_styled_layer(to_rgb, ((None, res, res, in_channels), w_shape), self.rgb_names)
            self.rgb_style_index.append(style)
            res *= 2
        self.built = True

    # ------------------------------------------------------------------ facts

    @property
    def convs(self):
        """The StyledConv2D layers in order (`convs[i]` reads `ws[:, conv_style_index[i]]`)."""
        return self._layers_named(self.conv_names)

    @property
    def to_rgbs(self):
        """The ToRGB layers, one per resolution (reading `ws[:, rgb_style_index[i]]`)."""
        return self._layers_named(self.rgb_names)

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
        ws = self._check_synthesis_inputs(ws, noise_mode)
        x = self.constant(ws)
        image = None
        conv_index = 0
        convs = self.convs
        for block, to_rgb in enumerate(self.to_rgbs):
            for _ in range(1 if block == 0 else 2):
                conv = convs[conv_index]
                x = conv(
                    [x, ws[:, self.conv_style_index[conv_index]]],
                    noise_mode=noise_mode,
                    noise_seed=self._layer_noise_seed(noise_seed, conv_index),
                )
                conv_index += 1
            rgb = to_rgb([x, ws[:, self.rgb_style_index[block]]])
            image = rgb if image is None else upsample_2x(image) + rgb
        return image

    def get_config(self):
        return {
            **self._style_space_config(),
            "image_shape": [self.image_size, self.image_size, self.image_channels],
            "channel_base": self.channel_base,
            "channel_max": self.channel_max,
            "fused_modconv": self.fused_modconv,
        }


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
        self.layer_names = []  # attributes, see `_add_styled_layer`
        w_shape = (None, self.w_dim)
        for i in range(num_layers):
            self._add_styled_layer(StyledDense(units, name=f"dense_{i}"), ((None, units), w_shape), self.layer_names)
        self.to_output = ToVector(output_dim, name="to_output")
        self.to_output.build(((None, units), w_shape))
        self.built = True

    @property
    def styled_layers(self):
        """The StyledDense layers in order (`styled_layers[i]` reads `ws[:, i]`)."""
        return self._layers_named(self.layer_names)

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
        ws = self._check_synthesis_inputs(ws, noise_mode)
        x = tf.tile(self.constant[None], [tf.shape(ws)[0], 1])
        for i, layer in enumerate(self.styled_layers):
            x = layer([x, ws[:, i]], noise_mode=noise_mode, noise_seed=self._layer_noise_seed(noise_seed, i))
        return self.to_output([x, ws[:, self.num_layers]])

    def get_config(self):
        return {
            **self._style_space_config(),
            "output_dim": self.output_dim,
            "units": self.units,
            "num_layers": self.num_layers,
        }
