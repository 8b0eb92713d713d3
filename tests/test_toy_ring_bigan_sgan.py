"""Learning checks of the BiGAN and SGAN toy recipes on the 8-Gaussian ring (issues 3, 13).

Each trains through the trainer (`keras_gan.training.train`), exactly as
`keras-gan train --variant V --dataset ring8 --steps N --seed S` does with the recipe's
toy defaults, seeds 0-4, and asserts a statistic over the seeds: one seed's result
depends on the machine's numerics (issue 13). Measured (covered modes; high-quality
fraction, samples within 3 std of a mode), seeds 0-4, oneDNN on / TF_ENABLE_ONEDNN_OPTS=0:

- bigan, 600 steps (MLPs 2x128, z of 2, constant rates; ~9-10 CPU-s per seed; AVX-512
  machine, 2026-12-01): 7, 8, 8, 8, 8 both; 0.095 0.134 0.103 0.200 0.141 / 0.153 0.095
  0.132 0.159 0.137.
- sgan, 1000 steps (the gan toy setting: MLPs 2x256, z of 2, rates decaying linearly to 0
  over the run; 10 labels per mode, 64 labelled rows appended to every batch; ~12-15 CPU-s
  per seed; AVX-512 machine, 2026-12-02): 8, 6, 8, 8, 8 both; 0.445 0.165 0.395 0.129
  0.502 / 0.412 0.122 0.397 0.114 0.494. Before that setting (2x128, z of 16, constant)
  6, 7, 8, 7, 8 modes with 0.08-0.23 on a mode.
"""

import pytest

from tests.learning import assert_ring_learning, ring_coverage_over_seeds

# (variant, G steps, high-quality fraction reached by 4 of 5 seeds, median high quality)
RING_CHECKS = [("bigan", 600, 0.05, 0.08), ("sgan", 1000, 0.08, 0.25)]


@pytest.mark.slow
@pytest.mark.learning
@pytest.mark.parametrize("variant, steps, most_high_quality, median_high_quality", RING_CHECKS)
def test_toy_recipe_covers_the_ring_over_seeds(variant, steps, most_high_quality, median_high_quality):
    results = ring_coverage_over_seeds(variant, range(5), steps=steps)
    # Not most modes hit by a few stray points: a fair share of samples lies on a mode
    # (the gallery's old defaults left 1% there).
    assert_ring_learning(results, most_modes=6, min_modes=5, median_high_quality=median_high_quality,
                         most_high_quality=most_high_quality)
