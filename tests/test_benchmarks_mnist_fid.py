"""`benchmarks/mnist_fid.py` on a tiny MNIST-like IDX folder (digits at 28x28, 200 images):
the Parzen rows (Goodfellow et al. 2014's protocol) recomputed independently, the halves
archive read back by keras-gan, and the argument errors. (The real MNIST split is not in a
clone; see README "Evaluation".)"""

import json
import os

import numpy as np
import pytest

from keras_gan import data, metrics, runs, sampling
from keras_gan.data.arrays import resize_images
from tests.helpers import load_script
from tests.helpers_data import write_idx
from tests.helpers_metrics import make_run_dir, tiny_generator


@pytest.fixture(scope="module")
def mnist_like(tmp_path_factory):
    """(folder of IDX files, their images in [-1, 1], labels): 200 digits at 28x28."""
    folder = tmp_path_factory.mktemp("mnist_like")
    digits = data.load_arrays("digits", image_size=28, split="all", with_labels=True)
    images = np.rint((digits.images[:200, ..., 0] + 1.0) * 127.5).astype("uint8")
    write_idx(folder / "t10k-images-idx3-ubyte", images)
    write_idx(folder / "t10k-labels-idx1-ubyte", digits.labels[:200].astype("uint8"))
    return str(folder), images.astype("float64") / 127.5 - 1.0, digits.labels[:200]


def test_parzen_rows_and_halves(mnist_like, tmp_path):
    folder, images, labels = mnist_like
    benchmark = load_script("benchmarks/mnist_fid.py")
    run_dir = make_run_dir(str(tmp_path), tiny_generator(image_shape=(28, 28, 1)))
    output, halves = tmp_path / "report.json", tmp_path / "halves.npz"
    code = benchmark.main(["--data-dir", folder, "--work-dir", str(tmp_path / "work"),
                           "--run-dir", run_dir, "--num-samples", "50", "--epochs", "1",
                           "--parzen-samples", "150", "--parzen-validation", "30",
                           "--write-halves", str(halves), "--output", str(output)])
    assert code == 0
    report = json.loads(output.read_text())

    # The halves: the seeded permutation of the benchmark, read back through keras-gan.
    order = np.random.default_rng(0).permutation(200)
    first, second = images[order[:100]], images[order[100:]]
    train = data.load_arrays(str(halves), split="train", with_labels=True)
    np.testing.assert_allclose(train.images[..., 0], first, atol=1e-6)
    np.testing.assert_array_equal(train.labels, labels[order[:100]])
    np.testing.assert_allclose(data.load_arrays(str(halves), split="test").images[..., 0],
                               second, atol=1e-6)
    assert not [name for name in os.listdir(tmp_path) if "partial" in name]

    # Parzen rows: sigma maximises the validation score; the test score recomputed.
    pixels = (np.concatenate([first, second]).reshape(200, -1) + 1.0) / 2.0
    validation, test = pixels[100:130], pixels[130:]
    real = report["parzen"]["real_first_half"]
    assert (real["num_fitted"], real["num_validation"], real["num_test"]) == (100, 30, 70)
    best = max(real["validation_by_sigma"], key=real["validation_by_sigma"].get)
    assert float(best) == pytest.approx(real["sigma"], rel=1e-3)
    expected = metrics.parzen_log_likelihood(pixels[:100], test, real["sigma"])
    assert (real["log_likelihood"], real["standard_error"]) == pytest.approx(expected)

    generator, facts, _ = runs.load_generator(run_dir)
    generated = sampling.generate(generator, sampling.prior_inputs(facts, 150, seed=1))
    generated = (np.asarray(generated, dtype=np.float64).reshape(150, -1) + 1.0) / 2.0
    for name, count in (("generated_150", 150), ("generated_100", 100)):
        row = report["parzen"][name]
        assert row["num_fitted"] == count
        sigma, _ = metrics.select_parzen_sigma(generated[:count], validation)
        assert row["sigma"] == pytest.approx(sigma)
        assert row["log_likelihood"] == pytest.approx(
            metrics.parzen_log_likelihood(generated[:count], test, sigma)[0], rel=1e-5)
    # Real digits explain held-out digits better than an untrained generator's noise.
    assert real["log_likelihood"] > report["parzen"]["generated_100"]["log_likelihood"]
    assert "225 +- 2 nats" in report["protocol"]["parzen"]["paper"]

    # The generator's FID against each half, recomputed from the cached extractor's
    # features of the same 50 samples (seed 0, as the benchmark draws them).
    extractor = metrics.load_or_train_domain_classifier(str(tmp_path / "work"), folder, epochs=1,
                                                        seed=0)
    fake = metrics.generator_features(extractor, generator, 50, batch_size=250, seed=0,
                                      prior=lambda n, seed: sampling.prior_inputs(facts, n, seed))
    for key, half in (("metrics", second), ("metrics_vs_first_half", first)):
        real = extractor(np.asarray(half[:50, ..., None], dtype=np.float32))
        assert report["generator"][key]["fid"] == pytest.approx(
            metrics.frechet_distance(np.asarray(real["features"]), fake["features"]), rel=1e-4)
    assert report["generator"]["metrics"]["fid"] != report["generator"]["metrics_vs_first_half"]["fid"]
    # A 28 px generator saw the digits unresized: no resampled floor.
    assert "floor_through_training_size" not in report["generator"]


def test_a_generator_of_another_size_gets_the_floor_through_that_size(mnist_like, tmp_path):
    folder, images, _ = mnist_like
    benchmark = load_script("benchmarks/mnist_fid.py")
    run_dir = make_run_dir(str(tmp_path), tiny_generator(image_shape=(32, 32, 1)))
    output = tmp_path / "report.json"
    assert benchmark.main(["--data-dir", folder, "--work-dir", str(tmp_path / "work"),
                           "--run-dir", run_dir, "--num-samples", "50", "--epochs", "1",
                           "--parzen-samples", "50", "--parzen-validation", "30",
                           "--output", str(output)]) == 0
    floor = json.loads(output.read_text())["generator"]["floor_through_training_size"]
    assert floor["image_size"] == 32
    # Recomputed: the first half through the data pipeline's resize to 32 (what a
    # `--image-size 32` run trains on), then the extractor's resize back to 28.
    order = np.random.default_rng(0).permutation(200)
    first, second = images[order[:100], ..., None], images[order[100:], ..., None]
    train = data.load_arrays(folder, image_size=32)
    assert train.images.shape[1:] == (32, 32, 1)
    resampled = resize_images(first.astype(np.float32), 32)
    np.testing.assert_allclose(resampled, train.images[order[:100]], atol=1e-5)
    extractor = metrics.load_or_train_domain_classifier(str(tmp_path / "work"), folder, epochs=1,
                                                        seed=0)
    expected = metrics.frechet_distance(np.asarray(extractor(second.astype(np.float32))["features"]),
                                        np.asarray(extractor(resampled)["features"]))
    assert floor["metrics"]["fid"] == pytest.approx(expected, rel=1e-4)
    # (Whether the blur costs FID depends on the extractor: a 1-epoch classifier of 200
    # digits barely sees it; MNIST's costs 16.3 against 1.94, README "Evaluation".)
    assert floor["metrics"]["fid"] != pytest.approx(json.loads(output.read_text())["floor"]["fid"],
                                                    rel=1e-3)


def test_parzen_validation_must_leave_test_points(mnist_like, tmp_path, capsys):
    benchmark = load_script("benchmarks/mnist_fid.py")
    code = benchmark.main(["--data-dir", mnist_like[0], "--work-dir", str(tmp_path),
                           "--parzen-validation", "100", "--output", str(tmp_path / "r.json")])
    assert code == 2
    assert ("--parzen-validation must leave test points in the second half (100 images). "
            "Received: --parzen-validation 100") in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()
