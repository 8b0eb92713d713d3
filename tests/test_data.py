"""Tests of keras_gan.data: every source for real (files the tests write, a tiny TFDS
builder prepared offline), golden pixel values, and the deterministic epoch stream."""

import pathlib

import numpy as np
import pytest
from sklearn.datasets import load_digits

from keras_gan import data as kdata
from tests.helpers_data import (
    TINY_TFDS_NAME,
    KerasGanTinyImages,
    bilinear_resize_reference,
    tiny_tfds_examples,
    write_idx,
    write_png,
)

# Pixels whose [-1, 1] values are known by hand: p / 127.5 - 1.
GOLDEN_PIXELS = {0: -1.0, 51: -0.6, 102: -0.2, 153: 0.2, 204: 0.6, 255: 1.0}


def batches(dataset):
    return [
        tuple(np.asarray(t) for t in b) if isinstance(b, tuple) else np.asarray(b) for b in dataset
    ]


def rows_sorted(images, labels):
    flat = np.concatenate([images.reshape(len(images), -1), labels[:, None]], axis=1)
    return flat[np.lexsort(flat.T[::-1])]


# ----------------------------------------------------------------------------- digits


def test_digits_all_is_sklearn_digits_scaled_exactly():
    bunch = load_digits()
    data = kdata.load_arrays("digits", image_size=8, split="all")
    assert data.images.dtype == np.float32 and data.images.shape == (1797, 8, 8, 1)
    # v in 0..16 -> v / 8 - 1: 0 -> -1, 8 -> 0, 16 -> 1.
    np.testing.assert_array_equal(data.images[..., 0], bunch.images / 8.0 - 1.0)
    np.testing.assert_array_equal(data.labels, bunch.target)
    assert data.labels.dtype == np.int64
    assert data.num_classes == 10 and data.name == "digits" and data.element_shape == (8, 8, 1)
    assert data.images.min() == -1.0 and data.images.max() == 1.0


def test_digits_splits_are_disjoint_and_cover_all():
    train = kdata.load_arrays("digits", image_size=8, split="train")
    test = kdata.load_arrays("digits", image_size=8, split="test")
    every = kdata.load_arrays("digits", image_size=8, split="all")
    assert (len(train), len(test)) == (1438, 359)
    joined = rows_sorted(
        np.concatenate([train.images, test.images]), np.concatenate([train.labels, test.labels])
    )
    np.testing.assert_array_equal(joined, rows_sorted(every.images, every.labels))
    # The same held-out set every time, whatever the seed.
    again = kdata.load_arrays("digits", image_size=8, split="test", seed=7)
    np.testing.assert_array_equal(again.images, test.images)
    assert set(np.unique(test.labels)) == set(range(10))


def test_digits_default_size_is_32_and_resize_matches_numpy_bilinear():
    bunch = load_digits()
    data = kdata.load_arrays("digits", split="all", num_examples=5)
    assert data.images.shape == (5, 32, 32, 1)
    size16 = kdata.load_arrays("digits", image_size=16, split="all", num_examples=5)
    for i in range(5):
        expected = bilinear_resize_reference(bunch.images[i] / 8.0 - 1.0, 16)
        np.testing.assert_allclose(size16.images[i, ..., 0], expected, atol=1e-6)
        expected32 = bilinear_resize_reference(bunch.images[i] / 8.0 - 1.0, 32)
        np.testing.assert_allclose(data.images[i, ..., 0], expected32, atol=1e-6)
    assert kdata.load_arrays("digits", image_size=28, num_examples=3).element_shape == (28, 28, 1)


def test_digits_three_channels_repeat_the_gray_plane():
    gray = kdata.load_arrays("digits", image_size=8, num_examples=4)
    rgb = kdata.load_arrays("digits", image_size=8, num_examples=4, channels=3)
    assert rgb.images.shape == (4, 8, 8, 3)
    for c in range(3):
        np.testing.assert_array_equal(rgb.images[..., c], gray.images[..., 0])


@pytest.mark.parametrize("size", [20, 256, 4])
def test_digits_rejects_other_sizes(size):
    with pytest.raises(ValueError, match=rf"power of two.*image_size={size}"):
        kdata.load_arrays("digits", image_size=size)


def test_digits_rejects_unknown_split():
    with pytest.raises(ValueError, match=r"split='validation'"):
        kdata.load_arrays("digits", split="validation")


# ----------------------------------------------------------------------------- toy sets


def test_toy_modes_are_the_published_ones():
    ring, ring_std = kdata.toy_modes("ring8")
    for k in range(8):
        angle = k * np.pi / 4
        np.testing.assert_allclose(ring[k], [2 * np.cos(angle), 2 * np.sin(angle)], atol=1e-6)
    assert ring_std == 0.02
    grid, grid_std = kdata.toy_modes("grid25")
    assert {tuple(m) for m in grid.tolist()} == {
        (a, b) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4)
    }
    assert grid_std == 0.05


@pytest.mark.parametrize("name,k", [("ring8", 8), ("grid25", 25)])
def test_toy_samples_follow_the_mixture(name, k):
    data = kdata.load_arrays(name, num_examples=20_000, seed=3)
    assert data.images.shape == (20_000, 2) and data.images.dtype == np.float32
    assert data.element_shape == (2,) and data.num_classes == k
    offsets = data.images - data.modes[data.labels]
    # Each coordinate of the offset is N(0, std^2): empirical std within 3%, mean ~ 0.
    np.testing.assert_allclose(offsets.std(axis=0), data.mode_std, rtol=0.03)
    assert np.all(np.abs(offsets.mean(axis=0)) < 0.05 * data.mode_std)
    counts = np.bincount(data.labels, minlength=k)
    assert counts.min() > 0.8 * 20_000 / k  # uniform over components
    assert kdata.load_arrays(name).images.shape == (25_600, 2)  # default size


def test_toy_samples_are_deterministic_per_seed_and_split():
    a = kdata.load_arrays("ring8", num_examples=100, seed=1)
    b = kdata.load_arrays("ring8", num_examples=100, seed=1)
    c = kdata.load_arrays("ring8", num_examples=100, seed=2)
    t = kdata.load_arrays("ring8", num_examples=100, seed=1, split="test")
    np.testing.assert_array_equal(a.images, b.images)
    assert not np.allclose(a.images, c.images)
    assert not np.allclose(a.images, t.images)


def test_toy_sets_reject_image_arguments():
    with pytest.raises(ValueError, match=r"image_size=32"):
        kdata.load_arrays("grid25", image_size=32)


# ----------------------------------------------------------------------------- IDX


def _mnist_like(num=6, rows=4, cols=3):
    pixels = np.array(list(GOLDEN_PIXELS), dtype=np.uint8)
    images = np.resize(pixels, (num, rows, cols)).astype(np.uint8)
    images[:, 0, 0] = np.arange(num) * 40  # make every image different
    labels = (np.arange(num) * 7) % 10
    return images, labels.astype(np.uint8)


def _expected(pixels):
    return np.vectorize(lambda p: p / 127.5 - 1.0)(pixels.astype(np.float64))


@pytest.mark.parametrize("gz", [False, True])
def test_idx_file_golden_values(tmp_path, gz):
    images, labels = _mnist_like()
    suffix = ".gz" if gz else ""
    write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images, gz=gz)
    write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels, gz=gz)
    for source in (str(tmp_path / f"train-images-idx3-ubyte{suffix}"), tmp_path):
        data = kdata.load_arrays(source, with_labels=True)
        assert data.images.shape == (6, 4, 3, 1) and data.images.dtype == np.float32
        np.testing.assert_allclose(data.images[..., 0], _expected(images), rtol=0, atol=1e-7)
        np.testing.assert_array_equal(data.labels, labels)
        assert data.num_classes == int(labels.max()) + 1
    # Hand-computed values at known positions: row 0 is [0*40, 51, 102] for image 0.
    assert data.images[0, 0, 1, 0] == pytest.approx(-0.6, abs=1e-7)
    assert data.images[0, 0, 2, 0] == pytest.approx(-0.2, abs=1e-7)
    assert data.images.min() == -1.0 and data.images.max() == 1.0


def test_read_idx_reads_shapes_and_types(tmp_path):
    values = np.arange(12, dtype=np.int32).reshape(3, 4) - 5
    write_idx(tmp_path / "ints.idx", values, type_code=0x0C)
    np.testing.assert_array_equal(kdata.read_idx(tmp_path / "ints.idx"), values)


def test_idx_errors_are_clear(tmp_path):
    images, labels = _mnist_like()
    bad = tmp_path / "bad-images-idx3-ubyte"
    bad.write_bytes(b"\x12\x34\x08\x03" + b"\x00" * 40)
    with pytest.raises(ValueError, match=r"not an IDX file: magic number 305399811"):
        kdata.load_arrays(str(bad))
    truncated = tmp_path / "cut-images-idx3-ubyte"
    write_idx(truncated, images)
    truncated.write_bytes(truncated.read_bytes()[:-5])
    with pytest.raises(ValueError, match=r"holds 67 bytes of data.*needs 72"):
        kdata.load_arrays(str(truncated))
    swapped = tmp_path / "swap-images-idx3-ubyte"
    write_idx(swapped, labels)  # a labels file where images are expected
    with pytest.raises(ValueError, match=r"magic number 2049; expected 2051"):
        kdata.load_arrays(str(swapped))
    write_idx(tmp_path / "few-images-idx3-ubyte", images)
    write_idx(tmp_path / "few-labels-idx1-ubyte", labels[:4])
    with pytest.raises(ValueError, match=r"hold 6 examples but labels .* hold 4"):
        kdata.load_arrays(str(tmp_path / "few-images-idx3-ubyte"))


def test_idx_folder_picks_the_split_and_labels_are_optional(tmp_path):
    images, labels = _mnist_like()
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", images, gz=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels, gz=True)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images[:2], gz=True)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels[:2], gz=True)
    assert len(kdata.load_arrays(tmp_path, split="train")) == 6
    assert len(kdata.load_arrays(tmp_path, split="test")) == 2
    assert len(kdata.load_arrays(tmp_path, split="all")) == 8
    with pytest.raises(ValueError, match=r"split='validation'"):
        kdata.load_arrays(tmp_path, split="validation")

    unlabelled = tmp_path / "unlabelled"
    unlabelled.mkdir()
    write_idx(unlabelled / "x-images-idx3-ubyte", images)
    data = kdata.load_arrays(unlabelled)
    assert data.labels is None and data.num_classes is None
    with pytest.raises(ValueError, match=r"has no labels"):
        kdata.load_arrays(unlabelled, with_labels=True)


# ----------------------------------------------------------------------------- image folders


def test_class_folders_give_sorted_labels_and_exact_pixels(tmp_path):
    rng = np.random.default_rng(0)
    written = {}
    for name, count in (("zebra", 2), ("cat", 3)):
        (tmp_path / name).mkdir()
        for i in range(count):
            pixels = rng.integers(0, 256, size=(5, 6), dtype=np.uint8)
            write_png(tmp_path / name / f"{i}.png", pixels)
            written[(name, i)] = pixels
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    data = kdata.load_arrays(str(tmp_path), with_labels=True)
    assert data.class_names == ("cat", "zebra") and data.num_classes == 2
    np.testing.assert_array_equal(data.labels, [0, 0, 0, 1, 1])
    assert data.images.shape == (5, 5, 6, 1)
    order = [("cat", 0), ("cat", 1), ("cat", 2), ("zebra", 0), ("zebra", 1)]
    for row, key in enumerate(order):
        np.testing.assert_allclose(data.images[row, ..., 0], _expected(written[key]), atol=1e-7)
    rgb = kdata.load_arrays(str(tmp_path), channels=3)
    assert rgb.images.shape == (5, 5, 6, 3)
    np.testing.assert_array_equal(rgb.images[..., 2], data.images[..., 0])


def test_flat_rgb_folder_has_no_labels_and_converts_to_gray(tmp_path):
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[0, 0] = (255, 0, 0)
    rgb[0, 1] = (0, 255, 0)
    rgb[1, 0] = (0, 0, 255)
    rgb[1, 1] = (255, 255, 255)
    write_png(tmp_path / "a.png", rgb)
    write_png(tmp_path / "b.png", 255 - rgb)
    data = kdata.load_arrays(tmp_path)
    assert data.labels is None and data.images.shape == (2, 2, 2, 3)
    np.testing.assert_allclose(data.images[0], _expected(rgb), atol=1e-7)
    with pytest.raises(ValueError, match=r"Dataset '.*' has no labels"):
        kdata.load_arrays(tmp_path, with_labels=True)
    gray = kdata.load_arrays(tmp_path, channels=1)
    # BT.601 luma: 0.299 R + 0.587 G + 0.114 B, one 8-bit gray level of tolerance.
    luma = np.array([[0.299 * 255, 0.587 * 255], [0.114 * 255, 255.0]])
    np.testing.assert_allclose(gray.images[0, ..., 0], luma / 127.5 - 1.0, atol=1.01 / 127.5)


def test_folder_of_mixed_sizes_needs_image_size(tmp_path):
    write_png(tmp_path / "small.png", np.full((4, 4), 153, np.uint8))
    write_png(tmp_path / "large.png", np.full((8, 6), 51, np.uint8))
    with pytest.raises(ValueError, match=r"different sizes.*image_size=None"):
        kdata.load_arrays(tmp_path)
    data = kdata.load_arrays(tmp_path, image_size=4)
    assert data.images.shape == (2, 4, 4, 1)
    # A constant image stays that constant after resizing (sorted: large, small).
    np.testing.assert_allclose(data.images[0], -0.6, atol=1e-6)
    np.testing.assert_allclose(data.images[1], 0.2, atol=1e-6)


def test_folder_with_split_subfolders(tmp_path):
    for split, count in (("train", 3), ("test", 1)):
        for label in ("a", "b"):
            (tmp_path / split / label).mkdir(parents=True)
            for i in range(count):
                write_png(tmp_path / split / label / f"{i}.png", np.zeros((3, 3), np.uint8))
    assert len(kdata.load_arrays(tmp_path, split="train")) == 6
    test = kdata.load_arrays(tmp_path, split="test")
    assert len(test) == 2 and test.class_names == ("a", "b")
    with pytest.raises(ValueError, match=r"splits \['test', 'train'\].*split='all'"):
        kdata.load_arrays(tmp_path, split="all")


# ----------------------------------------------------------------------------- npz


def test_npz_uint8_and_per_split_keys(tmp_path):
    images, labels = _mnist_like()
    np.savez(tmp_path / "plain.npz", x=images, y=labels)
    data = kdata.load_arrays(str(tmp_path / "plain.npz"), with_labels=True)
    np.testing.assert_allclose(data.images[..., 0], _expected(images), atol=1e-7)
    np.testing.assert_array_equal(data.labels, labels)
    assert data.num_classes == int(labels.max()) + 1

    # keras.datasets' mnist.npz layout.
    np.savez(
        tmp_path / "keras.npz", x_train=images, y_train=labels, x_test=images[:2], y_test=labels[:2]
    )
    test = kdata.load_arrays(str(tmp_path / "keras.npz"), split="test")
    np.testing.assert_array_equal(test.labels, labels[:2])
    with pytest.raises(ValueError, match=r"no images for split 'validation'.*x_test"):
        kdata.load_arrays(str(tmp_path / "keras.npz"), split="validation")


def test_npz_float_ranges_and_vectors(tmp_path):
    floats = np.linspace(-1, 1, 2 * 3 * 3 * 3, dtype=np.float32).reshape(2, 3, 3, 3)
    np.savez(tmp_path / "float.npz", images=floats)
    data = kdata.load_arrays(str(tmp_path / "float.npz"))
    np.testing.assert_array_equal(data.images, floats)
    assert data.labels is None

    np.savez(tmp_path / "wide.npz", x=floats * 2)
    with pytest.raises(ValueError, match=r"must already lie in \[-1, 1\].*max=2.0"):
        kdata.load_arrays(str(tmp_path / "wide.npz"))
    np.savez(tmp_path / "unit.npz", x=(floats + 1) / 2)
    with pytest.warns(UserWarning, match=r"no negative value"):
        kdata.load_arrays(str(tmp_path / "unit.npz"))

    points = np.array([[10.0, -3.0], [0.5, 7.0]], np.float32)
    np.savez(tmp_path / "points.npz", x=points, y=np.array([0, 1]))
    vectors = kdata.load_arrays(str(tmp_path / "points.npz"))
    np.testing.assert_array_equal(vectors.images, points)  # unscaled
    np.savez(tmp_path / "nokey.npz", pixels=floats)
    with pytest.raises(ValueError, match=r"Found keys: \['pixels'\]"):
        kdata.load_arrays(str(tmp_path / "nokey.npz"))


# ----------------------------------------------------------------------------- TFDS


@pytest.fixture(scope="module")
def tiny_tfds_dir(tmp_path_factory):
    data_dir = str(tmp_path_factory.mktemp("tfds"))
    KerasGanTinyImages(data_dir=data_dir).download_and_prepare()
    return data_dir


def _assert_round_trip(data, split):
    images, labels = tiny_tfds_examples(split)
    assert data.images.shape == images.shape and data.images.dtype == np.float32
    # TFDS shuffles examples when preparing: match by content, exactly.
    expected = {
        (images[i].astype(np.float32) / np.float32(127.5) - np.float32(1)).tobytes(): labels[i]
        for i in range(len(images))
    }
    found = {}
    for image, label in zip(data.images, data.labels):
        assert image.tobytes() in expected, "an image did not round-trip exactly"
        found[image.tobytes()] = label
    assert found == expected  # every example once, with its label
    np.testing.assert_allclose(
        np.sort(data.images.ravel()), np.sort(_expected(images).ravel()), atol=1e-7
    )


def test_tfds_round_trip(tiny_tfds_dir):
    data = kdata.load_arrays(f"tfds:{TINY_TFDS_NAME}", data_dir=tiny_tfds_dir, with_labels=True)
    _assert_round_trip(data, "train")
    assert data.num_classes == 3 and data.class_names == ("a", "b", "c")
    assert data.name == f"tfds:{TINY_TFDS_NAME}"
    assert data.images.min() == -1.0 and data.images.max() == 1.0
    _assert_round_trip(
        kdata.load_arrays(f"tfds:{TINY_TFDS_NAME}:1.0.0", split="test", data_dir=tiny_tfds_dir),
        "test",
    )
    # A bare registered builder name resolves to TFDS too.
    _assert_round_trip(kdata.load_arrays(TINY_TFDS_NAME, data_dir=tiny_tfds_dir), "train")
    resized = kdata.load_arrays(
        f"tfds:{TINY_TFDS_NAME}", data_dir=tiny_tfds_dir, image_size=4, channels=3, num_examples=5
    )
    assert resized.images.shape == (5, 4, 4, 3)


def test_tfds_load_pipeline(tiny_tfds_dir):
    dataset = kdata.load(
        f"tfds:{TINY_TFDS_NAME}", batch_size=8, data_dir=tiny_tfds_dir, with_labels=True
    )
    got = batches(dataset)
    assert len(got) == 2 and all(b[0].shape == (8, 8, 8, 1) and b[1].dtype == np.int32 for b in got)


def test_tfds_missing_and_unknown(tmp_path):
    empty = str(tmp_path / "empty")
    with pytest.raises(FileNotFoundError) as info:
        kdata.load_arrays(f"tfds:{TINY_TFDS_NAME}", data_dir=empty)
    message = str(info.value)
    assert empty in message and f"tfds build {TINY_TFDS_NAME} --data_dir=" in message
    with pytest.raises(ValueError, match=r"Unknown TFDS data set 'tfds:no_such_data_set_xyz'"):
        kdata.load_arrays("tfds:no_such_data_set_xyz", data_dir=empty)
    with pytest.raises(FileNotFoundError, match=r"'tfds:mnist' is not prepared"):
        kdata.load_arrays("mnist", data_dir=empty)


# ----------------------------------------------------------------------------- resolution


def test_unknown_sources_and_bad_arguments(tmp_path):
    with pytest.raises(ValueError) as info:
        kdata.load_arrays("foo")
    assert str(info.value).startswith(
        "Unknown dataset 'foo'. Expected one of the built-in data sets ['digits', 'ring8', "
        "'grid25'], an existing path (image folder, IDX file or folder, .npz), or a TFDS name "
        "('tfds:mnist')"
    )
    missing = str(tmp_path / "nope.npz")
    with pytest.raises(FileNotFoundError, match=rf"source={missing!r}".replace(".", r"\.")):
        kdata.load_arrays(missing)
    with pytest.raises(FileNotFoundError, match=r"does not exist"):
        kdata.load_arrays(pathlib.Path(tmp_path / "digits"))  # a Path is never a name
    with pytest.raises(ValueError, match=r"channels=2"):
        kdata.load_arrays("digits", channels=2)
    with pytest.raises(ValueError, match=r"num_examples=0"):
        kdata.load_arrays("digits", num_examples=0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"holds neither IDX files"):
        kdata.load_arrays(tmp_path / "empty")


def test_existing_path_wins_over_a_tfds_name(tmp_path, monkeypatch):
    images, labels = _mnist_like()
    (tmp_path / "mnist").mkdir()
    write_idx(tmp_path / "mnist" / "t10k-images-idx3-ubyte", images)
    monkeypatch.chdir(tmp_path)
    assert len(kdata.load_arrays("mnist")) == 6


# ----------------------------------------------------------------------------- pipelines


def _indexed(num, num_classes=7):
    """ArrayData whose example i is the vector [i, -i]: batches reveal their indices."""
    index = np.arange(num, dtype=np.float32)
    return kdata.ArrayData(
        images=np.stack([index, -index], axis=1),
        labels=np.arange(num) % num_classes,
        num_classes=num_classes,
        name="indexed",
    )


def test_load_batches_shuffles_and_repeats():
    data = _indexed(50)
    unshuffled = batches(kdata.from_arrays(data, batch_size=16, shuffle=False))
    assert len(unshuffled) == 3
    np.testing.assert_array_equal(np.concatenate(unshuffled)[:, 0], np.arange(48))
    first = batches(kdata.from_arrays(data, batch_size=10, seed=4))
    again = batches(kdata.from_arrays(data, batch_size=10, seed=4))
    np.testing.assert_array_equal(np.concatenate(first), np.concatenate(again))
    assert sorted(np.concatenate(first)[:, 0].tolist()) == list(range(50))
    assert not np.array_equal(np.concatenate(first)[:, 0], np.arange(50))
    repeated = kdata.from_arrays(data, batch_size=10, repeat=True)
    assert len(batches(repeated.take(12))) == 12
    kept = batches(kdata.from_arrays(data, batch_size=16, shuffle=False, drop_remainder=False))
    assert [len(b) for b in kept] == [16, 16, 16, 2]
    with pytest.raises(ValueError, match=r"batch_size=64"):
        kdata.from_arrays(data, batch_size=64)


def test_load_digits_with_labels():
    dataset = kdata.load("digits", batch_size=100, image_size=16, with_labels=True)
    got = batches(dataset)
    assert len(got) == 14  # 1438 // 100
    images, labels = got[0]
    assert images.shape == (100, 16, 16, 1) and images.dtype == np.float32
    assert labels.dtype == np.int32 and labels.min() >= 0 and labels.max() <= 9
    assert -1.0 <= images.min() and images.max() <= 1.0
    with pytest.raises(ValueError, match=r"has no labels"):
        kdata.from_arrays(
            kdata.ArrayData(np.zeros((4, 2), np.float32), None, None, "x"),
            batch_size=2,
            with_labels=True,
        )


def _epoch_indices(dataset):
    return [b[0][:, 0].astype(int) for b in batches(dataset)]


def test_epoch_dataset_is_deterministic_and_each_epoch_a_permutation():
    data = _indexed(40)
    stream = kdata.epoch_dataset(data, batch_size=8, seed=5, num_epochs=3, with_labels=True)
    got = batches(stream)
    again = batches(kdata.epoch_dataset(data, batch_size=8, seed=5, num_epochs=3, with_labels=True))
    assert len(got) == 15
    for (images, labels), (images2, labels2) in zip(got, again):
        np.testing.assert_array_equal(images, images2)
        np.testing.assert_array_equal(labels, labels2)
        np.testing.assert_array_equal(labels, images[:, 0].astype(int) % 7)  # aligned
        assert labels.dtype == np.int32
    indices = [b[0][:, 0].astype(int) for b in got]
    epochs = [np.concatenate(indices[5 * e : 5 * e + 5]) for e in range(3)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(40))
    assert not np.array_equal(epochs[0], epochs[1])
    other_seed = _epoch_indices(kdata.epoch_dataset(data, batch_size=8, seed=6, with_labels=True))
    assert not np.array_equal(np.concatenate(other_seed), epochs[0])


def test_epoch_dataset_resumes_exactly():
    data = _indexed(43)  # 5 batches of 8 per epoch, 3 examples dropped each epoch
    full = _epoch_indices(
        kdata.epoch_dataset(data, batch_size=8, seed=9, num_epochs=3, with_labels=True)
    )
    assert len(full) == 15
    resumed = _epoch_indices(
        kdata.epoch_dataset(
            data, batch_size=8, seed=9, start_epoch=1, num_epochs=2, with_labels=True
        )
    )
    for a, b in zip(full[5:], resumed, strict=True):
        np.testing.assert_array_equal(a, b)
    mid = _epoch_indices(
        kdata.epoch_dataset(
            data,
            batch_size=8,
            seed=9,
            start_epoch=1,
            num_epochs=2,
            skip_batches=3,
            with_labels=True,
        )
    )
    for a, b in zip(full[8:], mid, strict=True):
        np.testing.assert_array_equal(a, b)
    # The permutation is the documented stateless shuffle of (seed, epoch).
    expected = kdata.epoch_permutation(43, 9, 2).numpy()[:40]
    np.testing.assert_array_equal(np.concatenate(full[10:]), expected)
    endless = kdata.epoch_dataset(data, batch_size=8, seed=9, num_epochs=None)
    assert len(batches(endless.take(12))) == 12


def test_epoch_dataset_validates():
    data = _indexed(10)
    with pytest.raises(ValueError, match=r"skip_batches=5"):
        kdata.epoch_dataset(data, batch_size=2, seed=0, skip_batches=5)
    with pytest.raises(ValueError, match=r"batch_size=11"):
        kdata.epoch_dataset(data, batch_size=11, seed=0)
    with pytest.raises(ValueError, match=r"num_epochs=0"):
        kdata.epoch_dataset(data, batch_size=2, seed=0, num_epochs=0)
    unlabelled = kdata.ArrayData(data.images, None, None, "unlabelled")
    with pytest.raises(ValueError, match=r"Dataset 'unlabelled' has no labels"):
        kdata.epoch_dataset(unlabelled, batch_size=2, seed=0, with_labels=True)
