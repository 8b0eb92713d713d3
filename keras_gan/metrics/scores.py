"""Scores of a generated set alone, from a classifier's class probabilities: Inception Score,
and the label accuracy of a conditional generator."""

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


def label_accuracy(class_probabilities, labels):
    """Label accuracy of a conditional generator: the share of samples generated for label
    y that a classifier of the real data assigns to y, mean_i [argmax_k p(k|x_i) = y_i].

    It measures whether G obeys its label, which FID and IS do not: a generator drawing
    perfect digits of the wrong class scores well on both. Odena, Olah & Shlens 2017
    ("Conditional Image Synthesis with Auxiliary Classifier GANs",
    https://arxiv.org/abs/1610.09585, Section 4.1) report it with an Inception network on
    ImageNet; here it is as good as the classifier (its test accuracy is its ceiling).

    Args:
        class_probabilities: array-like `[n, K]`. p(k|x) of each generated sample (ties
            go to the lowest class, as `argmax`).
        labels: int array-like `[n]`. The label each sample was generated for, in [0, K).

    Returns:
        float in [0, 1].
    """
    probabilities = as_features(class_probabilities, "class_probabilities")
    labels = np.asarray(labels)
    if labels.shape != (len(probabilities),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"`labels` must be {len(probabilities)} integers, one per row of "
            f"`class_probabilities`. Received: labels with shape {labels.shape} and dtype "
            f"{labels.dtype}")
    if labels.min() < 0 or labels.max() >= probabilities.shape[1]:
        raise ValueError(
            f"`labels` must lie in [0, {probabilities.shape[1]}) (the classifier's classes). "
            f"Received: labels in [{labels.min()}, {labels.max()}]")
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))
