"""`digits`: scikit-learn's bundled 8x8 handwritten digits, offline and in seconds.

1797 gray images of the digits 0-9 (UCI "Optical Recognition of Handwritten Digits",
Alpaydin & Kaynak 1998) with 17 intensity levels 0..16, shipped inside scikit-learn, so it
needs no download: the default data set for smoke runs and tests.
"""

import numpy as np

from keras_gan.data.arrays import ArrayData, finish_images, first

DIGITS_IMAGE_SIZES = (8, 16, 32, 64, 128, 28)
DIGITS_DEFAULT_IMAGE_SIZE = 32
DIGITS_SPLITS = ("train", "test", "all")
# The train/test partition is fixed (not drawn from the caller's `seed`) so that "test"
# is the same held-out set in every run.
_DIGITS_SPLIT_SEED = 0


def digits_split_indices(split, num_total=1797):
    """Indices (sorted) of a `digits` split: a fixed seeded permutation of all examples,
    "test" = its first `num_total // 5` (359), "train" = the rest (1438), "all" = all."""
    if split == "all":
        return np.arange(num_total)
    permutation = np.random.default_rng(_DIGITS_SPLIT_SEED).permutation(num_total)
    num_test = num_total // 5
    chosen = permutation[:num_test] if split == "test" else permutation[num_test:]
    return np.sort(chosen)


def load_digits(*, image_size=None, channels=None, split="train", num_examples=None):
    """Loads the `digits` data set.

    Pixels `v` in 0..16 map to `x = v / 8 - 1` in [-1, 1]; images are then resized
    bilinearly from 8x8 to `image_size`.

    Args:
        image_size: int. Output side: one of 8, 16, 32, 64, 128 or 28. Defaults to 32.
        channels: int. 1 (gray) or 3 (gray repeated). Defaults to 1.
        split: str. "train" (1438 examples), "test" (359, held out by a fixed seeded
            permutation) or "all" (1797). Defaults to "train".
        num_examples: int. Keep at most the first this many of the split. Defaults to
            all of them.

    Returns:
        `ArrayData` with labels 0..9 and `num_classes=10`.
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    if image_size is None:
        image_size = DIGITS_DEFAULT_IMAGE_SIZE
    if image_size not in DIGITS_IMAGE_SIZES:
        raise ValueError(
            "`image_size` for 'digits' must be a power of two from 8 to 128, or 28. "
            f"Received: image_size={image_size}"
        )
    if split not in DIGITS_SPLITS:
        raise ValueError(
            f"`split` for 'digits' must be one of {list(DIGITS_SPLITS)}. Received: split={split!r}"
        )
    bunch = sklearn_load_digits()
    indices = first(digits_split_indices(split, len(bunch.images)), num_examples)
    pixels = bunch.images[indices].astype(np.float32)  # [N, 8, 8], values 0..16
    images = pixels / np.float32(8.0) - np.float32(1.0)
    images = finish_images(images, image_size=image_size, channels=channels or 1, name="digits")
    return ArrayData(
        images=images,
        labels=bunch.target[indices].astype(np.int64),
        num_classes=10,
        name="digits",
        class_names=tuple(str(d) for d in range(10)),
    )
