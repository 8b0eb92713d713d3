"""The value-range contract: real data outside G's sample range is an error on the first batch."""

import os
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan import models, networks
from keras_gan.data import ranges
from tests.helpers_data import write_png
from keras_gan.training import TrainConfig, train


def test_scale_images_golden_values():
    pixels = np.array([0.0, 127.5, 255.0, 51.0])
    # x / 127.5 - 1: 0 -> -1, 127.5 -> 0, 255 -> 1, 51 -> -0.6.
    np.testing.assert_allclose(gan_data.scale_images(pixels), [-1.0, 0.0, 1.0, -0.6], atol=1e-6)
    # [0, 1] -> [-1, 1] is 2x - 1.
    np.testing.assert_allclose(gan_data.scale_images(np.array([0.0, 0.25, 1.0]), from_range=(0, 1)),
                               [-1.0, -0.5, 1.0], atol=1e-6)
    # Tensors (inside tf.data) give the same numbers; uint8 is cast first.
    as_tensor = gan_data.scale_images(tf.constant([0, 51, 255], tf.uint8))
    assert as_tensor.dtype == tf.float32
    np.testing.assert_allclose(as_tensor.numpy(), [-1.0, -0.6, 1.0], atol=1e-6)
    assert gan_data.scale_images(np.zeros(3, np.uint8)).dtype == np.float32


def test_scale_images_rejects_a_bad_range():
    with pytest.raises(ValueError, match=r"`from_range` must have low < high. Received: from_range=\(1, 1\)"):
        gan_data.scale_images(np.zeros(2), from_range=(1, 1))
    with pytest.raises(ValueError, match="`to_range` must be a pair"):
        gan_data.scale_images(np.zeros(2), to_range="wide")


@pytest.mark.parametrize("values, fix", [
    (np.linspace(0, 255, 50), r"8-bit pixels in \[0, 255\]: use `x / 127.5 - 1`"),
    (np.linspace(0, 1, 50), r"pixels in \[0, 1\]: use `2 \* x - 1`"),
    (np.linspace(-3, 3, 50), "rescale it linearly"),
])
def test_check_value_range_names_the_range_seen_expected_and_the_fix(values, fix):
    with pytest.raises(ValueError) as error:
        gan_data.check_value_range(values, (-1.0, 1.0))
    message = str(error.value)
    assert f"[{values.min():g}, {values.max():g}]" in message
    assert "sample range [-1, 1]" in message
    assert "keras_gan.data.scale_images" in message and "check_value_range=False" in message
    assert re.search(fix, message), message


def test_check_value_range_accepts_scaled_data_and_unbounded_generators():
    gan_data.check_value_range(np.linspace(-1, 1, 50), (-1.0, 1.0))
    gan_data.check_value_range(np.linspace(-1.0004, 1.0004, 50), (-1.0, 1.0))  # round-off slack
    gan_data.check_value_range(np.linspace(0, 1, 50), (0.0, 1.0))  # a sigmoid generator
    gan_data.check_value_range(np.linspace(0, 255, 50), None)  # linear output: no contract
    with pytest.raises(ValueError, match="NaN or infinite"):
        gan_data.check_value_range(np.array([0.0, np.nan]), (-1.0, 1.0))


def test_sample_range_follows_the_generator():
    assert ranges.sample_range(networks.dcgan_generator(8, (16, 16, 1), 8)) == (-1.0, 1.0)
    assert ranges.sample_range(networks.mlp_generator(4, (2,), output_activation=None)) is None
    assert ranges.sample_range(networks.mlp_generator(4, (2,), output_activation="tanh")) == (-1.0, 1.0)
    assert ranges.sample_range(networks.mlp_generator(4, (3,), output_activation="sigmoid")) == (0.0, 1.0)
    # An MLP generator of images ends with a Reshape after its tanh Dense: images rule.
    assert ranges.sample_range(networks.mlp_generator(4, (8, 8, 1))) == (-1.0, 1.0)


def _image_folder(root, n=8, size=16):
    rng = np.random.default_rng(0)
    for i in range(n):
        label = f"class{i % 2}"
        os.makedirs(root / label, exist_ok=True)
        write_png(root / label / f"{i}.png", rng.integers(0, 256, (size, size), dtype=np.uint8))
    return root


def _tiny_dcgan():
    gan = models.DCGAN(image_shape=(16, 16, 1), latent_dim=4, base_filters=4)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-4), d_optimizer=keras.optimizers.Adam(1e-4))
    return gan


def test_fit_refuses_image_dataset_from_directory_pixels_and_trains_once_scaled(tmp_path):
    # What a Keras user passes first: float32 pixels in [0, 255] (and labels).
    folder = _image_folder(tmp_path / "photos")
    dataset = keras.utils.image_dataset_from_directory(
        folder, image_size=(16, 16), color_mode="grayscale", batch_size=4, seed=0)
    gan = _tiny_dcgan()
    before = [w.copy() for w in gan.generator.get_weights()]
    with pytest.raises(ValueError, match=r"first real batch has values in \[\d+(\.\d+)?, \d+(\.\d+)?\].*8-bit pixels"):
        gan.fit(dataset, epochs=1, verbose=0)
    # Refused before any update.
    for a, b in zip(before, gan.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    history = gan.fit(dataset.map(lambda x, y: (gan_data.scale_images(x), y)), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0]) and gan.step == 2
    # The opt-out is there for data the heuristic misjudges.
    gan.fit(dataset, epochs=1, verbose=0, check_value_range=False)
    assert gan.step == 4


def test_fit_refuses_unit_range_arrays():
    gan = _tiny_dcgan()
    images = np.random.default_rng(0).uniform(0, 1, (8, 16, 16, 1)).astype("float32")
    with pytest.raises(ValueError, match=r"uses only the upper half.*`2 \* x - 1`"):
        gan.fit(images, batch_size=4, epochs=1, verbose=0)


def test_trainer_refuses_unscaled_data_and_writes_nothing(tmp_path):
    images = np.random.default_rng(0).uniform(0, 255, (32, 16, 16, 1)).astype("float32")
    data = gan_data.ArrayData(images=images, labels=None, num_classes=None, name="mine")
    out = tmp_path / "run"
    config = TrainConfig(dataset="mine", image_size=16, output_dir=str(out), steps=1,
                         batch_size=8, base_filters=4, verbose=0)
    with pytest.raises(ValueError, match=r"values in \[.*\], which lies outside.*\[-1, 1\]"):
        train(config, data=data)
    assert not out.exists()
