"""Evaluating a generator against real data: every metric value together with its protocol.

`evaluate_generator` streams real and generated images through one extractor and computes
the chosen metrics; `evaluate_run` does so for a run directory written by `keras-gan train`
and writes `metrics.json`; `format_table` renders a report for the terminal.
"""

import datetime
import json
import os

import numpy as np
import tensorflow as tf

from keras_gan import runs
from keras_gan.metrics.distances import frechet_distance, kernel_distance
from keras_gan.metrics.extractors import (
    file_sha256,
    inception_extractor,
    load_or_train_domain_classifier,
)
from keras_gan.metrics.manifold import density_coverage, precision_recall
from keras_gan.metrics.parzen import DEFAULT_SIGMAS, parzen_log_likelihood, select_parzen_sigma
from keras_gan.metrics.scores import inception_score, label_accuracy
from keras_gan.metrics.streaming import dataset_features, generator_features

METRICS = ("fid", "kid", "is", "pr", "dc", "parzen", "acc")
DEFAULT_METRICS = ("fid", "kid", "is", "pr")
EXTRACTORS = ("inception", "domain")
METRICS_FILE = runs.METRICS_REPORT


def parse_metrics(metrics):
    """Returns a tuple of metric names from "fid,kid" or a sequence; rejects unknown ones."""
    names = metrics.split(",") if isinstance(metrics, str) else list(metrics)
    names = tuple(dict.fromkeys(name.strip().lower() for name in names if name.strip()))
    unknown = [name for name in names if name not in METRICS]
    if unknown or not names:
        raise ValueError(f"`metrics` must be a non-empty selection of {list(METRICS)}. "
                         f"Received: metrics={metrics!r}")
    return names


def _with_pixels(extractor):
    """Adds flattened pixels in [0, 1] (the Parzen protocol's space) to the outputs."""
    def extract(images):
        outputs = dict(extractor(images)) if extractor is not None else {}
        images = tf.cast(images, tf.float32)
        outputs["pixels"] = tf.reshape((images + 1.0) / 2.0, [tf.shape(images)[0], -1])
        return outputs
    return extract


def compute_metrics(real, fake, metrics=DEFAULT_METRICS, *, kid_subset_size=1000,
                    kid_num_subsets=100, is_splits=10, pr_k=3, dc_k=5,
                    parzen_sigmas=DEFAULT_SIGMAS, seed=0):
    """Computes metrics from accumulated real and generated outputs.

    Args:
        real: dict. Extractor outputs of real images: "features", "probabilities" and, for
            Parzen, "pixels" (the first half selects sigma, the second half is scored).
        fake: dict. The same for generated images, and for "acc" their "labels" (what
            `generator_features` returns for a conditional generator).
        metrics: sequence of names among `METRICS`. Defaults to fid, kid, is, pr.
        kid_subset_size: int. Capped at the smaller sample count. Defaults to 1000.
        kid_num_subsets: int. Defaults to 100.
        is_splits: int. Capped at the number of generated samples. Defaults to 10.
        pr_k: int. k of precision/recall. Defaults to 3.
        dc_k: int. k of density/coverage. Defaults to 5.
        parzen_sigmas: sequence of floats. Sigma grid. Defaults to `DEFAULT_SIGMAS`.
        seed: int. Seed of KID's subsets. Defaults to 0.

    Returns:
        `(values, protocol)`: two JSON-serialisable dicts.
    """
    metrics = parse_metrics(metrics)
    values, protocol = {}, {}
    if "fid" in metrics:
        values["fid"] = frechet_distance(real["features"], fake["features"])
    if "kid" in metrics:
        size = min(kid_subset_size, len(real["features"]), len(fake["features"]))
        values["kid"], values["kid_std"] = kernel_distance(
            real["features"], fake["features"], num_subsets=kid_num_subsets,
            subset_size=size, seed=seed)
        protocol["kid"] = {"subset_size": size, "num_subsets": kid_num_subsets,
                           "kernel": "(x.y/d + 1)^3"}
    if "is" in metrics:
        splits = min(is_splits, len(fake["probabilities"]))
        values["is"], values["is_std"] = inception_score(fake["probabilities"], splits=splits)
        protocol["is"] = {"splits": splits}
    if "pr" in metrics:
        values["precision"], values["recall"] = precision_recall(
            real["features"], fake["features"], k=pr_k)
        protocol["pr"] = {"k": pr_k}
    if "dc" in metrics:
        values["density"], values["coverage"] = density_coverage(
            real["features"], fake["features"], k=dc_k)
        protocol["dc"] = {"k": dc_k}
    if "acc" in metrics:
        if "labels" not in fake:
            raise ValueError("Metric 'acc' (label accuracy) needs a conditional generator: "
                             "the generated outputs hold no labels. Received: generated "
                             f"outputs {sorted(fake)}; leave 'acc' out for this model.")
        values["label_accuracy"] = label_accuracy(fake["probabilities"], fake["labels"])
        protocol["acc"] = {"labels": "balanced: i % num_classes",
                           "classified_by": "the extractor's classifier, argmax"}
    if "parzen" in metrics:
        pixels = real["pixels"]
        half = len(pixels) // 2
        if half < 1:
            raise ValueError("Parzen needs at least 2 real images (validation + test). "
                             f"Received: {len(pixels)} real images")
        sigma, scores = select_parzen_sigma(fake["pixels"], pixels[:half], parzen_sigmas)
        values["parzen_log_likelihood"], values["parzen_standard_error"] = (
            parzen_log_likelihood(fake["pixels"], pixels[half:], sigma))
        values["parzen_sigma"] = sigma
        protocol["parzen"] = {
            "space": "pixels in [0, 1], flattened", "num_validation": half,
            "num_test": len(pixels) - half, "sigma_grid": [float(s) for s in scores],
            "sigma_selected_on": "first half of the real images; scored on the second half"}
    return values, protocol


def evaluate_generator(generator, real_dataset, *, extractor, metrics=DEFAULT_METRICS,
                       num_samples=10000, latent_dim=None, num_classes=None, batch_size=64,
                       seed=0, strategy=None, progress=True, facts=None, **metric_options):
    """Streams real and generated images through `extractor` and computes `metrics`.

    Args:
        generator: callable. z (or [z, labels]) -> images in [-1, 1].
        real_dataset: tf.data.Dataset. Batched real images (or (images, labels)).
        extractor: `FeatureExtractor` or None (only valid when metrics are just "parzen").
        metrics: sequence of names among `METRICS`. Defaults to fid, kid, is, pr.
        num_samples: int. Generated images, and at most this many real ones. Defaults to
            10000.
        latent_dim: int. Size of z (z ~ N(0, I)) when no `facts` are given.
        num_classes: int. For a conditional generator without `facts`. Defaults to None.
        batch_size: int. Generation batch. Defaults to 64.
        seed: int. Noise and KID subset seed. Defaults to 0.
        strategy: tf.distribute.Strategy. Defaults to None.
        progress: bool. Progress bars. Defaults to True.
        facts: dict or None. The model's facts (`GAN.describe()`, a run's model.json):
            the generator then gets the inputs of its training prior
            (`keras_gan.sampling.prior_inputs`: InfoGAN's codes, StyleGAN2's random noise
            inputs, balanced labels). Defaults to None.
        **metric_options: passed to `compute_metrics`.

    Returns:
        `(values, protocol)`: dicts; the protocol holds num_real, num_fake and the
        extractor's own protocol.
    """
    metrics = parse_metrics(metrics)
    if extractor is None and set(metrics) != {"parzen"}:
        raise ValueError(f"`extractor` is required for metrics other than 'parzen'. "
                         f"Received: extractor=None, metrics={list(metrics)}")
    extract = _with_pixels(extractor) if "parzen" in metrics else extractor
    real = dataset_features(extract, real_dataset, strategy=strategy, progress=progress)
    real = {key: value[:num_samples] for key, value in real.items()}
    prior = None
    if facts is not None:
        from keras_gan import sampling

        def prior(n, prior_seed):
            return sampling.prior_inputs(facts, n, seed=prior_seed)
    fake = generator_features(extract, generator, num_samples, latent_dim,
                              batch_size=batch_size, num_classes=num_classes, seed=seed,
                              strategy=strategy, progress=progress, prior=prior)
    values, protocol = compute_metrics(real, fake, metrics, seed=seed, **metric_options)
    protocol.update({
        "extractor": extractor.protocol if extractor is not None else {"name": "pixels"},
        "num_real": int(len(next(iter(real.values())))), "num_fake": int(num_samples),
        "seed": seed, "batch_size": batch_size})
    if facts is not None:
        from keras_gan import sampling

        protocol["noise"] = sampling.describe_prior(facts)
        protocol["labels"] = "balanced: i % num_classes" if facts.get("num_classes") else None
    else:
        protocol["noise"] = "z ~ N(0, I), stateless by seed"
        protocol["labels"] = None if num_classes is None else "balanced: i % num_classes"
    return values, protocol



def make_extractor(name, run_dir, dataset, *, image_size=None, data_dir=None,
                   inception_weights="imagenet", domain_epochs=10, seed=0):
    """The feature extractor called `name` ("inception" or "domain").

    "inception": InceptionV3 with `inception_weights` ("imagenet" from Keras's cache, a
    file, or None for random weights); "domain": a classifier of `dataset` trained once
    and cached in `run_dir` (`load_or_train_domain_classifier`).
    """
    if name not in EXTRACTORS:
        raise ValueError(f"`extractor` must be one of {list(EXTRACTORS)}. Received: "
                         f"extractor={name!r}")
    if name == "inception":
        return inception_extractor(weights=inception_weights)
    return load_or_train_domain_classifier(run_dir, dataset, image_size=image_size,
                                           data_dir=data_dir, epochs=domain_epochs, seed=seed)


def evaluate_run(run_dir, *, metrics=DEFAULT_METRICS, num_samples=10000,
                 extractor="inception", inception_weights="imagenet", dataset=None,
                 split="test", data_dir=None, batch_size=64, seed=0, use_ema=None,
                 strategy=None, progress=True, output=None, domain_epochs=10):
    """Evaluates the generator of a run directory and writes `metrics.json`.

    Reads `config.json` (training config: "dataset", "image_size", optional "data_dir"),
    `model.json` (latent_dim, num_classes, image_shape, step) and the generator
    (`ema_generator.keras` when present unless `use_ema=False`, else `generator.keras`).

    Args:
        run_dir: str. The run directory.
        metrics: str "fid,kid" or sequence of names among `METRICS`. Defaults to
            fid, kid, is, pr.
        num_samples: int. Generated images, and at most this many real ones. Defaults to
            10000.
        extractor: str. "inception" (InceptionV3, ImageNet weights) or "domain" (a
            classifier trained once on the real training split, cached in `run_dir`).
            Defaults to "inception".
        inception_weights: str or None. "imagenet" (Keras's cache), a weights file path, or
            None (random init: for tests). Defaults to "imagenet".
        dataset: str. Real data set. Defaults to the run's `config.json` "dataset".
        split: str. Real split compared against. Defaults to "test".
        data_dir: str. TFDS data directory. Defaults to the config's, else None.
        batch_size: int. Defaults to 64.
        seed: int. Defaults to 0.
        use_ema: bool. Evaluate the EMA generator. Defaults to None: when it exists.
        strategy: tf.distribute.Strategy. Defaults to None.
        progress: bool. Progress bars. Defaults to True.
        output: str. Where to write the report. Defaults to `run_dir/metrics.json`.
        domain_epochs: int. Training epochs of the domain classifier. Defaults to 10.

    Returns:
        dict: the report written, {"metrics": values, "protocol": ..., ...}.
    """
    from keras_gan import data

    metrics = parse_metrics(metrics)
    if extractor not in EXTRACTORS:
        raise ValueError(f"`extractor` must be one of {list(EXTRACTORS)}. Received: "
                         f"extractor={extractor!r}")
    if not os.path.isdir(run_dir):
        raise FileNotFoundError(f"`run_dir` must be an existing run directory. Received: "
                                f"run_dir={run_dir!r}")
    run = runs.RunDirectory(run_dir)
    config = run.read_config()
    facts = run.read_facts()
    dataset = dataset or config.get("dataset")
    if not dataset:
        raise ValueError("`dataset` is not in the run's config.json: pass it. Received: "
                         "dataset=None")
    data_dir = data_dir or config.get("data_dir")
    image_shape = [int(v) for v in facts["image_shape"]]
    generator, generator_path = run.load_generator(use_ema)

    real = data.load_arrays(dataset, image_size=image_shape[0], channels=image_shape[-1],
                            split=split, data_dir=data_dir, num_examples=num_samples)
    real_dataset = tf.data.Dataset.from_tensor_slices(real.images).batch(batch_size)

    feature_extractor = None
    if set(metrics) != {"parzen"}:
        feature_extractor = make_extractor(
            extractor, run_dir, dataset, image_size=config.get("image_size") or image_shape[0],
            data_dir=data_dir, inception_weights=inception_weights, domain_epochs=domain_epochs,
            seed=seed)
    values, protocol = evaluate_generator(
        generator, real_dataset, extractor=feature_extractor, metrics=metrics,
        num_samples=num_samples, batch_size=batch_size, seed=seed, strategy=strategy,
        progress=progress, facts=facts)
    protocol.update({
        "dataset": os.fspath(dataset), "split": split, "image_shape": image_shape,
        "generator": os.path.basename(generator_path),
        "generator_sha256": file_sha256(generator_path)})
    report = {"metrics": values, "protocol": protocol, "run_dir": os.path.abspath(run_dir),
              "step": facts.get("step"), "variant": facts.get("variant"),
              "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
                  timespec="seconds")}
    output = output or run.metrics_report
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, default=_json_default)
    return report


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


_LABELS = {"fid": ("FID", None), "kid": ("KID", "kid_std"), "is": ("IS", "is_std"),
           "precision": ("precision", None), "recall": ("recall", None),
           "density": ("density", None), "coverage": ("coverage", None),
           "parzen_log_likelihood": ("Parzen log-likelihood", "parzen_standard_error"),
           "parzen_sigma": ("Parzen sigma", None),
           "label_accuracy": ("label accuracy", None)}


def format_table(report):
    """Renders a report (from `evaluate_run`) as a two-column text table with its protocol."""
    values, protocol = report["metrics"], report["protocol"]
    rows = []
    for key, (label, spread) in _LABELS.items():
        if key in values:
            text = f"{values[key]:.6g}"
            if spread and spread in values:
                text += f" ± {values[spread]:.3g}"
            rows.append((label, text))
    extractor = protocol.get("extractor", {})
    width = max(len(label) for label, _ in rows) if rows else 6
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  {'-' * 20}"]
    lines += [f"{label:<{width}}  {text}" for label, text in rows]
    lines.append(
        f"protocol: extractor={extractor.get('name')} "
        f"weights_sha256={str(extractor.get('weights_sha256'))[:12]} "
        f"N real={protocol.get('num_real')} N fake={protocol.get('num_fake')} "
        f"dataset={protocol.get('dataset')} split={protocol.get('split')}")
    return "\n".join(lines)
