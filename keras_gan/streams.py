"""Named random streams: the fold-in constants of every random draw of a training step.

All training randomness is stateless (`tf.random.stateless_*`): a draw is a pure function
of its seed, and seeds are derived by `tf.random.experimental.stateless_fold_in(parent,
constant)`. Two draws are independent exactly when their seeds differ, so every draw of a
step needs its own path of constants. They are all listed here, one level per block, so
that a new draw takes a free constant of its level instead of reusing another's (issue 14:
StyleGAN2's style mixing reused DiffAugment's saturation seed, and its noise inputs the
path length direction's).

Levels (`GAN._step_seed(stream)` is `fold(fold([seed, 0], step), stream)`; `stream` is
`2k` for D step k, `2k + 1` for its labels, `2 d_steps` (+1) for the G step, `EVAL`
(+1) for `test_step`):

- a step seed `s`: the base z is drawn from `s` itself; `AUGMENT_REAL`, `AUGMENT_FAKE`,
  `PENALTY` and `LATENT_PARTS` fold into it;
- `fold(s, LATENT_PARTS)`: the parts of a structured latent (StyleGAN2: `STYLE_Z`,
  `MIX_Z`, `MIX_CUTOFF`, `NOISE_INPUTS`; InfoGAN: `INFO_NOISE`, `INFO_CONTINUOUS`,
  `INFO_CATEGORICAL + i`);
- `fold(s, PENALTY)`: the loss hooks' draws (`GP_EPSILON`, `PATH_LENGTH_DIRECTION`);
- `fold(latent parts, NOISE_INPUTS)`: noise input of synthesis layer i at `fold(., i)`;
- `fold(s, AUGMENT_*)`: DiffAugment's parameters (`BRIGHTNESS` ... `CUT_X`).
"""

import tensorflow as tf

__all__ = ["fold"]

# A step seed's streams.
AUGMENT_REAL = 1
AUGMENT_FAKE = 2
PENALTY = 3
LATENT_PARTS = 4
EVAL = 10_000  # test_step's step-level stream (its labels: EVAL + 1)

# Parts of a structured latent, under fold(step seed, LATENT_PARTS).
STYLE_Z = 0
MIX_Z = 1
MIX_CUTOFF = 2
NOISE_INPUTS = 3
INFO_NOISE = 0
INFO_CONTINUOUS = 1
INFO_CATEGORICAL = 2  # + index of the categorical code

# Within a mixing-cutoff seed: the crossover layer and the mix-or-not draw.
CUTOFF_LAYER = 0
CUTOFF_MIXED = 1

# The loss hooks' draws, under fold(step seed, PENALTY).
GP_EPSILON = 7
PATH_LENGTH_DIRECTION = 8

# DiffAugment's parameters, under fold(step seed, AUGMENT_REAL / AUGMENT_FAKE).
BRIGHTNESS, SATURATION, CONTRAST, SHIFT_Y, SHIFT_X, CUT_Y, CUT_X = range(7)


def fold(seed, stream):
    """The seed of `stream` under `seed`: `stateless_fold_in(seed, stream)` (int32 `[2]`)."""
    return tf.random.experimental.stateless_fold_in(tf.cast(seed, tf.int32), stream)
