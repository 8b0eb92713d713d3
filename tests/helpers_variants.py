"""Helpers of the loss-family variant tests (WGAN, WGAN-GP, LSGAN, SNGAN, R1/R2)."""

import contextlib

import keras
import numpy as np
import tensorflow as tf

from keras_gan import data as gan_data
from keras_gan import metrics, networks
from keras_gan.checkpoints import gan_checkpoint
from tests.helpers import batches, two_cpu_strategy


def make_variant(model_class, strategy=None, *, discriminator=None, units=(16, 16), latent_dim=4,
                 optimizer=None, lr=1e-3, d_lr=None, init_seed=1, run_eagerly=False, **kwargs):
    """A compiled MLP variant on 2-D data, built with seeded weights in `strategy`'s scope.

    Args:
        discriminator: callable `units -> keras.Model` or None (an MLP discriminator).
        optimizer: callable `lr -> optimizer` or None (Adam with beta_1 = 0.5).
        run_eagerly: bool. Eager steps: far cheaper than tracing for tests of a few steps.
    """
    optimizer = optimizer or (lambda rate: keras.optimizers.Adam(rate, beta_1=0.5))
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        keras.utils.set_random_seed(init_seed)
        generator = networks.mlp_generator(latent_dim, (2,), hidden_units=units, output_activation=None)
        critic = discriminator(units) if discriminator else networks.mlp_discriminator((2,), hidden_units=units)
        gan = model_class(generator, critic, **kwargs)
        gan.compile(g_optimizer=optimizer(lr), d_optimizer=optimizer(lr if d_lr is None else d_lr),
                    run_eagerly=run_eagerly)
    return gan


def state(gan):
    """Every weight of G and D and every optimizer variable (iterations included)."""
    variables = gan.generator.weights + gan.discriminator.weights
    variables += gan.g_optimizer.variables + gan.d_optimizer.variables + gan.ema_weights
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in variables]


def assert_mirrored_equals_one_device(make, points, batch_size, epochs=2, atol=2e-6):
    """Two replicas reach one device's weights and losses (same init, data and noise).

    `make(strategy)` builds the model. Use SGD there: its update is proportional to the
    gradient, so a term scaled wrongly across replicas shows at full size, whereas Adam's
    per-coordinate normalization turns float rounding of a near-zero gradient (summed in
    another order by two replicas) into a sizeable fraction of a step.

    Returns:
        (one-device model, two-replica model).
    """
    one, two = make(None), make(two_cpu_strategy())
    for a, b in zip(state(one), state(two)):
        np.testing.assert_array_equal(a, b)
    h1 = one.fit(batches(points, batch_size), epochs=epochs, verbose=0).history
    h2 = two.fit(batches(points, batch_size), epochs=epochs, verbose=0).history
    for a, b in zip(state(one), state(two)):
        np.testing.assert_allclose(a, b, atol=atol)
    assert set(h1) == set(h2)
    for name in h1:
        np.testing.assert_allclose(h1[name], h2[name], rtol=1e-5, atol=1e-7)
    return one, two


def assert_resumes_exactly(make, points, batch_size, directory):
    """Save after one epoch, restore into a differently initialised model, train one more
    epoch: the result equals the uninterrupted run's, variable for variable."""
    run = make(1)
    run.fit(batches(points, batch_size), epochs=1, verbose=0)
    path = gan_checkpoint(run).write(str(directory / "ckpt"))
    run.fit(batches(points, batch_size), epochs=1, verbose=0)

    resumed = make(7)
    assert not all(np.array_equal(a, b) for a, b in zip(state(run), state(resumed)))
    gan_checkpoint(resumed).read(path).assert_consumed()
    resumed.fit(batches(points, batch_size), epochs=1, verbose=0)
    for a, b in zip(state(run), state(resumed)):
        np.testing.assert_array_equal(a, b)


def recipe_gan(variant, seed=0):
    """The variant's toy recipe (networks, hyper-parameters, optimizers), compiled."""
    from keras_gan import recipes

    recipe = recipes.get(variant)
    config = {**recipes.defaults(variant, "toy"), "seed": seed}
    keras.utils.set_random_seed(seed)
    gan = recipe.build((2,), config)
    gan.compile(*recipe.optimizers(config))
    return gan, config["batch_size"]


def ring_coverage(gan, steps, batch_size=256):
    """Trains `gan` on the 8-Gaussian ring for `steps` G steps; returns `mode_coverage`."""
    ring = gan_data.load_arrays("ring8", num_examples=25_600, seed=0)
    dataset = (
        tf.data.Dataset.from_tensor_slices(ring.images)
        .shuffle(25_600, seed=0)
        .batch(batch_size * gan.d_steps, drop_remainder=True)
        .repeat()
    )
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    coverage = metrics.mode_coverage(gan.generate(2000, seed=0), ring.modes, ring.mode_std)
    print(f"{type(gan).__name__} ring8 coverage after {steps} steps:", coverage)
    return coverage
