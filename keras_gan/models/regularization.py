"""R1 / R2 gradient penalties with lazy regularization: options of every GAN variant.

Mescheder, Geiger & Nowozin, "Which Training Methods for GANs do actually Converge?",
ICML 2018 (https://arxiv.org/abs/1801.04406): `R1 = gamma / 2 * E_x[||grad D(x)||^2]` on
real data, `R2` the same on generated data, added to D's loss.

Lazy regularization (Karras et al., "Analyzing and Improving the Image Quality of
StyleGAN", CVPR 2020, https://arxiv.org/abs/1912.04958): the penalty is computed only on
training steps where `step % interval == 0` and multiplied by `interval` there, so its
average contribution per step is unchanged while it costs `1 / interval` as much.

The base `GAN` takes `r1_gamma`, `r2_gamma` and `regularization_interval` and calls
`penalty_terms` after the variant's own D loss, so every variant has these options.
"""

import numbers

import tensorflow as tf

from keras_gan import losses

__all__ = ["adversarial_output", "check_options", "lazy_term", "penalty_terms"]


def check_options(r1_gamma, r2_gamma, interval):
    """Validates the regularization options; returns them as (float, float, int)."""
    for name, value in (("r1_gamma", r1_gamma), ("r2_gamma", r2_gamma)):
        if not isinstance(value, numbers.Real) or isinstance(value, bool) or value < 0:
            raise ValueError(f"`{name}` must be a number >= 0. Received: {name}={value!r}")
    if not isinstance(interval, numbers.Integral) or isinstance(interval, bool) or interval < 1:
        raise ValueError(
            "`regularization_interval` must be a positive integer. "
            f"Received: regularization_interval={interval!r}"
        )
    return float(r1_gamma), float(r2_gamma), int(interval)


def adversarial_output(outputs):
    """D's real/fake output: the first output when D returns several (e.g. ACGAN's class head)."""
    if isinstance(outputs, dict):
        raise ValueError(
            "The gradient penalties need the discriminator's real/fake output; a dict of outputs "
            f"is ambiguous. Received: outputs with keys {sorted(outputs)}"
        )
    if isinstance(outputs, (list, tuple)):
        return outputs[0]
    return outputs


def lazy_term(step, interval, compute):
    """`interval * compute()` on steps where `step % interval == 0`, else 0.

    Args:
        step: int Tensor. The training step.
        interval: int. Regularize every `interval` steps; 1 computes every step.
        compute: callable `() -> scalar Tensor`. The (weighted) penalty.

    Returns:
        A scalar Tensor.
    """
    if interval == 1:
        return compute()

    def apply():
        value = compute()
        return value * tf.cast(interval, value.dtype)

    def skip():
        return tf.zeros([], tf.float32)

    step = tf.cast(step, tf.int64)
    return tf.cond(tf.equal(tf.math.floormod(step, interval), 0), apply, skip)


def penalty_terms(discriminate, real, real_labels, fake, fake_labels, step, r1_gamma, r2_gamma,
                  interval, real_view=None, fake_view=None):
    """The lazily applied `{"r1": ..., "r2": ...}` terms (only those with gamma > 0).

    `r1 = gamma_1 / 2 * E_x[||grad_x D(T(x))||^2]` on `real`, `r2` the same on `fake`, each
    scaled by `interval` on the steps where it is computed and 0 on the others. `T` is
    the view D gets (`real_view` / `fake_view`, e.g. DiffAugment with the step's seed; the
    identity when None): the gradient is taken with respect to the un-augmented samples,
    through `T`, as DiffAugment's (mit-han-lab/data-efficient-gans) and StyleGAN2-ADA's
    (`run_D` augments inside the R1 gradient) code do.

    Args:
        discriminate: callable `(samples, labels) -> outputs`. D in training mode (the
            first output is used when there are several).
        real: Tensor. The real batch, before D's view `real_view`.
        real_labels: Tensor or None. Their labels (conditional variants).
        fake: Tensor. The generated batch, before `fake_view`.
        fake_labels: Tensor or None.
        step: int Tensor. The training step (number of G updates so far).
        r1_gamma: float. gamma of R1; 0 turns it off.
        r2_gamma: float. gamma of R2; 0 turns it off.
        interval: int. Lazy regularization interval.
        real_view: callable `x -> T(x)` or None. Differentiable. Defaults to None.
        fake_view: callable `x -> T(x)` or None. Defaults to None.

    Returns:
        dict of scalar Tensors (float32).
    """
    terms = {}
    for name, gamma, samples, labels, view in (
        ("r1", r1_gamma, real, real_labels, real_view),
        ("r2", r2_gamma, fake, fake_labels, fake_view),
    ):
        if gamma > 0:
            view = view or (lambda x: x)

            def compute(samples=samples, labels=labels, gamma=gamma, view=view):
                critic = lambda x: adversarial_output(discriminate(view(x), labels))  # noqa: E731
                penalty = losses.r1_penalty(critic, tf.stop_gradient(samples))
                return tf.cast(0.5 * gamma * penalty, tf.float32)

            terms[name] = lazy_term(step, interval, compute)
    return terms
