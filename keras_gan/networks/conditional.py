"""Networks of the class-aware variants (CGAN, ACGAN, InfoGAN, SGAN).

Calling conventions (shared with `keras_gan.models`):

- Conditional generators: `generator([z, labels])`, z float32 `[B, latent_dim]`, labels
  int32 `[B]` -> samples `[B, *shape]`. The label enters as a one-hot vector (Mirza &
  Osindero 2014) or a learned embedding, concatenated to z.
- Conditional discriminators: `discriminator([samples, labels])` -> logits `[B, 1]`, by
  projection (Miyato & Koyama 2018) or by concatenation (Mirza & Osindero 2014).
- Auxiliary discriminators (ACGAN, InfoGAN): `discriminator(samples)` ->
  `[logits [B, 1], auxiliary [B, num_outputs]]`; both heads share the body.
- Classifier discriminators (SGAN): `discriminator(samples)` -> class logits `[B, K]`;
  `batch_norm_mlp_generator` is Salimans et al.'s generator for them.

BiGAN's encoders and joint discriminators are in `keras_gan.networks.bigan`.

Every discriminator has a layer named "features" whose output is the body's flat feature
vector phi(x) (projection term, feature matching; `keras_gan.networks.bodies`).

The convolutional builders reuse the layers of `dcgan_generator` / `dcgan_discriminator`
(both are plain chains of layers), so a conditional DCGAN has exactly the DCGAN body.
Only built-in Keras layers are used (`one_hot` is a frozen identity `Embedding`), so saved
models load without custom objects.
"""

import keras

from keras_gan.networks.bodies import apply_chain, dcgan_body, flat_input, mlp_body
from keras_gan.networks.common import (
    as_shape,
    check_dropout,
    check_image_shape,
    check_positive_int,
    check_units,
)
from keras_gan.networks.dcgan import dcgan_generator
from keras_gan.networks.mlp import mlp_generator

__all__ = [
    "CONDITIONINGS",
    "one_hot",
    "auxiliary_dcgan_discriminator",
    "auxiliary_mlp_discriminator",
    "batch_norm_mlp_generator",
    "classifier_dcgan_discriminator",
    "classifier_mlp_discriminator",
    "conditional_dcgan_discriminator",
    "conditional_dcgan_generator",
    "conditional_mlp_discriminator",
    "conditional_mlp_generator",
]

CONDITIONINGS = ("projection", "concat")


# ------------------------------------------------------------------------------ checks


def _check_num_classes(num_classes):
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an integer >= 2. Received: num_classes={num_classes!r}"
        )


def _check_conditioning(conditioning):
    if conditioning not in CONDITIONINGS:
        raise ValueError(
            f"`conditioning` must be one of {CONDITIONINGS}. "
            f"Received: conditioning={conditioning!r}"
        )


def _check_embedding_dim(embedding_dim):
    if embedding_dim is not None:
        check_positive_int("embedding_dim", embedding_dim)


# ---------------------------------------------------------------------------- helpers


def _labels_input():
    return keras.Input((), dtype="int32", name="labels")


def one_hot(labels, num_classes, name="one_hot"):
    """Integer labels `[B]` -> one-hot vectors `[B, num_classes]`, as a frozen identity
    `Embedding`: built-in layers only, so saved models load without custom objects, and
    the lookup exports as a plain gather."""
    return keras.layers.Embedding(
        num_classes, num_classes, embeddings_initializer="identity", trainable=False, name=name
    )(labels)


def _label_code(labels, num_classes, embedding_dim, name):
    """One-hot labels (embedding_dim None) or a learned embedding `[B, embedding_dim]`."""
    if embedding_dim is None:
        return one_hot(labels, num_classes, name=f"{name}_one_hot")
    return keras.layers.Embedding(num_classes, embedding_dim, name=f"{name}_embedding")(labels)


# ------------------------------------------------------------------------- generators


def _code_dim(num_classes, embedding_dim):
    """Width of `_label_code`: one-hot (num_classes) or the embedding's."""
    return num_classes if embedding_dim is None else embedding_dim


def _label_joined_to_z(template, latent_dim, num_classes, embedding_dim, name):
    """`[z, y] -> template(concat(z, code(y)))`: the unconditional generator `template`
    (a chain built for inputs of `latent_dim + _code_dim(...)`) with its own layers, so
    names and layout are the unconditional ones."""
    z = keras.Input((latent_dim,), name="z")
    labels = _labels_input()
    x = keras.layers.Concatenate(name="z_and_label")(
        [z, _label_code(labels, num_classes, embedding_dim, "label")]
    )
    return keras.Model([z, labels], apply_chain(template, x), name=name)


def conditional_mlp_generator(
    latent_dim,
    output_shape,
    num_classes,
    hidden_units=(256, 256),
    embedding_dim=None,
    activation="relu",
    output_activation="tanh",
    name="conditional_mlp_generator",
):
    """A fully connected conditional generator `[z, y] -> x` (Mirza & Osindero 2014).

    The label `y` becomes a one-hot vector (the paper's choice) or, with `embedding_dim`,
    a learned embedding, and is concatenated to z before the hidden layers.

    Paper: Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014.
    https://arxiv.org/abs/1411.1784

    Args:
        latent_dim: int. Size of z.
        output_shape: tuple of ints. Shape of one sample, e.g. `(8, 8, 1)` or `(2,)`.
        num_classes: int. Number of classes (>= 2).
        hidden_units: tuple of ints. Width of each hidden layer. Defaults to (256, 256).
        embedding_dim: int or None. Size of a learned label embedding; one-hot when None.
            Defaults to None.
        activation: str. Hidden activation. Defaults to "relu".
        output_activation: str or None. "tanh" for images, None for unbounded 2-D data.
            Defaults to "tanh".
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[z [B, latent_dim], labels int32 [B]]` to
        `[B, *output_shape]`.
    """
    check_positive_int("latent_dim", latent_dim)
    output_shape = as_shape("output_shape", output_shape)
    _check_num_classes(num_classes)
    check_units("hidden_units", hidden_units)
    _check_embedding_dim(embedding_dim)
    template = mlp_generator(
        latent_dim + _code_dim(num_classes, embedding_dim), output_shape, hidden_units,
        activation, output_activation,
    )
    return _label_joined_to_z(template, latent_dim, num_classes, embedding_dim, name)


def conditional_dcgan_generator(
    latent_dim,
    image_shape,
    num_classes,
    base_filters=64,
    embedding_dim=None,
    name="conditional_dcgan_generator",
):
    """The DCGAN generator conditioned on a label joined to z: `[z, y] -> image`.

    `concat(z, code(y))` feeds the unchanged `dcgan_generator` layout (Radford et al. 2016);
    `code(y)` is one-hot or a learned embedding. ACGAN (Odena et al. 2017) conditions its
    generator the same way.

    Args:
        latent_dim: int. Size of z.
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
        num_classes: int. Number of classes (>= 2).
        base_filters: int. Width, as in `dcgan_generator`. Defaults to 64.
        embedding_dim: int or None. Learned label embedding size; one-hot when None.
            Defaults to None.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[z, labels]` to images `[B, *image_shape]` in [-1, 1].
    """
    check_positive_int("latent_dim", latent_dim)
    check_image_shape("image_shape", image_shape)
    _check_num_classes(num_classes)
    _check_embedding_dim(embedding_dim)
    template = dcgan_generator(latent_dim + _code_dim(num_classes, embedding_dim), image_shape, base_filters)
    return _label_joined_to_z(template, latent_dim, num_classes, embedding_dim, name)


# ------------------------------------------------------------ conditional discriminators


def _conditional_head(features, labels, num_classes):
    """Projection logits `psi(phi) + <embed(y), phi>` (Miyato & Koyama 2018, eq. 3)."""
    linear = keras.layers.Dense(1, name="linear")(features)
    embedded = keras.layers.Embedding(
        num_classes, features.shape[-1], name="class_embedding"
    )(labels)
    projection = keras.layers.Dot(axes=1, name="projection")([embedded, features])
    return keras.layers.Add(name="logits")([linear, projection])


def conditional_mlp_discriminator(
    input_shape,
    num_classes,
    conditioning="projection",
    hidden_units=(256, 256),
    embedding_dim=None,
    activation="leaky_relu",
    dropout=0.0,
    name="conditional_mlp_discriminator",
):
    """A fully connected conditional discriminator `[x, y] -> logit`.

    - "projection" (Miyato & Koyama 2018): `D(x, y) = psi(phi(x)) + <V_y, phi(x)>`, where
      phi is the MLP body (layer "features"), psi a linear layer ("linear") and V a class
      embedding ("class_embedding") of phi's width.
    - "concat" (Mirza & Osindero 2014): `D(x, y) = f([x, code(y)])`, the label's one-hot
      (or embedding) concatenated to the flattened input.

    Papers: Miyato & Koyama, "cGANs with Projection Discriminator", ICLR 2018
    (https://arxiv.org/abs/1802.05637); Mirza & Osindero 2014
    (https://arxiv.org/abs/1411.1784).

    Args:
        input_shape: tuple of ints. Shape of one sample.
        num_classes: int. Number of classes (>= 2).
        conditioning: "projection" or "concat". Defaults to "projection".
        hidden_units: tuple of ints. Width of each hidden layer. Defaults to (256, 256).
        embedding_dim: int or None. "concat" only: a learned label embedding instead of
            one-hot. Defaults to None.
        activation: str. Hidden activation. Defaults to "leaky_relu".
        dropout: float. Dropout after each hidden layer. Defaults to 0.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[samples, labels int32 [B]]` to logits `[B, 1]`.
    """
    input_shape = as_shape("input_shape", input_shape)
    _check_num_classes(num_classes)
    _check_conditioning(conditioning)
    check_units("hidden_units", hidden_units)
    _check_embedding_dim(embedding_dim)
    check_dropout(dropout)
    samples = keras.Input(input_shape, name="x")
    labels = _labels_input()
    x = flat_input(samples, input_shape)
    if conditioning == "concat":
        code = _label_code(labels, num_classes, embedding_dim, "label")
        x = keras.layers.Concatenate(name="x_and_label")([x, code])
        _, x = mlp_body(x, hidden_units, activation, dropout)
        logits = keras.layers.Dense(1, name="logits")(x)
    else:
        _, x = mlp_body(x, hidden_units, activation, dropout)
        logits = _conditional_head(x, labels, num_classes)
    return keras.Model([samples, labels], logits, name=name)


def conditional_dcgan_discriminator(
    image_shape,
    num_classes,
    conditioning="projection",
    base_filters=64,
    normalization="batch",
    dropout=None,
    name="conditional_dcgan_discriminator",
):
    """The DCGAN discriminator conditioned on a label: `[image, y] -> logit`.

    - "projection" (Miyato & Koyama 2018): `psi(phi(x)) + <V_y, phi(x)>` on the flattened
      DCGAN features phi(x).
    - "concat": the label's one-hot vector tiled to `num_classes` constant feature maps,
      concatenated to the image channels before the first convolution.

    Args:
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
        num_classes: int. Number of classes (>= 2).
        conditioning: "projection" or "concat". Defaults to "projection".
        base_filters: int. Width, as in `dcgan_discriminator`. Defaults to 64.
        normalization: "batch", "layer" or None, as in `dcgan_discriminator`.
            Defaults to "batch".
        dropout: float or None. As in `dcgan_discriminator`. Defaults to None.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[images, labels int32 [B]]` to logits `[B, 1]`.
    """
    size, _, channels = check_image_shape("image_shape", image_shape)
    _check_num_classes(num_classes)
    _check_conditioning(conditioning)
    check_positive_int("base_filters", base_filters)
    check_dropout(dropout)
    images = keras.Input((size, size, channels), name="images")
    labels = _labels_input()
    if conditioning == "concat":
        maps = one_hot(labels, num_classes, name="label_one_hot")
        maps = keras.layers.Reshape((1, 1, num_classes), name="label_pixel")(maps)
        maps = keras.layers.UpSampling2D(size, name="label_maps")(maps)  # tile to size x size
        x = keras.layers.Concatenate(name="image_and_label")([images, maps])
        body_shape = (size, size, channels + num_classes)
        features = dcgan_body(x, body_shape, base_filters, normalization, dropout)
        logits = keras.layers.Dense(1, name="logits")(features)
    else:
        features = dcgan_body(images, image_shape, base_filters, normalization, dropout)
        logits = _conditional_head(features, labels, num_classes)
    return keras.Model([images, labels], logits, name=name)


# ----------------------------------------------------------- auxiliary discriminators


def _auxiliary_heads(features, num_outputs, aux_hidden_units, activation):
    logits = keras.layers.Dense(1, name="logits")(features)
    x = features
    for i, units in enumerate(aux_hidden_units or ()):
        x = keras.layers.Dense(units, activation=activation, name=f"auxiliary_{i}")(x)
    auxiliary = keras.layers.Dense(num_outputs, name="auxiliary")(x)
    return [logits, auxiliary]


def auxiliary_mlp_discriminator(
    input_shape,
    num_outputs,
    hidden_units=(256, 256),
    aux_hidden_units=None,
    activation="leaky_relu",
    dropout=0.0,
    name="auxiliary_mlp_discriminator",
):
    """An MLP discriminator with a second head: `x -> [logit, auxiliary outputs]`.

    ACGAN's class head (`num_outputs = num_classes`, Odena et al. 2017) and InfoGAN's Q
    head (`num_outputs = InfoGAN.q_output_dim`, Chen et al. 2016) share D's body.

    Args:
        input_shape: tuple of ints. Shape of one sample.
        num_outputs: int. Width of the auxiliary head.
        hidden_units: tuple of ints. Shared body. Defaults to (256, 256).
        aux_hidden_units: tuple of ints or None. Hidden layers of the auxiliary head only
            (InfoGAN's Q has one). Defaults to None.
        activation: str. Hidden activation. Defaults to "leaky_relu".
        dropout: float. Dropout after each body layer. Defaults to 0.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping samples to `[logits [B, 1], auxiliary [B, num_outputs]]`.
    """
    input_shape = as_shape("input_shape", input_shape)
    check_positive_int("num_outputs", num_outputs)
    check_units("hidden_units", hidden_units)
    if aux_hidden_units:
        check_units("aux_hidden_units", aux_hidden_units)
    check_dropout(dropout)
    samples = keras.Input(input_shape, name="x")
    _, x = mlp_body(flat_input(samples, input_shape), hidden_units, activation, dropout)
    outputs = _auxiliary_heads(x, num_outputs, aux_hidden_units, activation)
    return keras.Model(samples, outputs, name=name)


def auxiliary_dcgan_discriminator(
    image_shape,
    num_outputs,
    base_filters=64,
    normalization="batch",
    dropout=None,
    aux_hidden_units=None,
    name="auxiliary_dcgan_discriminator",
):
    """The DCGAN discriminator with a second head: `image -> [logit, auxiliary outputs]`.

    See `auxiliary_mlp_discriminator`; the body is `dcgan_discriminator`'s.

    Args:
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
        num_outputs: int. Width of the auxiliary head.
        base_filters: int. Width, as in `dcgan_discriminator`. Defaults to 64.
        normalization: "batch", "layer" or None. Defaults to "batch".
        dropout: float or None. Defaults to None.
        aux_hidden_units: tuple of ints or None. Hidden layers of the auxiliary head only.
            Defaults to None.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping images to `[logits [B, 1], auxiliary [B, num_outputs]]`.
    """
    check_image_shape("image_shape", image_shape)
    check_positive_int("num_outputs", num_outputs)
    check_positive_int("base_filters", base_filters)
    if aux_hidden_units:
        check_units("aux_hidden_units", aux_hidden_units)
    check_dropout(dropout)
    images = keras.Input(tuple(image_shape), name="images")
    features = dcgan_body(images, image_shape, base_filters, normalization, dropout)
    outputs = _auxiliary_heads(features, num_outputs, aux_hidden_units, "leaky_relu")
    return keras.Model(images, outputs, name=name)


# ------------------------------------------------------------ classifier discriminators


def batch_norm_mlp_generator(
    latent_dim,
    output_shape,
    hidden_units=(500, 500),
    activation="softplus",
    output_activation="tanh",
    name="batch_norm_mlp_generator",
):
    """Salimans et al. 2016's MNIST generator: dense layers with batch normalization.

    `z -> [Dense(500, softplus) -> BatchNorm] x 2 -> Dense(prod(shape), tanh)` (the paper
    uses sigmoid for pixels in [0, 1]; tanh matches this library's [-1, 1]). Trained by
    feature matching it is the semi-supervised GAN's generator.

    Paper: Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    https://arxiv.org/abs/1606.03498

    Args:
        latent_dim: int. Size of z (100 in the paper).
        output_shape: tuple of ints. Shape of one sample.
        hidden_units: tuple of ints. Defaults to (500, 500).
        activation: str. Hidden activation. Defaults to "softplus".
        output_activation: str or None. Defaults to "tanh".
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping `[B, latent_dim]` to `[B, *output_shape]`.
    """
    return mlp_generator(
        latent_dim,
        output_shape,
        hidden_units=hidden_units,
        activation=activation,
        output_activation=output_activation,
        batch_norm=True,
        name=name,
    )


def classifier_mlp_discriminator(
    input_shape,
    num_classes,
    hidden_units=(1000, 500, 250, 250, 250),
    input_noise=0.3,
    hidden_noise=0.5,
    activation="relu",
    name="classifier_mlp_discriminator",
):
    """The semi-supervised GAN's MLP discriminator: `x -> K class logits`.

    Salimans et al. 2016's MNIST discriminator: Gaussian noise (std 0.3) on the input and
    (std 0.5) after every hidden layer, hidden widths 1000-500-250-250-250, K = 10 outputs
    (the "fake" logit is fixed at 0). The last hidden layer is "features" (for feature
    matching). Noise is only active in training.

    Paper: Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016.
    https://arxiv.org/abs/1606.03498

    Args:
        input_shape: tuple of ints. Shape of one sample.
        num_classes: int. K, the number of real classes (>= 2).
        hidden_units: tuple of ints. Defaults to (1000, 500, 250, 250, 250).
        input_noise: float. Std of the Gaussian noise on the input. Defaults to 0.3.
        hidden_noise: float. Std of the noise after each hidden layer. Defaults to 0.5.
        activation: str. Hidden activation. Defaults to "relu".
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping samples to class logits `[B, num_classes]`.
    """
    input_shape = as_shape("input_shape", input_shape)
    _check_num_classes(num_classes)
    check_units("hidden_units", hidden_units)
    for arg, value in (("input_noise", input_noise), ("hidden_noise", hidden_noise)):
        if not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"`{arg}` must be a float >= 0. Received: {arg}={value!r}")
    samples = keras.Input(input_shape, name="x")
    x = flat_input(samples, input_shape)
    if input_noise:
        x = keras.layers.GaussianNoise(input_noise, name="input_noise")(x)
    _, x = mlp_body(x, hidden_units, activation, 0.0, hidden_noise=hidden_noise)
    logits = keras.layers.Dense(num_classes, name="class_logits")(x)
    return keras.Model(samples, logits, name=name)


def classifier_dcgan_discriminator(
    image_shape,
    num_classes,
    base_filters=64,
    normalization=None,
    dropout=0.2,
    name="classifier_dcgan_discriminator",
):
    """A DCGAN-bodied semi-supervised discriminator: `image -> K class logits`.

    The DCGAN convolutions ("features" = their flattened output) followed by a K-way
    linear layer. Dropout stands in for Salimans et al.'s input/hidden noise; no batch
    normalization by default, since feature matching compares batch statistics.

    Args:
        image_shape: tuple. `(size, size, channels)`, size in (16, 28, 32, 64, 128).
        num_classes: int. K, the number of real classes (>= 2).
        base_filters: int. Width, as in `dcgan_discriminator`. Defaults to 64.
        normalization: "batch", "layer" or None. Defaults to None.
        dropout: float or None. Dropout after each convolution. Defaults to 0.2.
        name: str. Model name.

    Returns:
        A built `keras.Model` mapping images to class logits `[B, num_classes]`.
    """
    check_image_shape("image_shape", image_shape)
    _check_num_classes(num_classes)
    check_positive_int("base_filters", base_filters)
    check_dropout(dropout)
    images = keras.Input(tuple(image_shape), name="images")
    features = dcgan_body(images, image_shape, base_filters, normalization, dropout)
    logits = keras.layers.Dense(num_classes, name="class_logits")(features)
    return keras.Model(images, logits, name=name)
