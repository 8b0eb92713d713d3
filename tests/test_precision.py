"""Mixed precision: float16 with loss scaling, bfloat16, float32 outputs and export."""

import math

import keras
import numpy as np
import onnxruntime as ort
import pytest

import export
from keras_gan import data as gan_data
from keras_gan import precision
from keras_gan.training import TrainConfig, train

# ONNX (float32 export) vs the mixed-precision Keras generator on tanh outputs in [-1, 1]:
# float16 keeps 11 significant bits (measured max difference 4e-4), bfloat16 8 (4e-3).
EXPORT_ATOL = {"mixed_float16": 2e-3, "mixed_bfloat16": 2e-2}


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_run_learns_and_exports_in_float32(tmp_path, policy):
    ring = gan_data.load_arrays("ring8", num_examples=9600, seed=0)  # one epoch of 150 steps
    result = train(TrainConfig(variant="gan", dataset="ring8", steps=150, batch_size=64,
                               hidden_units=32, latent_dim=8, precision=policy, verbose=0,
                               output_dir=str(tmp_path / "ring")), data=ring)
    gan = result.gan
    assert keras.config.dtype_policy().name == "float32"  # the policy did not leak
    assert gan.generator.get_layer("dense_0").compute_dtype == policy.split("_")[1]
    assert gan.generator.get_layer("dense_0").variable_dtype == "float32"
    z = np.zeros((4, 8), "float32")
    assert gan.generator(z).dtype == "float32" and gan.discriminator(z[:, :2]).dtype == "float32"
    scaled = isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (policy == "mixed_float16")
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer) == scaled
    if scaled:
        assert math.isfinite(float(gan.g_optimizer.dynamic_scale.numpy()))
    assert gan.step >= 140  # float16 may skip a few steps with overflowing gradients
    d_loss, g_loss = result.history["d_loss"][0], result.history["g_loss"][0]
    # D beats chance (log 4 = 1.386 at D = 1/2) without collapsing G's loss.
    assert math.isfinite(g_loss) and 0.5 < d_loss < math.log(4.0), result.history
    # G moved from near the origin (|radius - 2| ~ 2 when untrained) towards the ring.
    samples = gan.generate(2000, seed=0).astype("float32")
    assert np.abs(np.linalg.norm(samples, axis=1) - 2.0).mean() < 1.2

    digits = train(TrainConfig(dataset="digits", image_size=16, steps=2, batch_size=16,
                               base_filters=8, num_samples=16, precision=policy, verbose=0,
                               output_dir=str(tmp_path / "digits")))
    path = str(tmp_path / "g.onnx")
    export.to_onnx(digits.gan, path)  # verified there against the float32 clone
    session = ort.InferenceSession(path)
    assert session.get_inputs()[0].type == "tensor(float)"
    z = np.random.default_rng(0).standard_normal((32, 64)).astype("float32")
    onnx_images = session.run(None, {session.get_inputs()[0].name: z})[0]
    assert onnx_images.dtype == np.float32 and onnx_images.shape == (32, 16, 16, 1)
    keras_images = np.asarray(digits.gan.generator(z, training=False), "float32")
    np.testing.assert_allclose(onnx_images, keras_images, atol=EXPORT_ATOL[policy])
    assert np.abs(onnx_images - keras_images).max() > 0  # it really was mixed in Keras


def test_precision_helpers():
    assert precision.check_precision("mixed_bfloat16") == "mixed_bfloat16"
    with pytest.raises(ValueError, match=r"Unknown precision 'half'.*Received: precision='half'"):
        precision.check_precision("half")
    with precision.policy_scope("mixed_float16"):
        inputs = keras.Input((3,))
        hidden = keras.layers.Dense(4)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(1, name="logits")(hidden))
    assert keras.config.dtype_policy().name == "float32"
    assert model(np.ones((2, 3), "float32")).dtype == "float16"
    precision.float32_outputs(model)
    assert model.get_layer("logits").compute_dtype == "float32"
    assert model.layers[1].compute_dtype == "float16"
    assert model(np.ones((2, 3), "float32")).dtype == "float32"
    adam = keras.optimizers.Adam()
    assert precision.loss_scaled(adam, "mixed_bfloat16") is adam
    wrapped = precision.loss_scaled(adam, "mixed_float16")
    assert isinstance(wrapped, keras.optimizers.LossScaleOptimizer)
    assert wrapped.inner_optimizer is adam
    assert float(wrapped.scale_loss(2.0)) == 2.0 * 2.0**15  # the initial dynamic scale
