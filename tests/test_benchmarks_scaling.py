"""`benchmarks/scaling.py` stays working: its `--smoke` grid run in a subprocess, its JSON
checked (not timed: only that it runs and reports consistent, sane numbers)."""

import json
import math
import os
import statistics
import subprocess
import sys

import pytest

from tests.helpers import ROOT, load_script
from tests.test_benchmarks_machine import assert_machine_reported

SCRIPT = os.path.join(ROOT, "benchmarks", "scaling.py")

# The recipe's DCGAN at 32x32x3 (latent 64, base_filters 32), multiply-adds per image by
# hand. G: dense 64*(4*4*128); deconv 4*4*128 *16*64; deconv 8*8*64 *16*32; deconv
# 16*16*32 *16*3. D: conv 16*16*32 *16*3; conv 8*8*64 *16*32; conv 4*4*128 *16*64;
# dense 2048*1.
G_FIRST = 64 * 2048
G_MACS = G_FIRST + 16 * 128 * 16 * 64 + 64 * 64 * 16 * 32 + 256 * 32 * 16 * 3
D_FIRST = 256 * 32 * 16 * 3
D_MACS = D_FIRST + 64 * 64 * 16 * 32 + 16 * 128 * 16 * 64 + 2048
DCGAN_32_FLOPS = 2 * (4 * G_MACS + 8 * D_MACS - 2 * D_FIRST - G_FIRST)


scaling = load_script(SCRIPT)


def _positive_finite(value):
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def smoke_result(tmp_path_factory):
    path = tmp_path_factory.mktemp("scaling") / "scaling.json"
    completed = subprocess.run(
        [sys.executable, SCRIPT, "--smoke", "--json", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    with open(path) as f:
        return json.load(f), completed.stdout


@pytest.mark.slow
def test_smoke_rows(smoke_result):
    result, stdout = smoke_result
    requested = {("dcgan", 32, 4), ("stylegan2", 16, 4)}
    assert {(r["model"], r["image_size"], r["batch_size"]) for r in result["rows"]} == requested
    assert {tuple(c) for c in result["config"]["grid"]} == requested
    assert result["unsupported"] == []
    for row in result["rows"]:
        assert _positive_finite(row["images_per_second"]), row
        # Memory: one fresh process per configuration, so the high-water mark is at least
        # the resident set after building, which is at least what the imports left.
        assert row["peak_rss_kib"] >= row["rss_after_build_kib"] >= row["rss_after_import_kib"] > 0
        assert row["training_rss_increment_kib"] == row["peak_rss_kib"] - row["rss_after_build_kib"]
        # The worker started from a light parent (no TensorFlow inherited at exec).
        assert row["peak_rss_kib_at_start"] < row["rss_after_import_kib"] / 4
        # Smoke: 1 warm-up step, 1 window of 1 step; the rate is images over that time.
        assert row["warmup_steps"] == 1 and row["steps_per_window"] == 1
        assert len(row["windows_images_per_second"]) == 1
        assert row["images_per_second"] == pytest.approx(
            statistics.median(row["windows_images_per_second"])
        )
        assert row["images_per_second"] == pytest.approx(
            row["batch_size"] / row["windows_seconds"][0]
        )
        assert row["image_shape"] == [row["image_size"], row["image_size"], 3]
        assert all(math.isfinite(v) for v in row["final_logs"].values()), row["final_logs"]
        assert len(row["load_average_at_start"]) == 3
    by_model = {r["model"]: r for r in result["rows"]}
    dcgan, stylegan2 = by_model["dcgan"], by_model["stylegan2"]
    assert dcgan["flops_per_image"] == DCGAN_32_FLOPS == 109_346_816
    assert dcgan["gflops_per_second"] == pytest.approx(dcgan["images_per_second"] * DCGAN_32_FLOPS / 1e9)
    assert stylegan2["flops_per_image"] is None and "not counted" in stylegan2["flops_note"]
    # The recipes' settings were used: DCGAN's narrow network, StyleGAN2's lazy terms.
    assert dcgan["recipe"]["base_filters"] == 32 and dcgan["recipe"]["latent_dim"] == 64
    assert dcgan["regularization_period_steps"] == 1
    assert stylegan2["recipe"]["regularization_interval"] == 16
    assert stylegan2["recipe"]["pl_interval"] == 4
    assert stylegan2["regularization_period_steps"] == 16
    assert set(stylegan2["final_logs"]) >= {"d_loss", "g_loss", "pl_penalty", "pl_mean"}
    # Machine facts.
    machine = result["machine"]
    assert machine["cpu_count"] >= 1 and machine["cpu"] and machine["tensorflow"] and machine["keras"]
    assert_machine_reported(result, stdout, "Training throughput and memory")
    assert len(result["load_average_start"]) == 3 and len(result["load_average_end"]) == 3
    # The printed table has one line per row.
    assert "| dcgan | 32 | 4 |" in stdout and "| stylegan2 | 16 | 4 |" in stdout


def test_parse_config_and_unsupported_sizes():
    assert scaling.parse_config("dcgan:64:16") == ("dcgan", 64, 16)
    for bad in ("dcgan:64", "wgan:64:16", "dcgan:0:16", "dcgan:64:x"):
        with pytest.raises(ValueError, match="Received: --config"):
            scaling.parse_config(bad)
    assert scaling.unsupported_reason("dcgan", 128) is None
    assert scaling.unsupported_reason("stylegan2", 128) is None
    assert "256" in scaling.unsupported_reason("dcgan", 256)


def test_supported_sizes_match_library():
    from keras_gan.networks.common import VALID_IMAGE_SIZES
    from keras_gan.networks.stylegan2 import STYLEGAN2_IMAGE_SIZES

    assert scaling.SUPPORTED_SIZES == {
        "dcgan": tuple(VALID_IMAGE_SIZES),
        "stylegan2": tuple(STYLEGAN2_IMAGE_SIZES),
    }


def test_memory_slopes_from_rows():
    rows = [
        {"model": "dcgan", "image_size": 32, "batch_size": 16, "peak_rss_kib": 1000,
         "image_shape": [32, 32, 3], "images_per_second": 100.0},
        {"model": "dcgan", "image_size": 32, "batch_size": 64, "peak_rss_kib": 1000 + 48 * 120,
         "image_shape": [32, 32, 3], "images_per_second": 150.0},
        {"model": "stylegan2", "image_size": 32, "batch_size": 8, "peak_rss_kib": 5,
         "image_shape": [32, 32, 3], "images_per_second": 1.0},
    ]
    (slope,) = scaling.memory_slopes(rows)
    assert slope["batch_sizes"] == [16, 64]
    assert slope["peak_rss_kib_per_batch_image"] == 120
    assert slope["image_kib"] == 12  # 32 * 32 * 3 float32
    assert slope["images_per_second_ratio"] == 1.5
