"""GAIN's recipe (Yoon et al. 2018): the paper's defaults for table imputation.

GAIN trains on tables with missing cells, not on the image / 2-D data sets of the other
recipes: `keras-gan train --variant gain --dataset table.csv` runs `keras_gan.training.train_imputer`
(a `keras_gan.imputation.TableImputer` saved in the run directory), which
`keras-gan impute --run-dir RUN` then reuses.
"""

from keras_gan import models
from keras_gan.recipes.registry import Recipe, register

# The paper's hyper-parameters (section 5 and the authors' code): batch 128, hint 0.9,
# alpha 100, Adam(1e-3) for both networks, 10,000 steps.
GAIN_DEFAULTS = {"batch_size": 128, "steps": 10_000, "g_lr": 1e-3, "d_lr": 1e-3, "beta_1": 0.9,
                 "hint_rate": 0.9, "alpha": 100.0}


def build(element_shape, config, num_classes=None):
    return models.gain.gain(element_shape, hint_rate=config["hint_rate"], alpha=config["alpha"],
                            seed=config["seed"])


register(Recipe(
    name="gain",
    build=build,
    defaults={"toy": GAIN_DEFAULTS, "image": GAIN_DEFAULTS},
    paper="Yoon, Jordon & van der Schaar 2018, GAIN (arXiv:1806.02920)",
))
