"""TensorFlow Datasets sources: `tfds:NAME[/config][:version]`, or a bare registered name.

Data is read from an already prepared `data_dir` (`download=False`): these machines
cannot download at run time. The split is materialised in memory (fine for MNIST- or
CIFAR-sized sets).
"""

import numpy as np

from keras_gan.data.arrays import ArrayData, convert_channels, resize_images, scale_uint8

TFDS_PREFIX = "tfds:"


def tfds_base_name(name):
    """ "mnist/config:1.0.0" -> "mnist"."""
    return name.split("/")[0].split(":")[0]


def is_registered_tfds_name(name):
    """True when `name`'s base is a TFDS builder registered in this process."""
    import tensorflow_datasets as tfds

    # with_community_datasets=False: the community list is fetched over the network.
    return tfds_base_name(name) in tfds.list_builders(with_community_datasets=False)


def _default_data_dir():
    from tensorflow_datasets.core import constants

    return constants.DATA_DIR


def _image_and_label_keys(features, supervised_keys, name):
    import tensorflow_datasets as tfds

    features = dict(features.items())  # FeaturesDict has no `.get`
    image_key = label_key = None
    if supervised_keys and len(supervised_keys) == 2:
        candidate_image, candidate_label = supervised_keys
        if isinstance(candidate_image, str) and isinstance(
            features.get(candidate_image), tfds.features.Image
        ):
            image_key = candidate_image
        if isinstance(candidate_label, str) and isinstance(
            features.get(candidate_label), tfds.features.ClassLabel
        ):
            label_key = candidate_label
    if image_key is None:
        images = [k for k, f in features.items() if isinstance(f, tfds.features.Image)]
        if not images:
            raise ValueError(
                f"TFDS data set '{name}' has no Image feature. Features: {list(features)}"
            )
        image_key = "image" if "image" in images else images[0]
    if label_key is None and isinstance(features.get("label"), tfds.features.ClassLabel):
        label_key = "label"
    return image_key, label_key


def load_tfds(
    name, *, image_size=None, channels=None, split="train", data_dir=None, num_examples=None
):
    """Loads a TFDS image data set prepared in `data_dir` into memory.

    Args:
        name: str. TFDS name, `NAME[/config][:version]`, without the "tfds:" prefix.
        image_size: int. Resize to `image_size x image_size`. Needed when the images
            vary in size. Defaults to the native size.
        channels: int. 1 or 3. Defaults to the native channels.
        split: str. Any TFDS split expression ("train", "test[:10%]", "all").
            Defaults to "train".
        data_dir: str. Where the prepared data lives. Defaults to TFDS's own
            (`$TFDS_DATA_DIR` as read when TFDS was imported, else ~/tensorflow_datasets).
        num_examples: int. Read at most the first this many examples. Defaults to all.

    Returns:
        `ArrayData`: pixels `p` -> `p / 127.5 - 1`; labels from the `ClassLabel` feature
        ("label" or the supervised key), `num_classes` and `class_names` from its info.

    Raises:
        ValueError: unknown TFDS name, unknown split, no image feature.
        FileNotFoundError: the data set is not prepared in `data_dir`.
    """
    import tensorflow as tf
    import tensorflow_datasets as tfds

    display = TFDS_PREFIX + name
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(
            f"Unknown TFDS data set {display!r}: {str(error).splitlines()[0]}"
        ) from error
    if not builder.is_prepared():
        looked_in = data_dir if data_dir is not None else _default_data_dir()
        raise FileNotFoundError(
            f"TFDS data set {display!r} is not prepared in data_dir={looked_in!r} (looked for "
            f"{builder.data_dir}), and this machine cannot download it at run time. On a "
            f"machine with internet run `tfds build {name} --data_dir=DIR`, copy DIR here "
            "and pass data_dir=DIR, or set TFDS_DATA_DIR before starting Python."
        )
    info = builder.info
    image_key, label_key = _image_and_label_keys(info.features, info.supervised_keys, display)
    image_feature = info.features[image_key]
    if image_feature.np_dtype != np.uint8:
        raise ValueError(
            f"TFDS data set {display!r}: image feature '{image_key}' is "
            f"{np.dtype(image_feature.np_dtype).name}; "
            "only uint8 images are supported."
        )
    try:
        dataset = builder.as_dataset(split=split, shuffle_files=False)
    except (ValueError, KeyError) as error:
        raise ValueError(
            f"TFDS data set {display!r} has no split {split!r} ({error}). Splits: "
            f"{list(info.splits.keys())}. Received: split={split!r}"
        ) from error
    if num_examples is not None:
        dataset = dataset.take(num_examples)

    fixed_shape = None not in image_feature.shape[:2]
    if not fixed_shape and image_size is None:
        raise ValueError(
            f"TFDS data set {display!r} has images of varying size {image_feature.shape}; "
            "pass `image_size`. Received: image_size=None"
        )

    def select(example):
        image = example[image_key]
        if not fixed_shape:  # resize one by one so that they can be batched
            image = tf.cast(image, tf.float32) / 127.5 - 1.0
            image = tf.image.resize(
                image, (image_size, image_size), method="bilinear", antialias=True
            )
            image = tf.clip_by_value(image, -1.0, 1.0)
        label = example[label_key] if label_key else tf.constant(-1, tf.int64)
        return image, label

    image_chunks, label_chunks = [], []
    for images, labels in tfds.as_numpy(dataset.map(select).batch(1024)):
        image_chunks.append(images)
        label_chunks.append(labels)
    if not image_chunks:
        raise ValueError(f"TFDS data set {display!r}, split {split!r}, holds no examples.")
    images = np.concatenate(image_chunks)
    if images.dtype == np.uint8:
        images = scale_uint8(images)
    images = resize_images(convert_channels(images, channels, display), image_size)

    labels = num_classes = class_names = None
    if label_key:
        labels = np.concatenate(label_chunks).astype(np.int64)
        label_feature = info.features[label_key]
        num_classes = int(label_feature.num_classes)
        class_names = tuple(label_feature.names)
    return ArrayData(
        images=images.astype(np.float32, copy=False),
        labels=labels,
        num_classes=num_classes,
        name=display,
        class_names=class_names,
    )
