"""Conditional networks, CGAN and ACGAN: their math against values worked out by hand or in
NumPy, the trainer, and class-conditional learning (MirroredStrategy, exact resume and
round trips: tests/test_conformance.py)."""

import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import models, networks
from keras_gan import runs
from keras_gan.networks import bigan, conditional
from keras_gan.models.base import Batch
from tests.helpers import (
    DIGITS_SHAPE,
    compiled,
    digits,
    digits_classifier,
    labelled_batches,
    run_variant_cli,
)

RNG = np.random.default_rng(0)


def _leaky_relu(x):
    return np.where(x > 0, x, 0.2 * x)  # Keras' "leaky_relu" activation: slope 0.2


def _softplus(x):
    return np.log1p(np.exp(x))


def _layer_output(model, name, inputs):
    return keras.Model(model.inputs, model.get_layer(name).output)(inputs).numpy()


# ------------------------------------------------------------------------- networks


def test_conditional_mlp_generator_joins_one_hot_labels_to_z():
    generator = conditional.conditional_mlp_generator(3, (2,), 4, hidden_units=(6,), output_activation=None)
    z = RNG.standard_normal((5, 3)).astype("float32")
    labels = np.array([0, 3, 1, 2, 3], "int32")
    w0, b0 = generator.get_layer("dense_0").get_weights()
    w1, b1 = generator.get_layer("output").get_weights()
    joined = np.concatenate([z, np.eye(4)[labels]], axis=1)
    expected = np.maximum(joined @ w0 + b0, 0.0) @ w1 + b1
    np.testing.assert_allclose(generator([z, labels]).numpy(), expected, rtol=1e-5, atol=1e-6)
    # The one-hot code is frozen: nothing about it is learned.
    assert not generator.get_layer("label_one_hot").trainable_weights


def test_embedded_labels_are_learned_and_change_the_sample():
    generator = conditional.conditional_mlp_generator(3, DIGITS_SHAPE, 10, embedding_dim=5)
    assert generator.get_layer("label_embedding").trainable_weights[0].shape == (10, 5)
    z = np.zeros((2, 3), "float32")
    samples = generator([z, np.array([1, 7], "int32")]).numpy()
    assert samples.shape == (2, *DIGITS_SHAPE) and np.abs(samples).max() <= 1.0
    assert not np.allclose(samples[0], samples[1])


def test_projection_discriminator_is_linear_term_plus_embedded_label_dot_features():
    # Miyato & Koyama 2018, eq. 3: D(x, y) = psi(phi(x)) + <V_y, phi(x)>.
    for discriminator, images in (
        (conditional.conditional_mlp_discriminator((2, 2, 1), 3, hidden_units=(5,)),
         RNG.uniform(-1, 1, (6, 2, 2, 1))),
        (conditional.conditional_dcgan_discriminator((16, 16, 1), 3, base_filters=4),
         RNG.uniform(-1, 1, (6, 16, 16, 1))),
    ):
        images = images.astype("float32")
        labels = np.array([0, 1, 2, 2, 1, 0], "int32")
        features = _layer_output(discriminator, "features", [images, labels])
        w, b = discriminator.get_layer("linear").get_weights()
        (embedding,) = discriminator.get_layer("class_embedding").get_weights()
        expected = features @ w + b + np.sum(embedding[labels] * features, axis=1, keepdims=True)
        logits = discriminator([images, labels], training=False).numpy()
        np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-5)
        # The label matters: another label gives another logit.
        other = discriminator([images, (labels + 1) % 3], training=False).numpy()
        assert not np.allclose(logits, other)


def test_concat_mlp_discriminator_is_an_mlp_on_input_and_one_hot_label():
    discriminator = conditional.conditional_mlp_discriminator(
        (2, 2, 1), 3, conditioning="concat", hidden_units=(5,)
    )
    images = RNG.uniform(-1, 1, (4, 2, 2, 1)).astype("float32")
    labels = np.array([2, 0, 1, 2], "int32")
    w0, b0 = discriminator.get_layer("dense_0").get_weights()
    w1, b1 = discriminator.get_layer("logits").get_weights()
    joined = np.concatenate([images.reshape(4, -1), np.eye(3)[labels]], axis=1)
    expected = _leaky_relu(joined @ w0 + b0) @ w1 + b1
    np.testing.assert_allclose(discriminator([images, labels]).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_concat_dcgan_discriminator_sees_one_hot_label_maps_as_extra_channels():
    discriminator = conditional.conditional_dcgan_discriminator(
        (16, 16, 3), 4, conditioning="concat", base_filters=4
    )
    images = RNG.uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    labels = np.array([3, 1], "int32")
    joined = _layer_output(discriminator, "image_and_label", [images, labels])
    assert joined.shape == (2, 16, 16, 7)
    np.testing.assert_array_equal(joined[..., :3], images)
    expected_maps = np.broadcast_to(np.eye(4)[labels][:, None, None, :], (2, 16, 16, 4))
    np.testing.assert_array_equal(joined[..., 3:], expected_maps)


def test_conditional_dcgan_networks_keep_the_dcgan_bodies():
    def trainable(model):
        return sum(int(np.prod(w.shape)) for w in model.trainable_weights)

    # G: the DCGAN generator fed with [z, one_hot(y)]: its parameters, plus the frozen
    # 10 x 10 identity that one-hot encodes the label.
    generator = conditional.conditional_dcgan_generator(16, (32, 32, 3), 10, base_filters=8)
    plain_generator = networks.dcgan_generator(26, (32, 32, 3), 8)
    assert trainable(generator) == trainable(plain_generator)
    assert generator.count_params() == plain_generator.count_params() + 10 * 10
    assert generator.output_shape == (None, 32, 32, 3)
    # D (projection): the DCGAN discriminator plus a (10 x features) class embedding.
    discriminator = conditional.conditional_dcgan_discriminator((32, 32, 3), 10, base_filters=8)
    plain = networks.dcgan_discriminator((32, 32, 3), 8)
    num_features = discriminator.get_layer("features").output.shape[-1]
    assert discriminator.count_params() == plain.count_params() + 10 * num_features
    # Conditional models are made of built-in layers only: a saved generator loads anywhere.
    for model in (generator, discriminator):
        assert all(type(layer).__module__.startswith("keras.") for layer in model.layers)


def test_saved_conditional_generator_reloads_with_identical_outputs(tmp_path):
    generator = conditional.conditional_dcgan_generator(8, (16, 16, 1), 10, base_filters=4)
    path = str(tmp_path / "generator.keras")
    generator.save(path)
    reloaded = keras.saving.load_model(path)
    inputs = [RNG.standard_normal((3, 8)).astype("float32"), np.array([0, 5, 9], "int32")]
    np.testing.assert_allclose(reloaded(inputs).numpy(), generator(inputs).numpy(), atol=1e-6)


def test_auxiliary_discriminators_return_source_and_auxiliary_heads():
    mlp = conditional.auxiliary_mlp_discriminator(DIGITS_SHAPE, 7, hidden_units=(8,), aux_hidden_units=(4,))
    conv = conditional.auxiliary_dcgan_discriminator((16, 16, 1), 7, base_filters=4)
    for model, shape in ((mlp, DIGITS_SHAPE), (conv, (16, 16, 1))):
        source, auxiliary = model(np.zeros((3, *shape), "float32"))
        assert source.shape == (3, 1) and auxiliary.shape == (3, 7)


@pytest.mark.parametrize(
    "build, match",
    [
        (lambda: conditional.conditional_mlp_generator(4, (2,), 1), "num_classes=1"),
        (lambda: conditional.conditional_mlp_generator(4, (2,), 3, embedding_dim=0), "embedding_dim=0"),
        (lambda: conditional.conditional_mlp_discriminator((2,), 3, conditioning="sum"), "conditioning='sum'"),
        (lambda: conditional.conditional_dcgan_discriminator((12, 12, 1), 3), "image_shape"),
        (lambda: conditional.auxiliary_mlp_discriminator((2,), 0), "num_outputs=0"),
        (lambda: bigan.joint_mlp_discriminator((2,), 4, dropout=1.5), "dropout=1.5"),
    ],
)
def test_builders_reject_bad_arguments_by_name(build, match):
    with pytest.raises(ValueError, match=match):
        build()


# ---------------------------------------------------------------------------- CGAN


def _cgan(**kwargs):
    return models.CGAN(
        conditional.conditional_mlp_generator(4, DIGITS_SHAPE, 10, hidden_units=(16,)),
        conditional.conditional_mlp_discriminator(DIGITS_SHAPE, 10, hidden_units=(16,)),
        num_classes=10,
        **kwargs,
    )


def test_cgan_discriminator_loss_scores_reals_with_data_labels_and_fakes_with_theirs():
    gan = _cgan()
    real = digits().images[:6]
    real_labels = digits().labels[:6].astype("int32")
    fake = RNG.uniform(-1, 1, (6, *DIGITS_SHAPE)).astype("float32")
    fake_labels = np.array([9, 8, 7, 6, 5, 4], "int32")
    batch = Batch(real, real_labels, None, fake, fake_labels, tf.constant([0, 0]))
    d_loss = gan.discriminator_objective(batch).total
    real_logits = gan.discriminator([real, real_labels]).numpy()
    fake_logits = gan.discriminator([fake, fake_labels]).numpy()
    expected = _softplus(-real_logits).mean() + _softplus(fake_logits).mean()
    assert float(d_loss) == pytest.approx(expected, rel=1e-5)
    g_loss = gan.generator_objective(batch).total
    assert float(g_loss) == pytest.approx(_softplus(-fake_logits).mean(), rel=1e-5)


def test_cgan_samples_labels_uniformly_and_generates_the_requested_classes():
    gan = compiled(_cgan)
    labels = gan.sample_labels(4000, tf.constant([1, 2])).numpy()
    assert labels.dtype == np.int32 and labels.min() == 0 and labels.max() == 9
    assert np.all(np.abs(np.bincount(labels, minlength=10) / 4000 - 0.1) < 0.02)
    z = np.random.default_rng(3).standard_normal((2, 4)).astype("float32")
    np.testing.assert_allclose(
        gan.generate(2, seed=3, labels=[4, 4]), gan.generator([z, np.array([4, 4])]).numpy(), atol=1e-6
    )
    with pytest.raises(ValueError, match="labels"):
        gan.generate(2, labels=[3, 10])
    facts = gan.describe()
    assert facts["variant"] == "cgan" and facts["num_classes"] == 10


def test_cgan_refuses_unlabelled_batches_and_unconditional_networks():
    gan = compiled(_cgan)
    images = tf.data.Dataset.from_tensor_slices(digits().images[:64]).batch(32)
    with pytest.raises(ValueError, match=r"\(images, labels\)"):
        gan.fit(images, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="`generator` must take two inputs"):
        models.CGAN(networks.mlp_generator(4, (2,)), networks.mlp_discriminator((2,)), num_classes=3)
    with pytest.raises(ValueError, match="num_classes=1"):
        models.CGAN(gan.generator, gan.discriminator, num_classes=1)


# --------------------------------------------------------------------------- ACGAN

# Two examples. Real: source logits [2, 0.5], class logits [[1, 0, -1], [0, 2, 0]] with
# labels [0, 1]. Fake: source logits [-1, 0], class logits [[0, 0, 0], [3, 0, 0]] with
# labels [2, 0].
REAL_SOURCE = np.array([[2.0], [0.5]], "float32")
REAL_CLASS = np.array([[1.0, 0.0, -1.0], [0.0, 2.0, 0.0]], "float32")
FAKE_SOURCE = np.array([[-1.0], [0.0]], "float32")
FAKE_CLASS = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 0.0]], "float32")
REAL_LABELS = np.array([0, 1], "int32")
FAKE_LABELS = np.array([2, 0], "int32")


def _sp(x):
    return math.log1p(math.exp(x))


def _ce(logits, label):
    return math.log(sum(math.exp(v) for v in logits)) - logits[label]


# L_S (D): softplus(-2), softplus(-0.5) on reals; softplus(-1), softplus(0) on fakes.
D_SOURCE = (_sp(-2.0) + _sp(-0.5)) / 2 + (_sp(-1.0) + _sp(0.0)) / 2
# L_C: log(e + 1 + 1/e) - 1 = 0.40761 and log(2 + e^2) - 2 = 0.23954 on reals;
# log 3 = 1.09861 and log(e^3 + 2) - 3 = 0.09492 on fakes.
D_CLASS = (_ce([1, 0, -1], 0) + _ce([0, 2, 0], 1)) / 2 + (_ce([0, 0, 0], 2) + _ce([3, 0, 0], 0)) / 2
G_SOURCE = (_sp(1.0) + _sp(0.0)) / 2  # non-saturating -log D(G(z)) = softplus(-l)
G_CLASS = (_ce([0, 0, 0], 2) + _ce([3, 0, 0], 0)) / 2


def _acgan(**kwargs):
    return models.ACGAN(
        conditional.conditional_mlp_generator(4, DIGITS_SHAPE, 3, hidden_units=(8,)),
        conditional.auxiliary_mlp_discriminator(DIGITS_SHAPE, 3, hidden_units=(8,)),
        num_classes=3,
        **kwargs,
    )


def _fixed_heads(gan):
    """`gan` whose D answers REAL_* on the samples "real" and FAKE_* on "fake", and the
    Batch holding them (the objectives then see these fixed logits)."""
    heads = {"real": [REAL_SOURCE, REAL_CLASS], "fake": [FAKE_SOURCE, FAKE_CLASS]}
    gan.heads = lambda samples, training: [tf.constant(t, tf.float32) for t in heads[samples]]
    return Batch("real", tf.constant(REAL_LABELS), None, "fake", tf.constant(FAKE_LABELS), None)


def test_acgan_losses_on_fixed_logits():
    assert D_CLASS == pytest.approx((0.407606 + 0.239545) / 2 + (1.098612 + 0.094923) / 2, abs=1e-5)
    gan = _acgan()
    batch = _fixed_heads(gan)
    d = gan.discriminator_objective(batch)
    assert sorted(d.terms) == ["adversarial", "class"]
    assert float(d.total) == pytest.approx(D_SOURCE + D_CLASS, rel=1e-5)
    assert float(d.metrics["d_class_loss"]) == pytest.approx(D_CLASS, rel=1e-5)
    g = gan.generator_objective(batch)
    assert float(g.total) == pytest.approx(G_SOURCE + G_CLASS, rel=1e-5)
    assert float(g.metrics["g_class_loss"]) == pytest.approx(G_CLASS, rel=1e-5)


def test_acgan_class_weight_and_minimax_generator_loss():
    gan = _acgan(class_weight=0.25, generator_loss="minimax")
    batch = _fixed_heads(gan)
    d = gan.discriminator_objective(batch)
    assert float(d.total) == pytest.approx(D_SOURCE + 0.25 * D_CLASS, rel=1e-5)
    # The logged class loss is the unweighted cross-entropy; the summed term is weighted.
    assert float(d.metrics["d_class_loss"]) == pytest.approx(D_CLASS, rel=1e-5)
    assert float(d.terms["class"]) == pytest.approx(0.25 * D_CLASS, rel=1e-5)
    g = gan.generator_objective(batch)
    # G maximises L_C - L_S literally: minimises log(1 - D(G(z))) = -softplus(l) + CE.
    minimax_source = -(_sp(-1.0) + _sp(0.0)) / 2
    assert float(g.total) == pytest.approx(minimax_source + 0.25 * G_CLASS, rel=1e-5)


def test_acgan_step_losses_use_the_discriminators_two_heads():
    gan = _acgan()
    real = RNG.uniform(-1, 1, (4, *DIGITS_SHAPE)).astype("float32")
    fake = RNG.uniform(-1, 1, (4, *DIGITS_SHAPE)).astype("float32")
    real_labels, fake_labels = np.array([0, 1, 2, 0], "int32"), np.array([2, 2, 1, 0], "int32")
    (rs, rc), (fs, fc) = [[t.numpy() for t in gan.discriminator(x)] for x in (real, fake)]

    def ce(logits, labels):
        return np.mean(np.log(np.exp(logits).sum(1)) - logits[np.arange(len(labels)), labels])

    d_loss = gan.discriminator_objective(Batch(real, real_labels, None, fake, fake_labels, None)).total
    expected = _softplus(-rs).mean() + _softplus(fs).mean() + ce(rc, real_labels) + ce(fc, fake_labels)
    assert float(d_loss) == pytest.approx(expected, rel=1e-5)
    # `discriminate` (what R1 / R2 penalize) sees the source head only.
    np.testing.assert_allclose(gan.discriminate(real, None, training=False).numpy(), rs, rtol=1e-6)
    np.testing.assert_allclose(gan.class_logits(real).numpy(), rc, rtol=1e-6)


def test_acgan_rejects_a_discriminator_without_a_class_head():
    with pytest.raises(ValueError, match=r"class_logits \[B, 3\]"):
        models.ACGAN(
            conditional.conditional_mlp_generator(4, (2,), 3),
            networks.mlp_discriminator((2,)),
            num_classes=3,
        )
    with pytest.raises(ValueError, match="class_weight=-1"):
        _acgan(class_weight=-1)


# ------------------------------------------------- strategies, resume, trainer


@pytest.mark.parametrize("variant", ["cgan", "acgan"])
def test_train_cli_runs_one_epoch_on_digits(variant, tmp_path):
    code, out = run_variant_cli(variant, tmp_path)
    assert code == 0
    facts = json.loads((out / runs.FACTS_FILE).read_text())
    assert facts["variant"] == variant and facts["num_classes"] == 10
    assert facts["image_shape"] == [16, 16, 1] and facts["step"] == 1438 // 64
    assert (out / runs.SAMPLES_DIR / "epoch_0001.png").exists()
    generator = keras.saving.load_model(str(out / runs.GENERATOR_FILE))
    images = generator([np.zeros((3, facts["latent_dim"]), "float32"), np.array([0, 4, 9], "int32")])
    assert images.shape == (3, 16, 16, 1)


# ----------------------------------------------------------------- learning


def _learn_classes(gan, epochs):
    data = digits()
    gan.fit(labelled_batches(data.images, data.labels, 64, shuffle_seed=0), epochs=epochs, verbose=0)
    labels = np.repeat(np.arange(10), 50)
    samples = gan.generate(500, seed=1, labels=labels)
    predicted = digits_classifier()(samples)
    per_class = [float(np.mean(predicted[labels == k] == k)) for k in range(10)]
    # Samples of one class are not all one image: their pixel spread, relative to the
    # spread of the real images of that class.
    real = data.images.reshape(len(data), -1)
    spread = np.mean([
        samples[labels == k].reshape(50, -1).std(0).mean() / real[data.labels == k].std(0).mean()
        for k in range(10)
    ])
    return float(np.mean(predicted == labels)), per_class, float(spread)


@pytest.mark.slow
@pytest.mark.learning
@pytest.mark.parametrize("variant", ["cgan", "acgan"])
def test_samples_of_class_k_are_classified_as_k_over_seeds(variant):
    # MLPs 2x128, z of 32, Adam(1e-3, 0.5), 30 epochs of bundled digits, init seeds 0-4
    # (~7 CPU-s each). One seed is no evidence: seed 0 alone was this test until it gave
    # cgan 0.89 (< 0.9) on an AVX2 machine. Measured accuracy of the digits classifier on
    # 500 samples (50 per class), AVX2 machine, 2026-12-02, oneDNN on and off (equal):
    #   cgan:  0.890, 0.910, 0.972, 0.964, 0.974 (relative spread 0.57-0.68)
    #   acgan: 0.962, 0.978, 0.972, 0.978, 0.978 (relative spread 0.49-0.59)
    # So: 4 of 5 seeds >= 0.85, the median >= 0.90, every seed >= 0.75, and no class
    # collapsed to one image (spread >= 0.3 in every seed; a collapsed class gives ~0).
    def build():
        generator = conditional.conditional_mlp_generator(32, DIGITS_SHAPE, 10, hidden_units=(128, 128))
        if variant == "cgan":
            discriminator = conditional.conditional_mlp_discriminator(DIGITS_SHAPE, 10, hidden_units=(128, 128))
            return models.CGAN(generator, discriminator, num_classes=10)
        discriminator = conditional.auxiliary_mlp_discriminator(DIGITS_SHAPE, 10, hidden_units=(128, 128))
        return models.ACGAN(generator, discriminator, num_classes=10)

    accuracies, spreads = [], []
    for seed in range(5):
        keras.backend.clear_session()
        accuracy, per_class, spread = _learn_classes(compiled(build, init_seed=seed, lr=1e-3), epochs=30)
        print(f"{variant} seed {seed}: classifier accuracy on samples {accuracy:.3f}, per class "
              f"{per_class}, relative spread {spread:.2f}")
        accuracies.append(accuracy)
        spreads.append(spread)
    assert sum(a >= 0.85 for a in accuracies) >= 4, accuracies
    assert sorted(accuracies)[2] >= 0.90 and min(accuracies) >= 0.75, accuracies
    assert min(spreads) >= 0.3, spreads


def test_digits_classifier_is_accurate_on_held_out_digits():
    test = digits("test")
    assert np.mean(digits_classifier()(test.images) == test.labels) >= 0.98
