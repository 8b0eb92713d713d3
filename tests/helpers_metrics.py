"""Shared helpers of the metrics tests: tiny generators, run directories, a reference resize."""

import os

import numpy as np

import keras


def tiny_generator(latent_dim=4, image_shape=(8, 8, 1), seed=0):
    """A dense generator z -> tanh image, small enough to evaluate in milliseconds."""
    keras.utils.set_random_seed(seed)
    z = keras.Input((latent_dim,))
    x = keras.layers.Dense(int(np.prod(image_shape)), activation="tanh")(z)
    return keras.Model(z, keras.layers.Reshape(image_shape)(x), name="tiny_generator")


def label_generator(latent_dim=3, num_classes=4, image_shape=(4, 4, 1)):
    """A conditional generator whose images are constant, equal to label / num_classes."""
    z = keras.Input((latent_dim,))
    labels = keras.Input((), dtype="int32")
    value = keras.layers.Lambda(
        lambda t: keras.ops.cast(t, "float32")[:, None, None, None] / num_classes)(labels)
    zero = keras.layers.Lambda(lambda t: 0.0 * keras.ops.sum(t, axis=1)[:, None, None, None])(z)
    images = keras.layers.Lambda(
        lambda ts: keras.ops.broadcast_to(ts[0] + ts[1], (keras.ops.shape(ts[0])[0],) + image_shape)
    )([value, zero])
    return keras.Model([z, labels], images)


def class_image_generator(latent_dim=3, num_classes=10, image_shape=(8, 8, 1), seed=0):
    """A saveable conditional generator that ignores z and draws one fixed image per label.

    Returns `(generator, images)`: `images[y]` (`[num_classes, *image_shape]`, in [-1, 1])
    is what `generator([z, y])` draws for every z.
    """
    size = int(np.prod(image_shape))
    images = np.random.default_rng(seed).uniform(-1, 1, (num_classes, size)).astype("float32")
    z = keras.Input((latent_dim,))
    labels = keras.Input((), dtype="int32")
    per_class = keras.layers.Embedding(num_classes, size, name="class_images")(labels)
    ignored = keras.layers.Dense(size, kernel_initializer="zeros", name="ignored_z")(z)
    flat = keras.layers.Add()([per_class, ignored])
    generator = keras.Model([z, labels], keras.layers.Reshape(image_shape)(flat))
    generator.get_layer("class_images").set_weights([images])
    return generator, images.reshape((num_classes, *image_shape))


def make_run_dir(root, generator, dataset="digits", image_size=8, num_classes=None):
    """Writes the files of a `keras-gan train` run directory that evaluation reads."""
    from keras_gan import runs

    run_dir = os.path.join(root, "run")
    run = runs.RunDirectory(run_dir)
    image_shape = list(generator.output.shape[1:])
    latent_dim = generator.input.shape[-1] if num_classes is None else generator.input[0].shape[-1]
    run.write_config({"dataset": dataset, "image_size": image_size, "variant": "gan"})
    run.write_facts({"variant": "gan", "latent_dim": int(latent_dim), "num_classes": num_classes,
                     "image_shape": image_shape, "value_range": [-1.0, 1.0], "step": 7})
    generator.save(run.generator_path)
    return run_dir


def bilinear_resize_reference(image, size):
    """NumPy bilinear resize with half-pixel centres (PyTorch `align_corners=False`)."""
    height, width, _ = image.shape

    def axis(in_size):
        source = (np.arange(size) + 0.5) * (in_size / size) - 0.5
        source = np.clip(source, 0, None)
        low = np.minimum(np.floor(source).astype(int), in_size - 1)
        high = np.minimum(low + 1, in_size - 1)
        return low, high, source - low

    y0, y1, wy = axis(height)
    x0, x1, wx = axis(width)
    top = image[y0][:, x0] * (1 - wx)[None, :, None] + image[y0][:, x1] * wx[None, :, None]
    bottom = image[y1][:, x0] * (1 - wx)[None, :, None] + image[y1][:, x1] * wx[None, :, None]
    return top * (1 - wy)[:, None, None] + bottom * wy[:, None, None]
