"""PacGAN's mode-collapse metrics (`pacgan_mode_metrics`), packing and the benchmark."""

import math

import numpy as np
import pytest

from keras_gan import data as kdata
from keras_gan import metrics


# --------------------------------------------------------------------------- metrics


def _points_at(modes, per_mode, offset=0.0):
    """`per_mode[k]` copies of mode k, shifted by `offset` along x."""
    rows = [np.repeat(modes[k : k + 1] + [offset, 0.0], n, axis=0) for k, n in enumerate(per_mode)]
    return np.concatenate([r for r in rows if len(r)], axis=0)


def test_pacgan_metrics_of_the_true_mixture_are_perfect():
    ring = kdata.load_arrays("ring8", num_examples=2500, seed=0)
    result = metrics.pacgan_mode_metrics(ring.images, ring.modes, ring.mode_std)
    assert result["modes"] == 8 and result["covered"] == 8
    # P(|N(0, I_2)| > 3) = exp(-9/2) = 0.0111: ~98.9% of true samples are high quality.
    assert result["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.006)
    # A multinomial histogram of ~2,470 points over 8 cells: KL ~ (K-1)/(2n) = 0.0014.
    assert 0 <= result["reverse_kl"] < 0.01


def test_pacgan_metrics_golden_values_on_a_constructed_sample():
    modes, std = kdata.toy_modes("ring8")
    # 6 points on mode 0, 2 on mode 1, 2 points 2.9 std off mode 2 (still high quality),
    # 4 points 3.1 std off mode 3 (not), nothing on modes 4..7.
    samples = np.concatenate([
        _points_at(modes, [6, 2]),
        _points_at(modes[2:3], [2], offset=2.9 * std),
        _points_at(modes[3:4], [4], offset=3.1 * std),
    ])
    result = metrics.pacgan_mode_metrics(samples, modes, std)
    assert result["counts"] == [6, 2, 2, 0, 0, 0, 0, 0]
    assert result["modes"] == 3
    assert result["high_quality"] == pytest.approx(10 / 14)
    # p = (0.6, 0.2, 0.2): sum p log(8 p), worked out by hand.
    expected = 0.6 * math.log(4.8) + 2 * 0.2 * math.log(1.6)
    assert result["reverse_kl"] == pytest.approx(expected, abs=1e-12)


def test_pacgan_modes_count_single_samples_that_mode_coverage_does_not():
    modes, std = kdata.toy_modes("grid25")
    # 300 points on mode 0 and 1 point on each of modes 1..24: PacGAN counts all 25 modes,
    # `mode_coverage` (>= 1% of the 324 high-quality points = 3.24) only mode 0.
    samples = _points_at(modes, [300] + [1] * 24)
    result = metrics.pacgan_mode_metrics(samples, modes, std)
    assert result["modes"] == 25 and result["covered"] == 1
    p = np.array([300] + [1] * 24) / 324
    assert result["reverse_kl"] == pytest.approx(float(np.sum(p * np.log(25 * p))), abs=1e-12)


def test_pacgan_reverse_kl_extremes():
    modes, std = kdata.toy_modes("grid25")
    collapsed = metrics.pacgan_mode_metrics(_points_at(modes, [50]), modes, std)
    assert collapsed["modes"] == 1 and collapsed["reverse_kl"] == pytest.approx(math.log(25))
    uniform = metrics.pacgan_mode_metrics(_points_at(modes, [4] * 25), modes, std)
    assert uniform["modes"] == 25 and uniform["reverse_kl"] == pytest.approx(0.0, abs=1e-15)
    nowhere = metrics.pacgan_mode_metrics(modes + 1.0, modes, std)
    assert nowhere["modes"] == 0 and nowhere["high_quality"] == 0.0
    assert math.isnan(nowhere["reverse_kl"])


def test_pacgan_metrics_reject_bad_shapes():
    modes, std = kdata.toy_modes("ring8")
    with pytest.raises(ValueError, match="samples.shape=\\(5, 3\\)"):
        metrics.pacgan_mode_metrics(np.zeros((5, 3)), modes, std)


# --------------------------------------------------------------------------- packing

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gan import losses, models, networks  # noqa: E402
from keras_gan.models import packing  # noqa: E402
from tests import helpers  # noqa: E402


def test_pack_samples_is_the_concatenation_of_consecutive_samples():
    x = np.arange(6 * 2, dtype="float32").reshape(6, 2)
    expected = np.stack([np.concatenate([x[3 * j], x[3 * j + 1], x[3 * j + 2]]) for j in range(2)])
    np.testing.assert_array_equal(packing.pack_samples(x, 3).numpy(), expected)
    images = np.random.default_rng(0).standard_normal((4, 3, 5, 2)).astype("float32")
    expected = np.stack([np.concatenate([images[2 * j], images[2 * j + 1]], axis=-1) for j in range(2)])
    packed = packing.pack_samples(images, 2).numpy()
    assert packed.shape == (2, 3, 5, 4)
    np.testing.assert_array_equal(packed, expected)
    assert packing.pack_samples(x, 1) is x
    assert packing.packed_shape((3, 5, 2), 4) == (3, 5, 8)


def test_unpack_samples_inverts_pack_samples():
    rng = np.random.default_rng(1)
    for shape in ((12, 5), (12, 4, 3, 2)):
        x = rng.standard_normal(shape).astype("float32")
        for m in (1, 2, 3, 4):
            np.testing.assert_array_equal(np.asarray(packing.unpack_samples(packing.pack_samples(x, m), m)), x)


def test_r1_of_a_packed_gan_is_one_gradient_norm_per_pack():
    # D(p) = w . p on packs p of 2 samples: grad_p D = w for every pack, so
    # R1 = gamma / 2 * E_packs ||w||^2 = ||w||^2 with gamma = 2 (not ||w||^2 / 2, which an
    # average over the samples' own gradient norms would give).
    w = np.array([[0.5], [-1.0], [2.0], [0.25]], "float32")
    critic = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, use_bias=False)])
    critic.layers[0].kernel.assign(w)
    gan = models.GAN(networks.mlp_generator(8, (2,), hidden_units=(8,), output_activation=None),
                     critic, pack=2, r1_gamma=2.0)
    gan.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0))
    real, _ = helpers.ring_points(16)
    logs = gan.train_step(tf.constant(real))
    assert float(logs["r1"]) == pytest.approx(float(np.sum(w ** 2)), rel=1e-6)


def test_pack_samples_rejects_a_batch_that_does_not_divide():
    with pytest.raises(ValueError, match="a batch of 5 with pack=2"):
        packing.pack_samples(np.zeros((5, 2), "float32"), 2)


def _packed_gan(pack=2, model=models.GAN, **kwargs):
    return model(
        networks.mlp_generator(8, (2,), hidden_units=(16, 16), output_activation=None),
        networks.mlp_discriminator(packing.packed_shape((2,), pack), hidden_units=(16, 16)),
        pack=pack,
        **kwargs,
    )


def test_packed_discriminator_step_scores_the_manual_packs():
    # The logged d_loss is computed before D's update: it must equal the loss of D on the
    # real pairs and on the pairs of this step's generated samples, concatenated by hand.
    gan = helpers.compiled(lambda: _packed_gan(pack=2))
    real, _ = helpers.ring_points(64)
    z = gan.sample_latent(64, gan._step_seed(0)).numpy()
    fake = gan.generator(z).numpy()
    real_packs = np.concatenate([real[0::2], real[1::2]], axis=1)
    fake_packs = np.concatenate([fake[0::2], fake[1::2]], axis=1)
    expected = losses.minimax_discriminator_loss(
        gan.discriminator(real_packs), gan.discriminator(fake_packs)
    ).numpy()
    logs = gan.train_step(tf.constant(real))
    assert float(logs["d_loss"]) == pytest.approx(float(expected), rel=1e-5)


def test_pack_is_validated_with_clear_errors():
    for bad in (0, 2.0, True, "2"):
        with pytest.raises(ValueError, match="`pack` must be a positive integer"):
            models.GAN(networks.mlp_generator(8, (2,), output_activation=None),
                       networks.mlp_discriminator((2,)), pack=bad)
    with pytest.raises(ValueError, match=r"packs of shape \(6,\).*input shape is \(2,\)"):
        models.GAN(networks.mlp_generator(8, (2,), output_activation=None),
                   networks.mlp_discriminator((2,)), pack=3)


@pytest.mark.slow
@pytest.mark.parametrize("model, kwargs", [
    (models.GAN, {"d_steps": 2, "r1_gamma": 1.0}),
    (models.WGANGP, {"gp_weight": 1.0}),
])
def test_packed_mirrored_strategy_equals_one_device(model, kwargs):
    # Each replica packs its own contiguous rows: together the packs one device forms,
    # penalties (R1, WGAN-GP's per-pack interpolation) included.
    points, _ = helpers.ring_points(1024)
    batch = 128 * kwargs.get("d_steps", 5)
    helpers.assert_mirrored_equals_one_device(
        lambda s: helpers.compiled(lambda: _packed_gan(pack=4, model=model, **kwargs), s, sgd=True, lr=0.05),
        # atol 1e-5 (the helper's 2e-6 was exceeded once, 2.97e-6, on another CPU): two
        # replicas sum the gradient, and R1's double backprop, in another order. A term
        # scaled wrongly across replicas moves weights by a share of an SGD step (lr 0.05),
        # orders of magnitude above this.
        helpers.batches(points, batch), atol=1e-5, history_atol=1e-6,
    )


def test_packed_gan_resumes_exactly(tmp_path):
    points, _ = helpers.ring_points(512)
    helpers.assert_resumes_exactly(
        lambda seed: helpers.compiled(lambda: _packed_gan(pack=2, ema_decay=0.9), init_seed=seed, run_eagerly=True),
        helpers.batches(points, 64), tmp_path,
    )


# --------------------------------------------------------------------------- trainer


def _train_cli(out, *extra):
    from trainers import cli

    return cli.main(["train", "--variant", "gan", "--dataset", "ring8", "--batch-size", "64",
                     "--hidden-units", "16", "--output-dir", str(out), "--verbose", "0",
                     "--deterministic", "--num-samples", "16", *extra])


@pytest.mark.slow
def test_pack_option_trains_and_resumes_exactly(tmp_path, capsys):
    import json as _json

    from trainers.sample import load_generator

    # The cut run is extended from 4 to 8 steps, so the rates are constant: the recipe's
    # linear decay depends on the run's length (its resume: tests/test_schedules.py).
    constant = ("--lr-schedule", "constant")
    assert _train_cli(tmp_path / "whole", "--steps", "8", "--option", "pack=4", *constant) == 0
    assert _train_cli(tmp_path / "cut", "--steps", "4", "--option", "pack=4", *constant) == 0
    assert _train_cli(tmp_path / "cut", "--steps", "8", "--option", "pack=4", "--resume", *constant) == 0
    for run in ("whole", "cut"):
        config = _json.loads((tmp_path / run / "config.json").read_text())
        assert config["pack"] == 4
    whole, _ = load_generator(str(tmp_path / "whole"))
    cut, _ = load_generator(str(tmp_path / "cut"))
    for a, b in zip(whole.get_weights(), cut.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Resuming with another packing degree changes D's shape: refused by name.
    assert _train_cli(tmp_path / "cut", "--steps", "12", "--option", "pack=2", "--resume") == 2
    assert "pack: run has 4, got 2" in capsys.readouterr().err
    assert whole.input_shape == (None, config["latent_dim"]) and whole.output_shape == (None, 2)


@pytest.mark.slow
def test_packed_dcgan_exports_only_its_generator(tmp_path):
    # D saw packs of 2 images (2 channels); the export holds G alone: z -> [n, 16, 16, 1].
    import onnxruntime as ort

    from export import cli as export_cli
    from trainers import cli
    from trainers.sample import load_generator

    run = tmp_path / "run"
    assert cli.main(["train", "--variant", "dcgan", "--steps", "2", "--image-size", "16",
                     "--base-filters", "8", "--batch-size", "16", "--num-samples", "4",
                     "--output-dir", str(run), "--verbose", "0", "--option", "pack=2"]) == 0
    generator, facts = load_generator(str(run))
    assert generator.output_shape == (None, 16, 16, 1)
    assert export_cli.main(["--run-dir", str(run), "--output", str(tmp_path / "export"),
                            "--formats", "onnx"]) == 0
    (onnx_path,) = list((tmp_path / "export").rglob("*.onnx"))
    session = ort.InferenceSession(str(onnx_path))
    assert [tuple(i.shape[1:]) for i in session.get_inputs()] == [(facts["latent_dim"],)]
    z = np.random.default_rng(0).standard_normal((3, facts["latent_dim"])).astype("float32")
    (images,) = session.run(["images"], {session.get_inputs()[0].name: z})
    np.testing.assert_allclose(images, generator.predict(z, verbose=0), atol=1e-4)


def test_pack_option_errors_name_the_problem(tmp_path, capsys):
    assert _train_cli(tmp_path / "a", "--steps", "2", "--option", "pack=3") == 2
    assert "`batch_size` must be a multiple of 3. Received: batch_size=64" in capsys.readouterr().err
    from trainers import cli

    code = cli.main(["train", "--variant", "cgan", "--dataset", "ring8", "--steps", "2",
                     "--output-dir", str(tmp_path / "b"), "--verbose", "0", "--option", "pack=2"])
    assert code == 2 and "CGAN's D scores more than a sample" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
