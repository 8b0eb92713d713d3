"""Pictures of training: sample grids, 2-D scatter plots and loss curves, as PNG."""

import math
import os

import numpy as np


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps float images in `value_range` to uint8 [0, 255] (clipped, rounded)."""
    low, high = value_range
    scaled = (np.asarray(images, dtype=np.float32) - low) / (high - low)
    return np.clip(np.rint(scaled * 255.0), 0, 255).astype(np.uint8)


def make_grid(images, num_rows=None, padding=2, value_range=(-1.0, 1.0)):
    """Tiles `[n, h, w, c]` images into one uint8 `[H, W, c]` image (c is 1 or 3).

    Args:
        images: array `[n, h, w, c]`, float in `value_range`.
        num_rows: int or None. Rows of the grid; square-ish when None.
        padding: int. Pixels between tiles. Defaults to 2.
        value_range: (low, high). Range of the float images. Defaults to (-1, 1).
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "`images` must be [n, height, width, channels] with 1 or 3 channels. "
            f"Received: images.shape={images.shape}"
        )
    n, h, w, c = images.shape
    num_rows = num_rows or int(math.floor(math.sqrt(n)))
    num_cols = int(math.ceil(n / num_rows))
    grid = np.zeros(
        (num_rows * (h + padding) + padding, num_cols * (w + padding) + padding, c), np.uint8
    )
    tiles = to_uint8(images, value_range)
    for i in range(n):
        r, col = divmod(i, num_cols)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top : top + h, left : left + w] = tiles[i]
    return grid


def _atomic_save(save, path):
    """Writes through a temporary file and renames: a crash never leaves half a PNG."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp"
    save(tmp)
    os.replace(tmp, path)


def save_image_grid(images, path, num_rows=None, value_range=(-1.0, 1.0)):
    """Saves a grid of images as a PNG file (see `make_grid`)."""
    from PIL import Image

    grid = make_grid(images, num_rows=num_rows, value_range=value_range)
    image = Image.fromarray(grid[..., 0] if grid.shape[-1] == 1 else grid)
    _atomic_save(lambda p: image.save(p, format="PNG"), path)
    return path


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_scatter(points, path, reference=None, title=None, limit=None):
    """Saves 2-D samples (and optionally reference points, e.g. real data) as a PNG."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    if reference is not None:
        ax.scatter(reference[:, 0], reference[:, 1], s=2, c="tab:gray", alpha=0.3, label="real")
    ax.scatter(points[:, 0], points[:, 1], s=2, c="tab:blue", alpha=0.6, label="generated")
    if limit:
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=7)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    _atomic_save(lambda p: fig.savefig(p, format="png"), path)
    plt.close(fig)
    return path


def save_curves(history, path, title="losses", xlabel="epoch"):
    """Plots `{name: [values]}` (one line per name) to a PNG."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for name, values in sorted(history.items()):
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    _atomic_save(lambda p: fig.savefig(p, format="png"), path)
    plt.close(fig)
    return path
