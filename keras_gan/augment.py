"""Differentiable augmentation of the discriminator's inputs (DiffAugment).

Zhao, Liu, Lin, Zhu & Han, "Differentiable Augmentation for Data-Efficient GAN Training",
NeurIPS 2020. https://arxiv.org/abs/2006.10738

The same random policy `T` is applied to every input of D, real and generated, in both the
D and the G step, so D learns on `T(x)` and `T(G(z))` and G gets gradients through `T`.
Every transformation is differentiable w.r.t. the images. The three policies follow the
authors' TensorFlow code (`DiffAugment_tf.py`), for NHWC images in [-1, 1]:

- `"color"`: brightness `x + (u - 0.5)`; saturation `(x - mean_c x) * 2u + mean_c x` (mean
  over channels per pixel); contrast `(x - mean x) * (u + 0.5) + mean x` (mean over the
  image); each `u ~ U[0, 1)` per image.
- `"translation"`: shift by integers `dy, dx ~ U{-s, ..., s}` per image,
  `s = round(ratio * size)` (ratio 1/8), filling with zeros.
- `"cutout"`: zero a `round(ratio * size)` square (ratio 1/2) centred at a uniform position
  per image (clipped at the borders).

Randomness is stateless: a `seed` (a pair of ints or an int32 `[2]` tensor) fixes every
parameter. Under a `tf.distribute` strategy each replica takes its own rows of one draw made
for the global batch, so replicas differ and N replicas augment exactly as one device does.
"""

import tensorflow as tf

from keras_gan import streams
from keras_gan.replicas import replica_slice

__all__ = [
    "POLICIES",
    "DiffAugment",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_saturation",
    "cutout",
    "diff_augment",
    "get",
    "translate",
]

POLICIES = ("color", "translation", "cutout")

# Fold-in constants giving each random parameter its own stream of the caller's seed.
_BRIGHTNESS, _SATURATION, _CONTRAST = streams.BRIGHTNESS, streams.SATURATION, streams.CONTRAST
_SHIFT_Y, _SHIFT_X, _CUT_Y, _CUT_X = streams.SHIFT_Y, streams.SHIFT_X, streams.CUT_Y, streams.CUT_X


# ---------------------------------------------------------------------------------------------
# Deterministic transformations (explicit parameters)
# ---------------------------------------------------------------------------------------------
def _per_image(values, images):
    """Per-image parameters `[B]` -> `[B, 1, 1, 1]` in the images' dtype."""
    return tf.reshape(tf.cast(values, images.dtype), [-1, 1, 1, 1])


def adjust_brightness(images, delta):
    """`x + delta` with one `delta` per image (`[B]`)."""
    return images + _per_image(delta, images)


def adjust_saturation(images, factor):
    """`(x - m) * factor + m`, `m` the mean over channels of each pixel; `factor` is `[B]`."""
    mean = tf.reduce_mean(images, axis=3, keepdims=True)
    return (images - mean) * _per_image(factor, images) + mean


def adjust_contrast(images, factor):
    """`(x - m) * factor + m`, `m` the mean of each image over H, W, C; `factor` is `[B]`."""
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * _per_image(factor, images) + mean


def translate(images, shifts):
    """Moves each image's content by integer `shifts` `[B, 2]` = (dy, dx), filling with zeros.

    `out[b, i, j] = x[b, i - dy_b, j - dx_b]` where that pixel exists, else 0.
    """
    shifts = tf.cast(shifts, tf.int32)
    height, width = tf.shape(images)[1], tf.shape(images)[2]
    rows = tf.range(height)[None, :] - shifts[:, 0:1]  # [B, H] source rows
    cols = tf.range(width)[None, :] - shifts[:, 1:2]  # [B, W] source columns
    moved = tf.gather(images, tf.clip_by_value(rows, 0, height - 1), axis=1, batch_dims=1)
    moved = tf.gather(moved, tf.clip_by_value(cols, 0, width - 1), axis=2, batch_dims=1)
    row_inside = (rows >= 0) & (rows < height)
    col_inside = (cols >= 0) & (cols < width)
    inside = row_inside[:, :, None, None] & col_inside[:, None, :, None]
    return moved * tf.cast(inside, images.dtype)


def cutout(images, starts, size):
    """Zeroes a `size = (h, w)` rectangle whose top-left corner is `starts` `[B, 2]` (y, x).

    The rectangle may reach past the borders; only its part inside the image is zeroed.
    """
    starts = tf.cast(starts, tf.int32)
    height, width = tf.shape(images)[1], tf.shape(images)[2]
    rows = tf.range(height)[None, :]
    cols = tf.range(width)[None, :]
    row_in = (rows >= starts[:, 0:1]) & (rows < starts[:, 0:1] + size[0])  # [B, H]
    col_in = (cols >= starts[:, 1:2]) & (cols < starts[:, 1:2] + size[1])  # [B, W]
    cut = row_in[:, :, None, None] & col_in[:, None, :, None]
    return images * tf.cast(tf.logical_not(cut), images.dtype)


# ---------------------------------------------------------------------------------------------
# Random parameters
# ---------------------------------------------------------------------------------------------
def _fold(seed, stream):
    return tf.random.experimental.stateless_fold_in(tf.cast(seed, tf.int32), stream)


def _uniform(batch_size, seed, stream, minval=0.0, maxval=1.0):
    return replica_slice(
        lambda n, s: tf.random.stateless_uniform((n,), seed=s, minval=minval, maxval=maxval),
        batch_size,
        _fold(seed, stream),
    )


def _uniform_ints(batch_size, seed, streams, low, high):
    """Integers in `[low[a], high[a])` per image for each axis a (y, x): `[B, 2]`."""
    return tf.stack(
        [
            replica_slice(
                lambda n, s, a=axis: tf.random.stateless_uniform(
                    (n,), seed=s, minval=low[a], maxval=high[a], dtype=tf.int32
                ),
                batch_size,
                _fold(seed, stream),
            )
            for axis, stream in enumerate(streams)
        ],
        axis=1,
    )


def _ratio_size(size, ratio):
    """`int(size * ratio + 0.5)` as in the authors' code."""
    return tf.cast(tf.cast(size, tf.float32) * ratio + 0.5, tf.int32)


def diff_augment(images, seed, policy="color,translation,cutout", translation_ratio=0.125,
                 cutout_ratio=0.5):
    """Applies a random DiffAugment policy to a batch of NHWC images.

    Args:
        images: Tensor. Images `[B, H, W, C]` (in [-1, 1]).
        seed: pair of ints or int32 Tensor `[2]`. Fixes every random parameter.
        policy: str. Comma-separated policies from `"color"`, `"translation"`, `"cutout"`,
            applied in that written order. Defaults to all three.
        translation_ratio: float. Largest shift as a fraction of the image side.
            Defaults to 0.125.
        cutout_ratio: float. Side of the cut square as a fraction of the image side.
            Defaults to 0.5.

    Returns:
        The augmented images, same shape and dtype.
    """
    return DiffAugment(policy, translation_ratio, cutout_ratio)(images, seed)


def _check_policy(policy):
    if not isinstance(policy, str):
        raise ValueError(
            f"`policy` must be a comma-separated string of {POLICIES}. Received: policy={policy!r}"
        )
    names = tuple(p.strip() for p in policy.split(",") if p.strip())
    unknown = [p for p in names if p not in POLICIES]
    if not names or unknown:
        raise ValueError(
            f"`policy` must be a comma-separated string of {POLICIES}. Received: policy={policy!r}"
        )
    return names


class DiffAugment:
    """A DiffAugment policy: `augment(images, seed)` (Zhao et al. 2020, arXiv:2006.10738).

    Args:
        policy: str. Comma-separated names from `POLICIES`. Defaults to
            "color,translation,cutout" (the paper's choice for limited data).
        translation_ratio: float in (0, 1). Largest shift / image side. Defaults to 0.125.
        cutout_ratio: float in (0, 1]. Cut square side / image side. Defaults to 0.5.

    Example:
    ```python
    augment = keras_gan.augment.DiffAugment("translation,cutout")
    augmented = augment(images, seed=[0, step])
    ```
    """

    def __init__(self, policy="color,translation,cutout", translation_ratio=0.125, cutout_ratio=0.5):
        self.names = _check_policy(policy)
        self.policy = ",".join(self.names)
        if not 0.0 < translation_ratio < 1.0:
            raise ValueError(
                f"`translation_ratio` must be in (0, 1). Received: translation_ratio={translation_ratio}"
            )
        if not 0.0 < cutout_ratio <= 1.0:
            raise ValueError(f"`cutout_ratio` must be in (0, 1]. Received: cutout_ratio={cutout_ratio}")
        self.translation_ratio = float(translation_ratio)
        self.cutout_ratio = float(cutout_ratio)

    def __call__(self, images, seed):
        images = tf.convert_to_tensor(images)
        if images.shape.rank != 4:
            raise ValueError(
                f"DiffAugment needs NHWC images of rank 4. Received: images with shape {images.shape}"
            )
        batch = tf.shape(images)[0]
        for name in self.names:
            if name == "color":
                images = adjust_brightness(images, _uniform(batch, seed, _BRIGHTNESS, -0.5, 0.5))
                images = adjust_saturation(images, _uniform(batch, seed, _SATURATION, 0.0, 2.0))
                images = adjust_contrast(images, _uniform(batch, seed, _CONTRAST, 0.5, 1.5))
            elif name == "translation":
                shift = _ratio_size(tf.shape(images)[1:3], self.translation_ratio)
                shifts = _uniform_ints(batch, seed, (_SHIFT_Y, _SHIFT_X), -shift, shift + 1)
                images = translate(images, shifts)
            else:  # cutout
                side = tf.shape(images)[1:3]
                size = _ratio_size(side, self.cutout_ratio)
                # Centres in [0, side + (1 - size % 2)) as in the authors' code.
                zeros = tf.zeros([2], tf.int32)
                centres = _uniform_ints(batch, seed, (_CUT_Y, _CUT_X), zeros, side + 1 - size % 2)
                images = cutout(images, centres - size[None, :] // 2, size)
        return images

    def get_config(self):
        return {
            "policy": self.policy,
            "translation_ratio": self.translation_ratio,
            "cutout_ratio": self.cutout_ratio,
        }

    def __repr__(self):
        return f"DiffAugment({self.policy!r})"


def get(identifier):
    """A `DiffAugment` from None, a policy string, a config dict or a `DiffAugment`.

    Returns None for None or "" (no augmentation).
    """
    if identifier is None or identifier == "":
        return None
    if isinstance(identifier, DiffAugment):
        return identifier
    if isinstance(identifier, str):
        return DiffAugment(identifier)
    if isinstance(identifier, dict):
        return DiffAugment(**identifier)
    raise ValueError(
        "`augment` must be None, a DiffAugment policy string such as "
        f"'color,translation,cutout', a config dict or a DiffAugment. Received: augment={identifier!r}"
    )
