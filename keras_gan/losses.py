"""GAN losses, penalties and auxiliary losses: pure functions on discriminator outputs.

Every adversarial loss takes raw discriminator outputs (logits for the probabilistic
families, unbounded scores for the Wasserstein / hinge / least-squares families) of any rank:
`[B]`, `[B, 1]` or a patch map `[B, H, W, 1]`. Element-wise math runs in the input's float
dtype and the result has that dtype (float16 and bfloat16 reductions accumulate in float32
so large patch maps do not overflow, then are cast back).

Reductions:
    - `"mean"` (default): mean over all elements -> scalar.
    - `"sum"`: sum over all elements -> scalar.
    - `"none"`: one value per example: mean over all non-batch axes -> shape `[B]`.

Optional `weights` (`real_weights` / `fake_weights` for discriminator losses) follow TF-GAN:
a scalar, per-example weights of shape `[B]`, or any tensor broadcastable to the outputs.
Weighted `"mean"` is the mean of `weight * loss` over all elements (not divided by the sum of
weights). A discriminator loss is the sum of its real and fake terms, each reduced the same way.

Distribution note: these are plain means over the local (per-replica) batch. Under a
`tf.distribute` strategy the caller divides by `num_replicas_in_sync` before taking gradients.
"""

import math
import numbers

import tensorflow as tf

__all__ = [
    "minimax_generator_loss",
    "minimax_discriminator_loss",
    "non_saturating_generator_loss",
    "non_saturating_discriminator_loss",
    "wasserstein_generator_loss",
    "wasserstein_discriminator_loss",
    "hinge_generator_loss",
    "hinge_discriminator_loss",
    "least_squares_generator_loss",
    "least_squares_discriminator_loss",
    "LOSS_PAIRS",
    "get_loss_pair",
    "gradient_penalty",
    "r1_penalty",
    "r2_penalty",
    "auxiliary_classifier_loss",
    "categorical_mutual_information_loss",
    "gaussian_mutual_information_loss",
    "semi_supervised_discriminator_loss",
    "semi_supervised_generator_loss",
    "feature_matching_loss",
    "gain_hint",
    "gain_discriminator_loss",
    "gain_generator_loss",
    "gain_reconstruction_loss",
]

_REDUCTIONS = ("mean", "sum", "none")
_LOW_PRECISION = (tf.float16, tf.bfloat16)
# Added under the square root of a gradient norm: keeps d sqrt / dx finite at a zero gradient
# (the norm is computed in float32, where 1e-12 is representable) and shifts norms by < 1e-6.
_NORM_EPSILON = 1e-12


# ---------------------------------------------------------------------------------------------
# Internal helpers
# ---------------------------------------------------------------------------------------------
def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"`reduction` must be one of {_REDUCTIONS}. Received: reduction={reduction!r}"
        )


def _as_float(x, name):
    """Converts `x` to a floating tensor (non-float input becomes float32)."""
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    if x.shape.rank == 0:
        raise ValueError(
            f"`{name}` must have a batch axis (rank >= 1, e.g. [B], [B, 1] or [B, H, W, 1]). "
            f"Received: {name} with shape {x.shape}"
        )
    return x


def _reduce(values, reduction, weights=None):
    """Weights and reduces an element-wise loss tensor; returns it in `values.dtype`."""
    dtype = values.dtype
    if dtype in _LOW_PRECISION:
        # Accumulate in float32: a float16 sum over a big patch map can exceed 65504.
        values = tf.cast(values, tf.float32)
    if weights is not None:
        weights = tf.cast(tf.convert_to_tensor(weights), values.dtype)
        rank = values.shape.rank
        if weights.shape.rank == 1 and rank is not None and rank > 1:
            # Per-example weights [B] against a [B, ...] map: align on the batch axis.
            weights = tf.reshape(weights, [-1] + [1] * (rank - 1))
        values = values * weights
    if reduction == "mean":
        result = tf.reduce_mean(values)
    elif reduction == "sum":
        result = tf.reduce_sum(values)
    else:
        batch = tf.shape(values)[0]
        result = tf.reduce_mean(tf.reshape(values, [batch, -1]), axis=1)
    return tf.cast(result, dtype)


def _sigmoid_cross_entropy(targets, logits):
    """-t log sigmoid(l) - (1 - t) log(1 - sigmoid(l)), without cancellation for large |l|."""
    if isinstance(targets, (int, float)) and targets == 1.0:
        return tf.nn.softplus(-logits)
    if isinstance(targets, (int, float)) and targets == 0.0:
        return tf.nn.softplus(logits)
    return targets * tf.nn.softplus(-logits) + (1.0 - targets) * tf.nn.softplus(logits)


def _generator_loss(fake_outputs, name, term, weights, reduction):
    """`E_z[term(D(G(z)))]`, the body every generator loss on raw D outputs shares.

    Validates `reduction`, converts the outputs (named `name` in errors), applies the
    element-wise `term` and weights/reduces it; the loss keeps the outputs' float dtype.
    """
    _check_reduction(reduction)
    return _reduce(term(_as_float(fake_outputs, name)), reduction, weights)


def _discriminator_loss(
    real_outputs, fake_outputs, names, real_term, fake_term, real_weights, fake_weights, reduction
):
    """`E_x[real_term(D(x))] + E_z[fake_term(D(G(z)))]`, each term weighted and reduced alone.

    The body every two-sided discriminator loss shares. `names` are the two arguments' names
    for errors. Fake outputs are cast to the real outputs' dtype so the sum has one dtype (the
    loss is in the dtype of `real_outputs`).
    """
    _check_reduction(reduction)
    real_outputs = _as_float(real_outputs, names[0])
    fake_outputs = tf.cast(_as_float(fake_outputs, names[1]), real_outputs.dtype)
    return _reduce(real_term(real_outputs), reduction, real_weights) + _reduce(
        fake_term(fake_outputs), reduction, fake_weights
    )


def _check_label_smoothing(label_smoothing):
    is_number = isinstance(label_smoothing, numbers.Real) and not isinstance(label_smoothing, bool)
    if not is_number or not 0.0 <= label_smoothing < 1.0:
        raise ValueError(
            "`label_smoothing` must be a float in [0, 1). "
            f"Received: label_smoothing={label_smoothing!r}"
        )


def _per_sample_squared_norm(gradients):
    """Sum of squares over all non-batch axes, in float32 -> [B]."""
    gradients = tf.cast(gradients, tf.float32)
    batch = tf.shape(gradients)[0]
    return tf.reduce_sum(tf.square(tf.reshape(gradients, [batch, -1])), axis=1)


def _input_gradients(function, inputs):
    """Gradient of sum(function(inputs)) w.r.t. `inputs` (one gradient per sample)."""
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        outputs = function(inputs)
    gradients = tape.gradient(outputs, inputs)
    if gradients is None:
        # The output does not depend on the input at all: the gradient is exactly zero.
        gradients = tf.zeros_like(inputs)
    return gradients


# ---------------------------------------------------------------------------------------------
# Minimax / non-saturating (Goodfellow et al. 2014)
# ---------------------------------------------------------------------------------------------
def minimax_generator_loss(fake_logits, weights=None, reduction="mean"):
    """Original minimax generator loss.

    `L_G = E_z[log(1 - D(G(z)))] = -E[softplus(l_fake)]`, with `D = sigmoid(l)`. The generator
    minimises it; it saturates (vanishing gradient) when D confidently rejects fakes.

    Paper: Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    https://arxiv.org/abs/1406.2661

    Args:
        fake_logits: Tensor. Discriminator logits on generated samples, any rank `[B, ...]`.
        weights: optional Tensor. Scalar, per-example `[B]` or broadcastable weights.
            Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"` (per example, shape `[B]`).
            Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `fake_logits`.
    """
    return _generator_loss(
        fake_logits, "fake_logits", lambda logits: -tf.nn.softplus(logits), weights, reduction
    )


def minimax_discriminator_loss(
    real_logits,
    fake_logits,
    label_smoothing=0.0,
    real_weights=None,
    fake_weights=None,
    reduction="mean",
):
    """Minimax discriminator loss (sigmoid cross-entropy), with one-sided label smoothing.

    `L_D = -E_x[(1 - s) log D(x) + s log(1 - D(x))] - E_z[log(1 - D(G(z)))]`, `D = sigmoid(l)`:
    sigmoid cross-entropy with target `1 - s` on real logits and `0` on fake logits, each term
    reduced separately and summed. `s = label_smoothing` (one-sided: fake targets stay 0).

    Papers: Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014
    (https://arxiv.org/abs/1406.2661); one-sided label smoothing from Salimans et al.,
    "Improved Techniques for Training GANs", NeurIPS 2016 (https://arxiv.org/abs/1606.03498).

    Args:
        real_logits: Tensor. Discriminator logits on real samples, any rank `[B, ...]`.
        fake_logits: Tensor. Discriminator logits on generated samples, any rank `[B, ...]`.
        label_smoothing: float. Amount `s` in `[0, 1)` taken off the real target.
            Defaults to 0.0.
        real_weights: optional Tensor. Weights for the real term. Defaults to None.
        fake_weights: optional Tensor. Weights for the fake term. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"` (per example, shape `[B]`).
            Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `real_logits`.
    """
    _check_reduction(reduction)
    _check_label_smoothing(label_smoothing)
    real_target = 1.0 - float(label_smoothing)
    return _discriminator_loss(
        real_logits,
        fake_logits,
        ("real_logits", "fake_logits"),
        lambda logits: _sigmoid_cross_entropy(real_target, logits),
        lambda logits: _sigmoid_cross_entropy(0.0, logits),
        real_weights,
        fake_weights,
        reduction,
    )


def non_saturating_generator_loss(fake_logits, weights=None, reduction="mean"):
    """Non-saturating generator loss.

    `L_G = -E_z[log D(G(z))] = E[softplus(-l_fake)]`, with `D = sigmoid(l)`: the heuristic
    generator objective that keeps strong gradients early in training.

    Paper: Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, section 3.
    https://arxiv.org/abs/1406.2661

    Args:
        fake_logits: Tensor. Discriminator logits on generated samples, any rank `[B, ...]`.
        weights: optional Tensor. Scalar, per-example `[B]` or broadcastable weights.
            Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"` (per example, shape `[B]`).
            Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `fake_logits`.
    """
    return _generator_loss(
        fake_logits, "fake_logits", lambda logits: tf.nn.softplus(-logits), weights, reduction
    )


def non_saturating_discriminator_loss(
    real_logits,
    fake_logits,
    label_smoothing=0.0,
    real_weights=None,
    fake_weights=None,
    reduction="mean",
):
    """Discriminator loss of the non-saturating GAN: identical to the minimax one.

    Only the generator objective differs between the two; the discriminator still minimises
    `L_D = -E_x[(1 - s) log D(x) + s log(1 - D(x))] - E_z[log(1 - D(G(z)))]`, i.e. sigmoid
    cross-entropy with target `1 - s` for real and `0` for fake logits. See
    `minimax_discriminator_loss` for the arguments.

    Papers: Goodfellow et al. 2014 (https://arxiv.org/abs/1406.2661); one-sided label
    smoothing, Salimans et al. 2016 (https://arxiv.org/abs/1606.03498).

    Args:
        real_logits: Tensor. Discriminator logits on real samples, any rank `[B, ...]`.
        fake_logits: Tensor. Discriminator logits on generated samples, any rank `[B, ...]`.
        label_smoothing: float. Amount `s` in `[0, 1)` taken off the real target.
            Defaults to 0.0.
        real_weights: optional Tensor. Weights for the real term. Defaults to None.
        fake_weights: optional Tensor. Weights for the fake term. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `real_logits`.
    """
    return minimax_discriminator_loss(
        real_logits,
        fake_logits,
        label_smoothing=label_smoothing,
        real_weights=real_weights,
        fake_weights=fake_weights,
        reduction=reduction,
    )


# ---------------------------------------------------------------------------------------------
# Wasserstein (Arjovsky et al. 2017)
# ---------------------------------------------------------------------------------------------
def wasserstein_generator_loss(fake_outputs, weights=None, reduction="mean"):
    """Wasserstein generator loss.

    `L_G = -E_z[D(G(z))]` on raw critic scores.

    Paper: Arjovsky, Chintala & Bottou, "Wasserstein GAN", ICML 2017.
    https://arxiv.org/abs/1701.07875

    Args:
        fake_outputs: Tensor. Critic scores on generated samples, any rank `[B, ...]`.
        weights: optional Tensor. Scalar, per-example `[B]` or broadcastable weights.
            Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `fake_outputs`.
    """
    return _generator_loss(fake_outputs, "fake_outputs", tf.negative, weights, reduction)


def wasserstein_discriminator_loss(
    real_outputs, fake_outputs, real_weights=None, fake_weights=None, reduction="mean"
):
    """Wasserstein critic loss.

    `L_D = E_z[D(G(z))] - E_x[D(x)]`: the negative of the critic's estimate of the
    Wasserstein-1 distance (the Lipschitz constraint is enforced elsewhere: weight clipping
    or `gradient_penalty`).

    Paper: Arjovsky, Chintala & Bottou, "Wasserstein GAN", ICML 2017.
    https://arxiv.org/abs/1701.07875

    Args:
        real_outputs: Tensor. Critic scores on real samples, any rank `[B, ...]`.
        fake_outputs: Tensor. Critic scores on generated samples, any rank `[B, ...]`.
        real_weights: optional Tensor. Weights for the real term. Defaults to None.
        fake_weights: optional Tensor. Weights for the fake term. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `real_outputs`.
    """
    # E_z[D(G(z))] + E_x[-D(x)]: negation is exact, so this equals E_z[D(G(z))] - E_x[D(x)].
    return _discriminator_loss(
        real_outputs,
        fake_outputs,
        ("real_outputs", "fake_outputs"),
        tf.negative,
        tf.identity,
        real_weights,
        fake_weights,
        reduction,
    )


# ---------------------------------------------------------------------------------------------
# Hinge (Lim & Ye 2017; Miyato et al. 2018)
# ---------------------------------------------------------------------------------------------
def hinge_generator_loss(fake_logits, weights=None, reduction="mean"):
    """Hinge generator loss.

    `L_G = -E_z[D(G(z))]` on raw discriminator outputs.

    Papers: Lim & Ye, "Geometric GAN", 2017 (https://arxiv.org/abs/1705.02894); Miyato et al.,
    "Spectral Normalization for Generative Adversarial Networks", ICLR 2018
    (https://arxiv.org/abs/1802.05957).

    Args:
        fake_logits: Tensor. Discriminator outputs on generated samples, any rank `[B, ...]`.
        weights: optional Tensor. Scalar, per-example `[B]` or broadcastable weights.
            Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `fake_logits`.
    """
    return _generator_loss(fake_logits, "fake_logits", tf.negative, weights, reduction)


def hinge_discriminator_loss(
    real_logits, fake_logits, real_weights=None, fake_weights=None, reduction="mean"
):
    """Hinge discriminator loss.

    `L_D = E_x[relu(1 - D(x))] + E_z[relu(1 + D(G(z)))]` on raw discriminator outputs.

    Papers: Lim & Ye, "Geometric GAN", 2017 (https://arxiv.org/abs/1705.02894); Miyato et al.,
    "Spectral Normalization for Generative Adversarial Networks", ICLR 2018
    (https://arxiv.org/abs/1802.05957).

    Args:
        real_logits: Tensor. Discriminator outputs on real samples, any rank `[B, ...]`.
        fake_logits: Tensor. Discriminator outputs on generated samples, any rank `[B, ...]`.
        real_weights: optional Tensor. Weights for the real term. Defaults to None.
        fake_weights: optional Tensor. Weights for the fake term. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `real_logits`.
    """
    return _discriminator_loss(
        real_logits,
        fake_logits,
        ("real_logits", "fake_logits"),
        lambda logits: tf.nn.relu(1.0 - logits),
        lambda logits: tf.nn.relu(1.0 + logits),
        real_weights,
        fake_weights,
        reduction,
    )


# ---------------------------------------------------------------------------------------------
# Least squares (Mao et al. 2017)
# ---------------------------------------------------------------------------------------------
def least_squares_generator_loss(fake_outputs, c=1.0, weights=None, reduction="mean"):
    """Least-squares (LSGAN) generator loss.

    `L_G = 1/2 E_z[(D(G(z)) - c)^2]`, with `c = 1` by default (the 0-1 coding of the paper).

    Paper: Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    https://arxiv.org/abs/1611.04076

    Args:
        fake_outputs: Tensor. Discriminator outputs on generated samples, any rank `[B, ...]`.
        c: float. Value the generator wants D to output on fakes. Defaults to 1.0.
        weights: optional Tensor. Scalar, per-example `[B]` or broadcastable weights.
            Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `fake_outputs`.
    """
    return _generator_loss(
        fake_outputs,
        "fake_outputs",
        lambda outputs: 0.5 * tf.square(outputs - c),
        weights,
        reduction,
    )


def least_squares_discriminator_loss(
    real_outputs,
    fake_outputs,
    a=0.0,
    b=1.0,
    real_weights=None,
    fake_weights=None,
    reduction="mean",
):
    """Least-squares (LSGAN) discriminator loss.

    `L_D = 1/2 E_x[(D(x) - b)^2] + 1/2 E_z[(D(G(z)) - a)^2]`, with `a = 0` (fake label) and
    `b = 1` (real label) by default, including the paper's 1/2 factors.

    Paper: Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017.
    https://arxiv.org/abs/1611.04076

    Args:
        real_outputs: Tensor. Discriminator outputs on real samples, any rank `[B, ...]`.
        fake_outputs: Tensor. Discriminator outputs on generated samples, any rank `[B, ...]`.
        a: float. Target for fakes. Defaults to 0.0.
        b: float. Target for reals. Defaults to 1.0.
        real_weights: optional Tensor. Weights for the real term. Defaults to None.
        fake_weights: optional Tensor. Weights for the fake term. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `real_outputs`.
    """
    return _discriminator_loss(
        real_outputs,
        fake_outputs,
        ("real_outputs", "fake_outputs"),
        lambda outputs: 0.5 * tf.square(outputs - b),
        lambda outputs: 0.5 * tf.square(outputs - a),
        real_weights,
        fake_weights,
        reduction,
    )


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------
LOSS_PAIRS = {
    "non_saturating": (non_saturating_generator_loss, non_saturating_discriminator_loss),
    "minimax": (minimax_generator_loss, minimax_discriminator_loss),
    "wasserstein": (wasserstein_generator_loss, wasserstein_discriminator_loss),
    "hinge": (hinge_generator_loss, hinge_discriminator_loss),
    "least_squares": (least_squares_generator_loss, least_squares_discriminator_loss),
}


def get_loss_pair(name):
    """Returns `(generator_loss_fn, discriminator_loss_fn)` for a loss family.

    Args:
        name: str. One of `"non_saturating"`, `"minimax"`, `"wasserstein"`, `"hinge"`,
            `"least_squares"`.

    Returns:
        A tuple of two functions: `generator_loss(fake_logits, ...)` and
        `discriminator_loss(real_logits, fake_logits, ...)`.
    """
    if name not in LOSS_PAIRS:
        raise ValueError(
            f"`name` must be one of {sorted(LOSS_PAIRS)}. Received: name={name!r}"
        )
    return LOSS_PAIRS[name]


# ---------------------------------------------------------------------------------------------
# Gradient penalties
# ---------------------------------------------------------------------------------------------
def gradient_penalty(critic, real, fake, epsilon=None, target=1.0, seed=None, reduction="mean"):
    """WGAN-GP two-sided gradient penalty on random interpolates.

    `x_hat = eps * x + (1 - eps) * x_fake` with one `eps ~ U[0, 1]` per sample, and
    `GP = E[(||grad_{x_hat} D(x_hat)||_2 - target)^2]`, the norm taken over all non-batch axes
    per sample. The caller multiplies by lambda (10 in the paper). The norm is
    `sqrt(sum(g^2) + 1e-12)` in float32, so gradients of the penalty stay finite when the input
    gradient is zero. Computes its own inner `tf.GradientTape`; call it inside the outer tape of
    the critic step so that the penalty's gradient w.r.t. the critic weights is recorded. The
    per-sample gradient is the gradient of `sum(critic(x_hat))`, which equals it when samples do
    not interact inside the critic (no batch normalization, as the paper requires).

    Paper: Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    https://arxiv.org/abs/1704.00028

    Args:
        critic: callable. Maps a batch of samples `[B, ...]` to outputs `[B, ...]`; wrap
            conditional or `training=` calls in a lambda.
        real: Tensor. Real samples `[B, ...]`.
        fake: Tensor. Generated samples, same shape as `real`.
        epsilon: optional Tensor. Interpolation weights: a scalar, `[B]` or `[B, 1, ..., 1]`.
            Defaults to None (drawn from U[0, 1]).
        target: float. Target gradient norm. Defaults to 1.0.
        seed: optional int or pair of ints. Seed for a stateless draw of `epsilon`.
            Defaults to None (stateful `tf.random.uniform`).
        reduction: str. `"mean"`, `"sum"` or `"none"` (per sample `[B]`). Defaults to `"mean"`.

    Returns:
        The penalty in the dtype of `real`.
    """
    _check_reduction(reduction)
    real = _as_float(real, "real")
    fake = tf.cast(_as_float(fake, "fake"), real.dtype)
    if real.shape.is_fully_defined() and fake.shape.is_fully_defined() and real.shape != fake.shape:
        raise ValueError(
            "`real` and `fake` must have the same shape. "
            f"Received: real.shape={real.shape}, fake.shape={fake.shape}"
        )
    rank = real.shape.rank
    epsilon_shape = tf.concat([tf.shape(real)[:1], tf.ones([rank - 1], tf.int32)], axis=0)
    if epsilon is not None:
        epsilon = tf.cast(tf.convert_to_tensor(epsilon), real.dtype)
        if epsilon.shape.rank == 1:
            epsilon = tf.reshape(epsilon, epsilon_shape)
    elif seed is not None:
        seed_pair = [seed, 0] if isinstance(seed, int) else seed
        epsilon = tf.random.stateless_uniform(epsilon_shape, seed=seed_pair, dtype=tf.float32)
        epsilon = tf.cast(epsilon, real.dtype)
    else:
        epsilon = tf.cast(tf.random.uniform(epsilon_shape, dtype=tf.float32), real.dtype)
    interpolates = epsilon * real + (1.0 - epsilon) * fake
    gradients = _input_gradients(critic, interpolates)
    norms = tf.sqrt(_per_sample_squared_norm(gradients) + _NORM_EPSILON)
    penalty = tf.square(norms - target)
    return _reduce(tf.cast(penalty, real.dtype), reduction)


def r1_penalty(discriminator, real, reduction="mean"):
    """R1 regularizer: squared gradient norm of D on real data.

    `R1 = E_x[||grad_x D(x)||_2^2]` (norm over all non-batch axes per sample). The caller
    multiplies by `gamma / 2`. Computes its own inner `tf.GradientTape`.

    Paper: Mescheder, Geiger & Nowozin, "Which Training Methods for GANs do actually
    Converge?", ICML 2018. https://arxiv.org/abs/1801.04406

    Args:
        discriminator: callable. Maps samples `[B, ...]` to logits `[B, ...]`.
        real: Tensor. Real samples `[B, ...]`.
        reduction: str. `"mean"`, `"sum"` or `"none"` (per sample `[B]`). Defaults to `"mean"`.

    Returns:
        The penalty in the dtype of `real`.
    """
    _check_reduction(reduction)
    real = _as_float(real, "real")
    gradients = _input_gradients(discriminator, real)
    return _reduce(tf.cast(_per_sample_squared_norm(gradients), real.dtype), reduction)


def r2_penalty(discriminator, fake, reduction="mean"):
    """R2 regularizer: squared gradient norm of D on generated data.

    `R2 = E_z[||grad_x D(x)||_2^2]` at `x = G(z)`; the same computation as `r1_penalty`,
    applied to fakes. The caller multiplies by `gamma / 2`.

    Paper: Mescheder, Geiger & Nowozin, "Which Training Methods for GANs do actually
    Converge?", ICML 2018. https://arxiv.org/abs/1801.04406

    Args:
        discriminator: callable. Maps samples `[B, ...]` to logits `[B, ...]`.
        fake: Tensor. Generated samples `[B, ...]`.
        reduction: str. `"mean"`, `"sum"` or `"none"` (per sample `[B]`). Defaults to `"mean"`.

    Returns:
        The penalty in the dtype of `fake`.
    """
    return r1_penalty(discriminator, fake, reduction=reduction)


# ---------------------------------------------------------------------------------------------
# Auxiliary losses: ACGAN, InfoGAN, semi-supervised GAN
# ---------------------------------------------------------------------------------------------
def _sparse_softmax_cross_entropy(logits, labels, logits_name, labels_name):
    """-log softmax(logits)[label] per example -> [B], in the dtype of `logits`."""
    logits = tf.convert_to_tensor(logits)
    if not logits.dtype.is_floating:
        logits = tf.cast(logits, tf.float32)
    if logits.shape.rank != 2:
        raise ValueError(
            f"`{logits_name}` must have shape [B, num_classes]. "
            f"Received: {logits_name} with shape {logits.shape}"
        )
    labels = tf.convert_to_tensor(labels)
    if labels.dtype.is_floating:
        raise ValueError(
            f"`{labels_name}` must be integer class indices of shape [B]. "
            f"Received: {labels_name} with dtype {labels.dtype.name}"
        )
    labels = tf.reshape(tf.cast(labels, tf.int32), [-1])
    num_classes = logits.shape[-1]
    if tf.executing_eagerly() and num_classes is not None:
        bad = labels.numpy()[(labels.numpy() < 0) | (labels.numpy() >= num_classes)]
        if bad.size:
            raise ValueError(
                f"`{labels_name}` must be in [0, {num_classes}). "
                f"Received: {labels_name} containing {bad.tolist()}"
            )
    label_logits = tf.gather(logits, labels, axis=1, batch_dims=1)
    return tf.reduce_logsumexp(logits, axis=-1) - label_logits


def auxiliary_classifier_loss(class_logits, labels, weights=None, reduction="mean"):
    """Auxiliary classifier loss of ACGAN: sparse softmax cross-entropy.

    `L_C = -E[log P(C = c | x)] = E[logsumexp(l) - l_c]`; both D (on real and fake) and G (on
    fake) minimise it.

    Paper: Odena, Olah & Shlens, "Conditional Image Synthesis with Auxiliary Classifier
    GANs", ICML 2017. https://arxiv.org/abs/1610.09585

    Args:
        class_logits: Tensor. Class logits `[B, num_classes]`.
        labels: Tensor. Integer class indices `[B]` (or `[B, 1]`).
        weights: optional Tensor. Scalar or per-example `[B]` weights. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `class_logits`.
    """
    _check_reduction(reduction)
    per_example = _sparse_softmax_cross_entropy(class_logits, labels, "class_logits", "labels")
    return _reduce(per_example, reduction, weights)


def categorical_mutual_information_loss(code_logits, codes, weights=None, reduction="mean"):
    """InfoGAN mutual-information loss for a categorical latent code.

    `L = -E_{c, z}[log Q(c | G(z, c))]` (sparse softmax cross-entropy of Q's logits against the
    sampled code). The variational lower bound is `L_I = H(c) - L <= I(c; G(z, c))`; `H(c)` is
    a constant, so minimising `L` maximises the bound. Both G and Q minimise it (times lambda).

    Paper: Chen et al., "InfoGAN: Interpretable Representation Learning by Information
    Maximizing Generative Adversarial Nets", NeurIPS 2016. https://arxiv.org/abs/1606.03657

    Args:
        code_logits: Tensor. Q's logits for the code `[B, num_categories]`.
        codes: Tensor. Integer sampled codes `[B]` (or `[B, 1]`).
        weights: optional Tensor. Scalar or per-example `[B]` weights. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `code_logits`.
    """
    _check_reduction(reduction)
    per_example = _sparse_softmax_cross_entropy(code_logits, codes, "code_logits", "codes")
    return _reduce(per_example, reduction, weights)


def gaussian_mutual_information_loss(mean, log_std, codes, weights=None, reduction="mean"):
    """InfoGAN mutual-information loss for continuous codes: Gaussian negative log-likelihood.

    `L = E[sum_d (0.5 log(2 pi) + log sigma_d + 0.5 ((c_d - mu_d) / sigma_d)^2)]`, with
    `sigma = exp(log_std)`: the exact NLL of the codes under Q's factorised Gaussian, summed over
    code dimensions and averaged over the batch (the `0.5 log(2 pi)` constant is included, so
    the value is a true NLL; it does not affect gradients). `H(c) - L` lower-bounds
    `I(c; G(z, c))`. For a fixed unit variance pass `log_std=0.0`.

    Paper: Chen et al., "InfoGAN: Interpretable Representation Learning by Information
    Maximizing Generative Adversarial Nets", NeurIPS 2016. https://arxiv.org/abs/1606.03657

    Args:
        mean: Tensor. Q's predicted means `[B, code_dim]`.
        log_std: Tensor. Q's predicted log standard deviations, broadcastable to `mean`.
        codes: Tensor. Sampled continuous codes `[B, code_dim]`.
        weights: optional Tensor. Scalar or per-example `[B]` weights. Defaults to None.
        reduction: str. `"mean"` (over the batch), `"sum"` or `"none"` (per example `[B]`).
            Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `mean`.
    """
    _check_reduction(reduction)
    mean = _as_float(mean, "mean")
    log_std = tf.cast(tf.convert_to_tensor(log_std), mean.dtype)
    codes = tf.cast(tf.convert_to_tensor(codes), mean.dtype)
    if mean.shape.rank is not None and codes.shape.rank is not None:
        if mean.shape.is_fully_defined() and codes.shape.is_fully_defined():
            if mean.shape != codes.shape:
                raise ValueError(
                    "`mean` and `codes` must have the same shape [B, code_dim]. "
                    f"Received: mean.shape={mean.shape}, codes.shape={codes.shape}"
                )
    log_std = tf.broadcast_to(log_std, tf.shape(mean))
    standardized = (codes - mean) * tf.exp(-log_std)
    nll = 0.5 * math.log(2.0 * math.pi) + log_std + 0.5 * tf.square(standardized)
    batch = tf.shape(nll)[0]
    per_example = tf.reduce_sum(tf.reshape(nll, [batch, -1]), axis=1)
    return _reduce(per_example, reduction, weights)


def _class_logsumexp(logits, name):
    logits = _as_float(logits, name)
    if logits.shape.rank != 2:
        raise ValueError(
            f"`{name}` must have shape [B, num_classes]. Received: {name} with shape {logits.shape}"
        )
    return tf.reduce_logsumexp(logits, axis=-1)


def semi_supervised_discriminator_loss(
    real_logits, fake_logits, real_weights=None, fake_weights=None, reduction="mean"
):
    """Unsupervised part of the semi-supervised GAN discriminator loss (K real classes).

    With `Z(x) = sum_k exp(l_k(x))` over the K class logits, the "real" probability is
    `D(x) = Z / (Z + 1)` (an implicit (K+1)-th fake logit fixed at 0), and
    `L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))]`, computed stably from
    `lse = logsumexp(l)`: `log D = lse - softplus(lse) = -softplus(-lse)` and
    `log(1 - D) = -softplus(lse)`. Add `auxiliary_classifier_loss` on labelled reals for the
    supervised part.

    Paper: Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 5.
    https://arxiv.org/abs/1606.03498

    Args:
        real_logits: Tensor. Class logits on (unlabelled) real samples `[B, K]`.
        fake_logits: Tensor. Class logits on generated samples `[B, K]`.
        real_weights: optional Tensor. Weights for the real term. Defaults to None.
        fake_weights: optional Tensor. Weights for the fake term. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `real_logits`.
    """
    _check_reduction(reduction)
    real_lse = _class_logsumexp(real_logits, "real_logits")
    fake_lse = tf.cast(_class_logsumexp(fake_logits, "fake_logits"), real_lse.dtype)
    return _reduce(tf.nn.softplus(-real_lse), reduction, real_weights) + _reduce(
        tf.nn.softplus(fake_lse), reduction, fake_weights
    )


def semi_supervised_generator_loss(fake_logits, weights=None, reduction="mean"):
    """Non-saturating generator loss for the semi-supervised GAN discriminator.

    `L_G = -E_z[log D(G(z))] = E[softplus(-logsumexp(l(G(z))))]` with `D = Z / (Z + 1)`,
    `Z = sum_k exp(l_k)`. (Salimans et al. train G with `feature_matching_loss` instead; both
    are offered.)

    Paper: Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    https://arxiv.org/abs/1606.03498

    Args:
        fake_logits: Tensor. Class logits on generated samples `[B, K]`.
        weights: optional Tensor. Scalar or per-example `[B]` weights. Defaults to None.
        reduction: str. `"mean"`, `"sum"` or `"none"`. Defaults to `"mean"`.

    Returns:
        The loss in the dtype of `fake_logits`.
    """
    _check_reduction(reduction)
    fake_lse = _class_logsumexp(fake_logits, "fake_logits")
    return _reduce(tf.nn.softplus(-fake_lse), reduction, weights)


def feature_matching_loss(real_features, fake_features):
    """Feature matching generator loss.

    `L_G = mean_j (E_x[f_j(x)] - E_z[f_j(G(z))])^2`: the squared distance between the batch
    means of an intermediate discriminator layer, averaged (not summed) over feature
    dimensions, as in the authors' code (`T.mean(T.square(m1 - m2))`); it is the paper's
    `||E f(x) - E f(G(z))||_2^2` divided by the number of features. Features of any rank
    `[B, ...]` are averaged over the batch axis; the real and fake batch sizes may differ.

    Paper: Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016, section 3.1.
    https://arxiv.org/abs/1606.03498

    Args:
        real_features: Tensor. Discriminator features on real samples `[B, ...]`.
        fake_features: Tensor. Discriminator features on generated samples `[B', ...]`.

    Returns:
        A scalar in the dtype of `real_features`.
    """
    real_features = _as_float(real_features, "real_features")
    fake_features = tf.cast(_as_float(fake_features, "fake_features"), real_features.dtype)
    if (
        real_features.shape.rank is not None
        and fake_features.shape.rank is not None
        and real_features.shape[1:].is_fully_defined()
        and fake_features.shape[1:].is_fully_defined()
        and real_features.shape[1:] != fake_features.shape[1:]
    ):
        raise ValueError(
            "`real_features` and `fake_features` must have the same non-batch shape. "
            f"Received: real_features.shape={real_features.shape}, "
            f"fake_features.shape={fake_features.shape}"
        )
    dtype = real_features.dtype
    compute_dtype = tf.float32 if dtype in _LOW_PRECISION else dtype
    real_mean = tf.reduce_mean(tf.cast(real_features, compute_dtype), axis=0)
    fake_mean = tf.reduce_mean(tf.cast(fake_features, compute_dtype), axis=0)
    return tf.cast(tf.reduce_mean(tf.square(real_mean - fake_mean)), dtype)


# ---------------------------------------------------------------------------------------------
# GAIN: imputation (Yoon, Jordon & van der Schaar 2018)
# ---------------------------------------------------------------------------------------------
# Shapes: every GAIN term is element-wise on `[B, ...]` tensors of one shape (a table row
# `[B, d]` or an image `[B, H, W, C]`): the mask M (1 = observed, 0 = missing), D's per-entry
# logits, the data and G's output. These follow the authors' code (jsyoon0823/GAIN, gain.py)
# where it differs from the paper: the hint is `B * M` and D's loss runs over all entries.
def _check_same_shape(a, a_name, b, b_name):
    if (
        a.shape.rank is not None and b.shape.rank is not None
        and a.shape.is_fully_defined() and b.shape.is_fully_defined()
        and a.shape != b.shape
    ):
        raise ValueError(
            f"`{a_name}` and `{b_name}` must have the same shape (one value per entry). "
            f"Received: {a_name}.shape={a.shape}, {b_name}.shape={b.shape}"
        )


def gain_hint(mask, uniform, hint_rate):
    """GAIN's hint `H = B * M` with `B_ij = 1[U_ij < h]`, i.e. B ~ Bernoulli(h).

    The hint tells D the true mask on a random fraction h of the entries and "missing"
    (0) on the rest, so D's task is identifiable only where the hint is uninformative.
    This is the authors' code (`H = M * binary_sampler(hint_rate)`). The paper's
    section 4 hint is `H = B * M + 0.5 (1 - B)` (0.5 marks "unknown"), with D's loss only on
    entries where B = 0; the code's `B * M` conflates "hinted missing" and "not hinted",
    and is what the paper's numbers were produced with, so it is used here.

    Paper: Yoon, Jordon & van der Schaar, "GAIN: Missing Data Imputation using Generative
    Adversarial Nets", ICML 2018, section 3.2 and 4. https://arxiv.org/abs/1806.02920

    Args:
        mask: Tensor `[B, ...]`. 1 where observed, 0 where missing.
        uniform: Tensor of the mask's shape. Draws from U[0, 1) (stateless, by the caller).
        hint_rate: float in [0, 1]. h, the probability that an entry's mask is revealed.
            The paper's default is 0.9.

    Returns:
        The hint, a tensor of the mask's shape and float dtype, values in {0, 1}.
    """
    is_number = isinstance(hint_rate, numbers.Real) and not isinstance(hint_rate, bool)
    if not is_number or not 0.0 <= hint_rate <= 1.0:
        raise ValueError(
            f"`hint_rate` must be a float in [0, 1]. Received: hint_rate={hint_rate!r}"
        )
    mask = _as_float(mask, "mask")
    uniform = tf.cast(_as_float(uniform, "uniform"), mask.dtype)
    _check_same_shape(mask, "mask", uniform, "uniform")
    revealed = tf.cast(uniform < hint_rate, mask.dtype)
    return revealed * mask


def _logits_and_mask(logits, mask):
    """Float logits and the mask in their dtype, checked to have the same shape."""
    logits = _as_float(logits, "logits")
    mask = tf.cast(_as_float(mask, "mask"), logits.dtype)
    _check_same_shape(logits, "logits", mask, "mask")
    return logits, mask


def gain_discriminator_loss(logits, mask, reduction="mean"):
    """GAIN's discriminator loss: D predicts, per entry, whether it was observed.

    `L_D = -mean_ij [M_ij log D_ij + (1 - M_ij) log(1 - D_ij)]` with `D = sigmoid(logits)`,
    the mean over all entries as in the authors' code (the paper's Algorithm 1 sums only the
    entries whose hint is uninformative, B = 0). Computed from logits with softplus, which
    equals the code's `log(D + 1e-8)` up to that epsilon.

    Paper: Yoon et al. 2018, eq. (4) and Algorithm 1. https://arxiv.org/abs/1806.02920

    Args:
        logits: Tensor `[B, ...]`. D's per-entry logits on the completed sample.
        mask: Tensor of the same shape. 1 where observed, 0 where missing.
        reduction: "mean", "sum" or "none" (see the module docstring). Defaults to "mean".

    Returns:
        The loss in the dtype of `logits`.
    """
    _check_reduction(reduction)
    logits, mask = _logits_and_mask(logits, mask)
    return _reduce(_sigmoid_cross_entropy(mask, logits), reduction)


def gain_generator_loss(logits, mask, reduction="mean"):
    """GAIN's adversarial generator term: G wants D to call its imputed entries observed.

    `L_G = -mean_ij [(1 - M_ij) log D_ij]` with `D = sigmoid(logits)`: only missing entries
    (those G filled in) count, and the mean runs over all entries (missing and observed),
    as in the authors' code (`-reduce_mean((1 - M) * log(D + 1e-8))`).

    Paper: Yoon et al. 2018, eq. (5)-(6) and Algorithm 1. https://arxiv.org/abs/1806.02920

    Args:
        logits: Tensor `[B, ...]`. D's per-entry logits on the completed sample.
        mask: Tensor of the same shape. 1 where observed, 0 where missing.
        reduction: "mean", "sum" or "none". Defaults to "mean".

    Returns:
        The loss in the dtype of `logits`.
    """
    _check_reduction(reduction)
    logits, mask = _logits_and_mask(logits, mask)
    return _reduce((1.0 - mask) * tf.nn.softplus(-logits), reduction)


def gain_reconstruction_loss(x, generated, mask, observed_fraction=None):
    """GAIN's reconstruction term: G's output must match the observed entries.

    `L_M = mean_ij [M_ij (x_ij - G_ij)^2] / mean_ij [M_ij]`: the mean squared error over the
    observed entries only (entries where `M = 0` are ignored, whatever `x` holds there, NaN
    included). The generator's objective is `L_G + alpha L_M` (alpha = 100 in the paper).

    Under `tf.distribute`, each replica's `mean(M)` differs; pass the global batch's
    observed fraction as `observed_fraction` so the replicas' terms add up to the
    one-device value.

    Paper: Yoon et al. 2018, eq. (9) and Algorithm 1. https://arxiv.org/abs/1806.02920

    Args:
        x: Tensor `[B, ...]`. The data (normalized); missing entries may hold anything.
        generated: Tensor of the same shape. G's output.
        mask: Tensor of the same shape. 1 where observed, 0 where missing.
        observed_fraction: scalar or None. The denominator `mean(M)`; None computes it
            from `mask`. Defaults to None.

    Returns:
        A scalar in the dtype of `generated`. Zero when nothing is observed.
    """
    generated = _as_float(generated, "generated")
    dtype = generated.dtype
    x = tf.cast(_as_float(x, "x"), dtype)
    mask = tf.cast(_as_float(mask, "mask"), dtype)
    _check_same_shape(x, "x", generated, "generated")
    _check_same_shape(mask, "mask", generated, "generated")
    # tf.where, not M * x: 0 * NaN is NaN, and missing cells of raw data are NaN.
    squared = tf.where(mask > 0, tf.square(x - generated), tf.zeros_like(generated))
    compute = tf.float32 if dtype in _LOW_PRECISION else dtype
    numerator = tf.reduce_mean(tf.cast(mask * squared, compute))
    if observed_fraction is None:
        observed_fraction = tf.reduce_mean(tf.cast(mask, compute))
    observed_fraction = tf.cast(observed_fraction, compute)
    return tf.cast(tf.math.divide_no_nan(numerator, observed_fraction), dtype)
