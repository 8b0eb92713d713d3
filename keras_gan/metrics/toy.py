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


def pacgan_mode_metrics(samples, modes, std, num_std=3.0):
    """Mode collapse as PacGAN and VEEGAN measure it on the 2-D rings and grids.

    Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial
    networks" (arXiv:1712.04086), Table 1, following Srivastava et al. 2017 (VEEGAN):
    each sample is assigned to its nearest mode; it is *high quality* when it lies within
    `num_std * std` of that mode. Then

    - `modes`: the number of modes with at least one high-quality sample (PacGAN's
      "modes"; looser than `mode_coverage`'s `covered`, which also asks for 1% of the
      high-quality samples);
    - `high_quality`: high-quality samples / all samples;
    - `reverse_kl`: `KL(p || u) = sum_k p_k log(K p_k)`, where `p` is the histogram of the
      high-quality samples over the K modes and `u` the uniform mixture (0 log 0 = 0;
      `log K` when one mode holds everything). `nan` when no sample is high quality.

    The histogram is over high-quality samples only, as PacGAN's reference code counts a
    sample for a mode only within the 3-std threshold.

    Args:
        samples: array-like `[n, d]`. Generated points.
        modes: array-like `[k, d]`. Centres of the mixture's components (equal weights).
        std: float. Standard deviation of every component.
        num_std: float. The high-quality radius in standard deviations. Defaults to 3.

    Returns:
        dict with `modes` (int), `high_quality` (float), `reverse_kl` (float), `covered`
        (int, `mode_coverage`'s stricter count) and `counts` (high-quality samples per mode).
    """
    coverage = mode_coverage(samples, modes, std, num_std=num_std)
    counts = np.asarray(coverage["counts"], dtype=np.float64)
    total = counts.sum()
    if total > 0:
        p = counts / total
        nonzero = p > 0
        reverse_kl = float(np.sum(p[nonzero] * np.log(len(counts) * p[nonzero])))
    else:
        reverse_kl = float("nan")
    return {
        "modes": int((counts > 0).sum()),
        "high_quality": coverage["high_quality"],
        "reverse_kl": reverse_kl,
        "covered": coverage["covered"],
        "counts": coverage["counts"],
    }
