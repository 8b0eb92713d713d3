"""StyleGAN2 (Karras et al. 2020): style mixing, lazy R1 and path length regularization.

The training objective of the paper's config F on the base GAN's step:

- losses: the logistic (non-saturating) GAN loss;
- style mixing: with probability `style_mixing_prob` a sample's style vectors switch from
  w1 = mapping(z1) to w2 = mapping(z2) at a random crossover layer;
- lazy R1 (Mescheder et al. 2018) on the discriminator: `gamma / 2 * E||grad D(x)||^2`
  on real data, computed every `regularization_interval` (16) training steps and
  multiplied by it. This is the base GAN's generic R1 option (`r1_gamma`,
  `regularization_interval`, logged as "r1"); StyleGAN2 only changes its defaults;
- lazy path length regularization on the generator, every `pl_interval` G steps,
  multiplied by `pl_interval`:
  `pl_weight * E[(||J_w^T y||_2 - a)^2]`, `y ~ N(0, I) / sqrt(H W)`, `a` a moving average
  (`pl_mean`, decay `pl_decay`) of the lengths, on a batch `pl_batch_shrink` times smaller.

The generator is any style-based generator: `StyleGAN2Generator` for images or
`StyleGAN2VectorGenerator` for toy vectors (a 1x1 "image": `H W = 1`).

The lazy terms are added to the regular loss of the step where they are due (the paper
runs them as separate optimizer steps; added to the regular step there is no extra step,
so the paper's Adam correction `lr * k / (k + 1)`, `beta ** (k / (k + 1))` is not needed).
"""

import keras
import numpy as np
import tensorflow as tf

from keras_gan import streams
from keras_gan.models.base import GAN, Objective
from keras_gan.models.ema import ema_beta, ema_decay_for_half_life  # noqa: F401  (public here too)
from keras_gan.replicas import replica_slice
from keras_gan.networks.stylegan2 import (
    StyleBasedGenerator,
    StyleGAN2Generator,
    stylegan2_discriminator,
)

__all__ = ["StyleGAN2", "ema_beta", "ema_decay_for_half_life", "path_lengths", "stylegan2"]


def path_lengths(synthesis, ws, noise):
    """Path lengths `||J_w^T y||` of a style-based generator (Karras et al. 2020, Sec. 3.2).

    With `g = synthesis(ws)` of shape `[B, H, W, C]` and `y = noise / sqrt(H * W)` (vector
    samples `[B, C]` are 1x1 images: `y = noise`):

        grad_b = d sum(g_b * y_b) / d ws_b           ([num_ws, w_dim]) = J_b^T y_b
        length_b = sqrt(mean_i sum_d grad_b[i, d]^2)

    (the mean over the `num_ws` style vectors follows the official implementation).

    Paper: Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR
    2020. https://arxiv.org/abs/1912.04958

    Args:
        synthesis: callable. Maps ws `[B, num_ws, w_dim]` to images `[B, H, W, C]` (or
            vectors `[B, C]`).
        ws: Tensor `[B, num_ws, w_dim]`.
        noise: Tensor of the samples' shape, N(0, 1) draws (scaled here by 1/sqrt(H W)).

    Returns:
        Tensor `[B]`. Differentiable (twice) with respect to the synthesis weights.
    """
    with tf.GradientTape() as tape:
        tape.watch(ws)
        images = synthesis(ws)
        pixels = int(np.prod(images.shape[1:-1]))  # H * W; 1 for vectors
        projection = tf.reduce_sum(images * noise / np.sqrt(pixels))
    gradients = tape.gradient(projection, ws)
    return tf.sqrt(tf.reduce_mean(tf.reduce_sum(tf.square(gradients), axis=2), axis=1))


def _check_positive(name, value, integer=False):
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value <= 0:
        expected = "a positive integer" if integer else "a positive number"
        raise ValueError(f"`{name}` must be {expected}. Received: {name}={value!r}")


@keras.saving.register_keras_serializable(package="keras_gan")
class StyleGAN2(GAN):
    """StyleGAN2 (Karras et al. 2020, arXiv:1912.04958), small-resolution edition.

    The base GAN's alternating step with the logistic loss, plus style mixing, lazy R1
    (the base's option, on by default here) and lazy path length regularization (see the
    module docstring). The generator must be style-based: a
    `keras_gan.networks.stylegan2.StyleGAN2Generator` (images; the paper's discriminator
    is `stylegan2_discriminator`) or `StyleGAN2VectorGenerator` (toy vectors, with
    `stylegan2_mlp_discriminator`); the discriminator any model of its samples.

    Training noise is structured: `sample_latent` returns a dict `{"z", "z_mix",
    "mix_cutoff", "noise_seed"}` drawn from the step's stateless seed, which the
    generator's training call understands. Logged values: `d_loss` and `g_loss` (totals,
    including the lazy terms), `r1` and `pl_penalty` (the lazy terms as added, zero on
    the steps in between: their epoch mean equals the non-lazy penalty's mean) and
    `pl_mean`.

    Args:
        generator: StyleGAN2Generator or StyleGAN2VectorGenerator.
        discriminator: keras.Model. Samples -> logits `[B, 1]`.
        r1_gamma: float. R1 weight gamma (the penalty is `gamma / 2 * E||grad||^2`);
            0 disables it. Defaults to 10 (the paper's FFHQ value; small data sets at
            low resolution want much less, see the recipe).
        regularization_interval: int. Lazy R1 (and R2): every this many training steps,
            scaled by it. Defaults to 16.
        pl_weight: float. Path length weight; 0 disables it. Defaults to 2.
        pl_interval: int. Every this many G steps, scaled by it. Defaults to 4.
        pl_decay: float. Decay rate of the running mean `pl_mean`:
            `a <- a + pl_decay * (mean(lengths) - a)`. Defaults to 0.01.
        pl_batch_shrink: int. The path length batch is the G batch divided by this.
            Defaults to 2.
        style_mixing_prob: float. Probability that a training sample mixes two styles.
            Defaults to 0.9.
        **kwargs: passed to `GAN` (`ema_decay`, e.g. `ema_decay_for_half_life(batch)`,
            StyleGAN2's half-life of 10k images; `ema_rampup`, ADA's ramp-up; `seed`,
            `d_steps`, ...).

    Example:
    ```python
    gan = keras_gan.models.stylegan2(image_shape=(32, 32, 1), latent_dim=64,
                                     channel_base=512, channel_max=32, r1_gamma=0.1)
    gan.compile(g_optimizer=keras.optimizers.Adam(0.0025, beta_1=0.0, beta_2=0.99),
                d_optimizer=keras.optimizers.Adam(0.0025, beta_1=0.0, beta_2=0.99))
    gan.fit(dataset, epochs=10)
    images = gan.generate(16, seed=0, truncation_psi=0.7)
    ```
    """

    variant = "stylegan2"

    def __init__(
        self,
        generator,
        discriminator,
        r1_gamma=10.0,
        regularization_interval=16,
        pl_weight=2.0,
        pl_interval=4,
        pl_decay=0.01,
        pl_batch_shrink=2,
        style_mixing_prob=0.9,
        **kwargs,
    ):
        if not isinstance(generator, StyleBasedGenerator):
            raise ValueError(
                "`generator` must be a style-based generator, "
                "keras_gan.networks.stylegan2.StyleGAN2Generator or StyleGAN2VectorGenerator "
                "(mixing and path length regularization need its style vectors). Received: "
                f"generator={generator!r}"
            )
        if isinstance(pl_weight, bool) or not isinstance(pl_weight, (int, float)) or pl_weight < 0:
            raise ValueError(f"`pl_weight` must be a number >= 0. Received: pl_weight={pl_weight!r}")
        for name, value in (
            ("pl_interval", pl_interval),
            ("pl_batch_shrink", pl_batch_shrink),
        ):
            _check_positive(name, value, integer=True)
        if not 0.0 < pl_decay <= 1.0:
            raise ValueError(f"`pl_decay` must be in (0, 1]. Received: pl_decay={pl_decay!r}")
        if not 0.0 <= style_mixing_prob <= 1.0:
            raise ValueError(
                f"`style_mixing_prob` must be in [0, 1]. Received: style_mixing_prob={style_mixing_prob!r}"
            )
        super().__init__(
            generator,
            discriminator,
            r1_gamma=r1_gamma,
            regularization_interval=regularization_interval,
            **kwargs,
        )
        self.pl_weight = float(pl_weight)
        self.pl_interval = pl_interval
        self.pl_decay = float(pl_decay)
        self.pl_batch_shrink = pl_batch_shrink
        self.style_mixing_prob = float(style_mixing_prob)
        # Assigned inside the train step: "only_first_replica" lets every replica assign
        # (the value is the same on all: the lengths' mean is all-reduced).
        self.pl_mean = keras.Variable(
            0.0, trainable=False, aggregation="only_first_replica", name="pl_mean"
        )

    # ------------------------------------------------------------------ noise

    def sample_latent(self, batch_size, seed):
        """The training input of the generator for this replica (see `StyleGAN2Generator`).

        `{"z": z, "z_mix": z2, "mix_cutoff": cutoff, "noise_seed": seed}`; without style
        mixing (`style_mixing_prob=0`) only z and the noise seed. Each part has its own
        stream under `fold(seed, streams.LATENT_PARTS)`, apart from the step's
        augmentation and penalty streams (`keras_gan.streams`).
        """
        parts = streams.fold(seed, streams.LATENT_PARTS)
        inputs = {
            "z": super().sample_latent(batch_size, streams.fold(parts, streams.STYLE_Z)),
            "noise_seed": streams.fold(parts, streams.NOISE_INPUTS),
        }
        if self.style_mixing_prob > 0:
            inputs["z_mix"] = super().sample_latent(batch_size, streams.fold(parts, streams.MIX_Z))
            inputs["mix_cutoff"] = self.mixing_cutoffs(batch_size, streams.fold(parts, streams.MIX_CUTOFF))
        return inputs

    def mixing_cutoffs(self, batch_size, seed):
        """Per-sample crossover layers `[batch_size]` int32: uniform in `[1, num_ws)` with
        probability `style_mixing_prob`, else `num_ws` (no mixing). (The official code
        draws one crossover per batch; one per sample mixes as often, with less variance.)"""
        num_ws = self.generator.num_ws
        prob = self.style_mixing_prob

        def draw(n, s):
            layer = tf.random.stateless_uniform(
                (n,), streams.fold(s, streams.CUTOFF_LAYER), minval=1, maxval=num_ws, dtype=tf.int32
            )
            mixed = tf.random.stateless_uniform((n,), streams.fold(s, streams.CUTOFF_MIXED)) < prob
            return tf.where(mixed, layer, num_ws)

        return replica_slice(draw, batch_size, seed)

    # --------------------------------------------------------------- penalties

    def tracked_loss_names(self):
        names = ["d_loss", "g_loss"]
        if self.pl_weight:
            names += ["pl_penalty", "pl_mean"]
        return tuple(names)

    def generator_regularization(self, batch):
        """Lazy path length regularization: `{"pl_penalty": pl_interval * penalty}` every
        `pl_interval` G steps (when the G step counter is a multiple of it), else 0; logs
        `pl_mean`.

        Runs on the first `batch / pl_batch_shrink` samples of this step's latents (with
        their style mixing and noise seed), with `y ~ N(0, I)` drawn from `seed` (this
        replica's slice of a global draw, `path_length_direction`). Only the lengths are
        computed conditionally: the all-replica mean and the `pl_mean` update run on every
        step (a no-op when not due), because a cross-replica reduction cannot sit inside
        a conditional branch under MirroredStrategy."""
        if not self.pl_weight:
            return Objective({})
        z, seed = batch.z, batch.seed
        batch = tf.maximum(tf.shape(z["z"])[0] // self.pl_batch_shrink, 1)

        def lengths():
            ws = self.generator.styles(
                z["z"][:batch],
                z_mix=z["z_mix"][:batch] if "z_mix" in z else None,
                mix_cutoff=z["mix_cutoff"][:batch] if "mix_cutoff" in z else None,
                training=True,
            )
            return self._path_lengths(ws, z["noise_seed"], self.path_length_direction(batch, seed))

        due = tf.equal(self.g_optimizer.iterations % self.pl_interval, 0)
        values = tf.cond(due, lengths, lambda: tf.zeros([batch]))
        penalty = self._path_length_penalty(values, due)
        return Objective({"pl_penalty": tf.cast(self.pl_interval, penalty.dtype) * penalty},
                         {"pl_mean": tf.convert_to_tensor(self.pl_mean)})

    def path_length_direction(self, batch_size, seed):
        """`y ~ N(0, I)` of the samples' shape for this replica (before the 1/sqrt(H W)
        scaling), from `fold(seed, streams.PATH_LENGTH_DIRECTION)` of the penalty seed."""
        return replica_slice(
            lambda n, s: tf.random.stateless_normal((n, *self.image_shape), seed=s),
            batch_size,
            streams.fold(seed, streams.PATH_LENGTH_DIRECTION),
        )

    def path_length_penalty(self, ws, noise_seed, noise):
        """`pl_weight * mean_b (length_b - a)^2`, updating `a` (`pl_mean`).

        `lengths = path_lengths(synthesis, ws, noise)` with the generator's synthesis
        ("random" noise from `noise_seed`); `a = pl_mean + pl_decay * (mean(lengths) -
        pl_mean)`, the mean taken over all replicas, is assigned to `pl_mean` and used in
        the penalty with its gradient, as in the official implementation.

        Args:
            ws: Tensor `[B, num_ws, w_dim]`.
            noise_seed: int Tensor `[2]`. Seed of the synthesis noise inputs.
            noise: Tensor `[B, H, W, C]` (`[B, C]` for vectors), N(0, 1) draws (the `y`
                of the paper, before the 1/sqrt(H W) scaling).

        Returns:
            Scalar (not multiplied by `pl_interval`).
        """
        return self._path_length_penalty(self._path_lengths(ws, noise_seed, noise), True)

    def _path_lengths(self, ws, noise_seed, noise):
        return path_lengths(
            lambda w: self.generator.synthesis(w, noise_mode="random", noise_seed=noise_seed, training=True),
            ws,
            noise,
        )

    def _path_length_penalty(self, lengths, due):
        mean_length = tf.reduce_mean(lengths)
        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            # Differentiable: the gradient of an all-reduce mean is an all-reduce mean.
            mean_length = context.all_reduce(tf.distribute.ReduceOp.MEAN, mean_length)
        updated = self.pl_mean + self.pl_decay * (mean_length - self.pl_mean)
        target = tf.where(due, updated, tf.convert_to_tensor(self.pl_mean))
        self.pl_mean.assign(tf.stop_gradient(target))
        penalty = self.pl_weight * tf.reduce_mean(tf.square(lengths - target))
        return tf.where(due, penalty, tf.zeros_like(penalty))

    def checkpoint_extras(self):
        """State beyond G, D, optimizers and EMA that a resumed run needs."""
        return {"pl_mean": self.pl_mean}

    # --------------------------------------------------------------- sampling

    generation_options = ("truncation_psi", "noise_mode")

    def generate_batches(self, generator, inputs, batch_size, seed, truncation_psi=None, noise_mode=None):
        """`generate`'s samples, with StyleGAN2's options: `gan.generate(n, seed,
        truncation_psi=0.7, noise_mode="random")`.

        Args:
            truncation_psi: float or None. Truncation in W; None uses the generator's
                (1 unless built otherwise). Defaults to None.
            noise_mode: "random", "const", "none" or None (the generator's, "const").
                Defaults to None. With "random", batch i's noise inputs come from the seed
                `[seed, i]` (same seed, same samples).
        """
        if truncation_psi is None and noise_mode is None:
            return super().generate_batches(generator, inputs, batch_size, seed)
        images = []
        for i, start in enumerate(range(0, len(inputs), batch_size)):
            noise_seed = None if seed is None else tf.constant([int(seed), i], tf.int32)
            images.append(
                generator.sample(
                    inputs[start : start + batch_size],
                    truncation_psi=truncation_psi,
                    noise_mode=noise_mode,
                    noise_seed=noise_seed,
                ).numpy()
            )
        return np.concatenate(images)

    def describe(self):
        """The facts, with `synthesis_noise: "random"`: the generator trains with fresh noise
        inputs, so samples for evaluation draw them too (as the StyleGAN2-ADA metrics do)."""
        return {**super().describe(), "synthesis_noise": "random"}

    # ----------------------------------------------------------------- config

    def get_config(self):
        return {
            **super().get_config(),
            "pl_weight": self.pl_weight,
            "pl_interval": self.pl_interval,
            "pl_decay": self.pl_decay,
            "pl_batch_shrink": self.pl_batch_shrink,
            "style_mixing_prob": self.style_mixing_prob,
        }


def stylegan2(
    image_shape=(32, 32, 1),
    latent_dim=64,
    mapping_layers=8,
    channel_base=4096,
    channel_max=128,
    mbstd_group_size=4,
    **kwargs,
):
    """A `StyleGAN2` with the paper's networks for an image shape.

    Args:
        image_shape: tuple. `(size, size, channels)`, size a power of two from 8 to 256.
            Defaults to (32, 32, 1).
        latent_dim: int. Size of z and w. Defaults to 64.
        mapping_layers: int. Defaults to 8.
        channel_base: int. Feature maps at resolution r are
            `min(channel_base // r, channel_max)` in both networks. Defaults to 4096.
        channel_max: int. Defaults to 128.
        mbstd_group_size: int. Minibatch standard deviation group size. Defaults to 4.
        **kwargs: passed to `StyleGAN2` (`r1_gamma`, `pl_weight`, `ema_decay`, `seed`, ...).

    Returns:
        A `StyleGAN2` model (not compiled).
    """
    generator = StyleGAN2Generator(
        latent_dim=latent_dim,
        image_shape=image_shape,
        mapping_layers=mapping_layers,
        channel_base=channel_base,
        channel_max=channel_max,
    )
    discriminator = stylegan2_discriminator(
        image_shape, channel_base=channel_base, channel_max=channel_max, mbstd_group_size=mbstd_group_size
    )
    return StyleGAN2(generator, discriminator, **kwargs)
