"""Fault tolerance: checkpoints every N steps, SIGKILL + --resume, damaged checkpoints."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data as gan_data
from trainers import cli
from keras_gan.training import TrainConfig, train
from keras_gan import runs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# 25,600 ring points / batch 32 = 800 steps per epoch: the kill lands mid-epoch.
KILL_ARGS = ["train", "--variant", "gan", "--dataset", "ring8", "--hidden-units", "16",
             "--latent-dim", "4", "--batch-size", "32", "--steps", "600",
             "--checkpoint-every", "50", "--deterministic", "--verbose", "0", "--seed", "1"]


def _checkpoint_values(run_dir):
    """Every variable of the run's latest checkpoint (G, D, optimizers, position)."""
    reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(os.path.join(run_dir, runs.CHECKPOINT_DIR)))
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
            if "OBJECT_GRAPH" not in name}


def _start(args, env):
    return subprocess.Popen([sys.executable, "-m", "trainers.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.slow
def test_sigkill_then_resume_ends_like_an_uninterrupted_run(tmp_path):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    # The uninterrupted run goes side by side with the one to be killed.
    reference = _start([*KILL_ARGS, "--output-dir", str(whole)], env)
    victim = _start([*KILL_ARGS, "--output-dir", str(killed)], env)
    index = killed / runs.CHECKPOINT_DIR / "checkpoint"
    deadline = time.monotonic() + 240
    while not index.exists() and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    output = victim.communicate()[0]
    assert victim.returncode == -signal.SIGKILL, output[-2000:]
    assert not (killed / runs.GENERATOR_FILE).exists()  # killed before the end
    position = tf.train.load_checkpoint(tf.train.latest_checkpoint(str(killed / runs.CHECKPOINT_DIR)))
    assert position.get_tensor("batch/.ATTRIBUTES/VARIABLE_VALUE") % 50 == 0

    resumed = _start([*KILL_ARGS, "--output-dir", str(killed), "--resume"], env)
    assert resumed.wait(240) == 0, resumed.communicate()[0][-2000:]
    assert reference.wait(240) == 0, reference.communicate()[0][-2000:]
    a, b = _checkpoint_values(killed), _checkpoint_values(whole)
    assert a.keys() == b.keys() and len(a) > 10
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert a["batch/.ATTRIBUTES/VARIABLE_VALUE"] == 600


def _config(tmp_path, **overrides):
    # Constant rates: runs here are extended on resume (12 -> 24 steps), and the gan toy
    # recipe's linear decay depends on the run's length (tests/test_schedules.py).
    values = dict(variant="gan", dataset="ring8", output_dir=str(tmp_path / "run"),
                  batch_size=64, hidden_units=16, latent_dim=4, verbose=0, checkpoint_every=4,
                  lr_schedule="constant")
    values.update(overrides)
    return TrainConfig(**values)


def test_partial_and_damaged_checkpoints_resume_from_the_last_complete_one(tmp_path, capsys):
    data = gan_data.load_arrays("ring8", num_examples=640, seed=0)  # 10 steps per epoch
    whole = train(_config(tmp_path, steps=24, output_dir=str(tmp_path / "whole")), data=data)
    # Checkpoints after steps 4, 8, 10 (the end of epoch 0) and 12; the last 3 are kept.
    train(_config(tmp_path, steps=12), data=data)
    checkpoints = tmp_path / "run" / runs.CHECKPOINT_DIR
    assert tf.train.latest_checkpoint(str(checkpoints)).endswith("ckpt-4")
    # A save cut short: files of ckpt-5 exist, the index does not name them yet.
    (checkpoints / "ckpt-5.index").write_bytes(b"\x00partial")
    (checkpoints / "ckpt-5.data-00000-of-00001").write_bytes(b"")
    assert tf.train.latest_checkpoint(str(checkpoints)).endswith("ckpt-4")
    # And the two newest complete checkpoints damaged afterwards (truncated copies).
    for name in ("ckpt-4", "ckpt-3"):
        data_file = checkpoints / f"{name}.data-00000-of-00001"
        data_file.write_bytes(data_file.read_bytes()[:40])
    resumed = train(_config(tmp_path, steps=24, resume=True), data=data)
    err = capsys.readouterr().err
    assert "cannot restore" in err and "ckpt-4" in err and "ckpt-3" in err
    # Resumed from ckpt-2 (after step 8, epoch 0 batch 8), it still ends exactly like the
    # uninterrupted run: the data position and the noise are part of the state.
    assert resumed.start_epoch == 0
    for a, b in zip(whole.gan.generator.get_weights() + whole.gan.discriminator.get_weights(),
                    resumed.gan.generator.get_weights() + resumed.gan.discriminator.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert resumed.gan.step == 24


def test_resume_refuses_an_incompatible_configuration_and_writes_nothing(tmp_path, capsys):
    data = gan_data.load_arrays("ring8", num_examples=640, seed=0)
    train(_config(tmp_path, steps=4), data=data)
    run = tmp_path / "run"
    before = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    for overrides, message in [
        (dict(variant="lsgan"), "variant: run has 'gan', got 'lsgan'"),
        (dict(hidden_units=32), "hidden_units: run has 16, got 32"),
        (dict(precision="mixed_bfloat16"), "precision: run has 'float32', got 'mixed_bfloat16'"),
    ]:
        with pytest.raises(ValueError, match=f"different configuration .*{message}"):
            train(_config(tmp_path, steps=8, resume=True, **overrides), data=data)
    # A checkpoint that does not fit the model (here: written for other shapes).
    config_path = run / runs.CONFIG_FILE
    config_path.write_text(config_path.read_text().replace('"hidden_units": 16', '"hidden_units": 8'))
    with pytest.raises(ValueError, match="no checkpoint fits this model"):
        train(_config(tmp_path, steps=8, resume=True, hidden_units=8), data=data)
    config_path.write_bytes(before[config_path])
    after = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    assert after == before
    # Unknown precision: named, from Python and from the command line.
    with pytest.raises(ValueError, match=r"Unknown precision 'float8'. Expected one of \['float32'"):
        train(_config(tmp_path, precision="float8", output_dir=str(tmp_path / "new")), data=data)
    assert not (tmp_path / "new").exists()
    with pytest.raises(SystemExit):
        cli.main(["train", "--precision", "float8"])
    assert "invalid choice: 'float8'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="`checkpoint_every` must be a positive integer"):
        train(_config(tmp_path, checkpoint_every=0, output_dir=str(tmp_path / "new")), data=data)
