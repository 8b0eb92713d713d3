"""The base GAN: a `keras.Model` whose `train_step` is the adversarial objective.

A variant is a subclass that declares what differs, through these hooks (every one has a
default here, none is discovered by `getattr`):

- the objective, ONE hook per side: `discriminator_objective(batch)` and
  `generator_objective(batch)` get a `Batch` (D's views of the real and generated samples,
  their labels, the z that made them, a seed, the training flag) and return an
  `Objective`: named, already weighted terms `{name: scalar}` whose sum the player
  minimises, and metrics logged beside them. The primary term is named "adversarial"
  (`ADVERSARIAL`) and is not logged on its own: the base logs the totals `d_loss` /
  `g_loss` and every term or metric named in `tracked_loss_names()` (so history columns
  are what they were: `gp`, `d_class_loss`, `info_loss`, `supervised_loss`, ...);
- regularization, which the base adds in training steps only: R1 / R2
  (`r1_gamma`, `r2_gamma`, lazily, for every variant; `regularization_conditions` says
  what D scores the samples with, BiGAN's codes) and `generator_regularization(batch)`
  (StyleGAN2's path length penalty);
- the players' inputs: `sample_latent`, `sample_labels`, `generator_inputs`, `discriminate`;
- the players' variables and updates: `generator_variables`, `discriminator_variables`,
  `after_discriminator_step`, `after_generator_step`, `ema_beta`;
- sampling: `generation_inputs` (what `generate` feeds G: InfoGAN's codes) and
  `generate_batch` (StyleGAN2's truncation and noise modes);
- state: `checkpoint_extras` (BiGAN's encoder, StyleGAN2's `pl_mean`), `describe`.

`test_step` evaluates the same two objective hooks (without updates and without the
training-only regularization), so `evaluate` reports each variant's own objective. The
loss math itself lives in `keras_gan.losses`; the hooks only call it.
"""
from types import MappingProxyType
from typing import Mapping, NamedTuple

import keras
import numpy as np
import tensorflow as tf

from keras_gan import augment as augment_lib
from keras_gan import losses, sampling, streams
from keras_gan.data import ranges
from keras_gan.replicas import replica_info, replica_slice
from keras_gan.models import ema as ema_lib
from keras_gan.models import packing, regularization
from keras_gan.models.two_networks import TwoNetworks, check_optimizers, deserialize_networks
from keras_gan.networks.spectral import update_spectral_norms

GENERATOR_LOSSES = ("non_saturating", "minimax")
# Fold-in constants within a step's stream (all of them are listed in keras_gan.streams):
# the augmentation seeds of real and fake batches and the seed handed to the loss hooks.
_AUGMENT_REAL, _AUGMENT_FAKE, _PENALTY = streams.AUGMENT_REAL, streams.AUGMENT_FAKE, streams.PENALTY

#: Name of a variant's primary (adversarial) loss term in an `Objective`. Not logged: the
#: logged values are the totals `d_loss` / `g_loss` and the names of `tracked_loss_names`.
ADVERSARIAL = "adversarial"


class Batch(NamedTuple):
    """What a loss hook sees of one D or G step (or of `test_step`).

    Attributes:
        real: Tensor. D's view of the real samples (DiffAugment, then PacGAN packs).
        real_labels: int Tensor `[B]` or None. Their labels (SGAN: -1 when unlabelled).
        z: Tensor or dict. The latents that made `fake` (`sample_latent`'s output:
            InfoGAN's codes are in it, StyleGAN2's is a dict).
        fake: Tensor. D's view of the generated samples; in a G step, differentiable
            with respect to G.
        fake_labels: int Tensor `[B]` or None. The labels G was given.
        seed: int Tensor `[2]`. A stateless seed for the hook's own draws (WGAN-GP's
            interpolation weights), independent of z and the labels.
        training: bool. True in train steps; False in `test_step` (D's dropout and batch
            normalization in inference mode).
    """

    real: object
    real_labels: object
    z: object
    fake: object
    fake_labels: object
    seed: object
    training: bool = True


class Objective(NamedTuple):
    """A loss hook's answer: `terms` `{name: scalar}`, already weighted, whose sum is what
    the player minimises, and `metrics` `{name: scalar}`, values logged beside them but not
    added (e.g. ACGAN's unweighted class cross-entropy, InfoGAN's mutual information
    bound). Only the names in `tracked_loss_names` are logged."""

    terms: dict
    # Read-only: one default shared by every Objective must not be written to.
    metrics: Mapping = MappingProxyType({})

    @property
    def total(self):
        """The sum of the terms, in their order (0 without terms)."""
        return sum(self.terms.values())


def _logs(total_name, *objectives):
    """`{total_name: sum of every term, **terms, **metrics}`; the sum runs objective by
    objective, term by term, in order (the variant's terms first, then regularization)."""
    total, logs = None, {}
    for objective in objectives:
        if objective.terms:
            total = objective.total if total is None else total + objective.total
        logs.update(objective.terms)
        logs.update(objective.metrics)
    return {total_name: total, **logs}


@keras.saving.register_keras_serializable(package="keras_gan")
class GAN(TwoNetworks, keras.Model):
    """Generative Adversarial Network (Goodfellow et al. 2014, arXiv:1406.2661).

    The discriminator D and the generator G play
    `min_G max_D E_x[log D(x)] + E_z[log(1 - D(G(z)))]`, optimised by alternating
    updates: `d_steps` discriminator steps with G fixed, each on a fresh slice of the real
    batch, then one generator step. G minimises `log(1 - D(G(z)))` ("minimax") or, as the
    paper recommends in practice, maximises `log D(G(z))` ("non_saturating", the default).

    Works under `tf.distribute` strategies: noise is drawn per replica, each loss is
    divided by the number of replicas (gradients are summed across replicas), and the
    logged losses are the true, unscaled values. Create the model and call `compile`
    inside `strategy.scope()`.

    Args:
        generator: keras.Model. Maps z `[batch, latent_dim]` (and, for conditional
            variants, labels `[batch]`) to samples in [-1, 1].
        discriminator: keras.Model. Maps samples to logits `[batch, 1]` (any rank).
        latent_dim: int or None. Size of z; inferred from the generator's first input
            when None. Defaults to None.
        d_steps: int. Discriminator steps per generator step. Each D step uses its own
            `1/d_steps` of the incoming real batch (D step k takes rows k, k + d_steps,
            k + 2 d_steps, ...: a strided split, so N replicas see together exactly the
            rows one device sees), so feed batches of `d_steps * batch_size`. Defaults to 1.
        generator_loss: "non_saturating" or "minimax". Defaults to "non_saturating".
        label_smoothing: float. One-sided label smoothing of D's real targets
            (Salimans et al. 2016). Defaults to 0.
        ema_decay: float or None. When set, keeps an exponential moving average of G's
            weights (`ema_generator`), used by `generate` and export: the decay per G
            step in steady state (`keras_gan.models.ema.ema_decay_for_half_life(batch)`
            gives StyleGAN2's half-life of 10k images). Defaults to None.
        ema_rampup: float or None. With `ema_decay`, ramps the EMA's half-life up from
            zero as StyleGAN2-ADA does: `min(half-life, step * ema_rampup)` G steps
            (`keras_gan.models.ema.ema_beta`; ADA uses 0.05), so that early in a run the
            average follows G instead of holding its initial weights. None keeps
            `ema_decay` from the first step. Defaults to None.
        seed: int. Base seed of the training noise; training noise is a pure function of
            (seed, step), so a resumed run draws what the uninterrupted run drew.
            Defaults to 0.
        augment: None, a DiffAugment policy string (e.g. "color,translation,cutout"), a
            config dict or a `keras_gan.augment.DiffAugment`. When set, every input of D,
            real and generated, in the D and the G step, goes through the same random
            differentiable augmentation policy (Zhao et al. 2020, arXiv:2006.10738); the
            `real` and `fake` given to the loss hooks are then the augmented batches.
            Images only. Defaults to None.
        r1_gamma: float. Weight gamma of the R1 penalty `gamma / 2 * E[||grad D(x)||^2]` on
            real data (Mescheder et al. 2018, arXiv:1801.04406), logged as "r1".
            Defaults to 0 (off).
        r2_gamma: float. The same on generated data (R2), logged as "r2". Defaults to 0.
        regularization_interval: int. Lazy regularization (Karras et al. 2020): R1/R2 are
            computed only on training steps where `step % interval == 0` and multiplied by
            `interval` there (in every D step of such a training step). Defaults to 1.
        reuse_generator_pass: bool. When True, the last D step's generated batch also
            serves the G step: G's forward pass runs once, recorded on the G step's tape,
            instead of once for D and again with fresh noise for G. Saves one generator
            forward pass per training step (18% of the TF-tutorial DCGAN step's FLOPs, 9%
            of the 32 px dcgan recipe's); the G step then scores the very samples D was
            just updated on, which on MNIST took more steps to a given FID (see
            benchmarks/README.md). Defaults to False (the paper's alternating updates with
            fresh noise).
        pack: int. PacGAN packing degree m (Lin et al. 2018, arXiv:1712.04086): D scores
            packs of m samples concatenated along the last (feature/channel) axis, real with
            real and generated with generated (`keras_gan.models.packing.pack_samples`),
            so `discriminator` must take samples m times wider on that axis. Packing
            happens after augmentation and before the loss hooks: losses and penalties
            (R1/R2, WGAN-GP) see D's actual inputs, the packs, and average over packs.
            Each replica packs its own rows, which are a contiguous slice of the global
            batch, so N replicas form the packs one device forms. The batch (per replica
            and per D step) must divide by m. Only variants whose D scores single
            unlabelled samples support it (`packable`). Defaults to 1 (no packing).

    Example:
    ```python
    gan = keras_gan.models.GAN(
        keras_gan.networks.mlp_generator(64, (2,), output_activation=None),
        keras_gan.networks.mlp_discriminator((2,)),
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-4),
                d_optimizer=keras.optimizers.Adam(1e-4))
    gan.fit(dataset, epochs=10)
    samples = gan.generate(1000, seed=0)
    ```
    """

    variant = "gan"
    # Whether `pack > 1` is supported: False where D scores more than a sample (labels,
    # (x, z) pairs, latent codes, classes).
    packable = True

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        d_steps=1,
        generator_loss="non_saturating",
        label_smoothing=0.0,
        ema_decay=None,
        ema_rampup=None,
        seed=0,
        augment=None,
        r1_gamma=0.0,
        r2_gamma=0.0,
        regularization_interval=1,
        reuse_generator_pass=False,
        pack=1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(generator, keras.Model):
            raise ValueError(
                f"`generator` must be a keras.Model. Received: generator={generator!r}"
            )
        if not isinstance(discriminator, keras.Model):
            raise ValueError(
                "`discriminator` must be a keras.Model. "
                f"Received: discriminator={discriminator!r}"
            )
        if generator_loss not in GENERATOR_LOSSES:
            raise ValueError(
                f"`generator_loss` must be one of {GENERATOR_LOSSES}. "
                f"Received: generator_loss={generator_loss!r}"
            )
        if not isinstance(d_steps, int) or d_steps < 1:
            raise ValueError(f"`d_steps` must be a positive integer. Received: d_steps={d_steps!r}")
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                f"`label_smoothing` must be in [0, 1). Received: label_smoothing={label_smoothing}"
            )
        ema_decay, ema_rampup = ema_lib.check_ema_options(ema_decay, ema_rampup)
        self.generator = generator
        self.discriminator = discriminator
        inferred_latent_dim = int(generator.inputs[0].shape[-1]) if generator.inputs else None
        if latent_dim is None:
            latent_dim = inferred_latent_dim
        elif inferred_latent_dim is not None and latent_dim != inferred_latent_dim:
            raise ValueError(
                f"`latent_dim` does not match the generator's input width "
                f"{inferred_latent_dim}. Received: latent_dim={latent_dim}"
            )
        self.latent_dim = int(latent_dim)
        self.d_steps = d_steps
        self.generator_loss = generator_loss
        self.label_smoothing = float(label_smoothing)
        self.ema_decay = ema_decay
        self.ema_rampup = ema_rampup
        self.seed = int(seed)
        self.augment = augment_lib.get(augment)
        if self.augment is not None and len(self.image_shape) != 3:
            raise ValueError(
                "`augment` (DiffAugment) needs image samples [H, W, C]; this generator makes "
                f"samples of shape {self.image_shape}. Received: augment={augment!r}"
            )
        self.r1_gamma, self.r2_gamma, self.regularization_interval = regularization.check_options(
            r1_gamma, r2_gamma, regularization_interval
        )
        if not isinstance(reuse_generator_pass, bool):
            raise ValueError(
                "`reuse_generator_pass` must be True or False. "
                f"Received: reuse_generator_pass={reuse_generator_pass!r}"
            )
        self.reuse_generator_pass = reuse_generator_pass
        self.pack = self._check_pack(pack, discriminator)
        self.num_classes = None  # conditional variants set it
        self._ema_weights = None
        self._ema_model = None
        if ema_decay is not None:
            self._build_ema()
        self.g_optimizer = None
        self.d_optimizer = None
        self._trackers = {}
        # Both networks arrive built: marking the GAN built stops `fit` from tracing it
        # symbolically (which calls `self(images)`, a shape G cannot take).
        self.built = True

    # ----------------------------------------------------------------- public API

    @property
    def image_shape(self):
        """Shape of one generated sample, e.g. `(32, 32, 1)` or `(2,)`."""
        return tuple(int(d) for d in self.generator.output_shape[1:])

    @property
    def value_range(self):
        """The range of G's samples, `(low, high)`, or None when unbounded (a linear output).

        Real data must lie in it: `fit` checks the first batch (`keras_gan.data.ranges`).
        """
        return ranges.sample_range(self.generator)

    def call(self, inputs, training=False):
        """Generates samples from `z` (or `[z, labels]` for conditional variants)."""
        return self.generator(inputs, training=training)

    def fit(self, x=None, *args, check_value_range=True, **kwargs):
        """`keras.Model.fit`, after checking that the real data lies in G's sample range.

        Real images in [0, 255] or [0, 1] against G's [-1, 1] would train without a word
        while D separates them by range alone: the first batch of a `tf.data.Dataset` or
        array `x` is checked and a clear error names the range seen and the fix.

        Args:
            x: what `keras.Model.fit` takes.
            *args: passed to `keras.Model.fit`.
            check_value_range: bool. Check the first batch. Defaults to True.
            **kwargs: passed to `keras.Model.fit`.
        """
        if check_value_range:
            self.check_real_batch(ranges.first_batch(x))
        return super().fit(x, *args, **kwargs)

    def check_real_batch(self, batch):
        """Raises a ValueError when a batch of real data (samples or (samples, labels))
        does not lie in G's sample range (`keras_gan.data.check_value_range`); None passes."""
        if batch is not None:
            real, _ = self.unpack(batch)
            ranges.check_value_range(real, self.value_range, name="the first real batch")

    def compile(self, g_optimizer, d_optimizer, jit_compile=False, **kwargs):
        """Sets the two optimizers and builds them now.

        Call it inside `strategy.scope()` with optimizers created there: optimizers
        capture the strategy when constructed, and building them before `fit` avoids
        MirroredStrategy's "must feed a value for placeholder" failure (keras#23085).

        Args:
            g_optimizer: keras.optimizers.Optimizer for the generator.
            d_optimizer: keras.optimizers.Optimizer for the discriminator.
            jit_compile: bool. XLA-compile the train step. Defaults to False ("auto"
                resolves differently per device; on CPU, XLA made a DCGAN step slower).
            **kwargs: passed to `keras.Model.compile` (e.g. `run_eagerly`).
        """
        check_optimizers(g_optimizer, d_optimizer)
        # optimizer=None: the default rmsprop would otherwise be built over all variables.
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        self.g_optimizer.build(self.generator_variables())
        self.d_optimizer.build(self.discriminator_variables())
        self._trackers = {
            name: keras.metrics.Mean(name=name)
            for name in tuple(self.tracked_loss_names()) + self._regularization_names()
        }

    @property
    def ema_generator(self):
        """A copy of the generator holding the EMA weights, or None without EMA."""
        if self._ema_weights is None:
            return None
        for target, ema in zip(self._ema_model.weights, self._ema_weights):
            target.assign(ema.value)
        return self._ema_model

    def sampling_generator(self, use_ema=True):
        """The generator samples come from: the EMA copy when there is one and `use_ema`."""
        return self.ema_generator if (use_ema and self.ema_decay) else self.generator

    def describe(self):
        """The model's facts that travel with exports and run directories."""
        return {
            "variant": self.variant,
            "latent_dim": self.latent_dim,
            "num_classes": self.num_classes,
            "image_shape": list(self.image_shape),
            "value_range": None if self.value_range is None else list(self.value_range),
            "step": self.step,
            "ema": self._ema_weights is not None,
        }

    def sample_prior(self, n, seed=0, labels=None):
        """Generator inputs for `n` samples from the prior the model trains on, as NumPy
        (`keras_gan.sampling.prior_inputs` of `describe()`: the same function reads a
        run's model.json, so a loaded generator gets the same inputs).

        Args:
            n: int. Number of samples.
            seed: int or sequence of ints. Defaults to 0.
            labels: int array `[n]` or None. Labels of a conditional model; balanced
                (`i % num_classes`) when None.
        """
        return sampling.prior_inputs(self.describe(), n, seed=seed, labels=labels)

    def generate(self, n, seed=None, labels=None, batch_size=256, use_ema=True, **options):
        """Draws `n` samples as a NumPy array (EMA weights when present and `use_ema`).

        The one `generate` of every variant: `generation_inputs` draws G's inputs and
        `generate_batches` runs G on them; variants declare their own sampling options
        in `generation_options` (InfoGAN: `continuous`; StyleGAN2: `truncation_psi`,
        `noise_mode`).

        Args:
            n: int. Number of samples.
            seed: int or None. Same seed, same samples. Defaults to None (random).
            labels: int array `[n]` or None. Class labels for conditional variants (InfoGAN:
                its categorical codes); random when None. Defaults to None.
            batch_size: int. Generator batch size. Defaults to 256.
            use_ema: bool. Use the EMA generator when there is one. Defaults to True.
            **options: the variant's `generation_options`.
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"`n` must be a positive integer. Received: n={n!r}")
        unknown = sorted(set(options) - set(self.generation_options))
        if unknown:
            raise ValueError(
                f"{type(self).__name__}.generate takes the options {list(self.generation_options)}. "
                f"Received: {', '.join(f'{k}={options[k]!r}' for k in unknown)}"
            )
        rng = np.random.default_rng(seed)
        inputs = self.generation_inputs(n, rng, labels, **options)
        generator = self.sampling_generator(use_ema)
        return self.generate_batches(generator, inputs, batch_size, seed, **options)

    #: Names of the keyword options `generate` passes to `generation_inputs` and
    #: `generate_batches` (none for the base GAN).
    generation_options = ()

    def generation_inputs(self, n, rng, labels=None, **options):
        """G's inputs for `generate` (NumPy), drawn from `rng` (`np.random.Generator`):
        z ~ N(0, I), and `[z, labels]` for conditional variants (uniform labels when None)."""
        z = rng.standard_normal((n, self.latent_dim)).astype("float32")
        if self.num_classes is None:
            return z
        if labels is None:
            labels = rng.integers(0, self.num_classes, size=n)
        labels = np.asarray(labels, dtype="int32").reshape(-1)
        if labels.shape[0] != n or labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(
                f"`labels` must be {n} integers in [0, {self.num_classes}). "
                f"Received: labels with shape {labels.shape}, range "
                f"[{labels.min()}, {labels.max()}]"
            )
        return [z, labels]

    def generate_batches(self, generator, inputs, batch_size, seed, **options):
        """`generate`'s samples: `generator.predict(inputs)` in batches of `batch_size`."""
        return generator.predict(inputs, batch_size=batch_size, verbose=0)

    # ---------------------------------------------------------------- hooks

    def generator_variables(self):
        """Variables the G step updates (BiGAN adds its encoder)."""
        return self.generator.trainable_variables

    def discriminator_variables(self):
        """Variables the D step updates (InfoGAN adds its Q head)."""
        return self.discriminator.trainable_variables

    def tracked_loss_names(self):
        """Names of the values logged by `train_step` and `test_step` (a Mean tracker
        each): the totals and the `Objective` terms / metrics worth a history column."""
        return ("d_loss", "g_loss")

    def sample_latent(self, batch_size, seed):
        """z ~ N(0, I) for this replica, `[batch_size, latent_dim]`, from a stateless seed."""
        return replica_slice(
            lambda n, s: tf.random.stateless_normal((n, self.latent_dim), seed=s),
            batch_size,
            seed,
        )

    def sample_labels(self, batch_size, seed):
        """Uniform class labels for conditional variants (None when unconditional)."""
        if self.num_classes is None:
            return None
        return replica_slice(
            lambda n, s: tf.random.stateless_uniform(
                (n,), seed=s, minval=0, maxval=self.num_classes, dtype=tf.int32
            ),
            batch_size,
            seed,
        )

    def generator_inputs(self, z, labels):
        """What G is called with: `z`, or `[z, labels]` for conditional variants."""
        return z if labels is None else [z, labels]

    def discriminate(self, samples, labels, training):
        """D's outputs (logits) for samples scored with `labels`: class labels for
        conditional variants, the paired latent code for BiGAN, None otherwise."""
        return self.discriminator(samples, training=training)

    def discriminator_logits(self, batch):
        """`(D(real), D(fake))`: D's logits of the batch's real and generated samples, in
        that order (batch-normalized Ds update their statistics real first)."""
        real_logits = self.discriminate(batch.real, batch.real_labels, training=batch.training)
        fake_logits = self.discriminate(batch.fake, batch.fake_labels, training=batch.training)
        return real_logits, fake_logits

    def generator_logits(self, batch):
        """`D(fake)`: D's logits of the batch's generated samples."""
        return self.discriminate(batch.fake, batch.fake_labels, training=batch.training)

    def non_saturating_or_minimax_loss(self, fake_logits):
        """G's logistic loss as `generator_loss` chooses: `-log D(G(z))` (non-saturating)
        or `log(1 - D(G(z)))` (minimax), a mean over this replica's batch."""
        if self.generator_loss == "minimax":
            return losses.minimax_generator_loss(fake_logits)
        return losses.non_saturating_generator_loss(fake_logits)

    def discriminator_objective(self, batch):
        """THE hook of D's side: D's loss terms on one `Batch`, as an `Objective`.

        The base sums `terms` into `d_loss` (what D minimises), adds the R1 / R2 terms
        (`regularization_losses`, training steps only) and logs every term or metric
        named in `tracked_loss_names`. Here: `{"adversarial": -E log D(x) - E log(1 -
        D(G(z)))}` with one-sided label smoothing (`keras_gan.losses.minimax_discriminator_loss`).
        """
        real_logits, fake_logits = self.discriminator_logits(batch)
        return Objective({ADVERSARIAL: losses.minimax_discriminator_loss(
            real_logits, fake_logits, label_smoothing=self.label_smoothing
        )})

    def generator_objective(self, batch):
        """THE hook of G's side: G's loss terms on one `Batch` (its `fake` carries G's
        gradient), as an `Objective` summed into `g_loss`. Here: `{"adversarial":
        non_saturating_or_minimax_loss(D(G(z)))}`."""
        return Objective({ADVERSARIAL: self.non_saturating_or_minimax_loss(self.generator_logits(batch))})

    def generator_regularization(self, batch):
        """G's regularization terms of a training step (StyleGAN2's lazy path length
        penalty), as an `Objective` added to `g_loss`; not evaluated by `test_step`.
        Defaults to none."""
        return Objective({})

    def regularization_conditions(self, batch):
        """`(real, fake)` conditioning D scores the samples with in R1 / R2 (`discriminate`'s
        `labels`): the batch's labels (None when unconditional; BiGAN: its latent codes)."""
        return batch.real_labels, batch.fake_labels

    def pack_samples(self, samples):
        """D's input built from a batch: PacGAN packs of `pack` samples (itself when 1)."""
        return packing.pack_samples(samples, self.pack)

    def _discriminator_view(self, stream, augment_stream):
        """`packs -> packs` of augmented samples: D's view of raw packs in a D step."""
        seed = self._step_seed(stream)
        if self.augment is None:
            return lambda packs: packs
        return lambda packs: self.pack_samples(self.augment_samples(
            packing.unpack_samples(packs, self.pack), seed, augment_stream))

    def _check_pack(self, pack, discriminator):
        pack = packing.check_pack(pack)
        if pack > 1 and not self.packable:
            raise ValueError(
                f"`pack` (PacGAN) needs a discriminator that scores single unlabelled samples; "
                f"{type(self).__name__}'s D scores more than a sample. Received: pack={pack}; "
                "use pack=1 with this variant."
            )
        expected = packing.packed_shape(self.image_shape, pack)
        got = tuple(discriminator.inputs[0].shape[1:]) if discriminator.inputs else None
        if pack > 1 and got is not None and got != expected:
            raise ValueError(
                f"With pack={pack} the discriminator must take packs of shape {expected} "
                f"(the sample shape {self.image_shape} with a {pack} times wider last axis). "
                f"Received: a discriminator whose input shape is {got}."
            )
        return pack

    def augment_samples(self, samples, seed, stream):
        """D's view of a batch: DiffAugment when `augment` is set, else `samples` itself."""
        if self.augment is None:
            return samples
        return self.augment(samples, tf.random.experimental.stateless_fold_in(seed, stream))

    def regularization_losses(self, real, real_labels, fake, fake_labels, real_view=None, fake_view=None):
        """The R1 / R2 terms (lazily applied): `{"r1": ..., "r2": ...}`, those that are on.

        `real_view` / `fake_view`: callables `x -> D's view of x` (the step's DiffAugment T);
        the gradients are then taken with respect to the un-augmented `real` / `fake`,
        through T, as the DiffAugment and StyleGAN2-ADA references do. None: identity.
        """
        return regularization.penalty_terms(
            lambda x, labels: self.discriminate(x, labels, training=True),
            real, real_labels, fake, fake_labels,
            step=self.g_optimizer.iterations,
            r1_gamma=self.r1_gamma,
            r2_gamma=self.r2_gamma,
            interval=self.regularization_interval,
            real_view=real_view,
            fake_view=fake_view,
        )

    def _regularization_names(self):
        return tuple(name for name, gamma in (("r1", self.r1_gamma), ("r2", self.r2_gamma)) if gamma)

    def after_discriminator_step(self):
        """Runs after each D update (e.g. WGAN weight clipping)."""
        return None

    def after_generator_step(self):
        """Runs after each G update; updates the EMA weights."""
        if self._ema_weights is not None:
            self._update_ema()

    # --------------------------------------------------------------- the step

    def unpack(self, data):
        """Splits a batch into (samples, labels or None)."""
        if isinstance(data, (tuple, list)):
            if len(data) == 1:
                return data[0], None
            return data[0], data[1]
        return data, None

    def _penalty_seed(self, stream):
        """The seed the loss hooks get: independent of the step's z and labels."""
        return tf.random.experimental.stateless_fold_in(self._step_seed(stream), _PENALTY)

    def train_step(self, data):
        real, labels = self.unpack(data)
        _, num_replicas = replica_info()
        # Strided, not contiguous: replica r holds rows [r B/N, (r+1) B/N) of the global
        # batch, so D step k's rows on all replicas together are the rows one device uses.
        real_chunks = [real[k:: self.d_steps] for k in range(self.d_steps)]
        label_chunks = [None if labels is None else labels[k:: self.d_steps] for k in range(self.d_steps)]
        logs = {}
        separate_d_steps = self.d_steps - 1 if self.reuse_generator_pass else self.d_steps
        for k in range(separate_d_steps):
            logs.update(self._discriminator_step(real_chunks[k], label_chunks[k], stream=2 * k, num_replicas=num_replicas))
        shared_d_step = None
        if self.reuse_generator_pass:
            last = self.d_steps - 1

            def shared_d_step(z, fake_labels, fake):
                return self._discriminator_step(
                    real_chunks[last], label_chunks[last], stream=2 * last,
                    num_replicas=num_replicas, generated=(z, fake_labels, fake),
                )

        logs.update(self._generator_step(
            tf.shape(real_chunks[0])[0], stream=2 * self.d_steps, num_replicas=num_replicas,
            real=real_chunks[-1], real_labels=label_chunks[-1], discriminator_step=shared_d_step,
        ))
        return self._update_trackers(logs)

    def _discriminator_step(self, real, real_labels, stream, num_replicas, generated=None):
        """One D update. `generated`: the step's `(z, fake_labels, fake)` when G's forward
        pass is shared with the G step (`reuse_generator_pass`), else drawn here."""
        if generated is None:
            batch_size = tf.shape(real)[0]
            z = self.sample_latent(batch_size, self._step_seed(stream))
            fake_labels = self.sample_labels(batch_size, self._step_seed(stream + 1))
            # G's forward pass stays outside the tape: D's update needs no gradient through it.
            fake = self.generator(self.generator_inputs(z, fake_labels), training=True)
        else:
            z, fake_labels, fake = generated
        # D's inputs are views of the batches: DiffAugment's T, then PacGAN's packs. R1 / R2
        # differentiate through T with respect to the un-augmented samples, taken as packs
        # (`raw_*`) so each penalty term is one pack's gradient norm, as D scores packs.
        real_view = self._discriminator_view(stream, _AUGMENT_REAL)
        fake_view = self._discriminator_view(stream, _AUGMENT_FAKE)
        raw_real, raw_fake = self.pack_samples(real), self.pack_samples(fake)
        batch = Batch(real_view(raw_real), real_labels, z, fake_view(raw_fake), fake_labels,
                      self._penalty_seed(stream), training=True)
        with tf.GradientTape() as tape:
            objective = self.discriminator_objective(batch)
            # Added after the variant's own terms, so every variant has R1 / R2.
            regularization = Objective({})
            if self._regularization_names():
                real_condition, fake_condition = self.regularization_conditions(batch)
                regularization = Objective(self.regularization_losses(
                    raw_real, real_condition, raw_fake, fake_condition, real_view, fake_view))
            logs = _logs("d_loss", objective, regularization)
            # Gradients are summed across replicas: scale each replica's mean by 1/N.
            # `scale_loss`: x1 except under a LossScaleOptimizer (float16 mixed precision).
            scaled_loss = self.d_optimizer.scale_loss(logs["d_loss"] / num_replicas)
        variables = self.discriminator_variables()
        grads = tape.gradient(scaled_loss, variables)
        self.d_optimizer.apply_gradients(zip(grads, variables))
        # Spectral norms' power iteration advances once per D step, never in G steps.
        update_spectral_norms(self.discriminator)
        self.after_discriminator_step()
        return logs

    def _generator_step(self, batch_size, stream, num_replicas, real, real_labels, discriminator_step=None):
        """One G update. `discriminator_step`: a callable `(z, labels, fake) -> logs` run on
        this step's generated batch before G's loss, outside G's tape (`reuse_generator_pass`)."""
        z = self.sample_latent(batch_size, self._step_seed(stream))
        labels = self.sample_labels(batch_size, self._step_seed(stream + 1))
        d_logs = {}
        with tf.GradientTape() as tape:
            fake = self.generator(self.generator_inputs(z, labels), training=True)
            if discriminator_step is not None:
                with tape.stop_recording():
                    d_logs = discriminator_step(z, labels, tf.stop_gradient(fake))
            batch = Batch(
                self.pack_samples(self.augment_samples(real, self._step_seed(stream), _AUGMENT_REAL)),
                real_labels, z,
                self.pack_samples(self.augment_samples(fake, self._step_seed(stream), _AUGMENT_FAKE)),
                labels, self._penalty_seed(stream), training=True,
            )
            logs = _logs("g_loss", self.generator_objective(batch), self.generator_regularization(batch))
            # `scale_loss`: x1 except under a LossScaleOptimizer (float16 mixed precision).
            scaled_loss = self.g_optimizer.scale_loss(logs["g_loss"] / num_replicas)
        variables = self.generator_variables()
        grads = tape.gradient(scaled_loss, variables)
        self.g_optimizer.apply_gradients(zip(grads, variables))
        self.after_generator_step()
        return {**d_logs, **logs}

    def test_step(self, data):
        """The two objectives on a batch, without updates: `discriminator_objective` and
        `generator_objective` on one `Batch` (training=False; noise from the fixed
        evaluation stream `streams.EVAL`; packed, not augmented), so `evaluate` reports
        each variant's own `d_loss` / `g_loss` and terms (WGAN-GP's "gp" included: it is
        part of the critic's objective). The training-only regularizers, R1 / R2 and
        `generator_regularization` (lazy: their value depends on the step; StyleGAN2's
        updates `pl_mean`), are left out: `r1`, `r2`, `pl_penalty` evaluate to 0."""
        real, labels = self.unpack(data)
        batch_size = tf.shape(real)[0]
        z = self.sample_latent(batch_size, self._step_seed(streams.EVAL))
        fake_labels = self.sample_labels(batch_size, self._step_seed(streams.EVAL + 1))
        fake = self.generator(self.generator_inputs(z, fake_labels), training=False)
        batch = Batch(self.pack_samples(real), labels, z, self.pack_samples(fake), fake_labels,
                      self._penalty_seed(streams.EVAL), training=False)
        logs = {**_logs("d_loss", self.discriminator_objective(batch)),
                **_logs("g_loss", self.generator_objective(batch))}
        return self._update_trackers(logs)

    # --------------------------------------------------------------- EMA

    def _build_ema(self):
        # Separate variables with "only_first_replica" aggregation: every replica computes
        # the same average, and a variable with the default "none" aggregation could not
        # be assigned in a replica context under MirroredStrategy.
        self._ema_weights = [
            keras.Variable(
                # A copy: `w.value` is the variable itself, and would alias it.
                keras.ops.copy(w.value),
                trainable=False,
                aggregation="only_first_replica",
                name=f"ema_{i}",
            )
            for i, w in enumerate(self.generator.weights)
        ]
        self._ema_model = keras.models.clone_model(self.generator)
        self._ema_model.set_weights(self.generator.get_weights())

    def ema_beta(self):
        """This G update's EMA decay, `keras_gan.models.ema.ema_beta(step, ema_decay,
        ema_rampup)`, `step` the 0-based index of the update (the G optimizer has already
        counted it); `ema_decay` throughout when `ema_rampup` is None."""
        return ema_lib.ema_beta(self.g_optimizer.iterations - 1, self.ema_decay, self.ema_rampup)

    def _update_ema(self):
        beta = self.ema_beta()
        for ema, weight in zip(self._ema_weights, self.generator.weights):
            if weight.trainable:
                ema.assign(ema.value * beta + weight.value * (1.0 - beta))
            else:  # buffers such as batch-norm statistics are copied (as StyleGAN2-ADA does)
                ema.assign(weight.value)

    @property
    def ema_weights(self):
        """The EMA variables (for checkpoints), or an empty list without EMA."""
        return list(self._ema_weights or [])


    # --------------------------------------------------------------- config

    def get_config(self):
        return {
            "name": self.name,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "d_steps": self.d_steps,
            "generator_loss": self.generator_loss,
            "label_smoothing": self.label_smoothing,
            "ema_decay": self.ema_decay,
            "ema_rampup": self.ema_rampup,
            "seed": self.seed,
            "augment": None if self.augment is None else self.augment.get_config(),
            "r1_gamma": self.r1_gamma,
            "r2_gamma": self.r2_gamma,
            "regularization_interval": self.regularization_interval,
            "reuse_generator_pass": self.reuse_generator_pass,
            "pack": self.pack,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**deserialize_networks(config))
