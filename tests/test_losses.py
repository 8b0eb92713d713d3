"""Tests for keras_gan.losses: golden values computed with plain `math`, invariants, penalties."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import losses

REAL = [1.0, -2.0, 0.5]
FAKE = [-1.0, 3.0, 0.0]


def softplus(x):
    """log(1 + e^x) in plain Python (inputs here are moderate)."""
    return math.log1p(math.exp(x))


def mean(values):
    return sum(values) / len(values)


# Expected values, written from the papers' formulas with `math` only.
def expected_generator(name, fake):
    if name == "minimax":  # E[log(1 - sigmoid(l))]
        return mean([math.log(1.0 - 1.0 / (1.0 + math.exp(-l))) for l in fake])
    if name == "non_saturating":  # -E[log sigmoid(l)]
        return mean([-math.log(1.0 / (1.0 + math.exp(-l))) for l in fake])
    if name in ("wasserstein", "hinge"):
        return -mean(fake)
    if name == "least_squares":
        return mean([0.5 * (l - 1.0) ** 2 for l in fake])
    raise AssertionError(name)


def expected_discriminator(name, real, fake):
    sigmoid = lambda l: 1.0 / (1.0 + math.exp(-l))  # noqa: E731
    if name in ("minimax", "non_saturating"):
        return mean([-math.log(sigmoid(l)) for l in real]) + mean(
            [-math.log(1.0 - sigmoid(l)) for l in fake]
        )
    if name == "wasserstein":
        return mean(fake) - mean(real)
    if name == "hinge":
        return mean([max(0.0, 1.0 - l) for l in real]) + mean([max(0.0, 1.0 + l) for l in fake])
    if name == "least_squares":
        return mean([0.5 * (l - 1.0) ** 2 for l in real]) + mean([0.5 * l**2 for l in fake])
    raise AssertionError(name)


FAMILIES = ["minimax", "non_saturating", "wasserstein", "hinge", "least_squares"]


def test_hand_derived_numbers_for_the_fixed_logits():
    # Worked by hand, independent of the helper formulas above.
    hinge = (0 + 3 + 0.5) / 3 + (0 + 4 + 1) / 3
    assert expected_discriminator("hinge", REAL, FAKE) == pytest.approx(hinge)
    assert expected_generator("least_squares", FAKE) == pytest.approx(0.5 * (4 + 4 + 1) / 3)
    assert expected_discriminator("least_squares", REAL, FAKE) == pytest.approx(
        0.5 * (0 + 9 + 0.25) / 3 + 0.5 * (1 + 9 + 0) / 3
    )
    assert expected_discriminator("wasserstein", REAL, FAKE) == pytest.approx(2 / 3 - (-0.5 / 3))


@pytest.mark.parametrize("name", FAMILIES)
def test_generator_golden_values(name):
    generator_loss, _ = losses.get_loss_pair(name)
    value = generator_loss(tf.constant(FAKE))
    assert value.shape == ()
    assert float(value) == pytest.approx(expected_generator(name, FAKE), abs=1e-6)


@pytest.mark.parametrize("name", FAMILIES)
def test_discriminator_golden_values(name):
    _, discriminator_loss = losses.get_loss_pair(name)
    value = discriminator_loss(tf.constant(REAL), tf.constant(FAKE))
    assert value.shape == ()
    assert float(value) == pytest.approx(expected_discriminator(name, REAL, FAKE), abs=1e-6)


def test_minimax_generator_is_minus_softplus():
    value = losses.minimax_generator_loss(tf.constant(FAKE))
    assert float(value) == pytest.approx(-mean([softplus(l) for l in FAKE]), abs=1e-6)


def test_non_saturating_discriminator_equals_minimax():
    real, fake = tf.constant(REAL), tf.constant(FAKE)
    for s in (0.0, 0.2):
        a = losses.non_saturating_discriminator_loss(real, fake, label_smoothing=s)
        b = losses.minimax_discriminator_loss(real, fake, label_smoothing=s)
        assert float(a) == float(b)


@pytest.mark.parametrize(
    "loss_fn", [losses.minimax_discriminator_loss, losses.non_saturating_discriminator_loss]
)
def test_label_smoothing_shift(loss_fn):
    # With target 1 - s: s*softplus(l) + (1-s)*softplus(-l) - softplus(-l) = s*l, so the loss
    # moves by s * mean(real_logits) = s * (1 - 2 + 0.5) / 3 = -s / 6.
    real, fake = tf.constant(REAL), tf.constant(FAKE)
    s = 0.1
    plain = float(loss_fn(real, fake))
    smoothed = float(loss_fn(real, fake, label_smoothing=s))
    assert smoothed - plain == pytest.approx(-s / 6.0, abs=1e-6)
    sigmoid = lambda l: 1.0 / (1.0 + math.exp(-l))  # noqa: E731
    direct = mean(
        [-(1 - s) * math.log(sigmoid(l)) - s * math.log(1 - sigmoid(l)) for l in REAL]
    ) + mean([-math.log(1 - sigmoid(l)) for l in FAKE])
    assert smoothed == pytest.approx(direct, abs=1e-6)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, "0.1"])
def test_label_smoothing_out_of_range(bad):
    with pytest.raises(ValueError, match="label_smoothing"):
        losses.minimax_discriminator_loss(tf.constant(REAL), tf.constant(FAKE), label_smoothing=bad)


def _all_losses():
    """(name, fn(real, fake, **kw)) for all ten adversarial losses."""
    out = []
    for name in FAMILIES:
        g, d = losses.get_loss_pair(name)
        out.append((f"{name}_g", lambda real, fake, g=g, **kw: g(fake, **kw)))
        out.append((f"{name}_d", lambda real, fake, d=d, **kw: d(real, fake, **kw)))
    return out


ALL_LOSSES = _all_losses()
ALL_IDS = [name for name, _ in ALL_LOSSES]


@pytest.mark.parametrize("name,loss_fn", ALL_LOSSES, ids=ALL_IDS)
def test_patch_and_reshaped_inputs_give_same_mean(name, loss_fn):
    real, fake = np.array(REAL, np.float32), np.array(FAKE, np.float32)
    flat = float(loss_fn(tf.constant(real), tf.constant(fake)))
    column = float(loss_fn(tf.constant(real[:, None]), tf.constant(fake[:, None])))
    patch = lambda v: np.tile(v[:, None, None, None], (1, 2, 2, 1))  # noqa: E731  [B,2,2,1]
    patched = float(loss_fn(tf.constant(patch(real)), tf.constant(patch(fake))))
    assert column == pytest.approx(flat, abs=1e-6)
    assert patched == pytest.approx(flat, abs=1e-6)


@pytest.mark.parametrize("name,loss_fn", ALL_LOSSES, ids=ALL_IDS)
def test_reduction_none_and_sum(name, loss_fn):
    # Patch map whose per-example means differ: example b holds values v_b + {-0.5, 0.5}.
    real = np.array(REAL, np.float32)[:, None, None] + np.array([[-0.5, 0.5]], np.float32)[None]
    fake = np.array(FAKE, np.float32)[:, None, None] + np.array([[0.5, -0.5]], np.float32)[None]
    real, fake = tf.constant(real[..., None]), tf.constant(fake[..., None])  # [3, 1, 2, 1]
    per_example = loss_fn(real, fake, reduction="none")
    assert per_example.shape == (3,)
    for b in range(3):
        single = loss_fn(real[b : b + 1], fake[b : b + 1])
        assert float(per_example[b]) == pytest.approx(float(single), abs=1e-6)
    total = loss_fn(real, fake, reduction="sum")
    assert float(total) == pytest.approx(2 * float(tf.reduce_sum(per_example)), abs=1e-5)
    assert float(loss_fn(real, fake)) == pytest.approx(float(tf.reduce_mean(per_example)), abs=1e-6)


@pytest.mark.parametrize("name,loss_fn", ALL_LOSSES, ids=ALL_IDS)
@pytest.mark.parametrize("dtype", [tf.float16, tf.bfloat16, tf.float64])
def test_dtype_kept(name, loss_fn, dtype):
    real, fake = tf.constant(REAL, dtype), tf.constant(FAKE, dtype)
    value = loss_fn(real, fake)
    assert value.dtype == dtype
    reference = float(loss_fn(tf.constant(REAL), tf.constant(FAKE)))
    tolerance = {tf.float16: 5e-3, tf.bfloat16: 3e-2, tf.float64: 1e-6}[dtype]
    assert float(value) == pytest.approx(reference, rel=tolerance, abs=tolerance)


@pytest.mark.parametrize("name,loss_fn", ALL_LOSSES, ids=ALL_IDS)
def test_bad_reduction_names_argument(name, loss_fn):
    with pytest.raises(ValueError, match="reduction.*Received: reduction='avg'"):
        loss_fn(tf.constant(REAL), tf.constant(FAKE), reduction="avg")


def test_large_logits_finite_and_exact():
    big = tf.constant([100.0, -100.0])
    for name, loss_fn in ALL_LOSSES:
        assert np.isfinite(float(loss_fn(big, -big))), name
        assert np.isfinite(float(loss_fn(-big, big))), name
    # Perfect D (real +100, fake -100): D loss ~ 0; fully wrong D: 100 per term.
    d_loss = losses.non_saturating_discriminator_loss
    assert float(d_loss([100.0], [-100.0])) == pytest.approx(0.0, abs=1e-6)
    assert float(d_loss([-100.0], [100.0])) == pytest.approx(200.0, rel=1e-6)
    assert float(losses.non_saturating_generator_loss([-100.0])) == pytest.approx(100.0, rel=1e-6)
    assert float(losses.non_saturating_generator_loss([100.0])) == pytest.approx(0.0, abs=1e-6)
    assert float(losses.minimax_generator_loss([100.0])) == pytest.approx(-100.0, rel=1e-6)
    # Gradients at saturated logits are finite too: d softplus(-l)/dl = -sigmoid(-l).
    logits = tf.Variable([100.0, -100.0])
    with tf.GradientTape() as tape:
        loss = losses.non_saturating_generator_loss(logits, reduction="sum")
    grad = tape.gradient(loss, logits).numpy()
    np.testing.assert_allclose(grad, [0.0, -1.0], atol=1e-6)


def test_per_example_weights():
    weights = [1.0, 0.0, 2.0]
    value = losses.wasserstein_generator_loss(tf.constant(FAKE), weights=weights)
    assert float(value) == pytest.approx(-(1 * -1.0 + 0 * 3.0 + 2 * 0.0) / 3, abs=1e-6)
    # [B] weights against a patch map [B, 2, 2, 1] align on the batch axis.
    patch = tf.reshape(tf.repeat(tf.constant(REAL), 4), [3, 2, 2, 1])
    value = losses.hinge_discriminator_loss(
        patch, patch, real_weights=weights, fake_weights=[0.0, 0.0, 0.0]
    )
    assert float(value) == pytest.approx((1 * 0.0 + 0 * 3.0 + 2 * 0.5) / 3, abs=1e-6)


def test_least_squares_custom_targets():
    value = losses.least_squares_discriminator_loss(REAL, FAKE, a=-1.0, b=1.0)
    expected = mean([0.5 * (l - 1) ** 2 for l in REAL]) + mean([0.5 * (l + 1) ** 2 for l in FAKE])
    assert float(value) == pytest.approx(expected, abs=1e-6)
    value = losses.least_squares_generator_loss(FAKE, c=0.0)
    assert float(value) == pytest.approx(mean([0.5 * l**2 for l in FAKE]), abs=1e-6)


def test_inside_tf_function_matches_eager():
    @tf.function
    def both(real, fake):
        hinge = losses.hinge_discriminator_loss(real, fake, reduction="none")
        return hinge, losses.minimax_discriminator_loss(real, fake, label_smoothing=0.1)

    per_example, minimax = both(tf.constant(REAL), tf.constant(FAKE))
    eager = losses.hinge_discriminator_loss(REAL, FAKE, reduction="none")
    np.testing.assert_allclose(per_example.numpy(), eager.numpy(), atol=1e-6)
    assert float(minimax) == pytest.approx(
        float(losses.minimax_discriminator_loss(REAL, FAKE, label_smoothing=0.1)), abs=1e-6
    )


def test_get_loss_pair():
    pair = (losses.hinge_generator_loss, losses.hinge_discriminator_loss)
    assert losses.get_loss_pair("hinge") == pair
    with pytest.raises(ValueError, match="hinge.*least_squares.*Received: name='vanilla'"):
        losses.get_loss_pair("vanilla")


def test_scalar_input_rejected():
    with pytest.raises(ValueError, match="fake_logits"):
        losses.non_saturating_generator_loss(1.0)


def test_all_exports_exist():
    for name in losses.__all__:
        assert hasattr(losses, name), name


# ---------------------------------------------------------------------------------------------
# Gradient penalties
# ---------------------------------------------------------------------------------------------
W = np.array([0.5, -1.0, 2.0, 0.25], np.float32)  # ||w||^2 = 5.3125


def _linear_critic(weights):
    """f(x) = w . flatten(x) as a real Keras model (Dense without bias)."""
    critic = keras.Sequential(
        [keras.Input((2, 2, 1)), keras.layers.Flatten(), keras.layers.Dense(1, use_bias=False)]
    )
    critic.layers[-1].kernel.assign(np.asarray(weights, np.float32)[:, None])
    return critic


def _images(seed, n=5):
    return tf.constant(np.random.default_rng(seed).uniform(-1, 1, (n, 2, 2, 1)).astype(np.float32))


@pytest.mark.parametrize("epsilon", [None, 0.0, 0.3, 1.0, "per_sample"])
def test_gradient_penalty_linear_critic(epsilon):
    critic = _linear_critic(W)
    if epsilon == "per_sample":
        epsilon = tf.constant([0.1, 0.5, 0.9, 0.2, 0.7])
    value = losses.gradient_penalty(critic, _images(0), _images(1), epsilon=epsilon)
    expected = (math.sqrt(0.25 + 1 + 4 + 0.0625) - 1.0) ** 2
    assert float(value) == pytest.approx(expected, abs=1e-6)


def test_gradient_penalty_weight_gradient_and_target():
    critic = _linear_critic(W)
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(critic, _images(0), _images(1), target=2.0)
    grad = tape.gradient(penalty, critic.trainable_weights)[0].numpy()[:, 0]
    norm = math.sqrt(5.3125)
    assert float(penalty) == pytest.approx((norm - 2.0) ** 2, abs=1e-6)
    # d/dw (||w|| - t)^2 = 2 (||w|| - t) w / ||w||
    np.testing.assert_allclose(grad, 2 * (norm - 2.0) * W / norm, atol=1e-5)


def test_gradient_penalty_finite_at_zero_gradient():
    critic = _linear_critic(np.zeros(4))  # grad_x f = w = 0: the plain norm's gradient is NaN
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(critic, _images(0), _images(1))
    grad = tape.gradient(penalty, critic.trainable_weights)[0]
    assert float(penalty) == pytest.approx(1.0, abs=1e-5)
    assert np.all(np.isfinite(grad.numpy()))
    # Output independent of x (no gradient path at all): penalty (0 - 1)^2, no error.
    constant_critic = lambda x: tf.ones([tf.shape(x)[0], 1])  # noqa: E731
    value = losses.gradient_penalty(constant_critic, _images(0), _images(1))
    assert float(value) == pytest.approx(1.0, abs=1e-5)


def test_gradient_penalty_quadratic_critic_golden():
    # f(x) = sum(x^2): grad = 2 x_hat. real=[1, 0], fake=[0, 1], eps=0.25 -> x_hat=[0.25, 0.75].
    critic = lambda x: tf.reduce_sum(tf.square(x), axis=1)  # noqa: E731
    real, fake = tf.constant([[1.0, 0.0]]), tf.constant([[0.0, 1.0]])
    value = losses.gradient_penalty(critic, real, fake, epsilon=0.25)
    expected = (2 * math.sqrt(0.25**2 + 0.75**2) - 1.0) ** 2
    assert float(value) == pytest.approx(expected, abs=1e-6)


def test_gradient_penalty_draws_uniform_per_sample_epsilon():
    # f(x) = 0.5 sum(x^2), fake = 0, ||real|| = 1: grad = eps * real, norm = eps,
    # penalty = (eps - 1)^2, so eps = 1 - sqrt(penalty) can be read back per sample.
    n = 400
    real = tf.constant(np.tile([[0.6, 0.8]], (n, 1)).astype(np.float32))
    critic = lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=1)  # noqa: E731
    per_sample = losses.gradient_penalty(
        critic, real, tf.zeros_like(real), seed=7, reduction="none"
    )
    assert per_sample.shape == (n,)
    eps = 1.0 - np.sqrt(per_sample.numpy())
    assert eps.min() >= -1e-3 and eps.max() <= 1.0 + 1e-3  # U[0, 1], not a normal draw
    assert eps.std() > 0.2  # one draw per sample, not one per batch (U[0,1] std = 0.289)
    assert abs(eps.mean() - 0.5) < 0.1
    again = losses.gradient_penalty(critic, real, tf.zeros_like(real), seed=7, reduction="none")
    np.testing.assert_array_equal(per_sample.numpy(), again.numpy())
    other = losses.gradient_penalty(critic, real, tf.zeros_like(real), seed=8, reduction="none")
    assert not np.array_equal(per_sample.numpy(), other.numpy())


def test_gradient_penalty_in_tf_function():
    critic = _linear_critic(W)

    @tf.function
    def step(real, fake):
        with tf.GradientTape() as tape:
            penalty = losses.gradient_penalty(critic, real, fake, seed=1)
        return penalty, tape.gradient(penalty, critic.trainable_weights)[0]

    penalty, grad = step(_images(0), _images(1))
    norm = math.sqrt(5.3125)
    assert float(penalty) == pytest.approx((norm - 1.0) ** 2, abs=1e-6)
    np.testing.assert_allclose(grad.numpy()[:, 0], 2 * (norm - 1.0) * W / norm, atol=1e-5)


def test_gradient_penalty_shape_mismatch():
    with pytest.raises(ValueError, match="real.shape"):
        losses.gradient_penalty(lambda x: x, tf.zeros([2, 3]), tf.zeros([2, 4]))


def test_r1_r2_linear_critic():
    critic = _linear_critic(W)
    assert float(losses.r1_penalty(critic, _images(0))) == pytest.approx(5.3125, abs=1e-5)
    assert float(losses.r2_penalty(critic, _images(1))) == pytest.approx(5.3125, abs=1e-5)
    per_sample = losses.r1_penalty(critic, _images(0), reduction="none")
    np.testing.assert_allclose(per_sample.numpy(), np.full(5, 5.3125), atol=1e-5)


def test_r1_quadratic_critic_golden():
    # f(x) = sum(x^2): ||grad||^2 = 4 ||x||^2 -> samples [1, 2] and [0, 3]: mean(4*5, 4*9) = 28.
    critic = lambda x: tf.reduce_sum(tf.square(x), axis=1)  # noqa: E731
    value = losses.r1_penalty(critic, tf.constant([[1.0, 2.0], [0.0, 3.0]]))
    assert float(value) == pytest.approx(28.0, abs=1e-5)


# ---------------------------------------------------------------------------------------------
# Auxiliary losses
# ---------------------------------------------------------------------------------------------
def _cross_entropy(logits, label):
    return math.log(sum(math.exp(l) for l in logits)) - logits[label]


def test_auxiliary_classifier_loss_golden():
    logits = [[2.0, 1.0, 0.0], [0.0, 0.0, 0.0], [-1.0, 3.0, 0.5]]
    labels = [0, 2, 1]
    expected = mean([_cross_entropy(l, y) for l, y in zip(logits, labels)])
    value = losses.auxiliary_classifier_loss(tf.constant(logits), tf.constant(labels))
    assert float(value) == pytest.approx(expected, abs=1e-6)
    # [B, 1] labels accepted; per-example values; low-precision dtype kept.
    none = losses.auxiliary_classifier_loss(logits, np.array(labels)[:, None], reduction="none")
    by_hand = [_cross_entropy(l, y) for l, y in zip(logits, labels)]
    np.testing.assert_allclose(none.numpy(), by_hand, atol=1e-6)
    low = losses.auxiliary_classifier_loss(tf.constant(logits, tf.bfloat16), labels)
    assert low.dtype == tf.bfloat16


def test_auxiliary_classifier_loss_bad_labels():
    with pytest.raises(ValueError, match=r"labels.*\[0, 3\).*\[3\]"):
        losses.auxiliary_classifier_loss([[1.0, 2.0, 3.0]], [3])
    with pytest.raises(ValueError, match="labels.*integer"):
        losses.auxiliary_classifier_loss([[1.0, 2.0, 3.0]], [1.0])
    with pytest.raises(ValueError, match="class_logits"):
        losses.auxiliary_classifier_loss([1.0, 2.0, 3.0], [1])


def test_categorical_mutual_information_known_codes():
    # Uniform Q over K = 4 categories: -log(1/4) = log 4 = H(c), so the lower bound L_I is 0.
    uniform = tf.zeros([3, 4])
    assert float(losses.categorical_mutual_information_loss(uniform, [0, 3, 1])) == pytest.approx(
        math.log(4), abs=1e-6
    )
    # Q certain of the right code (logit gap 50): loss ~ 0, i.e. L_I = H(c) = log 4.
    confident = tf.one_hot([2, 0], 4) * 50.0
    value = losses.categorical_mutual_information_loss(confident, [2, 0])
    assert float(value) == pytest.approx(0.0, abs=1e-6)
    # Q certain of a wrong code: loss = 50 per example.
    value = losses.categorical_mutual_information_loss(confident, [1, 1])
    assert float(value) == pytest.approx(50.0, rel=1e-6)


def test_gaussian_mutual_information_loss_golden():
    half_log_two_pi = 0.5 * math.log(2 * math.pi)
    # Example 0: mu=[0, 1], sigma=[1, 2], c=[1, 1] -> (c0: 0.5*1) + (c1: log 2).
    # Example 1: mu=[0, 0], sigma=[1, 1], c=[0, 0] -> 0 beyond the constants.
    mean_ = tf.constant([[0.0, 1.0], [0.0, 0.0]])
    log_std = tf.constant([[0.0, math.log(2.0)], [0.0, 0.0]])
    codes = tf.constant([[1.0, 1.0], [0.0, 0.0]])
    per_example = losses.gaussian_mutual_information_loss(mean_, log_std, codes, reduction="none")
    np.testing.assert_allclose(
        per_example.numpy(),
        [2 * half_log_two_pi + 0.5 + math.log(2.0), 2 * half_log_two_pi],
        atol=1e-6,
    )
    value = losses.gaussian_mutual_information_loss(mean_, log_std, codes)
    expected = 2 * half_log_two_pi + 0.5 * (0.5 + math.log(2.0))
    assert float(value) == pytest.approx(expected, abs=1e-6)
    # Scalar log_std broadcasts (fixed unit variance as in the InfoGAN paper's experiments).
    fixed = losses.gaussian_mutual_information_loss(mean_, 0.0, codes)
    assert float(fixed) == pytest.approx(2 * half_log_two_pi + 0.5 * (0.5 + 0.0), abs=1e-6)
    with pytest.raises(ValueError, match="codes.shape"):
        losses.gaussian_mutual_information_loss(mean_, 0.0, tf.zeros([2, 3]))


def _numpy_semi_supervised(real_logits, fake_logits):
    """Direct formula in float64: D = Z / (Z + 1), Z = sum exp(l)."""
    z_real = np.exp(np.asarray(real_logits, np.float64)).sum(axis=1)
    z_fake = np.exp(np.asarray(fake_logits, np.float64)).sum(axis=1)
    d_real, d_fake = z_real / (z_real + 1), z_fake / (z_fake + 1)
    return -np.mean(np.log(d_real)) - np.mean(np.log(1 - d_fake)), -np.mean(np.log(d_fake))


def test_semi_supervised_losses_match_numpy():
    rng = np.random.default_rng(3)
    real = rng.normal(0, 2, (6, 10)).astype(np.float32)
    fake = rng.normal(-1, 2, (4, 10)).astype(np.float32)
    expected_d, expected_g = _numpy_semi_supervised(real, fake)
    value = losses.semi_supervised_discriminator_loss(real, fake)
    assert float(value) == pytest.approx(expected_d, abs=1e-5)
    assert float(losses.semi_supervised_generator_loss(fake)) == pytest.approx(expected_g, abs=1e-5)
    # K = 1 with logit l reduces to the sigmoid GAN on that logit (Z = e^l, D = sigmoid(l)).
    real_k1, fake_k1 = np.array(REAL)[:, None], np.array(FAKE)[:, None]
    value = losses.semi_supervised_discriminator_loss(real_k1, fake_k1)
    assert float(value) == pytest.approx(expected_discriminator("minimax", REAL, FAKE), abs=1e-6)


def test_semi_supervised_large_logits_finite():
    big = tf.constant([[100.0, 90.0], [-100.0, -120.0]])
    d = losses.semi_supervised_discriminator_loss(big, big)
    g = losses.semi_supervised_generator_loss(big)
    assert np.isfinite(float(d)) and np.isfinite(float(g))
    # Row 0: -log D ~ 0 and -log(1 - D) ~ 100.00005; row 1: -log D ~ 100, -log(1 - D) ~ 0.
    assert float(d) == pytest.approx((100.0 + 100.0) / 2, rel=1e-5)


def test_feature_matching_loss_golden():
    real = tf.constant([[1.0, 2.0], [3.0, 4.0]])  # batch mean [2, 3]
    fake = tf.constant([[0.0, 0.0]])  # batch mean [0, 0]; batch sizes may differ
    value = losses.feature_matching_loss(real, fake)
    assert float(value) == pytest.approx((4.0 + 9.0) / 2, abs=1e-6)
    # Rank-4 features: mean over batch, then over all feature positions.
    real4 = tf.ones([2, 2, 2, 3])
    fake4 = tf.zeros([3, 2, 2, 3])
    assert float(losses.feature_matching_loss(real4, fake4)) == pytest.approx(1.0, abs=1e-6)
    assert losses.feature_matching_loss(tf.cast(real, tf.float16), fake).dtype == tf.float16
    with pytest.raises(ValueError, match="fake_features.shape"):
        losses.feature_matching_loss(real, tf.zeros([2, 3]))


# --- GAIN (Yoon et al. 2018). Logits 0, ln 3, -ln 3 give D = 1/2, 3/4, 1/4 exactly.
GAIN_LOGITS = [[0.0, math.log(3.0)], [-math.log(3.0), math.log(3.0)]]
GAIN_MASK = [[1.0, 0.0], [1.0, 1.0]]


def test_gain_discriminator_loss_golden():
    # Entries: observed D=1/2 -> ln 2; missing D=3/4 -> -ln(1/4) = 2 ln 2;
    # observed D=1/4 -> 2 ln 2; observed D=3/4 -> ln(4/3) = 2 ln 2 - ln 3.
    expected = (7 * math.log(2.0) - math.log(3.0)) / 4
    value = losses.gain_discriminator_loss(GAIN_LOGITS, GAIN_MASK)
    assert float(value) == pytest.approx(expected, abs=1e-6)
    per_row = losses.gain_discriminator_loss(GAIN_LOGITS, GAIN_MASK, reduction="none")
    np.testing.assert_allclose(
        per_row.numpy(), [1.5 * math.log(2.0), (4 * math.log(2.0) - math.log(3.0)) / 2], atol=1e-6
    )
    assert float(losses.gain_discriminator_loss(GAIN_LOGITS, GAIN_MASK, reduction="sum")) == (
        pytest.approx(4 * expected, abs=1e-5)
    )
    # The authors' code, with probabilities and its 1e-8: the same number up to the epsilon.
    d = 1.0 / (1.0 + np.exp(-np.array(GAIN_LOGITS)))
    m = np.array(GAIN_MASK)
    reference = -np.mean(m * np.log(d + 1e-8) + (1 - m) * np.log(1 - d + 1e-8))
    assert float(value) == pytest.approx(reference, abs=1e-6)


def test_gain_generator_loss_golden():
    # Only the missing entry counts: D = 3/4 -> ln(4/3); the mean runs over all 4 entries.
    value = losses.gain_generator_loss(GAIN_LOGITS, GAIN_MASK)
    assert float(value) == pytest.approx(math.log(4.0 / 3.0) / 4, abs=1e-6)
    # Fully observed: nothing for G to fool D on.
    assert float(losses.gain_generator_loss(GAIN_LOGITS, np.ones((2, 2)))) == 0.0
    # Any rank: an image-shaped map gives the same mean.
    image = tf.reshape(tf.constant(GAIN_LOGITS), [1, 2, 2, 1])
    image_mask = tf.reshape(tf.constant(GAIN_MASK), [1, 2, 2, 1])
    assert float(losses.gain_generator_loss(image, image_mask)) == pytest.approx(float(value), abs=1e-7)
    with pytest.raises(ValueError, match="mask.shape"):
        losses.gain_generator_loss(GAIN_LOGITS, np.ones((2, 3)))


def test_gain_reconstruction_loss_golden():
    x = [[0.2, float("nan")], [0.5, 1.0]]  # the missing cell is NaN and must be ignored
    generated = [[0.5, 0.9], [0.5, 0.0]]
    # Observed squared errors 0.09, 0, 1.0: mean over 4 entries / mean(M) = (1.09 / 4) / (3 / 4).
    value = losses.gain_reconstruction_loss(x, generated, GAIN_MASK)
    assert float(value) == pytest.approx(1.09 / 3, abs=1e-6)
    # A global observed fraction (tf.distribute) replaces the local one.
    value = losses.gain_reconstruction_loss(x, generated, GAIN_MASK, observed_fraction=0.5)
    assert float(value) == pytest.approx(1.09 / 4 / 0.5, abs=1e-6)
    assert float(losses.gain_reconstruction_loss(x, generated, np.zeros((2, 2)))) == 0.0


def test_gain_hint_golden_and_rate():
    uniform = [[0.95, 0.1], [0.3, 0.9]]
    # B = [U < 0.9] = [[0, 1], [1, 0]]; H = B * M = [[0, 0], [1, 0]].
    np.testing.assert_array_equal(losses.gain_hint(GAIN_MASK, uniform, 0.9).numpy(), [[0, 0], [1, 0]])
    np.testing.assert_array_equal(losses.gain_hint(GAIN_MASK, uniform, 1.0).numpy(), GAIN_MASK)
    np.testing.assert_array_equal(losses.gain_hint(GAIN_MASK, uniform, 0.0).numpy(), np.zeros((2, 2)))
    # On a fully observed mask, the hint's mean is the hint rate.
    draws = tf.random.stateless_uniform([200, 100], seed=[1, 2])
    assert float(tf.reduce_mean(losses.gain_hint(tf.ones([200, 100]), draws, 0.3))) == pytest.approx(0.3, abs=0.01)
    with pytest.raises(ValueError, match="hint_rate=1.5"):
        losses.gain_hint(GAIN_MASK, uniform, 1.5)
