"""Input validation shared by the metric functions (float64 feature matrices)."""

import numpy as np


def as_features(value, name, min_samples=1):
    """Returns `value` as a finite float64 `[n, d]` array or raises a `ValueError` naming it."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(
            f"`{name}` must be a 2-D array of features [num_samples, num_features]. "
            f"Received: {name}.shape={array.shape}"
        )
    if array.shape[0] < min_samples:
        raise ValueError(
            f"`{name}` must hold at least {min_samples} samples. "
            f"Received: {name}.shape={array.shape}"
        )
    if not np.all(np.isfinite(array)):
        bad = int(np.count_nonzero(~np.isfinite(array).all(axis=1)))
        raise ValueError(
            f"`{name}` contains NaN or infinite values ({bad} of {array.shape[0]} rows). "
            f"Received: {name} with shape {array.shape}"
        )
    return array


def check_same_width(first, second, first_name, second_name):
    if first.shape[1] != second.shape[1]:
        raise ValueError(
            f"`{first_name}` and `{second_name}` must have the same number of features. "
            f"Received: {first_name}.shape={first.shape}, {second_name}.shape={second.shape}"
        )


def pairwise_squared_distances(a, b):
    """`[len(a), len(b)]` squared Euclidean distances, clipped at 0 against round-off."""
    distances = (
        np.sum(a * a, axis=1)[:, None] + np.sum(b * b, axis=1)[None, :] - 2.0 * (a @ b.T)
    )
    return np.maximum(distances, 0.0)
