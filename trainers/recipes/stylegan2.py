"""Recipe of StyleGAN2 (Karras et al. 2020), small-resolution edition.

Optimizer: Adam(0.0025, beta_1=0, beta_2=0.99, epsilon=1e-8), the StyleGAN2-ADA setting
for resolutions below 1024 (the lazy terms are added to regular steps, so the paper's
`k / (k + 1)` Adam correction for separate regularization steps does not apply). R1 gamma
follows the ADA heuristic `0.0002 * size^2 / batch_size` (0.0032 at 16 px, 0.0128 at
32 px, batch 32) unless `--option r1_gamma=...` is given; lazy R1 every 16 steps, path
length weight 2 every 4 steps, style mixing 0.9, an EMA of G. Networks are narrow
(`--base-filters`, the most feature maps of any layer, 64; `channel_base` 1024, so 32 px
layers have 32) so a `digits` epoch takes CPU seconds.

Options (`--option key=value`): `r1_gamma`, `regularization_interval`, `r2_gamma`,
`augment` (DiffAugment policy), `pl_weight`, `pl_interval`, `style_mixing_prob`,
`mapping_layers`, `channel_base`, `mbstd_group_size`.
"""

import keras

from keras_gan import models
from keras_gan.networks.stylegan2 import STYLEGAN2_IMAGE_SIZES
from trainers.recipes import Recipe, register
from trainers.recipes.core import gan_kwargs

IMAGE_DEFAULTS = {
    "batch_size": 32,
    "epochs": 30,
    "latent_dim": 64,
    "g_lr": 0.0025,
    "d_lr": 0.0025,
    "beta_1": 0.0,
    "beta_2": 0.99,
    "ema_decay": 0.99,
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


def build(element_shape, config, num_classes=None):
    """A StyleGAN2 for image data of `element_shape` (`(size, size, channels)`)."""
    if len(element_shape) != 3 or element_shape[0] not in STYLEGAN2_IMAGE_SIZES:
        raise ValueError(
            "Variant 'stylegan2' needs square images with a power-of-two size in "
            f"{STYLEGAN2_IMAGE_SIZES} (e.g. --dataset digits --image-size 16). "
            f"Received: data of element shape {tuple(element_shape)}"
        )
    r1_gamma = config["r1_gamma"]
    if r1_gamma is None:
        r1_gamma = default_r1_gamma(element_shape[0], config["batch_size"])
    kwargs = gan_kwargs(config)
    return models.stylegan2(
        image_shape=element_shape,
        latent_dim=kwargs.pop("latent_dim"),
        mapping_layers=config["mapping_layers"],
        channel_base=config["channel_base"],
        channel_max=config["base_filters"],
        mbstd_group_size=config["mbstd_group_size"],
        r1_gamma=r1_gamma,
        r2_gamma=config["r2_gamma"],
        regularization_interval=config["regularization_interval"],
        augment=config["augment"],
        pl_weight=config["pl_weight"],
        pl_interval=config["pl_interval"],
        style_mixing_prob=config["style_mixing_prob"],
        **kwargs,
    )


register(Recipe(
    name="stylegan2",
    build=build,
    defaults={"image": IMAGE_DEFAULTS},
    optimizers=adam_optimizers,
    paper="Karras et al. 2020, arXiv:1912.04958",
))
