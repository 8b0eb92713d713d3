"""Recipes of the original GAN (MLPs) and DCGAN, and the network choice they share."""

from keras_gan import models, networks
from keras_gan.models.dcgan import DeepConvolutionalGAN
from keras_gan.models.packing import packed_shape
from trainers.recipes import Recipe, register

# Metz et al. 2017's setting for the 2-D rings: small MLPs, Adam 1e-3, batch 256; z of
# size 2 as PacGAN's toy runs (Lin et al. 2018). On ring8 (3,000 steps, seeds 0/1/2, AVX-512
# machine) z of 2 put 55/75/54% of the samples within 3 std of a mode against 22/48/31%
# with z of 16, 8/8/8 modes both (benchmarks/README.md, "Mode collapse").
TOY_DEFAULTS = {"batch_size": 256, "epochs": 30, "latent_dim": 2, "g_lr": 1e-3,
                "d_lr": 1e-3, "hidden_units": 128}


def build_networks(element_shape, config, convolutional=True):
    """(generator, discriminator): MLPs for 2-D data or when not `convolutional`, else DCGAN."""
    if len(element_shape) == 1 or not convolutional:
        units = (config["hidden_units"],) * 2
        generator = networks.mlp_generator(
            config["latent_dim"],
            element_shape,
            hidden_units=units,
            output_activation=None if len(element_shape) == 1 else "tanh",
        )
        return generator, networks.mlp_discriminator(discriminator_shape(element_shape, config), hidden_units=units)
    return (
        networks.dcgan_generator(config["latent_dim"], element_shape, config["base_filters"]),
        networks.dcgan_discriminator(discriminator_shape(element_shape, config), config["base_filters"]),
    )


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
        "seed": config["seed"],
        "reuse_generator_pass": config["reuse_generator_pass"],
    }


def regularization_kwargs(config):
    """The `REGULARIZATION_OPTIONS` keyword arguments taken from a resolved config."""
    return {key: config[key] for key in REGULARIZATION_OPTIONS}


def _build(convolutional):
    # The dcgan recipe's model is named "dcgan" in its facts and exports.
    model_class = DeepConvolutionalGAN if convolutional else models.GAN

    def build(element_shape, config, num_classes=None):
        generator, discriminator = build_networks(element_shape, config, convolutional)
        return model_class(generator, discriminator, **gan_kwargs(config), **regularization_kwargs(config),
                          **pack_kwargs(config))

    return build


register(Recipe(
    name="gan",
    build=_build(convolutional=False),
    defaults={"toy": {**TOY_DEFAULTS, **REGULARIZATION_OPTIONS, **PACK_OPTIONS},
              "image": {"batch_size": 64, "epochs": 50, "hidden_units": 512, **REGULARIZATION_OPTIONS,
                        **PACK_OPTIONS}},
    paper="Goodfellow et al. 2014, arXiv:1406.2661",
))

# Radford et al. 2016: Adam(2e-4, beta_1=0.5), batch 128; batch 64 and a narrower network
# keep the default digits run to a few CPU minutes.
register(Recipe(
    name="dcgan",
    build=_build(convolutional=True),
    defaults={"toy": {**TOY_DEFAULTS, **REGULARIZATION_OPTIONS, **PACK_OPTIONS},
              "image": {"batch_size": 64, "epochs": 50, "latent_dim": 64, "base_filters": 32,
                        **REGULARIZATION_OPTIONS, **PACK_OPTIONS}},
    paper="Radford et al. 2016, arXiv:1511.06434",
))
