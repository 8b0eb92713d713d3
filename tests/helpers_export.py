"""Tiny generators, GANs and run directories for the export tests, and a TF-Serving-style
loader script run in a fresh process."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gan.models
import keras_gan.networks
import keras_gan.networks.conditional

LATENT_DIM = 8
NUM_CLASSES = 3
IMAGE_SHAPE = (8, 8, 1)


def tiny_generator(latent_dim=LATENT_DIM, seed=1, name="tiny_generator"):
    """z [B, latent] -> Dense -> Reshape -> Conv2DTranspose (stride 2) -> tanh [B, 8, 8, 1]."""
    keras.utils.set_random_seed(seed)
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(4 * 4 * 4, activation="relu")(z)
    x = keras.layers.Reshape((4, 4, 4))(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(z, x, name=name)


def tiny_conditional_generator(latent_dim=LATENT_DIM, num_classes=NUM_CLASSES, seed=2):
    """`[z, label]`: the label's embedding concatenated to z, then as `tiny_generator`."""
    keras.utils.set_random_seed(seed)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(num_classes, 4)(label))
    x = keras.layers.Concatenate()([z, embedded])
    x = keras.layers.Dense(4 * 4 * 4, activation="relu")(x)
    x = keras.layers.Reshape((4, 4, 4))(x)
    x = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="tanh")(x)
    return keras.Model([z, label], x, name="tiny_conditional_generator")


def discriminator():
    return keras_gan.networks.mlp_discriminator(IMAGE_SHAPE, hidden_units=(8,))


def make_gan(ema_decay=None, train_steps=0):
    """A compiled `keras_gan.models.GAN`; with `train_steps`, fitted on random images so
    that its EMA weights differ from its raw generator weights."""
    gan = keras_gan.models.GAN(tiny_generator(), discriminator(), ema_decay=ema_decay)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(0.05), d_optimizer=keras.optimizers.Adam(0.05)
    )
    if train_steps:
        images = np.random.default_rng(0).uniform(-1, 1, (8 * train_steps, *IMAGE_SHAPE))
        dataset = tf.data.Dataset.from_tensor_slices(images.astype("float32")).batch(8)
        gan.fit(dataset, epochs=1, verbose=0)
    return gan


def make_cgan():
    """A compiled `keras_gan.models.CGAN` around `tiny_conditional_generator`."""
    conditional_discriminator = keras_gan.networks.conditional.conditional_mlp_discriminator(
        IMAGE_SHAPE, num_classes=NUM_CLASSES, hidden_units=(8,)
    )
    gan = keras_gan.models.CGAN(
        tiny_conditional_generator(), conditional_discriminator, num_classes=NUM_CLASSES
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3)
    )
    return gan


def write_run_dir(path, generator, facts, ema_generator=None):
    """Writes the files of a `keras-gan train` run directory that export reads."""
    from keras_gan import runs

    run = runs.RunDirectory(path)
    run.write_facts(facts)
    generator.save(run.generator_path)
    if ema_generator is not None:
        ema_generator.save(run.ema_generator_path)
    return path


def noise(batch, latent_dim=LATENT_DIM, seed=0):
    return np.random.default_rng(seed).standard_normal((batch, latent_dim)).astype("float32")


# Loads the SavedModel as TF Serving does: TF1 graph session, tag "serve", signature tensors
# run by name. Keras and keras_gan are made unimportable first (`sys.modules[name] = None`
# also makes TF's own optional probe for Keras find nothing), so nothing but TensorFlow
# and the files on disk can take part.
_SERVING_SCRIPT = textwrap.dedent(
    """
    import json, sys
    for blocked in ("keras", "keras_gan", "tf_keras", "export"):
        sys.modules[blocked] = None
    import numpy as np
    import tensorflow as tf

    model_dir, signature_name, feeds_file, out_file = sys.argv[1:5]
    feeds = dict(np.load(feeds_file))
    with tf.Graph().as_default(), tf.compat.v1.Session() as session:
        meta_graph = tf.compat.v1.saved_model.loader.load(session, ["serve"], model_dir)
        signature = meta_graph.signature_def[signature_name]
        names = sorted(signature.outputs)
        values = session.run(
            [signature.outputs[n].name for n in names],
            {signature.inputs[k].name: v for k, v in feeds.items()},
        )
        np.savez(out_file, **dict(zip(names, values)))
        print(json.dumps({
            "inputs": {k: v.name for k, v in signature.inputs.items()},
            "outputs": {k: v.name for k, v in signature.outputs.items()},
            "loaded_modules": sorted(
                m for m in ("keras", "keras_gan", "export") if sys.modules.get(m) is not None
            ),
        }))
    """
)


def run_like_tf_serving(tmp_path, model_dir, signature_name, feeds, timeout=60):
    """Runs a signature in a fresh Python process that imports only TensorFlow.

    Returns:
        (outputs dict of arrays, info dict with tensor names and loaded modules).
    """
    script = tmp_path / "serve_like_tf_serving.py"
    script.write_text(_SERVING_SCRIPT)
    feeds_file = tmp_path / "feeds.npz"
    np.savez(feeds_file, **feeds)
    out_file = tmp_path / "outputs.npz"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH="")
    completed = subprocess.run(
        [sys.executable, str(script), str(model_dir), signature_name, str(feeds_file), str(out_file)],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=str(tmp_path),
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    info = json.loads(completed.stdout.strip().splitlines()[-1])
    with np.load(out_file) as data:
        return {k: data[k] for k in data.files}, info


@pytest.fixture(scope="module")
def gan():
    """A trained tiny GAN per test module (`from tests.helpers_export import gan`)."""
    return make_gan()


@pytest.fixture(scope="module")
def cgan():
    """A trained tiny CGAN per test module."""
    return make_cgan()
