"""StyleGAN2's toy-data edition: modulated dense layers, the vector generator and MLP
discriminator, the recipe on 2-D data, distribution, resume and learning the ring."""

import contextlib
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan.models.stylegan2 import StyleGAN2, ema_decay_for_half_life, path_lengths
from keras_gan.networks import stylegan2 as sg
from tests.helpers import assert_mirrored_equals_one_device, assert_resumes_exactly, batches, ring_points


def tiny_vector_generator(latent_dim=4, w_dim=5, **kwargs):
    options = dict(mapping_layers=1, units=8, num_layers=2)
    options.update(kwargs)
    return sg.StyleGAN2VectorGenerator(latent_dim=latent_dim, output_dim=2, w_dim=w_dim, **options)


def tiny_toy_stylegan2(strategy=None, init_seed=1, mbstd_group_size=None, optimizer=None,
                       run_eagerly=False, **kwargs):
    """A compiled tiny toy StyleGAN2 (seeded weights) built in `strategy`'s scope; R1 and
    path length regularization every other step, style mixing on."""
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    options = dict(r1_gamma=1.0, regularization_interval=2, pl_interval=2)
    options.update(kwargs)
    optimizer = optimizer or (lambda: keras.optimizers.Adam(0.005, beta_1=0.0, beta_2=0.99))
    with scope:
        keras.utils.set_random_seed(init_seed)
        discriminator = sg.stylegan2_mlp_discriminator(
            (2,), hidden_units=(8, 8), mbstd_group_size=mbstd_group_size
        )
        gan = StyleGAN2(tiny_vector_generator(), discriminator, **options)
        gan.compile(g_optimizer=optimizer(), d_optimizer=optimizer(), run_eagerly=run_eagerly)
    return gan


def lrelu(x):
    return np.where(x >= 0, x, 0.2 * x) * math.sqrt(2.0)


def numpy_modulated_dense(x, kernel, styles, demodulate, eps=1e-8):
    """Per-sample weight matrices `w' = s * w`, demodulated `w'' = w' / sqrt(sum_i w'^2 +
    eps)`, applied sample by sample."""
    out = np.zeros((len(x), kernel.shape[1]))
    for b in range(len(x)):
        weights = styles[b][:, None] * kernel
        if demodulate:
            weights = weights / np.sqrt((weights**2).sum(axis=0) + eps)
        out[b] = x[b] @ weights
    return out


def numpy_affine(layer, w):
    """EqualizedDense(lr multiplier 1): `w @ (kernel / sqrt(fan_in)) + bias`."""
    kernel = layer.kernel.numpy()
    return w @ (kernel / math.sqrt(kernel.shape[0])) + layer.bias.numpy()


def numpy_synthesis(generator, ws):
    """The vector generator's synthesis with "const" noise, written out in NumPy."""
    x = np.tile(generator.constant.numpy()[None], (len(ws), 1))
    for i, layer in enumerate(generator.styled_layers):
        y = numpy_modulated_dense(x, layer.kernel.numpy(), numpy_affine(layer.affine, ws[:, i]), True)
        y = y + layer.noise_const.numpy() * layer.noise_strength.numpy()
        x = lrelu(y + layer.bias.numpy())
    out = generator.to_output
    styles = numpy_affine(out.affine, ws[:, -1]) / math.sqrt(x.shape[1])
    return numpy_modulated_dense(x, out.kernel.numpy(), styles, False) + out.bias.numpy()


def randomize(generator, seed):
    """Non-default values for the weights that start at constants (biases at 0 or 1,
    noise strengths at 0), so that every term of the synthesis shows."""
    rng = np.random.default_rng(seed)
    for weight in generator.weights:
        if weight.trainable and ("bias" in weight.path or "noise_strength" in weight.path):
            weight.assign(weight.numpy() + rng.uniform(-0.5, 0.5, weight.shape).astype("float32"))


# ------------------------------------------------------------------ modulated dense


@pytest.mark.parametrize("demodulate", [True, False])
def test_modulated_dense_matches_numpy_reference(demodulate):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5)).astype("float32")
    kernel = rng.standard_normal((5, 3)).astype("float32")
    styles = rng.uniform(0.2, 3.0, (4, 5)).astype("float32")
    got = sg.modulated_dense(x, kernel, styles, demodulate=demodulate)
    np.testing.assert_allclose(got, numpy_modulated_dense(x, kernel, styles, demodulate), rtol=1e-5, atol=1e-5)
    # A dense layer is a 1x1 convolution of a 1x1 image.
    conv = sg.modulated_conv2d(x[:, None, None, :], kernel[None, None], styles, demodulate=demodulate)
    np.testing.assert_allclose(got, conv[:, 0, 0, :], rtol=1e-5, atol=1e-6)


def test_dense_demodulation_gives_unit_variance_outputs():
    # Each style vector is shared by 20,000 rows of i.i.d. N(0, 1) inputs: the demodulated
    # outputs have unit standard deviation (standard error ~0.005) whatever the styles.
    rng = np.random.default_rng(1)
    kernel = (rng.standard_normal((16, 8)) * rng.lognormal(0, 1, (16, 8))).astype("float32")
    for style in rng.lognormal(0, 1.5, (4, 16)).astype("float32"):
        x = rng.standard_normal((20_000, 16)).astype("float32")
        styles = np.broadcast_to(style, x.shape)
        stds = sg.modulated_dense(x, kernel, styles).numpy().std(axis=0)
        np.testing.assert_allclose(stds, 1.0, atol=0.03)
        raw = sg.modulated_dense(x, kernel, styles, demodulate=False).numpy().std(axis=0)
        assert raw.max() / raw.min() > 3  # without demodulation the scales show through


# --------------------------------------------------------------------------- generator


def test_vector_generator_synthesis_matches_numpy_and_shapes():
    generator = tiny_vector_generator(num_layers=3)
    randomize(generator, seed=2)
    assert generator.num_ws == 4 and generator.output_shape == (None, 2)
    z = np.random.default_rng(3).standard_normal((6, 4)).astype("float32")
    ws = generator.styles(z).numpy()
    assert ws.shape == (6, 4, 5)
    np.testing.assert_allclose(generator.synthesis(ws), numpy_synthesis(generator, ws), rtol=1e-4, atol=1e-5)
    # generator(z) is the synthesis of mapping(z), unclipped: toy data is not scaled.
    generator.to_output.bias.assign([5.0, -5.0])
    np.testing.assert_allclose(generator(z), numpy_synthesis(generator, ws), rtol=1e-4, atol=1e-5)
    assert np.abs(generator(z).numpy()).max() > 1.5
    # The other noise modes: "none" drops the noise term, "random" is seeded.
    strength = [layer.noise_strength.numpy() for layer in generator.styled_layers]
    assert all(s != 0 for s in strength)
    assert not np.allclose(generator.synthesis(ws, noise_mode="none"), generator.synthesis(ws))
    seed = tf.constant([1, 2])
    random = generator.synthesis(ws, noise_mode="random", noise_seed=seed).numpy()
    np.testing.assert_array_equal(random, generator.synthesis(ws, noise_mode="random", noise_seed=seed))
    assert not np.allclose(random, generator.synthesis(ws, noise_mode="random", noise_seed=tf.constant([1, 3])))


def test_vector_generator_saves_reloads_and_clones(tmp_path):
    generator = tiny_vector_generator(truncation_psi=0.7)
    randomize(generator, seed=4)
    generator.w_avg.assign(np.full(5, 0.25, "float32"))
    z = np.random.default_rng(5).standard_normal((3, 4)).astype("float32")
    generator.save(tmp_path / "generator.keras")
    reloaded = keras.saving.load_model(tmp_path / "generator.keras")
    assert isinstance(reloaded, sg.StyleGAN2VectorGenerator)
    assert (reloaded.truncation_psi, reloaded.num_layers, reloaded.units) == (0.7, 2, 8)
    np.testing.assert_array_equal(reloaded(z), generator(z))
    np.testing.assert_array_equal(reloaded.w_avg.numpy(), 0.25)
    clone = keras.models.clone_model(generator)  # how the EMA generator is made
    clone.set_weights(generator.get_weights())
    np.testing.assert_array_equal(clone(z), generator(z))
    assert generator(z).shape == (3, 2)


def test_vector_generator_truncation_psi_zero_gives_the_w_avg_sample():
    generator = tiny_vector_generator()
    randomize(generator, seed=6)
    rng = np.random.default_rng(7)
    w_avg = rng.standard_normal(5).astype("float32")
    generator.w_avg.assign(w_avg)
    z = rng.standard_normal((4, 4)).astype("float32")
    expected = numpy_synthesis(generator, np.broadcast_to(w_avg, (1, generator.num_ws, 5)))
    samples = generator.sample(z, truncation_psi=0.0).numpy()
    np.testing.assert_allclose(samples, np.broadcast_to(expected, (4, 2)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(generator.with_options(truncation_psi=0.0)(z), samples, atol=1e-6)
    assert np.abs(generator.sample(z, truncation_psi=1.0).numpy() - samples).max() > 1e-2


def test_vector_generator_style_mixing_and_w_avg_update():
    generator = tiny_vector_generator(num_layers=3, w_avg_decay=0.9)
    randomize(generator, seed=8)
    rng = np.random.default_rng(9)
    z, z_mix = rng.standard_normal((2, 4, 4)).astype("float32")
    cutoff = np.array([1, 2, 3, 4], "int32")  # 4 = num_ws: no mixing
    seed = tf.constant([3, 4])
    mixed = generator({"z": z, "z_mix": z_mix, "mix_cutoff": cutoff, "noise_seed": seed}, training=True)
    ws, ws_mix = generator.styles(z).numpy(), generator.styles(z_mix).numpy()
    layer = np.arange(4)[None, :, None]
    expected_ws = np.where(layer < cutoff[:, None, None], ws, ws_mix)
    expected = generator.synthesis(expected_ws, noise_mode="random", noise_seed=seed)
    np.testing.assert_allclose(mixed, expected, rtol=1e-5, atol=1e-6)
    # The training call moved w_avg towards the batch mean of mapping(z) (from 0).
    np.testing.assert_allclose(generator.w_avg.numpy(), 0.1 * ws[:, 0].mean(axis=0), rtol=1e-4, atol=1e-6)


def test_path_lengths_of_a_linear_vector_synthesis_match_numpy():
    # g(ws)_b = sum_i ws[b, i] @ A_i -> J_b^T y_b = A_i @ y_b, with y = noise (a vector is
    # a 1x1 image: no 1/sqrt(H W) scaling).
    rng = np.random.default_rng(10)
    a = rng.standard_normal((3, 5, 2)).astype("float32")
    ws = rng.standard_normal((4, 3, 5)).astype("float32")
    noise = rng.standard_normal((4, 2)).astype("float32")
    grads = np.einsum("idp,bp->bid", a, noise)
    expected = np.sqrt((grads**2).sum(axis=2).mean(axis=1))
    got = path_lengths(lambda w: tf.einsum("bid,idp->bp", w, a), tf.constant(ws), tf.constant(noise))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


# ----------------------------------------------------------------------- discriminator


def test_mlp_discriminator_shapes_and_minibatch_stddev():
    x = np.random.default_rng(11).standard_normal((8, 2)).astype("float32") * 2
    keras.utils.set_random_seed(0)
    with_mbstd = sg.stylegan2_mlp_discriminator((2,), hidden_units=(16, 8), mbstd_group_size=4)
    keras.utils.set_random_seed(0)
    without = sg.stylegan2_mlp_discriminator((2,), hidden_units=(16, 8), mbstd_group_size=None)
    assert with_mbstd.output_shape == (None, 1) and with_mbstd(x).shape == (8, 1)
    assert with_mbstd.get_layer("fc_1").kernel.shape == (17, 8)  # 16 features + the stddev
    # Without the statistic a sample's logit does not depend on the rest of the batch.
    np.testing.assert_allclose(without(x[:4]), without(x)[:4], rtol=1e-5, atol=1e-6)
    assert np.abs(with_mbstd(x[:4]).numpy() - with_mbstd(x)[:4].numpy()).max() > 1e-4


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="input_shape.*Received: input_shape=\\(8, 8, 1\\)"):
        sg.stylegan2_mlp_discriminator((8, 8, 1))
    with pytest.raises(ValueError, match="hidden_units.*Received: hidden_units=\\(\\)"):
        sg.stylegan2_mlp_discriminator((2,), hidden_units=())
    with pytest.raises(ValueError, match="mbstd_group_size.*0"):
        sg.stylegan2_mlp_discriminator((2,), mbstd_group_size=0)
    with pytest.raises(ValueError, match="num_layers.*0"):
        sg.StyleGAN2VectorGenerator(num_layers=0)
    with pytest.raises(ValueError, match="output_dim.*-2"):
        sg.StyleGAN2VectorGenerator(output_dim=-2)
    with pytest.raises(ValueError, match="noise_mode.*Received: noise_mode='zeros'"):
        sg.StyleGAN2VectorGenerator(noise_mode="zeros")
    generator = tiny_vector_generator()
    with pytest.raises(ValueError, match=r"ws.*\[batch, 3, 5\]"):
        generator.synthesis(tf.zeros((1, 4, 5)))
    with pytest.raises(ValueError, match="dict input.*'z'"):
        generator({"latent": np.zeros((1, 4), "float32")})


# ------------------------------------------------------------------------------ recipe


def test_recipe_builds_the_toy_edition_on_2d_data_and_the_image_net_on_images():
    from keras_gan import recipes

    recipe = recipes.get("stylegan2")
    toy = recipe.build((2,), {**recipes.defaults("stylegan2", "toy"), "seed": 0})
    assert isinstance(toy, StyleGAN2) and isinstance(toy.generator, sg.StyleGAN2VectorGenerator)
    assert toy.image_shape == (2,) and toy.latent_dim == 16 and toy.generator.num_ws == 4
    assert toy.discriminator.get_layer("mbstd").group_size == 4
    assert (toy.r1_gamma, toy.pl_weight, toy.style_mixing_prob, toy.ema_decay) == (0.03, 0.0, 0.9, None)
    image = recipe.build((8, 8, 1), {**recipes.defaults("stylegan2", "image"), "seed": 0,
                                     "mapping_layers": 1, "base_filters": 8})
    assert isinstance(image.generator, sg.StyleGAN2Generator) and image.image_shape == (8, 8, 1)
    # EMA: half-life 10k images at the configured batch, ADA's ramp-up 0.05; --ema-decay
    # (the config's ema_decay) is the model's steady-state decay when given.
    assert image.ema_decay == pytest.approx(0.5 ** (32 / 10_000)) and image.ema_rampup == 0.05
    image = recipe.build((8, 8, 1), {**recipes.defaults("stylegan2", "image"), "seed": 0,
                                     "mapping_layers": 1, "base_filters": 8, "batch_size": 64})
    assert image.ema_decay == pytest.approx(0.5 ** (64 / 10_000))
    image = recipe.build((8, 8, 1), {**recipes.defaults("stylegan2", "image"), "seed": 0,
                                     "mapping_layers": 1, "base_filters": 8, "ema_decay": 0.999})
    assert image.ema_decay == 0.999 and image.get_config()["ema_rampup"] == 0.05
    with pytest.raises(ValueError, match="stylegan2.*power-of-two.*ring8.*Received: data of element shape \\(28, 28, 1\\)"):
        recipe.build((28, 28, 1), {**recipes.defaults("stylegan2", "image"), "seed": 0})


# --------------------------------------------------------------------------- EMA


def test_model_ema_starts_as_a_copy_of_g_and_ramps_up():
    points, _ = ring_points(8)
    gan = tiny_toy_stylegan2(run_eagerly=True, ema_decay=ema_decay_for_half_life(8), ema_rampup=0.05)
    gan.fit(tf.data.Dataset.from_tensor_slices(points).batch(8), epochs=1, verbose=0)
    # Update 0 has beta 0: the EMA holds G's weights after the first step.
    for ema, weight in zip(gan.ema_weights, gan.generator.weights):
        np.testing.assert_array_equal(ema.numpy(), weight.numpy())
    gan.fit(tf.data.Dataset.from_tensor_slices(points).batch(8).repeat(4), epochs=1, verbose=0)
    assert float(gan.ema_beta()) == pytest.approx(0.5 ** (1 / (4 * 0.05)), rel=1e-5)  # update 4
    with pytest.raises(ValueError, match="`ema_rampup` must be a positive number or None. Received: ema_rampup=0"):
        tiny_toy_stylegan2(ema_decay=0.99, ema_rampup=0)


# --------------------------------------------------------------------------- training


def test_short_fit_changes_every_weight_with_finite_losses():
    # R1 and path length (on 2-D samples) at step 0, style mixing every step.
    gan = tiny_toy_stylegan2(mbstd_group_size=4, run_eagerly=True, ema_decay=0.9)
    before = [w.numpy() for w in gan.generator.trainable_weights + gan.discriminator.trainable_weights]
    points, _ = ring_points(24)
    history = gan.fit(tf.data.Dataset.from_tensor_slices(points).batch(8), epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "r1", "pl_penalty", "pl_mean"}
    for name, values in history.items():
        assert np.all(np.isfinite(values)), name
    after = [w.numpy() for w in gan.generator.trainable_weights + gan.discriminator.trainable_weights]
    assert [i for i, (a, b) in enumerate(zip(before, after)) if np.array_equal(a, b)] == []
    assert history["r1"][0] > 0 and history["pl_penalty"][0] > 0 and float(gan.pl_mean.numpy()) > 0
    assert gan.describe()["image_shape"] == [2] and gan.step == 3
    samples = gan.generate(5, seed=0)
    assert samples.shape == (5, 2)
    np.testing.assert_allclose(gan.generate(5, seed=0, truncation_psi=1.0, noise_mode="const"), samples, atol=1e-5)


@pytest.mark.slow
def test_mirrored_strategy_matches_one_device():
    # SGD (see assert_mirrored_equals_one_device), no minibatch-stddev grouping and the
    # whole batch in the path length term: two replicas compute the one-device steps,
    # with R1 and path length at steps 0 and 2. The one-device reference runs eagerly,
    # the two replicas in a traced graph.
    points, _ = ring_points(32)

    def make(strategy):
        return tiny_toy_stylegan2(
            strategy, optimizer=lambda: keras.optimizers.SGD(0.01), pl_batch_shrink=1,
            run_eagerly=strategy is None,
        )

    one, two = assert_mirrored_equals_one_device(make, batches(points, 16), epochs=2, atol=1e-5)
    assert one.step == 4 and float(one.pl_mean.numpy()) > 0
    np.testing.assert_allclose(one.pl_mean.numpy(), two.pl_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(one.generator.w_avg.numpy(), two.generator.w_avg.numpy(), rtol=1e-5, atol=1e-7)


def test_full_state_saves_and_resumes_exactly(tmp_path):
    # Every step regularized, so the resumed epoch reads pl_mean and the EMA weights.
    points, _ = ring_points(16)
    assert_resumes_exactly(
        lambda init_seed: tiny_toy_stylegan2(
            init_seed=init_seed, mbstd_group_size=4, ema_decay=0.9, regularization_interval=1,
            pl_interval=1, run_eagerly=True,
        ),
        batches(points, 8), tmp_path,
    )


@pytest.mark.slow
@pytest.mark.learning
def test_toy_recipe_covers_the_ring_over_seeds():
    # `keras-gan train --variant stylegan2 --dataset ring8 --steps 500 --seed S`, seeds 0-4:
    # the recipe's toy defaults (see keras_gan/recipes/stylegan2.py): mapping 2 layers, 3
    # styled dense layers of 128, D 2 x 128 with minibatch stddev, z of 16, batch 256,
    # Adam(0.005, 0, 0.99), lazy R1 0.03, style mixing 0.9, no path length, no EMA.
    # Measured covered modes, seeds 0-4, AVX-512 machine (2026-12-01), ~11-14 CPU-s per
    # seed: 7, 7, 6, 8, 7 (oneDNN on); 6, 6, 7, 7, 6 (TF_ENABLE_ONEDNN_OPTS=0); after the
    # `defects` merge (named random streams): 8, 7, 5, 5, 7 (on). Hence: at most one seed
    # below 5 modes and two below 6.
    from tests.learning import count, ring_coverage_over_seeds

    results = ring_coverage_over_seeds("stylegan2", range(5), steps=500)
    assert count(results, lambda c: c["covered"] >= 5) >= 4
    assert count(results, lambda c: c["covered"] >= 6) >= 3
