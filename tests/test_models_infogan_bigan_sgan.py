"""InfoGAN, BiGAN / ALI and the semi-supervised GAN: their math against values worked out
by hand or in NumPy, the trainer, and what each learns (MirroredStrategy, exact resume and
round trips: tests/test_conformance.py)."""

import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan import losses, models, networks
from keras_gan import runs
from keras_gan.models.base import Batch
from keras_gan.networks import bigan, conditional
from tests.helpers import (
    DIGITS_SHAPE,
    compiled,
    digits,
    digits_classifier,
    run_variant_cli,
)
from tests.learning import count

RNG = np.random.default_rng(0)
SEED = tf.constant([3, 4])
LOG_2PI = math.log(2 * math.pi)


def _softplus(x):
    return np.log1p(np.exp(x))


def _image_batches(images, batch_size, shuffle_seed=None):
    dataset = tf.data.Dataset.from_tensor_slices(images)
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(images), seed=shuffle_seed)
    return dataset.batch(batch_size, drop_remainder=True)


# -------------------------------------------------------------------------- InfoGAN


def _infogan(categorical_dims=(3,), continuous_dim=2, noise_dim=2, learn_std=False, **kwargs):
    latent_dim = noise_dim + sum(categorical_dims) + continuous_dim
    q_dim = sum(categorical_dims) + continuous_dim * (2 if learn_std else 1)
    return models.InfoGAN(
        networks.mlp_generator(latent_dim, (2,), hidden_units=(8,), output_activation=None),
        conditional.auxiliary_mlp_discriminator((2,), q_dim, hidden_units=(8,)),
        categorical_dims=categorical_dims,
        continuous_dim=continuous_dim,
        learn_std=learn_std,
        **kwargs,
    )


# Two samples: z = [noise (2) | one-hot code (3) | continuous (2)].
Z = np.array([
    [0.3, -0.1, 0, 1, 0, 0.5, -0.25],  # code 1, c = (0.5, -0.25)
    [1.0, 2.0, 0, 0, 1, 0.0, 0.0],     # code 2, c = (0, 0)
], "float32")
# Q's outputs: code logits, then means.
Q = np.array([
    [0.0, math.log(2.0), 0.0, 0.5, 0.75],  # P(code 1) = 2 / 4; means off by (0, 1)
    [0.0, 0.0, 0.0, 0.0, 0.0],             # P(code 2) = 1 / 3; means exact
], "float32")
# -log Q(c | x): log 4 - log 2 = log 2, and log 3.
CATEGORICAL_NLL = (math.log(2.0) + math.log(3.0)) / 2
# Unit-variance Gaussian NLL summed over 2 codes: log(2 pi) + (0 + 1) / 2, and log(2 pi).
GAUSSIAN_NLL = ((LOG_2PI + 0.5) + LOG_2PI) / 2


def test_infogan_mutual_information_term_for_known_codes():
    gan = _infogan(continuous_weight=0.5)
    terms = gan.mutual_information_loss(tf.constant(Q), tf.constant(Z))
    assert float(terms["info_loss"]) == pytest.approx(CATEGORICAL_NLL + 0.5 * GAUSSIAN_NLL, rel=1e-5)
    # The bound L_I = H(c) - CE on I(c; G(z, c)), H(c) = log 3 for a uniform 3-way code.
    assert float(terms["categorical_mi"]) == pytest.approx(math.log(3.0) - CATEGORICAL_NLL, rel=1e-5)


def test_infogan_learned_standard_deviations_enter_the_gaussian_likelihood():
    gan = _infogan(learn_std=True, continuous_weight=1.0, categorical_weight=0.0)
    log_stds = np.array([[0.0, math.log(2.0)], [math.log(0.5), 0.0]], "float32")
    q = np.concatenate([Q, log_stds], axis=1)
    # Row 1: log(2 pi) + log 2 + ((0 / 1)^2 + (1 / 2)^2) / 2; row 2: log(2 pi) + log(1/2).
    expected = ((LOG_2PI + math.log(2.0) + 0.125) + (LOG_2PI + math.log(0.5))) / 2
    assert float(gan.mutual_information_loss(tf.constant(q), tf.constant(Z))["info_loss"]) == pytest.approx(
        expected, rel=1e-5
    )


def test_infogan_sums_the_cross_entropies_of_several_categorical_codes():
    gan = _infogan(categorical_dims=(2, 3), continuous_dim=0, noise_dim=1)
    z = np.array([[0.0, 1, 0, 0, 0, 1]], "float32")  # codes (0, 2)
    q = np.array([[1.0, 0.0, 0.0, 0.0, 0.0]], "float32")
    expected = (math.log(math.e + 1) - 1) + math.log(3.0)
    terms = gan.mutual_information_loss(tf.constant(q), tf.constant(z))
    assert float(terms["info_loss"]) == pytest.approx(expected, rel=1e-5)
    assert float(terms["categorical_mi"]) == pytest.approx(math.log(2) + math.log(3) - expected, rel=1e-5)


def test_infogan_latent_layout_and_sampling():
    gan = compiled(lambda: _infogan(categorical_dims=(3,), continuous_dim=2, noise_dim=2))
    assert gan.latent_dim == 7 and gan.noise_dim == 2 and gan.q_output_dim == 5
    layout = {"noise": [0, 2], "categorical": [[2, 5]], "continuous": [5, 7]}
    assert gan.latent_layout == layout and gan.describe()["latent_layout"] == layout
    z = gan.sample_latent(3000, SEED).numpy()
    codes = z[:, 2:5]
    np.testing.assert_array_equal(codes.sum(axis=1), 1.0)
    assert set(np.unique(codes)) == {0.0, 1.0}
    assert np.all(np.abs(np.bincount(codes.argmax(1), minlength=3) / 3000 - 1 / 3) < 0.03)
    assert z[:, 5:].min() >= -1.0 and z[:, 5:].max() <= 1.0 and abs(z[:, 5:].mean()) < 0.05
    assert abs(z[:, :2].std() - 1.0) < 0.05
    built = gan.latent_vector(np.array([[0.3, -0.1]]), [1], [[0.5, -0.25]])
    np.testing.assert_array_equal(built, Z[:1])
    # `generate` with labels fixes the categorical code.
    np.testing.assert_allclose(
        gan.generate(2, seed=0, labels=[1, 1], continuous=[[0.5, -0.25], [0.5, -0.25]])[0],
        gan.generator(gan.latent_vector(np.random.default_rng(0).standard_normal((2, 2)), [1, 1],
                                        [[0.5, -0.25]] * 2)).numpy()[0],
        atol=1e-6,
    )


def test_infogan_objectives_add_the_information_term_to_both_players():
    gan = _infogan(continuous_weight=0.5)
    real = RNG.standard_normal((2, 2)).astype("float32")
    z = tf.constant(Z)
    fake = gan.generator(z)
    real_source = gan.discriminator(real)[0].numpy()
    fake_source, q = [t.numpy() for t in gan.discriminator(fake)]
    info = float(gan.mutual_information_loss(tf.constant(q), z)["info_loss"])
    d = gan.discriminator_objective(Batch(real, None, z, fake, None, SEED))
    expected_d = _softplus(-real_source).mean() + _softplus(fake_source).mean() + info
    assert float(d.total) == pytest.approx(expected_d, rel=1e-5)
    g = gan.generator_objective(Batch(real, None, z, fake, None, SEED))
    assert float(g.total) == pytest.approx(_softplus(-fake_source).mean() + info, rel=1e-5)


def test_infogan_rejects_bad_layouts():
    with pytest.raises(ValueError, match="latent_dim"):
        models.InfoGAN(networks.mlp_generator(5, (2,)), conditional.auxiliary_mlp_discriminator((2,), 7),
                       categorical_dims=(5,), continuous_dim=2)
    with pytest.raises(ValueError, match=r"q \[B, 12\]"):
        models.InfoGAN(networks.mlp_generator(20, (2,)), conditional.auxiliary_mlp_discriminator((2,), 10))
    with pytest.raises(ValueError, match="categorical_dims"):
        _infogan(categorical_dims=(1,))
    with pytest.raises(ValueError, match="at least one latent code"):
        models.InfoGAN(networks.mlp_generator(4, (2,)), conditional.auxiliary_mlp_discriminator((2,), 1),
                       categorical_dims=(), continuous_dim=0)


# ---------------------------------------------------------------------------- BiGAN


def _linear_bigan(**kwargs):
    # G, E and D all linear: D(x, z) = [x, z] . w + b.
    return models.BiGAN(
        networks.mlp_generator(2, (2,), hidden_units=(), output_activation=None),
        bigan.joint_mlp_discriminator((2,), 2, hidden_units=(), latent_units=(), joint_units=(),
                                            dropout=0.0),
        bigan.mlp_encoder((2,), 2, hidden_units=()),
        **kwargs,
    )


def test_bigan_losses_score_data_encoder_pairs_against_generator_latent_pairs():
    gan = _linear_bigan()
    real = RNG.standard_normal((5, 2)).astype("float32")
    z = RNG.standard_normal((5, 2)).astype("float32")
    (g_w, g_b), (e_w, e_b) = gan.generator.get_layer("output").get_weights(), gan.encoder.get_layer("z").get_weights()
    w, b = gan.discriminator.get_layer("logits").get_weights()
    fake = z @ g_w + g_b
    real_logits = np.concatenate([real, real @ e_w + e_b], axis=1) @ w + b
    fake_logits = np.concatenate([fake, z], axis=1) @ w + b
    d = gan.discriminator_objective(Batch(real, None, z, gan.generator(z), None, SEED))
    expected_d = _softplus(-real_logits).mean() + _softplus(fake_logits).mean()
    assert float(d.total) == pytest.approx(expected_d, rel=1e-5)
    # G and E swap the labels: (G(z), z) should pass as data, (x, E(x)) as generated.
    g = gan.generator_objective(Batch(real, None, z, gan.generator(z), None, SEED))
    expected_g = _softplus(-fake_logits).mean() + _softplus(real_logits).mean()
    assert float(g.total) == pytest.approx(expected_g, rel=1e-5)
    # minimax: G and E minimise D's own objective, negated.
    minimax = models.BiGAN(gan.generator, gan.discriminator, gan.encoder, generator_loss="minimax")
    g = minimax.generator_objective(Batch(real, None, z, gan.generator(z), None, SEED))
    assert float(g.total) == pytest.approx(-expected_d, rel=1e-5)


def test_bigan_generator_step_trains_the_encoder_with_the_generator():
    gan = compiled(_linear_bigan, run_eagerly=True)
    names = {id(v) for v in gan.generator_variables()}
    assert all(id(v) in names for v in gan.encoder.trainable_variables + gan.generator.trainable_variables)
    assert set(gan.checkpoint_extras()) == {"encoder"}
    before = {name: [w.numpy() for w in model.weights] for name, model in
              (("encoder", gan.encoder), ("generator", gan.generator))}
    gan.fit(_image_batches(RNG.standard_normal((64, 2)).astype("float32"), 32), epochs=1, verbose=0)
    for name, model in (("encoder", gan.encoder), ("generator", gan.generator)):
        assert not all(np.array_equal(a, w.numpy()) for a, w in zip(before[name], model.weights)), name
    assert gan.encode(np.zeros((3, 2), "float32")).shape == (3, 2)
    assert gan.reconstruct(np.zeros((3, 2), "float32")).shape == (3, 2)


def test_bigan_rejects_a_mismatched_encoder_or_discriminator():
    generator = networks.mlp_generator(4, (2,))
    discriminator = bigan.joint_mlp_discriminator((2,), 4)
    with pytest.raises(ValueError, match=r"\[B, 4\]"):
        models.BiGAN(generator, discriminator, bigan.mlp_encoder((2,), 3))
    with pytest.raises(ValueError, match="two inputs"):
        models.BiGAN(generator, networks.mlp_discriminator((2,)), bigan.mlp_encoder((2,), 4))


def test_bigan_r1_and_r2_penalize_the_sample_gradient_of_each_pair():
    # D(x, z) = [x, z] . w + b: grad_x D = w_x for every pair, so R1 = gamma_1 / 2 ||w_x||^2
    # and R2 = gamma_2 / 2 ||w_x||^2 (the code of each pair is held fixed).
    gan = compiled(lambda: _linear_bigan(r1_gamma=2.0, r2_gamma=1.0), run_eagerly=True)
    w_x = gan.discriminator.get_layer("logits").get_weights()[0][:2, 0]
    history = gan.fit(_image_batches(RNG.standard_normal((32, 2)).astype("float32"), 32), epochs=1,
                      verbose=0).history
    assert history["r1"][0] == pytest.approx(float(np.sum(w_x**2)), rel=1e-5)
    assert history["r2"][0] == pytest.approx(0.5 * float(np.sum(w_x**2)), rel=1e-5)


# ----------------------------------------------------------------------------- SGAN


def test_semi_supervised_labels_keep_k_labels_per_class():
    labels = digits().labels
    kept = gan_data.semi_supervised_labels(labels, 10, seed=0)
    assert np.sum(kept >= 0) == 100
    np.testing.assert_array_equal(np.bincount(kept[kept >= 0], minlength=10), [10] * 10)
    np.testing.assert_array_equal(kept[kept >= 0], labels[kept >= 0])
    assert np.all(kept[kept < 0] == -1)
    np.testing.assert_array_equal(kept, gan_data.semi_supervised_labels(labels, 10, seed=0))
    assert not np.array_equal(kept, gan_data.semi_supervised_labels(labels, 10, seed=1))
    with pytest.raises(ValueError, match="labels_per_class=0"):
        gan_data.semi_supervised_labels(labels, 0)


def test_semi_supervised_dataset_puts_a_labelled_batch_in_every_step():
    data = digits()
    labels = gan_data.semi_supervised_labels(data.labels, 2, seed=0)
    dataset = gan_data.semi_supervised_dataset(data.images, labels, 64, 16, seed=0, num_epochs=1)
    batches = list(dataset)
    assert len(batches) == len(data) // 64
    labelled_index = {data.images[i].tobytes(): labels[i] for i in np.flatnonzero(labels >= 0)}
    for images, batch_labels in batches[:3]:
        images, batch_labels = images.numpy(), batch_labels.numpy()
        assert images.shape == (80, *DIGITS_SHAPE)
        assert np.all(batch_labels[:64] == -1)
        for image, label in zip(images[64:], batch_labels[64:]):
            assert labelled_index[image.tobytes()] == label
    with pytest.raises(ValueError, match="no labelled example"):
        gan_data.semi_supervised_dataset(data.images, np.full(len(data), -1), 64, 16)


def test_add_labelled_rows_draws_each_label_once_per_pass_and_resumes():
    data = digits()
    labels = gan_data.semi_supervised_labels(data.labels, 2, seed=0)  # 20 labelled examples
    index = {data.images[i].tobytes(): (i, labels[i]) for i in np.flatnonzero(labels >= 0)}
    source = tf.data.Dataset.from_tensor_slices((data.images[:320], data.labels[:320])).batch(32)
    batches = list(gan_data.add_labelled_rows(source, data.images, labels, 5, seed=3))
    assert len(batches) == 10
    seen = []
    for images, batch_labels in batches:
        images, batch_labels = images.numpy(), batch_labels.numpy()
        assert images.shape == (37, *DIGITS_SHAPE)
        assert np.all(batch_labels[:32] == -1)
        for image, label in zip(images[32:], batch_labels[32:]):
            i, expected = index[image.tobytes()]
            assert label == expected
            seen.append(i)
    # 4 steps of 5 make one pass over the 20: each labelled example exactly once per pass.
    for start in range(0, 40, 20):
        assert sorted(seen[start:start + 20]) == sorted(i for i, _ in index.values())
    assert seen[:20] != seen[20:40]  # a fresh permutation per pass
    resumed = list(gan_data.add_labelled_rows(source.skip(6), data.images, labels, 5, seed=3, start_step=6))
    for (a, la), (b, lb) in zip(batches[6:], resumed):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(la.numpy(), lb.numpy())
    with pytest.raises(ValueError, match="labelled_batch_size=0"):
        gan_data.add_labelled_rows(source, data.images, labels, 0)


def test_sgan_trainer_appends_a_labelled_batch_and_resumes_exactly(tmp_path):
    from keras_gan.training import TrainConfig, train

    ring = gan_data.load_arrays("ring8", num_examples=1024, seed=0, with_labels=True)

    # A constant rate: the toy recipe's linear decay would stretch over the longer resumed
    # run (tests/test_schedules.py tests that case).
    def config(name, epochs, resume=False):
        return TrainConfig(variant="sgan", dataset="ring8", output_dir=str(tmp_path / name),
                           epochs=epochs, batch_size=128, hidden_units=16, latent_dim=4, verbose=0,
                           resume=resume, lr_schedule="constant",
                           options={"labels_per_class": 2, "labelled_batch_size": 8})

    whole = train(config("whole", 3), data=ring)
    train(config("split", 1), data=ring)
    resumed = train(config("split", 3, resume=True), data=ring)
    for a, b in zip(whole.gan.discriminator.get_weights(), resumed.gan.discriminator.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    # 8 labelled rows among 136 every step: the supervised loss is logged and finite.
    assert all(np.isfinite(whole.history["supervised_loss"]))


def _sgan(units=(16,), noise=0.0, **kwargs):
    return models.SGAN(
        networks.mlp_generator(4, DIGITS_SHAPE, hidden_units=(16,)),
        conditional.classifier_mlp_discriminator(DIGITS_SHAPE, 10, hidden_units=units,
                                                 input_noise=noise, hidden_noise=noise),
        **kwargs,
    )


def test_sgan_supervised_loss_averages_over_labelled_examples_only():
    gan = _sgan()
    logits = np.array([[1.0, 0.0, 0, 0, 0, 0, 0, 0, 0, 0], [5.0] * 10, [0.0, 2.0] + [0.0] * 8, [9.0] * 10], "float32")
    labels = np.array([0, -1, 1, -1])
    # CE of rows 0 and 2 only: log(e + 9) - 1 and log(e^2 + 9) - 2.
    expected = ((math.log(math.e + 9) - 1) + (math.log(math.e**2 + 9) - 2)) / 2
    assert float(gan.supervised_loss(tf.constant(logits), tf.constant(labels))) == pytest.approx(expected, rel=1e-5)
    assert float(gan.supervised_loss(tf.constant(logits), tf.constant([-1, -1, -1, -1]))) == 0.0


def test_sgan_discriminator_is_a_k_class_classifier_with_an_implicit_fake_class():
    gan = _sgan(supervised_weight=0.5, unsupervised_weight=2.0)
    real = digits().images[:6]
    labels = np.array([3, -1, -1, 7, -1, 0], "int32")
    fake = RNG.uniform(-1, 1, (6, *DIGITS_SHAPE)).astype("float32")
    real_logits, fake_logits = gan.discriminator(real).numpy(), gan.discriminator(fake).numpy()
    lse_real = np.log(np.exp(real_logits).sum(1))
    lse_fake = np.log(np.exp(fake_logits).sum(1))
    # D(x) = Z / (Z + 1): -log D(x) = softplus(-lse), -log(1 - D(G(z))) = softplus(lse);
    # the real part over the unlabelled rows only.
    rows = labels >= 0
    unsupervised = _softplus(-lse_real[~rows]).mean() + _softplus(lse_fake).mean()
    supervised = np.mean(lse_real[rows] - real_logits[rows, labels[rows]])
    terms = gan.discriminator_objective(Batch(real, labels, None, fake, None, SEED))
    assert float(terms.metrics["unsupervised_loss"]) == pytest.approx(unsupervised, rel=1e-5)
    assert float(terms.metrics["supervised_loss"]) == pytest.approx(supervised, rel=1e-5)
    assert float(terms.total) == pytest.approx(0.5 * supervised + 2.0 * unsupervised, rel=1e-5)
    # `discriminate` (what R1 / R2 penalize) gives the logit of D(x): logsumexp.
    np.testing.assert_allclose(gan.discriminate(real, None, False).numpy()[:, 0], lse_real, rtol=1e-5)
    # ... on which the base GAN's logistic losses equal the semi-supervised ones.
    base_loss = losses.minimax_discriminator_loss(lse_real[~rows, None], lse_fake[:, None])
    assert float(base_loss) == pytest.approx(unsupervised, rel=1e-5)


def _identity_sgan(**kwargs):
    """SGAN whose D's class logits are its 3-D input (identity kernel, zero bias)."""
    x = keras.Input((3,))
    logits = keras.layers.Dense(3, kernel_initializer="identity", bias_initializer="zeros")(x)
    generator = networks.mlp_generator(4, (3,), hidden_units=(4,), output_activation=None)
    return models.SGAN(generator, keras.Model(x, logits), feature_matching=False, **kwargs)


def test_sgan_discriminator_loss_golden_values_authors_weight_and_unlabelled_rows():
    # Class logits chosen so that Z = sum_k exp(l_k) is 3, 6 or 8. Real rows: Z 3
    # (unlabelled), 6 (label 0), 3 (unlabelled), 8 (label 2); fake rows: Z 6 and 8.
    # Real part over the unlabelled rows: -log D = log(1 + 1/Z) = log(4/3); fake part:
    # -log(1 - D) = log(1 + Z): (log 7 + log 9) / 2. Supervised CE = log Z - l_y:
    # (log 6 - log 3) and (log 8 - log 2), mean 1.5 log 2. The authors' 0.5 * (...):
    # d_loss = 1.5 log 2 + 0.5 (log(4/3) + log(63) / 2).
    ln = math.log
    a, b, c = [0.0, 0.0, 0.0], [ln(3), ln(2), 0.0], [ln(5), 0.0, ln(2)]
    real = np.array([a, b, a, c], "float32")
    labels = np.array([-1, 0, -1, 2], "int32")
    fake = np.array([b, c], "float32")
    gan = _identity_sgan()
    assert gan.unsupervised_weight == 0.5
    terms = gan.discriminator_objective(Batch(real, labels, None, fake, None, SEED))
    unsupervised = ln(4 / 3) + ln(63) / 2
    assert float(terms.metrics["unsupervised_loss"]) == pytest.approx(unsupervised, rel=1e-6)
    assert float(terms.metrics["supervised_loss"]) == pytest.approx(1.5 * ln(2), rel=1e-6)
    assert float(terms.total) == pytest.approx(1.5 * ln(2) + 0.5 * unsupervised, rel=1e-6)
    # A batch without labelled rows: the real part is the mean over all of them.
    terms = gan.discriminator_objective(Batch(real[[0, 2]], labels[[0, 2]], None, fake, None, SEED))
    assert float(terms.total) == pytest.approx(0.5 * unsupervised, rel=1e-6)


def test_sgan_refuses_label_smoothing():
    with pytest.raises(ValueError, match="`label_smoothing` does not apply to SGAN.*"
                       "Received: label_smoothing=0.1"):
        _identity_sgan(label_smoothing=0.1)
    assert _identity_sgan(label_smoothing=0.0).label_smoothing == 0.0


def test_sgan_generator_loss_is_feature_matching_or_non_saturating():
    gan = _sgan(units=(12, 6))
    real = digits().images[:8]
    z = RNG.standard_normal((8, 4)).astype("float32")
    fake = gan.generator(z)
    features = keras.Model(gan.discriminator.input, gan.discriminator.get_layer("features").output)
    real_f, fake_f = features(real).numpy(), features(fake).numpy()
    assert real_f.shape == (8, 6)
    expected = np.mean((real_f.mean(0) - fake_f.mean(0)) ** 2)
    g = gan.generator_objective(Batch(real, None, z, fake, None, SEED))
    assert float(g.total) == pytest.approx(expected, rel=1e-4)
    plain = _sgan(feature_matching=False)
    lse = np.log(np.exp(plain.discriminator(fake).numpy()).sum(1))
    g = plain.generator_objective(Batch(real, None, z, fake, None, SEED))
    assert float(g.total) == pytest.approx(_softplus(-lse).mean(), rel=1e-5)


def test_sgan_classifier_shares_the_discriminators_weights():
    gan = compiled(_sgan)
    images = digits().images[:5]
    probabilities = gan.classifier.predict(images, verbose=0)
    logits = gan.discriminator(images).numpy()
    softmax = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(probabilities, softmax, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(gan.classify(images), softmax.argmax(1))
    assert {id(w) for w in gan.classifier.weights} == {id(w) for w in gan.discriminator.weights}
    assert gan.describe()["classifier_classes"] == 10 and gan.num_classes is None


def test_sgan_rejects_unlabelled_batches_and_a_missing_feature_layer():
    gan = compiled(_sgan)
    with pytest.raises(ValueError, match="label -1 for unlabelled"):
        gan.fit(_image_batches(digits().images[:64], 32), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="feature_layer='hidden'"):
        _sgan(feature_layer="hidden")
    with pytest.raises(ValueError, match="class logits"):
        models.SGAN(networks.mlp_generator(4, (2,)), networks.mlp_discriminator((2,)))


def test_sgan_recipe_keeps_labels_per_class():
    from keras_gan.recipes.sgan import prepare_sgan_data

    data = digits()
    prepared = prepare_sgan_data(data, {"labels_per_class": 10, "seed": 0})
    assert np.sum(prepared.labels >= 0) == 100 and prepared.images is data.images
    assert prepare_sgan_data(data, {"labels_per_class": None, "seed": 0}) is data


# ------------------------------------------------- strategies, resume, trainer


@pytest.mark.parametrize("variant", ["infogan", "bigan", "sgan"])
def test_train_cli_runs_one_epoch_on_digits(variant, tmp_path):
    code, out = run_variant_cli(variant, tmp_path)
    assert code == 0
    facts = json.loads((out / runs.FACTS_FILE).read_text())
    assert facts["variant"] == variant and facts["image_shape"] == [16, 16, 1]
    assert facts["num_classes"] is None  # unconditional generators: generator(z)
    generator = keras.saving.load_model(str(out / runs.GENERATOR_FILE))
    assert generator(np.zeros((2, facts["latent_dim"]), "float32")).shape == (2, 16, 16, 1)
    if variant == "infogan":  # the paper's 62 noise + 10-way code + 2 continuous codes
        assert facts["latent_dim"] == 74
        assert facts["latent_layout"] == {"noise": [0, 62], "categorical": [[62, 72]], "continuous": [72, 74]}
    if variant == "bigan":
        names = [name for name, _ in tf.train.list_variables(str(out / runs.CHECKPOINT_DIR))]
        assert any(name.startswith("encoder/") for name in names)
    if variant == "sgan":
        assert facts["classifier_classes"] == 10


# ----------------------------------------------------------------- learning


def _nmi(a, b):
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(a, b))


def infogan_digits_run(seed):
    """InfoGAN with one 10-way categorical code on 8x8 digits, 30 epochs, init and shuffle
    seed `seed`: the purity and NMI of the code against the classes an SVC gives its
    samples, and NMI(Q(x), label) on the test digits."""
    def build():
        return models.InfoGAN(
            networks.mlp_generator(16 + 10, DIGITS_SHAPE, hidden_units=(128, 128)),
            conditional.auxiliary_mlp_discriminator(DIGITS_SHAPE, 10, hidden_units=(128, 128),
                                                    aux_hidden_units=(64,)),
            categorical_dims=(10,),
            continuous_dim=0,
        )

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    gan = build()
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    gan.fit(_image_batches(digits().images, 32, shuffle_seed=seed), epochs=30, verbose=0)
    codes = np.repeat(np.arange(10), 100)
    predicted = digits_classifier()(gan.generate(1000, seed=1, labels=codes))
    counts = np.array([np.bincount(predicted[codes == c], minlength=10) for c in range(10)])
    test = digits("test")
    return {
        "purity": float(counts.max(axis=1).sum() / 1000),  # share of each code's samples in its main class
        "nmi": _nmi(codes, predicted),
        "main_classes": len(set(counts.argmax(1))),
        "q_nmi": _nmi(test.labels, gan.predict_codes(test.images)[0][:, 0]),
    }


def bigan_digits_run(seed):
    """BiGAN on 8x8 digits (z of 8), 40 epochs, init and shuffle seed `seed`: how much
    closer G(E(x)) is to test digits x than G(z), and how often E-then-G keeps the class."""
    def build():
        return models.BiGAN(
            networks.mlp_generator(8, DIGITS_SHAPE, hidden_units=(128, 128)),
            bigan.joint_mlp_discriminator(DIGITS_SHAPE, 8, hidden_units=(128, 128),
                                          latent_units=(128,), joint_units=(128,)),
            bigan.mlp_encoder(DIGITS_SHAPE, 8, hidden_units=(128, 128)),
        )

    keras.backend.clear_session()
    gan = compiled(build, init_seed=seed, lr=5e-4)
    gan.fit(_image_batches(digits().images, 64, shuffle_seed=seed), epochs=40, verbose=0)
    test = digits("test")
    x, reconstructed = test.images, gan.reconstruct(test.images)
    reconstruction = np.linalg.norm((reconstructed - x).reshape(len(x), -1), axis=1)
    random = np.linalg.norm((gan.generate(len(x), seed=3) - x).reshape(len(x), -1), axis=1)
    return {
        "reconstruction": float(reconstruction.mean()),
        "random": float(random.mean()),
        "closer": float(np.mean(reconstruction < random)),
        "same_class": float(np.mean(digits_classifier()(reconstructed) == test.labels)),
    }


# InfoGAN and BiGAN on digits, init and shuffle seeds 0-4, ~4-7 CPU-s per seed; measured on
# an AVX-512 machine (2026-12-02), oneDNN on / TF_ENABLE_ONEDNN_OPTS=0:
#   InfoGAN purity 0.949 0.897 0.883 0.936 0.924 / 0.960 0.932 0.899 0.915 0.934,
#           NMI(code, class) 0.792 0.861 0.792 0.898 0.886 / 0.924 0.878 0.813 0.856 0.916,
#           distinct main classes 7 8 7 9 9 / 9 8 7 7 9 (of 10).
#   BiGAN share of test digits closer to G(E(x)) than to G(z)
#           0.880 0.939 0.816 0.864 0.883 / 0.933 0.928 0.844 0.886 0.877,
#         G(E(x)) classified as x's class 0.382 0.521 0.242 0.421 0.262 / 0.407 0.443 0.365
#           0.348 0.462 (chance 0.1).
# (The single-seed checks they replace asked purity >= 0.8, NMI >= 0.6, closer >= 0.6.)
INFOGAN_PURITY, INFOGAN_NMI, INFOGAN_MAIN_CLASSES = 0.85, 0.7, 6
BIGAN_CLOSER, BIGAN_SAME_CLASS = 0.75, 0.2


@pytest.mark.slow
@pytest.mark.learning
def test_infogan_categorical_code_separates_digit_classes_over_seeds():
    results = [infogan_digits_run(seed) for seed in range(5)]
    print("InfoGAN on digits, seeds 0-4:", results)
    assert count(results, lambda r: r["purity"] >= INFOGAN_PURITY) >= 4
    assert min(r["purity"] for r in results) >= 0.8
    # chance is ~0.01; a code ignored by G (one class for all) gives 0
    assert count(results, lambda r: r["nmi"] >= INFOGAN_NMI) >= 4
    assert min(r["nmi"] for r in results) >= 0.6
    # Not a few classes shared out among the codes: most codes lead to a class of their own.
    assert count(results, lambda r: r["main_classes"] >= INFOGAN_MAIN_CLASSES) >= 4


@pytest.mark.slow
@pytest.mark.learning
def test_bigan_reconstructions_are_closer_to_their_inputs_than_random_samples_over_seeds():
    results = [bigan_digits_run(seed) for seed in range(5)]
    print("BiGAN on digits, seeds 0-4:", results)
    assert all(r["reconstruction"] < r["random"] for r in results)
    assert count(results, lambda r: r["closer"] >= BIGAN_CLOSER) >= 4
    assert min(r["closer"] for r in results) >= 0.6
    # E inverts G well enough to keep the digit's class twice as often as chance.
    assert count(results, lambda r: r["same_class"] >= BIGAN_SAME_CLASS) >= 4


class _TestAccuracy(keras.callbacks.Callback):
    """Test-split accuracy of `predict_classes()` after each of the last `last` epochs."""

    def __init__(self, predict_classes, epochs, last=5):
        super().__init__()
        self.predict_classes, self.first, self.values = predict_classes, epochs - last, []

    def on_epoch_end(self, epoch, logs=None):
        if epoch >= self.first:
            self.values.append(float(np.mean(self.predict_classes() == digits("test").labels)))


# SGAN's test accuracy minus the classifier's alone, seeds 0-4, ~11 CPU-s per seed; AVX-512
# machine (2026-12-02), oneDNN on: 0.032 0.023 0.037 0.032 0.035 (SGAN 0.935-0.957, alone
# 0.898-0.925); TF_ENABLE_ONEDNN_OPTS=0: 0.029 0.021 0.034 0.027 0.036. (The single-seed
# check it replaces asked a gain >= 0.01.)
SGAN_GAIN, SGAN_MEDIAN_GAIN = 0.015, 0.02


def sgan_digits_run(seed):
    """SGAN's classifier and the same classifier trained on the labelled digits alone (10
    per class, chosen with `seed`; init and shuffle seed `seed`): their test accuracies,
    each averaged over the last 5 of 30 epochs (they move by ~1 point per epoch)."""
    data, test = digits(), digits("test")
    labels = gan_data.semi_supervised_labels(data.labels, 10, seed=seed)
    epochs, batch, labelled_batch = 30, 64, 32
    steps_per_epoch = len(data) // batch

    def classifier():
        return conditional.classifier_mlp_discriminator(DIGITS_SHAPE, 10, hidden_units=(256, 128, 128))

    # The same classifier architecture, optimizer, labelled digits, labelled batch size and
    # number of steps, without the GAN. Not the same initial weights: both start from
    # `seed`, but SGAN builds its generator first, so its classifier gets later draws.
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    alone = classifier()
    alone.compile(keras.optimizers.Adam(1e-3, beta_1=0.5),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    labelled = labels >= 0
    alone_accuracy = _TestAccuracy(lambda: np.argmax(alone.predict(test.images, verbose=0), 1), epochs)
    alone.fit(
        tf.data.Dataset.from_tensor_slices((data.images[labelled], labels[labelled]))
        .repeat().shuffle(100, seed=seed).batch(labelled_batch),
        steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=0, callbacks=[alone_accuracy],
    )

    def build():
        return models.SGAN(conditional.batch_norm_mlp_generator(100, DIGITS_SHAPE, (256, 256)), classifier())

    gan = compiled(build, init_seed=seed, lr=1e-3)
    sgan_accuracy = _TestAccuracy(lambda: gan.classify(test.images), epochs)
    gan.fit(gan_data.semi_supervised_dataset(data.images, labels, batch, labelled_batch, seed=seed, num_epochs=epochs),
            epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=0, callbacks=[sgan_accuracy])
    return {"sgan": float(np.mean(sgan_accuracy.values)), "alone": float(np.mean(alone_accuracy.values))}


@pytest.mark.slow
@pytest.mark.learning
def test_sgan_with_10_labels_per_class_beats_the_classifier_trained_on_them_alone_over_seeds():
    results = [sgan_digits_run(seed) for seed in range(5)]
    print("SGAN on digits (test accuracy: SGAN, the classifier alone), seeds 0-4:", results)
    gains = [r["sgan"] - r["alone"] for r in results]
    assert count(gains, lambda gain: gain >= SGAN_GAIN) >= 4
    assert min(gains) > 0
    assert float(np.median(gains)) >= SGAN_MEDIAN_GAIN
