"""tf.data pipelines over in-memory data: `load` (shuffled, for `fit`) and
`epoch_dataset` (a deterministic order per epoch, for exact resume)."""

import numpy as np
import tensorflow as tf

from keras_gan.data.arrays import ArrayData
from keras_gan.data.sources import load_arrays


def _check_int(value, argument, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(
            f"`{argument}` must be an integer >= {minimum}. Received: {argument}={value!r}"
        )


def _tensors(data, with_labels):
    if not isinstance(data, ArrayData):
        raise ValueError(
            f"`data` must be an ArrayData (see `load_arrays`). Received: {type(data).__name__}"
        )
    if with_labels and data.labels is None:
        raise ValueError(f"Dataset {data.name!r} has no labels, but with_labels=True.")
    images = tf.convert_to_tensor(data.images, tf.float32)
    # int32: the generator calling convention of keras-gan (`generator([z, labels])`).
    labels = tf.convert_to_tensor(data.labels, tf.int32) if with_labels else None
    return images, labels


def from_arrays(
    data, *, batch_size, with_labels=False, shuffle=True, seed=0, drop_remainder=True, repeat=False
):
    """Turns `ArrayData` into a batched, cached, shuffled, prefetched `tf.data.Dataset`.

    Args:
        data: ArrayData. The examples.
        batch_size: int. Examples per batch.
        with_labels: bool. Yield `(images, labels)` (labels int32) instead of images.
            Defaults to False.
        shuffle: bool. Shuffle over the whole set, reshuffled each epoch. Defaults to True.
        seed: int. Shuffle seed. Defaults to 0.
        drop_remainder: bool. Drop the last incomplete batch. Defaults to True.
        repeat: bool. Repeat forever. Defaults to False (one epoch per iteration).

    Returns:
        `tf.data.Dataset` of float32 `[batch_size, *data.element_shape]` batches.
    """
    _check_int(batch_size, "batch_size", 1)
    images, labels = _tensors(data, with_labels)
    if drop_remainder and batch_size > len(data):
        raise ValueError(
            f"`batch_size` is larger than dataset {data.name!r} ({len(data)} examples) and "
            f"drop_remainder=True would leave no batch. Received: batch_size={batch_size}"
        )
    dataset = tf.data.Dataset.from_tensor_slices(images if labels is None else (images, labels))
    dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(data), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if repeat:
        dataset = dataset.repeat()
    return dataset.prefetch(tf.data.AUTOTUNE)


def load(
    source,
    *,
    batch_size,
    image_size=None,
    channels=None,
    split="train",
    data_dir=None,
    with_labels=False,
    shuffle=True,
    seed=0,
    drop_remainder=True,
    repeat=False,
    num_examples=None,
):
    """Loads a data set as a `tf.data.Dataset` for `GAN.fit`.

    `load_arrays(source, ...)` (see it for the sources, scaling and splits), then
    `from_arrays(...)`: cached, shuffled (buffer = whole set, `seed`), batched, optionally
    repeated, prefetched with `tf.data.AUTOTUNE`.

    Args:
        source: str or os.PathLike. Built-in name, "tfds:NAME", or path.
        batch_size: int. Examples per batch.
        image_size: int. Side of the output images. Defaults to the source's.
        channels: int. 1 or 3. Defaults to the source's.
        split: str. Defaults to "train".
        data_dir: str. TFDS data directory. Defaults to TFDS's.
        with_labels: bool. Yield `(images, labels)`; labels int32. Defaults to False.
        shuffle: bool. Defaults to True.
        seed: int. Shuffle seed and toy-sample seed. Defaults to 0.
        drop_remainder: bool. Defaults to True.
        repeat: bool. Defaults to False.
        num_examples: int. See `load_arrays`. Defaults to None.

    Returns:
        `tf.data.Dataset` yielding float32 images in [-1, 1] (or `(images, labels)`).
    """
    data = load_arrays(
        source,
        image_size=image_size,
        channels=channels,
        split=split,
        data_dir=data_dir,
        with_labels=with_labels,
        num_examples=num_examples,
        seed=seed,
    )
    return from_arrays(
        data,
        batch_size=batch_size,
        with_labels=with_labels,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        repeat=repeat,
    )


def epoch_permutation(num_examples, seed, epoch):
    """The order of epoch `epoch`: `tf.random.experimental.stateless_shuffle(range(N),
    seed=[seed, epoch])`, a function of (seed, epoch) only. Returns an int64 tensor."""
    seed_pair = tf.stack([tf.cast(seed, tf.int64), tf.cast(epoch, tf.int64)])
    return tf.random.experimental.stateless_shuffle(
        tf.range(num_examples, dtype=tf.int64), seed=seed_pair
    )


def epoch_dataset(
    data, *, batch_size, seed, start_epoch=0, num_epochs=1, with_labels=False, skip_batches=0
):
    """A deterministic, resumable stream of batches over `data`.

    Epoch `e` visits the examples in the order `epoch_permutation(N, seed, e)`, which
    depends only on `(seed, e)`, cut into `N // batch_size` full batches (the last partial
    batch is dropped). The stream covers epochs `start_epoch .. start_epoch + num_epochs
    - 1` and skips the first `skip_batches` batches of the first one, so a run stopped
    after `b` batches of epoch `e` resumes exactly with `start_epoch=e, skip_batches=b`.

    Args:
        data: ArrayData. The examples.
        batch_size: int. Examples per batch (<= N).
        seed: int. Seed of the orders.
        start_epoch: int. First epoch. Defaults to 0.
        num_epochs: int or None. Number of epochs; None for endless. Defaults to 1.
        with_labels: bool. Yield `(images, labels)`, labels int32. Defaults to False.
        skip_batches: int. Batches of the first epoch to skip, in
            `[0, N // batch_size)`. Defaults to 0.

    Returns:
        `tf.data.Dataset` of float32 `[batch_size, *data.element_shape]` batches (or
        `(images, labels)`), prefetched.
    """
    _check_int(batch_size, "batch_size", 1)
    _check_int(seed, "seed", 0)
    _check_int(start_epoch, "start_epoch", 0)
    if num_epochs is not None:
        _check_int(num_epochs, "num_epochs", 1)
    images, labels = _tensors(data, with_labels)
    num_examples = len(data)
    batches_per_epoch = num_examples // batch_size
    if batches_per_epoch == 0:
        raise ValueError(
            f"`batch_size` is larger than dataset {data.name!r} ({num_examples} examples). "
            f"Received: batch_size={batch_size}"
        )
    _check_int(skip_batches, "skip_batches", 0)
    if skip_batches >= batches_per_epoch:
        raise ValueError(
            f"`skip_batches` must be smaller than the {batches_per_epoch} batches of an epoch. "
            f"Received: skip_batches={skip_batches}"
        )

    def epoch_batches(epoch):
        order = epoch_permutation(num_examples, seed, epoch)
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size, drop_remainder=True)

    if num_epochs is None:
        epochs = tf.data.Dataset.counter(start_epoch, dtype=tf.int64)
    else:
        epochs = tf.data.Dataset.range(start_epoch, start_epoch + num_epochs)
    indices = epochs.flat_map(epoch_batches).skip(skip_batches)

    def gather(batch_indices):
        batch = tf.gather(images, batch_indices)
        return batch if labels is None else (batch, tf.gather(labels, batch_indices))

    return indices.map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).prefetch(
        tf.data.AUTOTUNE
    )
