"""Saved networks keep loading: the Keras registered names and `.keras` files written by
earlier code.

`tests/data/saved_networks/<name>.keras` (with `<name>.npz`: a fixed input and the
model's output on it) were written by `python -m tests.test_networks_saved` with the code
of commit "Goldens of the saved StyleGAN2 networks" (the single-file
`keras_gan/networks/stylegan2.py`, before it became a package). Loading them with
today's code is what a user's old run directory (`generator.keras`,
`ema_generator.keras`) or exported `.keras` file goes through: the registered names
(`keras_gan>StyleGAN2Generator`, ...), the config keys and the weight paths must all
still match. `stylegan2_generators.ckpt*` is a `tf.train.Checkpoint` of both generators (what a run
directory's checkpoints hold, by attribute path), written the same way by commit
6e6544d's code (`python -m tests.test_networks_saved` with that tree first on the path).
Do not regenerate the files to make this test pass: a failure here means saved files of
users no longer load.
"""

import json
import os
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan.models  # noqa: F401  (registers the variants)
import keras_gan.networks  # noqa: F401  (registers the layers and generators)

DATA = os.path.join(os.path.dirname(__file__), "data", "saved_networks")

# Every name under which keras_gan registers a class with Keras. A saved file refers to
# its classes by these names: renaming or unregistering one breaks loading old files.
REGISTERED_NAMES = [
    "keras_gan>ACGAN",
    "keras_gan>BiGAN",
    "keras_gan>CGAN",
    "keras_gan>ConstantInput",
    "keras_gan>DeepConvolutionalGAN",
    "keras_gan>EqualizedConv2D",
    "keras_gan>EqualizedDense",
    "keras_gan>FillMissing",
    "keras_gan>GAIN",
    "keras_gan>GAN",
    "keras_gan>InfoGAN",
    "keras_gan>LSGAN",
    "keras_gan>Maxout",
    "keras_gan>MinibatchStdDev",
    "keras_gan>PixelNormalization",
    "keras_gan>SGAN",
    "keras_gan>SNGAN",
    "keras_gan>SpectralNorm",
    "keras_gan>StyleGAN2",
    "keras_gan>StyleGAN2Generator",
    "keras_gan>StyleGAN2VectorGenerator",
    "keras_gan>StyledConv2D",
    "keras_gan>StyledDense",
    "keras_gan>ToRGB",
    "keras_gan>ToVector",
    "keras_gan>WGAN",
    "keras_gan>WGANGP",
]


def _stylegan2_networks():
    """The tiny networks of the goldens, by file name (imports at call time so that the
    writer runs against whatever code is checked out)."""
    from keras_gan.networks import stylegan2 as sg

    return {
        "stylegan2_generator": lambda: sg.StyleGAN2Generator(
            latent_dim=4, image_shape=(8, 8, 1), mapping_layers=1, channel_base=32,
            channel_max=4, truncation_psi=0.5, noise_mode="const",
        ),
        "stylegan2_vector_generator": lambda: sg.StyleGAN2VectorGenerator(
            latent_dim=4, output_dim=2, mapping_layers=1, units=4, num_layers=2,
            truncation_psi=0.5, noise_mode="const",
        ),
        "stylegan2_discriminator": lambda: sg.stylegan2_discriminator(
            image_shape=(8, 8, 1), channel_base=32, channel_max=4,
        ),
        "stylegan2_mlp_discriminator": lambda: sg.stylegan2_mlp_discriminator(
            input_shape=(2,), hidden_units=(4, 4),
        ),
    }


_INPUT_SHAPES = {
    "stylegan2_generator": (3, 4),
    "stylegan2_vector_generator": (3, 4),
    "stylegan2_discriminator": (4, 8, 8, 1),
    "stylegan2_mlp_discriminator": (4, 2),
}

SAVED_NAMES = sorted(_INPUT_SHAPES)


def _perturbed(model, seed):
    """Moves every weight (noise strengths, w_avg, constant noise included: zeros at
    initialisation would hide a weight that fails to load) by N(0, 0.5)."""
    rng = np.random.default_rng(seed)
    model.set_weights([w + rng.normal(0.0, 0.5, w.shape).astype(w.dtype) for w in model.get_weights()])
    return model


def write_goldens(directory=DATA):
    """Writes `<name>.keras` and `<name>.npz` ({"x": input, "y": output}) per network."""
    os.makedirs(directory, exist_ok=True)
    keras.utils.set_random_seed(0)
    for seed, (name, build) in enumerate(sorted(_stylegan2_networks().items())):
        model = _perturbed(build(), seed)
        x = np.random.default_rng(100 + seed).standard_normal(_INPUT_SHAPES[name]).astype("float32")
        y = np.asarray(model(x))
        model.save(os.path.join(directory, f"{name}.keras"))
        np.savez(os.path.join(directory, f"{name}.npz"), x=x, y=y)


def _checkpointed_generators():
    networks = _stylegan2_networks()
    return {name: networks[name]() for name in ("stylegan2_generator", "stylegan2_vector_generator")}


_CHECKPOINT = os.path.join(DATA, "stylegan2_generators.ckpt")


def write_checkpoint_golden(prefix=_CHECKPOINT):
    """Writes `tf.train.Checkpoint(**generators)` at `prefix` and `<prefix>.npz` (outputs)."""
    keras.utils.set_random_seed(0)
    generators = {name: _perturbed(g, 10 + i) for i, (name, g) in enumerate(_checkpointed_generators().items())}
    z = np.random.default_rng(110).standard_normal((3, 4)).astype("float32")
    tf.train.Checkpoint(**generators).write(prefix)
    np.savez(f"{prefix}.npz", z=z, **{name: np.asarray(g(z)) for name, g in generators.items()})


def test_generator_checkpoint_written_by_earlier_code_restores_every_variable():
    generators = _checkpointed_generators()
    # assert_consumed: every saved variable found its place (noise_const included), and
    # every variable of today's generators was restored.
    tf.train.Checkpoint(**generators).read(_CHECKPOINT).assert_consumed()
    golden = np.load(f"{_CHECKPOINT}.npz")
    for name, generator in generators.items():
        np.testing.assert_allclose(np.asarray(generator(golden["z"])), golden[name], rtol=1e-5, atol=1e-6)


def test_registered_names_are_unchanged():
    registered = sorted(k for k in keras.saving.get_custom_objects() if k.startswith("keras_gan>"))
    assert registered == REGISTERED_NAMES


@pytest.mark.parametrize("name", SAVED_NAMES)
def test_network_saved_by_earlier_code_loads_and_gives_its_outputs(name):
    model = keras.saving.load_model(os.path.join(DATA, f"{name}.keras"))
    golden = np.load(os.path.join(DATA, f"{name}.npz"))
    # Same float32 graph on the same weights: equal up to kernel scheduling noise.
    np.testing.assert_allclose(np.asarray(model(golden["x"])), golden["y"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", SAVED_NAMES)
def test_network_saved_today_reloads_with_the_same_outputs(name, tmp_path):
    model = _perturbed(_stylegan2_networks()[name](), seed=7)
    x = np.random.default_rng(7).standard_normal(_INPUT_SHAPES[name]).astype("float32")
    path = str(tmp_path / f"{name}.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    # Through JSON, as the file stores it (tuples come back as lists).
    assert json.loads(json.dumps(reloaded.get_config())) == json.loads(json.dumps(model.get_config()))
    np.testing.assert_allclose(np.asarray(reloaded(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-7)


if __name__ == "__main__":
    if sys.argv[1:] == ["checkpoint"]:
        write_checkpoint_golden()
    else:
        write_goldens(sys.argv[1] if len(sys.argv) > 1 else DATA)
