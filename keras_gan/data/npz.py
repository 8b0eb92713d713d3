"""`.npz` archives of arrays (`numpy.savez`), e.g. Keras' `mnist.npz`.

Accepted keys: images under `x` or `images`, labels (optional) under `y` or `labels`;
per-split archives use `x_<split>`/`y_<split>` (as `keras.datasets`' `mnist.npz`:
`x_train`, `y_train`, `x_test`, `y_test`) or `images_<split>`/`labels_<split>`.

Accepted values:
- images `[N, H, W]` (gray), `[N, H, W, C]` (C = 1..4) as uint8, or any integer type
  with values in [0, 255]: mapped by `p / 127.5 - 1`;
- images as floats: taken as they are, and must already lie in [-1, 1] (a ValueError
  otherwise; a warning when they look like [0, 1] data, i.e. none is negative);
- vectors `[N, D]` (2-D toy data): float32, unscaled, no resizing;
- labels: integers >= 0 of shape `[N]`; `num_classes` = largest label + 1.
"""

import os
import warnings

import numpy as np

from keras_gan.data.arrays import ArrayData, finish_images, first, scale_uint8

_IMAGE_KEYS = ("x", "images")
_LABEL_KEYS = ("y", "labels")


def _find(archive, keys, split):
    for key in keys:
        if f"{key}_{split}" in archive:
            return f"{key}_{split}"
    for key in keys:
        if key in archive:
            return key
    return None


def load_npz(path, *, image_size=None, channels=None, split="train", num_examples=None, name=None):
    """Loads images (and labels) from an `.npz` archive; see the module doc for the keys
    and value ranges accepted.

    Returns:
        `ArrayData`.
    """
    path = os.fspath(path)
    name = name or path
    with np.load(path, allow_pickle=False) as archive:
        keys = sorted(archive.files)
        image_key = _find(archive, _IMAGE_KEYS, split)
        if image_key is None:
            raise ValueError(
                f"{path} has no images for split {split!r}: expected a key among "
                f"{[f'{k}_{split}' for k in _IMAGE_KEYS] + list(_IMAGE_KEYS)}. Found keys: {keys}"
            )
        if image_key.endswith(f"_{split}"):  # A per-split archive: labels of that split.
            label_key = next(
                (f"{k}_{split}" for k in _LABEL_KEYS if f"{k}_{split}" in archive), None
            )
        else:
            label_key = next((k for k in _LABEL_KEYS if k in archive), None)
        images = first(archive[image_key], num_examples)
        labels = None if label_key is None else first(archive[label_key], num_examples)

    if labels is not None:
        if (
            labels.ndim != 1
            or not np.issubdtype(labels.dtype, np.integer)
            or len(labels) != len(images)
        ):
            raise ValueError(
                f"Labels '{label_key}' in {path} must be integers of shape [{len(images)}]. "
                f"Received: dtype={labels.dtype}, shape={labels.shape}"
            )
        if len(labels) and labels.min() < 0:
            raise ValueError(
                f"Labels '{label_key}' in {path} must be >= 0. Received: min={labels.min()}"
            )
        labels = labels.astype(np.int64)
    num_classes = int(labels.max()) + 1 if labels is not None and len(labels) else None

    if images.ndim == 2:  # [N, D] vectors: toy data, unscaled.
        if image_size is not None or channels is not None:
            raise ValueError(
                f"{path} holds vectors of shape {images.shape}, not images: `image_size` and "
                f"`channels` do not apply. Received: image_size={image_size}, channels={channels}"
            )
        if not np.issubdtype(images.dtype, np.number):
            raise ValueError(
                f"'{image_key}' in {path} must be numeric. Received: dtype={images.dtype}"
            )
        vectors = images.astype(np.float32)
        return ArrayData(images=vectors, labels=labels, num_classes=num_classes, name=name)
    if images.ndim not in (3, 4):
        raise ValueError(
            f"'{image_key}' in {path} must be [N, H, W], [N, H, W, C] or [N, D]. "
            f"Received: shape={images.shape}"
        )
    if np.issubdtype(images.dtype, np.integer) and images.dtype != np.bool_:
        if images.size and (images.min() < 0 or images.max() > 255):
            raise ValueError(
                f"Integer images '{image_key}' in {path} must lie in [0, 255]. Received: "
                f"min={images.min()}, max={images.max()}"
            )
        scaled = scale_uint8(images.astype(np.uint8))
    elif np.issubdtype(images.dtype, np.floating):
        low, high = (float(images.min()), float(images.max())) if images.size else (0.0, 0.0)
        if low < -1.0 or high > 1.0:
            raise ValueError(
                f"Float images '{image_key}' in {path} must already lie in [-1, 1] (or be "
                f"uint8 in [0, 255]). Received: min={low}, max={high}"
            )
        if low >= 0.0 and high > 0.0:
            warnings.warn(
                f"Float images in {path} have no negative value (range [{low}, {high}]): if "
                "they are in [0, 1], store them as `x * 2 - 1` or as uint8; keras-gan takes "
                "float images as [-1, 1].",
                stacklevel=3,
            )
        scaled = images.astype(np.float32)
    else:
        raise ValueError(
            f"Images '{image_key}' in {path} must be integer or float. "
            f"Received: dtype={images.dtype}"
        )
    scaled = finish_images(scaled, image_size=image_size, channels=channels, name=name)
    return ArrayData(images=scaled, labels=labels, num_classes=num_classes, name=name)
