"""Metric functions on features, each against an independent NumPy/SciPy reference."""

import itertools
import math

import numpy as np
import pytest
import scipy.linalg
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from keras_gan import metrics


def _fid_reference(real, fake):
    """The reference FID code's formula: scipy.linalg.sqrtm of the covariance product."""
    mu1, mu2 = real.mean(axis=0), fake.mean(axis=0)
    sigma1, sigma2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(sigma1) + np.trace(sigma2)
                 - 2 * np.trace(covmean))


def _fid_eigenvalue_reference(real, fake):
    """Tr((S1 S2)^(1/2)) as the sum of square roots of the eigenvalues of S1 S2."""
    mu1, mu2 = real.mean(axis=0), fake.mean(axis=0)
    sigma1, sigma2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    eigenvalues = np.linalg.eigvals(sigma1 @ sigma2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(sigma1) + np.trace(sigma2)
                 - 2 * np.sqrt(np.clip(eigenvalues, 0, None)).sum())


def _features(seed, n, d, scale=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ (scale * rng.normal(size=(d, d)) / np.sqrt(d)) + shift


def _exact_gaussian_sample(seed, n, d, mean, std):
    """n points whose sample mean is exactly `mean` and sample covariance exactly std^2 I."""
    x = np.random.default_rng(seed).normal(size=(n, d))
    x -= x.mean(axis=0)
    whitening = np.linalg.inv(np.linalg.cholesky(np.atleast_2d(np.cov(x, rowvar=False))))
    return x @ whitening.T * std + mean


# ---------------------------------------------------------------- FID
def test_frechet_distance_matches_scipy_sqrtm_reference():
    real, fake = _features(0, 400, 12), _features(1, 300, 12, scale=2.0, shift=0.5)
    expected = _fid_reference(real, fake)
    assert expected > 1.0
    assert metrics.frechet_distance(real, fake) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_rank_deficient_covariances():
    # 20 samples of 48 features: both covariances have rank <= 19.
    real, fake = _features(2, 20, 48), _features(3, 20, 48, scale=1.5, shift=0.2)
    assert np.linalg.matrix_rank(np.cov(real, rowvar=False)) < 48
    value = metrics.frechet_distance(real, fake)
    assert value == pytest.approx(_fid_eigenvalue_reference(real, fake), rel=1e-6)
    assert value == pytest.approx(_fid_reference(real, fake), rel=1e-6)
    # Exactly collinear features (rank 1) stay finite and exact: FID of 1-D Gaussians is
    # (m1 - m2)^2 + (s1 - s2)^2 per direction.
    direction = np.ones(8) / np.sqrt(8)
    a = _exact_gaussian_sample(4, 50, 1, 0.0, 1.0) * direction
    b = _exact_gaussian_sample(5, 50, 1, 3.0, 2.0) * direction
    assert metrics.frechet_distance(a, b) == pytest.approx(9.0 + 1.0, abs=1e-6)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    real = _features(6, 200, 32)
    assert abs(metrics.frechet_distance(real, real)) < 1e-8 * np.trace(np.cov(real.T))
    shuffled = np.random.default_rng(0).permutation(real)
    assert abs(metrics.frechet_distance(real, shuffled)) < 1e-8 * np.trace(np.cov(real.T))


def test_frechet_distance_shifted_gaussians_closed_form():
    # N(m1, s1^2 I) vs N(m2, s2^2 I) in d dims: ||m1 - m2||^2 + d (s1 - s2)^2.
    d = 10
    m1, m2 = np.zeros(d), np.full(d, 0.5)
    real = _exact_gaussian_sample(7, 300, d, m1, 1.0)
    fake = _exact_gaussian_sample(8, 250, d, m2, 3.0)
    expected = np.sum((m1 - m2) ** 2) + d * (1.0 - 3.0) ** 2
    assert metrics.frechet_distance(real, fake) == pytest.approx(expected, rel=1e-9)
    assert metrics.frechet_distance_from_statistics(
        m1, np.eye(d), m2, 9 * np.eye(d)) == pytest.approx(expected, rel=1e-12)


def test_feature_statistics_feed_frechet_distance_from_statistics():
    real, fake = _features(9, 100, 6), _features(10, 120, 6, shift=1.0)
    direct = metrics.frechet_distance(real, fake)
    via_stats = metrics.frechet_distance_from_statistics(
        *metrics.feature_statistics(real), *metrics.feature_statistics(fake))
    assert via_stats == pytest.approx(direct, rel=1e-12)


# ---------------------------------------------------------------- KID
def _mmd2_unbiased_loop(x, y):
    """O(n^2) loop over the definition of Binkowski et al. 2018."""
    d = len(x[0])

    def k(a, b):
        return (sum(ai * bi for ai, bi in zip(a, b)) / d + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_kernel_distance_matches_loop_reference():
    real, fake = _features(11, 30, 5), _features(12, 30, 5, shift=0.4)
    expected = _mmd2_unbiased_loop(real.tolist(), fake.tolist())
    mean, std = metrics.kernel_distance(real, fake, num_subsets=1, subset_size=30)
    assert mean == pytest.approx(expected, rel=1e-10)
    assert std == 0.0
    # A subset as large as the set is a permutation, and MMD^2_u is permutation invariant:
    # every subset gives the same value.
    mean, std = metrics.kernel_distance(real, fake, num_subsets=5, subset_size=30)
    assert mean == pytest.approx(expected, rel=1e-10)
    assert std < 1e-10 * abs(expected)


def test_kernel_distance_subsets_average_loop_values():
    real, fake = _features(13, 40, 4), _features(14, 50, 4, shift=0.3)
    mean, std = metrics.kernel_distance(real, fake, num_subsets=8, subset_size=10, seed=3)
    # Same draws as documented: each subset draws real then fake indices without replacement.
    rng = np.random.default_rng(3)
    values = []
    for _ in range(8):
        x = real[rng.choice(40, 10, replace=False)]
        y = fake[rng.choice(50, 10, replace=False)]
        values.append(_mmd2_unbiased_loop(x.tolist(), y.tolist()))
    assert mean == pytest.approx(np.mean(values), rel=1e-10)
    assert std == pytest.approx(np.std(values), rel=1e-8)


def test_kernel_distance_is_unbiased_near_zero_for_one_distribution():
    rng = np.random.default_rng(15)
    real, fake = rng.normal(size=(400, 8)), rng.normal(size=(400, 8))
    same, _ = metrics.kernel_distance(real, fake, num_subsets=20, subset_size=100)
    shifted, _ = metrics.kernel_distance(real, fake + 1.0, num_subsets=20, subset_size=100)
    assert abs(same) < 0.05 * shifted
    assert shifted > 0.5


# ---------------------------------------------------------------- IS
def test_inception_score_uniform_is_one_and_one_hot_is_num_classes():
    k = 7
    uniform = np.full((70, k), 1.0 / k)
    mean, std = metrics.inception_score(uniform, splits=5)
    assert mean == pytest.approx(1.0, abs=1e-12) and std == pytest.approx(0.0, abs=1e-12)
    one_hot = np.eye(k)[np.arange(70) % k]  # every split holds each class twice
    mean, std = metrics.inception_score(one_hot, splits=5)
    assert mean == pytest.approx(k, rel=1e-12) and std == pytest.approx(0.0, abs=1e-12)
    # All samples confidently the same class: no diversity, IS = 1.
    assert metrics.inception_score(np.eye(k)[np.zeros(70, int)], splits=5)[0] == pytest.approx(1.0)


def test_inception_score_matches_loop_reference():
    rng = np.random.default_rng(16)
    probabilities = rng.dirichlet(np.full(10, 0.3), size=90)
    scores = []
    for s in range(3):
        part = probabilities[s * 30:(s + 1) * 30]
        marginal = part.mean(axis=0)
        kls = [sum(p[c] * math.log(p[c] / marginal[c]) for c in range(10) if p[c] > 0)
               for p in part]
        scores.append(math.exp(sum(kls) / len(kls)))
    mean, std = metrics.inception_score(probabilities, splits=3)
    assert mean == pytest.approx(np.mean(scores), rel=1e-10)
    assert std == pytest.approx(np.std(scores), rel=1e-8)


# ---------------------------------------------------------------- label accuracy
def test_label_accuracy_counts_argmax_hits():
    # Rows' argmax: 0, 2, 1, 1 (a tie between classes 1 and 2 goes to the lower, 1).
    probabilities = [[0.6, 0.3, 0.1], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3], [0.0, 0.5, 0.5]]
    assert metrics.label_accuracy(probabilities, [0, 2, 1, 1]) == 1.0
    assert metrics.label_accuracy(probabilities, [0, 2, 2, 2]) == 0.5
    assert metrics.label_accuracy(probabilities, [1, 0, 0, 0]) == 0.0
    with pytest.raises(ValueError, match=r"`labels` must be 4 integers.*shape \(3,\)"):
        metrics.label_accuracy(probabilities, [0, 1, 2])
    with pytest.raises(ValueError, match=r"`labels` must be 4 integers.*dtype float64"):
        metrics.label_accuracy(probabilities, [0.0, 1.0, 2.0, 1.0])
    with pytest.raises(ValueError, match=r"`labels` must lie in \[0, 3\).*\[0, 3\]"):
        metrics.label_accuracy(probabilities, [0, 1, 2, 3])


# ---------------------------------------------------------------- precision / recall
def _lattice(n=8, spacing=1.0):
    return np.array(list(itertools.product(range(n), range(n))), dtype=float) * spacing


def _radius_loop(points, k):
    radii = []
    for i, p in enumerate(points):
        distances = sorted(np.linalg.norm(p - q) for j, q in enumerate(points) if j != i)
        radii.append(distances[k - 1])
    return radii


def _precision_recall_loop(real, fake, k):
    real_radii, fake_radii = _radius_loop(real, k), _radius_loop(fake, k)
    precision = np.mean([any(np.linalg.norm(f - r) <= rr for r, rr in zip(real, real_radii))
                         for f in fake])
    recall = np.mean([any(np.linalg.norm(r - f) <= fr for f, fr in zip(fake, fake_radii))
                      for r in real])
    return precision, recall


def test_precision_recall_on_constructed_manifolds():
    real = _lattice()  # unit lattice: every 3rd-neighbour radius is 1 (corners sqrt(2))
    inside = real + [0.5, 0.0]  # 0.5 from a real point: inside the real manifold
    far = real + [100.0, 0.0]
    assert metrics.precision_recall(real, inside, k=3) == (1.0, 1.0)
    assert metrics.precision_recall(real, far, k=3) == (0.0, 0.0)
    # Half the fakes on the data (columns x = 0.5 .. 3.5, radius 1), half far away:
    # precision 1/2; the near half's balls reach real columns 0 .. 4: recall 5/8.
    half = np.concatenate([inside[:32], far[32:]])
    assert metrics.precision_recall(real, half, k=3) == (0.5, 5 / 8)
    # Fakes collapsed on the left half (columns 0 .. 3, moved up 0.25, radius 1): all
    # precise; column 4 is sqrt(1 + 0.25^2) > 1 away, except from the two corner fakes
    # of column 3 (radius sqrt(2)), which reach (4, 0), (4, 1) and (4, 7): recall 35/64.
    left = real[real[:, 0] < 4] + [0.0, 0.25]
    assert metrics.precision_recall(real, left, k=3) == (1.0, 35 / 64)


def test_precision_recall_matches_loop_reference():
    rng = np.random.default_rng(17)
    real, fake = rng.normal(size=(60, 3)), rng.normal(size=(50, 3)) * 1.3 + 0.4
    expected = _precision_recall_loop(real, fake, 3)
    assert metrics.precision_recall(real, fake, k=3) == pytest.approx(expected, abs=1e-12)
    assert 0.2 < expected[0] < 1.0 and 0.2 < expected[1] < 1.0


def test_density_coverage_matches_loop_reference():
    rng = np.random.default_rng(18)
    real, fake = rng.normal(size=(70, 3)), rng.normal(size=(40, 3)) * 0.8 + 0.3
    k = 5
    radii = _radius_loop(real, k)
    inside = np.array([[np.linalg.norm(f - r) < rr for r, rr in zip(real, radii)] for f in fake])
    expected = (inside.sum() / (k * len(fake)), inside.any(axis=0).mean())
    assert metrics.density_coverage(real, fake, k=k) == pytest.approx(expected, abs=1e-12)
    assert 0.2 < expected[1] < 1.0


def test_density_coverage_on_constructed_manifolds():
    real = _lattice()
    assert metrics.density_coverage(real, real + [100.0, 0.0], k=3) == (0.0, 0.0)
    # Each fake sits 0.1 from a real point: inside its ball, so coverage is 1; interior
    # points also lie 0.9 < 1 from the right neighbour, so density > 1/k per fake.
    density, coverage = metrics.density_coverage(real, real + [0.1, 0.0], k=3)
    assert coverage == 1.0 and density > 1 / 3


# ---------------------------------------------------------------- Parzen
def test_parzen_matches_direct_loop():
    rng = np.random.default_rng(19)
    samples, test_points, sigma = rng.normal(size=(37, 4)), rng.normal(size=(23, 4)), 0.7
    per_point = [logsumexp([multivariate_normal.logpdf(x, mean=s, cov=sigma ** 2)
                            for s in samples]) - np.log(len(samples)) for x in test_points]
    # Small blocks exercise the streaming log-sum-exp over sample and test blocks.
    mean, standard_error = metrics.parzen_log_likelihood(samples, test_points, sigma, batch_size=5)
    assert mean == pytest.approx(np.mean(per_point), rel=1e-10)
    assert standard_error == pytest.approx(np.std(per_point) / np.sqrt(23), rel=1e-8)
    np.testing.assert_allclose(
        metrics.parzen_log_likelihoods(samples, test_points, sigma, batch_size=1000),
        per_point, rtol=1e-10)


def test_parzen_one_sample_is_a_gaussian_log_density():
    sample, point, sigma = np.array([[0.5, -1.0, 2.0]]), np.array([[0.0, 0.0, 1.0]]), 0.3
    expected = -np.sum((point - sample) ** 2) / (2 * sigma ** 2) - 1.5 * np.log(2 * np.pi * sigma ** 2)
    assert metrics.parzen_log_likelihood(sample, point, sigma)[0] == pytest.approx(expected, rel=1e-12)


def test_parzen_far_points_do_not_underflow():
    # exp(-10^6) underflows to 0: a direct mean of densities would give log(0) = -inf.
    mean, _ = metrics.parzen_log_likelihood(np.zeros((3, 2)), np.full((2, 2), 1000.0), 1.0)
    assert mean == pytest.approx(-1e6 - np.log(2 * np.pi), rel=1e-12)


def test_select_parzen_sigma_finds_the_maximum_likelihood_width():
    # One sample at 0, validation points at distance r in d dims:
    # log p = -r^2 / (2 s^2) - d/2 log(2 pi s^2), maximised at s = r / sqrt(d).
    d, r = 4, 2.0
    validation = np.array([[r, 0, 0, 0], [0, -r, 0, 0], [0, 0, 0, r]])
    grid = [0.25, 0.5, 1.0, 2.0, 4.0]
    best, scores = metrics.select_parzen_sigma(np.zeros((1, d)), validation, sigmas=grid)
    assert best == pytest.approx(r / np.sqrt(d))
    assert sorted(scores) == grid


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("function", [
    metrics.frechet_distance, metrics.kernel_distance, metrics.precision_recall,
    metrics.density_coverage])
def test_different_widths_are_rejected(function):
    with pytest.raises(ValueError, match=r"`real_features` and `fake_features` must have the "
                                         r"same number of features.*\(50, 4\).*\(50, 5\)"):
        function(np.ones((50, 4)), np.ones((50, 5)))


@pytest.mark.parametrize("function", [
    metrics.frechet_distance, metrics.kernel_distance, metrics.precision_recall,
    metrics.density_coverage])
def test_nan_features_are_rejected(function):
    fake = np.random.default_rng(0).normal(size=(50, 4))
    fake[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"`fake_features` contains NaN or infinite values "
                                         r"\(1 of 50 rows\)"):
        function(np.random.default_rng(1).normal(size=(50, 4)), fake)


def test_fewer_samples_than_subset_size_is_rejected():
    with pytest.raises(ValueError, match=r"`fake_features` has fewer samples than "
                                         r"`subset_size`.*\(40, 3\), subset_size=50"):
        metrics.kernel_distance(np.ones((60, 3)), np.ones((40, 3)), subset_size=50)


def test_other_bad_input_is_rejected():
    with pytest.raises(ValueError, match=r"`real_features` must be a 2-D array.*\(10,\)"):
        metrics.frechet_distance(np.ones(10), np.ones((10, 1)))
    with pytest.raises(ValueError, match=r"`real_features` must hold at least 2 samples"):
        metrics.frechet_distance(np.ones((1, 3)), np.ones((10, 3)))
    with pytest.raises(ValueError, match=r"`class_probabilities` must be probabilities"):
        metrics.inception_score(np.full((10, 3), 2.0), splits=2)
    with pytest.raises(ValueError, match=r"`splits` must be an integer between 1 and.*splits=20"):
        metrics.inception_score(np.full((10, 2), 0.5), splits=20)
    with pytest.raises(ValueError, match=r"`real_features` must hold more than k=3"):
        metrics.precision_recall(np.ones((3, 2)), np.ones((10, 2)), k=3)
    with pytest.raises(ValueError, match=r"`sigma` must be a positive number. Received: sigma=0"):
        metrics.parzen_log_likelihood(np.ones((3, 2)), np.ones((3, 2)), 0)
    with pytest.raises(ValueError, match=r"`samples` and `test_points` must have the same"):
        metrics.parzen_log_likelihood(np.ones((3, 2)), np.ones((3, 3)), 1.0)
