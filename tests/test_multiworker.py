"""Multi-worker training: `keras-gan launch`, TF_CONFIG, the custom loop, sync BN.

Worker processes are real `keras-gan train --strategy multi_worker` subprocesses on free
localhost ports (`multi_process_runner` does not fit pytest, see traps.md).
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data as gan_data
from trainers import cli, launch
from keras_gan.training.distributed import synchronize_batch_norm
from keras_gan.training.strategies import parse_tf_config
from keras_gan.training import TrainConfig, train
from keras_gan import runs
from tests.test_tensorboard import read_events

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN_ARGS = ["--variant", "gan", "--dataset", "ring8", "--steps", "6", "--batch-size", "64",
              "--hidden-units", "16", "--latent-dim", "4", "--seed", "3"]


def _worker_env(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TMPDIR=str(tmp_path / "tmp"))
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    os.makedirs(env["TMPDIR"], exist_ok=True)
    return env


@pytest.mark.slow
def test_two_workers_train_like_one_process_and_only_the_chief_writes(tmp_path, monkeypatch):
    out = tmp_path / "run"
    log = io.StringIO()
    monkeypatch.chdir(ROOT)
    code = launch.launch(["--", "train", *TRAIN_ARGS, "--output-dir", str(out)], workers=2,
                         out=log, env=_worker_env(tmp_path))
    text = log.getvalue()
    assert code == 0, text
    digests = dict(re.findall(r"\[worker (\d)\] Weights digest: (\w+)", text))
    # Both workers end with the very same G and D weights.
    assert set(digests) == {"0", "1"} and digests["0"] == digests["1"], text
    # The chief alone wrote the run directory; worker 1's temporary directory is gone.
    assert sorted(os.listdir(out)) == sorted([runs.CHECKPOINT_DIR, runs.CONFIG_FILE, runs.GENERATOR_FILE,
                                      runs.LOSSES_CSV, runs.LOSSES_PLOT, runs.FACTS_FILE, runs.SAMPLES_DIR,
                                      runs.TENSORBOARD_DIR])
    assert os.listdir(tmp_path / "tmp") == []
    # One event file (the chief's), holding losses.csv's values, each step once.
    assert len(os.listdir(out / "tensorboard")) == 1
    scalars, _ = read_events(out / "tensorboard")
    rows = list(csv.DictReader(open(out / "losses.csv")))
    assert [v for _, v in scalars["losses/g_loss"]] == [float(np.float32(r["g_loss"])) for r in rows]
    assert [s for s, _ in scalars["losses/g_loss"]][-1] == 6
    assert "[worker 1] Last sample grid: None" in text
    assert json.loads((out / runs.FACTS_FILE).read_text())["step"] == 6

    # One process on the same global batches (64 rows, noise sliced the same way).
    single = train(TrainConfig(variant="gan", dataset="ring8", steps=6, batch_size=64,
                               hidden_units=16, latent_dim=4, seed=3, verbose=0,
                               output_dir=str(tmp_path / "single")))
    multi = keras.saving.load_model(out / runs.GENERATOR_FILE).get_weights()
    for a, b in zip(single.gan.generator.get_weights(), multi):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert np.abs(multi[0] - _initial_kernel(tmp_path)).max() > 1e-3  # it did train


def _initial_kernel(tmp_path):
    one_step = train(TrainConfig(variant="gan", dataset="ring8", steps=1, batch_size=64,
                                 hidden_units=16, latent_dim=4, seed=3, verbose=0,
                                 g_lr=1e-30, d_lr=1e-30, output_dir=str(tmp_path / "init")))
    return one_step.gan.generator.get_weights()[0]


@pytest.mark.slow
def test_launch_stops_every_worker_when_one_fails(tmp_path, monkeypatch):
    # The chief refuses an existing run directory; worker 1 would wait for it forever.
    out = tmp_path / "run"
    out.mkdir()
    (out / runs.CONFIG_FILE).write_text('{"variant": "gan"}')
    log = io.StringIO()
    monkeypatch.chdir(ROOT)
    started = time.monotonic()
    code = launch.launch([*TRAIN_ARGS, "--output-dir", str(out)], workers=2, out=log,
                         env=_worker_env(tmp_path))
    text = log.getvalue()
    assert code == 2, text
    assert "[worker 0] keras-gan train: error: Run directory" in text
    assert "worker 0 failed (exit code 2); stopping all" in text
    assert time.monotonic() - started < 150
    assert sorted(os.listdir(out)) == [runs.CONFIG_FILE]  # nothing overwritten
    assert (out / runs.CONFIG_FILE).read_text() == '{"variant": "gan"}'


@pytest.mark.slow
def test_unreachable_worker_times_out_with_a_clear_error(tmp_path):
    port, missing = launch.free_ports(2)
    tf_config = launch.tf_configs([f"localhost:{port}", f"localhost:{missing}"])[0]
    out = tmp_path / "run"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "trainers.cli", "train", *TRAIN_ARGS, "--strategy",
         "multi_worker", "--connect-timeout", "3", "--output-dir", str(out)],
        env={**_worker_env(tmp_path), "TF_CONFIG": tf_config}, cwd=ROOT,
        capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == -9, result.stderr[-2000:]  # killed by its watchdog
    assert "could not reach all 2 workers" in result.stderr
    assert f"localhost:{missing}" in result.stderr and "within 3 s" in result.stderr
    assert not out.exists()
    assert time.monotonic() - started < 200


@pytest.mark.parametrize("text, message", [
    (None, "is not set"),
    ("{cluster: 1", "is not valid JSON"),
    ('{"task": {"type": "worker", "index": 0}}', 'has no "cluster" object'),
    ('{"cluster": {"worker": ["localhost"]}, "task": {"type": "worker", "index": 0}}',
     "host:port"),
    ('{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 2}}',
     "task index 2; job 'worker' has 2 addresses"),
    ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "ps", "index": 0}}', '"type" "worker"'),
])
def test_malformed_tf_config_is_named(monkeypatch, text, message):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        parse_tf_config(text)
    assert "Received: TF_CONFIG=" in str(info.value)


def test_tf_config_roles_and_cli_error(tmp_path, monkeypatch, capsys):
    configs = [parse_tf_config(c) for c in launch.tf_configs(["localhost:1", "localhost:2"])]
    assert [c.is_chief for c in configs] == [True, False]
    assert [c.task_index for c in configs] == [0, 1] and configs[0].num_workers == 2
    chief = parse_tf_config('{"cluster": {"chief": ["a:1"], "worker": ["b:2"]}, '
                            '"task": {"type": "worker", "index": 0}}')
    assert not chief.is_chief and chief.num_workers == 2
    ports = launch.free_ports(3)
    assert len(set(ports)) == 3
    # Through the CLI: a clear error and no run directory (before any runtime start-up).
    monkeypatch.setenv("TF_CONFIG", "not json")
    out = tmp_path / "run"
    assert cli.main(["train", "--strategy", "multi_worker", "--output-dir", str(out)]) == 2
    assert "`TF_CONFIG` is not valid JSON" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(ValueError, match="runs --strategy multi_worker.*Received: --strategy mirrored"):
        launch.launch(["--output-dir", "x", "--strategy", "mirrored"])
    with pytest.raises(ValueError, match="needs an explicit --output-dir"):
        launch.launch(["--variant", "gan"])


def test_synchronized_batch_norm_uses_global_batch_statistics():
    # Reduction through one device: collective ops here would share instance keys with
    # the collectives of later strategies in this process (a shape-mismatch abort).
    strategy = tf.distribute.MirroredStrategy(
        ["/cpu:0", "/cpu:1"], cross_device_ops=tf.distribute.ReductionToOneDevice())
    rows = np.concatenate([np.zeros((4, 3)), np.full((4, 3), 2.0)]).astype("float32")
    variances = {}
    for synchronized in (False, True):
        with strategy.scope():
            inputs = keras.Input((3,))
            model = keras.Model(inputs, keras.layers.BatchNormalization(momentum=0.0)(inputs))
            if synchronized:
                assert synchronize_batch_norm(model) == 1
        dataset = strategy.experimental_distribute_dataset(
            tf.data.Dataset.from_tensor_slices(rows).batch(8))

        @tf.function
        def step(batch):
            strategy.run(lambda x: model(x, training=True), args=(batch,))

        step(next(iter(dataset)))
        variances[synchronized] = model.layers[-1].moving_variance.numpy()
    # Replica 0 sees zeros, replica 1 twos: each replica's own variance is 0, while the
    # global batch {0 x4, 2 x4} has variance 1.
    np.testing.assert_allclose(variances[False], 0.0, atol=1e-6)
    np.testing.assert_allclose(variances[True], 1.0, atol=1e-5)


def test_custom_loop_under_mirrored_equals_one_device(tmp_path):
    data = gan_data.load_arrays("ring8", num_examples=512, seed=0)
    results = {}
    for strategy in ("default", "mirrored"):
        results[strategy] = train(TrainConfig(variant="gan", dataset="ring8", steps=5, batch_size=64,
                                           hidden_units=16, latent_dim=4, verbose=0,
                                           strategy=strategy, checkpoint_every=2,
                                           output_dir=str(tmp_path / strategy)), data=data)
    assert results["mirrored"].gan.distribute_strategy.num_replicas_in_sync == 2
    for a, b in zip(results["default"].gan.generator.get_weights(),
                    results["mirrored"].gan.generator.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    # Checkpoints after steps 2 and 4, and at the end (step 5): the save counter numbers them.
    state = tf.train.get_checkpoint_state(str(tmp_path / "mirrored" / runs.CHECKPOINT_DIR))
    assert [os.path.basename(p) for p in state.all_model_checkpoint_paths] == [
        "ckpt-1", "ckpt-2", "ckpt-3"]
