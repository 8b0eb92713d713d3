"""The Trainer (`keras_gan.training`) and `keras-gan train`: run directories, exact resume,
NaN stop, errors."""

import csv
import json
import os
import re

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_gan import callbacks as gan_callbacks
from keras_gan import data as gan_data
from keras_gan import recipes
from keras_gan import runs
from keras_gan.checkpoints import gan_checkpoint
from keras_gan.training import TrainConfig, Trainer, TrainingDiverged, train, weights_digest
from tests.helpers import batches, ring_points, tiny_gan
from tests.test_tensorboard import read_events
from trainers import cli


def _ring(n=1024):
    return gan_data.load_arrays("ring8", num_examples=n, seed=0)


def _config(tmp_path, name="run", **overrides):
    # Constant rates: these runs are extended on resume (e.g. 1 -> 3 epochs), and the gan
    # toy recipe's linear decay depends on the run's length (tests/test_schedules.py).
    values = dict(variant="gan", dataset="ring8", output_dir=str(tmp_path / name), epochs=2,
                  batch_size=128, hidden_units=32, latent_dim=8, verbose=0, lr_schedule="constant")
    values.update(overrides)
    return TrainConfig(**values)


def _generator_weights(run_dir):
    import keras

    return keras.saving.load_model(os.path.join(run_dir, runs.GENERATOR_FILE)).get_weights()


def test_digits_run_directory_has_everything(tmp_path):
    out = tmp_path / "digits"
    config = TrainConfig(dataset="digits", image_size=16, output_dir=str(out), steps=3,
                         batch_size=16, base_filters=8, num_samples=16, verbose=0)
    result = train(config)
    for name in (runs.CONFIG_FILE, runs.FACTS_FILE, runs.LOSSES_CSV, runs.LOSSES_PLOT, runs.GENERATOR_FILE,
                 "samples/epoch_0001.png", "checkpoints/checkpoint"):
        assert (out / name).exists(), name
    saved = json.loads((out / runs.CONFIG_FILE).read_text())
    assert saved["variant"] == "dcgan" and saved["image_size"] == 16 and saved["steps"] == 3
    facts = json.loads((out / runs.FACTS_FILE).read_text())
    assert facts["image_shape"] == [16, 16, 1] and facts["step"] == 3
    grid = Image.open(out / runs.SAMPLES_DIR / "epoch_0001.png")
    # 16 images of 16x16 as a 4x4 grid with 2-pixel padding: 4 * 18 + 2 = 74.
    assert grid.size == (74, 74)
    rows = list(csv.DictReader(open(out / runs.LOSSES_CSV)))
    assert len(rows) == 1 and np.isfinite(float(rows[0]["d_loss"]))
    assert result.history["g_loss"][0] == pytest.approx(float(rows[0]["g_loss"]), rel=1e-5)


def test_resume_reproduces_an_uninterrupted_run(tmp_path):
    data = _ring()
    whole = train(_config(tmp_path, "whole", epochs=3), data=data)
    train(_config(tmp_path, "split", epochs=1), data=data)
    resumed = train(_config(tmp_path, "split", epochs=3, resume=True), data=data)
    assert resumed.start_epoch == 1
    for a, b in zip(_generator_weights(whole.output_dir), _generator_weights(resumed.output_dir)):
        np.testing.assert_allclose(a, b, atol=1e-6)
    # The loss log continues instead of restarting: epochs 1..3, equal to the whole run's.
    rows = list(csv.DictReader(open(tmp_path / "split" / runs.LOSSES_CSV)))
    whole_rows = list(csv.DictReader(open(tmp_path / "whole" / runs.LOSSES_CSV)))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    np.testing.assert_allclose([float(r["d_loss"]) for r in rows],
                               [float(r["d_loss"]) for r in whole_rows], rtol=1e-5)


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    data = _ring()
    train(_config(tmp_path, epochs=1), data=data)
    good = tf.train.latest_checkpoint(str(tmp_path / "run" / runs.CHECKPOINT_DIR))
    with pytest.raises(TrainingDiverged, match=r"non-finite loss .* last good checkpoint is kept: .*ckpt-1"):
        train(_config(tmp_path, epochs=3, resume=True, g_lr=1e30, d_lr=1e30), data=data)
    assert tf.train.latest_checkpoint(str(tmp_path / "run" / runs.CHECKPOINT_DIR)) == good


def test_mirrored_strategy_run(tmp_path):
    result = train(_config(tmp_path, epochs=1, strategy="mirrored"), data=_ring(512))
    assert result.gan.distribute_strategy.num_replicas_in_sync == 2
    assert np.isfinite(result.history["d_loss"][0])


def test_existing_run_directory_is_not_overwritten(tmp_path):
    data = _ring(256)
    train(_config(tmp_path, epochs=1), data=data)
    with pytest.raises(ValueError, match="already holds a run. Pass --resume"):
        train(_config(tmp_path, epochs=1), data=data)


def test_resume_with_a_different_configuration_is_refused(tmp_path):
    data = _ring(256)
    train(_config(tmp_path, epochs=1), data=data)
    before = (tmp_path / "run" / runs.CONFIG_FILE).read_text()
    with pytest.raises(ValueError, match="different configuration .*latent_dim: run has 8, got 4"):
        train(_config(tmp_path, epochs=2, resume=True, latent_dim=4), data=data)
    assert (tmp_path / "run" / runs.CONFIG_FILE).read_text() == before


def test_bad_configuration_errors(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown variant 'nope'. Expected one of \[.*'dcgan'.*'gan'"):
        train(_config(tmp_path, variant="nope"), data=_ring(256))
    with pytest.raises(ValueError, match="Unknown option 'gp_weight' for variant 'gan'"):
        train(_config(tmp_path, options={"gp_weight": 10.0}), data=_ring(256))
    with pytest.raises(ValueError, match="fewer than one batch of 512"):
        train(_config(tmp_path, batch_size=512), data=_ring(256))
    with pytest.raises(ValueError, match="`epochs` must be a positive integer. Received: epochs=0"):
        train(_config(tmp_path, epochs=0), data=_ring(256))


def test_cli_reports_bad_input(tmp_path, capsys):
    code = cli.main(["train", "--dataset", "no-such-dataset", "--output-dir", str(tmp_path / "x")])
    assert code == 2
    err = capsys.readouterr().err
    assert "Unknown dataset 'no-such-dataset'" in err and "digits" in err
    code = cli.main(["train", "--dataset", str(tmp_path / "missing.npz")])
    assert code == 2 and "missing.npz" in capsys.readouterr().err
    code = cli.main(["train", "--image-size", "48", "--output-dir", str(tmp_path / "y")])
    assert code == 2 and "48" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["train", "--variant", "nope"])
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_cli_train_then_sample(tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli.main(["train", "--variant", "gan", "--dataset", "ring8", "--epochs", "1",
                     "--hidden-units", "16", "--output-dir", str(out), "--verbose", "0"]) == 0
    assert f"Run directory: {out}" in capsys.readouterr().out
    assert cli.main(["sample", "--run-dir", str(out), "--num-samples", "100"]) == 0
    assert (out / "sample.png").exists()
    assert cli.main(["sample", "--run-dir", str(tmp_path)]) == 2
    assert runs.FACTS_FILE in capsys.readouterr().err


def test_metrics_every_writes_curves_and_keeps_them_on_resume(tmp_path):
    out = tmp_path / "metrics"

    def config(epochs, resume=False):
        return TrainConfig(dataset="digits", image_size=16, output_dir=str(out), epochs=epochs,
                           batch_size=64, base_filters=8, num_samples=16, verbose=0, resume=resume,
                           metrics_every=1, metrics="fid,kid", metrics_samples=128)

    first = train(config(1))
    assert np.isfinite(first.history["fid"][0]) and first.history["fid"][0] > 0
    resumed = train(config(2, resume=True))
    rows = list(csv.DictReader(open(out / runs.METRICS_CSV)))
    assert [r["epoch"] for r in rows] == ["1", "2"]  # epoch 1's row survived the resume
    assert float(rows[0]["fid"]) == pytest.approx(first.history["fid"][0], rel=1e-6)
    assert float(rows[1]["fid"]) == pytest.approx(resumed.history["fid"][-1], rel=1e-6)
    # The training time keeps counting across the resume (from epoch 1's row).
    assert 0 < float(rows[0]["train_cpu_seconds"]) < float(rows[1]["train_cpu_seconds"])
    assert 0 < float(rows[0]["train_seconds"]) < float(rows[1]["train_seconds"])
    # TensorBoard holds the same metric values, one point per epoch across the resume.
    scalars, _ = read_events(out / "tensorboard")
    for name in ("fid", "kid"):
        assert [v for _, v in scalars[f"metrics/{name}"]] == pytest.approx(
            [float(r[name]) for r in rows], rel=1e-6)
    assert all(np.isfinite(float(r["kid"])) for r in rows)
    # The domain classifier is trained once and cached in the run directory.
    assert (out / "domain_classifier.keras").exists()
    width, height = Image.open(out / "metrics.png").size
    assert width > height > 0  # losses panel + one panel per metric, side by side
    # losses.csv keeps only the loss columns (metrics live in metrics.csv).
    assert "fid" not in open(out / runs.LOSSES_CSV).readline()


def test_metrics_every_is_refused_on_toy_data(tmp_path):
    with pytest.raises(ValueError, match="`metrics_every` computes image metrics.*Received: metrics_every=1"):
        train(_config(tmp_path, metrics_every=1), data=_ring())


# ---------------------------------------------------------------------- the Python API


def test_trainer_two_steps_from_python(tmp_path):
    trainer = Trainer(_config(tmp_path, epochs=None, steps=2, tensorboard=False), data=_ring(512))
    plan = trainer.plan()
    # 512 points / batch 128: 4 steps per epoch; the recipe's settings fill the None fields.
    assert (plan.global_batch, plan.steps_per_epoch, plan.total_steps, plan.kind) == (128, 4, 2, "toy")
    assert plan.settings["g_lr"] == 1e-3 and plan.settings["hidden_units"] == 32
    assert not os.path.exists(plan.run_dir)  # planning writes nothing
    result = trainer.fit()
    assert result.gan.step == 2 and result.start_epoch == 0
    run = runs.RunDirectory(result.output_dir)
    assert run.read_config()["steps"] == 2 and run.read_facts().step == 2
    # One (partial) epoch logged, the value the loop returned.
    assert run.read_losses()["d_loss"] == pytest.approx(result.history["d_loss"], rel=1e-6)


def test_the_grid_gets_its_recipes_dataset_defaults_and_a_look_alike_does_not(tmp_path):
    grid = gan_data.load_arrays("grid25", num_examples=512, seed=0)
    config = _config(tmp_path, dataset="grid25", epochs=None)
    grid_epochs = recipes.get("gan").dataset_defaults["grid25"]["epochs"]
    assert Trainer(config, data=grid).plan().settings["epochs"] == grid_epochs
    # The same points handed over under the ring's name, or named "grid25" while the config
    # names another data set, take the kind's defaults.
    toy_epochs = recipes.defaults("gan", "toy")["epochs"]
    assert toy_epochs != grid_epochs
    assert Trainer(_config(tmp_path, epochs=None), data=grid).plan().settings["epochs"] == toy_epochs
    assert Trainer(config, data=_ring(512)).plan().settings["epochs"] == toy_epochs
    # An explicit setting still wins.
    assert Trainer(_config(tmp_path, dataset="grid25", epochs=3), data=grid).plan().settings["epochs"] == 3


def test_resume_mid_epoch_ends_with_the_weights_of_an_uninterrupted_run(tmp_path):
    data = _ring(512)
    whole = train(_config(tmp_path, "whole", epochs=None, steps=6, tensorboard=False), data=data)
    train(_config(tmp_path, "split", epochs=None, steps=3, tensorboard=False), data=data)  # stops mid-epoch
    resumed = train(_config(tmp_path, "split", epochs=None, steps=6, tensorboard=False, resume=True),
                    data=data)
    assert resumed.gan.step == 6
    assert weights_digest(resumed.gan) == weights_digest(whole.gan)


def test_nan_mid_epoch_keeps_the_last_finite_step_checkpoint(tmp_path):
    data = _ring(1024)  # 8 steps per epoch
    train(_config(tmp_path, epochs=None, steps=2, checkpoint_every=1, tensorboard=False), data=data)
    # Resumed with huge rates: the losses become non-finite within a step or two.
    config = _config(tmp_path, epochs=None, steps=8, checkpoint_every=1, g_lr=1e30, d_lr=1e30,
                     tensorboard=False, resume=True)
    with pytest.raises(TrainingDiverged, match=r"non-finite loss .* at epoch 1, batch \d+\.") as error:
        train(config, data=data)
    bad_step = int(re.search(r"batch (\d+)\.", str(error.value)).group(1))
    assert bad_step >= 3
    run = runs.RunDirectory(config.output_dir)
    # Every finite step was saved, the diverged one was not; the facts match the kept state.
    latest = tf.train.latest_checkpoint(run.checkpoint_dir)
    assert latest in str(error.value)
    saved = tf.train.load_checkpoint(latest)
    assert saved.get_tensor("batch/.ATTRIBUTES/VARIABLE_VALUE") == bad_step - 1
    assert saved.get_tensor("epoch/.ATTRIBUTES/VARIABLE_VALUE") == 0
    assert run.read_facts().step == bad_step - 1


def test_trainer_refuses_what_is_not_a_config():
    with pytest.raises(ValueError, match="`config` must be a keras_gan.training.TrainConfig. Received: config={"):
        Trainer({"variant": "gan"})


def test_gan_checkpoint_as_a_fit_callback_skips_non_finite_epochs(tmp_path):
    gan = tiny_gan()
    epoch = tf.Variable(0, dtype=tf.int64)
    saver = gan_callbacks.GANCheckpoint(gan_checkpoint(gan, epoch), str(tmp_path / "ckpt"), epoch,
                                        facts_path=str(tmp_path / "facts.json"))
    gan.fit(batches(ring_points(256)[0], 64), epochs=2, callbacks=[saver], verbose=0)
    assert saver.latest.endswith("ckpt-2") and int(epoch.numpy()) == 2
    assert json.loads((tmp_path / "facts.json").read_text())["step"] == 8
    saver.set_model(gan)
    assert saver.save(3, 0, {"d_loss": float("nan")}) is None  # nothing written
    assert saver.latest.endswith("ckpt-2") and int(epoch.numpy()) == 2
