"""What several recipe families share: network sizes, the base GAN's options, builders.

Every size and option is declared once here; a family's module only states what its
paper changes.
"""

from keras_gan import networks
from keras_gan.models.packing import packed_shape
from keras_gan.networks.sngan import resnet_generator

# Networks of the image recipes: narrow enough (DCGAN bodies, 32 base filters, z of 64,
# batch 64) that a `digits` run takes CPU minutes.
IMAGE_NETWORKS = {"batch_size": 64, "latent_dim": 64, "base_filters": 32}
# Networks of the toy recipes (2-D mixtures): MLPs of two hidden layers of 128 units,
# z of 16, batch 256 (Metz et al. 2017's setting for the 2-D rings).
TOY_NETWORKS = {"batch_size": 256, "latent_dim": 16, "hidden_units": 128}
# Metz et al. 2017's optimizer setting for the rings: Adam 1e-3 for both networks.
TOY_TRAINING = {"epochs": 30, "g_lr": 1e-3, "d_lr": 1e-3}
# The toy setting of the gan, dcgan, lsgan, sngan, wgan, wgan_gp and sgan recipes: z of
# size 2 as PacGAN's toy runs (Lin et al. 2018). On ring8 (3,000 steps, seeds 0/1/2, AVX-512
# machine) z of 2 put 55/75/54% of the samples within 3 std of a mode against 22/48/31%
# with z of 16, 8/8/8 modes both (benchmarks/README.md, "Mode collapse").
#
# Their learning rates decay linearly to zero (`lr_schedule="linear"`) and their MLPs are
# 2 x 256: on ring8 (3,000 steps, seeds 0/1/2, AVX2 machine) the high-quality fraction was
# 44% (2 x 128, constant rate), 83% (2 x 128, linear) and 92% (2 x 256, linear), 8/8 modes
# in every run (benchmarks/README.md, "Mode collapse", has the 10-seed table).
TOY_DEFAULTS = {**TOY_NETWORKS, **TOY_TRAINING, "latent_dim": 2, "hidden_units": 256,
                "lr_schedule": "linear"}
# The grid (25 modes, 5 x 5) takes the toy setting for 200 epochs (20,000 steps) instead of
# 30 (gan, dcgan, sngan): in 3,000 steps gan covered 17.0 modes with 6.8% of the samples
# within 3 std (5 seeds). 20,000 steps, 10 seeds, AVX-512 machine (2026-12-03, ~105-145
# CPU-s each): sngan 25.0 modes, 90.8% high quality, reverse KL 0.01; gan with pack=2 25.0,
# 91.9%, 0.03; gan 23.9, 87.2%, 0.13 (3 seeds lost modes) (benchmarks/README.md).
GRID_DEFAULTS = {"grid25": {"epochs": 200}}
# The class-aware and inference recipes' starting points (cgan, acgan, infogan, bigan):
# the toy networks and training above, and (with sgan) the image networks for 50 epochs.
TOY_SETTINGS = {**TOY_NETWORKS, **TOY_TRAINING}
IMAGE_SETTINGS = {**IMAGE_NETWORKS, "epochs": 50}

# The base GAN's regularization options (`--option key=value`), taken by every recipe
# but BiGAN (whose D scores (x, z) pairs) and StyleGAN2 (its own defaults).
REGULARIZATION_OPTIONS = {
    "r1_gamma": 0.0,
    "r2_gamma": 0.0,
    "regularization_interval": 1,
    "augment": None,
}

# PacGAN packing (`--option pack=m`, `GAN(pack=m)`): D scores m samples at once, so the
# recipes that support it build D for `discriminator_shape`; the others pass `pack` to
# their model, which rejects m > 1 with an error naming the variant.
PACK_OPTIONS = {"pack": 1}

# Image architectures of the loss-family recipes (`--option architecture=...`).
ARCHITECTURES = ("standard", "resnet")


def per_kind(toy, image, options=None, regularization=True):
    """A recipe's `defaults`: `{"toy": ..., "image": ...}`, each kind's settings plus the
    variant's `options` (both kinds), the base GAN's `REGULARIZATION_OPTIONS` (unless
    `regularization=False`) and `PACK_OPTIONS`."""
    extra = {**(REGULARIZATION_OPTIONS if regularization else {}), **PACK_OPTIONS, **(options or {})}
    return {"toy": {**toy, **extra}, "image": {**image, **extra}}


def is_toy(element_shape):
    """Whether examples are vectors (2-D mixtures), not images."""
    return len(element_shape) == 1


def hidden_units(config):
    """The MLPs' two hidden layers of `hidden_units` units."""
    return (config["hidden_units"],) * 2


def require_classes(num_classes, variant):
    """`num_classes`, or a ValueError naming `variant` when the data has no labels."""
    if num_classes is None:
        raise ValueError(f"Variant {variant!r} needs a labelled data set. Received: num_classes=None")
    return num_classes


def discriminator_shape(element_shape, config):
    """D's input shape: the sample's, with a `pack` times wider last axis."""
    return packed_shape(element_shape, config.get("pack", 1))


def pack_kwargs(config):
    """`{"pack": m}` for the model (1 when the recipe has no `pack` option)."""
    pack = config.get("pack", 1)
    if isinstance(pack, int) and not isinstance(pack, bool) and pack > 1 and config["batch_size"] % pack:
        raise ValueError(
            f"With pack={pack} every D batch is cut into packs of {pack} samples: `batch_size` "
            f"must be a multiple of {pack}. Received: batch_size={config['batch_size']}"
        )
    return {"pack": pack}


def gan_kwargs(config):
    """The base GAN's keyword arguments taken from a resolved config."""
    return {
        "latent_dim": config["latent_dim"],
        "d_steps": config["d_steps"],
        "generator_loss": config["generator_loss"],
        "label_smoothing": config["label_smoothing"],
        "ema_decay": config["ema_decay"],
        "ema_rampup": config["ema_rampup"],
        "seed": config["seed"],
        "reuse_generator_pass": config["reuse_generator_pass"],
    }


def regularization_kwargs(config):
    """The `REGULARIZATION_OPTIONS` keyword arguments taken from a resolved config."""
    return {key: config[key] for key in REGULARIZATION_OPTIONS}


def model_kwargs(config, regularization=True):
    """The base GAN's, packing's and (unless `regularization=False`) the regularization
    options' keyword arguments."""
    kwargs = {**gan_kwargs(config), **pack_kwargs(config)}
    if regularization:
        kwargs.update(regularization_kwargs(config))
    return kwargs


def architecture(config):
    """The image architecture, "standard" (DCGAN) unless the config says "resnet"."""
    value = config.get("architecture", "standard")
    if value not in ARCHITECTURES:
        raise ValueError(f"`architecture` must be one of {ARCHITECTURES}. Received: architecture={value!r}")
    return value


def generator(element_shape, config):
    """G: an MLP for toy vectors (linear output), else DCGAN's (or SNGAN's ResNet with
    `architecture="resnet"`, the paper's 256 channels at base_filters=64)."""
    if is_toy(element_shape):
        return networks.mlp_generator(
            config["latent_dim"], element_shape, hidden_units=hidden_units(config), output_activation=None
        )
    if architecture(config) == "resnet":
        return resnet_generator(config["latent_dim"], element_shape, 4 * config["base_filters"])
    return networks.dcgan_generator(config["latent_dim"], element_shape, config["base_filters"])


def discriminator(element_shape, config, normalization="batch"):
    """D of `discriminator_shape(element_shape, config)`: an MLP for toy vectors, else
    DCGAN's with `normalization` ("batch", "layer" or None)."""
    shape = discriminator_shape(element_shape, config)
    if is_toy(element_shape):
        return networks.mlp_discriminator(shape, hidden_units=hidden_units(config))
    return networks.dcgan_discriminator(shape, config["base_filters"], normalization=normalization)


def unconditional_build(model_class, make_discriminator=discriminator, variant_keys=()):
    """A recipe's `build` for a variant of `generator` and `make_discriminator(element_shape,
    config)` whose own keyword arguments are the config's `variant_keys` (the loss
    families: WGAN's `clip_value`, LSGAN's `a, b, c`, ...)."""

    def build(element_shape, config, num_classes=None):
        return model_class(
            generator(element_shape, config),
            make_discriminator(element_shape, config),
            **model_kwargs(config),
            **{key: config[key] for key in variant_keys},
        )

    return build


__all__ = [
    "ARCHITECTURES", "GRID_DEFAULTS", "IMAGE_NETWORKS", "PACK_OPTIONS", "REGULARIZATION_OPTIONS", "TOY_NETWORKS",
    "IMAGE_SETTINGS", "TOY_DEFAULTS", "TOY_SETTINGS", "TOY_TRAINING", "architecture", "discriminator", "discriminator_shape", "gan_kwargs",
    "generator", "hidden_units", "is_toy", "model_kwargs", "pack_kwargs", "per_kind",
    "regularization_kwargs", "require_classes", "unconditional_build",
]
