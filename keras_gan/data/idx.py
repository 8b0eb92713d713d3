"""IDX files, the format MNIST (and Fashion-MNIST, KMNIST, EMNIST) ships in.

Format (http://yann.lecun.com/exdb/mnist/): a big-endian header, two zero bytes, a
type code (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32,
0x0E float64), the number of dimensions `d`, then `d` big-endian uint32 sizes, then the
values in C order. MNIST images are magic 2051 (0x00000803: uint8, 3-D `[N, rows, cols]`),
labels 2049 (0x00000801: uint8, 1-D `[N]`). Files may be gzip-compressed.
"""

import gzip
import os
import re

import numpy as np

from keras_gan.data.arrays import ArrayData, finish_images, first, scale_uint8

IDX_IMAGES_MAGIC = 2051
IDX_LABELS_MAGIC = 2049
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
# "train-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz", "train-images.idx3-ubyte", ...
_IMAGES_FILE = re.compile(r"images([.-])idx3-ubyte(\.gz)?$")
_SPLIT_PREFIXES = {"train": ("train",), "test": ("t10k", "test")}


def _read_bytes(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":  # gzip magic, whatever the file is called
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise ValueError(f"IDX file {path} is a corrupt gzip file: {error}") from error
    return data


def read_idx(path, expected_magic=None):
    """Reads one IDX file (raw or gzip) into a NumPy array.

    Args:
        path: str. The file.
        expected_magic: int. If given, the magic number the file must have (2051 for
            MNIST images, 2049 for labels). Defaults to any.

    Returns:
        np.ndarray of the header's shape and type (native byte order).

    Raises:
        ValueError: the header is not IDX, is not the expected kind, or the data size
            does not match the header.
    """
    path = os.fspath(path)
    data = _read_bytes(path)
    if len(data) < 4:
        raise ValueError(f"IDX file {path} is too short ({len(data)} bytes) for a header.")
    magic = int.from_bytes(data[:4], "big")
    type_code, ndim = data[2], data[3]
    if data[:2] != b"\x00\x00" or type_code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(
            f"{path} is not an IDX file: magic number {magic} (0x{magic:08X}); expected two "
            "zero bytes, a type code in {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E} and a "
            f"dimension count, e.g. {IDX_IMAGES_MAGIC} for images, {IDX_LABELS_MAGIC} for labels."
        )
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(
            f"IDX file {path} has magic number {magic}; expected {expected_magic} "
            f"({'images' if expected_magic == IDX_IMAGES_MAGIC else 'labels'})."
        )
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"IDX file {path} is truncated inside its header ({len(data)} bytes).")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_DTYPES[type_code]
    expected_bytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header_size != expected_bytes:
        raise ValueError(
            f"IDX file {path} holds {len(data) - header_size} bytes of data; its header "
            f"(shape {shape}, {dtype.name}) needs {expected_bytes}."
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def is_idx_images_file(path):
    """True when the file name looks like an IDX images file (`*images-idx3-ubyte[.gz]`)."""
    return bool(_IMAGES_FILE.search(os.path.basename(os.fspath(path))))


def labels_path_for(images_path):
    """The labels file beside an images file: "images-idx3" -> "labels-idx1", with the
    same separator and compression; if absent, the other compression is tried. None when
    neither exists."""
    directory, base = os.path.split(images_path)
    match = _IMAGES_FILE.search(base)
    stem = base[: match.start()] + f"labels{match.group(1)}idx1-ubyte"
    for candidate in (stem + (match.group(2) or ""), stem + ".gz", stem):
        if os.path.isfile(os.path.join(directory, candidate)):
            return os.path.join(directory, candidate)
    return None


def _pick_images_files(directory, split):
    files = sorted(f for f in os.listdir(directory) if is_idx_images_file(f))
    if not files:
        return []
    if len(files) == 1 or split == "all":
        return [os.path.join(directory, f) for f in files]
    prefixes = _SPLIT_PREFIXES.get(split, (split,))
    chosen = [f for f in files if f.startswith(prefixes)]
    if len(chosen) != 1:
        raise ValueError(
            f"IDX folder {directory} holds several image files {files}; `split` must pick "
            "exactly one ('train' -> train-*, 'test' -> t10k-* or test-*) or be 'all'. "
            f"Received: split={split!r}"
        )
    return [os.path.join(directory, chosen[0])]


def _read_pair(images_path):
    images = read_idx(images_path, IDX_IMAGES_MAGIC)
    labels_path = labels_path_for(images_path)
    if labels_path is None:
        return images, None
    labels = read_idx(labels_path, IDX_LABELS_MAGIC)
    if len(labels) != len(images):
        raise ValueError(
            f"IDX images {images_path} hold {len(images)} examples but labels "
            f"{labels_path} hold {len(labels)}."
        )
    return images, labels.astype(np.int64)


def load_idx(path, *, image_size=None, channels=None, split="train", num_examples=None, name=None):
    """Loads MNIST-style IDX data: an images file, or a folder holding such files.

    The labels are read from the file beside the images ("images-idx3" -> "labels-idx1");
    without one the data set has no labels. In a folder with one pair, that pair is the
    data set whatever `split` says; with several (train-* and t10k-*), `split` picks one
    ("train" -> train-*, "test" -> t10k-*/test-*, "all" -> all, concatenated).
    Pixels `p` map to `p / 127.5 - 1`; `num_classes` = largest label + 1.

    Returns:
        `ArrayData`.
    """
    path = os.fspath(path)
    name = name or path
    if os.path.isdir(path):
        images_files = _pick_images_files(path, split)
        if not images_files:
            raise ValueError(f"Folder {path} holds no IDX images file (*-images-idx3-ubyte[.gz]).")
    else:
        images_files = [path]
    pairs = [_read_pair(p) for p in images_files]
    if len({p[0].shape[1:] for p in pairs}) > 1:
        raise ValueError(f"IDX files {images_files} have different image sizes.")
    raw = np.concatenate([p[0] for p in pairs])
    has_labels = all(p[1] is not None for p in pairs)
    labels = np.concatenate([p[1] for p in pairs]) if has_labels else None
    raw, labels = first(raw, num_examples), first(labels, num_examples)
    images = finish_images(scale_uint8(raw), image_size=image_size, channels=channels, name=name)
    num_classes = int(labels.max()) + 1 if labels is not None and len(labels) else None
    return ArrayData(images=images, labels=labels, num_classes=num_classes, name=name)
