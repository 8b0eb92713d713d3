"""Image folders: `root/<class>/*.png|jpg|...` (labelled) or `root/*.png|...` (unlabelled).

Also accepted: the TFDS `ImageFolder` layout `root/<split>/<class>/*`, when every
sub-folder of `root` is a split name (train, test, validation, val, valid).
"""

import os

import numpy as np

from keras_gan.data.arrays import ArrayData, convert_channels, resize_images, scale_uint8

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
_SPLIT_FOLDER_NAMES = {"train", "test", "validation", "val", "valid"}
_GRAY_MODES = {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"}


def _is_image(name):
    return not name.startswith(".") and name.lower().endswith(IMAGE_EXTENSIONS)


def _subfolders(path):
    return sorted(
        e
        for e in os.listdir(path)
        if not e.startswith(".") and os.path.isdir(os.path.join(path, e))
    )


def _images_in(path, recursive):
    if not recursive:
        return sorted(
            os.path.join(path, f)
            for f in os.listdir(path)
            if _is_image(f) and os.path.isfile(os.path.join(path, f))
        )
    found = []
    for directory, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(directory, f) for f in sorted(files) if _is_image(f))
    return found


def is_image_folder(path):
    """True when `path` is a folder with image files at the top or in sub-folders."""
    if not os.path.isdir(path):
        return False
    if any(_is_image(f) for f in os.listdir(path)):
        return True
    return any(_images_in(os.path.join(path, d), recursive=True) for d in _subfolders(path))


def _decode(path, gray):
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        if gray is None:
            return image.mode in _GRAY_MODES
        return np.asarray(image.convert("L" if gray else "RGB"), dtype=np.uint8)


def load_image_folder(
    path, *, image_size=None, channels=None, split="train", num_examples=None, name=None
):
    """Loads a folder of images (PNG, JPEG, BMP, GIF; decoded with Pillow).

    - `root/<class>/**/*.png`: class folders, sorted by name, give labels 0..K-1 and
      `class_names`; `num_classes` = number of class folders.
    - `root/*.png`: a flat folder, no labels (sub-folders are then ignored).
    - `root/<split>/...` when every sub-folder is a split name: `split` picks one.
    Otherwise the folder is one set returned whatever `split` says.

    Channels: with `channels=None`, 1 if every image is gray, else 3. Pixels `p` map to
    `p / 127.5 - 1`. Images of different sizes need `image_size`.

    Returns:
        `ArrayData`.
    """
    path = os.fspath(path)
    name = name or path
    root = path
    top_images = _images_in(root, recursive=False)
    folders = _subfolders(root)
    if not top_images and folders and set(folders) <= _SPLIT_FOLDER_NAMES:
        if split not in folders:
            raise ValueError(
                f"Image folder {path} has the splits {folders}. Received: split={split!r}"
            )
        root = os.path.join(root, split)
        top_images = _images_in(root, recursive=False)
        folders = _subfolders(root)

    if top_images:
        files, labels, class_names = top_images, None, None
    else:
        class_names = tuple(folders)
        files, label_list = [], []
        for label, folder in enumerate(class_names):
            found = _images_in(os.path.join(root, folder), recursive=True)
            files.extend(found)
            label_list.extend([label] * len(found))
        labels = np.asarray(label_list, dtype=np.int64)
    if not files:
        raise ValueError(
            f"Image folder {path} holds no images ({', '.join(IMAGE_EXTENSIONS)}) at the top "
            "or in class sub-folders."
        )
    if num_examples is not None:
        files = files[:num_examples]
        labels = None if labels is None else labels[:num_examples]

    if channels is None:
        gray = all(_decode(f, None) for f in files)
    else:
        gray = channels == 1
    decoded = [_decode(f, gray) for f in files]
    sizes = sorted({d.shape[:2] for d in decoded})
    if len(sizes) > 1 and image_size is None:
        raise ValueError(
            f"Images in {path} have different sizes {sizes[:4]}; pass `image_size` to resize "
            "them to one. Received: image_size=None"
        )
    groups = {}
    for index, pixels in enumerate(decoded):
        groups.setdefault(pixels.shape[:2], []).append(index)
    images = None
    for indices in groups.values():
        batch = scale_uint8(np.stack([decoded[i] for i in indices]))
        if gray:
            batch = batch[..., None]
        batch = resize_images(convert_channels(batch, None, name), image_size)
        if images is None:
            images = np.empty((len(decoded),) + batch.shape[1:], np.float32)
        images[indices] = batch
    return ArrayData(
        images=images,
        labels=labels,
        num_classes=None if class_names is None else len(class_names),
        name=name,
        class_names=class_names,
    )
