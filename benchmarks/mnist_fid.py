"""MNIST quality benchmark with the domain extractor (offline FID/KID/IS/precision-recall).

Needs the MNIST test split in IDX format at ../shared/data/mnist (from the project root; a
fresh clone does not have it, so this is not part of the default tests).

Protocol (recorded in the JSON):
- Data: the 10,000 MNIST test images in [-1, 1], 28x28x1.
- Extractor: `keras_gan.metrics.load_or_train_domain_classifier` on that folder: a small CNN
  trained on a seeded 80% of the 10,000 images (8,000), accuracy measured on the other 20%;
  features = its 128-d penultimate layer, probabilities = its softmax.
- Floor: the 10,000 images are cut by a seeded permutation into two disjoint halves of
  5,000; FID, KID, precision/recall and density/coverage between the halves, IS of each.
  This is the best value a generator can reach at N = 5,000 under this protocol.
- Generator (hook): `--run-dir DIR` also evaluates a trained run's generator (e.g. a DCGAN
  trained with `keras-gan train` on MNIST) against the second half, with 5,000 samples,
  through the same extractor, and the same samples against the first half (the digits it
  was trained on, when trained on the halves: `metrics_vs_first_half`; a generator that
  copies its training set scores much better there than held out). A generator of
  another size than 28 (e.g. `--image-size 32`) also gets `floor_through_training_size`:
  the real first half resized to its size and back as its samples are, against the second
  half (the resampling alone blurs the digits: FID 16.3 at 32 px, against 1.94 unresized,
  on an Intel Xeon, 2026-12-07). `--write-halves PATH.npz` writes the two halves (`x_train`:
  the first, `x_test`: the second, uint8, with labels) so that a generator can be trained
  on the first half alone (`keras-gan train --dataset PATH.npz`) and measured on the other.
- Parzen window (Goodfellow et al. 2014, Table 1; `keras_gan.metrics.parzen`): pixels in
  [0, 1], flattened (784-d). The second half is cut into a validation part (the first
  `--parzen-validation` = 1,000 images, where sigma is chosen on `DEFAULT_SIGMAS`) and the
  test points (the other 4,000, where the mean log-likelihood and its standard error are
  reported). The window is fitted on: the 5,000 real digits of the first half (real
  held-out digits in place of samples: what a perfect generator of 5,000 samples would
  score), and with `--run-dir` on `--parzen-samples` = 10,000 generated digits (the
  paper's count) and on the first 5,000 of them (the same count as the real row). The
  paper's 225 +- 2 nats used the 60,000-image training split for sigma and 10,000 test
  digits; here there are 10,000 images in all, so its number is not reproduced exactly.

Usage:
    python benchmarks/mnist_fid.py [--data-dir ../shared/data/mnist] [--run-dir RUN]
        [--output benchmarks/results/mnist_fid.json] [--write-halves PATH.npz]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402  (benchmarks/machine.py)


def _features(extractor, images, batch_size=500):
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(batch_size)
    from keras_gan import metrics

    return metrics.dataset_features(extractor, dataset, progress=True)


def _all_metrics(real, fake, seed):
    from keras_gan import metrics

    values, protocol = metrics.compute_metrics(real, fake, ("fid", "kid", "is", "pr", "dc"),
                                               seed=seed)
    return values, protocol


def _pixels(images):
    """Images in [-1, 1] -> flattened pixels in [0, 1] (the Parzen protocol's space)."""
    images = np.asarray(images, dtype=np.float64)
    return ((images + 1.0) / 2.0).reshape(len(images), -1)


def parzen_rows(fitted_on, validation, test):
    """Goodfellow et al. 2014's Parzen estimate for each `{name: points [n, d]}` of
    `fitted_on`: sigma chosen on `validation` (`DEFAULT_SIGMAS`), the mean log-likelihood
    (nats) and its standard error on `test`. Returns `{name: {...}}`."""
    from keras_gan.metrics import parzen

    rows = {}
    for name, points in fitted_on.items():
        started = time.time()
        sigma, scores = parzen.select_parzen_sigma(points, validation)
        mean, standard_error = parzen.parzen_log_likelihood(points, test, sigma)
        rows[name] = {"log_likelihood": mean, "standard_error": standard_error,
                      "sigma": sigma, "num_fitted": int(len(points)),
                      "num_validation": int(len(validation)), "num_test": int(len(test)),
                      "validation_by_sigma": {f"{k:.4g}": v for k, v in scores.items()},
                      "seconds": round(time.time() - started, 1)}
        print(f"Parzen on {name} ({len(points)} points): {mean:.1f} +- {standard_error:.1f} "
              f"nats at sigma {sigma:.3g}", flush=True)
    return rows


def write_halves(path, first, second, first_labels, second_labels):
    """The two halves as an `.npz` keras-gan reads (`x_train`/`y_train`: the first half,
    `x_test`/`y_test`: the second; uint8 28x28 like the IDX source). Written to a temporary
    file and renamed, so a crash leaves no half-written archive."""
    def to_uint8(images):
        return np.clip(np.rint((np.asarray(images)[..., 0] + 1.0) * 127.5), 0, 255).astype("uint8")

    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    partial = os.path.join(directory, f".{os.path.basename(path)}.partial.npz")
    np.savez_compressed(partial, x_train=to_uint8(first), y_train=np.asarray(first_labels),
                        x_test=to_uint8(second), y_test=np.asarray(second_labels))
    os.replace(partial, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "..", "shared", "data", "mnist"))
    parser.add_argument("--work-dir", default=os.path.join("/tmp", "keras_gan_mnist_fid"),
                        help="Where the domain classifier is trained once and cached.")
    parser.add_argument("--output", default=os.path.join(ROOT, "benchmarks", "results",
                                                         "mnist_fid.json"))
    parser.add_argument("--run-dir", default=None,
                        help="Also evaluate this run's generator (trained on MNIST 28x28x1).")
    parser.add_argument("--num-samples", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=10, help="Domain classifier epochs.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parzen-samples", type=int, default=10000,
                        help="Generated digits the Parzen window is fitted on (with --run-dir).")
    parser.add_argument("--parzen-validation", type=int, default=1000,
                        help="Images of the second half that choose sigma; the rest are the "
                             "test points.")
    parser.add_argument("--write-halves", default=None, metavar="PATH.npz",
                        help="Also write the two halves (x_train: first, x_test: second) to "
                             "train a generator on the first half alone.")
    args = parser.parse_args(argv)
    for name in ("num_samples", "parzen_samples", "parzen_validation"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer. Received: "
                         f"{getattr(args, name)}")
    args.data_dir = os.path.abspath(args.data_dir)

    from keras_gan import data, metrics

    if not os.path.isdir(args.data_dir):
        print(f"mnist_fid: MNIST not found at {args.data_dir} (pass --data-dir)", file=sys.stderr)
        return 2
    start = time.time()
    machine_facts = machine.machine_facts()
    print(machine.describe(machine_facts))
    mnist = data.load_arrays(args.data_dir, with_labels=True)
    order = np.random.default_rng(args.seed).permutation(len(mnist.images))
    half = len(order) // 2
    if args.parzen_validation >= len(order) - half:
        print(f"mnist_fid: --parzen-validation must leave test points in the second half "
              f"({len(order) - half} images). Received: --parzen-validation "
              f"{args.parzen_validation}", file=sys.stderr)
        return 2
    first, second = mnist.images[order[:half]], mnist.images[order[half:]]
    extractor = metrics.load_or_train_domain_classifier(
        args.work_dir, args.data_dir, epochs=args.epochs, seed=args.seed)
    print(f"domain classifier: held-out accuracy {extractor.protocol['test_accuracy']:.4f} "
          f"({extractor.protocol['num_train']} train / {extractor.protocol['num_test']} held out)")
    if args.write_halves:
        write_halves(args.write_halves, first, second, mnist.labels[order[:half]],
                     mnist.labels[order[half:]])
        print(f"Wrote the halves to {args.write_halves} (x_train: first, x_test: second)")
    validation = _pixels(second[:args.parzen_validation])
    test_points = _pixels(second[args.parzen_validation:])
    features_first = _features(extractor, first)
    features_second = _features(extractor, second)
    floor, metric_protocol = _all_metrics(features_first, features_second, args.seed)
    # compute_metrics scores the second ("fake") set; score the first half as well.
    floor["is_second_half"] = floor.pop("is")
    floor["is_second_half_std"] = floor.pop("is_std")
    floor["is_first_half"], floor["is_first_half_std"] = metrics.inception_score(
        features_first["probabilities"], splits=10)
    report = {
        "machine": machine_facts,
        "floor": floor,
        "protocol": {
            "data": os.path.abspath(args.data_dir), "num_images": int(len(mnist.images)),
            "halves": f"seeded permutation (numpy default_rng(seed)), {half:,} + "
                      f"{len(order) - half:,}, disjoint",
            "seed": args.seed, "extractor": extractor.protocol, **metric_protocol,
            "note": "classifier trained on 8,000 of the same 10,000 images (no MNIST train "
                    "split here); both halves hold ~4,000 of them alike",
        },
    }
    print("floor (half vs half): " + ", ".join(f"{k}={v:.4g}" for k, v in floor.items()))
    report["parzen"] = parzen_rows({"real_first_half": _pixels(first)}, validation, test_points)
    report["protocol"]["parzen"] = {
        "space": "pixels in [0, 1], flattened (784)",
        "validation": f"the first {args.parzen_validation} images of the second half (sigma)",
        "test": f"the other {len(order) - half - args.parzen_validation} images of the "
                "second half",
        "sigma_grid": "keras_gan.metrics.parzen.DEFAULT_SIGMAS",
        "paper": "Goodfellow et al. 2014, Table 1: 225 +- 2 nats (GAN, MNIST; 10,000 samples, "
                 "sigma on a validation split of the 60,000 training digits, 10,000 test digits)"}

    if args.run_dir:  # hook: a trained generator's numbers under the same protocol
        from keras_gan import runs, sampling
        from keras_gan.data.arrays import resize_images

        # The EMA generator when the run has one, fed its training prior (InfoGAN's codes,
        # StyleGAN2's random noise inputs).
        generator, facts, path = runs.load_generator(args.run_dir)
        fake = metrics.generator_features(
            extractor, generator, args.num_samples, batch_size=250, seed=args.seed,
            prior=lambda n, seed: sampling.prior_inputs(facts, n, seed))
        real = {key: value[:args.num_samples] for key, value in features_second.items()}
        values, _ = _all_metrics(real, fake, args.seed)
        # The same samples against the half the generator was trained on: a generator that
        # copies its training digits scores far better here than against the held-out half.
        seen = {key: value[:args.num_samples] for key, value in features_first.items()}
        values_seen, _ = _all_metrics(seen, fake, args.seed)
        # Parzen: its own stream of generated digits (pixels, not features), by another seed.
        generated = metrics.generator_features(
            lambda images: {"pixels": images}, generator, args.parzen_samples, batch_size=250,
            seed=args.seed + 1, prior=lambda n, seed: sampling.prior_inputs(facts, n, seed))
        pixels = _pixels(tf.image.resize(generated["pixels"], first.shape[1:3]).numpy()
                         if generated["pixels"].shape[1:3] != first.shape[1:3]
                         else generated["pixels"])
        fitted = {f"generated_{args.parzen_samples}": pixels}
        if args.parzen_samples > half:
            fitted[f"generated_{half}"] = pixels[:half]
        report["parzen"].update(parzen_rows(fitted, validation, test_points))
        report["generator"] = {"run_dir": os.path.abspath(args.run_dir), "generator": path,
                               "step": facts.get("step"), "num_fake": args.num_samples,
                               "metrics": values, "metrics_vs_first_half": values_seen}
        size = int(generator.output_shape[1])
        if size != first.shape[1]:
            # A generator trained at another size learned digits resampled to it (the data
            # pipeline's resize) and is scored after the extractor's resize back: the real
            # first half through the same two resizes is the floor this run can reach.
            resampled = _features(extractor, resize_images(first, size))
            floor_resampled, _ = _all_metrics(resampled, features_second, args.seed)
            report["generator"]["floor_through_training_size"] = {
                "image_size": size, "metrics": floor_resampled,
                "how": f"the real first half resized to {size}x{size} as keras-gan's data "
                       f"pipeline does, then to {first.shape[1]}x{first.shape[2]} as the "
                       "generated digits are, against the second half"}
            print(f"floor through {size}x{size} (real first half resized there and back, vs "
                  "second half): " + ", ".join(f"{k}={v:.4g}" for k, v in floor_resampled.items()))
        print("generator vs second half: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
        print("generator vs first half (its training digits when trained on --write-halves): "
              + ", ".join(f"{k}={v:.4g}" for k, v in values_seen.items()))

    report["seconds"] = round(time.time() - start, 1)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
