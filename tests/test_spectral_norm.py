"""keras-gan's SpectralNorm (Miyato et al. 2018): sigma against NumPy's SVD, the gradient
through sigma against a closed form, u advanced once per D step only, save / reload."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import models, networks
from keras_gan.networks.spectral import SpectralNorm, spectral_norm_layers, update_spectral_norms
from tests.helpers import batches, make_variant, ring_points


def _dense_sn(units=5, inputs=7, seed=3):
    keras.utils.set_random_seed(seed)
    layer = SpectralNorm(keras.layers.Dense(units, activation=None))
    layer.build((None, inputs))
    return layer


def _svd(kernel):
    return np.linalg.svd(np.asarray(kernel).reshape(-1, kernel.shape[-1]))


def test_sigma_converges_to_the_largest_singular_value():
    layer = _dense_sn()
    true_sigma = _svd(layer.layer.kernel.numpy())[1][0]
    for _ in range(100):
        layer.update_power_iteration()
    assert float(layer.sigma()) == pytest.approx(true_sigma, rel=1e-5)
    # The normalized kernel has spectral norm 1; the kernel variable itself is untouched.
    assert _svd(layer.normalized_kernel().numpy())[1][0] == pytest.approx(1.0, rel=1e-5)
    assert _svd(layer.layer.kernel.numpy())[1][0] == pytest.approx(true_sigma, rel=1e-6)


def test_conv_kernel_is_normalized_as_a_matrix_of_shape_minus_one_by_out():
    keras.utils.set_random_seed(0)
    layer = SpectralNorm(keras.layers.Conv2D(4, 3, padding="same"))
    images = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype("float32")
    layer(images)
    for _ in range(200):
        layer.update_power_iteration()
    kernel = layer.layer.kernel.numpy()
    sigma = _svd(kernel)[1][0]
    assert float(layer.sigma()) == pytest.approx(sigma, rel=1e-4)
    reference = tf.nn.conv2d(images, kernel / sigma, 1, "SAME") + layer.layer.bias.numpy()
    np.testing.assert_allclose(layer(images).numpy(), reference.numpy(), rtol=1e-4, atol=1e-5)


def test_gradient_flows_through_sigma():
    # out = x W / sigma(W) + b, L = sum(r * out). With sigma = u1^T W v1 (top singular
    # pair), dL/dW = G / sigma - <G, W> / sigma^2 * u1 v1^T, G = x^T r. Keras's wrapper
    # (projected descent) gives G / sigma alone.
    layer = _dense_sn()
    for _ in range(200):
        layer.update_power_iteration()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 7)).astype("float32")
    r = rng.normal(size=(4, 5)).astype("float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(r * layer(x))
    grad = tape.gradient(loss, layer.layer.kernel).numpy()
    w = layer.layer.kernel.numpy().astype("float64")
    u_svd, s, vt = _svd(w)
    g = x.T.astype("float64") @ r
    expected = g / s[0] - np.sum(g * w) / s[0] ** 2 * np.outer(u_svd[:, 0], vt[0])
    np.testing.assert_allclose(grad, expected, rtol=1e-3, atol=1e-5)
    assert np.abs(grad - g / s[0]).max() > 10 * np.abs(grad - expected).max()


def test_u_is_advanced_once_per_discriminator_step_and_not_by_the_generator_step():
    # One training step with R1 on (so D is called again for the penalty): each SN layer's
    # u must be exactly one power iteration from its start, against the updated kernel.
    points, _ = ring_points(32)
    gan = make_variant(models.SNGAN, discriminator=lambda u: networks.sn_mlp_discriminator((2,), u),
                       r1_gamma=1.0, run_eagerly=True)
    layers = spectral_norm_layers(gan.discriminator)
    assert len(layers) == 3
    u0 = [layer.u.numpy().copy() for layer in layers]
    gan.fit(batches(points, 32), epochs=1, verbose=0)
    for layer, u in zip(layers, u0):
        w = layer.layer.kernel.numpy().reshape(-1, layer.u.shape[0]).astype("float64")
        v = w @ u / np.linalg.norm(w @ u)
        expected = w.T @ v / np.linalg.norm(w.T @ v)
        np.testing.assert_allclose(layer.u.numpy(), expected, rtol=1e-4, atol=1e-6)
    # A generator step alone leaves every u as it is.
    before = [layer.u.numpy().copy() for layer in layers]
    gan._generator_step(tf.constant(32), stream=2, num_replicas=1, real=None, real_labels=None)
    for layer, u in zip(layers, before):
        np.testing.assert_array_equal(layer.u.numpy(), u)


def test_update_spectral_norms_finds_nested_layers_and_refuses_other_layers():
    inner = networks.sn_mlp_discriminator((2,), (4,))
    outer = keras.Sequential([keras.Input((2,)), inner])
    assert len(spectral_norm_layers(outer)) == 2
    before = [layer.u.numpy().copy() for layer in spectral_norm_layers(outer)]
    update_spectral_norms(outer)
    assert all(not np.allclose(layer.u.numpy(), u) for layer, u in zip(spectral_norm_layers(outer), before))
    with pytest.raises(ValueError, match="must be a keras.layers.Dense or an ungrouped convolution"):
        SpectralNorm(keras.layers.Embedding(4, 2))
    with pytest.raises(ValueError, match="Received: power_iterations=0"):
        SpectralNorm(keras.layers.Dense(2), power_iterations=0)


def test_saves_and_reloads(tmp_path):
    d = networks.sn_dcgan_discriminator((16, 16, 1), 4, power_iterations=2)
    update_spectral_norms(d)
    images = np.random.default_rng(0).normal(size=(3, 16, 16, 1)).astype("float32")
    path = str(tmp_path / "d.keras")
    d.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded(images).numpy(), d(images).numpy(), rtol=1e-6, atol=1e-6)
    original, restored = spectral_norm_layers(d), spectral_norm_layers(loaded)
    assert [layer.power_iterations for layer in restored] == [2] * len(original)
    for a, b in zip(original, restored):
        np.testing.assert_array_equal(a.u.numpy(), b.u.numpy())
