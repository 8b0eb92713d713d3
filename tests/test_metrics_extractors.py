"""Feature extractors (InceptionV3 with random weights, domain classifier) and streaming."""

import hashlib
import os

import numpy as np
import pytest
import tensorflow as tf

from tests.helpers import two_cpu_strategy

import keras
from tests.helpers_metrics import bilinear_resize_reference, label_generator, tiny_generator
from keras_gan import data, metrics
from keras_gan.metrics import extractors


@pytest.fixture(scope="module")
def inception():
    keras.utils.set_random_seed(1)
    return metrics.inception_extractor(weights=None)


def test_inception_extractor_shapes_and_protocol(inception):
    images = np.random.default_rng(0).uniform(-1, 1, size=(2, 16, 16, 3)).astype("float32")
    outputs = inception(images)
    assert outputs["features"].shape == (2, 2048)
    assert outputs["logits"].shape == (2, 1000)
    np.testing.assert_allclose(np.sum(outputs["probabilities"], axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(outputs["probabilities"], tf.nn.softmax(outputs["logits"]),
                               rtol=1e-5)
    assert inception.protocol["weights"] == "random"
    assert inception.protocol["weights_sha256"] is None
    assert "299x299" in inception.protocol["resize"]


def test_inception_preprocessing_is_bilinear_299_from_either_range(inception):
    gray = np.random.default_rng(1).uniform(-1, 1, size=(1, 8, 8, 1)).astype("float32")
    resized = inception.preprocess(gray).numpy()
    assert resized.shape == (1, 299, 299, 3)
    expected = bilinear_resize_reference(np.repeat(gray[0], 3, axis=-1).astype(np.float64), 299)
    np.testing.assert_allclose(resized[0], expected, atol=1e-5)


def test_inception_weights_missing_from_cache_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"never downloads.*--inception-weights PATH"):
        metrics.inception_extractor(weights="imagenet")
    with pytest.raises(FileNotFoundError, match=r"`weights` must be None, 'imagenet'.*nope.h5"):
        metrics.inception_extractor(weights=str(tmp_path / "nope.h5"))


def test_inception_weights_of_the_wrong_architecture_are_rejected(tmp_path):
    # Keras 3 only warns on a mismatched `.weights.h5` file and keeps random weights.
    path = str(tmp_path / "small.weights.h5")
    keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)]).save_weights(path)
    with pytest.raises(ValueError, match=r"`weights` file .*small.weights.h5' does not hold "
                                         r"InceptionV3 weights"):
        metrics.inception_extractor(weights=path)


@pytest.mark.slow  # writes and reads 95 MB: ~8 s quiet, > 30 s on a busy machine
def test_inception_weights_file_is_loaded_and_hashed(inception, tmp_path):
    path = str(tmp_path / "inception.weights.h5")
    inception.model.save_weights(path)
    # The same weights, taking [0, 255] pixels: same network input, same features.
    loaded = metrics.inception_extractor(weights=path, input_range=(0, 255))
    assert loaded.protocol["input_range"] == [0.0, 255.0]
    images = np.random.default_rng(3).uniform(-1, 1, size=(1, 10, 10, 3)).astype("float32")
    np.testing.assert_allclose(loaded.preprocess((images + 1) * 127.5),
                               inception.preprocess(images), atol=1e-5)
    np.testing.assert_allclose(loaded((images + 1) * 127.5)["features"],
                               inception(images)["features"], rtol=1e-4, atol=1e-4)
    with open(path, "rb") as handle:
        assert loaded.protocol["weights_sha256"] == hashlib.sha256(handle.read()).hexdigest()


def test_inception_streams_a_dataset_in_batches(inception):
    images = np.random.default_rng(4).uniform(-1, 1, size=(3, 8, 8, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices((images, np.arange(3))).batch(2)
    streamed = metrics.dataset_features(inception, dataset, progress=False)
    direct = inception(images)
    assert streamed["features"].shape == (3, 2048)
    np.testing.assert_allclose(streamed["features"], direct["features"], rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- domain classifier
@pytest.fixture(scope="module")
def digits_classifier():
    train = data.load_arrays("digits", image_size=8, split="train", with_labels=True)
    test = data.load_arrays("digits", image_size=8, split="test", with_labels=True)
    model = metrics.train_domain_classifier(train.images, train.labels, 10, epochs=6)
    return model, test


def test_domain_classifier_is_accurate_on_held_out_digits(digits_classifier):
    model, test = digits_classifier
    extractor = metrics.domain_extractor(model)
    outputs = extractor(test.images)
    accuracy = np.mean(np.argmax(outputs["probabilities"], axis=1) == test.labels)
    assert accuracy > 0.9, accuracy
    assert outputs["features"].shape == (len(test.images), 128)
    np.testing.assert_allclose(np.sum(outputs["probabilities"], axis=1), 1.0, rtol=1e-5)
    # Its class probabilities on real digits give an IS close to the 10 classes.
    assert metrics.inception_score(outputs["probabilities"], splits=1)[0] > 7.0


def test_domain_extractor_resizes_and_converts_channels(digits_classifier):
    model, test = digits_classifier
    extractor = metrics.domain_extractor(model)
    large_rgb = tf.image.resize(tf.image.grayscale_to_rgb(tf.constant(test.images[:4])), [16, 16])
    expected = model(tf.image.rgb_to_grayscale(tf.image.resize(large_rgb, [8, 8])))
    np.testing.assert_allclose(extractor(large_rgb)["features"], expected[0], rtol=1e-5,
                               atol=1e-6)


def test_domain_classifier_is_trained_once_and_cached(tmp_path):
    first = metrics.load_or_train_domain_classifier(str(tmp_path), "digits", image_size=8,
                                                    epochs=2)
    model_path = tmp_path / extractors.DOMAIN_MODEL_FILE
    mtime = os.path.getmtime(model_path)
    second = metrics.load_or_train_domain_classifier(str(tmp_path), "digits", image_size=8,
                                                     epochs=2)
    assert os.path.getmtime(model_path) == mtime
    assert second.protocol["weights_sha256"] == first.protocol["weights_sha256"]
    assert second.protocol["test_accuracy"] == first.protocol["test_accuracy"] > 0.5
    assert first.protocol["num_train"] == 1438 and first.protocol["num_test"] == 359
    images = data.load_arrays("digits", image_size=8, split="test").images[:5]
    np.testing.assert_allclose(second(images)["features"], first(images)["features"], rtol=1e-6)


def test_domain_classifier_bad_input():
    with pytest.raises(ValueError, match=r"`labels` must lie in \[0, 3\)"):
        metrics.train_domain_classifier(np.zeros((4, 8, 8, 1)), np.array([0, 1, 2, 3]), 3)
    with pytest.raises(ValueError, match=r"`num_classes` must be an integer >= 2"):
        metrics.build_domain_classifier((8, 8, 1), 1)


# ---------------------------------------------------------------- streaming
def _small_extractor():
    return metrics.domain_extractor(metrics.build_domain_classifier((8, 8, 1), 10))


def test_dataset_features_stream_in_order_and_stop_at_num_samples():
    extractor = _small_extractor()
    images = np.random.default_rng(5).uniform(-1, 1, size=(11, 8, 8, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices((images, np.zeros(11))).batch(4)
    direct = extractor(images)
    streamed = metrics.dataset_features(extractor, dataset, progress=False)
    for key in ("features", "logits", "probabilities"):
        np.testing.assert_allclose(streamed[key], direct[key], rtol=1e-5, atol=1e-6)
    first = metrics.dataset_features(extractor, dataset, num_samples=6, progress=False)
    np.testing.assert_allclose(first["features"], direct["features"][:6], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"yielded 11 images, fewer than `num_samples`.*=12"):
        metrics.dataset_features(extractor, dataset, num_samples=12, progress=False)
    with pytest.raises(ValueError, match=r"`dataset` must be a batched tf.data.Dataset"):
        metrics.dataset_features(extractor, images)


def test_streaming_under_mirrored_strategy_matches_one_device():
    extractor = _small_extractor()
    generator = tiny_generator()
    strategy = two_cpu_strategy()
    images = np.random.default_rng(6).uniform(-1, 1, size=(10, 8, 8, 1)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(4)
    plain = metrics.dataset_features(extractor, dataset, progress=False)
    mirrored = metrics.dataset_features(extractor, dataset, strategy=strategy, progress=False)
    np.testing.assert_allclose(mirrored["features"], plain["features"], rtol=1e-5, atol=1e-6)
    plain = metrics.generator_features(extractor, generator, 10, 4, batch_size=4, progress=False)
    mirrored = metrics.generator_features(extractor, generator, 10, 4, batch_size=4,
                                          strategy=strategy, progress=False)
    np.testing.assert_allclose(mirrored["features"], plain["features"], rtol=1e-5, atol=1e-6)


def test_generator_features_use_seeded_noise_batch_by_batch(capsys):
    extractor = _small_extractor()
    generator = tiny_generator()
    streamed = metrics.generator_features(extractor, generator, 7, 4, batch_size=3, seed=5)
    assert "img" in capsys.readouterr().err  # the progress bar
    z = np.concatenate([
        tf.random.stateless_normal([size, 4], seed=[5, start]).numpy()
        for start, size in ((0, 3), (3, 3), (6, 1))])
    np.testing.assert_allclose(streamed["features"], extractor(generator(z))["features"],
                               rtol=1e-5, atol=1e-6)
    again = metrics.generator_features(extractor, generator, 7, 4, batch_size=3, seed=5,
                                       progress=False)
    np.testing.assert_array_equal(again["features"], streamed["features"])


def test_conditional_generator_gets_balanced_labels():
    generator = label_generator(latent_dim=3, num_classes=4)

    def first_pixel(images):
        return {"features": tf.reshape(images, [tf.shape(images)[0], -1])[:, :1]}

    outputs = metrics.generator_features(first_pixel, generator, 10, 3, batch_size=3,
                                         num_classes=4, progress=False)
    np.testing.assert_allclose(outputs["features"][:, 0], (np.arange(10) % 4) / 4.0)
    # The labels come back beside the features (label accuracy needs them), from both the
    # N(0, I) path and the model-prior path.
    np.testing.assert_array_equal(outputs["labels"], np.arange(10) % 4)
    from keras_gan import sampling

    facts = {"latent_dim": 3, "num_classes": 4}
    outputs = metrics.generator_features(
        first_pixel, generator, 10, batch_size=3, progress=False,
        prior=lambda n, seed: sampling.prior_inputs(facts, n, seed))
    np.testing.assert_array_equal(outputs["labels"], np.arange(10) % 4)
    np.testing.assert_allclose(outputs["features"][:, 0], outputs["labels"] / 4.0)
    unconditional = metrics.generator_features(first_pixel, tiny_generator(), 5, 4,
                                               progress=False)
    assert set(unconditional) == {"features"}
