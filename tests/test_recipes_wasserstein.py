"""The wgan / wgan_gp / lsgan / sngan recipes: `keras-gan train` builds each with its
paper's defaults, on the toy ring and on images, and takes its options."""

import json

import keras
import pytest

from keras_gan import models
from keras_gan.networks.spectral import SpectralNorm
from keras_gan import recipes
from keras_gan.training import TrainConfig, train
from keras_gan import runs


def _train(tmp_path, **fields):
    config = TrainConfig(output_dir=str(tmp_path / "run"), verbose=0, **fields)
    return train(config)


def _sn_layers(model):
    return [layer for layer in model.layers if isinstance(layer, SpectralNorm)]


@pytest.mark.parametrize("variant", ["wgan", "wgan_gp", "lsgan", "sngan"])
def test_recipe_trains_on_the_ring_with_its_defaults(variant, tmp_path):
    result = _train(tmp_path, variant=variant, dataset="ring8", steps=2)
    gan = result.gan
    with open(tmp_path / "run" / runs.FACTS_FILE, encoding="utf-8") as f:
        assert json.load(f)["variant"] == variant
    assert gan.step == 2 and gan.d_optimizer.iterations.numpy() == 2 * gan.d_steps
    if variant == "wgan":
        assert type(gan) is models.WGAN and (gan.d_steps, gan.clip_value) == (5, 0.05)
        assert isinstance(gan.d_optimizer, keras.optimizers.RMSprop)
    elif variant == "wgan_gp":
        assert type(gan) is models.WGANGP and (gan.d_steps, gan.gp_weight) == (5, 0.1)
        assert (gan.d_optimizer.beta_1, gan.d_optimizer.beta_2) == (0.5, 0.9)
    elif variant == "lsgan":
        assert type(gan) is models.LSGAN and (gan.a, gan.b, gan.c) == (0.0, 1.0, 1.0)
    else:
        assert type(gan) is models.SNGAN and len(_sn_layers(gan.discriminator)) == 3


def test_image_defaults_follow_the_papers():
    wgan, wgan_gp = recipes.defaults("wgan", "image"), recipes.defaults("wgan_gp", "image")
    assert (wgan["d_lr"], wgan["d_steps"], wgan["clip_value"]) == (5e-5, 5, 0.01)
    assert (wgan_gp["d_lr"], wgan_gp["beta_1"], wgan_gp["beta_2"], wgan_gp["gp_weight"]) == (1e-4, 0.0, 0.9, 10.0)
    sngan = recipes.defaults("sngan", "image")
    assert (sngan["d_lr"], sngan["beta_1"], sngan["beta_2"], sngan["d_steps"]) == (2e-4, 0.5, 0.999, 1)


# SNGAN's standard CNN (its image default) is built by the network tests; here the ResNet.
@pytest.mark.parametrize("variant, architecture", [("wgan_gp", None), ("sngan", "resnet")])
def test_image_recipes_with_options(variant, architecture, tmp_path):
    options = {"augment": "translation,cutout"}
    if variant == "wgan_gp":
        options.update(gp_weight=5.0, r1_gamma=1.0, regularization_interval=4)
    else:
        options["architecture"] = architecture
    result = _train(tmp_path, variant=variant, dataset="digits", image_size=16, base_filters=4,
                    batch_size=8, latent_dim=8, d_steps=1, steps=1, options=options)
    gan = result.gan
    assert gan.augment.policy == "translation,cutout"
    if variant == "wgan_gp":  # layer-norm critic, the requested penalty weights
        assert (gan.gp_weight, gan.r1_gamma, gan.regularization_interval) == (5.0, 1.0, 4)
        assert set(result.history) >= {"d_loss", "g_loss", "gp", "r1"}
        assert any(isinstance(layer, keras.layers.GroupNormalization) for layer in gan.discriminator.layers)
    else:  # 16x16: optimized block (3 SN convs), two plain blocks (2 each), dense
        assert len(_sn_layers(gan.discriminator)) == 3 + 2 * 2 + 1
        assert gan.generator.get_layer("block_1_add") is not None


def test_unknown_option_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Unknown option 'clip_value' for variant 'wgan_gp'"):
        _train(tmp_path, variant="wgan_gp", dataset="ring8", steps=1, options={"clip_value": 0.1})
