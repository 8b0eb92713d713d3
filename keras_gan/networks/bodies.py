"""Network bodies shared by the conditional, auxiliary, classifier and BiGAN builders.

Every discriminator built on these has a layer named "features" whose output is the body's
flat feature vector phi(x) (projection term, feature matching). The convolutional body
reuses the layers of `dcgan_discriminator` (a plain chain of layers), so a conditional or
joint DCGAN discriminator has exactly the DCGAN body.
"""

import keras

from keras_gan.networks.dcgan import dcgan_discriminator

__all__ = ["apply_chain", "dcgan_body", "flat_input", "mlp_body"]


def apply_chain(model, x, stop_at=None):
    """Calls the layers of a chain-shaped functional `model` on `x`, in order, up to (not
    including) the first layer of type `stop_at`. Reusing the layers keeps the exact
    architecture (and initialisation) of the unconditional builder."""
    previous = model.layers[0]
    for layer in model.layers[1:]:
        if layer.input is not previous.output:  # a branch: this helper only handles chains
            raise ValueError(f"Model {model.name!r} is not a chain of layers (at {layer.name!r}).")
        if stop_at is not None and isinstance(layer, stop_at):
            return x
        x = layer(x)
        previous = layer
    return x


def mlp_body(x, hidden_units, activation, dropout, prefix="dense", hidden_noise=0.0):
    """Dense layers; the last one's activations (before its noise / dropout) are the
    "features" layer, as in Salimans et al.'s code (feature matching on `layers[-3]`)."""
    if not hidden_units:
        x = keras.layers.Identity(name="features")(x)
        return x, x
    for i, units in enumerate(hidden_units):
        x = keras.layers.Dense(units, activation=activation, name=f"{prefix}_{i}")(x)
        if i == len(hidden_units) - 1:
            x = features = keras.layers.Identity(name="features")(x)
        if hidden_noise:
            x = keras.layers.GaussianNoise(hidden_noise, name=f"{prefix}_{i}_noise")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"{prefix}_{i}_dropout")(x)
    return features, x


def dcgan_body(images, image_shape, base_filters, normalization, dropout):
    """The DCGAN discriminator's convolutions on `images`, flattened: phi(x)."""
    template = dcgan_discriminator(
        image_shape, base_filters, normalization=normalization, dropout=dropout
    )
    x = apply_chain(template, images, stop_at=keras.layers.Flatten)
    return keras.layers.Flatten(name="features")(x)


def flat_input(x, input_shape):
    return keras.layers.Flatten(name="flatten")(x) if len(input_shape) > 1 else x
