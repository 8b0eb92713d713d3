"""k-nearest-neighbour manifold metrics: precision/recall and density/coverage."""

import numpy as np

from keras_gan.metrics._checks import as_features, check_same_width, pairwise_squared_distances

_BATCH_ROWS = 1024  # rows of a distance block: 1024 x n float64 keeps memory at O(n), not O(n^2)


def _check_k(k, features, name):
    if int(k) != k or k < 1:
        raise ValueError(f"`k` must be a positive integer. Received: k={k}")
    if len(features) <= k:
        raise ValueError(
            f"`{name}` must hold more than k={k} samples (a k-th neighbour other than the "
            f"point itself). Received: {name}.shape={features.shape}")


def _nearest_neighbour_radii(features, k):
    """Squared distance from each point to its k-th nearest other point of the same set."""
    radii = np.empty(len(features))
    for start in range(0, len(features), _BATCH_ROWS):
        block = pairwise_squared_distances(features[start:start + _BATCH_ROWS], features)
        # Index k of the sorted row: index 0 is the point itself (distance 0).
        radii[start:start + _BATCH_ROWS] = np.partition(block, k, axis=1)[:, k]
    return radii


def _in_manifold(queries, points, radii):
    """Whether each query lies within radius_i of some point i (closed balls)."""
    inside = np.empty(len(queries), dtype=bool)
    for start in range(0, len(queries), _BATCH_ROWS):
        block = pairwise_squared_distances(queries[start:start + _BATCH_ROWS], points)
        inside[start:start + _BATCH_ROWS] = np.any(block <= radii[None, :], axis=1)
    return inside


def precision_recall(real_features, fake_features, k=3):
    """Improved precision and recall of a generated set (k-NN manifold estimates).

    Each set's manifold is the union of balls around its points with radius the distance to
    the k-th nearest neighbour within the set. Precision is the fraction of fake samples
    inside the real manifold (quality); recall is the fraction of real samples inside the
    fake manifold (diversity). Balls are closed (distance <= radius), as in the authors' code.

    Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for Assessing
    Generative Models", https://arxiv.org/abs/1904.06991.

    Args:
        real_features: array-like `[n_real, d]`, n_real > k. Features of real images.
        fake_features: array-like `[n_fake, d]`, n_fake > k. Features of generated images.
        k: int. Neighbour defining the ball radii. Defaults to 3 (the paper's choice).

    Returns:
        `(precision, recall)`: floats in [0, 1].
    """
    real = as_features(real_features, "real_features")
    fake = as_features(fake_features, "fake_features")
    check_same_width(real, fake, "real_features", "fake_features")
    _check_k(k, real, "real_features")
    _check_k(k, fake, "fake_features")
    precision = _in_manifold(fake, real, _nearest_neighbour_radii(real, int(k))).mean()
    recall = _in_manifold(real, fake, _nearest_neighbour_radii(fake, int(k))).mean()
    return float(precision), float(recall)


def density_coverage(real_features, fake_features, k=5):
    """Density and coverage of a generated set, robust versions of precision and recall.

    With B_i the ball around real sample x_i of radius NND_k(x_i) (distance to its k-th
    nearest real neighbour), N real and M fake samples:

        density  = 1 / (k M) sum_j sum_i 1[y_j in B_i]      (can exceed 1)
        coverage = 1 / N sum_i 1[exists j: y_j in B_i]

    Only real-sample balls are used, so outliers among fakes do not inflate the score. Balls
    are open (distance < radius), as in the authors' code.

    Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative Models",
    https://arxiv.org/abs/2002.09797.

    Args:
        real_features: array-like `[N, d]`, N > k. Features of real images.
        fake_features: array-like `[M, d]`. Features of generated images.
        k: int. Neighbour defining the ball radii. Defaults to 5 (the paper's choice).

    Returns:
        `(density, coverage)`: floats; coverage in [0, 1], density >= 0.
    """
    real = as_features(real_features, "real_features")
    fake = as_features(fake_features, "fake_features")
    check_same_width(real, fake, "real_features", "fake_features")
    _check_k(k, real, "real_features")
    radii = _nearest_neighbour_radii(real, int(k))
    inside_count = 0
    covered = np.zeros(len(real), dtype=bool)
    for start in range(0, len(fake), _BATCH_ROWS):
        inside = pairwise_squared_distances(fake[start:start + _BATCH_ROWS], real) < radii[None, :]
        inside_count += int(inside.sum())
        covered |= inside.any(axis=0)
    return float(inside_count / (int(k) * len(fake))), float(covered.mean())
