"""DiffAugment: each transformation against NumPy, the random policies' ranges, seeds,
replicas, gradients, and its use by the GAN step (real and fake both augmented)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gan import augment, models, networks
from tests.helpers import two_cpu_strategy

RNG = np.random.default_rng(0)


def np_translate(images, shifts):
    """out[b, i, j] = x[b, i - dy, j - dx] where it exists, else 0 (loops, no tricks)."""
    out = np.zeros_like(images)
    _, height, width, _ = images.shape
    for b, (dy, dx) in enumerate(shifts):
        for i in range(height):
            for j in range(width):
                if 0 <= i - dy < height and 0 <= j - dx < width:
                    out[b, i, j] = images[b, i - dy, j - dx]
    return out


def np_cutout(images, starts, size):
    out = images.copy()
    for b, (y, x) in enumerate(starts):
        out[b, max(y, 0) : max(y + size[0], 0), max(x, 0) : max(x + size[1], 0)] = 0.0
    return out


def test_translate_matches_numpy():
    images = RNG.standard_normal((5, 6, 7, 2)).astype("float32")
    shifts = np.array([[0, 0], [1, -2], [-3, 3], [5, 0], [-6, -7]])
    np.testing.assert_array_equal(augment.translate(images, shifts).numpy(), np_translate(images, shifts))


def test_cutout_matches_numpy():
    images = RNG.standard_normal((4, 8, 8, 3)).astype("float32")
    starts = np.array([[0, 0], [-2, 5], [6, -1], [3, 3]])
    np.testing.assert_array_equal(augment.cutout(images, starts, (4, 4)).numpy(), np_cutout(images, starts, (4, 4)))


def test_color_adjustments_match_their_formulas():
    images = RNG.uniform(-1, 1, (3, 4, 4, 3)).astype("float32")
    values = np.array([-0.5, 0.2, 1.4], dtype="float32")
    per_image = values[:, None, None, None]
    np.testing.assert_allclose(augment.adjust_brightness(images, values), images + per_image, atol=1e-6)
    channel_mean = images.mean(axis=3, keepdims=True)
    np.testing.assert_allclose(
        augment.adjust_saturation(images, values),
        (images - channel_mean) * per_image + channel_mean,
        atol=1e-6,
    )
    image_mean = images.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(
        augment.adjust_contrast(images, values), (images - image_mean) * per_image + image_mean, atol=1e-6
    )


def test_color_policy_on_flat_images_adds_a_brightness_in_range():
    # A flat gray image is unchanged by saturation and contrast, so "color" only adds the
    # brightness delta ~ U[-0.5, 0.5) (one per image).
    images = np.tile(RNG.uniform(-0.5, 0.5, (256, 1, 1, 1)), (1, 4, 4, 3)).astype("float32")
    out = augment.diff_augment(images, [1, 2], policy="color").numpy()
    delta = out - images
    np.testing.assert_allclose(delta, np.broadcast_to(delta[:, :1, :1, :1], delta.shape), atol=1e-5)
    assert delta.min() >= -0.5 - 1e-6 and delta.max() < 0.5
    assert delta.min() < -0.4 and delta.max() > 0.4  # the whole range is used


def test_translation_policy_shifts_by_at_most_an_eighth():
    # 24x24 images: shifts in {-3, ..., 3} per axis; each output must be one of them.
    images = RNG.standard_normal((24, 24, 24, 1)).astype("float32")
    out = augment.diff_augment(images, [3, 4], policy="translation").numpy()
    shifts = []
    for b in range(len(images)):
        matches = [
            (dy, dx)
            for dy in range(-3, 4)
            for dx in range(-3, 4)
            if np.array_equal(out[b], np_translate(images[b : b + 1], [(dy, dx)])[0])
        ]
        assert len(matches) == 1, b
        shifts.append(matches[0])
    assert len(set(shifts)) > 8  # drawn per image


def test_cutout_policy_zeroes_one_half_size_square_clipped_at_borders():
    images = np.ones((64, 16, 16, 1), dtype="float32")
    out = augment.diff_augment(images, [5, 6], policy="cutout").numpy()[..., 0]
    for mask in out == 0:
        rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
        box = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
        assert box.all()  # one rectangle
        for extent, low, high in ((len(rows), rows.min(), rows.max()), (len(cols), cols.min(), cols.max())):
            assert extent <= 8
            if low > 0 and high < 15:  # not clipped: the full side
                assert extent == 8


def test_same_seed_same_result_other_seed_other_result():
    images = RNG.standard_normal((8, 16, 16, 3)).astype("float32")
    a = augment.diff_augment(images, [1, 1])
    np.testing.assert_array_equal(a, augment.diff_augment(images, [1, 1]))
    assert not np.allclose(a, augment.diff_augment(images, [1, 2]))


def test_augmentation_is_differentiable():
    images = tf.constant(RNG.standard_normal((4, 16, 16, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        tape.watch(images)
        out = augment.diff_augment(images, [0, 9])
        loss = tf.reduce_sum(out * out)
    grad = tape.gradient(loss, images).numpy()
    assert np.all(np.isfinite(grad)) and np.abs(grad).sum() > 0


def test_replicas_augment_their_rows_of_the_global_draw():
    strategy = two_cpu_strategy()
    images = RNG.standard_normal((8, 8, 8, 3)).astype("float32")
    policy = augment.DiffAugment()

    @tf.function
    def run():
        def per_replica():
            replica = tf.distribute.get_replica_context().replica_id_in_sync_group
            return policy(tf.gather(images, tf.range(4) + 4 * replica), tf.constant([7, 8]))

        return strategy.run(per_replica)

    halves = [t.numpy() for t in strategy.experimental_local_results(run())]
    np.testing.assert_allclose(np.concatenate(halves), policy(images, [7, 8]).numpy(), atol=1e-6)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="`policy` must be.*Received: policy='color,flip'"):
        augment.DiffAugment("color,flip")
    with pytest.raises(ValueError, match="translation_ratio.*Received: translation_ratio=1.5"):
        augment.DiffAugment(translation_ratio=1.5)
    with pytest.raises(ValueError, match="rank 4. Received: images with shape"):
        augment.diff_augment(np.zeros((4, 2), "float32"), [0, 0])
    with pytest.raises(ValueError, match="`augment` must be None.*Received: augment=3"):
        augment.get(3)
    assert augment.get(None) is None and augment.get("translation").policy == "translation"
    assert augment.get({"policy": "cutout", "cutout_ratio": 0.25}).cutout_ratio == 0.25


def _image_gan(**kwargs):
    keras.utils.set_random_seed(3)
    gan = models.GAN(
        networks.dcgan_generator(8, (16, 16, 1), 4),
        networks.dcgan_discriminator((16, 16, 1), 4),
        **kwargs,
    )
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-3), d_optimizer=keras.optimizers.Adam(1e-3),
                run_eagerly=True)
    return gan


def test_gan_step_feeds_d_augmented_real_and_fake():
    gan = _image_gan(augment="translation,cutout")
    seen = {"d": None, "g": None}
    d_objective, g_objective = gan.discriminator_objective, gan.generator_objective

    def spy_d(batch):
        seen["d"] = (batch.real.numpy(), batch.fake.numpy())
        return d_objective(batch)

    def spy_g(batch):
        seen["g"] = batch.fake.numpy()
        return g_objective(batch)

    gan.discriminator_objective, gan.generator_objective = spy_d, spy_g
    images = RNG.uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
    step_seed = gan._step_seed(0).numpy()  # the D step's stream at step 0
    gan.fit(tf.data.Dataset.from_tensors(images), epochs=1, verbose=0)
    real_seen, fake_seen = seen["d"]
    expected = gan.augment(images, tf.random.experimental.stateless_fold_in(step_seed, 1)).numpy()
    np.testing.assert_allclose(real_seen, expected, atol=1e-6)
    for batch in (real_seen, fake_seen, seen["g"]):
        # Cutout zeroes an 8x8 square (at least 4x4 when clipped); translation by at most 2
        # pixels zeroes at most 2 rows and 2 columns more.
        zero_fraction = (batch == 0).reshape(len(batch), -1).mean(axis=1)
        assert np.all(zero_fraction >= 16 / 256) and np.all(zero_fraction <= (64 + 60) / 256)


def test_augment_is_saved_in_the_config_and_refused_for_2d_samples():
    gan = _image_gan(augment="color")
    clone = models.GAN.from_config(gan.get_config())
    assert clone.augment.policy == "color"
    with pytest.raises(ValueError, match="needs image samples.*Received: augment='color'"):
        models.GAN(
            networks.mlp_generator(4, (2,), hidden_units=(8,)),
            networks.mlp_discriminator((2,), hidden_units=(8,)),
            augment="color",
        )
