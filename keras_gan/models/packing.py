"""PacGAN packing: the discriminator scores m samples at once.

Lin, Khetan, Fanti & Oh, "PacGAN: The power of two samples in generative adversarial
networks", NeurIPS 2018 (https://arxiv.org/abs/1712.04086). With packing degree m, D maps
a pack of m samples, concatenated along the feature (channel) axis, to one logit; real
samples are packed with real ones and generated with generated ones. A D that sees m
samples of a collapsed generator at once sees their lack of diversity, which penalises
mode collapse; G and its loss are unchanged.
"""

import tensorflow as tf

__all__ = ["check_pack", "pack_samples", "packed_shape", "unpack_samples"]


def check_pack(pack):
    """Validates the packing degree; returns it as an int."""
    if isinstance(pack, bool) or not isinstance(pack, int) or pack < 1:
        raise ValueError(f"`pack` must be a positive integer (1: no packing). Received: pack={pack!r}")
    return pack


def packed_shape(sample_shape, pack):
    """Shape of one pack: `sample_shape` with its last axis `pack` times wider."""
    sample_shape = tuple(sample_shape)
    return (*sample_shape[:-1], sample_shape[-1] * pack)


def pack_samples(samples, pack):
    """Packs consecutive samples: `[B, ..., C] -> [B / pack, ..., pack * C]`.

    Pack j holds samples `j * pack, ..., j * pack + pack - 1`, concatenated along the last
    axis in that order: for vectors `[B, d]` pack j is `concat(x[j m], ..., x[j m + m - 1])`
    `[m d]`; for images `[B, H, W, C]` the channels of the m images are stacked. `B` must
    be a multiple of `pack`.

    Args:
        samples: Tensor `[B, ..., C]`.
        pack: int. Packing degree m; 1 returns `samples` unchanged.

    Returns:
        Tensor `[B / pack, ..., pack * C]`.
    """
    if pack == 1:
        return samples
    samples = tf.convert_to_tensor(samples)
    static_batch = samples.shape[0]
    if static_batch is not None and static_batch % pack:
        raise ValueError(
            f"PacGAN packing needs a batch that is a multiple of `pack`: every pack holds "
            f"{pack} samples. Received: a batch of {static_batch} with pack={pack}; choose a "
            f"batch size (per replica and per D step) divisible by {pack}."
        )
    batch = tf.shape(samples)[0]
    tf.debugging.assert_equal(
        batch % pack, 0,
        message=f"PacGAN packing needs a batch (per replica and per D step) divisible by pack={pack}",
    )
    rest = samples.shape[1:]
    grouped = tf.reshape(samples, [batch // pack, pack, *rest])  # [B/m, m, ..., C]
    if len(rest) > 1:
        # Move the pack axis next to the channels: [B/m, ..., m, C].
        rank = len(rest) + 2
        grouped = tf.transpose(grouped, [0, *range(2, rank - 1), 1, rank - 1])
    return tf.reshape(grouped, [batch // pack, *rest[:-1], pack * rest[-1]])


def unpack_samples(packs, pack):
    """The inverse of `pack_samples`: `[B / pack, ..., pack * C] -> [B, ..., C]`.

    Args:
        packs: Tensor `[B / pack, ..., pack * C]`.
        pack: int. Packing degree m; 1 returns `packs` unchanged.

    Returns:
        Tensor `[B, ..., C]`, sample `j * pack + i` being member i of pack j.
    """
    if pack == 1:
        return packs
    packs = tf.convert_to_tensor(packs)
    rest = packs.shape[1:]
    channels = rest[-1] // pack
    num_packs = tf.shape(packs)[0]
    grouped = tf.reshape(packs, [num_packs, *rest[:-1], pack, channels])  # [B/m, ..., m, C]
    if len(rest) > 1:
        # Move the pack axis back next to the batch: [B/m, m, ..., C].
        rank = len(rest) + 2
        grouped = tf.transpose(grouped, [0, rank - 2, *range(1, rank - 2), rank - 1])
    return tf.reshape(grouped, [num_packs * pack, *rest[:-1], channels])
