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
