"""Recipes of the class-aware and inference variants: CGAN, ACGAN, InfoGAN, BiGAN, SGAN.

Image recipes use the DCGAN bodies (`keras_gan.networks.conditional`) as narrow as the
dcgan recipe's so that a `digits` run takes CPU minutes; optimizers, betas, latent sizes
and loss weights follow each paper. Toy recipes (2-D mixtures, whose labels are the mode
index) use MLPs with the toy settings of the gan recipe. Variant settings are recipe
options (`--option key=value`), listed per recipe below; every recipe except BiGAN also
takes the base GAN's `r1_gamma`, `r2_gamma`, `regularization_interval` and `augment`.
"""

import dataclasses
from typing import Callable

from keras_gan import models, networks
from keras_gan.data.semi_supervised import add_labelled_rows, semi_supervised_labels
from keras_gan.networks import bigan, conditional
from trainers.recipes import Recipe, register
from trainers.recipes.core import REGULARIZATION_OPTIONS, gan_kwargs, regularization_kwargs
from trainers.recipes.core import PACK_OPTIONS, pack_kwargs

_IMAGE = {"batch_size": 64, "epochs": 50, "latent_dim": 64, "base_filters": 32}
_TOY = {"batch_size": 256, "epochs": 30, "latent_dim": 16, "g_lr": 1e-3, "d_lr": 1e-3,
        "hidden_units": 128}


def _defaults(toy, image, options, base_options=True):
    # `pack` is accepted so that the model rejects it by name (these Ds score more than a sample).
    extra = {**(REGULARIZATION_OPTIONS if base_options else {}), **PACK_OPTIONS, **options}
    return {"toy": {**_TOY, **toy, **extra}, "image": {**_IMAGE, **image, **extra}}


def _kwargs(config, base_options=True):
    kwargs = {**gan_kwargs(config), **pack_kwargs(config)}
    if base_options:
        kwargs.update(regularization_kwargs(config))
    return kwargs


def _units(config):
    return (config["hidden_units"],) * 2


def _is_toy(element_shape):
    return len(element_shape) == 1


def _require_classes(num_classes, variant):
    if num_classes is None:
        raise ValueError(f"Variant {variant!r} needs a labelled data set. Received: num_classes=None")
    return num_classes


def _conditional_generator(element_shape, config, num_classes):
    if _is_toy(element_shape):
        return conditional.conditional_mlp_generator(
            config["latent_dim"], element_shape, num_classes, hidden_units=_units(config),
            embedding_dim=config["embedding_dim"], output_activation=None,
        )
    return conditional.conditional_dcgan_generator(
        config["latent_dim"], element_shape, num_classes, config["base_filters"],
        embedding_dim=config["embedding_dim"],
    )


def _generator(element_shape, config):
    if _is_toy(element_shape):
        return networks.mlp_generator(
            config["latent_dim"], element_shape, hidden_units=_units(config), output_activation=None
        )
    return networks.dcgan_generator(config["latent_dim"], element_shape, config["base_filters"])


# ------------------------------------------------------------------------------ CGAN


def build_cgan(element_shape, config, num_classes=None):
    num_classes = _require_classes(num_classes, "cgan")
    if _is_toy(element_shape):
        discriminator = conditional.conditional_mlp_discriminator(
            element_shape, num_classes, config["conditioning"], hidden_units=_units(config)
        )
    else:
        discriminator = conditional.conditional_dcgan_discriminator(
            element_shape, num_classes, config["conditioning"], config["base_filters"]
        )
    return models.CGAN(
        _conditional_generator(element_shape, config, num_classes),
        discriminator,
        num_classes=num_classes,
        **_kwargs(config),
    )


# Mirza & Osindero 2014 trained MLPs with SGD + momentum on one-hot labels; the recipe uses
# the DCGAN optimizer (Adam 2e-4, beta_1 0.5) that conditional GANs are trained with since,
# and the projection discriminator (Miyato & Koyama 2018), which learns the conditioning
# much faster than concatenation. Options: conditioning ("projection" | "concat"),
# embedding_dim (None = one-hot labels into G).
register(Recipe(
    name="cgan",
    build=build_cgan,
    defaults=_defaults({}, {"latent_dim": 100}, {"conditioning": "projection", "embedding_dim": None}),
    needs_labels=True,
    paper="Mirza & Osindero 2014, arXiv:1411.1784; projection D: Miyato & Koyama 2018, arXiv:1802.05637",
))


# ----------------------------------------------------------------------------- ACGAN


def build_acgan(element_shape, config, num_classes=None):
    num_classes = _require_classes(num_classes, "acgan")
    if _is_toy(element_shape):
        discriminator = conditional.auxiliary_mlp_discriminator(
            element_shape, num_classes, hidden_units=_units(config)
        )
    else:
        discriminator = conditional.auxiliary_dcgan_discriminator(
            element_shape, num_classes, config["base_filters"]
        )
    return models.ACGAN(
        _conditional_generator(element_shape, config, num_classes),
        discriminator,
        num_classes=num_classes,
        class_weight=config["class_weight"],
        **_kwargs(config),
    )


# Odena et al. 2017: Adam(2e-4, beta_1 0.5), z of 100 joined to the class, batch 100.
# Options: class_weight (1), embedding_dim.
register(Recipe(
    name="acgan",
    build=build_acgan,
    defaults=_defaults({}, {"latent_dim": 100}, {"class_weight": 1.0, "embedding_dim": None}),
    needs_labels=True,
    paper="Odena, Olah & Shlens 2017, arXiv:1610.09585",
))


# --------------------------------------------------------------------------- InfoGAN


def build_infogan(element_shape, config, num_classes=None):
    categorical_dims = config["categorical_dims"]
    if categorical_dims is None:  # one code with as many values as the data has classes
        categorical_dims = [num_classes or 10]
    infogan_options = {
        "categorical_dims": tuple(categorical_dims),
        "continuous_dim": config["continuous_dim"],
        "categorical_weight": config["categorical_weight"],
        "continuous_weight": config["continuous_weight"],
        "learn_std": config["learn_std"],
    }
    q_output_dim = sum(categorical_dims) + config["continuous_dim"] * (2 if config["learn_std"] else 1)
    if _is_toy(element_shape):
        discriminator = conditional.auxiliary_mlp_discriminator(
            element_shape, q_output_dim, hidden_units=_units(config), aux_hidden_units=(64,)
        )
    else:  # Chen et al.: Q is one hidden layer (128) on D's shared body
        discriminator = conditional.auxiliary_dcgan_discriminator(
            element_shape, q_output_dim, config["base_filters"], aux_hidden_units=(128,)
        )
    return models.InfoGAN(
        _generator(element_shape, config), discriminator, **infogan_options, **_kwargs(config)
    )


# Chen et al. 2016 (MNIST): z = 62 noise + one 10-way code + 2 continuous codes (74),
# lambda = 1, Adam with G 1e-3 / D 2e-4, beta_1 0.5. `latent_dim` is G's whole input width.
# Options: categorical_dims (None = [number of classes of the data, else 10]),
# continuous_dim, categorical_weight, continuous_weight, learn_std.
register(Recipe(
    name="infogan",
    build=build_infogan,
    defaults=_defaults(
        {"latent_dim": 32, "continuous_dim": 0},
        {"latent_dim": 74, "g_lr": 1e-3, "d_lr": 2e-4, "continuous_dim": 2},
        {"categorical_dims": None, "categorical_weight": 1.0, "continuous_weight": 1.0,
         "learn_std": False},
    ),
    paper="Chen et al. 2016, arXiv:1606.03657",
))


# ----------------------------------------------------------------------------- BiGAN


def build_bigan(element_shape, config, num_classes=None):
    latent_dim = config["latent_dim"]
    if _is_toy(element_shape):
        encoder = bigan.mlp_encoder(element_shape, latent_dim, hidden_units=_units(config))
        discriminator = bigan.joint_mlp_discriminator(
            element_shape, latent_dim, hidden_units=_units(config),
            latent_units=(config["hidden_units"],), joint_units=(config["hidden_units"],),
            dropout=config["dropout"],
        )
    else:
        encoder = bigan.dcgan_encoder(element_shape, latent_dim, config["base_filters"])
        discriminator = bigan.joint_dcgan_discriminator(
            element_shape, latent_dim, config["base_filters"], dropout=config["dropout"]
        )
    return models.BiGAN(
        _generator(element_shape, config), discriminator, encoder,
        augment=config["augment"], **_kwargs(config, base_options=False),
    )


# Donahue et al. 2017 (MNIST): z of 50, Adam(2e-4, beta_1 0.5), batch 128; D with dropout
# as in ALI (Dumoulin et al. 2017). Options: dropout (0.2; toy 0), augment.
# Toy: z of 2, not 16. E must map the data onto N(0, I) for D not to tell (x, E(x)) from
# (G(z), z), and a 2-D ring cannot fill a 16-D Gaussian: with z of 16, D wins on z and the
# ring was not learned (4/8 modes, 1% of samples on a mode after 3000 steps; 1000 steps of
# the settings below but z of 16: 4/8 with dropout, 7/8 by stray points without, ~1% on a
# mode). With z of 2, no dropout, the lsgan/sngan toy optimizers (Adam beta (0, 0.9),
# G 1e-3 / D 4e-3, TTUR) and samples from G's EMA (0.99), 1000 steps (10 epochs of 100)
# cover 8, 7, 8 modes for seeds 0, 1, 2 (31%, 21%, 36% of 2000 samples within 3 std of a
# mode; tests/test_toy_ring_bigan_sgan.py).
register(Recipe(
    name="bigan",
    build=build_bigan,
    defaults=_defaults({"latent_dim": 2, "epochs": 10, "g_lr": 1e-3, "d_lr": 4e-3, "beta_1": 0.0,
                        "beta_2": 0.9, "ema_decay": 0.99, "dropout": 0.0},
                       {"latent_dim": 50, "dropout": 0.2},
                       {"augment": None}, base_options=False),
    paper="Donahue et al. 2017, arXiv:1605.09782; Dumoulin et al. 2017, arXiv:1606.00704",
))


# ------------------------------------------------------------------------------ SGAN


def build_sgan(element_shape, config, num_classes=None):
    num_classes = _require_classes(num_classes, "sgan")
    if _is_toy(element_shape):
        generator = _generator(element_shape, config)
        discriminator = conditional.classifier_mlp_discriminator(
            element_shape, num_classes, hidden_units=_units(config), input_noise=0.0,
            hidden_noise=0.0,
        )
    else:
        generator = networks.dcgan_generator(config["latent_dim"], element_shape, config["base_filters"])
        discriminator = conditional.classifier_dcgan_discriminator(
            element_shape, num_classes, config["base_filters"], dropout=config["dropout"]
        )
    return models.SGAN(
        generator, discriminator,
        feature_matching=config["feature_matching"],
        supervised_weight=config["supervised_weight"],
        unsupervised_weight=config["unsupervised_weight"],
        **_kwargs(config),
    )


def prepare_sgan_data(data, config):
    """Keeps `labels_per_class` labels per class of `data` (the rest become -1, unlabelled),
    as in Salimans et al.'s "100 labels" setting; all labels are kept when it is None."""
    if config.get("labels_per_class") is None:
        return data
    labels = semi_supervised_labels(data.labels, config["labels_per_class"], seed=config["seed"])
    return dataclasses.replace(data, labels=labels)


def _add_labelled(dataset, data, config, start_step):
    return add_labelled_rows(dataset, data.images, data.labels, config["labelled_batch_size"],
                             seed=config["seed"], start_step=start_step)


def labelled_rows(config):
    """`(labelled_batch_size, add)`: with `labels_per_class` set, every batch gets that many
    labelled examples appended (Salimans et al. draw a labelled batch every step, however
    few labels there are); with every label kept, none (the batch has labels already)."""
    if config.get("labels_per_class") is None:
        return 0, None
    return config["labelled_batch_size"], _add_labelled


@dataclasses.dataclass(frozen=True)
class SemiSupervisedRecipe(Recipe):
    """A recipe whose training data is prepared first (`prepare_data`) and whose batches
    get labelled rows appended (`extra_rows`)."""

    prepare_data: Callable = prepare_sgan_data
    extra_rows: Callable = labelled_rows


# Salimans et al. 2016: feature matching, 100 labels (10 per class), Adam(beta_1 0.5),
# lr 3e-4 for the convolutional model (3e-3 for the MNIST MLP), z of 100, batch 100 plus
# a labelled batch of 100 every step. Options: labels_per_class (10; None keeps every
# label; applied to the data set by `prepare_data` before training), labelled_batch_size
# (labelled rows appended to every batch, the paper's = batch_size here: 64),
# feature_matching, supervised_weight, unsupervised_weight (0.5: the authors' `0.5 * (...)`),
# dropout.
# Toy (issue 3, 1000 steps, 2000 samples, seed 0 unless said): feature matching only
# matches D's mean features and gave uniform noise (0% of samples on a mode after 3000
# steps), so the toy G takes the -log D(G(z)) loss. Even so, the supervised term makes
# G collapse onto 1-4 modes: 2 (beta_1 0.5, lr 1e-3, 500 steps), 4 (+ EMA 0.99), 1 (D 4e-3),
# 2 (beta (0, 0.9)), 2 (16 labelled rows), and 4, 3, 4 for seeds 0, 1, 2 with supervised_weight
# 0.1 (likely: the separable mode labels drive D's class logits to grow without bound, so
# log sum exp l_k(x) rewards whole wedges of the plane, not the modes; cf. Dai et al. 2017,
# "Good Semi-supervised Learning That Requires a Bad GAN"). With
# supervised_weight 0 (D the unsupervised K-logit discriminator; pass
# `--option supervised_weight=1` for the classifier), EMA 0.99 and Adam(1e-3, beta_1 0.5):
# 8, 8, 6 modes for seeds 0, 1, 2 (14%, 14%, 23% of samples within 3 std of a mode).
register(SemiSupervisedRecipe(
    name="sgan",
    build=build_sgan,
    defaults=_defaults(
        {"epochs": 10, "ema_decay": 0.99, "feature_matching": False, "supervised_weight": 0.0},
        {"latent_dim": 100, "g_lr": 3e-4, "d_lr": 3e-4, "feature_matching": True,
         "supervised_weight": 1.0},
        {"labels_per_class": 10, "labelled_batch_size": 64, "unsupervised_weight": 0.5,
         "dropout": 0.2},
    ),
    needs_labels=True,
    paper="Salimans et al. 2016, arXiv:1606.03498",
))
