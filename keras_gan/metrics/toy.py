"""Mode coverage on 2-D toy mixtures (8 Gaussians on a ring, 25 on a grid).

The protocol of Metz et al. 2017 ("Unrolled GANs") and Srivastava et al. 2017 (VEEGAN):
a sample is *high quality* when it lies within `num_std` standard deviations of its
nearest mode; a mode is *covered* when at least `min_count` high-quality samples (and, by
default, at least 1% of them) fall on it.
"""

import numpy as np


def mode_coverage(samples, modes, std, num_std=3.0, min_fraction=0.01, min_count=1):
    """Counts the modes of a mixture that a set of samples covers.

    Args:
        samples: array-like `[n, d]`. Generated points.
        modes: array-like `[k, d]`. Centres of the mixture's components.
        std: float. Standard deviation of every component.
        num_std: float. A sample within `num_std * std` of its nearest mode is high
            quality. Defaults to 3.
        min_fraction: float. A mode counts as covered when it holds at least this
            fraction of the high-quality samples. Defaults to 0.01.
        min_count: int. ... and at least this many of them. Defaults to 1.

    Returns:
        dict with `covered` (int, number of covered modes), `high_quality` (fraction of
        samples within `num_std * std` of a mode) and `counts` (high-quality samples per
        mode, a list of k ints).
    """
    samples = np.asarray(samples, dtype=np.float64)
    modes = np.asarray(modes, dtype=np.float64)
    if samples.ndim != 2 or modes.ndim != 2 or samples.shape[1] != modes.shape[1]:
        raise ValueError(
            "`samples` and `modes` must be 2-D with the same width. Received: "
            f"samples.shape={samples.shape}, modes.shape={modes.shape}"
        )
    if std <= 0:
        raise ValueError(f"`std` must be positive. Received: std={std}")
    distances = np.linalg.norm(samples[:, None, :] - modes[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= num_std * std
    counts = np.bincount(nearest[good], minlength=len(modes))
    num_good = int(good.sum())
    threshold = max(min_count, min_fraction * num_good)
    return {
        "covered": int((counts >= threshold).sum()) if num_good else 0,
        "high_quality": float(good.mean()) if len(samples) else 0.0,
        "counts": counts.tolist(),
    }
