"""Data sets for keras-gan: built-in, TFDS, image folders, IDX and NPZ files.

Everything becomes float32: images NHWC in [-1, 1] (`p / 127.5 - 1` for 8-bit pixels),
2-D toy data as `[N, 2]` points.

- `load_arrays(source, ...)` -> `ArrayData` (in memory).
- `load(source, batch_size=..., ...)` -> shuffled, batched `tf.data.Dataset` for `fit`.
- `epoch_dataset(data, batch_size=..., seed=..., ...)` -> the deterministic, resumable
  stream the trainer uses.
- `scale_images(x, from_range=(0, 255))` -> x in [-1, 1], for your own `tf.data` pipelines;
  `GAN.fit` and `keras-gan train` refuse real data outside the generator's range.
- `semi_supervised_labels`, `semi_supervised_dataset`, `add_labelled_rows`: a few labels
  per class and a labelled part in every batch (`keras_gan.models.SGAN`'s data).
"""

from keras_gan.data.arrays import ArrayData
from keras_gan.data.idx import read_idx
from keras_gan.data.ranges import check_value_range, sample_range, scale_images
from keras_gan.data.pipeline import epoch_dataset, epoch_permutation, from_arrays, load
from keras_gan.data.semi_supervised import add_labelled_rows, semi_supervised_dataset, semi_supervised_labels
from keras_gan.data.sources import BUILTIN_DATASETS, load_arrays
from keras_gan.data.toy import TOY_DATASETS, toy_modes

__all__ = [
    "ArrayData",
    "BUILTIN_DATASETS",
    "check_value_range",
    "TOY_DATASETS",
    "add_labelled_rows",
    "epoch_dataset",
    "epoch_permutation",
    "from_arrays",
    "load",
    "load_arrays",
    "read_idx",
    "sample_range",
    "scale_images",
    "semi_supervised_dataset",
    "semi_supervised_labels",
    "toy_modes",
]
