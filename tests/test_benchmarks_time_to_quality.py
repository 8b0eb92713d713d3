"""`benchmarks/time_to_quality.py` stays working: a `--smoke` run in a subprocess (digits,
a few steps) checked for the JSON's structure and invariants, and the missing-data error.

The benchmark is not timed here: only that it runs and reports consistent numbers.
"""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from keras_gan import networks
from tests.helpers import ROOT, load_script
from tests.test_benchmarks_machine import assert_machine_reported

SCRIPT = os.path.join(ROOT, "benchmarks", "time_to_quality.py")
LOOPS = {"keras_gan", "keras_io"}


def _run(*args, timeout=240):
    return subprocess.run([sys.executable, SCRIPT, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_smoke_run_writes_consistent_json_and_png(tmp_path):
    json_path, png_path = tmp_path / "ttq.json", tmp_path / "ttq.png"
    completed = _run("--smoke", "--json", str(json_path), "--png", str(png_path),
                     "--work-dir", str(tmp_path / "work"))
    assert completed.returncode == 0, completed.stderr[-3000:]
    with open(json_path) as f:
        result = json.load(f)
    assert png_path.stat().st_size > 1000
    with open(png_path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "keras_gan FID curve" in completed.stdout
    assert_machine_reported(result, completed.stdout, "Time to domain FID")

    config = result["config"]
    assert config["smoke"] is True and config["chunk_steps"] == 2 and config["max_steps"] == 4
    assert config["fid_fake_samples"] == 64 and config["fid_real_samples"] == config["num_images"]
    assert set(result["loops"]) == LOOPS
    for key in ("load_average_start", "load_average_end"):
        assert len(result["machine"][key]) == 3
        assert all(math.isfinite(v) and v >= 0 for v in result["machine"][key])

    loops = list(result["loops"].values())
    # Same network from the same initial weights: equal sizes, checksum and step-0 FID
    # (same generator, same fixed noise).
    for key in ("generator_params", "discriminator_params", "initial_weights_checksum"):
        assert len({loop[key] for loop in loops}) == 1, key
    # ... and that network is keras-gan's dcgan recipe at 32 px (the default `--network`).
    assert config["network"] == "dcgan32" and config["image_shape"] == [32, 32, 1]
    assert loops[0]["generator_params"] == networks.dcgan_generator(
        64, (32, 32, 1), base_filters=32).count_params()
    assert loops[0]["discriminator_params"] == networks.dcgan_discriminator(
        (32, 32, 1), base_filters=32).count_params()
    assert loops[0]["curve"][0]["fid"] == pytest.approx(loops[1]["curve"][0]["fid"], rel=1e-9)

    target = config["target_fid"]
    for name, loop in result["loops"].items():
        curve = loop["curve"]
        steps = [point["step"] for point in curve]
        seconds = [point["train_seconds"] for point in curve]
        assert steps[0] == 0 and seconds[0] == 0.0
        assert all(b > a for a, b in zip(steps, steps[1:])), (name, steps)
        assert all(b > a for a, b in zip(seconds, seconds[1:])), (name, seconds)
        assert all(math.isfinite(p["fid"]) and p["fid"] >= 0 for p in curve), name
        assert loop["steps"] == steps[-1] <= config["max_steps"]
        assert loop["train_seconds"] == pytest.approx(seconds[-1])
        assert loop["images_per_second"] == pytest.approx(
            loop["steps"] * config["batch_size"] / loop["train_seconds"])
        assert loop["best_fid"] == min(p["fid"] for p in curve)
        # The loop stopped at the first evaluation reaching the target, or ran to a limit
        # without reaching it.
        reaching = [p for p in curve[1:] if p["fid"] <= target]
        assert loop["reached_target"] == bool(reaching)
        if reaching:
            assert reaching[0] is curve[-1] or reaching[0] == curve[-1]
            assert loop["steps_to_target"] == curve[-1]["step"]
            assert loop["minutes_to_target"] == pytest.approx(curve[-1]["train_seconds"] / 60)
            assert loop["stop_reason"] == "target reached"
        else:
            assert loop["minutes_to_target"] is None and loop["steps_to_target"] is None
            assert loop["stop_reason"] == "max steps" and loop["steps"] == config["max_steps"]
    # The level table is read off the same curves: levels below the initial FID only.
    for row in result["levels"]:
        assert row["fid"] < loops[0]["curve"][0]["fid"]
        for name, loop in result["loops"].items():
            reaching = [p for p in loop["curve"][1:] if p["fid"] <= row["fid"]]
            assert row[name]["steps"] == (reaching[0]["step"] if reaching else None)
    ratios = result["ratios"]
    a, b = result["loops"]["keras_gan"], result["loops"]["keras_io"]
    assert ratios["images_per_second_keras_gan_over_keras_io"] == pytest.approx(
        a["images_per_second"] / b["images_per_second"])
    if a["reached_target"] and b["reached_target"]:
        assert ratios["minutes_keras_gan_over_keras_io"] == pytest.approx(
            a["minutes_to_target"] / b["minutes_to_target"])
    else:
        assert ratios["minutes_keras_gan_over_keras_io"] is None


def test_missing_data_dir_names_the_flag(tmp_path):
    missing = tmp_path / "no_mnist_here"
    completed = _run("--data-dir", str(missing), "--json", str(tmp_path / "out.json"),
                     "--png", str(tmp_path / "out.png"), timeout=120)
    assert completed.returncode == 2
    assert "--data-dir" in completed.stderr and str(missing) in completed.stderr
    assert "MNIST" in completed.stderr
    assert not (tmp_path / "out.json").exists()


def test_chunks_continue_the_same_data_order():
    """Both loops see one deterministic stream: chunks [0, 3) + [3, 6) equal the batches
    [0, 6), across an epoch boundary (1,438 digits at batch 500: 2 batches per epoch)."""
    from keras_gan import data as gan_data

    benchmark = load_script(SCRIPT)
    digits = gan_data.load_arrays("digits", image_size=8)
    whole = [b.numpy() for b in benchmark.chunk_dataset(digits, 0, 6, 500, seed=3)]
    parts = [b.numpy() for start in (0, 3) for b in benchmark.chunk_dataset(digits, start, 3, 500, seed=3)]
    assert len(whole) == len(parts) == 6
    for a, b in zip(whole, parts):
        np.testing.assert_array_equal(a, b)
    # Epoch 1 is a new permutation, not a repeat of epoch 0.
    assert not np.array_equal(whole[0], whole[2])
