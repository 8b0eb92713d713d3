"""The base GAN: its step, its contracts under MirroredStrategy, saving and learning."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import losses, models, networks
from keras_gan.models.base import Batch
from tests.helpers import all_weights, batches, ring_points, tiny_gan, two_cpu_strategy

LN2 = math.log(2.0)


def _zero_logit_discriminator(gan):
    # D's last layer at zero outputs logit 0 everywhere: D(x) = 1/2.
    last = gan.discriminator.get_layer("logits")
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])


def test_fit_changes_both_networks_and_logs_finite_losses():
    points, _ = ring_points(512)
    gan = tiny_gan()
    before = all_weights(gan)
    history = gan.fit(batches(points, 64), epochs=1, verbose=0).history
    after = all_weights(gan)
    g_count = len(gan.generator.weights)
    assert all(not np.allclose(a, b) for a, b in zip(before[:g_count], after[:g_count]))
    assert all(not np.allclose(a, b) for a, b in zip(before[g_count:], after[g_count:]))
    assert set(history) == {"d_loss", "g_loss"}
    assert all(np.isfinite(v[0]) for v in history.values())
    assert int(gan.g_optimizer.iterations.numpy()) == 8
    assert int(gan.d_optimizer.iterations.numpy()) == 8


@pytest.mark.parametrize("generator_loss, expected_g", [("non_saturating", LN2), ("minimax", -LN2)])
@pytest.mark.parametrize("replicas", [1, 2])
def test_logged_losses_are_true_values(generator_loss, expected_g, replicas):
    # With D frozen at logit 0: d_loss = 2 ln 2, g_loss = ln 2 (non-saturating) or
    # -ln 2 (minimax), whatever the number of replicas (no 1/N scaling in the logs).
    points, _ = ring_points(256)
    strategy = two_cpu_strategy() if replicas == 2 else None
    gan = tiny_gan(strategy, d_lr=0.0, generator_loss=generator_loss)
    _zero_logit_discriminator(gan)
    history = gan.fit(batches(points, 64), epochs=1, verbose=0).history
    assert history["d_loss"][0] == pytest.approx(2 * LN2, abs=1e-5)
    assert history["g_loss"][0] == pytest.approx(expected_g, abs=1e-5)


@pytest.mark.parametrize("d_steps, reuse", [(1, False), (2, False), (2, True)])
def test_mirrored_strategy_equals_one_device(d_steps, reuse):
    # Same initial weights, same data, same global noise: two replicas must reach the same
    # weights as one device, which holds only if losses are scaled by 1/N and gradients
    # summed (a missing or doubled scaling changes every Adam step), and, with d_steps > 1,
    # only if each D step's rows on the replicas together are the rows one device uses.
    points, _ = ring_points(1024)
    options = dict(ema_decay=0.9, d_steps=d_steps, reuse_generator_pass=reuse)
    one = tiny_gan(**options)
    two = tiny_gan(two_cpu_strategy(), **options)
    for a, b in zip(all_weights(one), all_weights(two)):
        np.testing.assert_array_equal(a, b)
    h1 = one.fit(batches(points, 128 * d_steps), epochs=2, verbose=0).history
    h2 = two.fit(batches(points, 128 * d_steps), epochs=2, verbose=0).history
    for a, b in zip(all_weights(one), all_weights(two)):
        np.testing.assert_allclose(a, b, atol=2e-6)
    for a, b in zip(one.ema_weights, two.ema_weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=2e-6)
    for name in ("d_loss", "g_loss"):
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-5)


def test_replicas_draw_different_noise():
    strategy = two_cpu_strategy()
    gan = tiny_gan(strategy)

    @tf.function
    def draw():
        return strategy.run(lambda: gan.sample_latent(4, tf.constant([3, 4])))

    per_replica = strategy.experimental_local_results(draw())
    assert not np.allclose(per_replica[0].numpy(), per_replica[1].numpy())
    # ... and together they are the one-device draw of the global batch.
    whole = gan.sample_latent(8, tf.constant([3, 4])).numpy()
    np.testing.assert_allclose(np.concatenate([r.numpy() for r in per_replica]), whole)


def test_d_steps_use_separate_real_slices():
    points, _ = ring_points(256)
    gan = tiny_gan(d_steps=2)
    seen = []
    original = gan.discriminator_objective

    def spy(batch):
        seen.append(batch.real)
        return original(batch)

    gan.discriminator_objective = spy
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3),
                run_eagerly=True)
    gan.fit(batches(points[:64], 64), epochs=1, verbose=0)
    assert [s.shape[0] for s in seen] == [32, 32]
    # Strided split: D step k gets rows k, k + 2, ... (what N replicas see together).
    np.testing.assert_array_equal(seen[0].numpy(), points[0:64:2])
    np.testing.assert_array_equal(seen[1].numpy(), points[1:64:2])
    assert int(gan.d_optimizer.iterations.numpy()) == 2
    assert int(gan.g_optimizer.iterations.numpy()) == 1


@pytest.mark.parametrize("d_steps, reuse, forwards", [(1, False, 2), (3, False, 4), (1, True, 1), (3, True, 3)])
def test_reuse_generator_pass_saves_one_generator_forward(d_steps, reuse, forwards):
    points, _ = ring_points(96)
    gan = tiny_gan(d_steps=d_steps, reuse_generator_pass=reuse)
    calls = []
    original = gan.generator_inputs

    def spy(z, labels):  # called once per forward pass of G
        calls.append(z.shape[0])
        return original(z, labels)

    gan.generator_inputs = spy
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3),
                run_eagerly=True)
    gan.fit(batches(points[: 32 * d_steps], 32 * d_steps), epochs=1, verbose=0)
    assert calls == [32] * forwards
    assert int(gan.d_optimizer.iterations.numpy()) == d_steps


def test_reuse_generator_pass_equals_a_hand_written_step():
    # Reference: D step on (real, G(z)), then a G step on the same z with the updated D.
    # G has no batch norm or dropout, so recomputing G(z) equals reusing it.
    points, _ = ring_points(64)
    gan = tiny_gan(reuse_generator_pass=True)
    generator = keras.models.clone_model(gan.generator)
    generator.set_weights(gan.generator.get_weights())
    discriminator = keras.models.clone_model(gan.discriminator)
    discriminator.set_weights(gan.discriminator.get_weights())
    g_opt, d_opt = keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5)
    z = gan.sample_latent(64, gan._step_seed(2))  # the G step's stream at step 0 (d_steps=1)
    real = tf.constant(points)
    with tf.GradientTape() as tape:
        d_loss = losses.minimax_discriminator_loss(discriminator(real), discriminator(generator(z)))
    d_opt.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                              discriminator.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = losses.non_saturating_generator_loss(discriminator(generator(z)))
    g_opt.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                              generator.trainable_variables))
    history = gan.fit(batches(points, 64), epochs=1, verbose=0).history
    for a, b in zip(gan.generator.get_weights() + gan.discriminator.get_weights(),
                    generator.get_weights() + discriminator.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(history["d_loss"][0], float(d_loss), rtol=1e-5)
    np.testing.assert_allclose(history["g_loss"][0], float(g_loss), rtol=1e-5)


def test_ema_follows_its_recurrence():
    points, _ = ring_points(64)
    gan = tiny_gan(ema_decay=0.25)
    w0 = [w.numpy() for w in gan.generator.trainable_weights]
    gan.fit(batches(points, 64), epochs=1, verbose=0)  # one step
    w1 = [w.numpy() for w in gan.generator.trainable_weights]
    ema = gan.ema_generator.trainable_weights
    for e, a, b in zip(ema, w0, w1):
        np.testing.assert_allclose(e.numpy(), 0.25 * a + 0.75 * b, rtol=1e-6, atol=1e-7)


def test_generate_is_deterministic_for_a_seed_and_uses_ema():
    gan = tiny_gan(ema_decay=0.5)
    a, b, c = gan.generate(10, seed=1), gan.generate(10, seed=1), gan.generate(10, seed=2)
    assert a.shape == (10, 2)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    z = np.random.default_rng(1).standard_normal((10, 8)).astype("float32")
    np.testing.assert_allclose(a, gan.ema_generator(z).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="`n` must be a positive integer. Received: n=0"):
        gan.generate(0)


def test_test_step_reports_losses_without_updating():
    points, _ = ring_points(256)
    gan = tiny_gan()
    _zero_logit_discriminator(gan)
    before = all_weights(gan)
    result = gan.evaluate(batches(points, 64), verbose=0, return_dict=True)
    assert result["d_loss"] == pytest.approx(2 * LN2, abs=1e-5)
    assert result["g_loss"] == pytest.approx(LN2, abs=1e-5)
    for a, b in zip(before, all_weights(gan)):
        np.testing.assert_array_equal(a, b)


def test_losses_come_from_keras_gan_losses():
    gan = tiny_gan(label_smoothing=0.1, generator_loss="minimax")
    real, fake = tf.constant([[1.0], [-2.0]]), tf.constant([[0.5], [3.0]])
    gan.discriminate = lambda samples, labels, training: samples  # D's logits are the samples
    batch = Batch(real, None, None, fake, None, None)
    d_terms = gan.discriminator_objective(batch).terms
    assert list(d_terms) == ["adversarial"]
    np.testing.assert_allclose(d_terms["adversarial"], losses.minimax_discriminator_loss(real, fake, label_smoothing=0.1))
    g_terms = gan.generator_objective(batch).terms
    np.testing.assert_allclose(g_terms["adversarial"], losses.minimax_generator_loss(fake))


def test_describe_gives_the_model_facts():
    gan = models.DCGAN((16, 16, 3), latent_dim=12, base_filters=8)
    # models.DCGAN is named "dcgan" in facts (and so in exports: exports/dcgan/1).
    assert gan.describe() == {
        "variant": "dcgan", "latent_dim": 12, "num_classes": None, "image_shape": [16, 16, 3],
        "value_range": [-1.0, 1.0], "step": 0, "ema": False,
    }


def test_bad_arguments_are_named():
    g = networks.mlp_generator(4, (2,), hidden_units=(8,))
    d = networks.mlp_discriminator((2,), hidden_units=(8,))
    with pytest.raises(ValueError, match="`generator` must be a keras.Model. Received: generator='g'"):
        models.GAN("g", d)
    with pytest.raises(ValueError, match="generator_loss.*Received: generator_loss='wasserstein'"):
        models.GAN(g, d, generator_loss="wasserstein")
    with pytest.raises(ValueError, match="latent_dim.*width 4. Received: latent_dim=5"):
        models.GAN(g, d, latent_dim=5)
    with pytest.raises(ValueError, match="d_steps.*Received: d_steps=0"):
        models.GAN(g, d, d_steps=0)
    with pytest.raises(ValueError, match="`reuse_generator_pass` must be True or False. Received: reuse_generator_pass='yes'"):
        models.GAN(g, d, reuse_generator_pass="yes")
    gan = models.GAN(g, d)
    with pytest.raises(ValueError, match="g_optimizer.*Received: g_optimizer='adam'"):
        gan.compile(g_optimizer="adam", d_optimizer=keras.optimizers.Adam())
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two distinct optimizers"):
        gan.compile(g_optimizer=opt, d_optimizer=opt)


@pytest.mark.slow
@pytest.mark.learning
@pytest.mark.parametrize("reuse", [False, True])
def test_ring_learning_covers_most_modes_over_seeds(reuse):
    # `keras-gan train --variant gan --dataset ring8 --steps 1000 --seed S` (the toy recipe:
    # MLPs 2x256, z of 2, Adam 1e-3 decayed linearly to 0, batch 256), seeds 0-4, with and
    # without `reuse_generator_pass`. One seed is no evidence: the same seed covered 8/8
    # modes on an AVX2 machine and 2/8 on an AVX-512 one (issue 13).
    # Measured (covered modes; high-quality fraction, samples within 3 std of a mode),
    # seeds 0-4, ~25 CPU-s per seed (a third of the 3,000-step runs' ~70):
    #   AVX2 machine, 2026-12-02, oneDNN on and TF_ENABLE_ONEDNN_OPTS=0 (equal values):
    #     reuse False: 8, 8, 8, 8, 8; 0.77, 0.69, 0.55, 0.68, 0.75 (median 0.68)
    #     reuse True:  8, 8, 8, 8, 8; 0.53, 0.68, 0.35, 0.66, 0.76 (median 0.66)
    #   Before the decay and the 2x256 MLPs (2x128, constant rate; AVX-512, 2026-12-01):
    #     covered 7, 6, 7, 5, 8 (reuse False) and 6, 7, 5, 7, 8 (reuse True).
    # So the check asks 4 of 5 seeds at >= 7 modes, every seed at >= 5, and a median
    # high-quality fraction >= 0.40 (the lowest seed measured: 0.35).
    from tests.learning import assert_ring_learning, ring_coverage_over_seeds

    results = ring_coverage_over_seeds("gan", range(5), steps=1000,
                                       options={"reuse_generator_pass": reuse})
    assert_ring_learning(results, most_modes=7, min_modes=5, median_high_quality=0.40)


def test_generate_refuses_options_the_variant_does_not_take():
    # Sampling options are declared per variant (`generation_options`): InfoGAN's
    # `continuous`, StyleGAN2's `truncation_psi`; the base GAN takes none.
    gan = tiny_gan()
    assert gan.generation_options == ()
    with pytest.raises(ValueError, match=r"GAN.generate takes the options \[\]. Received: truncation_psi=0.7"):
        gan.generate(4, seed=0, truncation_psi=0.7)
    np.testing.assert_array_equal(gan.generate(4, seed=1), gan.generate(4, seed=1))
