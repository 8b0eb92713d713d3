"""Recipe of InfoGAN (Chen et al. 2016): G's input carries latent codes that Q recovers."""

from keras_gan import models
from keras_gan.networks import conditional
from keras_gan.recipes.common import IMAGE_SETTINGS, TOY_SETTINGS, generator, hidden_units
from keras_gan.recipes.common import is_toy, model_kwargs, per_kind
from keras_gan.recipes.registry import Recipe, register


def build(element_shape, config, num_classes=None):
    """An `InfoGAN` whose D carries Q's head (one hidden layer on D's shared body)."""
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
    if is_toy(element_shape):
        discriminator = conditional.auxiliary_mlp_discriminator(
            element_shape, q_output_dim, hidden_units=hidden_units(config), aux_hidden_units=(64,)
        )
    else:  # Chen et al.: Q is one hidden layer (128) on D's shared body
        discriminator = conditional.auxiliary_dcgan_discriminator(
            element_shape, q_output_dim, config["base_filters"], aux_hidden_units=(128,)
        )
    return models.InfoGAN(
        generator(element_shape, config), discriminator, **infogan_options, **model_kwargs(config)
    )


# Chen et al. 2016 (MNIST): z = 62 noise + one 10-way code + 2 continuous codes (74),
# lambda = 1, Adam with G 1e-3 / D 2e-4, beta_1 0.5. `latent_dim` is G's whole input width.
# Options: categorical_dims (None = [number of classes of the data, else 10]),
# continuous_dim, categorical_weight, continuous_weight, learn_std.
register(Recipe(
    name="infogan",
    build=build,
    defaults=per_kind(
        {**TOY_SETTINGS, "latent_dim": 32, "continuous_dim": 0},
        {**IMAGE_SETTINGS, "latent_dim": 74, "g_lr": 1e-3, "d_lr": 2e-4, "continuous_dim": 2},
        {"categorical_dims": None, "categorical_weight": 1.0, "continuous_weight": 1.0,
         "learn_std": False},
    ),
    paper="Chen et al. 2016, arXiv:1606.03657",
))
