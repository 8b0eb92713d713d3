import keras
import numpy as np
import pytest

from keras_gan import networks


@pytest.mark.parametrize("size", [16, 28, 32, 64, 128])
@pytest.mark.parametrize("channels", [1, 3])
def test_dcgan_shapes(size, channels):
    generator = networks.dcgan_generator(32, (size, size, channels), base_filters=8)
    discriminator = networks.dcgan_discriminator((size, size, channels), base_filters=8)
    assert generator.output_shape == (None, size, size, channels)
    assert discriminator.output_shape == (None, 1)
    images = generator(np.random.default_rng(0).standard_normal((3, 32)).astype("float32"))
    assert images.shape == (3, size, size, channels)
    assert np.all(np.abs(images) <= 1.0)  # tanh range
    assert discriminator(images).shape == (3, 1)


def test_dcgan_28_is_the_tensorflow_tutorial_network():
    # Parameter counts printed by the TensorFlow DCGAN tutorial's model.summary().
    assert networks.dcgan_generator(100, (28, 28, 1)).count_params() == 2_330_944
    assert networks.dcgan_discriminator((28, 28, 1)).count_params() == 212_865


def test_dcgan_64_layout_follows_the_paper():
    generator = networks.dcgan_generator(100, (64, 64, 3), base_filters=64)
    deconvs = [l for l in generator.layers if l.__class__.__name__ == "Conv2DTranspose"]
    # 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64x3
    assert [l.filters for l in deconvs] == [256, 128, 64, 3]
    assert generator.get_layer("project").units == 4 * 4 * 512


@pytest.mark.parametrize("bad", [(48, 48, 3), (32, 16, 3), (8, 8, 1), (32, 32), "32"])
def test_bad_image_shape_names_argument_and_valid_sizes(bad):
    with pytest.raises(ValueError, match=r"image_shape.*\(16, 28, 32, 64, 128\).*Received"):
        networks.dcgan_generator(16, bad)
    with pytest.raises(ValueError, match="image_shape"):
        networks.dcgan_discriminator(bad)


def test_bad_normalization_and_latent_dim():
    with pytest.raises(ValueError, match="normalization.*Received: normalization='group'"):
        networks.dcgan_discriminator((32, 32, 1), normalization="group")
    with pytest.raises(ValueError, match="latent_dim.*Received: latent_dim=0"):
        networks.dcgan_generator(0, (32, 32, 1))


def test_layer_norm_discriminator_has_no_batch_norm():
    discriminator = networks.dcgan_discriminator((32, 32, 3), normalization="layer")
    kinds = {l.__class__.__name__ for l in discriminator.layers}
    assert "GroupNormalization" in kinds and "BatchNormalization" not in kinds


def test_layer_norm_normalizes_each_sample_over_hwc_with_per_channel_scale():
    # NumPy reference of Gulrajani et al.'s layer norm (tflib/ops/layernorm.py):
    # y = (x - mean_hwc) / sqrt(var_hwc + 1e-5) * scale_c + offset_c, per sample.
    discriminator = networks.dcgan_discriminator((16, 16, 1), 4, normalization="layer")
    norm = discriminator.get_layer("conv_1_norm")
    rng = np.random.default_rng(0)
    channels = norm.gamma.shape[0]
    assert norm.gamma.shape == norm.beta.shape == (channels,)
    norm.gamma.assign(rng.normal(size=channels).astype("float32"))
    norm.beta.assign(rng.normal(size=channels).astype("float32"))
    # Per-sample scale and shift of the input: a per-pixel (channels-only) norm would
    # differ at every pixel, a per-sample (H, W, C) one undoes them.
    x = (rng.normal(size=(3, 4, 4, channels)) * [[[[1.0]]], [[[5.0]]], [[[0.01]]]] + 2.0)
    x = x.astype("float32")
    mean = x.mean(axis=(1, 2, 3), keepdims=True)
    var = x.var(axis=(1, 2, 3), keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5) * norm.gamma.numpy() + norm.beta.numpy()
    np.testing.assert_allclose(norm(x).numpy(), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape", [(2,), (8, 8, 1), (28, 28, 1)])
def test_mlp_shapes(shape):
    generator = networks.mlp_generator(10, shape, hidden_units=(16,))
    discriminator = networks.mlp_discriminator(shape, hidden_units=(16,), dropout=0.5)
    assert generator.output_shape == (None, *shape)
    assert discriminator.output_shape == (None, 1)
    assert discriminator(generator(np.zeros((4, 10), "float32"))).shape == (4, 1)


def test_mlp_generator_linear_output_for_toy_data():
    generator = networks.mlp_generator(4, (2,), hidden_units=(8,), output_activation=None)
    assert generator.get_layer("output").activation.__name__ == "linear"


def test_maxout_is_the_max_over_pieces():
    layer = networks.Maxout(units=2, pieces=3)
    layer.build((None, 1))
    # Dense kernel [1, 6] -> pieces per unit are [1, 2, 3] and [-1, 5, 0].
    layer.dense.set_weights([np.array([[1, 2, 3, -1, 5, 0]], "float32"), np.zeros(6, "float32")])
    out = layer(np.array([[1.0], [-1.0]], "float32")).numpy()
    np.testing.assert_allclose(out, [[3.0, 5.0], [-1.0, 1.0]])
    discriminator = networks.mlp_discriminator((2,), hidden_units=(8, 8), maxout_pieces=5)
    assert discriminator.get_layer("maxout_0").dense.units == 40


@pytest.mark.parametrize("bad", [(0,), [16, -1], "16"])
def test_bad_hidden_units(bad):
    with pytest.raises(ValueError, match="hidden_units.*Received"):
        networks.mlp_discriminator((2,), hidden_units=bad)
    with pytest.raises(ValueError, match="hidden_units.*Received"):
        networks.mlp_generator(2, (2,), hidden_units=bad)


def test_maxout_rejects_bad_arguments_by_name():
    with pytest.raises(ValueError, match="units.*Received: units=0"):
        networks.Maxout(0, 2)
    with pytest.raises(ValueError, match="pieces.*Received: pieces=1.5"):
        networks.Maxout(2, 1.5)


def test_maxout_discriminator_saves_and_reloads(tmp_path):
    # Maxout was not registered with Keras: a .keras file holding it did not load.
    discriminator = networks.mlp_discriminator((2,), hidden_units=(6,), maxout_pieces=3)
    x = np.random.default_rng(0).standard_normal((5, 2)).astype("float32")
    path = str(tmp_path / "maxout.keras")
    discriminator.save(path)
    reloaded = keras.saving.load_model(path)
    assert isinstance(reloaded.get_layer("maxout_0"), networks.Maxout)
    np.testing.assert_allclose(reloaded(x).numpy(), discriminator(x).numpy(), rtol=1e-6)


# ------------------------------------------------- every layer of keras_gan.networks


def _layer_cases():
    """(class, constructor kwargs away from the defaults, input shapes, call kwargs)."""
    from keras_gan.networks import gain as gain_layers
    from keras_gan.networks import stylegan2 as sg

    const = {"noise_mode": "const"}  # deterministic noise, saved with the weights
    return {
        "Maxout": (networks.Maxout, {"units": 3, "pieces": 2}, [(4, 5)], {}),
        "SpectralNorm": (networks.SpectralNorm, {"layer": keras.layers.Dense(3), "power_iterations": 2},
                         [(4, 5)], {}),
        "PixelNormalization": (sg.PixelNormalization, {"epsilon": 1e-6}, [(4, 5)], {}),
        "EqualizedDense": (sg.EqualizedDense, {"units": 3, "lr_multiplier": 0.5, "bias_init": 0.1,
                                                "activation": "lrelu"}, [(4, 5)], {}),
        "EqualizedConv2D": (sg.EqualizedConv2D, {"filters": 3, "kernel_size": 1, "down": True,
                                                  "use_bias": False, "activation": "lrelu"},
                            [(4, 8, 8, 2)], {}),
        "MinibatchStdDev": (sg.MinibatchStdDev, {"group_size": 2, "num_channels": 2}, [(4, 4, 4, 2)], {}),
        "ConstantInput": (sg.ConstantInput, {"channels": 3, "size": 2}, [(4, 1)], {}),
        "StyledConv2D": (sg.StyledConv2D, {"filters": 3, "kernel_size": 1, "upsample": True,
                                            "demodulate": False, "fused": True},
                         [(4, 4, 4, 2), (4, 5)], const),
        "ToRGB": (sg.ToRGB, {"channels": 3, "fused": True}, [(4, 4, 4, 2), (4, 5)], {}),
        "StyledDense": (sg.StyledDense, {"units": 3, "demodulate": False}, [(4, 2), (4, 5)], const),
        "ToVector": (sg.ToVector, {"units": 2}, [(4, 3), (4, 5)], {}),
        "FillMissing": (gain_layers.FillMissing, {}, [(4, 5), (4, 5), (4, 5)], {}),
    }


def _network_layer_classes():
    """Every Keras layer class (not model) defined in a module of keras_gan.networks."""
    import importlib
    import inspect
    import pkgutil

    import keras_gan.networks as package

    classes = set()
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module.__name__ and issubclass(cls, keras.layers.Layer)
                    and not issubclass(cls, keras.Model)):
                classes.add(cls.__name__)
    return classes


def test_every_network_layer_has_a_config_round_trip_case():
    assert _network_layer_classes() == set(_layer_cases())


@pytest.mark.parametrize("name", sorted(_layer_cases()))
def test_layer_config_round_trip(name):
    cls, kwargs, shapes, call_kwargs = _layer_cases()[name]
    layer = cls(**kwargs, name=f"{name.lower()}_under_test")
    config = layer.get_config()
    for key, value in kwargs.items():
        if key != "layer":  # the wrapped layer is stored as its own config
            assert config[key] == value, key
    # Through Keras's registry, as a .keras file does it: the registered name finds the class.
    serialized = keras.saving.serialize_keras_object(layer)
    assert serialized["registered_name"] == f"keras_gan>{name}"
    clone = keras.saving.deserialize_keras_object(serialized)
    assert type(clone) is cls and clone.name == layer.name
    assert clone.get_config() == config
    rng = np.random.default_rng(0)
    inputs = [rng.standard_normal(shape).astype("float32") for shape in shapes]
    inputs = inputs[0] if len(inputs) == 1 else inputs
    expected = layer(inputs, **call_kwargs)
    clone(inputs, **call_kwargs)  # builds the clone's weights
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(inputs, **call_kwargs).numpy(), expected.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("embedding_dim", [None, 5])
def test_conditional_mlp_generator_is_the_mlp_generator_on_z_and_the_label_code(embedding_dim):
    code_dim = 3 if embedding_dim is None else embedding_dim
    plain = networks.mlp_generator(4 + code_dim, (3, 3, 1), hidden_units=(8, 6))
    conditional = networks.conditional_mlp_generator(4, (3, 3, 1), 3, hidden_units=(8, 6),
                                                     embedding_dim=embedding_dim)

    def layout(model, after):
        names = [layer.name for layer in model.layers]
        return [(type(layer).__name__, layer.name, layer.count_params())
                for layer in model.layers[names.index(after) + 1:]]

    assert layout(conditional, "z_and_label") == layout(plain, "z")
    # Plus the label code: a [classes, code_dim] table (the frozen identity for one-hot).
    assert conditional.count_params() == plain.count_params() + 3 * code_dim


def test_gain_generator_refinement_is_the_same_mlp_applied_again():
    # y_0 = g(x, m); y_r = g(m x + (1 - m) y_{r-1}, m), unrolled by hand with the inner MLP.
    keras.utils.set_random_seed(0)
    generator = networks.gain_generator((5,), (8, 8), refinement_steps=2)
    inner = generator.get_layer("gain_generator_pass")
    assert len(generator.weights) == len(inner.weights) == 6  # one set of weights, shared
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(4, 5)).astype("float32")
    m = (rng.uniform(size=(4, 5)) > 0.4).astype("float32")
    estimate = inner([x, m])
    for _ in range(2):
        estimate = inner([m * x + (1 - m) * np.asarray(estimate), m])
    np.testing.assert_allclose(generator([x, m]), estimate, atol=1e-6)
    # One pass less is a different function: the refinement is not a no-op.
    once = inner([m * x + (1 - m) * np.asarray(inner([x, m])), m])
    assert np.abs(np.asarray(once) - np.asarray(estimate)).max() > 1e-4


def test_gain_generator_dropout_acts_in_training_only():
    keras.utils.set_random_seed(0)
    plain = networks.gain_generator((6,), (32, 32))
    dropped = networks.gain_generator((6,), (32, 32), dropout_rate=0.5)
    dropped.set_weights(plain.get_weights())
    x = np.random.default_rng(0).uniform(size=(8, 6)).astype("float32")
    m = np.ones_like(x)
    np.testing.assert_allclose(dropped([x, m], training=False), plain([x, m]), atol=1e-6)
    assert np.abs(np.asarray(dropped([x, m], training=True)) - np.asarray(plain([x, m]))).max() > 1e-3


@pytest.mark.parametrize("kwargs, message", [
    ({"dropout_rate": 1.0}, "dropout_rate.*Received: dropout_rate=1.0"),
    ({"dropout_rate": True}, "dropout_rate"),
    ({"refinement_steps": -1}, "refinement_steps.*Received: refinement_steps=-1"),
    ({"refinement_steps": 1.5}, "refinement_steps"),
])
def test_gain_generator_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        networks.gain_generator((4,), **kwargs)
