"""2-D Gaussian mixtures for mode-collapse experiments.

- `ring8`: 8 Gaussians evenly spaced on a circle of radius 2, std 0.02 (Metz et al. 2017,
  "Unrolled Generative Adversarial Networks", https://arxiv.org/abs/1611.02163).
- `grid25`: 25 Gaussians centred on {-4, -2, 0, 2, 4}^2, std 0.05 (Srivastava et al. 2017,
  VEEGAN, https://arxiv.org/abs/1705.07761; Lin et al. 2018, PacGAN).

Against PacGAN's reference code (fjxmlzn/PacGAN, `synthetic_data_experiments/*/config.py`):
the grid is theirs exactly; their ring has radius 1 and std 0.01, ours radius 2 and std
0.02: the same std / radius ratio (0.01), so the same problem at twice the scale. They
train on 100,000 points, we sample 25,600 by default; both weight the modes equally.

Coverage of these modes is measured by `keras_gan.metrics.mode_coverage`.
"""

import numpy as np

from keras_gan.data.arrays import ArrayData

TOY_DATASETS = ("ring8", "grid25")
TOY_DEFAULT_NUM_EXAMPLES = 25_600  # 100 batches of 256, 50 of 512.
TOY_SPLITS = ("train", "test")
_TOY_STD = {"ring8": 0.02, "grid25": 0.05}


def ring8_modes(radius=2.0):
    """Centres `[8, 2]`: `(r cos(2 pi k / 8), r sin(2 pi k / 8))`, k = 0..7."""
    angles = 2.0 * np.pi * np.arange(8) / 8.0
    modes = np.stack([radius * np.cos(angles), radius * np.sin(angles)], axis=1)
    return np.round(modes, 12).astype(np.float32)  # exact zeros instead of 1e-16


def grid25_modes():
    """Centres `[25, 2]`: `(a, b)` for a, b in {-4, -2, 0, 2, 4}, index `5 i + j`."""
    values = np.arange(-4.0, 5.0, 2.0)
    a, b = np.meshgrid(values, values, indexing="ij")
    return np.stack([a.ravel(), b.ravel()], axis=1).astype(np.float32)


def toy_modes(name):
    """Returns `(modes [k, 2], std)` of the toy mixture `name` ("ring8" or "grid25")."""
    if name not in TOY_DATASETS:
        raise ValueError(f"`name` must be one of {list(TOY_DATASETS)}. Received: name={name!r}")
    modes = ring8_modes() if name == "ring8" else grid25_modes()
    return modes, _TOY_STD[name]


def sample_toy(name, *, num_examples=None, seed=0, split="train"):
    """Samples a toy mixture deterministically.

    Each point picks a component `k ~ Uniform{0..K-1}` and is `modes[k] + std * eps`,
    `eps ~ N(0, I_2)`, drawn from `numpy.random.default_rng([seed, s])` with s = 0 for
    "train" and 1 for "test" (two independent samples of the same mixture).

    Args:
        name: str. "ring8" or "grid25".
        num_examples: int. Number of points. Defaults to 25,600.
        seed: int. Seed of the sample. Defaults to 0.
        split: str. "train" or "test". Defaults to "train".

    Returns:
        `ArrayData` with float32 points `[N, 2]`, labels = component index,
        `num_classes = K`, `modes` and `mode_std` set.
    """
    if split not in TOY_SPLITS:
        raise ValueError(
            f"`split` for '{name}' must be one of {list(TOY_SPLITS)}. Received: split={split!r}"
        )
    if num_examples is None:
        num_examples = TOY_DEFAULT_NUM_EXAMPLES
    modes, std = toy_modes(name)
    rng = np.random.default_rng([seed, TOY_SPLITS.index(split)])
    labels = rng.integers(0, len(modes), size=num_examples)
    noise = rng.standard_normal((num_examples, 2))
    points = (modes[labels].astype(np.float64) + std * noise).astype(np.float32)
    return ArrayData(
        images=points,
        labels=labels.astype(np.int64),
        num_classes=len(modes),
        name=name,
        modes=modes,
        mode_std=std,
    )
