"""One conformance suite every variant passes (keras-hub's `run_*_test` style).

Each variant is built by its own recipe (`keras_gan.recipes`), the way `keras-gan train`
builds it, at 16x16 on the bundled digits with narrow networks and an EMA generator. A new
variant gets every check by adding one line (a `Variant`) to `VARIANTS`:

- `get_config` -> `from_config` round trip of every constructor argument, each at a value
  other than its default (same config twice over, same samples with the same weights);
- build and one `fit` step: finite logged losses, both networks move;
- `.keras` save and reload (same config, same generator outputs, same D weights);
- exact resume from a `tf.train.Checkpoint` into a differently initialised model;
- MirroredStrategy over two logical CPUs equals one device (every variable, the logged
  losses, and the replicas' copies of every variable agree);
- ONNX export parity with ONNX Runtime.
"""

import copy
import dataclasses
import functools
import inspect
import json

import keras
import numpy as np
import pytest

from export.runtimes import OnnxRuntimeSession
from keras_gan import data as gan_data
from keras_gan.checkpoints import gan_checkpoint
from tests.helpers import full_state, labelled_batches, two_cpu_strategy
from keras_gan import recipes
from keras_gan.training import distributed

IMAGE_SHAPE = (16, 16, 1)
# The recipe's image defaults with narrow networks, and an EMA generator so that resume,
# mirrored and export cover the EMA weights too.
TINY = {"latent_dim": 8, "base_filters": 4, "hidden_units": 16, "batch_size": 16, "ema_decay": 0.9}


@dataclasses.dataclass(frozen=True)
class Variant:
    """One line of the suite.

    Attributes:
        config: recipe config overrides of every test (on top of `TINY`).
        arguments: the variant's own constructor arguments at values other than their
            defaults, for the `get_config` round trip (set through the recipe where it
            has the option, so that the networks fit them, else into the config).
        refuses: base arguments of `ROUND_TRIP_BASE` the variant rejects (its own losses
            or D); the round trip asserts the rejection names the argument.
        mirrored: recipe config overrides of the MirroredStrategy comparison only (see
            the note above `VARIANTS`).
        partly_labelled: the variant trains on partly labelled batches (label -1: none);
            the suite keeps the labels of rows 0, 1, 2 and 12 of every 16, so that two
            replicas hold 3 and 1 labelled examples (means over the global batch's
            labelled rows must not be per-replica means).
    """

    config: dict = dataclasses.field(default_factory=dict)
    arguments: dict = dataclasses.field(default_factory=dict)
    refuses: tuple = ()
    mirrored: dict = dataclasses.field(default_factory=dict)
    partly_labelled: bool = False


# The base GAN's constructor arguments at values other than their defaults, set through
# the recipe's options in every variant's round trip (its `refuses` left out).
ROUND_TRIP_BASE = {
    "d_steps": 2, "generator_loss": "minimax", "label_smoothing": 0.1, "ema_decay": 0.5, "ema_rampup": 0.2, "seed": 11,
    "r1_gamma": 0.5, "r2_gamma": 0.25, "regularization_interval": 3, "reuse_generator_pass": True,
    "augment": "translation", "pack": 2,
}
# Constructor arguments no round trip can set to another value: the networks fix them.
FIXED_BY_NETWORKS = {
    "latent_dim",  # the generator's input width
    "feature_layer",  # SGAN: the name of one of D's layers
}

# Per-replica statistics that cannot equal one device's by design are turned off for the
# mirrored comparison (`Variant.mirrored`; each has its own test where it matters):
# - Keras's Dropout draws the same mask on every replica (its SeedGenerator is not
#   per-replica, keras#18426): BiGAN's and SGAN's D are compared without dropout.
# - StyleGAN2's minibatch-stddev groups are taken within each replica's slice, as in the
#   official code, and so is its shrunk path-length batch (test_stylegan2.py compares
#   them with a group of 1 and the whole batch in the path length term).
LOSSES_OF_ITS_OWN = ("generator_loss", "label_smoothing")
NOT_PACKABLE = ("pack",)
VARIANTS = {
    "gan": Variant(),
    "dcgan": Variant(),
    # Two critic steps, not the recipe's 5: each step's slices of the replicas' rows are
    # tested all the same, at 2/5 of the traced step.
    "wgan": Variant(config={"d_steps": 2}, arguments={"clip_value": 0.02}, refuses=LOSSES_OF_ITS_OWN),
    "wgan_gp": Variant(config={"d_steps": 2}, arguments={"gp_weight": 2.5}, refuses=LOSSES_OF_ITS_OWN),
    # Lazy R1 and R2 (every other step) in one variant: the penalties under replicas, resumed.
    "lsgan": Variant(config={"r1_gamma": 10.0, "r2_gamma": 1.0, "regularization_interval": 2},
                     arguments={"a": -1.0, "b": 0.5, "c": 0.25}, refuses=LOSSES_OF_ITS_OWN),
    "sngan": Variant(refuses=LOSSES_OF_ITS_OWN),
    "cgan": Variant(refuses=NOT_PACKABLE),
    "acgan": Variant(arguments={"class_weight": 0.5}, refuses=NOT_PACKABLE),
    "infogan": Variant(config={"latent_dim": 16},  # z holds the 10 + 2 code slots
                       arguments={"categorical_dims": [4, 3], "continuous_dim": 1, "categorical_weight": 0.5,
                                  "continuous_weight": 0.25, "learn_std": True}, refuses=NOT_PACKABLE),
    "bigan": Variant(refuses=NOT_PACKABLE, mirrored={"dropout": 0.0}),
    "sgan": Variant(arguments={"feature_matching": False, "supervised_weight": 0.5, "unsupervised_weight": 0.25},
                    refuses=("label_smoothing", "pack"), mirrored={"dropout": 0.0}, partly_labelled=True),
    # R1 and path length at every step, so the resumed step reads pl_mean.
    "stylegan2": Variant(config={"mapping_layers": 2, "channel_base": 64, "regularization_interval": 1,
                                 "pl_interval": 1}, refuses=NOT_PACKABLE,
                         arguments={"pl_weight": 1.0, "pl_interval": 2, "pl_decay": 0.05, "pl_batch_shrink": 1,
                                    "style_mixing_prob": 0.5, "ema_rampup": 0.1},
                         mirrored={"mbstd_group_size": 1, "pl_weight": 0.0}),
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
    return {**recipes.defaults(variant, "image"), **TINY, **VARIANTS[variant].config, "seed": seed,
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


def _dataset(variant, gan, batches=2):
    data = _digits()
    rows = 16 * gan.d_steps
    labels = data.labels[: rows * batches]
    if VARIANTS[variant].partly_labelled:
        labels = np.where(np.isin(np.arange(len(labels)) % 16, (0, 1, 2, 12)), labels, -1)
    return labelled_batches(data.images[: rows * batches], labels, rows)


def _generator_inputs(gan, n=4, seed=3):
    """The generator's inputs for n samples, drawn by the model's own noise hooks."""
    import tensorflow as tf

    z = gan.sample_latent(n, tf.constant([seed, 0]))
    labels = gan.sample_labels(n, tf.constant([seed, 1]))
    return gan.generator_inputs(z, labels)


def _outputs(generator, inputs):
    return np.asarray(generator(inputs, training=False))


def _normalise(value):
    """A config value as JSON gives it back (tuples as lists, Keras objects serialized)."""
    return json.loads(json.dumps(keras.saving.serialize_keras_object(value)))


def _same_config(a, b):
    assert _normalise(a) == _normalise(b)


@pytest.fixture(params=sorted(VARIANTS))
def variant(request):
    return request.param


def _constructor_arguments(model_class):
    """{name: default} of every keyword argument of the class and the bases it hands
    `**kwargs` to (up to keras.Model), networks and required arguments left out."""
    arguments = {}
    for cls in model_class.__mro__:
        if cls is keras.Model:
            break
        if "__init__" not in vars(cls):
            continue
        for name, p in inspect.signature(cls.__init__).parameters.items():
            if name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                arguments.setdefault(name, p.default)
    return arguments


def test_get_config_round_trip_keeps_every_argument(variant):
    """Every constructor argument is in `get_config` and survives `from_config`, at a value
    other than its default (a `from_config` that dropped it would give the default back)."""
    entry = VARIANTS[variant]
    plain = _build(variant)
    model_class = type(plain)
    arguments = _constructor_arguments(model_class)
    missing = set(arguments) - set(plain.get_config())
    assert not missing, f"{model_class.__name__}.get_config() lacks {sorted(missing)}"
    values = {**{k: v for k, v in ROUND_TRIP_BASE.items() if k not in entry.refuses}, **entry.arguments}
    settable = {name for name, default in arguments.items() if default is not inspect.Parameter.empty}
    untested = settable - set(values) - set(entry.refuses) - FIXED_BY_NETWORKS
    assert not untested, f"give {variant}'s {sorted(untested)} non-default values in its VARIANTS entry"
    for name, value in values.items():
        assert _normalise(value) != _normalise(arguments[name]), (name, value, "is the default")

    # Set through the recipe where it is an option (it builds networks that fit them:
    # a packed D, InfoGAN's Q), else straight into the config.
    options = _config(variant)
    gan = _build(variant, **{k: v for k, v in values.items() if k in options})
    config = {**gan.get_config(), **{k: v for k, v in values.items() if k not in options}}
    for name, value in values.items():
        expected = value if name != "augment" else gan.augment.get_config()
        assert _normalise(config[name]) == _normalise(expected), (name, config[name], value)
    # from_config leaves the caller's config whole (Keras's deserialization consumes the
    # nested dicts it reads; `deserialize_networks` hands it a copy).
    before = copy.deepcopy(config)
    clone = model_class.from_config(config)
    assert config == before
    assert type(clone) is model_class
    _same_config(clone.get_config(), config)
    _same_config(model_class.from_config(clone.get_config()).get_config(), config)
    # The same networks: with the weights copied, the same samples.
    clone.generator.set_weights(gan.generator.get_weights())
    inputs = _generator_inputs(gan)
    np.testing.assert_array_equal(_outputs(clone.generator, inputs), _outputs(gan.generator, inputs))

    for name in entry.refuses:  # rejected by name, not silently dropped
        with pytest.raises(ValueError, match=name):
            model_class.from_config({**plain.get_config(), name: ROUND_TRIP_BASE[name]})


@pytest.mark.slow
def test_fit_save_reload_and_exact_resume(variant, tmp_path):
    run = _build(variant, init_seed=1, run_eagerly=True)
    # One fit step: finite logged losses, both networks move.
    g_before = [w.numpy().copy() for w in run.generator.trainable_weights]
    d_before = [w.numpy().copy() for w in run.discriminator.trainable_weights]
    history = run.fit(_dataset(variant, run, batches=1), epochs=1, verbose=0).history
    assert {"d_loss", "g_loss"} <= set(history), history
    for name, values in history.items():
        assert np.all(np.isfinite(values)), (name, values)
    assert run.step == 1
    for before, network in ((g_before, run.generator), (d_before, run.discriminator)):
        assert any(not np.array_equal(a, w.numpy()) for a, w in zip(before, network.trainable_weights))
    checkpoint = gan_checkpoint(run).write(str(tmp_path / "ckpt"))

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
    run.fit(_dataset(variant, run, batches=1), epochs=1, verbose=0)
    resumed = _build(variant, init_seed=7, run_eagerly=True)
    assert not all(np.array_equal(a, b) for a, b in zip(full_state(run), full_state(resumed)))
    gan_checkpoint(resumed).read(checkpoint).assert_consumed()
    resumed.fit(_dataset(variant, resumed, batches=1), epochs=1, verbose=0)
    for a, b in zip(full_state(run), full_state(resumed)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_mirrored_strategy_equals_one_device(variant):
    overrides = VARIANTS[variant].mirrored
    one = _build(variant, sgd=True, **overrides)
    two = _build(variant, two_cpu_strategy(), sgd=True, **overrides)
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_array_equal(a, b)
    initial = full_state(one)
    h1 = one.fit(_dataset(variant, one), epochs=1, verbose=0).history
    h2 = two.fit(_dataset(variant, two), epochs=1, verbose=0).history
    assert not all(np.array_equal(a, b) for a, b in zip(initial, full_state(one)))
    for a, b in zip(full_state(one), full_state(two)):
        np.testing.assert_allclose(a, b, atol=2e-5)
    # Every replica holds the same copy of every variable, also of those each replica
    # assigns itself (spectral norm's power-iteration vector, WGAN's clipped weights).
    for variable in two.generator.variables + two.discriminator.variables:
        copies = [np.asarray(v.numpy()) for v in getattr(variable.value, "values", [variable.value])]
        for copy_ in copies[1:]:
            np.testing.assert_array_equal(copies[0], copy_, err_msg=variable.path)
    assert set(h1) == set(h2)
    for name in h1:
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-4, atol=1e-5)
    # No logged term is zero throughout (a penalty never applied would compare trivially).
    assert not [name for name, values in h1.items() if not np.any(np.asarray(values) != 0)], h1


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
