"""Every random stream of a training step is independent of every other (issue 14):
the registry's constants are distinct per level, and the draws of one StyleGAN2 step with
DiffAugment and path length regularization (64 px) are pairwise uncorrelated, including
the two collisions the audit found."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import models, streams
from keras_gan.models import base
from keras_gan.networks import stylegan2 as sg

BATCH = 1024


def test_registry_constants_are_distinct_within_each_level():
    levels = {
        "step": [streams.AUGMENT_REAL, streams.AUGMENT_FAKE, streams.PENALTY, streams.LATENT_PARTS],
        "stylegan2 latent": [streams.STYLE_Z, streams.MIX_Z, streams.MIX_CUTOFF, streams.NOISE_INPUTS],
        "infogan latent (3 categorical codes)": [
            streams.INFO_NOISE, streams.INFO_CONTINUOUS, *(streams.INFO_CATEGORICAL + i for i in range(3))
        ],
        "cutoff": [streams.CUTOFF_LAYER, streams.CUTOFF_MIXED],
        "penalty": [streams.GP_EPSILON, streams.PATH_LENGTH_DIRECTION],
        "augment": [streams.BRIGHTNESS, streams.SATURATION, streams.CONTRAST, streams.SHIFT_Y,
                    streams.SHIFT_X, streams.CUT_Y, streams.CUT_X],
    }
    for level, constants in levels.items():
        assert len(set(constants)) == len(constants), level
    assert (base._AUGMENT_REAL, base._AUGMENT_FAKE, base._PENALTY) == (1, 2, 3)


def _color_parameters(gan, seed, stream):
    """(brightness d, saturation f, contrast c) per image of the step's DiffAugment "color"
    view, read off a probe x = a_ij [1, 1] + b [1, -1] (mean a = 0): the view is
    c f b [1, -1] + c a + d, so d is its mean, c its spatial and f its channel contrast."""
    a = np.array([[1.0, -1.0], [0.5, -0.5]], "float32")
    b = 0.5
    probe = a[:, :, None] * np.ones(2, "float32") + b * np.array([1.0, -1.0], "float32")
    view = gan.augment_samples(tf.constant(np.tile(probe[None], (BATCH, 1, 1, 1))), seed, stream).numpy()
    d = view.mean(axis=(1, 2, 3))
    channel_mean = view.mean(axis=3)
    c = (channel_mean[:, 0, 0] - channel_mean[:, 0, 1]) / (a[0, 0] - a[0, 1])
    f = (view[:, 0, 0, 0] - view[:, 0, 0, 1]) / (2 * b * c)
    return d, f, c


@pytest.fixture(scope="module")
def step_draws():
    keras.utils.set_random_seed(0)
    gan = models.stylegan2(image_shape=(64, 64, 1), latent_dim=4, mapping_layers=1, channel_base=64,
                           channel_max=2, augment="color")
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    gan.g_optimizer.iterations.assign(5)
    stream = 2 * gan.d_steps  # the G step: it has every draw (augmentation, mixing, noise, y)
    seed = gan._step_seed(stream)
    latent = gan.sample_latent(BATCH, seed)
    draws = {
        "z": latent["z"][:, 0].numpy(),
        "z_mix": latent["z_mix"][:, 0].numpy(),
        "mix_cutoff": latent["mix_cutoff"].numpy().astype("float64"),
        "mixed": (latent["mix_cutoff"].numpy() < gan.generator.num_ws).astype("float64"),
        "path_length_y": gan.path_length_direction(BATCH, gan._penalty_seed(stream))[:, 0, 0, 0].numpy(),
    }
    # Noise inputs: synthesis layer i draws from fold(noise_seed, i) (its documented rule).
    for i, conv in enumerate(gan.generator.convs):
        size = int(conv.name.split("_")[0][1:])
        noise = sg.replica_normal(tf.constant([BATCH, size, size, 1]), streams.fold(latent["noise_seed"], i))
        draws[f"noise_{conv.name}"] = noise[:, 0, 0, 0].numpy()
    for name, view_stream in (("real", base._AUGMENT_REAL), ("fake", base._AUGMENT_FAKE)):
        d, f, c = _color_parameters(gan, seed, view_stream)
        draws.update({f"{name}_brightness": d, f"{name}_saturation": f, f"{name}_contrast": c})
    return gan, draws


def test_draws_of_a_step_are_pairwise_uncorrelated(step_draws):
    _, draws = step_draws
    names = sorted(draws)
    correlation = np.corrcoef(np.stack([draws[n] for n in names]))
    # 1024 draws: independent pairs have |r| ~ N(0, 0.031); shared random bits give r ~ 1.
    pairs = [(names[i], names[j], correlation[i, j]) for i in range(len(names)) for j in range(i)
             if {names[i], names[j]} != {"mix_cutoff", "mixed"}]  # the same draw, by definition
    worst = max(pairs, key=lambda p: abs(p[2]))
    assert abs(worst[2]) < 0.15, worst


def test_unmixed_fakes_get_any_saturation(step_draws):
    # The audit: with mixing's draw on DiffAugment's saturation seed, every unmixed fake
    # (mixing draw u >= 0.9) got saturation 2u in [1.8, 2).
    _, draws = step_draws
    unmixed = draws["mixed"] == 0
    saturation = draws["fake_saturation"][unmixed]
    assert 0.05 < unmixed.mean() < 0.15  # style_mixing_prob 0.9
    assert np.mean(saturation < 1.8) > 0.8  # U[0, 2): 90% expected
    assert 0.8 < saturation.mean() < 1.2


def test_path_length_direction_is_not_a_noise_input(step_draws):
    # The audit: y (fold of the penalty seed, 7) was the noise of b64_conv0 (layer 7 of
    # fold(noise seed = penalty seed)) at 64 px and up.
    gan, draws = step_draws
    assert gan.generator.convs[7].name == "b64_conv0"
    assert not np.allclose(draws["path_length_y"], draws["noise_b64_conv0"])
    assert abs(np.corrcoef(draws["path_length_y"], draws["noise_b64_conv0"])[0, 1]) < 0.15
