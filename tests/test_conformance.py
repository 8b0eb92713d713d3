"""One conformance suite every variant passes (keras-hub's `run_*_test` style).

Each variant is built by its own recipe (`keras_gan.recipes`), the way `keras-gan train`
builds it, at 16x16 on the bundled digits with narrow networks. A new variant gets every
check by adding one line to `VARIANTS`:

- build and one `fit` step: finite logged losses, both networks move;
- `get_config` -> `from_config` round trip (same config, same generator outputs);
- `.keras` save and reload (same config, same generator outputs, trains on);
- MirroredStrategy over two logical CPUs equals one device (weights and logged losses);
- exact resume from a `tf.train.Checkpoint` into a differently initialised model;
- ONNX export parity with ONNX Runtime.
"""

import functools
import inspect
import json

import keras
import numpy as np
import pytest

from export.runtimes import OnnxRuntimeSession
from keras_gan import data as gan_data
from keras_gan.checkpoints import gan_checkpoint
from tests.helpers_models import full_state, labelled_batches, two_cpu_strategy
from keras_gan import recipes
from keras_gan.training import distributed

IMAGE_SHAPE = (16, 16, 1)
# The recipe's image defaults with narrow networks: variant -> extra config overrides.
TINY = {"latent_dim": 8, "base_filters": 4, "hidden_units": 16, "batch_size": 16}
VARIANTS = {
    "gan": {},
    "dcgan": {},
    "wgan": {},
    "wgan_gp": {},
    "lsgan": {},
    "sngan": {},
    "cgan": {},
    "acgan": {},
    "infogan": {"latent_dim": 16},  # z holds the 10 + 2 code slots
    "bigan": {},
    "sgan": {},
    "stylegan2": {"mapping_layers": 2, "channel_base": 64},
}


# Per-replica statistics that cannot equal one device's by design, turned off for the
# mirrored comparison (each has its own test where it matters):
# - Keras's Dropout draws the same mask on every replica (its SeedGenerator is not
#   per-replica, keras#18426): BiGAN's and SGAN's D are compared without dropout.
# - StyleGAN2's minibatch-stddev groups and shrunk path-length batch are taken within each
#   replica's slice, as in the official code (test_stylegan2.py compares them with a group
#   of 1 and the whole batch in the path length term).
MIRRORED_OVERRIDES = {
    "bigan": {"dropout": 0.0},
    "sgan": {"dropout": 0.0},
    "stylegan2": {"mbstd_group_size": 1, "pl_weight": 0.0},
}


# Registered variants that are not GANs of samples from noise, with where their
# conformance (mirrored == one device, exact resume, round trips, export parity) is tested.
OTHER_MODELS = {"gain": "tests/test_models_gain.py, tests/test_export_gain.py (imputer: x, mask, noise)"}


def test_every_registered_variant_is_in_the_suite():
    assert sorted([*VARIANTS, *OTHER_MODELS]) == sorted(recipes.VARIANTS)


@functools.lru_cache(maxsize=None)
def _digits():
    return gan_data.load_arrays("digits", image_size=IMAGE_SHAPE[0], with_labels=True)


def _config(variant, seed=0, **overrides):
    return {**recipes.defaults(variant, "image"), **TINY, **VARIANTS[variant], "seed": seed,
            "image_size": IMAGE_SHAPE[0], **overrides}


def _build(variant, strategy=None, init_seed=1, sgd=False, run_eagerly=False, **overrides):
    """The variant as its recipe builds it, compiled, with seeded weights (eager steps are
    far cheaper than tracing for tests of a step or two)."""
    recipe, config, data = recipes.get(variant), _config(variant, **overrides), _digits()
    scope = strategy.scope() if strategy is not None else _no_scope()
    with scope:
        keras.utils.set_random_seed(init_seed)
        gan = recipe.build(IMAGE_SHAPE, config, data.num_classes)
        # Batch statistics of the global batch, so N replicas can equal one device
        # (`keras-gan train --sync-batch-norm`); on one device it changes nothing.
        extras = gan.checkpoint_extras().values()  # BiGAN's encoder
        distributed.synchronize_batch_norm(
            gan.generator, gan.discriminator, *(m for m in extras if isinstance(m, keras.Model)))
        if sgd:  # an update proportional to the gradient shows a mis-scaled term in full
            optimizers = keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05)
        else:
            optimizers = recipe.optimizers(config)
        gan.compile(*optimizers, run_eagerly=run_eagerly)
    return gan


class _no_scope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _dataset(gan, batches=2):
    data = _digits()
    rows = 16 * gan.d_steps
    return labelled_batches(data.images[: rows * batches], data.labels[: rows * batches], rows)


def _generator_inputs(gan, n=4, seed=3):
    """The generator's inputs for n samples, drawn by the model's own noise hooks."""
    import tensorflow as tf

    z = gan.sample_latent(n, tf.constant([seed, 0]))
    labels = gan.sample_labels(n, tf.constant([seed, 1]))
    return gan.generator_inputs(z, labels)


def _outputs(generator, inputs):
    return np.asarray(generator(inputs, training=False))


def _same_config(a, b):
    normalise = lambda config: json.loads(json.dumps(keras.saving.serialize_keras_object(config)))
    assert normalise(a) == normalise(b)


@pytest.fixture(params=sorted(VARIANTS))
def variant(request):
    return request.param


@pytest.mark.slow
def test_fit_config_save_reload_and_exact_resume(variant, tmp_path):
    run = _build(variant, init_seed=1, run_eagerly=True)
    # One fit step: finite logged losses, both networks move.
    g_before = [w.numpy().copy() for w in run.generator.trainable_weights]
    d_before = [w.numpy().copy() for w in run.discriminator.trainable_weights]
    history = run.fit(_dataset(run, batches=1), epochs=1, verbose=0).history
    assert {"d_loss", "g_loss"} <= set(history), history
    for name, values in history.items():
        assert np.all(np.isfinite(values)), (name, values)
    assert run.step == 1
    for before, network in ((g_before, run.generator), (d_before, run.discriminator)):
        assert any(not np.array_equal(a, w.numpy()) for a, w in zip(before, network.trainable_weights))
    checkpoint = gan_checkpoint(run).write(str(tmp_path / "ckpt"))

    # get_config -> from_config: the same variant and settings.
    # Every constructor argument is in the config (else from_config silently drops it).
    arguments = {name for name, p in inspect.signature(type(run).__init__).parameters.items()
                 if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    missing = arguments - set(run.get_config())
    assert not missing, f"{type(run).__name__}.get_config() lacks {sorted(missing)}"
    clone = type(run).from_config(run.get_config())
    assert type(clone) is type(run)
    _same_config(clone.get_config(), run.get_config())

    # .keras save and reload: the same config, networks and samples.
    inputs = _generator_inputs(run)
    path = tmp_path / f"{variant}.keras"
    run.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(run)
    _same_config(loaded.get_config(), run.get_config())
    np.testing.assert_allclose(_outputs(loaded.generator, inputs), _outputs(run.generator, inputs), atol=1e-6)
    for a, b in zip(run.discriminator.get_weights(), loaded.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)

    # Exact resume: restore step 1 into a model initialised otherwise, train one more step.
    run.fit(_dataset(run, batches=1), epochs=1, verbose=0)
    resumed = _build(variant, init_seed=7, run_eagerly=True)
    assert not all(np.array_equal(a, b) for a, b in zip(full_state(run), full_state(resumed)))
    gan_checkpoint(resumed).read(checkpoint).assert_consumed()
    resumed.fit(_dataset(resumed, batches=1), epochs=1, verbose=0)
    for a, b in zip(full_state(run), full_state(resumed)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_mirrored_strategy_equals_one_device(variant):
    overrides = MIRRORED_OVERRIDES.get(variant, {})
    one = _build(variant, sgd=True, **overrides)
    two = _build(variant, two_cpu_strategy(), sgd=True, **overrides)
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_array_equal(a, b)
    initial = full_state(one)
    h1 = one.fit(_dataset(one), epochs=1, verbose=0).history
    h2 = two.fit(_dataset(two), epochs=1, verbose=0).history
    assert not all(np.array_equal(a, b) for a, b in zip(initial, full_state(one)))
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_allclose(a, b, atol=2e-5)
    assert set(h1) == set(h2)
    for name in h1:
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-4, atol=1e-5)


@pytest.mark.slow
def test_onnx_export_matches_keras(variant, tmp_path):
    import export

    gan = _build(variant)
    path = export.to_onnx(gan, str(tmp_path / f"{variant}.onnx"))  # verified on export, too
    generator = export.resolve(gan)  # what was exported: G (StyleGAN2: its synthesis call)
    z, label = generator.sample_inputs(3, seed=5)
    feeds = {"z": z} if label is None else {"z": z, "label": label}
    images = OnnxRuntimeSession(path).run(feeds)["images"]
    np.testing.assert_allclose(images, np.asarray(generator(z, label)), atol=1e-4)
