"""`keras_gan.visualize`: uint8 mapping, grid tiling, the PNG files read back, and the grid
layouts of unconditional, conditional and InfoGAN models."""

import re

import numpy as np
import pytest
from PIL import Image

from keras_gan import visualize


def test_to_uint8_maps_the_value_range_to_0_255_clipped_and_rounded():
    values = np.array([-1.0, 0.0, 1.0, 2.0, -3.0, -0.5])
    # (x + 1) / 2 * 255: 0, 127.5 -> 128 (rint), 255, clipped 255 and 0, 63.75 -> 64.
    np.testing.assert_array_equal(visualize.to_uint8(values), [0, 128, 255, 255, 0, 64])
    np.testing.assert_array_equal(visualize.to_uint8(np.array([0.0, 0.5, 1.0]), (0.0, 1.0)), [0, 128, 255])
    assert visualize.to_uint8(values).dtype == np.uint8


def _constant_tiles(n, h=3, w=4, c=1):
    """n tiles, tile i filled with a value mapping to uint8 (i + 1) * 10."""
    values = (np.arange(1, n + 1) * 10) / 255.0 * 2 - 1
    return np.broadcast_to(values[:, None, None, None], (n, h, w, c)).astype("float32")


def test_make_grid_places_tile_i_at_row_i_div_cols_col_i_mod_cols_with_zero_padding():
    images = _constant_tiles(5)  # 5 tiles: floor(sqrt 5) = 2 rows, 3 columns, 1 cell empty
    grid = visualize.make_grid(images, padding=1)
    assert grid.shape == (2 * (3 + 1) + 1, 3 * (4 + 1) + 1, 1) and grid.dtype == np.uint8
    expected = np.zeros_like(grid)
    for i in range(5):
        r, c = divmod(i, 3)
        expected[1 + r * 4: 4 + r * 4, 1 + c * 5: 5 + c * 5] = (i + 1) * 10
    np.testing.assert_array_equal(grid, expected)
    # Explicit rows, RGB tiles.
    assert visualize.make_grid(_constant_tiles(6, c=3), num_rows=1, padding=0).shape == (3, 24, 3)


@pytest.mark.parametrize("shape", [(4, 8, 8), (2, 8, 8, 2)])
def test_make_grid_names_the_bad_shape(shape):
    message = f"[n, height, width, channels] with 1 or 3 channels. Received: images.shape={shape}"
    with pytest.raises(ValueError, match=re.escape(message)):
        visualize.make_grid(np.zeros(shape))


@pytest.mark.parametrize("channels, mode", [(1, "L"), (3, "RGB")])
def test_save_image_grid_writes_the_grid_as_a_png(tmp_path, channels, mode):
    images = np.random.default_rng(0).uniform(-1, 1, (6, 5, 5, channels)).astype("float32")
    path = tmp_path / "nested" / "grid.png"  # directories are created
    assert visualize.save_image_grid(images, str(path), num_rows=2) == str(path)
    with Image.open(path) as image:
        assert image.format == "PNG" and image.mode == mode
        pixels = np.asarray(image)
    grid = visualize.make_grid(images, num_rows=2)
    np.testing.assert_array_equal(pixels, grid[..., 0] if channels == 1 else grid)
    assert sorted(p.name for p in path.parent.iterdir()) == ["grid.png"]  # no temporary left


def test_scatter_and_curves_are_pngs_of_their_figure_size(tmp_path):
    rng = np.random.default_rng(1)
    scatter = visualize.save_scatter(rng.standard_normal((50, 2)), str(tmp_path / "s.png"),
                                     reference=rng.standard_normal((50, 2)), title="epoch 1", limit=3)
    curves = visualize.save_curves({"d_loss": [1.0, 0.5, 0.7], "g_loss": [2.0, 1.0, 1.5]}, str(tmp_path / "c.png"))
    for path, size in ((scatter, (400, 400)), (curves, (600, 400))):  # inches x 100 dpi
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == size
            assert np.asarray(image.convert("L")).std() > 0  # something was drawn
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png", "s.png"]


def test_xy_curves_are_a_png_and_refuse_unequal_lengths(tmp_path):
    path = visualize.save_xy_curves({"seed 0": ([1.0, 2.0, 4.0], [600.0, 70.0, 12.0])},
                                    str(tmp_path / "xy.png"), "FID", "CPU-minutes", log_y=True)
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (600, 400)
        assert np.asarray(image.convert("L")).std() > 0
    with pytest.raises(ValueError, match=r"`curves\['b'\]` needs as many x as y values. "
                                         r"Received: 2 x values and 3 y values"):
        visualize.save_xy_curves({"b": ([1, 2], [1, 2, 3])}, str(tmp_path / "bad.png"), "t", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xy.png"]  # nothing half-written


def test_grid_layout_of_an_unconditional_model_is_square_ish_random_samples():
    facts = {"latent_dim": 4, "num_classes": None, "image_shape": [8, 8, 1]}
    layout = visualize.grid_layout(facts, num_samples=10, seed=3)
    assert layout.inputs.shape == (10, 4) and layout.inputs.dtype == np.float32
    assert (layout.num_rows, layout.num_columns, layout.row_labels) == (3, 3, None)
    assert layout.meaning == "random samples"
    np.testing.assert_array_equal(layout.inputs, visualize.grid_layout(facts, 10, seed=3).inputs)
    assert not np.array_equal(layout.inputs, visualize.grid_layout(facts, 10, seed=4).inputs)


def test_grid_layout_of_a_conditional_model_has_one_row_per_class_same_noise_per_column():
    facts = {"latent_dim": 4, "num_classes": 3, "image_shape": [8, 8, 1]}
    layout = visualize.grid_layout(facts, num_samples=7)  # 7 // 3 = 2 columns
    z, labels = layout.inputs
    assert z.shape == (6, 4) and labels.dtype == np.int32
    np.testing.assert_array_equal(labels, [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(z[0:2], z[2:4])
    np.testing.assert_array_equal(z[0:2], z[4:6])
    assert not np.array_equal(z[0], z[1])
    assert (layout.num_rows, layout.num_columns) == (3, 2)
    assert layout.row_labels == ["class 0", "class 1", "class 2"]
    assert visualize.grid_layout(facts, num_samples=7, columns=5).num_columns == 5


def test_grid_layout_of_infogan_has_one_row_per_code_value_and_continuous_codes_at_zero():
    layout_facts = {"noise": [0, 2], "categorical": [[2, 5], [5, 7]], "continuous": [7, 8]}
    facts = {"latent_dim": 8, "num_classes": None, "latent_layout": layout_facts, "image_shape": [8, 8, 1]}
    layout = visualize.grid_layout(facts, num_samples=6)  # 3 values of code 0, 2 columns
    z = layout.inputs
    assert z.shape == (6, 8) and (layout.num_rows, layout.num_columns) == (3, 2)
    assert layout.row_labels == ["code 0 = 0", "code 0 = 1", "code 0 = 2"]
    np.testing.assert_array_equal(z[:, 2:5], np.repeat(np.eye(3), 2, axis=0))  # row r: value r
    np.testing.assert_array_equal(z[:, 5:7], np.tile([1.0, 0.0], (6, 1)))  # other code at 0
    np.testing.assert_array_equal(z[:, 7], 0.0)
    np.testing.assert_array_equal(z[0:2, :2], z[4:6, :2])  # the same noise down each column
