"""Learning-rate schedules of a run (`TrainConfig.lr_schedule`).

`constant` keeps the configured rates. `linear` decays each rate linearly to zero at the
run's last step:

    lr(t) = lr * max(0, 1 - t / T),    T = the optimizer's updates in the whole run

(G updates once per step, D `d_steps` times). The decay is a function of the optimizer's
`iterations`, which the checkpoint holds, so a resumed run continues the same schedule as
long as it keeps the run's length (`--steps` / `--epochs`); resuming with a longer run
stretches the rest of the decay over the new length.

Why a decay to zero: on the 2-D mixtures, Adam at a constant rate keeps G's samples
jittering around the modes, and half of them land further than 3 std from any mode. The
same 3,000 steps with the rate decayed to zero put 83% of the samples there, against 44%
(ring8, gan recipe, seeds 0-2, benchmarks/README.md, "Mode collapse"). Decaying the rate
to zero over the run is common practice in GAN training (e.g. Zhu et al. 2017, CycleGAN:
linear decay to zero over the second half of training).
"""

import keras

from keras_gan.networks.common import check_positive_int

LR_SCHEDULES = ("constant", "linear")


def learning_rate(rate, schedule, decay_steps):
    """The optimizer's `learning_rate` argument for `rate` under `schedule`.

    Args:
        rate: float. The configured (initial) learning rate.
        schedule: "constant" or "linear" (to 0 after `decay_steps` updates).
        decay_steps: int >= 1. The optimizer's updates in the whole run.

    Returns:
        `rate` itself, or a `keras.optimizers.schedules.PolynomialDecay` of power 1.

    Raises:
        ValueError: an unknown `schedule` or `decay_steps` < 1.
    """
    if schedule not in LR_SCHEDULES:
        raise ValueError(f"`lr_schedule` must be one of {LR_SCHEDULES}. Received: lr_schedule={schedule!r}")
    if schedule == "constant":
        return rate
    check_positive_int("decay_steps", decay_steps)
    return keras.optimizers.schedules.PolynomialDecay(rate, decay_steps, end_learning_rate=0.0, power=1.0)


def scheduled_rates(settings, total_steps):
    """`settings` with `g_lr` and `d_lr` replaced by `learning_rate(...)` of the run's
    `lr_schedule` over `total_steps` training steps (D's over `total_steps * d_steps`
    updates), for a recipe's `optimizers(config)`."""
    schedule = settings.get("lr_schedule", "constant")
    return {
        **settings,
        "g_lr": learning_rate(settings["g_lr"], schedule, total_steps),
        "d_lr": learning_rate(settings["d_lr"], schedule, total_steps * settings["d_steps"]),
    }


__all__ = ["LR_SCHEDULES", "learning_rate", "scheduled_rates"]
