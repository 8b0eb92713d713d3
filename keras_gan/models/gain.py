"""GAIN: missing-data imputation with a GAN (Yoon, Jordon & van der Schaar 2018)."""

import numbers

import keras
import numpy as np
import tensorflow as tf

from keras_gan import losses
from keras_gan.models.two_networks import TwoNetworks, check_optimizers, deserialize_networks
from keras_gan.replicas import replica_info, replica_slice

# Streams of a step's stateless draws (folded into the (seed, step) seed).
_NOISE, _HINT, _DROP = 1, 2, 3


def _global_observed_fraction(mask):
    """mean(M) over the global batch: the same denominator on every replica."""
    local = tf.stack([tf.reduce_sum(mask), tf.cast(tf.size(mask), mask.dtype)])
    context = tf.distribute.get_replica_context()
    if context is not None and context.num_replicas_in_sync > 1:
        local = context.all_reduce("sum", local)
    return local[0] / local[1]


@keras.saving.register_keras_serializable(package="keras_gan")
class GAIN(TwoNetworks, keras.Model):
    """Generative Adversarial Imputation Nets (Yoon et al. 2018, arXiv:1806.02920).

    Data arrive with a mask M (1 = observed, 0 = missing). G sees `x~ = M x + (1 - M) z`
    (noise z ~ U[0, noise_scale) in the missing entries) and M, and outputs `G(x~, M)` for
    every entry; the completed sample is `x^ = M x + (1 - M) G`. D sees `x^` and a hint
    `H = B M` (B ~ Bernoulli(hint_rate)) and predicts M entry by entry:

        L_D = -mean[M log D + (1 - M) log(1 - D)]
        L_G = -mean[(1 - M) log D] + alpha * mean[M (x - G)^2] / mean[M]

    One D step then one G step per batch, on the same batch, noise and hint (the authors'
    code). Paper defaults: hint_rate 0.9, alpha 100, batch 128, Adam(1e-3), 10,000 steps,
    data min-max normalized to [0, 1] (see `keras_gan.data.TableEncoder`).

    Samples can have any shape: table rows `[d]` or images `[H, W, C]` (inpainting with any
    mask: random pixels or blocks). Train with `fit` on `(x, mask)` batches; the missing
    entries of `x` are ignored (they may be NaN).

    Works under `tf.distribute` strategies: noise and hints are stateless functions of
    (seed, step), each replica keeping its slice of one global draw; losses are divided by
    the number of replicas and the reconstruction term uses the global batch's observed
    fraction; trackers log the unscaled values.

    Args:
        generator: keras.Model `[x~, mask] -> [batch, *shape]` in [0, 1].
        discriminator: keras.Model `[x^, hint] -> logits [batch, *shape]`.
        hint_rate: float in [0, 1]. h. Defaults to 0.9.
        alpha: float >= 0. Weight of the reconstruction term. Defaults to 100.
        noise_scale: float >= 0. z ~ U[0, noise_scale) in the missing entries (the
            authors' code uses 0.01). Defaults to 0.01.
        seed: int. Base seed of the training noise and hints. Defaults to 0.
        drop_rate: float in [0, 1). Not in the paper (a denoising variant, as in MIDA,
            Gondara & Wang 2018): each step also hides this fraction of the *observed*
            entries from G (and D treats them as missing), while the reconstruction term
            still scores them, so G learns to predict entries it cannot see rather than
            only to copy its input there. Defaults to 0 (GAIN as published).
        reconstruction_target: "observed" or "dropped". Which entries the reconstruction
            term scores: every observed entry (the paper), or, with `drop_rate > 0`, only
            the observed entries hidden from G this step (a pure prediction objective: G's
            output on entries it sees is replaced by the data anyway). Defaults to
            "observed".

    Example:
    ```python
    shape = (x.shape[1],)
    gain = keras_gan.models.GAIN(keras_gan.networks.gain_generator(shape),
                                 keras_gan.networks.gain_discriminator(shape))
    gain.compile(g_optimizer=keras.optimizers.Adam(1e-3),
                 d_optimizer=keras.optimizers.Adam(1e-3))
    gain.fit(tf.data.Dataset.from_tensor_slices((x, mask)).shuffle(len(x)).repeat().batch(128),
             steps_per_epoch=1000, epochs=10)
    completed = gain.impute(x, mask, seed=0)
    ```
    """

    variant = "gain"

    def __init__(self, generator, discriminator, hint_rate=0.9, alpha=100.0, noise_scale=0.01,
                 seed=0, drop_rate=0.0, reconstruction_target="observed", **kwargs):
        super().__init__(**kwargs)
        for name, net in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(net, keras.Model) or len(net.inputs or []) != 2:
                raise ValueError(
                    f"`{name}` must be a keras.Model with two inputs "
                    f"([x, mask] for G, [x_hat, hint] for D). Received: {name}={net!r}"
                )
        for name, value, upper in (("hint_rate", hint_rate, 1.0), ("alpha", alpha, None),
                                   ("noise_scale", noise_scale, None)):
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < 0 or (
                upper is not None and value > upper
            ):
                expected = "a float in [0, 1]" if upper else "a float >= 0"
                raise ValueError(f"`{name}` must be {expected}. Received: {name}={value!r}")
        if not isinstance(drop_rate, numbers.Real) or isinstance(drop_rate, bool) or not 0.0 <= drop_rate < 1.0:
            raise ValueError(f"`drop_rate` must be a float in [0, 1). Received: drop_rate={drop_rate!r}")
        if reconstruction_target not in ("observed", "dropped"):
            raise ValueError(
                '`reconstruction_target` must be "observed" or "dropped". '
                f"Received: reconstruction_target={reconstruction_target!r}"
            )
        if reconstruction_target == "dropped" and drop_rate == 0:
            raise ValueError(
                '`reconstruction_target="dropped"` needs `drop_rate > 0` (nothing is dropped). '
                f"Received: drop_rate={drop_rate!r}"
            )
        g_shape = tuple(generator.output_shape[1:])
        d_shape = tuple(discriminator.output_shape[1:])
        if g_shape != d_shape:
            raise ValueError(
                "The generator and the discriminator must output one value per entry of the "
                f"same sample shape. Received: generator output {g_shape}, discriminator "
                f"output {d_shape}"
            )
        self.generator = generator
        self.discriminator = discriminator
        self.hint_rate = float(hint_rate)
        self.alpha = float(alpha)
        self.noise_scale = float(noise_scale)
        self.seed = int(seed)
        self.drop_rate = float(drop_rate)
        self.reconstruction_target = reconstruction_target
        self.g_optimizer = None
        self.d_optimizer = None
        self._trackers = {}
        self.built = True  # both networks arrive built (see GAN.__init__)

    # ----------------------------------------------------------------- public API

    @property
    def sample_shape(self):
        """Shape of one sample, e.g. `(30,)` or `(28, 28, 1)`."""
        return tuple(int(d) for d in self.generator.output_shape[1:])

    @property
    def ema_weights(self):
        """No EMA: for `keras_gan.checkpoints.gan_checkpoint`."""
        return []


    def call(self, inputs, training=False):
        """`[x~, mask] -> G(x~, mask)` (the raw generator output for every entry)."""
        return self.generator(inputs, training=training)

    def compile(self, g_optimizer, d_optimizer, jit_compile=False, **kwargs):
        """Sets and builds both optimizers (inside `strategy.scope()`; see `GAN.compile`)."""
        check_optimizers(g_optimizer, d_optimizer)
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self._trackers = {n: keras.metrics.Mean(name=n)
                          for n in ("d_loss", "g_loss", "adversarial", "reconstruction")}

    def describe(self):
        return {"variant": self.variant, "sample_shape": list(self.sample_shape),
                "step": self.step, "value_range": [0.0, 1.0]}

    def impute(self, x, mask, seed=0, num_imputations=1, return_draws=False, batch_size=1024):
        """Completes `x`: the observed entries unchanged, G's values in the missing ones.

        Args:
            x: array `[n, *shape]`, normalized data; missing entries may hold anything (NaN).
            mask: array of the same shape, 1 (or True) where observed.
            seed: int. Seed of the noise in the missing entries. Defaults to 0.
            num_imputations: int. K draws with independent noise (multiple imputation);
                the result is their mean. Defaults to 1.
            return_draws: bool. Also return the K draws `[K, n, *shape]`. Defaults to False.
            batch_size: int. Generator batch size. Defaults to 1024.

        Returns:
            The completed array (float32), or `(mean, draws)` with `return_draws`.
        """
        x = np.asarray(x, dtype="float32")
        mask = np.asarray(mask).astype(bool)
        if x.shape != mask.shape or x.shape[1:] != self.sample_shape:
            raise ValueError(
                f"`x` and `mask` must both have shape [n, {', '.join(map(str, self.sample_shape))}]. "
                f"Received: x.shape={x.shape}, mask.shape={mask.shape}"
            )
        if not isinstance(num_imputations, (int, np.integer)) or num_imputations < 1:
            raise ValueError(
                f"`num_imputations` must be a positive integer. Received: num_imputations={num_imputations!r}"
            )
        observed = np.where(mask, x, 0.0).astype("float32")
        if not np.all(np.isfinite(observed)):
            raise ValueError("`x` has non-finite values in observed entries (where `mask` is 1).")
        m = mask.astype("float32")
        rng = np.random.default_rng(seed)
        draws = []
        for _ in range(num_imputations):
            z = rng.uniform(0.0, self.noise_scale, size=x.shape).astype("float32")
            filled = np.where(mask, observed, z)
            g = self.generator.predict([filled, m], batch_size=batch_size, verbose=0)
            draws.append(np.where(mask, observed, g).astype("float32"))
        draws = np.stack(draws)
        completed = draws.mean(axis=0) if num_imputations > 1 else draws[0]
        # The mean of equal observed values is that value, but keep them bit-exact.
        completed = np.where(mask, observed, completed).astype("float32")
        return (completed, draws) if return_draws else completed

    # --------------------------------------------------------------- the step

    def _draw_uniform(self, batch_size, stream, maxval):
        shape = self.sample_shape
        return replica_slice(
            lambda n, s: tf.random.stateless_uniform((n, *shape), seed=s, maxval=maxval),
            batch_size,
            self._step_seed(stream),
        )

    def unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                "GAIN trains on `(x, mask)` batches (mask 1 where observed). "
                f"Received: {type(data).__name__} of length {len(data) if isinstance(data, (tuple, list)) else 1}"
            )
        x, mask = data
        mask = tf.cast(mask, self.compute_dtype)
        x = tf.cast(x, self.compute_dtype)
        # Missing entries may be NaN: 0 * NaN is NaN, so select rather than multiply.
        x = tf.where(mask > 0, x, tf.zeros_like(x))
        return x, mask

    def train_step(self, data):
        x, mask = self.unpack(data)
        _, num_replicas = replica_info()
        batch_size = tf.shape(x)[0]
        noise = self._draw_uniform(batch_size, _NOISE, self.noise_scale)
        uniform = self._draw_uniform(batch_size, _HINT, 1.0)
        target = mask  # the entries the reconstruction term scores
        if self.drop_rate > 0.0:
            keep = tf.cast(self._draw_uniform(batch_size, _DROP, 1.0) >= self.drop_rate, mask.dtype)
            if self.reconstruction_target == "dropped":
                target = mask * (1.0 - keep)
            mask = mask * keep  # what G sees and D must tell apart
        observed_fraction = _global_observed_fraction(target)
        hint = losses.gain_hint(mask, uniform, self.hint_rate)
        x_tilde = mask * x + (1.0 - mask) * noise

        with tf.GradientTape() as g_tape:
            generated = self.generator([x_tilde, mask], training=True)
            x_hat = mask * x + (1.0 - mask) * generated
            # D's step first, on G's current output (the authors' order); G's forward pass
            # is the same before and after D's update, so it is computed once.
            with g_tape.stop_recording():
                x_hat_d = tf.stop_gradient(x_hat)
                with tf.GradientTape() as d_tape:
                    d_logits = self.discriminator([x_hat_d, hint], training=True)
                    d_loss = losses.gain_discriminator_loss(d_logits, mask)
                    scaled = self.d_optimizer.scale_loss(d_loss / num_replicas)
                d_vars = self.discriminator.trainable_variables
                self.d_optimizer.apply_gradients(zip(d_tape.gradient(scaled, d_vars), d_vars))
            logits = self.discriminator([x_hat, hint], training=True)
            adversarial = losses.gain_generator_loss(logits, mask)
            reconstruction = losses.gain_reconstruction_loss(x, generated, target, observed_fraction)
            g_loss = adversarial + self.alpha * reconstruction
            scaled = self.g_optimizer.scale_loss(g_loss / num_replicas)
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(scaled, g_vars), g_vars))
        return self._update_trackers({"d_loss": d_loss, "g_loss": g_loss,
                                      "adversarial": adversarial, "reconstruction": reconstruction})

    def test_step(self, data):
        x, mask = self.unpack(data)
        batch_size = tf.shape(x)[0]
        noise = self._draw_uniform(batch_size, 10_000 + _NOISE, self.noise_scale)
        uniform = self._draw_uniform(batch_size, 10_000 + _HINT, 1.0)
        hint = losses.gain_hint(mask, uniform, self.hint_rate)
        generated = self.generator([mask * x + (1.0 - mask) * noise, mask], training=False)
        x_hat = mask * x + (1.0 - mask) * generated
        logits = self.discriminator([x_hat, hint], training=False)
        adversarial = losses.gain_generator_loss(logits, mask)
        reconstruction = losses.gain_reconstruction_loss(x, generated, mask, _global_observed_fraction(mask))
        return self._update_trackers({
            "d_loss": losses.gain_discriminator_loss(logits, mask),
            "g_loss": adversarial + self.alpha * reconstruction,
            "adversarial": adversarial, "reconstruction": reconstruction,
        })

    # --------------------------------------------------------------- config

    def get_config(self):
        return {
            "name": self.name,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "hint_rate": self.hint_rate,
            "alpha": self.alpha,
            "noise_scale": self.noise_scale,
            "seed": self.seed,
            "drop_rate": self.drop_rate,
            "reconstruction_target": self.reconstruction_target,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**deserialize_networks(config))


def gain(shape, hidden_units=None, generator_units=None, generator_dropout=0.0,
         refinement_steps=0, **kwargs):
    """A GAIN with the paper's networks for samples of `shape` (uncompiled).

    `hidden_units` sets both networks' widths (None: the paper's), `generator_units` G's
    alone (None: `hidden_units`); `generator_dropout` and `refinement_steps` are
    `networks.gain_generator`'s `dropout_rate` and `refinement_steps` (0 and 0: the paper's
    G). Other keyword arguments go to `GAIN`.
    """
    from keras_gan import networks

    units = hidden_units if generator_units is None else generator_units
    generator = networks.gain_generator(shape, units, dropout_rate=generator_dropout,
                                        refinement_steps=refinement_steps)
    return GAIN(generator,
                networks.gain_discriminator(shape, hidden_units), **kwargs)
