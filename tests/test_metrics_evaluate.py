"""`evaluate_run` / `keras-gan evaluate` on a tiny run directory, and `MetricsCallback`."""

import csv
import json
import os
import time

import numpy as np
import pytest
import tensorflow as tf

import keras
from tests.helpers_metrics import make_run_dir, tiny_generator
from keras_gan import data, metrics, models, networks
from keras_gan.metrics import extractors
from trainers import cli
from keras_gan import runs


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return make_run_dir(str(tmp_path_factory.mktemp("evaluate")), tiny_generator())


def test_evaluate_run_with_domain_extractor_writes_values_and_protocol(run_dir):
    report = metrics.evaluate_run(
        run_dir, metrics="fid,kid,is,pr,dc,parzen", num_samples=120, extractor="domain",
        batch_size=50, progress=False, domain_epochs=3)
    with open(os.path.join(run_dir, "metrics.json")) as handle:
        written = json.load(handle)
    assert written["metrics"] == pytest.approx(report["metrics"])
    values, protocol = written["metrics"], written["protocol"]
    assert set(values) == {"fid", "kid", "kid_std", "is", "is_std", "precision", "recall",
                           "density", "coverage", "parzen_log_likelihood",
                           "parzen_standard_error", "parzen_sigma"}
    assert protocol["num_real"] == 120 and protocol["num_fake"] == 120
    assert protocol["split"] == "test" and protocol["dataset"] == "digits"
    assert protocol["kid"]["subset_size"] == 120
    assert protocol["extractor"]["name"] == "domain"
    assert protocol["extractor"]["weights_sha256"] == extractors.file_sha256(
        os.path.join(run_dir, extractors.DOMAIN_MODEL_FILE))
    assert protocol["generator_sha256"] == extractors.file_sha256(
        os.path.join(run_dir, runs.GENERATOR_FILE))
    assert written["step"] == 7
    assert protocol["parzen"]["num_validation"] == 60

    # The same numbers from the parts, computed independently of `evaluate_run`.
    extractor = metrics.load_or_train_domain_classifier(run_dir, "digits", image_size=8,
                                                        epochs=3)
    real = extractor(data.load_arrays("digits", image_size=8, split="test").images[:120])
    generator = keras.models.load_model(os.path.join(run_dir, runs.GENERATOR_FILE))
    # The prior of an unconditional generator: z ~ N(0, I) from numpy's default_rng(seed).
    z = np.random.default_rng(0).standard_normal((120, 4)).astype("float32")
    fake = extractor(generator(z))
    assert values["fid"] == pytest.approx(
        metrics.frechet_distance(real["features"], fake["features"]), rel=1e-4)
    assert values["is"] == pytest.approx(
        metrics.inception_score(fake["probabilities"], splits=10)[0], rel=1e-4)
    assert (values["precision"], values["recall"]) == pytest.approx(
        metrics.precision_recall(real["features"], fake["features"]), abs=0.02)
    # An untrained generator is far from real digits.
    assert values["fid"] > 1.0 and values["precision"] < 0.5


def test_label_accuracy_of_a_conditional_run(tmp_path):
    from tests.helpers_metrics import class_image_generator

    generator, class_images = class_image_generator(latent_dim=3, num_classes=10)
    run_dir = make_run_dir(str(tmp_path), generator, num_classes=10)
    report = metrics.evaluate_run(run_dir, metrics="fid,acc", num_samples=50,
                                  extractor="domain", batch_size=20, progress=False,
                                  domain_epochs=3)
    assert report["protocol"]["acc"]["labels"] == "balanced: i % num_classes"
    # Independently: label i % 10 draws class_images[i % 10], and the accuracy is the share
    # of those the same classifier puts in class i % 10.
    extractor = metrics.load_or_train_domain_classifier(run_dir, "digits", image_size=8,
                                                        epochs=3)
    labels = np.arange(50) % 10
    predicted = np.argmax(extractor(class_images[labels])["probabilities"], axis=1)
    assert report["metrics"]["label_accuracy"] == pytest.approx(np.mean(predicted == labels))
    assert "label accuracy" in metrics.format_table(report)
    # An unconditional generator has no labels to be accurate about.
    unconditional = make_run_dir(str(tmp_path / "plain"), tiny_generator())
    with pytest.raises(ValueError, match=r"Metric 'acc' \(label accuracy\) needs a conditional"):
        metrics.evaluate_run(unconditional, metrics="acc", num_samples=20, extractor="domain",
                             progress=False, domain_epochs=1)


def test_cli_evaluate_prints_a_table(run_dir, capsys, tmp_path):
    output = str(tmp_path / "cli.json")
    code = cli.main(["evaluate", "--run-dir", run_dir, "--metrics", "fid,is",
                     "--num-samples", "40", "--extractor", "domain", "--domain-epochs", "3",
                     "--no-progress", "--output", output, "--strategy", "mirrored"])
    assert code == 0
    printed = capsys.readouterr().out
    with open(output) as handle:
        report = json.load(handle)
    assert report["protocol"]["extractor"]["name"] == "domain"
    assert report["protocol"]["num_fake"] == 40 and report["metrics"]["fid"] > 0
    assert f"FID  {report['metrics']['fid']:.6g}" in printed
    assert f"IS   {report['metrics']['is']:.6g} ± " in printed
    assert "extractor=domain" in printed and "N real=40 N fake=40" in printed


def test_cli_evaluate_errors(tmp_path, capsys):
    assert cli.main(["evaluate", "--run-dir", str(tmp_path / "missing")]) == 2
    assert "`run_dir` must be an existing run directory" in capsys.readouterr().err
    assert cli.main(["evaluate", "--run-dir", str(tmp_path), "--metrics", "fid,bogus"]) == 2
    assert "`metrics` must be a non-empty selection" in capsys.readouterr().err
    assert cli.main(["evaluate", "--run-dir", str(tmp_path)]) == 2
    assert "has no training config (config.json)" in capsys.readouterr().err


def test_metrics_callback_computes_and_plots_during_fit(tmp_path):
    images = data.load_arrays("digits", image_size=8, split="train").images[:64]
    gan = models.GAN(networks.mlp_generator(8, (8, 8, 1), hidden_units=(16,)),
                     networks.mlp_discriminator((8, 8, 1), hidden_units=(16,)))
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3))
    extractor = metrics.domain_extractor(metrics.build_domain_classifier((8, 8, 1), 10))
    class SlowEvaluation(metrics.MetricsCallback):  # evaluations take >= 0.3 s of wall
        def evaluate(self):
            time.sleep(0.3)
            return super().evaluate()

    callback = SlowEvaluation(images, extractor, metrics=("fid", "kid"),
                              every_n_epochs=2, num_samples=32, batch_size=16,
                              output_dir=str(tmp_path), kid_subset_size=16)
    started = time.perf_counter()
    history = gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(16), epochs=4,
                      callbacks=[callback], verbose=0)
    fit_seconds = time.perf_counter() - started
    assert [row["epoch"] for row in callback.history] == [2, 4]
    # Training time so far, evaluations left out: the run's time-to-quality curve.
    first, last = callback.history
    assert 0 < first["train_seconds"] < last["train_seconds"]
    assert 0 < first["train_cpu_seconds"] < last["train_cpu_seconds"]
    # fit's wall holds the training time to epoch 4 plus both evaluations (>= 0.3 s each).
    assert last["train_seconds"] <= fit_seconds - 0.6
    assert history.history["fid"] == pytest.approx([row["fid"] for row in callback.history])
    # The last value is the FID of the trained generator on the same noise (the model's
    # prior, `GAN.sample_prior`: z ~ N(0, I) from numpy's default_rng(seed)), recomputed.
    real = extractor(images[:32])["features"]
    z = np.random.default_rng(0).standard_normal((32, 8)).astype("float32")
    fake = extractor(gan.generator(z, training=False))["features"]
    assert callback.history[-1]["fid"] == pytest.approx(
        metrics.frechet_distance(real, fake), rel=1e-5)
    with open(tmp_path / runs.METRICS_CSV) as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["epoch"]) for r in rows] == [2, 4] and "kid" in rows[0]
    with open(tmp_path / "metrics.png", "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert {"g_loss", "d_loss"} <= set(callback.loss_history)
    assert len(callback.loss_history["g_loss"]) == 4
    with pytest.raises(ValueError, match=r"`every_n_epochs` must be a positive integer"):
        metrics.MetricsCallback(images, extractor, every_n_epochs=0)
