"""Recipe of StyleGAN2 (Karras et al. 2020): small-resolution and toy-data editions.

Optimizer: Adam(0.0025, beta_1=0, beta_2=0.99, epsilon=1e-8), the StyleGAN2-ADA setting
for resolutions below 1024 (the lazy terms are added to regular steps, so the paper's
`k / (k + 1)` Adam correction for separate regularization steps does not apply). R1 gamma
follows the ADA heuristic `0.0002 * size^2 / batch_size` (0.0032 at 16 px, 0.0128 at
32 px, batch 32) unless `--option r1_gamma=...` is given; lazy R1 every 16 steps, path
length weight 2 every 4 steps, style mixing 0.9, an EMA of G with StyleGAN2's half-life
of 10k images (`0.5 ** (batch / 10000)` per step, 0.99778 at batch 32), its half-life
ramped up as StyleGAN2-ADA does (`min(10k, 0.05 * images seen)`; `--ema-decay` sets the
steady-state decay, `--ema-rampup` the ramp). Networks are narrow
(`--base-filters`, the most feature maps of any layer, 64; `channel_base` 1024, so 32 px
layers have 32) so a `digits` epoch takes CPU seconds.

Toy 2-D data (`--dataset ring8`, `grid25`): the toy-data edition,
`StyleGAN2VectorGenerator` (mapping network of 2 layers, lr multiplier 0.01; a learned
constant, 3 styled dense layers of 128 units with weight demodulation and noise inputs,
a modulated output layer) against `stylegan2_mlp_discriminator` (2 x 128, minibatch
standard deviation), z of 16, batch 256. Choices, measured on ring8 (`--seed` 0, 1, 2;
modes covered by 2000 samples, `keras_gan.metrics.mode_coverage`):
- Adam(0.005, beta_1=0, beta_2=0.99) for both networks: with equalized learning rates a
  step moves a N(0, 1) weight by ~lr, ~10x less than the same rate does to a 128-wide
  Glorot-initialised dense layer, so the rate is higher than the MLP recipes' 1e-3
  (0.002 left seed 0 at 3-5 modes for 1000 steps);
- lazy R1 with gamma 0.03 every 16 steps and style mixing 0.9 (as for images; mixing
  cost nothing measurable on the ring): 8, 8, 7 modes after 800 steps, 7, 7, 8 after
  1000. R1 trades sharpness for coverage: gamma 0.1 gave 7, 6, 8 after 600 steps,
  0.01 gave 8, 8, 6 after 800. Samples are still spread at these step counts (2-4% lie
  within 3 std of a mode);
- no path length regularization (`pl_weight` 0; `--option pl_weight=2` turns it on): it
  asks for the same Jacobian norm everywhere, while 8 separated modes need a mapping that
  is flat inside a mode and steep between them; with it, 3 then 6 modes at 500 / 1000
  steps (seed 0) and 1% of the samples near a mode instead of 6%;
- no EMA of G: a G that still circles the ring averages towards the centre (with R1
  0.001, EMA 0.99 fell from 8 to 4 modes between steps 500 and 1500).

Options (`--option key=value`): `r1_gamma`, `regularization_interval`, `r2_gamma`,
`augment` (DiffAugment policy, images only), `pl_weight`, `pl_interval`,
`style_mixing_prob`, `mapping_layers`, `mbstd_group_size`; images: `channel_base`;
toy data: `num_layers` (styled dense layers; `--hidden-units` sets their width).
"""

import keras

from keras_gan import models, networks
from keras_gan.models.ema import ema_decay_for_half_life
from keras_gan.networks.stylegan2 import STYLEGAN2_IMAGE_SIZES
from keras_gan.recipes.registry import Recipe, register
from keras_gan.recipes.common import discriminator_shape, gan_kwargs, pack_kwargs

IMAGE_DEFAULTS = {
    "batch_size": 32,
    "epochs": 30,
    "latent_dim": 64,
    "g_lr": 0.0025,
    "d_lr": 0.0025,
    "beta_1": 0.0,
    "beta_2": 0.99,
    # None: 0.5 ** (batch_size / 10000), StyleGAN2's EMA half-life of 10k images, ramped
    # up as StyleGAN2-ADA does (`--ema-rampup`); --ema-decay sets the steady-state decay.
    "ema_decay": None,
    "ema_rampup": 0.05,
    "base_filters": 64,  # channel_max
    # Variant options.
    "r1_gamma": None,  # None: 0.0002 * size^2 / batch_size (StyleGAN2-ADA's heuristic)
    "r2_gamma": 0.0,
    "regularization_interval": 16,
    "augment": None,
    "pl_weight": 2.0,
    "pl_interval": 4,
    "style_mixing_prob": 0.9,
    "mapping_layers": 8,
    "channel_base": 1024,
    "mbstd_group_size": 4,
    "pack": 1,  # PacGAN packing: toy data only (see `build`)
}

# The toy-data edition on 2-D mixtures (see the module docstring for the choices).
TOY_DEFAULTS = {
    "batch_size": 256,
    "epochs": 10,
    "latent_dim": 16,
    "g_lr": 0.005,
    "d_lr": 0.005,
    "beta_1": 0.0,
    "beta_2": 0.99,
    "ema_decay": None,
    "hidden_units": 128,  # width of the styled layers and of D's hidden layers
    # Variant options.
    "r1_gamma": 0.03,
    "r2_gamma": 0.0,
    "regularization_interval": 16,
    "augment": None,
    "pl_weight": 0.0,
    "pl_interval": 4,
    "style_mixing_prob": 0.9,
    "mapping_layers": 2,
    "num_layers": 3,
    "mbstd_group_size": 4,
    "pack": 1,  # PacGAN packing (`GAN(pack=m)`): D scores m samples at once
}


def default_r1_gamma(image_size, batch_size):
    """StyleGAN2-ADA's R1 heuristic (Karras et al. 2020b): `0.0002 * size^2 / batch`."""
    return 0.0002 * image_size**2 / batch_size


def adam_optimizers(config):
    """Adam(lr, beta_1, beta_2, epsilon=1e-8) for both networks (StyleGAN2's epsilon)."""
    return tuple(
        keras.optimizers.Adam(
            config[key], beta_1=config["beta_1"], beta_2=config["beta_2"], epsilon=1e-8
        )
        for key in ("g_lr", "d_lr")
    )


# The StyleGAN2 model's training settings, the same keys for images and toy data.
_TRAINING_KEYS = ("r1_gamma", "r2_gamma", "regularization_interval", "pl_weight", "pl_interval",
                  "style_mixing_prob")


def _training_kwargs(config, **overrides):
    return {**{key: config[key] for key in _TRAINING_KEYS}, **overrides}


def build_toy(element_shape, config):
    """A StyleGAN2 of `StyleGAN2VectorGenerator` and `stylegan2_mlp_discriminator`."""
    kwargs = gan_kwargs(config)
    generator = networks.StyleGAN2VectorGenerator(
        latent_dim=kwargs.pop("latent_dim"),
        output_dim=int(element_shape[0]),
        mapping_layers=config["mapping_layers"],
        units=config["hidden_units"],
        num_layers=config["num_layers"],
    )
    discriminator = networks.stylegan2_mlp_discriminator(
        discriminator_shape(tuple(element_shape), config),
        hidden_units=(config["hidden_units"],) * 2,
        mbstd_group_size=config["mbstd_group_size"],
    )
    return models.StyleGAN2(
        generator,
        discriminator,
        **_training_kwargs(config),
        **pack_kwargs(config),
        **kwargs,
    )


def build(element_shape, config, num_classes=None):
    """A StyleGAN2 for image data `(size, size, channels)` or toy vectors `(width,)`."""
    if len(element_shape) == 1:
        return build_toy(element_shape, config)
    if len(element_shape) != 3 or element_shape[0] not in STYLEGAN2_IMAGE_SIZES:
        raise ValueError(
            "Variant 'stylegan2' needs square images with a power-of-two size in "
            f"{STYLEGAN2_IMAGE_SIZES} (e.g. --dataset digits --image-size 16) or toy "
            f"vectors (e.g. --dataset ring8). Received: data of element shape "
            f"{tuple(element_shape)}"
        )
    if config["pack"] != 1:
        raise ValueError(
            "Variant 'stylegan2' supports PacGAN packing on toy vectors (e.g. --dataset ring8) "
            "only: its image discriminator is built for single images. Received: "
            f"pack={config['pack']!r}; use pack=1 with image data."
        )
    r1_gamma = config["r1_gamma"]
    if r1_gamma is None:
        r1_gamma = default_r1_gamma(element_shape[0], config["batch_size"])
    kwargs = gan_kwargs(config)
    if kwargs["ema_decay"] is None:
        kwargs["ema_decay"] = ema_decay_for_half_life(config["batch_size"])
    return models.stylegan2(
        image_shape=element_shape,
        latent_dim=kwargs.pop("latent_dim"),
        mapping_layers=config["mapping_layers"],
        channel_base=config["channel_base"],
        channel_max=config["base_filters"],
        mbstd_group_size=config["mbstd_group_size"],
        augment=config["augment"],
        **_training_kwargs(config, r1_gamma=r1_gamma),
        **kwargs,
    )


register(Recipe(
    name="stylegan2",
    build=build,
    defaults={"toy": TOY_DEFAULTS, "image": IMAGE_DEFAULTS},
    optimizers=adam_optimizers,
    paper="Karras et al. 2020, arXiv:1912.04958",
))
