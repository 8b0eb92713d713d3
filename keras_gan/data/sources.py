"""`load_arrays`: resolves a data-set name or path and materialises it as `ArrayData`."""

import os

import numpy as np

from keras_gan.data import builtin, folder, idx, npz, tfds_source, toy

BUILTIN_DATASETS = ("digits",) + toy.TOY_DATASETS
CHANNELS = (1, 3)


def _check_positive_int(value, argument, allow_none=True):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r}")


def _validate_common(source, image_size, channels, split, num_examples, seed):
    if not isinstance(source, (str, os.PathLike)) or (isinstance(source, str) and not source):
        raise ValueError(
            "`source` must be a data-set name, a TFDS name or a path (str or os.PathLike). "
            f"Received: source={source!r}"
        )
    _check_positive_int(image_size, "image_size")
    _check_positive_int(num_examples, "num_examples")
    if channels is not None and channels not in CHANNELS:
        raise ValueError(f"`channels` must be None, 1 or 3. Received: channels={channels!r}")
    if not isinstance(split, str) or not split:
        raise ValueError(f"`split` must be a non-empty string. Received: split={split!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"`seed` must be an integer >= 0. Received: seed={seed!r}")


def _looks_like_path(source):
    return (
        os.sep in source
        or (os.altsep is not None and os.altsep in source)
        or source.startswith((".", "~"))
        or source.lower().endswith((".npz", ".gz", "-ubyte"))
    )


def _unknown_source_error(source):
    return ValueError(
        f"Unknown dataset {source!r}. Expected one of the built-in data sets "
        f"{list(BUILTIN_DATASETS)}, an existing path (image folder, IDX file or folder, "
        ".npz), or a TFDS name ('tfds:mnist'). Received: source="
        f"{source!r}"
    )


def _load_path(path, name, *, image_size, channels, split, num_examples):
    kwargs = dict(
        image_size=image_size, channels=channels, split=split, num_examples=num_examples, name=name
    )
    if os.path.isdir(path):
        if any(idx.is_idx_images_file(f) for f in os.listdir(path)):
            return idx.load_idx(path, **kwargs)
        if folder.is_image_folder(path):
            return folder.load_image_folder(path, **kwargs)
        raise ValueError(
            f"Folder {path!r} holds neither IDX files (*-images-idx3-ubyte[.gz]) nor images "
            f"({', '.join(folder.IMAGE_EXTENSIONS)}) at the top or in class sub-folders."
        )
    if path.lower().endswith(".npz"):
        return npz.load_npz(path, **kwargs)
    if idx.is_idx_images_file(path):
        return idx.load_idx(path, **kwargs)
    raise ValueError(
        f"Cannot read {path!r}: expected an image folder, an IDX images file "
        "(*-images-idx3-ubyte[.gz]), a folder holding one, or an .npz archive."
    )


def load_arrays(
    source,
    *,
    image_size=None,
    channels=None,
    split="train",
    data_dir=None,
    with_labels=False,
    num_examples=None,
    seed=0,
):
    """Loads a data set into memory as float32 arrays.

    `source` is resolved in this order:

    1. A built-in name: "digits" (scikit-learn's 8x8 digits, default 32x32), "ring8" or
       "grid25" (2-D Gaussian mixtures, Metz et al. 2017; Srivastava et al. 2017).
    2. "tfds:NAME[/config][:version]": a TFDS data set prepared in `data_dir`.
    3. An existing path: an image folder (`root/<class>/*.png` or flat), an IDX images
       file or a folder holding IDX files (MNIST's format), or an `.npz` archive.
    4. A bare registered TFDS builder name ("mnist"); an existing path of that name wins,
       "tfds:" forces TFDS.

    Pixels `p` of 8-bit sources map to `x = p / 127.5 - 1`, so images are float32 in
    [-1, 1]; toy sets are float32 `[N, 2]` points, unscaled.

    Args:
        source: str or os.PathLike. The data set.
        image_size: int. Side of the square output images (bilinear resize). Defaults to
            32 for "digits" (must then be 8, 16, 32, 64, 128 or 28), the native size
            otherwise. Not allowed for the toy sets.
        channels: int. 1 (gray) or 3 (RGB). Defaults to the source's (1 for "digits").
        split: str. "train", "test", "all" (digits: 1438 / 359 / 1797 by a fixed seeded
            permutation; toy sets: "train" or "test", independent samples; TFDS: any
            split expression; sources holding one set return it whatever the split).
            Defaults to "train".
        data_dir: str. TFDS data directory. Defaults to TFDS's default.
        with_labels: bool. Require labels: a source without them raises ValueError.
            Defaults to False (labels are returned when present anyway).
        num_examples: int. Toy sets: the number of points sampled (default 25,600).
            Others: keep at most the first this many examples.
        seed: int >= 0. Seed of the toy samples. Defaults to 0.

    Returns:
        `ArrayData`.

    Raises:
        ValueError: unknown source, bad argument, malformed file, or missing labels.
        FileNotFoundError: a path that does not exist; a TFDS set not prepared.
    """
    _validate_common(source, image_size, channels, split, num_examples, seed)
    is_path_object = isinstance(source, os.PathLike)
    text = os.fspath(source)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    load = dict(image_size=image_size, channels=channels, split=split, num_examples=num_examples)

    if not is_path_object and text == "digits":
        data = builtin.load_digits(**load)
    elif not is_path_object and text in toy.TOY_DATASETS:
        if image_size is not None or channels is not None:
            raise ValueError(
                f"'{text}' is 2-D point data, not images: `image_size` and `channels` do not "
                f"apply. Received: image_size={image_size}, channels={channels}"
            )
        data = toy.sample_toy(text, num_examples=num_examples, seed=seed, split=split)
    elif not is_path_object and text.startswith(tfds_source.TFDS_PREFIX):
        name = text[len(tfds_source.TFDS_PREFIX) :]
        if not name:
            raise ValueError(
                "`source` 'tfds:' needs a data-set name, e.g. 'tfds:mnist'. "
                f"Received: source={text!r}"
            )
        data = tfds_source.load_tfds(name, data_dir=data_dir, **load)
    elif os.path.exists(os.path.expanduser(text)):
        data = _load_path(os.path.expanduser(text), str(source), **load)
    elif not is_path_object and tfds_source.is_registered_tfds_name(text):
        data = tfds_source.load_tfds(text, data_dir=data_dir, **load)
    elif is_path_object or _looks_like_path(text):
        raise FileNotFoundError(f"`source` path does not exist. Received: source={text!r}")
    else:
        raise _unknown_source_error(text)

    if with_labels and data.labels is None:
        raise ValueError(
            f"Dataset {data.name!r} has no labels, but with_labels=True. Use a labelled "
            "source (class folders, IDX with a labels file, .npz with `y`, a TFDS set with a "
            "ClassLabel) or with_labels=False."
        )
    return data
