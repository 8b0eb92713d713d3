"""InfoGAN (Chen et al. 2016): latent codes made recoverable by a Q head on D's body."""

import math

import keras
import numpy as np
import tensorflow as tf

from keras_gan import losses, streams
from keras_gan.models.base import ADVERSARIAL, GAN, Objective
from keras_gan.replicas import replica_slice


def _check_weight(name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"`{name}` must be a float >= 0. Received: {name}={value!r}")
    return float(value)


@keras.saving.register_keras_serializable(package="keras_gan")
class InfoGAN(GAN):
    """InfoGAN (Chen et al. 2016, arXiv:1606.03657).

    G's input is split into incompressible noise and latent codes c; a head Q, sharing D's
    body, predicts c from G(z, c). Maximising the variational lower bound
    `L_I(G, Q) = E[log Q(c | G(z, c))] + H(c) <= I(c; G(z, c))` makes the codes
    interpretable (on MNIST the categorical code picks the digit):

        min_{G, Q} max_D  V(D, G) - lambda * L_I(G, Q)

    Each D step minimises `d_loss = adversarial + info_loss` over D and Q (one network),
    each G step `g_loss = adversarial + info_loss` over G, where
    `info_loss = categorical_weight * sum_i CE(Q_i, c_i) + continuous_weight * NLL(Q_cont, c_cont)`
    (`keras_gan.losses.categorical_mutual_information_loss` and
    `gaussian_mutual_information_loss`). The logged `categorical_mi` is the bound
    `sum_i log(K_i) - CE` in nats (at most `sum_i log K_i` when Q recovers every code).

    **Latent layout.** G takes ONE vector `z` of width `latent_dim` (so exports see a
    single input), laid out as

        z = [ noise (noise_dim) | one-hot code 1 (K_1) | ... | one-hot code m (K_m) | continuous (continuous_dim) ]

    with noise ~ N(0, I), each categorical code uniform over its K_i values (one-hot) and
    continuous codes ~ U(-1, 1), `noise_dim = latent_dim - sum(K_i) - continuous_dim`. The
    paper's MNIST model: noise 62, one 10-way code, 2 continuous codes: `latent_dim = 74`.
    `latent_vector` builds such vectors; `describe()["latent_layout"]` records the slices.

    **Q outputs.** The discriminator returns `[source_logits [B, 1], q [B, q_output_dim]]`
    with `q = [logits of code 1 (K_1) | ... | means (continuous_dim) | log stds
    (continuous_dim, only with learn_std)]`; with `learn_std=False` Q's Gaussian has unit
    variance (the authors' MNIST code).

    Args:
        generator: keras.Model. `z [B, latent_dim] -> samples`.
        discriminator: keras.Model. `samples -> [source_logits, q]`, e.g.
            `networks.conditional.auxiliary_dcgan_discriminator(shape, q_output_dim)`.
        categorical_dims: tuple of ints. Number of values of each categorical code.
            Defaults to (10,).
        continuous_dim: int. Number of continuous codes. Defaults to 2.
        categorical_weight: float. lambda of the categorical codes (1 in the paper).
            Defaults to 1.0.
        continuous_weight: float. lambda of the continuous codes. Defaults to 1.0 (the
            authors' MNIST setting, with unit-variance Q); use less with `learn_std`.
        learn_std: bool. Q also predicts log standard deviations. Defaults to False.
        **kwargs: passed to `GAN`.
    """

    variant = "infogan"
    packable = False  # PacGAN packing: Q reads latent codes from D's features of each sample.

    def __init__(
        self,
        generator,
        discriminator,
        categorical_dims=(10,),
        continuous_dim=2,
        categorical_weight=1.0,
        continuous_weight=1.0,
        learn_std=False,
        **kwargs,
    ):
        super().__init__(generator, discriminator, **kwargs)
        categorical_dims = tuple(categorical_dims or ())
        if not all(isinstance(k, int) and not isinstance(k, bool) and k >= 2 for k in categorical_dims):
            raise ValueError(
                "`categorical_dims` must be a tuple of integers >= 2. "
                f"Received: categorical_dims={categorical_dims!r}"
            )
        if not isinstance(continuous_dim, int) or isinstance(continuous_dim, bool) or continuous_dim < 0:
            raise ValueError(f"`continuous_dim` must be an integer >= 0. Received: continuous_dim={continuous_dim!r}")
        if not categorical_dims and not continuous_dim:
            raise ValueError("InfoGAN needs at least one latent code: `categorical_dims` or `continuous_dim`.")
        self.categorical_dims = categorical_dims
        self.continuous_dim = continuous_dim
        self.categorical_weight = _check_weight("categorical_weight", categorical_weight)
        self.continuous_weight = _check_weight("continuous_weight", continuous_weight)
        self.learn_std = bool(learn_std)
        self.noise_dim = self.latent_dim - sum(categorical_dims) - continuous_dim
        if self.noise_dim < 1:
            raise ValueError(
                f"`latent_dim` ({self.latent_dim}) must exceed the code width "
                f"sum(categorical_dims) + continuous_dim = {sum(categorical_dims) + continuous_dim}. "
                f"Received: latent_dim={self.latent_dim}"
            )
        outputs = discriminator.outputs
        if len(outputs) != 2 or outputs[1].shape[-1] != self.q_output_dim:
            raise ValueError(
                f"`discriminator` must return [source_logits [B, 1], q [B, {self.q_output_dim}]] "
                f"(q_output_dim = sum(categorical_dims) + continuous_dim"
                f"{' * 2' if self.learn_std else ''}). Received: outputs with shapes "
                f"{[tuple(t.shape) for t in outputs]}"
            )

    # ------------------------------------------------------------------ layout

    @property
    def q_output_dim(self):
        """Width of Q's output: categorical logits, means (and log stds with learn_std)."""
        return sum(self.categorical_dims) + self.continuous_dim * (2 if self.learn_std else 1)

    @property
    def latent_layout(self):
        """Slices of z: `{"noise": [start, end], "categorical": [[start, end], ...],
        "continuous": [start, end]}`."""
        start = self.noise_dim
        categorical = []
        for k in self.categorical_dims:
            categorical.append([start, start + k])
            start += k
        return {
            "noise": [0, self.noise_dim],
            "categorical": categorical,
            "continuous": [start, start + self.continuous_dim],
        }

    def split_latent(self, z):
        """z -> (noise, [one-hot code per categorical code], continuous codes)."""
        layout = self.latent_layout
        noise = z[:, : self.noise_dim]
        categorical = [z[:, a:b] for a, b in layout["categorical"]]
        a, b = layout["continuous"]
        return noise, categorical, z[:, a:b]

    def split_q(self, q):
        """Q's outputs -> ([logits per categorical code], means, log_stds)."""
        logits, start = [], 0
        for k in self.categorical_dims:
            logits.append(q[:, start : start + k])
            start += k
        means = q[:, start : start + self.continuous_dim]
        if self.learn_std:
            log_stds = q[:, start + self.continuous_dim : start + 2 * self.continuous_dim]
        else:
            log_stds = tf.zeros_like(means)
        return logits, means, log_stds

    def latent_vector(self, noise, categorical=None, continuous=None):
        """Builds generator inputs z from their parts (NumPy), per the layout above.

        Args:
            noise: array `[n, noise_dim]`.
            categorical: int array `[n]` (one code) or `[n, num_codes]`, values of each
                categorical code. Defaults to None (all zeros).
            continuous: array `[n, continuous_dim]`. Defaults to None (all zeros).

        Returns:
            float32 array `[n, latent_dim]`.
        """
        noise = np.asarray(noise, dtype="float32")
        if noise.ndim != 2 or noise.shape[1] != self.noise_dim:
            raise ValueError(f"`noise` must have shape [n, {self.noise_dim}]. Received: shape {noise.shape}")
        n = noise.shape[0]
        num_codes = len(self.categorical_dims)
        if categorical is None:
            categorical = np.zeros((n, num_codes), dtype="int64")
        categorical = np.asarray(categorical).reshape(n, -1) if n else np.zeros((0, num_codes), "int64")
        if categorical.shape[1] != num_codes:
            raise ValueError(
                f"`categorical` must hold {num_codes} code value(s) per sample. "
                f"Received: shape {categorical.shape}"
            )
        parts = [noise]
        for i, k in enumerate(self.categorical_dims):
            values = categorical[:, i]
            if n and (values.min() < 0 or values.max() >= k):
                raise ValueError(
                    f"Categorical code {i} takes values in [0, {k}). "
                    f"Received: range [{values.min()}, {values.max()}]"
                )
            parts.append(np.eye(k, dtype="float32")[values.astype("int64")])
        if continuous is None:
            continuous = np.zeros((n, self.continuous_dim), dtype="float32")
        continuous = np.asarray(continuous, dtype="float32").reshape(n, self.continuous_dim)
        parts.append(continuous)
        return np.concatenate(parts, axis=1)

    def sample_latent(self, batch_size, seed):
        """z for this replica: noise ~ N(0, I), uniform one-hot codes, continuous ~ U(-1, 1)."""
        # Under the step's latent-parts stream, apart from its augmentation and penalty seeds.
        parts_seed = streams.fold(seed, streams.LATENT_PARTS)
        seeds = [streams.fold(parts_seed, streams.INFO_NOISE), streams.fold(parts_seed, streams.INFO_CONTINUOUS)]
        seeds += [streams.fold(parts_seed, streams.INFO_CATEGORICAL + i) for i in range(len(self.categorical_dims))]
        parts = [
            replica_slice(
                lambda n, s: tf.random.stateless_normal((n, self.noise_dim), seed=s), batch_size, seeds[0]
            )
        ]
        for i, k in enumerate(self.categorical_dims):
            values = replica_slice(
                lambda n, s, k=k: tf.random.stateless_uniform((n,), seed=s, minval=0, maxval=k, dtype=tf.int32),
                batch_size,
                seeds[2 + i],
            )
            parts.append(tf.one_hot(values, k, dtype=tf.float32))
        parts.append(
            replica_slice(
                lambda n, s: tf.random.stateless_uniform((n, self.continuous_dim), seed=s, minval=-1.0, maxval=1.0),
                batch_size,
                seeds[1],
            )
        )
        return tf.concat(parts, axis=1)

    # ------------------------------------------------------------------ losses

    def mutual_information_loss(self, q, z):
        """The weighted information loss of Q's outputs `q` for the codes inside `z`.

        `info_loss = categorical_weight * sum_i CE(logits_i, argmax(onehot_i))
        + continuous_weight * NLL(codes | N(mean, exp(log_std)^2))`.

        Returns:
            `{"info_loss": weighted total, "categorical_mi": sum_i log K_i - sum_i CE}`.
        """
        _, codes, continuous = self.split_latent(z)
        logits, means, log_stds = self.split_q(q)
        categorical_loss = tf.constant(0.0)
        for code_logits, one_hot in zip(logits, codes):
            categorical_loss += losses.categorical_mutual_information_loss(
                code_logits, tf.argmax(one_hot, axis=1, output_type=tf.int32)
            )
        info_loss = self.categorical_weight * categorical_loss
        if self.continuous_dim:
            info_loss += self.continuous_weight * losses.gaussian_mutual_information_loss(
                means, log_stds, continuous
            )
        entropy = sum(math.log(k) for k in self.categorical_dims)
        return {"info_loss": info_loss, "categorical_mi": entropy - categorical_loss}

    def tracked_loss_names(self):
        return ("d_loss", "g_loss", "info_loss", "categorical_mi")

    def discriminate(self, samples, labels, training):
        """The source logits only (what R1 / R2 penalize)."""
        return self.discriminator(samples, training=training)[0]

    def discriminator_objective(self, batch):
        """`{"adversarial": D's logistic loss, "info_loss": weighted information loss}`
        over D and Q (one network); logs `categorical_mi`."""
        real_logits = self.discriminator(batch.real, training=batch.training)[0]
        fake_logits, q = self.discriminator(batch.fake, training=batch.training)
        info = self.mutual_information_loss(q, batch.z)
        source = losses.minimax_discriminator_loss(real_logits, fake_logits, label_smoothing=self.label_smoothing)
        return Objective({ADVERSARIAL: source, "info_loss": info["info_loss"]},
                         {"categorical_mi": info["categorical_mi"]})

    def generator_objective(self, batch):
        """`{"adversarial": G's logistic loss, "info_loss": ...}`; logs `categorical_mi`."""
        fake_logits, q = self.discriminator(batch.fake, training=batch.training)
        info = self.mutual_information_loss(q, batch.z)
        return Objective({ADVERSARIAL: self.non_saturating_or_minimax_loss(fake_logits), "info_loss": info["info_loss"]},
                         {"categorical_mi": info["categorical_mi"]})

    # ------------------------------------------------------------------ use

    generation_options = ("continuous",)

    def generation_inputs(self, n, rng, labels=None, continuous=None):
        """z for `generate`: `labels` fixes the categorical code(s) (`[n]`, the first code,
        or `[n, num_codes]`), `continuous` the continuous codes `[n, continuous_dim]`;
        random when None (uniform categories, U(-1, 1)). `gan.generate(n, seed, labels,
        continuous=...)`."""
        noise = rng.standard_normal((n, self.noise_dim)).astype("float32")
        categorical = np.stack([rng.integers(0, k, size=n) for k in self.categorical_dims], axis=1) \
            if self.categorical_dims else np.zeros((n, 0), "int64")
        if labels is not None:
            labels = np.asarray(labels).reshape(n, -1)
            if labels.shape[1] > len(self.categorical_dims):
                raise ValueError(
                    f"`labels` sets {labels.shape[1]} categorical code(s) per sample; this "
                    f"model has {len(self.categorical_dims)}. Received: labels with shape {labels.shape}"
                )
            categorical[:, : labels.shape[1]] = labels
        if continuous is None:
            continuous = rng.uniform(-1.0, 1.0, size=(n, self.continuous_dim)).astype("float32")
        return self.latent_vector(noise, categorical, continuous)

    def predict_codes(self, samples, batch_size=256):
        """Q's inference of the codes: (categories int `[n, num_codes]`, continuous means
        `[n, continuous_dim]`)."""
        q = self.discriminator.predict(samples, batch_size=batch_size, verbose=0)[1]
        logits, means, _ = self.split_q(tf.convert_to_tensor(q))
        categories = np.stack([np.argmax(l.numpy(), axis=1) for l in logits], axis=1) \
            if logits else np.zeros((len(q), 0), "int64")
        return categories, means.numpy()

    def describe(self):
        return {**super().describe(), "latent_layout": self.latent_layout}

    def get_config(self):
        return {
            **super().get_config(),
            "categorical_dims": list(self.categorical_dims),
            "continuous_dim": self.continuous_dim,
            "categorical_weight": self.categorical_weight,
            "continuous_weight": self.continuous_weight,
            "learn_std": self.learn_std,
        }
