"""Distances between a real and a generated feature distribution: FID and KID."""

import numpy as np

from keras_gan.metrics._checks import as_features, check_same_width


def feature_statistics(features):
    """Mean and covariance of a feature set, the sufficient statistics of FID.

    Args:
        features: array-like `[n, d]`, n >= 2. Features (e.g. Inception pool features).

    Returns:
        `(mean, covariance)`: float64 arrays `[d]` and `[d, d]`; the covariance is the
        unbiased sample covariance (divides by n - 1), as in the reference FID code.
    """
    features = as_features(features, "features", min_samples=2)
    return features.mean(axis=0), np.atleast_2d(np.cov(features, rowvar=False))


def _trace_sqrt_product(sigma1, sigma2):
    """Tr((sigma1 sigma2)^(1/2)) for symmetric positive semi-definite matrices.

    sigma1 sigma2 is similar to the symmetric PSD matrix A sigma2 A with A = sigma1^(1/2),
    so both have the same non-negative eigenvalues; two symmetric eigendecompositions are
    stable where `scipy.linalg.sqrtm(sigma1 @ sigma2)` returns complex noise or fails on
    rank-deficient covariances (fewer samples than features).
    """
    eigenvalues, eigenvectors = np.linalg.eigh(sigma1)
    root1 = (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T
    middle = root1 @ sigma2 @ root1
    middle = (middle + middle.T) / 2.0
    return float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(middle), 0.0, None))))


def frechet_distance_from_statistics(mean1, covariance1, mean2, covariance2):
    """Frechet distance between two Gaussians given their means and covariances.

    d^2 = ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))   (Dowson & Landau 1982).

    Args:
        mean1: array-like `[d]`. Mean of the first Gaussian.
        covariance1: array-like `[d, d]`. Its covariance (symmetric PSD).
        mean2: array-like `[d]`. Mean of the second Gaussian.
        covariance2: array-like `[d, d]`. Its covariance.

    Returns:
        float. The squared Frechet distance (>= 0 up to round-off).
    """
    mean1, mean2 = np.asarray(mean1, np.float64), np.asarray(mean2, np.float64)
    covariance1 = np.atleast_2d(np.asarray(covariance1, np.float64))
    covariance2 = np.atleast_2d(np.asarray(covariance2, np.float64))
    d = mean1.shape[-1]
    if mean2.shape != (d,):
        raise ValueError(f"`mean2` must have shape ({d},) like `mean1`. Received: "
                         f"mean2.shape={mean2.shape}")
    for name, value in (("covariance1", covariance1), ("covariance2", covariance2)):
        if value.shape != (d, d):
            raise ValueError(f"`{name}` must have shape ({d}, {d}). Received: "
                             f"{name}.shape={value.shape}")
    difference = mean1 - mean2
    trace_term = np.trace(covariance1) + np.trace(covariance2)
    return float(difference @ difference + trace_term
                 - 2.0 * _trace_sqrt_product(covariance1, covariance2))


def frechet_distance(real_features, fake_features):
    """Frechet Inception Distance (FID) between two feature sets.

    Fits a Gaussian to each set (sample mean, unbiased covariance) and returns
    ||mu_r - mu_f||^2 + Tr(S_r + S_f - 2 (S_r S_f)^(1/2)), computed in float64 with a matrix
    square root that stays exact for near-singular and rank-deficient covariances.

    Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local
    Nash Equilibrium", https://arxiv.org/abs/1706.08500. FID is biased upwards for small n:
    compare numbers only at equal sample counts (the protocol records them).

    Args:
        real_features: array-like `[n_real, d]`, n_real >= 2. Features of real images.
        fake_features: array-like `[n_fake, d]`, n_fake >= 2. Features of generated images.

    Returns:
        float. The FID (0 for identical sets).
    """
    real = as_features(real_features, "real_features", min_samples=2)
    fake = as_features(fake_features, "fake_features", min_samples=2)
    check_same_width(real, fake, "real_features", "fake_features")
    return frechet_distance_from_statistics(
        real.mean(axis=0), np.cov(real, rowvar=False), fake.mean(axis=0),
        np.cov(fake, rowvar=False))


def polynomial_kernel(x, y):
    """Cubic polynomial kernel of KID: k(x, y) = (x . y / d + 1)^3, `[len(x), len(y)]`."""
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kernel_distance(real_features, fake_features, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance (KID): unbiased MMD^2 with a cubic polynomial kernel.

    For each of `num_subsets` subsets, draws m = `subset_size` real features X and m fake
    features Y (each without replacement) and computes, with k(x, y) = (x . y / d + 1)^3,

        MMD^2_u = sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (m (m - 1))
                  - 2 sum_{i, j} k(x_i, y_j) / m^2.

    Binkowski et al. 2018, "Demystifying MMD GANs", https://arxiv.org/abs/1801.01401.
    Unbiased: its expectation does not depend on the sample size (it can be negative).

    Args:
        real_features: array-like `[n_real, d]`. Features of real images.
        fake_features: array-like `[n_fake, d]`. Features of generated images.
        num_subsets: int. Number of random subsets averaged. Defaults to 100.
        subset_size: int. Samples per subset, at least 2 and at most min(n_real, n_fake).
            Defaults to 1000.
        seed: int. Seed of the subset draws. Defaults to 0.

    Returns:
        `(mean, std)`: floats, the mean and standard deviation of MMD^2_u over the subsets.
    """
    if int(num_subsets) != num_subsets or num_subsets < 1:
        raise ValueError(f"`num_subsets` must be a positive integer. Received: "
                         f"num_subsets={num_subsets}")
    if int(subset_size) != subset_size or subset_size < 2:
        raise ValueError(f"`subset_size` must be an integer >= 2. Received: "
                         f"subset_size={subset_size}")
    real = as_features(real_features, "real_features")
    fake = as_features(fake_features, "fake_features")
    check_same_width(real, fake, "real_features", "fake_features")
    for name, value in (("real_features", real), ("fake_features", fake)):
        if len(value) < subset_size:
            raise ValueError(
                f"`{name}` has fewer samples than `subset_size`: lower `subset_size` or "
                f"pass more samples. Received: {name}.shape={value.shape}, "
                f"subset_size={subset_size}")
    m = int(subset_size)
    rng = np.random.default_rng(seed)
    estimates = np.empty(int(num_subsets))
    for index in range(int(num_subsets)):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        k_xx, k_yy, k_xy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
        estimates[index] = (
            (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
            + (k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
            - 2.0 * k_xy.sum() / (m * m))
    return float(estimates.mean()), float(estimates.std())
