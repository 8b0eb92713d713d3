"""Image inpainting benchmark: GAIN vs mean / KNN imputation on MNIST digits.

Needs the MNIST test split in IDX format at ../shared/data/mnist (not in the default tests).

Protocol (recorded in the JSON):
- Data: the 10,000 MNIST test images, pixels in [0, 1]. The domain classifier
  (`keras_gan.metrics.load_or_train_domain_classifier`, as in benchmarks/mnist_fid.py) is
  trained on a seeded 80% (8,000); the imputers also learn on those 8,000 (with their
  masks) and are scored on the other 2,000, which neither has seen.
- Masks: "pixels50", each pixel missing with probability 0.5; "block14", a 14x14 square
  at a uniformly random position per image. Drawn once per image (seeded).
- Methods: mean (per-pixel mean of the observed training pixels), KNNImputer(5) fitted on
  the training images, GAIN (the paper's MLP, widths 784; `--steps`, batch 128).
- Scores: RMSE over the missing pixels, and the domain classifier's accuracy on the
  imputed held-out digits (beside its accuracy on the originals and on the masked images
  with missing pixels set to 0).
- Figure: docs/images/gain_mnist.png: rows masked / GAIN-imputed / original, for both masks.

Usage:
    python benchmarks/imputation_images.py [--data-dir ../shared/data/mnist] [--steps 4000]
"""

import argparse
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def masks(kind, n, seed):
    rng = np.random.default_rng(seed)
    if kind == "pixels50":
        return (rng.uniform(size=(n, 28, 28, 1)) >= 0.5).astype("float32")
    mask = np.ones((n, 28, 28, 1), "float32")
    corners = rng.integers(0, 28 - 14 + 1, size=(n, 2))
    for i, (r, c) in enumerate(corners):
        mask[i, r:r + 14, c:c + 14, :] = 0.0
    return mask


def accuracy(extractor, images01, labels):
    _, logits = extractor.model.predict(images01 * 2.0 - 1.0, batch_size=500, verbose=0)
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def rmse(truth, imputed, mask):
    missing = mask == 0
    return float(np.sqrt(np.mean((truth[missing] - imputed[missing]) ** 2)))


def grid(rows, path):
    from PIL import Image

    tiles = [np.concatenate(list(row[..., 0]), axis=1) for row in rows]
    picture = np.concatenate(tiles, axis=0)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray((np.clip(picture, 0, 1) * 255).astype("uint8")).resize(
        (picture.shape[1] * 2, picture.shape[0] * 2), Image.NEAREST).save(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "..", "shared", "data", "mnist"))
    parser.add_argument("--work-dir", default=os.path.join("/tmp", "keras_gan_mnist_fid"))
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None,
                        help="Use only this many of the training / held-out images (a smoke run).")
    parser.add_argument("--masks", default="pixels50,block14")
    parser.add_argument("--output", default=os.path.join(ROOT, "benchmarks", "results", "imputation_images.json"))
    parser.add_argument("--figure", default=os.path.join(ROOT, "docs", "images", "gain_mnist.png"))
    args = parser.parse_args(argv)
    args.data_dir = os.path.abspath(args.data_dir)
    if not os.path.isdir(args.data_dir):
        print(f"imputation_images: MNIST not found at {args.data_dir} (pass --data-dir)", file=sys.stderr)
        return 2

    import keras
    from sklearn.impute import KNNImputer

    from keras_gan import data, metrics
    from keras_gan.imputation import train_gain

    mnist = data.load_arrays(args.data_dir, with_labels=True)
    images = (mnist.images + 1.0) / 2.0  # [0, 1]
    extractor = metrics.load_or_train_domain_classifier(args.work_dir, args.data_dir, seed=args.seed,
                                                        epochs=1 if args.limit else 10)
    # The classifier's own split (load_or_train_domain_classifier holds out a seeded 20%).
    order = np.random.default_rng(args.seed).permutation(len(images))
    cut = int(0.8 * len(order))
    train, test = images[order[:cut]], images[order[cut:]]
    test_labels = mnist.labels[order[cut:]]
    if args.limit:
        train, test, test_labels = train[:args.limit], test[:args.limit], test_labels[:args.limit]
    report = {"protocol": __doc__.split("Usage:")[0].strip(), "steps": args.steps, "seed": args.seed,
              "classifier_accuracy_original": accuracy(extractor, test, test_labels),
              "classifier_protocol": {k: v for k, v in extractor.protocol.items() if k != "weights_sha256"},
              "masks": {}}
    figure_rows = []
    for kind in args.masks.split(","):
        train_mask = masks(kind, len(train), args.seed)
        test_mask = masks(kind, len(test), args.seed + 1)
        result = {"masked_accuracy": accuracy(extractor, test * test_mask, test_labels)}
        observed_train = np.where(train_mask > 0, train, np.nan)
        start = time.process_time()
        mean_image = np.nan_to_num(np.nanmean(observed_train, axis=0), nan=0.0)
        mean_imputed = np.where(test_mask > 0, test, mean_image[None])
        result["mean"] = {"cpu_seconds": time.process_time() - start}
        start = time.process_time()
        knn = KNNImputer(n_neighbors=5, keep_empty_features=True).fit(observed_train.reshape(len(train), -1))
        knn_imputed = knn.transform(np.where(test_mask > 0, test, np.nan).reshape(len(test), -1)).reshape(test.shape)
        knn_imputed = np.where(test_mask > 0, test, knn_imputed)
        result["knn"] = {"cpu_seconds": time.process_time() - start}
        start = time.process_time()
        model = train_gain(observed_train, train_mask, steps=args.steps, seed=args.seed)
        gain_imputed = model.impute(np.where(test_mask > 0, test, 0.0), test_mask, seed=args.seed)
        result["gain"] = {"cpu_seconds": time.process_time() - start}
        keras.backend.clear_session()
        for name, imputed in (("mean", mean_imputed), ("knn", knn_imputed), ("gain", gain_imputed)):
            result[name].update(rmse=rmse(test, imputed, test_mask),
                                accuracy=accuracy(extractor, imputed, test_labels))
        report["masks"][kind] = result
        print(kind, json.dumps(result), flush=True)
        pick = np.arange(12)
        figure_rows += [test[pick] * test_mask[pick], gain_imputed[pick], test[pick]]
        # Written after every mask: an interrupted run keeps what it measured.
        grid(figure_rows, args.figure)
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output + ".tmp", "w") as f:
            json.dump(report, f, indent=1)
        os.replace(args.output + ".tmp", args.output)
    print(json.dumps({k: v for k, v in report.items() if k != "protocol"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
