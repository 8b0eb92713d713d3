"""StyleGAN2: modulated convolution, FIR resampling, minibatch stddev, mapping, truncation,
style mixing, lazy R1, path length regularization, training, distribution, CLI (resume
and round trips: tests/test_conformance.py)."""

import contextlib
import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan import models
from keras_gan.models.base import Batch
from keras_gan.models.stylegan2 import StyleGAN2, path_lengths
from keras_gan.networks import stylegan2 as sg
from tests.helpers import two_cpu_strategy
from keras_gan import runs


def tiny_generator(size=8, latent_dim=4, w_dim=6, **kwargs):
    options = dict(mapping_layers=1, channel_base=64, channel_max=8)
    options.update(kwargs)
    return sg.StyleGAN2Generator(latent_dim=latent_dim, image_shape=(size, size, 1), w_dim=w_dim, **options)


def tiny_stylegan2(size=8, strategy=None, init_seed=1, mbstd_group_size=4, run_eagerly=False, **kwargs):
    """A compiled tiny StyleGAN2 (seeded weights) built in `strategy`'s scope.

    `run_eagerly=True` skips tracing the train step (~20 s of CPU for this model on a busy
    machine, against ~1 s for a few eager steps); the graph-mode step is exercised by the
    MirroredStrategy and CLI tests."""
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    options = dict(r1_gamma=1.0, regularization_interval=2, pl_interval=2, ema_decay=0.9)
    options.update(kwargs)
    with scope:
        keras.utils.set_random_seed(init_seed)
        gan = models.stylegan2(
            (size, size, 1), latent_dim=4, mapping_layers=1, channel_base=64, channel_max=8,
            mbstd_group_size=mbstd_group_size, **options,
        )
        gan.compile(
            g_optimizer=keras.optimizers.Adam(0.0025, beta_1=0.0, beta_2=0.99, epsilon=1e-8),
            d_optimizer=keras.optimizers.Adam(0.0025, beta_1=0.0, beta_2=0.99, epsilon=1e-8),
            run_eagerly=run_eagerly,
        )
    return gan


def digits(size, n):
    return gan_data.load_arrays("digits", image_size=size).images[:n]


def batches(images, batch_size):
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


def state(gan):
    variables = gan.generator.weights + gan.discriminator.weights + gan.ema_weights
    variables += gan.g_optimizer.variables + gan.d_optimizer.variables + [gan.pl_mean]
    return [np.asarray(v.numpy()) for v in variables]


# ------------------------------------------------------------------ modulated convolution


def numpy_modulated_conv(x, kernel, styles, demodulate, eps=1e-8):
    """Per-sample kernels `w' = s * w`, demodulated `w'' = w' / sqrt(sum w'^2 + eps)`,
    then a zero-padded "same" convolution written as explicit loops."""
    batch, height, width, _ = x.shape
    size, _, _, out_channels = kernel.shape
    pad = size // 2
    padded = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    out = np.zeros((batch, height, width, out_channels))
    for b in range(batch):
        weights = kernel * styles[b][None, None, :, None]
        if demodulate:
            weights = weights / np.sqrt((weights**2).sum(axis=(0, 1, 2)) + eps)
        for i in range(height):
            for j in range(width):
                patch = padded[b, i : i + size, j : j + size, :]
                out[b, i, j] = np.tensordot(patch, weights, axes=([0, 1, 2], [0, 1, 2]))
    return out


@pytest.mark.parametrize("fused", [False, True])
@pytest.mark.parametrize("demodulate", [True, False])
@pytest.mark.parametrize("kernel_size", [3, 1])
def test_modulated_conv_matches_numpy_reference(fused, demodulate, kernel_size):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 4, 2)).astype("float32")
    kernel = rng.standard_normal((kernel_size, kernel_size, 2, 3)).astype("float32")
    styles = rng.uniform(0.2, 3.0, (3, 2)).astype("float32")
    got = sg.modulated_conv2d(x, kernel, styles, demodulate=demodulate, fused=fused)
    np.testing.assert_allclose(got, numpy_modulated_conv(x, kernel, styles, demodulate), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kernel_shape", [(3, 3, 4, 5), (1, 1, 4, 5), (4, 5)])
def test_demodulation_is_one_rule_for_conv_and_dense_kernels(kernel_shape):
    # d_bj = 1 / sqrt(sum_{i,k} (s_bi w_ijk)^2 + eps), from the per-sample kernels; a dense
    # kernel [C_in, C_out] is the 1x1 convolution's, without spatial axes.
    rng = np.random.default_rng(2)
    kernel = rng.standard_normal(kernel_shape).astype("float32")
    styles = rng.uniform(0.2, 3.0, (3, 4)).astype("float32")
    per_sample = kernel.reshape(-1, 4, 5)[None] * styles[:, None, :, None]  # [B, k*k, Cin, Cout]
    expected = 1.0 / np.sqrt((per_sample.astype("float64") ** 2).sum(axis=(1, 2)) + 1e-8)
    np.testing.assert_allclose(sg.demodulation(styles, kernel).numpy(), expected, rtol=1e-5)


def test_demodulation_gives_unit_variance_outputs():
    # Karras et al. 2020, Sec. 2.2: for i.i.d. unit-variance inputs the demodulated output
    # has unit standard deviation whatever the styles and weights.
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 40, 40, 16)).astype("float32")
    kernel = (rng.standard_normal((3, 3, 16, 8)) * rng.lognormal(0, 1, (1, 1, 16, 8))).astype("float32")
    styles = rng.lognormal(0, 1.5, (4, 16)).astype("float32")  # scales spread over ~100x
    interior = (slice(None), slice(1, -1), slice(1, -1))  # zero padding lowers the border
    demodulated = sg.modulated_conv2d(x, kernel, styles).numpy()[interior]
    stds = demodulated.std(axis=(1, 2))  # [batch, out_channels], 1444 pixels each
    np.testing.assert_allclose(stds, 1.0, atol=0.08)  # ~4 standard errors
    assert abs(stds.mean() - 1.0) < 0.02
    modulated = sg.modulated_conv2d(x, kernel, styles, demodulate=False).numpy()[interior]
    raw = modulated.std(axis=(1, 2))
    assert raw.max() / raw.min() > 5  # without demodulation the scales show through


# ------------------------------------------------------------------ resampling, mbstd


def test_fir_upsample_is_bilinear_with_zero_border():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4, 2)).astype("float32")

    def up_axis(a, axis):  # out[2i] = .25 a[i-1] + .75 a[i], out[2i+1] = .75 a[i] + .25 a[i+1]
        a = np.moveaxis(a, axis, 0)
        padded = np.concatenate([np.zeros_like(a[:1]), a, np.zeros_like(a[:1])])
        out = np.empty((2 * len(a),) + a.shape[1:])
        out[0::2] = 0.25 * padded[:-2] + 0.75 * a
        out[1::2] = 0.75 * a + 0.25 * padded[2:]
        return np.moveaxis(out, 0, axis)

    np.testing.assert_allclose(sg.upsample_2x(x), up_axis(up_axis(x, 1), 2), atol=1e-6)


def test_fir_downsample_matches_numpy():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 4, 6, 3)).astype("float32")

    def down_axis(a, axis):  # out[i] = (a[2i-1] + 3 a[2i] + 3 a[2i+1] + a[2i+2]) / 8
        a = np.moveaxis(a, axis, 0)
        padded = np.concatenate([np.zeros_like(a[:1]), a, np.zeros_like(a[:1])])
        out = np.stack([
            (padded[2 * i] + 3 * padded[2 * i + 1] + 3 * padded[2 * i + 2] + padded[2 * i + 3]) / 8
            for i in range(len(a) // 2)
        ])
        return np.moveaxis(out, 0, axis)

    np.testing.assert_allclose(sg.downsample_2x(x), down_axis(down_axis(x, 1), 2), atol=1e-6)


@pytest.mark.parametrize("batch, group", [(8, 4), (6, 3), (5, 1)])
def test_minibatch_stddev_matches_numpy(batch, group):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((batch, 2, 3, 4)).astype("float32")
    got = sg.MinibatchStdDev(group_size=4, num_channels=2)(x).numpy()
    np.testing.assert_array_equal(got[..., :4], x)
    n = batch // group
    for j in range(n):  # group j holds samples j, j + n, j + 2n, ...
        members = x[j::n]
        std = np.sqrt(members.var(axis=0) + 1e-8)  # [H, W, C]
        expected = [std[..., :2].mean(), std[..., 2:].mean()]
        for member in range(j, batch, n):
            np.testing.assert_allclose(got[member, :, :, 4:], np.broadcast_to(expected, (2, 3, 2)), rtol=1e-5)


# --------------------------------------------------------------- mapping and truncation


def test_mapping_shapes_and_pixel_norm_invariance():
    generator = tiny_generator(size=16, latent_dim=5, w_dim=7, mapping_layers=3)
    z = np.random.default_rng(5).standard_normal((4, 5)).astype("float32")
    w = generator.mapping(z).numpy()
    assert w.shape == (4, 7)
    assert len([l for l in generator.mapping.layers if isinstance(l, sg.EqualizedDense)]) == 3
    # z is normalised to unit second moment first: the length of z does not matter.
    np.testing.assert_allclose(generator.mapping(3.0 * z), w, rtol=1e-4, atol=1e-6)
    ws = generator.styles(z).numpy()
    assert ws.shape == (4, generator.num_ws, 7) and generator.num_ws == 6
    np.testing.assert_array_equal(ws, np.repeat(w[:, None], 6, axis=1))


def test_truncation_psi_zero_gives_w_avg_and_one_gives_raw_w():
    generator = tiny_generator()
    rng = np.random.default_rng(6)
    w_avg = rng.standard_normal(6).astype("float32")
    generator.w_avg.assign(w_avg)
    z = rng.standard_normal((3, 4)).astype("float32")
    raw = generator.styles(z).numpy()
    np.testing.assert_array_equal(generator.styles(z, truncation_psi=0.0), np.broadcast_to(w_avg, raw.shape))
    np.testing.assert_array_equal(generator.styles(z, truncation_psi=1.0), raw)
    np.testing.assert_allclose(generator.styles(z, truncation_psi=0.5), (raw + w_avg) / 2, rtol=1e-6, atol=1e-7)
    # (w_avg + psi (w - w_avg) and (w + w_avg) / 2 round differently: 7e-9 apart near 0.)
    cut = generator.styles(z, truncation_psi=0.0, truncation_cutoff=2).numpy()
    np.testing.assert_array_equal(cut[:, :2], np.broadcast_to(w_avg, (3, 2, 6)))
    np.testing.assert_array_equal(cut[:, 2:], raw[:, 2:])
    # psi = 0 maps every z to the same image (const noise).
    images = generator.sample(z, truncation_psi=0.0).numpy()
    np.testing.assert_allclose(images, np.broadcast_to(images[:1], images.shape), atol=1e-6)
    # The option is part of the exported calling convention through `with_options`.
    truncated = generator.with_options(truncation_psi=0.0)
    np.testing.assert_allclose(truncated(z), images, atol=1e-6)


def test_w_avg_is_a_moving_average_of_training_ws():
    generator = tiny_generator(w_avg_decay=0.9)
    z = np.random.default_rng(7).standard_normal((5, 4)).astype("float32")
    before = generator.w_avg.numpy()
    generator({"z": z, "noise_seed": tf.constant([1, 2])}, training=True)
    mean_w = generator.mapping(z).numpy().mean(axis=0)
    np.testing.assert_allclose(generator.w_avg.numpy(), mean_w + 0.9 * (before - mean_w), rtol=1e-5, atol=1e-7)
    generator(z)  # inference calls leave it alone
    generator({"z": z}, training=False)
    np.testing.assert_allclose(generator.w_avg.numpy(), mean_w + 0.9 * (before - mean_w), rtol=1e-5, atol=1e-7)


# --------------------------------------------------------------------------- mixing


def test_style_mixing_switches_ws_at_the_crossover_layer():
    generator = tiny_generator(size=16)  # num_ws = 6
    rng = np.random.default_rng(8)
    z1, z2 = rng.standard_normal((2, 3, 4)).astype("float32")
    w1, w2 = generator.mapping(z1).numpy(), generator.mapping(z2).numpy()
    cutoff = np.array([1, 4, 6], "int32")  # 6 = num_ws: no mixing
    ws = generator.styles(z1, z_mix=z2, mix_cutoff=cutoff).numpy()
    for b, c in enumerate(cutoff):
        for layer in range(6):
            expected = w1[b] if layer < c else w2[b]
            np.testing.assert_allclose(ws[b, layer], expected, rtol=1e-6, err_msg=f"sample {b} layer {layer}")

    # Layer-index probe: changing style vector i changes the image only through the
    # layers that read index i; every index is read by some layer.
    base = generator.synthesis(tf.constant(ws), noise_mode="none").numpy()
    for i in range(6):
        probe = ws.copy()
        probe[:, i] += 1.0
        assert not np.allclose(generator.synthesis(tf.constant(probe), noise_mode="none"), base)
    readers = generator.conv_style_index + generator.rgb_style_index
    assert sorted(set(readers)) == list(range(6))
    assert list(generator.conv_style_index) == [0, 1, 2, 3, 4] and list(generator.rgb_style_index) == [1, 3, 5]

    # The dict input is synthesis(mix_styles(...)) with seeded noise; an inference call
    # (training=False: the sampling prior of metrics) returns it finished (clipped).
    seed = tf.constant([3, 4])
    inferred = generator({"z": z1, "z_mix": z2, "mix_cutoff": cutoff, "noise_seed": seed}, training=False)
    raw = generator.synthesis(tf.constant(ws), noise_mode="random", noise_seed=seed)
    np.testing.assert_allclose(inferred, generator.finish(raw), atol=1e-6)


def test_mixing_probability_and_cutoff_distribution():
    gan = tiny_stylegan2(size=16, style_mixing_prob=0.9)
    cutoffs = gan.mixing_cutoffs(4000, tf.constant([0, 1])).numpy()
    mixed = cutoffs < 6
    assert abs(mixed.mean() - 0.9) < 0.02  # binomial sd 0.005
    counts = np.bincount(cutoffs[mixed], minlength=6)[1:]
    assert counts.min() > 0.8 * mixed.sum() / 5  # uniform over layers 1..5
    assert set(np.unique(cutoffs)) <= set(range(1, 7))
    latents = gan.sample_latent(8, tf.constant([0, 2]))
    assert sorted(latents) == ["mix_cutoff", "noise_seed", "z", "z_mix"]
    assert "z_mix" not in tiny_stylegan2(style_mixing_prob=0.0).sample_latent(8, tf.constant([0, 2]))


# --------------------------------------------------------------------- regularizers


def test_lazy_r1_every_k_steps_scaled_by_k():
    # A linear D, f(x) = v.x + c, has grad f = v, so R1 = gamma / 2 * ||v||^2 exactly.
    images = keras.Input((8, 8, 1))
    linear = keras.Model(images, keras.layers.Dense(1)(keras.layers.Flatten()(images)))
    gan = StyleGAN2(tiny_generator(), linear, r1_gamma=3.0, regularization_interval=4)
    gan.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    v = linear.layers[-1].kernel.numpy()
    expected = 4 * 3.0 / 2 * float((v**2).sum())
    real = tf.random.normal((6, 8, 8, 1))
    fake = tf.random.normal((6, 8, 8, 1))
    values = []
    for step in range(8):
        gan.g_optimizer.iterations.assign(step)
        values.append(float(gan.regularization_losses(real, None, fake, None)["r1"]))
    np.testing.assert_allclose(values[0::4], expected, rtol=1e-5)
    assert values[1:4] == [0.0] * 3 and values[5:8] == [0.0] * 3
    assert "r1" in [m.name for m in gan.metrics]


def test_path_lengths_of_a_linear_synthesis_match_numpy():
    # g(ws)_b = sum_i ws[b, i] @ A_i  ->  d sum(g_b * y_b) / d ws[b, i] = A_i @ y_b.
    rng = np.random.default_rng(9)
    a = rng.standard_normal((3, 5, 4 * 4 * 2)).astype("float32")  # [num_ws, w_dim, HWC]
    ws = rng.standard_normal((2, 3, 5)).astype("float32")
    noise = rng.standard_normal((2, 4, 4, 2)).astype("float32")

    def synthesis(w):
        return tf.reshape(tf.einsum("bid,idp->bp", w, a), (-1, 4, 4, 2))

    y = noise.reshape(2, -1) / math.sqrt(16)
    grads = np.einsum("idp,bp->bid", a, y)
    expected = np.sqrt((grads**2).sum(axis=2).mean(axis=1))
    np.testing.assert_allclose(path_lengths(synthesis, tf.constant(ws), tf.constant(noise)), expected, rtol=1e-5)


def test_path_length_penalty_matches_a_jacobian_computation():
    generator = tiny_generator(size=8)
    discriminator = sg.stylegan2_discriminator((8, 8, 1), channel_base=64, channel_max=8)
    gan = StyleGAN2(generator, discriminator, pl_weight=2.0, pl_decay=0.01)
    rng = np.random.default_rng(10)
    num_ws, w_dim = generator.num_ws, generator.w_dim
    ws = tf.constant(rng.standard_normal((3, num_ws, w_dim)).astype("float32"))
    noise = rng.standard_normal((3, 8, 8, 1)).astype("float32")
    noise_seed = tf.constant([5, 6])
    gan.pl_mean.assign(0.3)

    # Independent: the full Jacobian J_b = d g_b / d ws_b, then J_b^T y_b.
    with tf.GradientTape() as tape:
        tape.watch(ws)
        images = generator.synthesis(ws, noise_mode="random", noise_seed=noise_seed)
    jacobian = tape.batch_jacobian(images, ws).numpy().reshape(3, 64, num_ws, w_dim)
    jty = np.einsum("bpid,bp->bid", jacobian, noise.reshape(3, 64) / 8.0)
    lengths = np.sqrt((jty**2).sum(axis=2).mean(axis=1))
    target = 0.3 + 0.01 * (lengths.mean() - 0.3)
    expected = 2.0 * np.mean((lengths - target) ** 2)

    penalty = gan.path_length_penalty(ws, noise_seed, tf.constant(noise))
    np.testing.assert_allclose(float(penalty), expected, rtol=1e-4)
    np.testing.assert_allclose(float(gan.pl_mean.numpy()), target, rtol=1e-5)


def test_lazy_path_length_every_k_steps_scaled_by_k():
    gan = tiny_stylegan2(size=8, pl_interval=3)
    z = gan.sample_latent(4, tf.constant([1, 1]))
    seed = tf.constant([2, 2])
    values, means = [], []
    for step in range(6):
        gan.g_optimizer.iterations.assign(step)
        gan.pl_mean.assign(0.5)
        values.append(float(gan.generator_regularization(Batch(None, None, z, None, None, seed)).terms["pl_penalty"]))
        means.append(float(gan.pl_mean.numpy()))
    assert values[0] > 0 and values[3] == pytest.approx(values[0], rel=1e-5)
    assert values[1:3] == [0.0, 0.0] and values[4:6] == [0.0, 0.0]
    assert means[1] == means[2] == 0.5 and means[0] != 0.5  # pl_mean moves only when due
    gan.pl_interval = 1  # the same term computed every step is 1/3 as large
    gan.g_optimizer.iterations.assign(0)
    gan.pl_mean.assign(0.5)
    every_step = float(gan.generator_regularization(Batch(None, None, z, None, None, seed)).terms["pl_penalty"])
    assert values[0] == pytest.approx(3 * every_step, rel=1e-5)


# ----------------------------------------------------------------- shapes and errors


@pytest.mark.parametrize("size, num_ws", [(16, 6), (32, 8), (64, 10)])
def test_shapes(size, num_ws):
    generator = sg.StyleGAN2Generator(8, (size, size, 3), mapping_layers=2, channel_base=128, channel_max=8)
    discriminator = sg.stylegan2_discriminator((size, size, 3), channel_base=128, channel_max=8)
    assert generator.num_ws == num_ws == sg.num_style_vectors(size)
    assert generator.output_shape == (None, size, size, 3) and discriminator.output_shape == (None, 1)
    z = np.random.default_rng(11).standard_normal((2, 8)).astype("float32")
    images = generator(z).numpy()
    assert images.shape == (2, size, size, 3) and np.abs(images).max() <= 1.0
    assert discriminator(images).shape == (2, 1)
    convs = [(c.name, c.filters) for c in generator.convs]
    assert convs[0] == ("b4_conv1", 8) and convs[-1] == (f"b{size}_conv1", sg.channels_at(size, 128, 8))
    gan = StyleGAN2(generator, discriminator, pl_interval=3, style_mixing_prob=0.5)
    assert gan.latent_dim == 8 and gan.image_shape == (size, size, 3)
    assert gan.r1_gamma == 10.0 and gan.regularization_interval == 16  # the paper's defaults
    rebuilt = StyleGAN2.from_config(gan.get_config())
    assert (rebuilt.pl_interval, rebuilt.style_mixing_prob, rebuilt.generator.num_ws) == (3, 0.5, num_ws)


def test_generator_saves_reloads_and_clones(tmp_path):
    generator = tiny_generator(size=16, truncation_psi=0.7)
    generator.w_avg.assign(np.full(6, 0.25, "float32"))
    z = np.random.default_rng(12).standard_normal((3, 4)).astype("float32")
    generator.save(tmp_path / "generator.keras")
    reloaded = keras.saving.load_model(tmp_path / "generator.keras")
    assert reloaded.truncation_psi == 0.7 and reloaded.noise_mode == "const"
    np.testing.assert_array_equal(reloaded(z), generator(z))
    np.testing.assert_array_equal(reloaded.w_avg.numpy(), 0.25)
    clone = keras.models.clone_model(generator)
    clone.set_weights(generator.get_weights())
    np.testing.assert_array_equal(clone(z), generator(z))
    # The paper's grouped-convolution form computes the same generator.
    fused = sg.StyleGAN2Generator.from_config({**generator.get_config(), "fused_modconv": True})
    fused.set_weights(generator.get_weights())
    np.testing.assert_allclose(fused(z), generator(z), atol=1e-5)
    # "const" noise is deterministic, "random" is not, "none" differs from both.
    np.testing.assert_array_equal(generator(z), generator(z))
    seeded = generator.sample(z, noise_mode="random", noise_seed=tf.constant([1, 2]))
    np.testing.assert_array_equal(seeded, generator.sample(z, noise_mode="random", noise_seed=tf.constant([1, 2])))


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match=r"image_shape.*power of two.*Received"):
        sg.StyleGAN2Generator(8, (28, 28, 1))
    with pytest.raises(ValueError, match=r"image_shape.*Received"):
        sg.stylegan2_discriminator((32, 16, 1))
    with pytest.raises(ValueError, match="noise_mode.*Received: noise_mode='zeros'"):
        sg.StyleGAN2Generator(8, (16, 16, 1), noise_mode="zeros")
    with pytest.raises(ValueError, match="latent_dim.*Received: latent_dim=0"):
        sg.StyleGAN2Generator(0, (16, 16, 1))
    generator = tiny_generator()
    with pytest.raises(ValueError, match="noise_mode"):
        generator.synthesis(generator.styles(np.zeros((1, 4), "float32")), noise_mode="fixed")
    with pytest.raises(ValueError, match=r"ws.*\[batch, 4, 6\]"):
        generator.synthesis(tf.zeros((1, 3, 6)))
    with pytest.raises(ValueError, match="dict input.*'z'"):
        generator({"latent": np.zeros((1, 4), "float32")})
    discriminator = sg.stylegan2_discriminator((8, 8, 1), channel_base=64, channel_max=8)
    with pytest.raises(ValueError, match="StyleGAN2Generator.*Received"):
        StyleGAN2(keras.Sequential([keras.Input((4,)), keras.layers.Dense(64)]), discriminator)
    with pytest.raises(ValueError, match="pl_interval.*Received: pl_interval=0"):
        StyleGAN2(generator, discriminator, pl_interval=0)
    with pytest.raises(ValueError, match="style_mixing_prob.*Received"):
        StyleGAN2(generator, discriminator, style_mixing_prob=1.5)


# --------------------------------------------------------------------------- training


def test_short_fit_on_digits_16px_changes_weights_with_finite_losses():
    gan = tiny_stylegan2(size=16, run_eagerly=True)
    before = [w.numpy() for w in gan.generator.trainable_weights + gan.discriminator.trainable_weights]
    history = gan.fit(batches(digits(16, 24), 8), epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "r1", "pl_penalty", "pl_mean"}
    for name, values in history.items():
        assert np.all(np.isfinite(values)), name
    after = [w.numpy() for w in gan.generator.trainable_weights + gan.discriminator.trainable_weights]
    unchanged = [i for i, (a, b) in enumerate(zip(before, after)) if np.array_equal(a, b)]
    assert unchanged == []  # every weight, noise strengths and mapping included, gets gradient
    assert history["r1"][0] > 0 and history["pl_penalty"][0] > 0  # step 0 regularizes
    assert float(gan.pl_mean.numpy()) > 0
    assert np.abs(gan.generator.w_avg.numpy()).sum() > 0
    assert gan.step == 3 and gan.describe()["variant"] == "stylegan2"
    samples = gan.generate(5, seed=0)  # generator(z) through `predict`, as the sample grids
    assert samples.shape == (5, 16, 16, 1) and np.abs(samples).max() <= 1.0
    # The explicit-options path (eager `sample`) computes the same images.
    np.testing.assert_allclose(gan.generate(5, seed=0, truncation_psi=1.0, noise_mode="const"), samples, atol=1e-5)


@pytest.mark.slow
def test_mirrored_strategy_matches_one_device():
    # With a minibatch-stddev group of 1 and the whole batch in the path length term,
    # two replicas compute exactly the one-device step (noise, mixing, w_avg, pl_mean and
    # every loss are global-batch quantities). Two steps: R1 and path length at step 0.
    # The mirrored run is a traced graph (where a cross-replica reduction inside a
    # conditional would fail); the one-device reference runs eagerly.
    images = digits(8, 16)
    options = dict(mbstd_group_size=1, pl_batch_shrink=1)
    one = tiny_stylegan2(size=8, run_eagerly=True, **options)
    two = tiny_stylegan2(size=8, strategy=two_cpu_strategy(), **options)
    for a, b in zip(state(one), state(two)):
        np.testing.assert_array_equal(a, b)
    h1 = one.fit(batches(images, 8), epochs=1, verbose=0).history
    h2 = two.fit(batches(images, 8), epochs=1, verbose=0).history
    for name in h1:
        assert np.all(np.isfinite(h2[name]))
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-4, atol=1e-6)
    for a, b in zip(state(one), state(two)):
        np.testing.assert_allclose(a, b, atol=2e-5)


@pytest.mark.slow
def test_keras_gan_train_cli_runs_stylegan2(tmp_path):
    from keras_gan import recipes
    from trainers import cli

    out = tmp_path / "run"
    code = cli.main([
        "train", "--variant", "stylegan2", "--image-size", "16", "--steps", "2",
        "--batch-size", "8", "--base-filters", "8", "--option", "mapping_layers=1",
        "--output-dir", str(out), "--verbose", "0", "--num-samples", "4",
    ])
    assert code == 0
    for name in (runs.CONFIG_FILE, runs.FACTS_FILE, runs.GENERATOR_FILE, runs.EMA_GENERATOR_FILE, runs.LOSSES_CSV):
        assert (out / name).exists(), name
    config = json.loads((out / runs.CONFIG_FILE).read_text())
    assert config["g_lr"] == 0.0025 and config["beta_1"] == 0.0 and config["beta_2"] == 0.99
    assert config["mapping_layers"] == 1 and config["regularization_interval"] == 16
    facts = json.loads((out / runs.FACTS_FILE).read_text())
    assert facts["variant"] == "stylegan2" and facts["image_shape"] == [16, 16, 1] and facts["step"] == 2
    generator = keras.saving.load_model(out / runs.EMA_GENERATOR_FILE)
    images = generator(np.zeros((2, 64), "float32")).numpy()
    assert images.shape == (2, 16, 16, 1) and np.abs(images).max() <= 1.0
    # Images of a size the synthesis network cannot make: a clear error.
    config = {**recipes.defaults("stylegan2", "image"), "seed": 0, "r1_gamma": 0.01}
    with pytest.raises(ValueError, match="stylegan2.*power-of-two.*Received: data of element shape \\(24, 24, 1\\)"):
        recipes.get("stylegan2").build((24, 24, 1), config)


@pytest.mark.slow
def test_generator_exports_to_onnx_and_matches(tmp_path):
    # "const" noise (the default of `generator(z)`) has no random op: the generator
    # converts to ONNX and ONNX Runtime reproduces the Keras outputs.
    import export

    gan = tiny_stylegan2(size=16, run_eagerly=True)
    gan.fit(batches(digits(16, 8), 8), epochs=1, verbose=0)
    path = tmp_path / "model.onnx"
    export.to_onnx(gan, str(path))  # verifies against the EMA generator before publishing
    assert export.read_metadata(str(path))["variant"] == "stylegan2"
    # The run's facts say it trains with random noise; the export computes with "const".
    assert gan.describe()["synthesis_noise"] == "random"
    assert export.read_metadata(str(path))["synthesis_noise"] == "const"
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    z = np.random.default_rng(13).standard_normal((3, 4)).astype("float32")
    outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"z": z})))
    np.testing.assert_allclose(outputs["images"], gan.ema_generator(z), atol=1e-5)
