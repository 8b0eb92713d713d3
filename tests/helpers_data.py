"""Test helpers for keras_gan.data: writers of small files in the real formats, and a
tiny real TFDS builder that prepares offline."""

import gzip

import numpy as np
import tensorflow_datasets as tfds

TINY_TFDS_NAME = "keras_gan_tiny_images"
TINY_TFDS_SPLITS = {"train": (20, 0), "test": (6, 1)}  # split: (examples, seed)


def tiny_tfds_examples(split):
    """The (images uint8 [n, 8, 8, 1], labels [n]) that the tiny builder writes."""
    num, seed = TINY_TFDS_SPLITS[split]
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(num, 8, 8, 1), dtype=np.uint8)
    images[0, 0, 0, 0], images[0, 0, 1, 0] = 0, 255  # both ends of the range are present
    labels = np.arange(num) % 3
    return images, labels


class KerasGanTinyImages(tfds.core.GeneratorBasedBuilder):
    """20 train + 6 test random 8x8x1 uint8 images, labels i % 3 of 3 named classes."""

    VERSION = tfds.core.Version("1.0.0")

    def _info(self):
        return tfds.core.DatasetInfo(
            builder=self,
            features=tfds.features.FeaturesDict(
                {
                    "image": tfds.features.Image(shape=(8, 8, 1)),
                    "label": tfds.features.ClassLabel(names=["a", "b", "c"]),
                }
            ),
            supervised_keys=("image", "label"),
        )

    def _split_generators(self, dl_manager):
        return {split: self._generate_examples(split) for split in TINY_TFDS_SPLITS}

    def _generate_examples(self, split):
        images, labels = tiny_tfds_examples(split)
        for i, (image, label) in enumerate(zip(images, labels)):
            yield i, {"image": image, "label": int(label)}


def write_idx(path, array, gz=False, type_code=0x08):
    """Writes `array` as an IDX file: 0, 0, type code, ndim, big-endian sizes, data."""
    array = np.asarray(array)
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(
        int(size).to_bytes(4, "big") for size in array.shape
    )
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    with open(path, "wb") as f:
        f.write(gzip.compress(payload) if gz else payload)


def write_png(path, pixels):
    """Writes uint8 pixels `[H, W]` (gray) or `[H, W, 3]` (RGB) as a PNG."""
    from PIL import Image

    Image.fromarray(np.asarray(pixels, dtype=np.uint8)).save(path)


def bilinear_resize_reference(image, size):
    """NumPy bilinear resize with half-pixel centres (TF2 `tf.image.resize`, no
    antialias): source coordinate `(i + 0.5) * in / out - 0.5`, edges clamped."""

    def along(axis_values, n_out):
        n_in = axis_values.shape[0]
        src = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        low = np.floor(src).astype(int)
        frac = src - low
        lo = np.clip(low, 0, n_in - 1)
        hi = np.clip(low + 1, 0, n_in - 1)
        shape = (-1,) + (1,) * (axis_values.ndim - 1)
        return axis_values[lo] * (1 - frac).reshape(shape) + axis_values[hi] * frac.reshape(shape)

    image = np.asarray(image, np.float64)
    rows = along(image, size)
    return np.swapaxes(along(np.swapaxes(rows, 0, 1), size), 0, 1)
