"""The in-memory data set every source is materialised into, and the shared conversions.

Every image source ends here: pixels scaled to float32 [-1, 1] by one formula
(`p / 127.5 - 1` for uint8 `p`), channels converted by one rule and resized by one
resampler, so that a data set looks the same whichever file format it came from.
"""

import dataclasses

import numpy as np

#: ITU-R BT.601 luma weights (the ones PIL's "L" conversion and
#: `tf.image.rgb_to_grayscale` use), normalised to sum to 1 so that [-1, 1] maps into
#: [-1, 1].
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float64)
_LUMA = (_LUMA / _LUMA.sum()).astype(np.float32)

# Resize this many images per call, to bound the float memory of a large data set.
_RESIZE_CHUNK = 2048


@dataclasses.dataclass
class ArrayData:
    """An in-memory data set.

    Attributes:
        images: np.ndarray. float32. Images `[N, H, W, C]` in [-1, 1]; for the 2-D toy
            sets, points `[N, 2]`, unscaled.
        labels: np.ndarray or None. int64 `[N]` class indices in `[0, num_classes)`, or
            None when the source has no labels.
        num_classes: int or None. Number of classes, None without labels.
        name: str. Where the data came from: "digits", "tfds:mnist", a path, ...
        modes: np.ndarray or None. Toy sets only: the mixture centres `[k, 2]`.
        mode_std: float or None. Toy sets only: the standard deviation of each component.
        class_names: tuple of str or None. Names of the classes when the source has them
            (image folders, TFDS `ClassLabel` names), indexed by label.
    """

    images: np.ndarray
    labels: np.ndarray | None
    num_classes: int | None
    name: str
    modes: np.ndarray | None = None
    mode_std: float | None = None
    class_names: tuple | None = None

    @property
    def element_shape(self):
        """tuple: the shape of one example, `images.shape[1:]`."""
        return tuple(self.images.shape[1:])

    def __len__(self):
        return int(self.images.shape[0])


def scale_uint8(pixels):
    """Maps uint8 pixels to float32 [-1, 1]: `x = p / 127.5 - 1` (0 -> -1, 255 -> 1)."""
    pixels = np.asarray(pixels)
    return pixels.astype(np.float32) / np.float32(127.5) - np.float32(1.0)


def convert_channels(images, channels, name):
    """Converts float images `[N, H, W, C]` (C in 1..4) to `channels` (None keeps them).

    Gray -> RGB repeats the plane; RGB -> gray is the BT.601 luma; an alpha channel
    (C = 2 or 4) is dropped.
    """
    num_in = images.shape[-1]
    if num_in not in (1, 2, 3, 4):
        raise ValueError(
            f"Data set '{name}' has images with {num_in} channels; expected 1 (gray), "
            f"2 (gray + alpha), 3 (RGB) or 4 (RGBA). Received: shape={images.shape}"
        )
    if num_in in (2, 4):  # Drop alpha.
        images = images[..., : num_in - 1]
        num_in -= 1
    if channels is None or channels == num_in:
        return np.ascontiguousarray(images, dtype=np.float32)
    if channels == 3:  # num_in == 1
        return np.repeat(images, 3, axis=-1).astype(np.float32)
    gray = np.tensordot(images, _LUMA, axes=([-1], [0]))[..., None]
    return np.clip(gray, -1.0, 1.0).astype(np.float32)


def resize_images(images, image_size):
    """Resizes float images `[N, H, W, C]` to `[N, image_size, image_size, C]`.

    Bilinear interpolation with half-pixel centres (`tf.image.resize`), antialiased when
    shrinking; the result is clipped to [-1, 1] (interpolation is a convex combination,
    the clip only removes float rounding).
    """
    height, width = images.shape[1:3]
    if image_size is None or (height, width) == (image_size, image_size):
        return images
    import tensorflow as tf

    shrinking = image_size < height or image_size < width
    chunks = []
    for start in range(0, len(images), _RESIZE_CHUNK):
        resized = tf.image.resize(
            images[start : start + _RESIZE_CHUNK],
            (image_size, image_size),
            method="bilinear",
            antialias=shrinking,
        )
        chunks.append(np.clip(resized.numpy(), -1.0, 1.0).astype(np.float32))
    if not chunks:
        return np.zeros((0, image_size, image_size, images.shape[-1]), np.float32)
    return np.concatenate(chunks, axis=0)


def finish_images(images, *, image_size, channels, name):
    """Adds a channel axis to `[N, H, W]`, then converts channels and resizes."""
    if images.ndim == 3:
        images = images[..., None]
    images = convert_channels(images, channels, name)
    return resize_images(images, image_size)


def first(array, num_examples):
    """`array[:num_examples]` (all of it when num_examples is None)."""
    return array if array is None or num_examples is None else array[:num_examples]
