"""keras-gan: Generative Adversarial Networks for Keras 3 (TensorFlow backend).

```python
import keras_gan

dataset = keras_gan.data.load("digits", batch_size=64, image_size=32)  # images in [-1, 1]
gan = keras_gan.DCGAN(image_shape=(32, 32, 1), latent_dim=64)
```

Public packages: `keras_gan.models` (every variant), `keras_gan.data` (data sets and
pipelines), `keras_gan.networks` (generator and discriminator builders), `keras_gan.losses`
(pure loss and penalty functions), `keras_gan.metrics` (FID, KID, IS, ...),
`keras_gan.callbacks` (sample grids, checkpoints, ...), `keras_gan.augment` (DiffAugment).
Imported on demand: `keras_gan.training` (the Trainer behind `keras-gan train`: config,
distributed loop, exact resume) and `keras_gan.recipes` (each variant's paper defaults).
The variants are also here at the top level (`keras_gan.GAN`, `keras_gan.DCGAN`, ...).
"""

__version__ = "0.1.0"

from keras_gan import augment, callbacks, data, losses, metrics, models, networks
from keras_gan.models import (
    ACGAN,
    CGAN,
    DCGAN,
    GAN,
    LSGAN,
    SGAN,
    SNGAN,
    WGAN,
    WGANGP,
    BiGAN,
    InfoGAN,
    StyleGAN2,
)

__all__ = [
    "ACGAN",
    "BiGAN",
    "CGAN",
    "DCGAN",
    "GAN",
    "InfoGAN",
    "LSGAN",
    "SGAN",
    "SNGAN",
    "StyleGAN2",
    "WGAN",
    "WGANGP",
    "__version__",
    "augment",
    "callbacks",
    "data",
    "losses",
    "metrics",
    "models",
    "networks",
]
