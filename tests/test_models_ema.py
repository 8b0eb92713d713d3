"""The EMA of G (`keras_gan.models.ema`, `GAN(ema_decay, ema_rampup)`): StyleGAN2-ADA's
half-life and ramp-up, its recurrence in every variant, the flag and its errors."""

import json

import numpy as np
import pytest

from keras_gan import models, runs
from keras_gan.models.ema import check_ema_options, ema_beta, ema_decay_for_half_life
from keras_gan.training import TrainConfig, train
from tests.helpers import batches, ring_points, tiny_gan


@pytest.mark.parametrize("batch", [32, 64])
def test_ema_beta_follows_stylegan2_ada_half_life_and_rampup(batch):
    # ADA's training loop: ema_nimg = min(10k, cur_nimg * 0.05), beta = 0.5 ** (batch /
    # ema_nimg), cur_nimg = step * batch the images seen before the update.
    decay = ema_decay_for_half_life(batch)
    assert decay == pytest.approx(0.5 ** (batch / 10_000))
    for step in (0, 1, 2, 10, 100, 1000, 3124, 3125, 6249, 6250, 6251, 20_000):
        nimg = min(10_000, step * batch * 0.05)
        expected = 0.5 ** (batch / nimg) if nimg > 0 else 0.0
        assert float(ema_beta(step, decay, 0.05)) == pytest.approx(expected, rel=1e-5, abs=1e-12), step
    assert float(ema_beta(7, decay, None)) == pytest.approx(decay)


def test_ramped_ema_follows_its_recurrence_in_the_base_gan():
    # decay 0.99 has a half-life of log(0.5) / log(0.99) = 68.97 steps; with ramp-up 0.5
    # the half-life of update k is min(68.97, 0.5 k): beta 0 (a copy of G), then
    # 0.5 ** (1 / 0.5) = 0.25, then 0.5 ** (1 / 1) = 0.5.
    points, _ = ring_points(64)
    gan = tiny_gan(ema_decay=0.99, ema_rampup=0.5)
    ema = None
    for beta in (0.0, 0.25, 0.5):
        gan.fit(batches(points, 64), epochs=1, verbose=0)  # one step
        weights = [w.numpy() for w in gan.generator.trainable_weights]
        ema = weights if ema is None else [beta * e + (1 - beta) * w for e, w in zip(ema, weights)]
        for expected, actual in zip(ema, gan.ema_generator.trainable_weights):
            np.testing.assert_allclose(actual.numpy(), expected, rtol=1e-5, atol=1e-7)
    # Without ramp-up the first update already averages with the initial weights.
    plain = tiny_gan(ema_decay=0.99)
    initial = [w.numpy() for w in plain.generator.trainable_weights]
    plain.fit(batches(points, 64), epochs=1, verbose=0)
    for w0, w1, actual in zip(initial, plain.generator.trainable_weights, plain.ema_generator.trainable_weights):
        np.testing.assert_allclose(actual.numpy(), 0.99 * w0 + 0.01 * w1.numpy(), rtol=1e-5, atol=1e-7)


def test_ema_rampup_is_in_the_config_and_round_trips():
    gan = tiny_gan(ema_decay=0.9, ema_rampup=0.05)
    config = gan.get_config()
    assert (config["ema_decay"], config["ema_rampup"]) == (0.9, 0.05)
    again = models.GAN.from_config(config)
    assert (again.ema_decay, again.ema_rampup) == (0.9, 0.05)
    assert tiny_gan().get_config()["ema_rampup"] is None


@pytest.mark.parametrize("ema_decay, ema_rampup, message", [
    (1.0, None, "`ema_decay` must be in (0, 1) or None. Received: ema_decay=1.0"),
    (True, None, "`ema_decay` must be in (0, 1) or None. Received: ema_decay=True"),
    (0.99, 0, "`ema_rampup` must be a positive number or None. Received: ema_rampup=0"),
    (0.99, "fast", "`ema_rampup` must be a positive number or None. Received: ema_rampup='fast'"),
    (None, 0.05, "`ema_rampup` ramps up the EMA of `ema_decay`, which is None (no EMA). Set "
                 "`ema_decay` too (e.g. 0.999) or leave `ema_rampup` None. Received: ema_rampup=0.05"),
])
def test_bad_ema_options_are_refused(ema_decay, ema_rampup, message):
    with pytest.raises(ValueError) as error:
        check_ema_options(ema_decay, ema_rampup)
    assert str(error.value) == message
    # The model refuses them with the same message.
    with pytest.raises(ValueError) as error:
        tiny_gan(ema_decay=ema_decay, ema_rampup=ema_rampup)
    assert str(error.value) == message


def test_ema_rampup_flag_reaches_the_model_and_is_not_an_option(tmp_path):
    config = TrainConfig(variant="dcgan", dataset="ring8", output_dir=str(tmp_path / "run"), steps=3,
                         batch_size=64, hidden_units=16, verbose=0, ema_decay=0.999, ema_rampup=0.05)
    result = train(config)
    assert (result.gan.ema_decay, result.gan.ema_rampup) == (0.999, 0.05)
    # Update 2 (0-based) has half-life min(692.8, 2 * 0.05) = 0.1 steps: beta 0.5 ** 10.
    assert float(result.gan.ema_beta()) == pytest.approx(0.5 ** 10, rel=1e-4)
    saved = json.loads((tmp_path / "run" / runs.CONFIG_FILE).read_text())
    assert saved["ema_rampup"] == 0.05
    with pytest.raises(ValueError, match="Unknown option 'ema_rampup' for variant 'dcgan'.*own flags"):
        train(TrainConfig(variant="dcgan", dataset="ring8", output_dir=str(tmp_path / "bad"), steps=1,
                          verbose=0, options={"ema_rampup": 0.05}))
    assert not (tmp_path / "bad").exists()
