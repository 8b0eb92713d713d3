"""The value-range contract between real data and a generator's samples.

D separates real from generated samples by anything that tells them apart. Real images in
[0, 255] (what `keras.utils.image_dataset_from_directory` yields) or [0, 1] against a
generator whose `tanh` output lies in [-1, 1] are told apart by their range alone: D wins at
once and G learns nothing, without any error. `check_value_range` turns that silent waste
into an error on the first batch; `scale_images` is the fix for users with their own
`tf.data` pipelines (keras_gan.data's loaders already scale to [-1, 1]).
"""

import numpy as np
import tensorflow as tf

IMAGE_RANGE = (-1.0, 1.0)
# Slack for float round-off of data scaled by `p / 127.5 - 1` and the like.
_TOLERANCE = 1e-3


def _check_range(value_range, argument):
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{argument}` must be a pair (low, high) of numbers. Received: {argument}={value_range!r}"
        ) from None
    if not low < high:
        raise ValueError(f"`{argument}` must have low < high. Received: {argument}={value_range!r}")
    return low, high


def scale_images(images, from_range=(0.0, 255.0), to_range=IMAGE_RANGE):
    """Maps values linearly from `from_range` to `to_range` (default: 8-bit pixels to [-1, 1]).

    `y = (x - a) / (b - a) * (d - c) + c` for `from_range=(a, b)`, `to_range=(c, d)`;
    `[0, 255] -> [-1, 1]` is `x / 127.5 - 1`. Works on NumPy arrays (returns float32 NumPy)
    and on tensors, inside `tf.data.Dataset.map` too:

    ```python
    ds = keras.utils.image_dataset_from_directory("photos", image_size=(64, 64), labels=None)
    ds = ds.map(keras_gan.data.scale_images)  # [0, 255] -> [-1, 1]
    ```

    Args:
        images: array or tensor. Values in `from_range`.
        from_range: pair. The range of `images`. Defaults to (0, 255).
        to_range: pair. The range wanted. Defaults to (-1, 1), the generators' range.

    Returns:
        float32 array or tensor of the same shape.
    """
    a, b = _check_range(from_range, "from_range")
    c, d = _check_range(to_range, "to_range")
    scale, offset = (d - c) / (b - a), c - a * (d - c) / (b - a)
    if isinstance(images, np.ndarray):
        return images.astype(np.float32) * np.float32(scale) + np.float32(offset)
    images = tf.cast(images, tf.float32)
    return images * scale + offset


def sample_range(generator):
    """The range a generator's samples lie in: (-1, 1) for images, else from its output layer.

    Image samples (`[H, W, C]`) follow the library's convention, [-1, 1]. For other samples
    (2-D toy points, tables) the last layer with an activation decides: `tanh` -> (-1, 1),
    `sigmoid` -> (0, 1), anything else (a linear output) -> None, unbounded: no contract.
    """
    if len(generator.output_shape) == 4:
        return IMAGE_RANGE
    for layer in reversed(generator.layers):
        activation = getattr(layer, "activation", None)
        if activation is None:
            continue
        name = getattr(activation, "__name__", str(activation))
        return {"tanh": IMAGE_RANGE, "sigmoid": (0.0, 1.0)}.get(name)
    return None


def _describe(low, high):
    if low >= -_TOLERANCE and high > 2.0:
        return "it looks like 8-bit pixels in [0, 255]: use `x / 127.5 - 1`"
    if low >= -_TOLERANCE and high <= 1.0 + _TOLERANCE:
        return "it looks like pixels in [0, 1]: use `2 * x - 1`"
    return "rescale it linearly"


def check_value_range(values, expected, name="the real batch"):
    """Raises a ValueError when `values` do not lie in `expected` the way real data does.

    Two failures are caught: values outside `expected` (e.g. [0, 255] against [-1, 1]), and,
    for a range symmetric about 0, values that never reach its lower half (pixels in [0, 1]
    against [-1, 1]: every real image has dark pixels below 0 once scaled).

    Args:
        values: array or tensor. A batch of real samples.
        expected: pair or None. The generator's range (`sample_range`); None: no check.
        name: str. What `values` are, for the message.

    Raises:
        ValueError: naming the range seen, the range expected and the fix.
    """
    if expected is None:
        return
    low_expected, high_expected = _check_range(expected, "expected")
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name.capitalize()} contains NaN or infinite values: check the data pipeline.")
    low, high = float(values.min()), float(values.max())
    slack = _TOLERANCE * (high_expected - low_expected)
    outside = low < low_expected - slack or high > high_expected + slack
    middle = (low_expected + high_expected) / 2
    upper_half_only = low_expected < 0 < high_expected and low >= middle and high > middle
    if not (outside or upper_half_only):
        return
    problem = "lies outside" if outside else "uses only the upper half of"
    raise ValueError(
        f"{name.capitalize()} has values in [{low:g}, {high:g}], which {problem} the "
        f"generator's sample range [{low_expected:g}, {high_expected:g}]: the discriminator "
        f"would tell real from generated by range alone and the run would be wasted. "
        f"Scale the data to [{low_expected:g}, {high_expected:g}] ({_describe(low, high)}, or "
        f"`keras_gan.data.scale_images(x, from_range=(lo, hi))` in your tf.data pipeline), or "
        f"load it with `keras_gan.data.load(...)`, which scales images to [-1, 1]. "
        f"(`fit(..., check_value_range=False)` skips this check.)"
    )


def first_batch(x):
    """The first batch of what `fit` was given (a tf.data.Dataset or an array), else None.

    A dataset is iterated afresh (its own iterator), so nothing is consumed from `fit`'s.
    Python generators and `keras.utils.PyDataset`s are not peeked at (that would consume
    or duplicate work): None.
    """
    if isinstance(x, tf.data.Dataset):
        for batch in x.take(1):
            return batch
        return None
    if isinstance(x, (np.ndarray, tf.Tensor)):
        return x
    return None
