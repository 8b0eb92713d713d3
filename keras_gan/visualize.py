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


def save_xy_curves(curves, path, title, xlabel, ylabel=None, log_y=False):
    """Plots `{name: (x values, y values)}` (one marked line per name) to a PNG.

    Unlike `save_curves` (y against 1, 2, ...), each line has its own x values: e.g. a
    metric against the training CPU-minutes at which it was measured. `log_y` when the
    values span orders of magnitude (an FID falling from hundreds to tens).
    """
    for name, (x, y) in curves.items():
        if len(x) != len(y):
            raise ValueError(f"`curves[{name!r}]` needs as many x as y values. Received: "
                             f"{len(x)} x values and {len(y)} y values")
    plt = _figure()
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    for name, (x, y) in sorted(curves.items()):
        ax.plot(x, y, marker="o", markersize=3, label=name)
    if log_y:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    _atomic_save(lambda p: fig.savefig(p, format="png"), path)
    plt.close(fig)
    return path


class GridLayout:
    """Generator inputs of a sample grid and what its rows mean.

    Attributes:
        inputs: generator inputs (`keras_gan.sampling.prior_inputs` format), row by row.
        num_rows: int. Rows of the grid.
        row_labels: list of str or None. What each row shows, top to bottom (a class
            label, a value of InfoGAN's categorical code), or None for random samples.
        meaning: str. The rows in words.
    """

    def __init__(self, inputs, num_rows, row_labels, meaning):
        self.inputs = inputs
        self.num_rows = num_rows
        self.row_labels = row_labels
        self.meaning = meaning

    @property
    def num_columns(self):
        from keras_gan import sampling

        return sampling.num_inputs(self.inputs) // self.num_rows


def grid_layout(facts, num_samples=64, seed=0, columns=None):
    """The sample grid of a model, from its facts (`GAN.describe()` or a run's model.json).

    Conditional models get one row per class and InfoGAN one row per value of its first
    categorical code (other codes and the continuous codes at 0), the same noise down
    each column (a column shows one "style" in every row); other models get random
    samples from their training prior (`keras_gan.sampling.prior_inputs`), on a
    square-ish grid.

    Args:
        facts: dict. The model's facts.
        num_samples: int. Samples of an unstructured grid; with rows, `columns` defaults
            to `max(1, num_samples // rows)`. Defaults to 64.
        seed: int. Noise seed. Defaults to 0.
        columns: int or None. Columns of a grid with row meanings.

    Returns:
        GridLayout.
    """
    from keras_gan import sampling

    layout = facts.get("latent_layout")
    num_classes = facts.get("num_classes")
    if num_classes or (layout and layout["categorical"]):
        if num_classes:
            rows = int(num_classes)
            labels, meaning = [f"class {i}" for i in range(rows)], "one row per class label"
        else:
            a, b = layout["categorical"][0]
            rows = b - a
            labels = [f"code 0 = {i}" for i in range(rows)]
            meaning = "one row per value of the categorical code (continuous codes at 0)"
        columns = columns or max(1, num_samples // rows)
        z = sampling.prior_inputs({**facts, "num_classes": None}, columns, seed)
        z = z["z"] if isinstance(z, dict) else z
        row_values = np.repeat(np.arange(rows), columns)
        if num_classes:
            inputs = [np.tile(z, (rows, 1)), row_values.astype("int32")]
        else:
            a, b = layout["noise"]
            inputs = sampling.layout_latent(layout, np.tile(z[:, a:b], (rows, 1)), row_values[:, None]
                                            if len(layout["categorical"]) == 1 else
                                            np.stack([row_values] + [np.zeros_like(row_values)] *
                                                     (len(layout["categorical"]) - 1), axis=1))
        return GridLayout(inputs, rows, labels, meaning)
    inputs = sampling.prior_inputs(facts, num_samples, seed)
    rows = max(1, int(math.floor(math.sqrt(num_samples))))
    return GridLayout(inputs, rows, None, "random samples")
