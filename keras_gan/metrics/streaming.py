"""Streaming feature accumulation: images go through an extractor batch by batch.

Only the extractor's outputs (features, logits, probabilities) are kept, never the
images, so evaluating 50,000 samples needs the memory of one batch of images.
"""

import numpy as np
import tensorflow as tf
from tqdm.auto import tqdm

import keras


def _check_positive_int(value, name, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def _images_only(dataset):
    """Keeps the images of a dataset of images, (images, labels) or (images, ...)."""
    if isinstance(dataset.element_spec, (tuple, list)):
        return dataset.map(lambda *element: element[0])
    if isinstance(dataset.element_spec, dict):
        if "image" not in dataset.element_spec:
            raise ValueError("`dataset` of dicts must hold an 'image' key. Received: keys "
                             f"{sorted(dataset.element_spec)}")
        return dataset.map(lambda element: element["image"])
    return dataset


def _stream(step, dataset, num_samples, strategy, progress, description):
    """Runs `step(batch) -> dict of [B, ...] tensors` over `dataset`; concatenates numpy."""
    if strategy is None:
        # Eager: tracing InceptionV3 into a graph costs more than it saves on a few batches
        # (~10 s per trace on 2 CPU cores), and the last, smaller batch would trace again.
        run = step
        batches = iter(dataset)
    else:
        batches = iter(strategy.experimental_distribute_dataset(dataset))

        @tf.function(reduce_retracing=True)
        def run(batch):
            return strategy.run(step, args=(batch,))

    collected, count = {}, 0
    with tqdm(total=num_samples, unit="img", desc=description, disable=not progress,
              leave=False) as bar:
        for batch in batches:
            outputs = run(batch)
            for key, value in outputs.items():
                if strategy is not None:
                    # Replicas hold consecutive slices of the global batch, in order.
                    value = tf.concat(strategy.experimental_local_results(value), axis=0)
                collected.setdefault(key, []).append(np.asarray(value))
            size = len(next(iter(collected.values()))[-1])
            count += size
            bar.update(size if num_samples is None else min(size, num_samples - count + size))
            if num_samples is not None and count >= num_samples:
                break
    if not collected:
        raise ValueError(f"The {description} stream yielded no images: pass a non-empty "
                         "`dataset` (or a positive `num_samples`).")
    result = {key: np.concatenate(values)[:num_samples] for key, values in collected.items()}
    if num_samples is not None and count < num_samples:
        raise ValueError(f"`dataset` yielded {count} images, fewer than `num_samples`. "
                         f"Received: num_samples={num_samples}")
    return result


def dataset_features(extractor, dataset, num_samples=None, strategy=None, progress=True):
    """Features of the images of a batched `tf.data.Dataset`, accumulated batch by batch.

    Args:
        extractor: callable. Images `[B, H, W, C]` -> dict of `[B, ...]` tensors (a
            `FeatureExtractor`, or any function of that form).
        dataset: tf.data.Dataset. Batched images, (images, labels) tuples, or dicts with
            an "image" key. Images as the extractor expects them ([-1, 1] by default).
        num_samples: int. Stop after this many images (error if the dataset holds fewer).
            Defaults to None: the whole dataset (it must be finite).
        strategy: tf.distribute.Strategy. Splits each batch over its replicas. Defaults to
            None (run eagerly-compiled on the default device).
        progress: bool. Show a tqdm progress bar. Defaults to True.

    Returns:
        dict of numpy arrays `[num_samples, ...]`, one per extractor output, in dataset order.
    """
    if not isinstance(dataset, tf.data.Dataset):
        raise ValueError(f"`dataset` must be a batched tf.data.Dataset. Received: "
                         f"dataset of type {type(dataset).__name__}")
    _check_positive_int(num_samples, "num_samples", allow_none=True)
    return _stream(extractor, _images_only(dataset), num_samples, strategy, progress, "real")


def noise_dataset(num_samples, latent_dim, batch_size, num_classes=None, seed=0):
    """Batches of latent vectors z ~ N(0, I) (and balanced labels), reproducible by seed.

    Batch i draws `tf.random.stateless_normal` with seed (seed, i * batch_size); labels cycle
    through 0 .. num_classes - 1 so that every class is generated equally often.

    Returns:
        tf.data.Dataset of z `[B, latent_dim]` float32, or of (z, labels int32 `[B]`).
    """
    def make(indices):
        z = tf.random.stateless_normal(
            [tf.shape(indices)[0], latent_dim],
            seed=tf.stack([tf.constant(seed, tf.int64), indices[0]]))
        if num_classes is None:
            return z
        return z, tf.cast(indices % num_classes, tf.int32)

    return tf.data.Dataset.range(num_samples).batch(batch_size).map(make)


def generator_features(extractor, generator, num_samples, latent_dim=None, batch_size=64,
                       num_classes=None, seed=0, strategy=None, progress=True, prior=None):
    """Features of `num_samples` generated images, generated and extracted batch by batch.

    Args:
        extractor: callable. Images -> dict of `[B, ...]` tensors (a `FeatureExtractor`).
        generator: callable. z `[B, latent_dim]` -> images `[B, H, W, C]` in [-1, 1];
            a conditional generator is called as `generator([z, labels])`.
        num_samples: int. Number of images.
        latent_dim: int. Size of z (for z ~ N(0, I) when there is no `prior`).
        batch_size: int. Images per batch (global batch under a strategy). Defaults to 64.
        num_classes: int. Set for a conditional generator: labels cycle over the classes.
            Defaults to None.
        seed: int. Seed of the noise (see `noise_dataset`). Defaults to 0.
        strategy: tf.distribute.Strategy. Splits each batch over its replicas. Defaults to
            None.
        progress: bool. Show a tqdm progress bar. Defaults to True.
        prior: callable `(n, seed) -> generator inputs` or None. The model's sampling
            prior (`GAN.sample_prior`, or `keras_gan.sampling.prior_inputs` of a run's
            facts): InfoGAN's codes, StyleGAN2's random noise inputs. Defaults to None
            (z ~ N(0, I) of `latent_dim`, balanced labels with `num_classes`).

    Returns:
        dict of numpy arrays `[num_samples, ...]`, one per extractor output, and for a
        conditional generator "labels" (int32 `[num_samples]`): the label each image was
        generated for.
    """
    _check_positive_int(num_samples, "num_samples")
    _check_positive_int(batch_size, "batch_size")
    # Keras models take `training=False` (BatchNorm in inference mode); plain callables don't.
    options = {"training": False} if isinstance(generator, keras.Model) else {}
    if prior is not None:
        from keras_gan import sampling

        noise, rebuild = sampling.input_dataset(prior(num_samples, seed), batch_size)

        def prior_step(batch):
            inputs = rebuild(batch)
            outputs = dict(extractor(generator(inputs, **options)))
            if isinstance(inputs, (list, tuple)):  # [z, labels]: a conditional generator
                outputs["labels"] = inputs[1]
            return outputs

        return _stream(prior_step, noise, num_samples, strategy, progress, "generated")
    if latent_dim is None:
        raise ValueError("`latent_dim` is required without a `prior` (pass the size of z, or "
                         "the model's prior, e.g. `prior=gan.sample_prior`). Received: "
                         "latent_dim=None, prior=None")
    _check_positive_int(latent_dim, "latent_dim")
    _check_positive_int(num_classes, "num_classes", allow_none=True)

    def step(batch):
        if num_classes is None:
            return extractor(generator(batch, **options))
        outputs = dict(extractor(generator(list(batch), **options)))
        outputs["labels"] = batch[1]
        return outputs

    noise = noise_dataset(num_samples, latent_dim, batch_size, num_classes, seed)
    return _stream(step, noise, num_samples, strategy, progress, "generated")
