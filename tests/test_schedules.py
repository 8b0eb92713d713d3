"""Learning-rate schedules (`keras_gan.training.schedules`, `TrainConfig.lr_schedule`)."""

import os
import shutil

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan import runs
from keras_gan.training import TrainConfig, train, weights_digest
from keras_gan.training.schedules import learning_rate, scheduled_rates


def _config(tmp_path, name, **overrides):
    values = dict(variant="gan", dataset="ring8", output_dir=str(tmp_path / name), steps=6,
                  batch_size=128, hidden_units=16, latent_dim=4, verbose=0, tensorboard=False,
                  lr_schedule="linear")
    values.update(overrides)
    return TrainConfig(**values)


def test_linear_decays_to_zero_at_the_last_update():
    schedule = learning_rate(1e-3, "linear", 8)
    # lr * max(0, 1 - t / 8), worked out by hand.
    values = [float(schedule(t)) for t in (0, 2, 4, 8, 20)]
    np.testing.assert_allclose(values, [1e-3, 7.5e-4, 5e-4, 0.0, 0.0], atol=1e-12)
    assert learning_rate(1e-3, "constant", 8) == 1e-3


def test_d_decays_over_its_d_steps_updates_per_step():
    settings = {"g_lr": 2e-4, "d_lr": 1e-3, "d_steps": 5, "lr_schedule": "linear", "other": 1}
    rates = scheduled_rates(settings, total_steps=100)
    assert (rates["g_lr"].decay_steps, rates["d_lr"].decay_steps) == (100, 500)
    assert (rates["g_lr"].initial_learning_rate, rates["d_lr"].initial_learning_rate) == (2e-4, 1e-3)
    assert rates["other"] == 1 and settings["g_lr"] == 2e-4  # a copy; the settings stay
    assert scheduled_rates({**settings, "lr_schedule": "constant"}, 100)["d_lr"] == 1e-3


def test_bad_schedules_are_refused_with_the_value():
    with pytest.raises(ValueError, match=r"lr_schedule.*\('constant', 'linear'\). Received: lr_schedule='cosine'"):
        learning_rate(1e-3, "cosine", 10)
    with pytest.raises(ValueError, match="decay_steps.*Received: decay_steps=0"):
        learning_rate(1e-3, "linear", 0)
    with pytest.raises(ValueError, match="Unknown lr_schedule 'cosine'.*Received: lr_schedule='cosine'"):
        TrainConfig(lr_schedule="cosine").validate()


def test_a_linear_run_ends_at_rate_zero_and_trains_differently(tmp_path):
    data = gan_data.load_arrays("ring8", num_examples=512, seed=0)
    linear = train(_config(tmp_path, "linear", d_steps=2, batch_size=64), data=data)
    g, d = linear.gan.g_optimizer, linear.gan.d_optimizer
    assert (int(g.iterations), int(d.iterations)) == (6, 12)
    assert float(g.learning_rate) == 0.0 and float(d.learning_rate) == 0.0
    assert runs.RunDirectory(linear.output_dir).read_config()["lr_schedule"] == "linear"
    keras.backend.clear_session()
    constant = train(_config(tmp_path, "constant", d_steps=2, batch_size=64, lr_schedule="constant"),
                     data=data)
    assert float(constant.gan.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert weights_digest(linear.gan) != weights_digest(constant.gan)


def test_a_resumed_linear_run_continues_the_schedule_exactly(tmp_path):
    # The schedule is a function of the optimizers' restored `iterations`: resumed from the
    # step-3 checkpoint of a 6-step run, the run ends with the uninterrupted run's weights
    # (a schedule counting from the start of `fit` would restart at the full rate).
    data = gan_data.load_arrays("ring8", num_examples=512, seed=0)
    whole = train(_config(tmp_path, "whole", checkpoint_every=3, deterministic=True), data=data)
    split = tmp_path / "split"
    shutil.copytree(whole.output_dir, split)
    directory = str(split / runs.CHECKPOINT_DIR)
    paths = tf.train.get_checkpoint_state(directory).all_model_checkpoint_paths
    first = os.path.basename(min(paths, key=lambda p: int(p.rsplit("-", 1)[1])))
    tf.compat.v1.train.update_checkpoint_state(directory, first, all_model_checkpoint_paths=[first])
    keras.backend.clear_session()
    resumed = train(_config(tmp_path, "split", checkpoint_every=3, deterministic=True, resume=True),
                    data=data)
    assert resumed.gan.step == 6 and int(resumed.gan.g_optimizer.iterations) == 6
    assert weights_digest(resumed.gan) == weights_digest(whole.gan)


def test_gain_tables_refuse_a_schedule(tmp_path):
    from keras_gan.training import train_imputer

    with pytest.raises(ValueError, match="constant learning rate.*Received: --lr-schedule 'linear'"):
        train_imputer(TrainConfig(variant="gain", dataset=str(tmp_path / "t.csv"), lr_schedule="linear"))


def test_resuming_a_linear_run_with_another_length_warns(tmp_path):
    data = gan_data.load_arrays("ring8", num_examples=512, seed=0)
    train(_config(tmp_path, "run", steps=2), data=data)
    keras.backend.clear_session()
    with pytest.warns(UserWarning, match=r"another length \(steps, epochs\): \(2, 30\) -> \(4, 30\)"):
        resumed = train(_config(tmp_path, "run", steps=4, resume=True), data=data)
    assert resumed.gan.step == 4
