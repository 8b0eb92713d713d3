"""Gaussian Parzen-window log-likelihood, the protocol of the 2014 GAN paper's table 1."""

import numpy as np
from scipy.special import logsumexp

from keras_gan.metrics._checks import as_features, check_same_width, pairwise_squared_distances

DEFAULT_SIGMAS = tuple(np.logspace(-1.5, 0.5, 17))  # 0.03 .. 3.2, for images in [-1, 1]


def parzen_log_likelihood(samples, test_points, sigma, batch_size=256):
    """Mean log-likelihood of test points under a Gaussian Parzen window on generated samples.

    The density is an equal mixture of isotropic Gaussians N(s_i, sigma^2 I) centred on the
    n samples; for a test point x in d dimensions

        log p(x) = logmeanexp_i(-||x - s_i||^2 / (2 sigma^2)) - d/2 log(2 pi sigma^2),

    evaluated with a log-sum-exp accumulated over blocks of samples and test points, so
    memory stays O(batch_size^2) whatever n.

    Goodfellow et al. 2014, "Generative Adversarial Nets" (table 1),
    https://arxiv.org/abs/1406.2661, after Breuleux et al. 2011. Choose `sigma` on a
    validation set with `select_parzen_sigma`, never on the test set. The estimate is known
    to be poor in high dimensions (Theis et al. 2016): compare models only under one protocol.

    Args:
        samples: array-like `[n, d]`. Generated samples (flattened images).
        test_points: array-like `[m, d]`. Held-out real data (flattened likewise).
        sigma: float > 0. Window standard deviation.
        batch_size: int. Rows of each block. Defaults to 256.

    Returns:
        `(mean, standard_error)`: floats, the mean log-likelihood (nats) over the test
        points and its standard error std / sqrt(m), as the paper's table reports.
    """
    log_likelihoods = parzen_log_likelihoods(samples, test_points, sigma, batch_size)
    return (float(log_likelihoods.mean()),
            float(log_likelihoods.std() / np.sqrt(len(log_likelihoods))))


def parzen_log_likelihoods(samples, test_points, sigma, batch_size=256):
    """Per-point log-likelihoods `[m]` of `parzen_log_likelihood` (same arguments)."""
    samples = as_features(samples, "samples")
    test_points = as_features(test_points, "test_points")
    check_same_width(samples, test_points, "samples", "test_points")
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"`sigma` must be a positive number. Received: sigma={sigma}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive integer. Received: "
                         f"batch_size={batch_size}")
    n, d = samples.shape
    result = np.empty(len(test_points))
    for start in range(0, len(test_points), batch_size):
        block = test_points[start:start + batch_size]
        total = np.full(len(block), -np.inf)
        for sample_start in range(0, n, batch_size):
            exponents = -pairwise_squared_distances(
                block, samples[sample_start:sample_start + batch_size]) / (2.0 * sigma ** 2)
            total = np.logaddexp(total, logsumexp(exponents, axis=1))
        result[start:start + batch_size] = total
    return result - np.log(n) - 0.5 * d * np.log(2.0 * np.pi * sigma ** 2)


def select_parzen_sigma(samples, validation_points, sigmas=DEFAULT_SIGMAS, batch_size=256):
    """Chooses the Parzen window width maximising the validation log-likelihood.

    The grid search of Goodfellow et al. 2014 / Breuleux et al. 2011: each sigma of the
    grid is scored by `parzen_log_likelihood(samples, validation_points, sigma)`.

    Args:
        samples: array-like `[n, d]`. Generated samples.
        validation_points: array-like `[m, d]`. Real validation data (not the test set).
        sigmas: sequence of floats > 0. The grid. Defaults to 17 values log-spaced
            from 10^-1.5 to 10^0.5 (suits images in [-1, 1]).
        batch_size: int. Block rows. Defaults to 256.

    Returns:
        `(best_sigma, scores)`: the float maximising the mean validation log-likelihood and a
        dict {sigma: mean log-likelihood} over the grid.
    """
    sigmas = [float(s) for s in np.atleast_1d(np.asarray(sigmas, dtype=np.float64))]
    if not sigmas:
        raise ValueError(f"`sigmas` must not be empty. Received: sigmas={sigmas}")
    scores = {s: parzen_log_likelihood(samples, validation_points, s, batch_size)[0]
              for s in sigmas}
    return max(scores, key=scores.get), scores
