"""GAIN (Yoon et al. 2018): distribution, resume, saving, imputation contract, learning."""

import contextlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import models, networks
from keras_gan.checkpoints import gan_checkpoint
from tests.helpers import two_cpu_strategy


def correlated_table(n=256, d=6, missing=0.2, seed=0):
    """Rows on a 2-factor linear subspace + small noise, min-max normalized; MCAR mask."""
    rng = np.random.default_rng(seed)
    factors = rng.standard_normal((n, 2))
    x = factors @ rng.standard_normal((2, d)) + 0.05 * rng.standard_normal((n, d))
    x = (x - x.min(0)) / (x.max(0) - x.min(0))
    mask = (rng.uniform(size=x.shape) >= missing).astype("float32")
    return x.astype("float32"), mask


def make_gain(strategy=None, shape=(6,), init_seed=1, sgd=False, lr=1e-3, **kwargs):
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        keras.utils.set_random_seed(init_seed)
        model = models.GAIN(networks.gain_generator(shape), networks.gain_discriminator(shape), **kwargs)
        make = (lambda: keras.optimizers.SGD(lr)) if sgd else (lambda: keras.optimizers.Adam(lr))
        model.compile(g_optimizer=make(), d_optimizer=make())
    return model


def batches(x, mask, batch_size):
    # NaN in the missing cells: the model must never read them.
    x = np.where(mask > 0, x, np.nan).astype("float32")
    return tf.data.Dataset.from_tensor_slices((x, mask)).batch(batch_size, drop_remainder=True)


def state(model):
    variables = model.generator.weights + model.discriminator.weights
    variables += model.g_optimizer.variables + model.d_optimizer.variables
    return [np.asarray(v.numpy()) for v in variables]


@pytest.mark.parametrize("options", [{}, {"drop_rate": 0.3, "reconstruction_target": "dropped"}])
def test_mirrored_two_replicas_equal_one_device(options):
    x, mask = correlated_table(n=64)
    one = make_gain(None, sgd=True, lr=0.05, **options)
    two = make_gain(two_cpu_strategy(), sgd=True, lr=0.05, **options)
    for a, b in zip(state(one), state(two)):
        np.testing.assert_array_equal(a, b)
    h1 = one.fit(batches(x, mask, 16), epochs=2, verbose=0).history
    h2 = two.fit(batches(x, mask, 16), epochs=2, verbose=0).history
    for a, b in zip(state(one), state(two)):
        np.testing.assert_allclose(a, b, atol=2e-6)
    assert set(h1) == {"d_loss", "g_loss", "adversarial", "reconstruction"}
    for name in h1:  # trackers: the true loss, not 1/N of it
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-5, atol=1e-7)
    assert np.all(np.isfinite(h1["g_loss"]))


def test_resumes_exactly(tmp_path):
    x, mask = correlated_table(n=64)
    run = make_gain(init_seed=1)
    run.fit(batches(x, mask, 16), epochs=1, verbose=0)
    path = gan_checkpoint(run).write(str(tmp_path / "ckpt"))
    run.fit(batches(x, mask, 16), epochs=1, verbose=0)
    resumed = make_gain(init_seed=7)
    gan_checkpoint(resumed).read(path).assert_consumed()
    resumed.fit(batches(x, mask, 16), epochs=1, verbose=0)
    for a, b in zip(state(run), state(resumed)):
        np.testing.assert_array_equal(a, b)


def test_config_and_keras_file_round_trip(tmp_path):
    x, mask = correlated_table(n=32)
    model = make_gain(hint_rate=0.8, alpha=10.0, noise_scale=0.05, seed=3)
    model.fit(batches(x, mask, 16), epochs=1, verbose=0)
    path = tmp_path / "gain.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, models.GAIN)
    config = {k: v for k, v in loaded.get_config().items() if k not in ("generator", "discriminator")}
    assert config == {"name": model.name, "hint_rate": 0.8, "alpha": 10.0, "noise_scale": 0.05, "seed": 3,
                      "drop_rate": 0.0, "reconstruction_target": "observed"}
    np.testing.assert_array_equal(loaded.impute(x, mask, seed=5), model.impute(x, mask, seed=5))


def test_impute_keeps_observed_entries_and_draws():
    x, mask = correlated_table(n=40)
    model = make_gain()
    raw = np.where(mask > 0, x, np.nan)
    completed, draws = model.impute(raw, mask, seed=0, num_imputations=3, return_draws=True)
    observed = mask > 0
    np.testing.assert_array_equal(completed[observed], x[observed])  # bit-exact
    assert draws.shape == (3, 40, 6) and np.all(np.isfinite(completed))
    np.testing.assert_allclose(completed[~observed], draws.mean(0)[~observed], atol=1e-6)
    # Independent noise per draw: the draws differ in missing entries, agree where observed.
    assert not np.array_equal(draws[0][~observed], draws[1][~observed])
    np.testing.assert_array_equal(draws[0][observed], draws[2][observed])
    # Same seed, same imputation; G's fill is in [0, 1] (sigmoid output).
    np.testing.assert_array_equal(model.impute(raw, mask, seed=0), draws[0])
    assert completed.min() >= 0.0 and completed.max() <= 1.0
    with pytest.raises(ValueError, match="num_imputations=0"):
        model.impute(raw, mask, num_imputations=0)
    with pytest.raises(ValueError, match=r"mask.shape=\(40, 5\)"):
        model.impute(raw, mask[:, :5])


def test_images_any_mask():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(32, 8, 8, 1)).astype("float32")
    pixels = (rng.uniform(size=images.shape) > 0.5).astype("float32")
    block = np.ones_like(images)
    block[:, 2:6, 2:6, :] = 0.0
    model = make_gain(shape=(8, 8, 1))
    mask = np.concatenate([pixels[:16], block[:16]])
    history = model.fit(batches(images, mask, 16), epochs=1, verbose=0).history
    assert np.isfinite(history["g_loss"][-1])
    completed = model.impute(images, block, seed=1)
    assert completed.shape == images.shape
    np.testing.assert_array_equal(completed[block > 0], images[block > 0])
    assert not np.array_equal(completed[block == 0], images[block == 0])


def test_bad_arguments():
    g, d = networks.gain_generator((4,)), networks.gain_discriminator((4,))
    with pytest.raises(ValueError, match="hint_rate=1.5"):
        models.GAIN(g, d, hint_rate=1.5)
    with pytest.raises(ValueError, match="alpha=-1"):
        models.GAIN(g, d, alpha=-1)
    with pytest.raises(ValueError, match="generator output"):
        models.GAIN(g, networks.gain_discriminator((5,)))
    with pytest.raises(ValueError, match="needs `drop_rate > 0`"):
        models.GAIN(g, d, reconstruction_target="dropped")
    with pytest.raises(ValueError, match="drop_rate=1.0"):
        models.GAIN(g, d, drop_rate=1.0)
    with pytest.raises(ValueError, match="two inputs"):
        models.GAIN(networks.mlp_generator(4, (4,)), d)


def mean_imputation_rmse(x, mask):
    means = np.array([x[mask[:, j] > 0, j].mean() for j in range(x.shape[1])])
    missing = mask == 0
    return float(np.sqrt(np.mean((np.broadcast_to(means, x.shape)[missing] - x[missing]) ** 2)))


@pytest.mark.slow
def test_gain_beats_mean_imputation_over_seeds():
    """On a correlated table GAIN's RMSE on the missing cells beats mean imputation in
    at least 4 of 5 seeds (each seed: its own data, mask and initialization)."""
    wins, report = 0, []
    for seed in range(5):
        x, mask = correlated_table(n=512, d=8, seed=seed)
        model = make_gain(shape=(8,), init_seed=seed, seed=seed)
        raw = np.where(mask > 0, x, np.nan).astype("float32")
        data = tf.data.Dataset.from_tensor_slices((raw, mask)).shuffle(512, seed=seed).repeat().batch(128)
        model.fit(data, steps_per_epoch=600, epochs=1, verbose=0)
        completed = model.impute(raw, mask, seed=seed)
        missing = mask == 0
        rmse = float(np.sqrt(np.mean((completed[missing] - x[missing]) ** 2)))
        baseline = mean_imputation_rmse(x, mask)
        report.append((round(rmse, 4), round(baseline, 4)))
        wins += rmse < baseline
    print("GAIN vs mean RMSE per seed:", report)
    assert wins >= 4, report


# Measured 2026-12-02 (Intel Xeon, AVX-512 + AMX, oneDNN on), 1,000 steps, RMSE on the
# missing cells, paper -> plus: seed 0 0.1018 -> 0.0257 (ratio 0.25), 1 0.0695 -> 0.0325
# (0.47), 2 0.0876 -> 0.0308 (0.35), 3 0.0842 -> 0.0346 (0.41), 4 0.0856 -> 0.0288 (0.34);
# TF_ENABLE_ONEDNN_OPTS=0: the same ratios to 3 decimals.
PLUS_RATIO_EVERY_SEED = 0.7  # at least 4 of 5 seeds below it
PLUS_RATIO_MEDIAN = 0.6


@pytest.mark.slow
@pytest.mark.learning
def test_plus_preset_beats_gain_as_published_over_seeds():
    """keras-gan's GAIN (`preset("plus")`) imputes a correlated table with a lower RMSE
    than GAIN as published, same steps, data, masks and seeds."""
    from keras_gan.imputation import preset, train_gain

    ratios = []
    for seed in range(5):
        x, mask = correlated_table(n=512, d=8, seed=seed)
        raw = np.where(mask > 0, x, np.nan).astype("float32")
        rmse = []
        for name in ("paper", "plus"):
            model = train_gain(raw, mask, steps=1000, seed=seed, **preset(name))
            completed = model.impute(raw, mask, seed=seed)
            keras.backend.clear_session()
            rmse.append(float(np.sqrt(np.mean((completed[mask == 0] - x[mask == 0]) ** 2))))
        ratios.append(round(rmse[1] / rmse[0], 3))
    print("plus / paper RMSE per seed:", ratios)
    assert sum(r < PLUS_RATIO_EVERY_SEED for r in ratios) >= 4, ratios
    assert np.median(ratios) < PLUS_RATIO_MEDIAN, ratios
