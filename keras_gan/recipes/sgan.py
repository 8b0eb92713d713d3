"""Recipe of SGAN (Salimans et al. 2016): semi-supervised, D a K-class classifier whose
"fake" logit is implicit; a few labels per class."""

import dataclasses
from typing import Callable

from keras_gan import models
from keras_gan.data.semi_supervised import add_labelled_rows, semi_supervised_labels
from keras_gan.networks import conditional
from keras_gan.recipes.common import IMAGE_SETTINGS, TOY_DEFAULTS, generator, hidden_units
from keras_gan.recipes.common import is_toy, model_kwargs, per_kind, require_classes
from keras_gan.recipes.registry import Recipe, register


def build(element_shape, config, num_classes=None):
    """An `SGAN` of G and a classifier D (MLPs without noise on toy vectors)."""
    num_classes = require_classes(num_classes, "sgan")
    g = generator(element_shape, config)  # before D: the weights' seed order of earlier runs
    if is_toy(element_shape):
        discriminator = conditional.classifier_mlp_discriminator(
            element_shape, num_classes, hidden_units=hidden_units(config), input_noise=0.0,
            hidden_noise=0.0,
        )
    else:
        discriminator = conditional.classifier_dcgan_discriminator(
            element_shape, num_classes, config["base_filters"], dropout=config["dropout"]
        )
    return models.SGAN(
        g, discriminator,
        feature_matching=config["feature_matching"],
        supervised_weight=config["supervised_weight"],
        unsupervised_weight=config["unsupervised_weight"],
        **model_kwargs(config),
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
# With the gan recipe's toy setting on top (z of 2, MLPs 2 x 256, rates decaying linearly
# to 0, 30 epochs = 3,000 steps; AVX-512 machine, issue 13): 8, 8, 8 modes and 84.3%,
# 85.1%, 84.6% of the samples within 3 std of a mode for seeds 0, 1, 2.
register(SemiSupervisedRecipe(
    name="sgan",
    build=build,
    defaults=per_kind(
        {**TOY_DEFAULTS, "ema_decay": 0.99, "feature_matching": False,
         "supervised_weight": 0.0},
        {**IMAGE_SETTINGS, "latent_dim": 100, "g_lr": 3e-4, "d_lr": 3e-4, "feature_matching": True,
         "supervised_weight": 1.0},
        {"labels_per_class": 10, "labelled_batch_size": 64, "unsupervised_weight": 0.5,
         "dropout": 0.2},
    ),
    needs_labels=True,
    paper="Salimans et al. 2016, arXiv:1606.03498",
))
