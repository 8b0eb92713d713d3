"""`keras-gan evaluate`: FID, KID, IS, precision/recall, density/coverage and Parzen
log-likelihood of a run directory's generator, written to RUN_DIR/metrics.json with the
protocol (extractor, weights sha256, sample counts, split, resize) and printed as a table.
"""

from keras_gan import runs
from keras_gan.metrics import evaluation
from keras_gan.training import strategies


def add_arguments(parser):
    parser.add_argument("--run-dir", dest="run_dir", required=True,
                        help="Run directory written by `keras-gan train`.")
    parser.add_argument("--metrics", default=",".join(evaluation.DEFAULT_METRICS),
                        help=f"Comma-separated subset of {','.join(evaluation.METRICS)} "
                             "(pr: precision/recall, dc: density/coverage). Default: %(default)s")
    parser.add_argument("--num-samples", dest="num_samples", type=int, default=10000,
                        help="Generated images (and at most this many real). Default: %(default)s")
    parser.add_argument("--extractor", choices=evaluation.EXTRACTORS, default="inception",
                        help="inception: InceptionV3 ImageNet features; domain: a classifier "
                             "trained once on the real data, cached in the run dir. "
                             "Default: %(default)s")
    parser.add_argument("--inception-weights", dest="inception_weights", default="imagenet",
                        help="InceptionV3 weights file (inception_v3_weights_tf_dim_ordering_"
                             "tf_kernels.h5); default: Keras's cache ~/.keras/models. Never "
                             "downloaded. 'random': untrained weights (testing the pipeline "
                             "only; the numbers mean nothing).")
    parser.add_argument("--dataset", default=None,
                        help="Real data set. Default: the run's config.json 'dataset'.")
    parser.add_argument("--split", default="test", help="Real split. Default: %(default)s")
    parser.add_argument("--data-dir", dest="data_dir", default=None, help="TFDS data directory.")
    parser.add_argument("--batch-size", dest="batch_size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-ema", dest="use_ema", action="store_const", const=False,
                        default=None, help="Evaluate generator.keras even if an EMA one exists.")
    parser.add_argument("--domain-epochs", dest="domain_epochs", type=int, default=10,
                        help="Training epochs of the domain classifier. Default: %(default)s")
    parser.add_argument("--output", default=None,
                        help="Report path. Default: RUN_DIR/metrics.json")
    parser.add_argument("--strategy", choices=strategies.STRATEGIES, default="default",
                        help="mirrored: split each batch over the local GPUs (or logical CPUs).")
    parser.add_argument("--no-progress", dest="progress", action="store_false")


def run(args):
    report = evaluation.evaluate_run(
        args.run_dir, metrics=args.metrics, num_samples=args.num_samples,
        extractor=args.extractor,
        inception_weights=None if args.inception_weights == "random" else args.inception_weights,
        dataset=args.dataset, split=args.split, data_dir=args.data_dir,
        batch_size=args.batch_size, seed=args.seed, use_ema=args.use_ema,
        progress=args.progress, output=args.output, domain_epochs=args.domain_epochs,
        strategy=None if args.strategy == "default" else strategies.make_strategy(args.strategy))
    print(evaluation.format_table(report))
    print(f"Wrote {args.output or runs.RunDirectory(args.run_dir).metrics_report}")
    return 0
