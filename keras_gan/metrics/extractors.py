"""Feature extractors: images (float32 NHWC in [-1, 1]) -> features and class probabilities.

Two families, both offline:

- `inception_extractor`: InceptionV3 (`keras.applications`) pool features (2048-d) and
  ImageNet logits, the network behind FID, KID and IS. Weights come from a local file or
  from Keras's cache; they are never downloaded here.
- `domain_extractor`: a small CNN classifier trained on the real data set
  (`train_domain_classifier`, cached by `load_or_train_domain_classifier`): its penultimate
  features and class probabilities give FID/IS-like numbers for digits and MNIST, as
  TF-GAN's MNIST evaluation does with its MNIST classifier.
"""

import hashlib
import json
import os
import warnings

import numpy as np
import tensorflow as tf

import keras

INCEPTION_SIZE = 299
INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
INCEPTION_WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
    + INCEPTION_WEIGHTS_FILE)


def file_sha256(path):
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FeatureExtractor:
    """A callable images -> {"features": [B, D], "logits": [B, K], "probabilities": [B, K]}.

    Args:
        model: keras.Model. Maps preprocessed images to `[features, logits]`.
        preprocess: callable. Maps the caller's images (float32 NHWC in `input_range`)
            to the model's input (resize, channels, value range).
        protocol: dict. JSON-serialisable description (name, weights, sha256, resize,
            input range) recorded with every number computed from these features.
    """

    def __init__(self, model, preprocess, protocol):
        self.model = model
        self.preprocess = preprocess
        self.protocol = dict(protocol)

    @property
    def name(self):
        return self.protocol["name"]

    def __call__(self, images):
        features, logits = self.model(self.preprocess(images), training=False)
        return {"features": features, "logits": logits,
                "probabilities": tf.nn.softmax(tf.cast(logits, tf.float32), axis=-1)}


def _to_unit_range(images, input_range):
    """Maps images from `input_range` = (low, high) linearly onto [-1, 1]."""
    low, high = (float(v) for v in input_range)
    if high <= low:
        raise ValueError(f"`input_range` must be (low, high) with low < high. Received: "
                         f"input_range={input_range}")
    images = tf.cast(images, tf.float32)
    return (images - low) * (2.0 / (high - low)) - 1.0


def _check_images(images, name="images"):
    if images.shape.rank != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"`{name}` must be NHWC with 1 or 3 channels. Received: "
                         f"{name}.shape={tuple(images.shape)}")


def keras_cache_path(filename=INCEPTION_WEIGHTS_FILE):
    """Where `keras.applications` caches a weights file: $KERAS_HOME/models or ~/.keras/models."""
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(base, "models", filename)


def _resolve_inception_weights(weights):
    """Returns the local weights path (or None for random init) without downloading."""
    if weights is None:
        return None
    if weights == "imagenet":
        candidates = [keras_cache_path(), os.path.join("/tmp", ".keras", "models",
                                                       INCEPTION_WEIGHTS_FILE)]
        for candidate in candidates:
            if os.path.isfile(candidate):
                return candidate
        raise FileNotFoundError(
            "InceptionV3 ImageNet weights are not in Keras's cache and keras-gan never "
            f"downloads them. Looked for: {candidates}. On a machine with internet, run "
            "`python -c \"import keras; keras.applications.InceptionV3()\"` (it caches "
            f"~/.keras/models/{INCEPTION_WEIGHTS_FILE}) or download {INCEPTION_WEIGHTS_URL}, "
            "then copy the file to this cache or pass its path (`weights=PATH`, "
            "`keras-gan evaluate --inception-weights PATH`). Received: weights='imagenet'")
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"`weights` must be None, 'imagenet' (Keras's cache) or an existing InceptionV3 "
            f"weights file ({INCEPTION_WEIGHTS_FILE}, from {INCEPTION_WEIGHTS_URL}). "
            f"Received: weights={weights!r}")
    return path


def _load_inception_weights(network, path):
    """Loads `path` into `network`, turning any mismatch (even a warned one) into an error."""
    problem = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            network.load_weights(path)
        except Exception as error:  # Keras raises ValueError, KeyError, OSError... by format
            problem = f"{type(error).__name__}: {error}"
    # Keras 3 only warns when parts of a `.weights.h5` file do not match the model and
    # leaves those layers randomly initialised: a silent wrong FID. Treat it as an error.
    skipped = [str(w.message) for w in caught if "freshly-initialized" in str(w.message)
               or "mismatch" in str(w.message).lower()]
    if problem is None and skipped:
        problem = f"{len(skipped)} parts did not match, e.g. {skipped[0]}"
    if problem is not None:
        raise ValueError(
            f"`weights` file {path!r} does not hold InceptionV3 weights with the 1000-class "
            f"top (the file {INCEPTION_WEIGHTS_FILE} from {INCEPTION_WEIGHTS_URL}). "
            f"Loading it failed: {problem[:500]}")


def inception_extractor(weights="imagenet", input_range=(-1.0, 1.0)):
    """InceptionV3 pool features (2048-d) and ImageNet logits (1000) for FID, KID and IS.

    Preprocessing, as the reference FID code does (Heusel et al. 2017; pytorch-fid):
    images in `input_range` are mapped linearly to [-1, 1] (InceptionV3's input range:
    `x / 127.5 - 1` for [0, 255] pixels), gray images are repeated to 3 channels, and every
    image is resized to 299x299 with bilinear interpolation without antialiasing
    (`tf.image.resize`, half-pixel centres, like PyTorch's
    `interpolate(mode="bilinear", align_corners=False)`; the original TF1 code's
    `resize_bilinear` had no half-pixel offset). Images are not quantised to 8 bits.

    Note: the ImageNet weights of `keras.applications.InceptionV3` are not the TF1
    `pt_inception-2015-12-05` graph of the published FID, so absolute values differ from
    papers' numbers; they are comparable among runs evaluated under one protocol.

    Args:
        weights: None, "imagenet" or str path. None gives random initialisation (tests
            only: the numbers mean nothing); "imagenet" reads Keras's cache
            (~/.keras/models/inception_v3_weights_tf_dim_ordering_tf_kernels.h5) and never
            downloads; a path loads that file (the full model with its 1000-class top).
            Defaults to "imagenet".
        input_range: tuple (low, high). Value range of the images passed in: (-1, 1) for
            keras-gan images, (0, 255) for 8-bit pixels. Defaults to (-1.0, 1.0).

    Returns:
        `FeatureExtractor` with `features` from the `avg_pool` layer and `logits` from the
        last dense layer (before the softmax).
    """
    _to_unit_range(tf.zeros([1]), input_range)  # validates input_range early
    path = _resolve_inception_weights(weights)
    network = keras.applications.InceptionV3(
        include_top=True, weights=None, classifier_activation=None)
    if path is not None:
        _load_inception_weights(network, path)
    model = keras.Model(network.input,
                        [network.get_layer("avg_pool").output, network.output],
                        name="inception_v3_features")

    def preprocess(images):
        images = tf.convert_to_tensor(images)
        _check_images(images)
        images = _to_unit_range(images, input_range)
        if images.shape[-1] == 1:
            images = tf.image.grayscale_to_rgb(images)
        return tf.image.resize(images, [INCEPTION_SIZE, INCEPTION_SIZE], method="bilinear",
                               antialias=False)

    protocol = {
        "name": "inception_v3",
        "weights": "random" if path is None else os.path.abspath(path),
        "weights_sha256": None if path is None else file_sha256(path),
        "resize": f"bilinear to {INCEPTION_SIZE}x{INCEPTION_SIZE} (tf.image.resize, "
                  "half-pixel centres, no antialias)",
        "input_range": [float(v) for v in input_range],
        "features": "avg_pool (2048)",
    }
    return FeatureExtractor(model, preprocess, protocol)


# ---------------------------------------------------------------- domain classifier
def build_domain_classifier(image_shape, num_classes, feature_dim=128, seed=0):
    """A small CNN classifier: 2 strided convolutions, a `features` dense layer, logits.

    Args:
        image_shape: tuple (h, w, c). Shape of the data set's images.
        num_classes: int >= 2. Number of classes.
        feature_dim: int. Width of the penultimate (`features`) layer. Defaults to 128.
        seed: int. Seed of the weight initialisers. Defaults to 0.

    Returns:
        keras.Model mapping images in [-1, 1] to `[features, logits]`.
    """
    image_shape = tuple(int(v) for v in image_shape)
    if len(image_shape) != 3 or min(image_shape) < 1:
        raise ValueError(f"`image_shape` must be (height, width, channels). Received: "
                         f"image_shape={image_shape}")
    if int(num_classes) != num_classes or num_classes < 2:
        raise ValueError(f"`num_classes` must be an integer >= 2. Received: "
                         f"num_classes={num_classes}")

    def init(offset):
        return keras.initializers.GlorotUniform(seed=seed + offset)

    inputs = keras.Input(image_shape, name="images")
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu",
                            kernel_initializer=init(0))(inputs)
    x = keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="relu",
                            kernel_initializer=init(1))(x)
    x = keras.layers.Flatten()(x)
    features = keras.layers.Dense(feature_dim, activation="relu", kernel_initializer=init(2),
                                  name="features")(x)
    logits = keras.layers.Dense(int(num_classes), kernel_initializer=init(3),
                                name="logits")(features)
    return keras.Model(inputs, [features, logits], name="domain_classifier")


def _classifier_accuracy(model, images, labels, batch_size=256):
    _, logits = model.predict(images, batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def train_domain_classifier(images, labels, num_classes, *, epochs=10, batch_size=64,
                            learning_rate=1e-3, feature_dim=128, seed=0, verbose=0):
    """Trains `build_domain_classifier` on real labelled images (cross-entropy, Adam).

    Args:
        images: array `[n, h, w, c]`. Real images, float32 in [-1, 1].
        labels: array `[n]` of ints in [0, num_classes).
        num_classes: int. Number of classes.
        epochs: int. Passes over the data. Defaults to 10.
        batch_size: int. Defaults to 64.
        learning_rate: float. Adam's step size. Defaults to 1e-3.
        feature_dim: int. Width of the penultimate layer. Defaults to 128.
        seed: int. Initialisation and shuffling seed. Defaults to 0.
        verbose: int. Keras `fit` verbosity. Defaults to 0.

    Returns:
        The trained keras.Model (images -> `[features, logits]`).
    """
    images = np.asarray(images, dtype=np.float32)
    labels = np.asarray(labels)
    if images.ndim != 4:
        raise ValueError(f"`images` must be NHWC. Received: images.shape={images.shape}")
    if labels.shape != (len(images),):
        raise ValueError(f"`labels` must have shape ({len(images)},) like `images`. "
                         f"Received: labels.shape={labels.shape}")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"`labels` must lie in [0, {num_classes}). Received: labels in "
                         f"[{labels.min()}, {labels.max()}]")
    model = build_domain_classifier(images.shape[1:], num_classes, feature_dim, seed)
    trainer = keras.Model(model.input, model.output[1])
    trainer.compile(optimizer=keras.optimizers.Adam(learning_rate),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(seed)
    for _ in range(int(epochs)):  # seeded shuffling: the same classifier for the same data
        order = rng.permutation(len(images))
        trainer.fit(images[order], labels[order].astype(np.int32), batch_size=batch_size,
                    epochs=1, shuffle=False, verbose=verbose)
    return model


def domain_extractor(model, protocol=None):
    """Wraps a domain classifier (images -> `[features, logits]`) as a `FeatureExtractor`.

    Images of another size than the classifier's input are resized bilinearly to it; gray
    and RGB are converted to the classifier's channel count.

    Args:
        model: keras.Model. From `train_domain_classifier` or `build_domain_classifier`.
        protocol: dict. Extra protocol facts (data set, accuracy, sha256). Defaults to None.

    Returns:
        `FeatureExtractor` named "domain".
    """
    height, width, channels = model.input.shape[1:]

    def preprocess(images):
        images = tf.cast(tf.convert_to_tensor(images), tf.float32)
        _check_images(images)
        if images.shape[-1] != channels:
            images = (tf.image.grayscale_to_rgb(images) if channels == 3
                      else tf.image.rgb_to_grayscale(images))
        if tuple(images.shape[1:3]) != (height, width):
            images = tf.image.resize(images, [height, width], method="bilinear")
        return images

    facts = {"name": "domain", "input_shape": [height, width, channels],
             "features": f"penultimate dense ({model.output[0].shape[-1]})",
             "resize": f"bilinear to {height}x{width} when sizes differ"}
    facts.update(protocol or {})
    return FeatureExtractor(model, preprocess, facts)


DOMAIN_MODEL_FILE = "domain_classifier.keras"
DOMAIN_INFO_FILE = "domain_classifier.json"


def load_or_train_domain_classifier(directory, source, *, image_size=None, data_dir=None,
                                    train_split="train", test_split="test", epochs=10,
                                    seed=0, verbose=0):
    """Returns the domain extractor cached in `directory`, training it once if needed.

    The classifier is trained on `source`'s `train_split` (via `keras_gan.data.load_arrays`)
    and its accuracy measured on `test_split`; model and facts are saved as
    `directory/domain_classifier.keras` and `directory/domain_classifier.json`. A cache made
    for another data set, image size or seed is retrained.

    Args:
        directory: str. Cache folder (a run directory). Created if missing.
        source: str. Data set, as `keras_gan.data.load_arrays` takes it (with labels).
        image_size: int. Image side, as the run trained on. Defaults to the source's.
        data_dir: str. TFDS data directory. Defaults to None.
        train_split: str. Split the classifier learns. Defaults to "train".
        test_split: str. Split its accuracy is measured on. Defaults to "test".
        epochs: int. Training epochs. Defaults to 10.
        seed: int. Training seed. Defaults to 0.
        verbose: int. Keras `fit` verbosity. Defaults to 0.

    Returns:
        `FeatureExtractor` whose protocol holds the data set, splits, test accuracy and the
        sha256 of the saved model file.
    """
    from keras_gan import data  # data sets are only needed to train the classifier

    os.makedirs(directory, exist_ok=True)
    model_path = os.path.join(directory, DOMAIN_MODEL_FILE)
    info_path = os.path.join(directory, DOMAIN_INFO_FILE)
    wanted = {"dataset": os.fspath(source), "image_size": image_size,
              "train_split": train_split, "test_split": test_split, "epochs": int(epochs),
              "seed": int(seed)}
    if os.path.isfile(model_path) and os.path.isfile(info_path):
        with open(info_path, encoding="utf-8") as handle:
            info = json.load(handle)
        if all(info.get(key) == value for key, value in wanted.items()):
            model = keras.models.load_model(model_path, compile=False)
            info["weights_sha256"] = file_sha256(model_path)
            return domain_extractor(model, info)
    train = data.load_arrays(source, image_size=image_size, split=train_split,
                             data_dir=data_dir, with_labels=True)
    test = data.load_arrays(source, image_size=image_size, split=test_split,
                            data_dir=data_dir, with_labels=True)
    train_images, train_labels = train.images, train.labels
    test_images, test_labels, held_out = test.images, test.labels, test_split
    if train_images.shape == test_images.shape and np.array_equal(train_images, test_images):
        # A source holding a single set (an IDX folder, an .npz) returns it for every split:
        # hold out a seeded 20% so that the accuracy is measured on unseen images.
        order = np.random.default_rng(seed).permutation(len(train_images))
        cut = int(0.8 * len(order))
        train_images, train_labels = train.images[order[:cut]], train.labels[order[:cut]]
        test_images, test_labels = train.images[order[cut:]], train.labels[order[cut:]]
        held_out = "seeded 20% of the single set (the source has no separate splits)"
    model = train_domain_classifier(train_images, train_labels, train.num_classes,
                                    epochs=epochs, seed=seed, verbose=verbose)
    info = dict(wanted, num_classes=int(train.num_classes), held_out=held_out,
                num_train=int(len(train_images)), num_test=int(len(test_images)),
                test_accuracy=_classifier_accuracy(model, test_images, test_labels))
    model.save(model_path)
    with open(info_path, "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
    info["weights_sha256"] = file_sha256(model_path)
    return domain_extractor(model, info)
