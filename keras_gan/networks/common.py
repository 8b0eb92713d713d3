"""Argument checks shared by the network builders."""

import math

# Image sizes the convolutional builders can make: powers of two from 16 to 128, plus
# MNIST's 28 (7 -> 14 -> 28, the TensorFlow DCGAN tutorial's layout).
VALID_IMAGE_SIZES = (16, 28, 32, 64, 128)


def check_positive_int(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def check_units(name, units):
    if not isinstance(units, (list, tuple)) or not all(
        isinstance(u, int) and u > 0 for u in units
    ):
        raise ValueError(
            f"`{name}` must be a list or tuple of positive integers. Received: {name}={units!r}"
        )


def check_dropout(dropout):
    """Validates a dropout rate in [0, 1) (None: no dropout)."""
    if dropout is not None and not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")


def as_shape(name, shape):
    """Validates a sample shape given as an int or a sequence of positive ints."""
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise ValueError(f"`{name}` must be a tuple of positive integers. Received: {name}={shape!r}")
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"`{name}` must be a tuple of positive integers. Received: {name}={shape!r}")
    return shape


def check_image_shape(name, image_shape):
    """Validates `(size, size, channels)` with a size the conv builders can make."""
    shape = as_shape(name, image_shape)
    if len(shape) != 3 or shape[0] != shape[1] or shape[0] not in VALID_IMAGE_SIZES:
        raise ValueError(
            f"`{name}` must be (size, size, channels) with size in {VALID_IMAGE_SIZES}. "
            f"Received: {name}={image_shape!r}"
        )
    return shape


def num_doublings(size):
    """Number of stride-2 steps between the 4x4 (or 7x7 for 28) base and `size`."""
    return 2 if size == 28 else int(math.log2(size // 4))
