"""R1 / R2 penalties with lazy regularization, options of every variant: values on a
linear discriminator worked by hand, their effect on D's update, logging, replicas."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import models, networks
from keras_gan.models import regularization
from tests.helpers import batches, ring_points

W = np.array([[0.6], [-0.8]], dtype="float32")  # ||w||^2 = 1.0
W2 = np.array([[1.5], [2.0]], dtype="float32")  # ||w||^2 = 6.25


def _linear_gan(w, model_class=models.GAN, d_lr=0.0, lr=0.0, run_eagerly=False, **kwargs):
    """A GAN whose D is f(x) = w.x + 0.1 (so grad_x f = w for every x), SGD for both."""
    keras.utils.set_random_seed(1)
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="logits")])
    critic.set_weights([w, np.array([0.1], "float32")])
    gan = model_class(
        networks.mlp_generator(4, (2,), hidden_units=(8,), output_activation=None), critic, **kwargs
    )
    gan.compile(g_optimizer=keras.optimizers.SGD(lr), d_optimizer=keras.optimizers.SGD(d_lr),
                run_eagerly=run_eagerly)
    return gan


@pytest.mark.parametrize("step, expected", [(0, 3 * 2.0 * 6.25), (1, 0.0), (2, 0.0), (3, 3 * 2.0 * 6.25)])
def test_lazy_r1_of_a_linear_discriminator(step, expected):
    # R1 = gamma / 2 * ||w||^2 = 2 * 6.25; lazy with k = 3: 3 x that on steps 0, 3, ..., else 0.
    gan = _linear_gan(W2, r1_gamma=4.0, regularization_interval=3)
    gan.g_optimizer.iterations.assign(step)
    real, fake = ring_points(16)[0], ring_points(16, seed=1)[0]
    terms = tf.function(gan.regularization_losses)(real, None, fake, None)
    assert set(terms) == {"r1"}
    assert float(terms["r1"]) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("step", [0, 1, 4])
def test_lazy_r1_r2_enter_the_d_update_scaled_by_k(step):
    # Same D, data and noise, one SGD step with and without (R1 + R2): the adversarial
    # gradients are identical, so the weights differ by the penalties' gradient only:
    # d/dw [k * (g1 + g2) / 2 * ||w||^2] = k * (g1 + g2) * w on regularized steps, else 0.
    k, g1, g2, lr = 2, 0.5, 0.25, 0.1
    points, _ = ring_points(32)
    # Eager: two one-step fits (the graph path is covered by the tests below).
    plain = _linear_gan(W, d_lr=lr, run_eagerly=True)
    regularized = _linear_gan(W, d_lr=lr, r1_gamma=g1, r2_gamma=g2, regularization_interval=k,
                              run_eagerly=True)
    for gan in (plain, regularized):
        gan.g_optimizer.iterations.assign(step)
        gan.fit(batches(points, 32), epochs=1, verbose=0)
    difference = regularized.discriminator.weights[0].numpy() - plain.discriminator.weights[0].numpy()
    expected = -lr * k * (g1 + g2) * W if step % k == 0 else np.zeros_like(W)
    np.testing.assert_allclose(difference, expected, atol=1e-6)
    np.testing.assert_allclose(  # the bias does not enter the input gradient
        regularized.discriminator.weights[1].numpy(), plain.discriminator.weights[1].numpy(), atol=1e-6
    )


def test_logged_lazy_penalty_averages_to_the_non_lazy_value():
    # k = 2, four steps with D frozen: logged r1 = mean(2 * 0.5 * 1, 0, 2 * 0.5 * 1, 0) = 0.5,
    # which is gamma / 2 * ||w||^2, the per-step value without laziness.
    points, _ = ring_points(4 * 16)
    gan = _linear_gan(W, r1_gamma=1.0, regularization_interval=2)
    history = gan.fit(batches(points, 16), epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "r1"}
    assert history["r1"][0] == pytest.approx(0.5, rel=1e-6)


def test_every_variant_takes_the_options():
    gan = _linear_gan(W, model_class=models.WGANGP, r1_gamma=2.0)
    real = ring_points(8)[0]
    assert float(gan.regularization_losses(real, None, real, None)["r1"]) == pytest.approx(1.0, rel=1e-6)
    clone = models.WGANGP.from_config(gan.get_config())
    assert (clone.r1_gamma, clone.r2_gamma, clone.regularization_interval) == (2.0, 0.0, 1)
    assert "r1" in {m.name for m in gan.metrics}


def test_adversarial_output_of_multi_output_discriminators():
    logits, classes = tf.ones([2, 1]), tf.zeros([2, 3])
    assert regularization.adversarial_output((logits, classes)) is logits
    assert regularization.adversarial_output(logits) is logits
    with pytest.raises(ValueError, match="a dict of outputs is ambiguous. Received: outputs with keys"):
        regularization.adversarial_output({"a": logits})


def test_bad_options_are_named():
    with pytest.raises(ValueError, match="`r1_gamma` must be a number >= 0. Received: r1_gamma=-1"):
        _linear_gan(W, r1_gamma=-1)
    with pytest.raises(ValueError, match="regularization_interval.*Received: regularization_interval=0"):
        _linear_gan(W, regularization_interval=0)


# ------------------------------------------------------------ R1 / R2 through DiffAugment


def _linear_image_critic(w):
    """f(x) = sum(w * x): grad_x f(T(x)) = T^T w for a linear view T."""
    critic = keras.Sequential([keras.Input(w.shape), keras.layers.Flatten(),
                               keras.layers.Dense(1, use_bias=False)])
    critic.set_weights([w.reshape(-1, 1)])
    return critic


def test_r1_r2_differentiate_through_the_view_wrt_the_unaugmented_samples():
    # Views: contrast T(x) = c (x - mean x) + mean x (c = 0.5, 0.6 per image), whose
    # input gradient of sum(w * T(x)) is c w + (1 - c) mean(w); and a translation by
    # (dy, dx) = (1, 0), (0, -2), whose gradient is w moved back, zero where it left.
    from keras_gan import augment

    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 4, 1)).astype("float32")
    critic = _linear_image_critic(w)
    x = rng.normal(size=(2, 4, 4, 1)).astype("float32")
    factors, shifts = np.array([0.5, 0.6], "float32"), np.array([[1, 0], [0, -2]], "int32")
    terms = regularization.penalty_terms(
        lambda samples, labels: critic(samples), x, None, x, None, step=tf.constant(0),
        r1_gamma=2.0, r2_gamma=4.0, interval=1,
        real_view=lambda v: augment.adjust_contrast(v, factors),
        fake_view=lambda v: augment.translate(v, shifts),
    )
    contrast_grads = [c * w + (1 - c) * w.mean() for c in factors]
    moved = [np.zeros_like(w), np.zeros_like(w)]
    moved[0][:3] = w[1:]  # out[i] = x[i - 1]: d/dx[i] = w[i + 1]
    moved[1][:, 2:] = w[:, :2]  # out[:, j] = x[:, j + 2]: d/dx[:, j] = w[:, j - 2]
    r1 = 2.0 / 2 * np.mean([np.sum(g**2) for g in contrast_grads])
    r2 = 4.0 / 2 * np.mean([np.sum(g**2) for g in moved])
    assert float(terms["r1"]) == pytest.approx(r1, rel=1e-5)
    assert float(terms["r2"]) == pytest.approx(r2, rel=1e-5)
    assert abs(r1 - np.sum(w**2)) > 0.1 * r1  # w.r.t. T(x) it would be gamma / 2 * ||w||^2


def test_train_step_takes_r1_through_diffaugment():
    # A linear critic on 8x8 images with the "color" policy (one channel: saturation is
    # the identity): D's view of image b is c_b (x - mean x) + mean x + d_b, so
    # R1 = gamma / 2 * mean_b ||c_b (w - mean w) + mean w||^2. c_b is read off the
    # step's own view of a probe (mean-zero pattern a: the view is c a + d).
    rng = np.random.default_rng(1)
    w = (rng.normal(size=(8, 8, 1)) + 0.5).astype("float32")
    keras.utils.set_random_seed(0)
    gan = models.GAN(networks.mlp_generator(4, (8, 8, 1), hidden_units=(8,)), _linear_image_critic(w),
                     augment="color", r1_gamma=2.0)
    gan.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0))
    images = rng.uniform(-1, 1, size=(16, 8, 8, 1)).astype("float32")
    a = np.tile(np.array([[1.0, -1.0], [0.5, -0.5]], "float32"), (4, 4))[None, :, :, None]
    from keras_gan.models import base

    view = gan.augment_samples(tf.constant(np.repeat(a, 16, axis=0)), gan._step_seed(0), base._AUGMENT_REAL)
    c = (view.numpy()[:, 0, 0, 0] - view.numpy()[:, 0, 1, 0]) / 2.0
    assert np.ptp(c) > 0.3  # per-image factors in [0.5, 1.5)
    history = gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(16), epochs=1, verbose=0).history
    m = w.mean()
    expected = 2.0 / 2 * np.mean([np.sum((cb * (w - m) + m) ** 2) for cb in c])
    assert history["r1"][0] == pytest.approx(expected, rel=1e-4)
    assert abs(expected - np.sum(w**2)) > 0.05 * expected  # the old value, w.r.t. T(x)
