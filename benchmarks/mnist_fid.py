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
  through the same extractor.

Usage:
    python benchmarks/mnist_fid.py [--data-dir ../shared/data/mnist] [--run-dir RUN]
        [--output benchmarks/results/mnist_fid.json]
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
    args = parser.parse_args(argv)
    args.data_dir = os.path.abspath(args.data_dir)

    from keras_gan import data, metrics

    if not os.path.isdir(args.data_dir):
        print(f"mnist_fid: MNIST not found at {args.data_dir} (pass --data-dir)", file=sys.stderr)
        return 2
    start = time.time()
    machine_facts = machine.machine_facts()
    print(machine.describe(machine_facts))
    mnist = data.load_arrays(args.data_dir, with_labels=True)
    extractor = metrics.load_or_train_domain_classifier(
        args.work_dir, args.data_dir, epochs=args.epochs, seed=args.seed)
    print(f"domain classifier: held-out accuracy {extractor.protocol['test_accuracy']:.4f} "
          f"({extractor.protocol['num_train']} train / {extractor.protocol['num_test']} held out)")

    order = np.random.default_rng(args.seed).permutation(len(mnist.images))
    half = len(order) // 2
    first, second = mnist.images[order[:half]], mnist.images[order[half:]]
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
            "halves": "seeded permutation (numpy default_rng(seed)), 5,000 + 5,000, disjoint",
            "seed": args.seed, "extractor": extractor.protocol, **metric_protocol,
            "note": "classifier trained on 8,000 of the same 10,000 images (no MNIST train "
                    "split here); both halves hold ~4,000 of them alike",
        },
    }
    print("floor (half vs half): " + ", ".join(f"{k}={v:.4g}" for k, v in floor.items()))

    if args.run_dir:  # hook: a trained generator's numbers under the same protocol
        from keras_gan import runs, sampling

        # The EMA generator when the run has one, fed its training prior (InfoGAN's codes,
        # StyleGAN2's random noise inputs).
        generator, facts, path = runs.load_generator(args.run_dir)
        fake = metrics.generator_features(
            extractor, generator, args.num_samples, batch_size=250, seed=args.seed,
            prior=lambda n, seed: sampling.prior_inputs(facts, n, seed))
        real = {key: value[:args.num_samples] for key, value in features_second.items()}
        values, _ = _all_metrics(real, fake, args.seed)
        report["generator"] = {"run_dir": os.path.abspath(args.run_dir), "generator": path,
                               "step": facts.get("step"), "num_fake": args.num_samples,
                               "metrics": values}
        print("generator vs second half: " + ", ".join(f"{k}={v:.4g}" for k, v in values.items()))

    report["seconds"] = round(time.time() - start, 1)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
