"""keras_gan.runs (the run directory), keras_gan.sampling (the sampling prior) and the
programs that read runs back: `keras-gan sample`, `evaluate` and `export`, for every
variant, on tiny runs (2 steps of narrow networks on 16x16 digits)."""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
import tensorflow as tf
from PIL import Image

import export
from export.runtimes import ServingSession
from keras_gan import runs, sampling, visualize
from keras_gan.metrics import MetricsCallback, evaluation
from keras_gan import recipes
from trainers import cli
from trainers import sample as sample_program
from keras_gan.training import TrainConfig, train

CONDITIONAL = ("acgan", "cgan")
# Options that shrink a recipe's networks further than the common flags do.
TINY_OPTIONS = {"stylegan2": {"mapping_layers": 1}}
SAMPLES = 20  # `keras-gan sample --num-samples 20`
TILE = 16 + 2  # 16x16 images, 2 pixels of padding


class _TinyRuns:
    """`tiny_runs[variant]` -> (run directory, RunResult): the variant trained 2 steps
    (once per test module, on first use)."""

    def __init__(self, root):
        self.root, self.results = root, {}

    def __getitem__(self, variant):
        if variant not in self.results:
            config = TrainConfig(
                variant=variant, dataset="digits", image_size=16, steps=2, batch_size=8,
                base_filters=8, hidden_units=32, num_samples=4, verbose=0,
                output_dir=str(self.root / variant), options=dict(TINY_OPTIONS.get(variant, {})),
            )
            self.results[variant] = (self.root / variant, train(config))
        return self.results[variant]


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory):
    return _TinyRuns(tmp_path_factory.mktemp("runs"))


# ------------------------------------------------------------------- run directory


def test_run_directory_names_every_file_and_keeps_the_old_names(tiny_runs):
    out, result = tiny_runs["dcgan"]
    run = runs.RunDirectory(out)
    # Existing run directories stay readable: the file names are those of earlier runs.
    assert (runs.CONFIG_FILE, runs.FACTS_FILE, runs.GENERATOR_FILE, runs.EMA_GENERATOR_FILE,
            runs.CHECKPOINT_DIR, runs.LOSSES_CSV) == (
        "config.json", "model.json", "generator.keras", "ema_generator.keras", "checkpoints",
        "losses.csv")
    for path in (run.config_path, run.facts_path, run.generator_path, run.losses_csv,
                 run.losses_plot, run.sample_path(1)):
        assert os.path.isfile(path), path
    assert tf.train.latest_checkpoint(run.checkpoint_dir) is not None
    assert run.read_config()["variant"] == "dcgan"
    assert run.read_facts().to_dict() == json.loads(json.dumps(result.gan.describe()))
    assert run.read_losses()["d_loss"] == pytest.approx(result.history["d_loss"], rel=1e-5)
    assert run.generator_file() == run.generator_path  # no EMA in this run


def test_missing_files_are_clear_errors(tmp_path):
    run = runs.RunDirectory(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"no model facts \(model.json\).*keras-gan train"):
        run.read_facts()
    run.write_facts({"latent_dim": 4})
    with pytest.raises(FileNotFoundError, match="No generator in .*expected generator.keras"):
        run.load_generator()
    with pytest.raises(FileNotFoundError, match="no ema_generator.keras.*Received: use_ema=True"):
        run.generator_file(use_ema=True)
    with pytest.raises(ValueError, match="`latent_dim` must be a positive int. Received: latent_dim=0"):
        runs.ModelFacts({"latent_dim": 0})


def test_export_completes_partial_facts_from_the_generator(tmp_path):
    from tests import helpers_export as h

    generator = h.tiny_generator()
    run = runs.RunDirectory(tmp_path)
    run.write_facts({"variant": "mine"})  # no latent_dim: read from the generator
    generator.save(run.generator_path)
    facts = export.resolve(str(tmp_path)).facts
    assert (facts.variant, facts.latent_dim, facts.image_shape) == ("mine", h.LATENT_DIM, (8, 8, 1))


# GAIN is an imputer (inputs x, mask, noise): `keras-gan impute` is its program and its
# run directory is tested in tests/test_impute_cli.py.
GENERATIVE_VARIANTS = [v for v in recipes.VARIANTS if v != "gain"]


@pytest.mark.slow  # shares the module's tiny runs of every variant (~1.5 min in all)
@pytest.mark.parametrize("variant", GENERATIVE_VARIANTS)
def test_facts_name_the_variant(tiny_runs, variant):
    # A dcgan run is "dcgan" (not the base GAN's "gan"): its exports are exports/dcgan/1.
    out, _ = tiny_runs[variant]
    assert runs.RunDirectory(out).read_facts().variant == variant


# ------------------------------------------------------------------- the prior


@pytest.mark.slow  # an InfoGAN run (~10 s)
def test_infogan_prior_has_exact_codes_and_is_the_same_from_model_and_facts(tiny_runs):
    out, result = tiny_runs["infogan"]
    facts = runs.RunDirectory(out).read_facts()
    layout = facts.latent_layout
    assert layout == result.gan.latent_layout
    from_model = result.gan.sample_prior(2000, seed=3)
    from_facts = sampling.prior_inputs(facts, 2000, seed=3)
    np.testing.assert_array_equal(from_model, from_facts)
    for a, b in layout["categorical"]:
        codes = from_model[:, a:b]
        assert set(np.unique(codes)) == {0.0, 1.0}
        np.testing.assert_array_equal(codes.sum(axis=1), 1.0)
        counts = np.bincount(codes.argmax(axis=1), minlength=b - a)
        assert counts.min() > 2000 / (b - a) * 0.7  # every value drawn, about uniformly
    a, b = layout["continuous"]
    continuous = from_model[:, a:b]
    # InfoGAN trains on continuous codes ~ U(-1, 1) (InfoGAN.sample_latent).
    assert continuous.min() >= -1.0 and continuous.max() <= 1.0
    assert continuous.min() < -0.95 and continuous.max() > 0.95
    assert abs(continuous.std() - 1 / np.sqrt(3)) < 0.03  # the std of U(-1, 1)
    a, b = layout["noise"]
    assert abs(from_model[:, a:b].std() - 1.0) < 0.03

    # MetricsCallback feeds the model's generator the same prior: a generator that
    # returns its z as an image shows what it was fed.
    seen = []

    def capture(images):
        seen.append(np.asarray(images).reshape(len(images), -1))
        return {"features": tf.reshape(images, [tf.shape(images)[0], -1])}

    def identity_generator(z):
        return tf.reshape(z, [-1, 1, facts.latent_dim, 1])

    callback = MetricsCallback(np.zeros((40, 1, facts.latent_dim, 1), "float32"), capture,
                               num_samples=40, batch_size=16, generator=identity_generator, seed=5)
    callback.set_model(result.gan)
    callback.evaluate()
    np.testing.assert_array_equal(np.concatenate(seen[-3:]), result.gan.sample_prior(40, seed=5))


def test_prior_of_other_models():
    conditional = sampling.prior_inputs({"latent_dim": 3, "num_classes": 4}, 6, seed=1)
    np.testing.assert_array_equal(conditional[1], [0, 1, 2, 3, 0, 1])
    assert conditional[0].shape == (6, 3) and conditional[1].dtype == np.int32
    style = sampling.prior_inputs({"latent_dim": 3, "variant": "stylegan2",
                                   "synthesis_noise": "random"}, 5, seed=1)
    assert sorted(style) == ["noise_seed", "z"] and style["noise_seed"].shape == (2,)
    # Batches of the same inputs draw different noise inputs (the seed is folded per batch).
    first, second = sampling.slice_inputs(style, 0, 2), sampling.slice_inputs(style, 2, 4)
    assert not np.array_equal(first["noise_seed"], second["noise_seed"])
    np.testing.assert_array_equal(second["z"], style["z"][2:4])
    plain = sampling.prior_inputs({"latent_dim": 3}, 4, seed=1)
    np.testing.assert_array_equal(plain, np.random.default_rng(1).standard_normal((4, 3)).astype("float32"))
    with pytest.raises(ValueError, match=r"`labels` must be 2 integers in \[0, 4\)"):
        sampling.prior_inputs({"latent_dim": 3, "num_classes": 4}, 2, labels=[0, 4])


def test_evaluation_streams_the_prior_batch_by_batch():
    layout = {"noise": [0, 2], "categorical": [[2, 5]], "continuous": [5, 6]}
    facts = {"latent_dim": 6, "latent_layout": layout}

    def identity_generator(z):  # z as a 1 x 6 "image", to read the inputs back
        return tf.reshape(z, [-1, 1, 6, 1])

    seen = evaluation.generator_features(
        lambda images: {"z": tf.reshape(images, [-1, 6])}, identity_generator, 10,
        batch_size=4, progress=False, prior=lambda n, seed: sampling.prior_inputs(facts, n, seed))
    np.testing.assert_array_equal(seen["z"], sampling.prior_inputs(facts, 10, 0))
    np.testing.assert_array_equal(seen["z"][:, 2:5].sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="`latent_dim` is required without a `prior`"):
        evaluation.generator_features(lambda images: {}, identity_generator, 10, progress=False)


# ------------------------------------------------------------- sample, evaluate


@pytest.mark.slow  # shares the module's tiny runs of every variant
@pytest.mark.parametrize("variant", GENERATIVE_VARIANTS)
def test_sample_and_evaluate_work_for_every_variant(tiny_runs, variant, capsys):
    out, _ = tiny_runs[variant]
    png = out / "grid.png"
    assert cli.main(["sample", "--run-dir", str(out), "--output", str(png),
                     "--num-samples", str(SAMPLES), "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    grid = np.asarray(Image.open(png))
    generator, facts = sample_program.load_generator(str(out))
    layout = visualize.grid_layout(facts, SAMPLES, seed=1)
    if variant in CONDITIONAL or variant == "infogan":
        # One row per class (per value of InfoGAN's categorical code), top to bottom,
        # SAMPLES // 10 columns, the same noise down each column.
        assert grid.shape == (10 * TILE + 2, 2 * TILE + 2)
        expected = ["class " if variant != "infogan" else "code 0 = "]
        assert layout.row_labels == [f"{expected[0]}{i}" for i in range(10)]
        assert "Rows, top to bottom" in printed and ", ".join(layout.row_labels) in printed
        if variant == "infogan":
            a, b = facts.latent_layout["categorical"][0]
            row_codes = layout.inputs[:, a:b].argmax(axis=1)
        else:
            row_codes = layout.inputs[1]
        np.testing.assert_array_equal(row_codes, np.repeat(np.arange(10), 2))
    else:
        assert grid.shape == (4 * TILE + 2, 5 * TILE + 2)  # 20 samples on 4 rows
        assert layout.row_labels is None
    # The PNG is the layout's inputs through the generator, in that order.
    images = sampling.generate(generator, layout.inputs)
    np.testing.assert_array_equal(grid, visualize.make_grid(images, layout.num_rows)[..., 0])

    report = evaluation.evaluate_run(str(out), metrics="parzen", num_samples=16, batch_size=8,
                                     dataset="digits", progress=False)
    assert np.isfinite(report["metrics"]["parzen_log_likelihood"])
    assert report["variant"] == variant
    assert report["protocol"]["generator"] in (runs.GENERATOR_FILE, runs.EMA_GENERATOR_FILE)
    noise = report["protocol"]["noise"]
    assert ("latent_layout" in noise) == (variant == "infogan")
    assert ("random noise inputs" in noise) == (variant == "stylegan2")
    assert (report["protocol"]["labels"] is not None) == (variant in CONDITIONAL)


@pytest.mark.slow  # a StyleGAN2 run (~20 s) and a fresh `keras-gan sample` process
def test_stylegan2_inference_with_random_noise_is_clipped_and_seeded(tiny_runs, tmp_path):
    out, _ = tiny_runs["stylegan2"]
    # A fresh process, where nothing imported keras_gan.networks yet: loading the run
    # registers StyleGAN2's layers before `keras.saving.load_model`.
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    completed = subprocess.run(
        [sys.executable, "-m", "trainers.cli", "sample", "--run-dir", str(out), "--output",
         str(tmp_path / "fresh.png"), "--num-samples", "4"],
        cwd=repo, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": repo})
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert np.asarray(Image.open(tmp_path / "fresh.png")).shape == (2 * TILE + 2, 2 * TILE + 2)
    generator, facts = sample_program.load_generator(str(out))
    inputs = sampling.prior_inputs(facts, 6, seed=0)
    first = sampling.generate(generator, inputs)
    again = sampling.generate(generator, inputs)
    np.testing.assert_array_equal(first, again)
    assert np.abs(first).max() <= 1.0
    other = sampling.generate(generator, {**inputs, "noise_seed": inputs["noise_seed"] + 1})
    const = generator(inputs["z"], training=False).numpy()
    assert not np.array_equal(first, other) and not np.array_equal(first, const)


# ----------------------------------------------------------------------- export


@pytest.mark.slow  # two exports with verification (~20 s)
def test_exports_are_named_after_the_variant_and_declare_z(tiny_runs, tmp_path):
    out, _ = tiny_runs["dcgan"]
    facts = runs.RunDirectory(out).read_facts()
    result = export.export(str(out), str(tmp_path), formats=["saved_model"])
    assert result.name == "dcgan" and result.path == str(tmp_path / "dcgan" / "1")
    loaded = tf.saved_model.load(result.path)
    spec = loaded.signatures["serving_default"].structured_input_signature[1]["z"]
    assert spec.shape.as_list() == [None, facts.latent_dim]
    with ServingSession(result.path) as session:  # the signature_def TF Serving reports
        dims = session.signature("serving_default").inputs["z"].tensor_shape.dim
        assert [d.size for d in dims] == [-1, facts.latent_dim]

    out, _ = tiny_runs["infogan"]
    layout = runs.RunDirectory(out).read_facts().latent_layout
    result = export.export(str(out), str(tmp_path))
    assert result.name == "infogan" and result.facts.latent_layout == layout
    with open(os.path.join(result.path, "assets", runs.FACTS_FILE), encoding="utf-8") as f:
        assert json.load(f)["latent_layout"] == layout
    props = {p.key: p.value for p in onnx.load(result.onnx).metadata_props}
    assert json.loads(props["keras_gan.latent_layout"]) == layout
    assert export.read_metadata(result.onnx)["latent_layout"] == layout
