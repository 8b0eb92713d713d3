"""keras-gan: Generative Adversarial Networks for Keras 3 (TensorFlow backend).

Public packages: `keras_gan.losses`, `keras_gan.networks`, `keras_gan.models`,
`keras_gan.data`, `keras_gan.metrics`, `keras_gan.callbacks`.
"""

__version__ = "0.1.0"
