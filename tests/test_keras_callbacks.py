"""The Keras callbacks a Keras user reaches for first work with `GAN.fit`."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan import models

IMAGE_SHAPE = (16, 16, 1)


def _dataset():
    # In order (no shuffle), so two runs see the same batches.
    images = gan_data.load_arrays("digits", image_size=16).images[:64]
    return tf.data.Dataset.from_tensor_slices(images).batch(16, drop_remainder=True)


def _gan(init_seed=1):
    keras.utils.set_random_seed(init_seed)
    gan = models.DCGAN(image_shape=IMAGE_SHAPE, latent_dim=4, base_filters=4)
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
                d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5))
    return gan


def _weights(gan):
    return gan.generator.get_weights() + gan.discriminator.get_weights()


def test_model_checkpoint_saves_a_gan_that_reloads(tmp_path):
    gan = _gan()
    gan.fit(_dataset(), epochs=2, verbose=0, callbacks=[
        keras.callbacks.ModelCheckpoint(str(tmp_path / "epoch_{epoch}.keras")),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "last.weights.h5"), save_weights_only=True),
    ])
    assert (tmp_path / "epoch_1.keras").exists() and (tmp_path / "epoch_2.keras").exists()
    loaded = keras.saving.load_model(tmp_path / "epoch_2.keras")
    assert isinstance(loaded, models.GAN)
    for a, b in zip(_weights(gan), _weights(loaded)):
        np.testing.assert_array_equal(a, b)
    other = _gan(init_seed=5)
    other.load_weights(tmp_path / "last.weights.h5")
    for a, b in zip(_weights(gan), _weights(other)):
        np.testing.assert_array_equal(a, b)
    z = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    # `predict` draws from z: the GAN's call is its generator.
    np.testing.assert_allclose(loaded.predict(z, verbose=0), gan.generator.predict(z, verbose=0), atol=1e-6)


class _Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            raise KeyboardInterrupt("stopped by the test")


def test_backup_and_restore_resumes_exactly(tmp_path):
    whole = _gan()
    whole.fit(_dataset(), epochs=2, verbose=0)

    run = _gan()
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(KeyboardInterrupt):
        run.fit(_dataset(), epochs=2, verbose=0, callbacks=[backup, _Interrupt()])
    assert run.step == 4
    resumed = _gan(init_seed=9)  # a fresh process would start from other weights
    history = resumed.fit(_dataset(), epochs=2, verbose=0, callbacks=[backup])
    assert len(history.history["g_loss"]) == 1  # only the epoch left was trained
    # Both optimizers' step counters were restored, and with them the noise stream.
    assert resumed.step == whole.step == 8
    for a, b in zip(_weights(whole), _weights(resumed)):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_early_stopping_csv_logger_and_terminate_on_nan(tmp_path):
    gan = _gan()
    history = gan.fit(_dataset(), epochs=3, verbose=0, callbacks=[
        # Keras cannot guess the direction of a GAN loss from its name: say "min".
        keras.callbacks.EarlyStopping(monitor="d_loss", mode="min", patience=5),
        keras.callbacks.CSVLogger(str(tmp_path / "log.csv")),
        keras.callbacks.TerminateOnNaN(),
    ])
    rows = (tmp_path / "log.csv").read_text().splitlines()
    # (Keras's CSVLogger adds empty val_ columns when there is no validation data.)
    assert rows[0].split(",")[:3] == ["epoch", "d_loss", "g_loss"]
    assert len(rows) == 4
    np.testing.assert_allclose([float(r.split(",")[2]) for r in rows[1:]], history.history["g_loss"], rtol=1e-6)


def test_learning_rate_schedules_go_in_each_optimizer():
    # Keras's LearningRateScheduler acts on `model.optimizer`; a GAN has two (`g_optimizer`,
    # `d_optimizer`), so each takes a schedule of its own, as the README says.
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=1, decay_rate=0.5)
    keras.utils.set_random_seed(1)
    gan = models.DCGAN(image_shape=IMAGE_SHAPE, latent_dim=4, base_filters=4)
    gan.compile(g_optimizer=keras.optimizers.Adam(schedule), d_optimizer=keras.optimizers.Adam(1e-3))
    gan.fit(_dataset(), epochs=1, verbose=0)
    # 4 G steps: 1e-3 * 0.5^4.
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-3 * 0.5 ** 4)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-3)
