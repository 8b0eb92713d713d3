"""Everything keras-gan evaluates: metrics on features, feature extractors, toy-mixture coverage.

Metric functions take NumPy feature arrays and compute in float64. Feature extractors map
images (float32 NHWC in [-1, 1]) to features and class probabilities; `dataset_features` and
`generator_features` stream images through an extractor batch by batch.
"""

from keras_gan.metrics.callback import MetricsCallback
from keras_gan.metrics.distances import (
    feature_statistics,
    frechet_distance,
    frechet_distance_from_statistics,
    kernel_distance,
)
from keras_gan.metrics.evaluation import (
    compute_metrics,
    evaluate_generator,
    evaluate_run,
    format_table,
)
from keras_gan.metrics.extractors import (
    FeatureExtractor,
    build_domain_classifier,
    domain_extractor,
    inception_extractor,
    load_or_train_domain_classifier,
    train_domain_classifier,
)
from keras_gan.metrics.manifold import density_coverage, precision_recall
from keras_gan.metrics.parzen import (
    parzen_log_likelihood,
    parzen_log_likelihoods,
    select_parzen_sigma,
)
from keras_gan.metrics.scores import inception_score, label_accuracy
from keras_gan.metrics.streaming import dataset_features, generator_features, noise_dataset
from keras_gan.metrics.toy import mode_coverage, pacgan_mode_metrics  # noqa: F401

__all__ = [
    "FeatureExtractor",
    "MetricsCallback",
    "build_domain_classifier",
    "compute_metrics",
    "dataset_features",
    "density_coverage",
    "domain_extractor",
    "evaluate_generator",
    "evaluate_run",
    "format_table",
    "generator_features",
    "inception_extractor",
    "load_or_train_domain_classifier",
    "noise_dataset",
    "train_domain_classifier",
    "feature_statistics",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "inception_score",
    "kernel_distance",
    "label_accuracy",
    "mode_coverage",
    "pacgan_mode_metrics",
    "parzen_log_likelihood",
    "parzen_log_likelihoods",
    "precision_recall",
    "select_parzen_sigma",
]
