"""Learning checks of the BiGAN and SGAN toy recipes on the 8-Gaussian ring (issues 3, 13).

Each trains through the trainer (`keras_gan.training.train`), exactly as
`keras-gan train --variant V --dataset ring8 --steps N --seed S` does with the recipe's
toy defaults (for SGAN: 10 labels per mode and 64 labelled rows appended to every batch),
N = 600 for BiGAN and 1000 (the recipe's 10 epochs) for SGAN (at 600 steps SGAN covered
8/6/3/2/6 modes, seeds 0-4), seeds 0-4, and asserts a statistic over the seeds: one
seed's result depends on the machine's numerics (issue 13). Measured (covered modes;
high-quality fraction), seeds 0-4, AVX-512 machine (2026-12-01):

- bigan, 600 steps (~9-10 CPU-s per seed): 7, 8, 8, 8, 8; 0.095, 0.134, 0.103, 0.200,
  0.141 (oneDNN on); 7, 8, 8, 8, 8; 0.153, 0.095, 0.132, 0.159, 0.137
  (TF_ENABLE_ONEDNN_OPTS=0).
- sgan, 1000 steps (~12-15 CPU-s per seed): 8, 7, 7, 8, 8; 0.173, 0.150, 0.217, 0.069,
  0.111, the same with oneDNN off. After the `defects` merge (unsupervised weight 0.5,
  named streams): 6, 7, 8, 7, 8; 0.212, 0.081, 0.226, 0.169, 0.197 (oneDNN on).
"""

import pytest

from tests.learning import count, ring_coverage_over_seeds

# High-quality fractions below which a seed counts as "mass off the modes" (see above).
BIGAN_HQ = 0.05
SGAN_HQ = 0.05


@pytest.mark.slow
@pytest.mark.learning
@pytest.mark.parametrize("variant, steps, hq_threshold", [("bigan", 600, BIGAN_HQ), ("sgan", 1000, SGAN_HQ)])
def test_toy_recipe_covers_the_ring_over_seeds(variant, steps, hq_threshold):
    results = ring_coverage_over_seeds(variant, range(5), steps=steps)
    assert count(results, lambda c: c["covered"] >= 6) >= 4
    # Not 6 modes hit by a few stray points: a fair share of samples lies on a mode
    # (the gallery's old defaults left 1% there).
    assert count(results, lambda c: c["high_quality"] >= hq_threshold) >= 4
