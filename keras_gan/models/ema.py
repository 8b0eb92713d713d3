"""The decay schedule of the generator's exponential moving average (EMA).

Every variant can keep an EMA of G's weights (`GAN(ema_decay=...)`): samples, metrics and
exports come from it. StyleGAN2 (Karras et al. 2020) sets the decay from a half-life in
training images and StyleGAN2-ADA ramps that half-life up from zero, so that early in a
run the average follows G instead of holding its initial weights; both are pure functions
here, taken by every variant (`GAN(ema_rampup=...)`, `keras-gan train --ema-rampup`).
"""

import numbers

import numpy as np
import tensorflow as tf


def ema_decay_for_half_life(batch_size, half_life_images=10_000):
    """The per-step EMA decay whose half-life is `half_life_images` training images:
    `beta = 0.5 ** (batch_size / half_life_images)` (StyleGAN2 / StyleGAN2-ADA's
    `ema_kimg` = 10: 0.99778 at batch 32)."""
    return 0.5 ** (batch_size / half_life_images)


def ema_beta(step, ema_decay, rampup):
    """EMA decay of G update `step` (0-based) with StyleGAN2-ADA's ramp-up.

    ADA's training loop: `ema_nimg = min(ema_kimg * 1000, cur_nimg * ema_rampup)`,
    `beta = 0.5 ** (batch / ema_nimg)`, `cur_nimg = step * batch` the images seen before
    the update. Written with the steady-state decay `ema_decay = 0.5 ** (batch /
    (ema_kimg * 1000))`, whose half-life is `h = log 0.5 / log ema_decay` steps, the batch
    size cancels: `beta = 0.5 ** (1 / min(h, step * rampup))`, 0 at step 0 (the EMA starts
    as a copy of G), reaching `ema_decay` once `step * rampup >= h`.

    Karras et al., "Training Generative Adversarial Networks with Limited Data", NeurIPS
    2020 (https://arxiv.org/abs/2006.06676), training_loop.py's `ema_rampup`.

    Args:
        step: int or int Tensor. Index of the G update (0 for the first).
        ema_decay: float in (0, 1). The steady-state decay.
        rampup: float or None. Ramp-up factor (ADA: 0.05); None: `ema_decay` throughout.

    Returns:
        A float32 scalar Tensor.
    """
    beta = tf.constant(ema_decay, tf.float32)
    if rampup is None:
        return beta
    half_life = tf.constant(np.log(0.5) / np.log(ema_decay), tf.float32)  # in steps
    ramp = tf.cast(step, tf.float32) * rampup
    steps = tf.minimum(half_life, ramp)
    return tf.where(steps > 0, 0.5 ** (1.0 / tf.maximum(steps, 1e-8)), 0.0)


def check_ema_options(ema_decay, ema_rampup):
    """Validates `GAN(ema_decay, ema_rampup)`; returns them as floats (or None).

    Raises:
        ValueError: naming the argument, the value received and what is expected.
    """
    if ema_decay is not None and (
        isinstance(ema_decay, bool) or not isinstance(ema_decay, numbers.Real) or not 0.0 < ema_decay < 1.0
    ):
        raise ValueError(f"`ema_decay` must be in (0, 1) or None. Received: ema_decay={ema_decay!r}")
    if ema_rampup is not None and (
        isinstance(ema_rampup, bool) or not isinstance(ema_rampup, numbers.Real) or ema_rampup <= 0
    ):
        raise ValueError(
            f"`ema_rampup` must be a positive number or None. Received: ema_rampup={ema_rampup!r}"
        )
    if ema_rampup is not None and ema_decay is None:
        raise ValueError(
            "`ema_rampup` ramps up the EMA of `ema_decay`, which is None (no EMA). Set "
            f"`ema_decay` too (e.g. 0.999) or leave `ema_rampup` None. Received: ema_rampup={ema_rampup!r}"
        )
    return (None if ema_decay is None else float(ema_decay),
            None if ema_rampup is None else float(ema_rampup))


__all__ = ["check_ema_options", "ema_beta", "ema_decay_for_half_life"]
