"""Scores of a generated set alone, from a classifier's class probabilities: Inception Score."""

import numpy as np
from scipy.special import xlogy

from keras_gan.metrics._checks import as_features


def inception_score(class_probabilities, splits=10):
    """Inception Score (IS): exp(E_x KL(p(y|x) || p(y))).

    The samples are cut into `splits` consecutive parts; in each part p(y) is the mean of
    p(y|x) over the part and the score is exp of the mean KL divergence. Returns the mean
    and standard deviation over the parts, as the reference code does. IS ranges from 1
    (every p(y|x) equal, or p(y|x) = p(y)) to K (confident and uniformly spread over K classes).

    Salimans et al. 2016, "Improved Techniques for Training GANs",
    https://arxiv.org/abs/1606.03498.

    Args:
        class_probabilities: array-like `[n, K]`. p(y|x) of each generated sample: rows
            non-negative and summing to 1 (softmax outputs).
        splits: int. Number of parts, 1 <= splits <= n. Defaults to 10.

    Returns:
        `(mean, std)`: floats.
    """
    probabilities = as_features(class_probabilities, "class_probabilities")
    if int(splits) != splits or not 1 <= splits <= len(probabilities):
        raise ValueError(
            f"`splits` must be an integer between 1 and the number of samples "
            f"({len(probabilities)}). Received: splits={splits}")
    if probabilities.min() < 0 or not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(
            "`class_probabilities` must be probabilities: non-negative rows summing to 1 "
            "(apply a softmax to logits first). Received: row sums in "
            f"[{probabilities.sum(axis=1).min():.4g}, {probabilities.sum(axis=1).max():.4g}], "
            f"minimum {probabilities.min():.4g}")
    scores = []
    for part in np.array_split(probabilities, int(splits)):
        marginal = part.mean(axis=0, keepdims=True)
        # xlogy gives 0 * log 0 = 0 for classes a sample (or the whole part) never predicts.
        kl = np.sum(xlogy(part, part) - xlogy(part, marginal), axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))
