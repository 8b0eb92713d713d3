"""Semi-supervised data (Salimans et al. 2016, arXiv:1606.03498): a few labels per class,
the rest marked unlabelled, and batches holding labelled rows in every step, as the
semi-supervised GAN (`keras_gan.models.SGAN`) trains on them.
"""

import numpy as np
import tensorflow as tf

__all__ = ["UNLABELLED", "add_labelled_rows", "semi_supervised_dataset", "semi_supervised_labels"]

#: Label of an unlabelled example in the (samples, labels) batches SGAN trains on.
UNLABELLED = -1


def semi_supervised_labels(labels, labels_per_class, seed=0):
    """Keeps `labels_per_class` labels per class (chosen at random) and marks the rest
    unlabelled (`UNLABELLED` = -1), e.g. the "100 labels" MNIST setting of Salimans et al.

    Args:
        labels: int array `[N]` of class indices.
        labels_per_class: int. Labels kept per class (all of a class when it has fewer).
        seed: int. Seed of the choice. Defaults to 0.

    Returns:
        int64 array `[N]`: the kept labels, -1 elsewhere.
    """
    labels = np.asarray(labels).reshape(-1)
    if not isinstance(labels_per_class, (int, np.integer)) or labels_per_class < 1:
        raise ValueError(
            f"`labels_per_class` must be a positive integer. Received: labels_per_class={labels_per_class!r}"
        )
    rng = np.random.default_rng(seed)
    masked = np.full(labels.shape, UNLABELLED, dtype=np.int64)
    for value in np.unique(labels[labels >= 0]):
        indices = np.flatnonzero(labels == value)
        keep = rng.choice(indices, size=min(labels_per_class, len(indices)), replace=False)
        masked[keep] = value
    return masked


def semi_supervised_dataset(images, labels, batch_size, labelled_batch_size, seed=0, num_epochs=None):
    """Batches of unlabelled and labelled examples, as Salimans et al. train.

    Each batch holds `batch_size` examples of the whole set marked unlabelled (-1) and
    then `labelled_batch_size` labelled ones, drawn (shuffled, repeating) from the
    examples whose label is >= 0: a labelled batch every step, however few labels
    there are. An epoch is `len(images) // batch_size` batches.

    Args:
        images: array `[N, ...]`.
        labels: int array `[N]`, -1 for unlabelled examples (see `semi_supervised_labels`).
        batch_size: int. Unlabelled examples per batch.
        labelled_batch_size: int. Labelled examples per batch.
        seed: int. Shuffling seed. Defaults to 0.
        num_epochs: int or None. Epochs to yield; None repeats forever. Defaults to None.

    Returns:
        A `tf.data.Dataset` of `(images [batch_size + labelled_batch_size, ...],
        labels int32 [batch_size + labelled_batch_size])`.
    """
    images = np.asarray(images, dtype="float32")
    labels = np.asarray(labels).reshape(-1).astype("int32")
    if len(images) != len(labels):
        raise ValueError(
            f"`images` and `labels` must have the same length. Received: {len(images)} images, "
            f"{len(labels)} labels"
        )
    for name, value in (("batch_size", batch_size), ("labelled_batch_size", labelled_batch_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    labelled = labels >= 0
    if not labelled.any():
        raise ValueError("`labels` has no labelled example (every label is -1).")
    if len(images) < batch_size:
        raise ValueError(
            f"`batch_size` ({batch_size}) exceeds the number of examples ({len(images)})."
        )
    unlabelled = tf.data.Dataset.from_tensor_slices(
        (images, np.full(len(images), UNLABELLED, dtype="int32"))
    ).shuffle(len(images), seed=seed).batch(batch_size, drop_remainder=True)
    unlabelled = unlabelled.repeat(num_epochs)
    labelled_set = tf.data.Dataset.from_tensor_slices((images[labelled], labels[labelled]))
    labelled_set = labelled_set.repeat().shuffle(int(labelled.sum()), seed=seed + 1)
    labelled_set = labelled_set.batch(labelled_batch_size)
    return tf.data.Dataset.zip(unlabelled, labelled_set).map(
        lambda u, l: (tf.concat([u[0], l[0]], axis=0), tf.concat([u[1], l[1]], axis=0))
    ).prefetch(tf.data.AUTOTUNE)


def add_labelled_rows(dataset, images, labels, labelled_batch_size, seed=0, start_step=0):
    """Appends `labelled_batch_size` labelled examples to every batch of `dataset`.

    The resumable form of `semi_supervised_dataset` for any stream of `(images, labels)`
    batches (e.g. `keras_gan.data.epoch_dataset`): the batch's own labels become -1 (its
    rows are the unlabelled part), and batch `t` (counted from `start_step`) takes the
    labelled examples at positions `t * k .. t * k + k - 1` (mod n) of a permutation of
    the n labelled examples drawn statelessly from `(seed, t * k // n)`: without
    repetition within a pass over them, and a run resumed at step `t` gets exactly what
    the uninterrupted run got.

    Args:
        dataset: `tf.data.Dataset` of `(images [B, ...], labels [B])` batches.
        images: array `[N, ...]`, the labelled pool's source.
        labels: int array `[N]`, -1 for unlabelled examples (see `semi_supervised_labels`).
        labelled_batch_size: int. Labelled rows per batch (k).
        seed: int. Seed of the labelled draws. Defaults to 0.
        start_step: int. Index of the dataset's first batch in the whole run. Defaults to 0.

    Returns:
        A `tf.data.Dataset` of `(images [B + k, ...], labels int32 [B + k])`.
    """
    labels = np.asarray(labels).reshape(-1).astype("int32")
    if not isinstance(labelled_batch_size, (int, np.integer)) or labelled_batch_size < 1:
        raise ValueError(
            "`labelled_batch_size` must be a positive integer. "
            f"Received: labelled_batch_size={labelled_batch_size!r}"
        )
    if len(images) != len(labels):
        raise ValueError(
            f"`images` and `labels` must have the same length. Received: {len(images)} images, "
            f"{len(labels)} labels"
        )
    labelled = labels >= 0
    if not labelled.any():
        raise ValueError("`labels` has no labelled example (every label is -1).")
    pool_images = tf.constant(np.asarray(images, dtype="float32")[labelled])
    pool_labels = tf.constant(labels[labelled])
    pool_size = int(labelled.sum())
    k = int(labelled_batch_size)

    def add(step, batch):
        batch_images, batch_labels = batch
        positions = step * k + tf.range(k, dtype=tf.int64)
        passes, offsets = positions // pool_size, positions % pool_size

        def permutation(pass_index):
            keys = tf.random.stateless_uniform([pool_size], seed=tf.stack([tf.cast(seed, tf.int64), pass_index]))
            return tf.argsort(keys)

        # A batch spans at most a few passes over the pool: permute per position's pass.
        indices = tf.map_fn(
            lambda p: tf.gather(permutation(p[0]), p[1]), (passes, offsets), fn_output_signature=tf.int32
        )
        unlabelled = tf.fill(tf.shape(batch_labels), tf.constant(UNLABELLED, tf.int32))
        return (
            tf.concat([batch_images, tf.gather(pool_images, indices)], axis=0),
            tf.concat([unlabelled, tf.gather(pool_labels, indices)], axis=0),
        )

    return dataset.enumerate(start=start_step).map(add, num_parallel_calls=tf.data.AUTOTUNE).prefetch(
        tf.data.AUTOTUNE
    )
