"""Time-to-FID curves: each run's own FID (its `metrics.csv`) against training CPU-minutes.

    python benchmarks/fid_curves.py RUN_DIR [RUN_DIR ...] --png PATH [--metric fid]
        [--label NAME ...]

A run trained with `keras-gan train --metrics-every N` writes a row of `metrics.csv` every
N epochs: the metric on the run's own extractor (for `--metrics-extractor domain`, a
classifier of the run's data and `--metrics-samples` samples, 1,000 by default) and the
training CPU-seconds spent so far (`train_cpu_seconds`: the process's CPU time inside
`fit`, without the metric evaluations). One line per run, log y. These are the run's own
numbers, not `benchmarks/mnist_fid.py`'s held-out protocol: compare lines of one figure,
whose runs share data and extractor settings, not across figures.
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def run_curve(run_dir, metric="fid"):
    """`(CPU-minutes, values)` of one run's `metrics.csv` rows that hold `metric`."""
    from keras_gan import runs

    if not os.path.isdir(run_dir):
        raise ValueError(f"{run_dir}: no such run directory.")
    minutes, values = runs.RunDirectory(run_dir).read_cpu_curve(metric)
    if not minutes:
        raise ValueError(f"{run_dir}: its metrics.csv has no rows with `{metric}` and "
                         "`train_cpu_seconds` (train with --metrics-every N).")
    return minutes, values


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+", metavar="RUN_DIR")
    parser.add_argument("--png", required=True, help="Where the figure is written.")
    parser.add_argument("--metric", default="fid", help="A column of metrics.csv.")
    parser.add_argument("--label", action="append", default=None,
                        help="A legend name per run, in order (default: the run's folder).")
    args = parser.parse_args(argv)
    labels = args.label or [os.path.basename(os.path.normpath(d)) for d in args.run_dirs]
    if len(labels) != len(args.run_dirs):
        parser.error(f"--label must be given once per RUN_DIR ({len(args.run_dirs)}). "
                     f"Received: {len(labels)} labels")
    from keras_gan import visualize

    try:
        curves = {label: run_curve(d, args.metric) for label, d in zip(labels, args.run_dirs)}
    except (OSError, ValueError) as error:
        print(f"fid_curves: {error}", file=sys.stderr)
        return 2
    visualize.save_xy_curves(curves, args.png, f"{args.metric} (each run's own metrics.csv)",
                             "training CPU-minutes", args.metric, log_y=True)
    for label, (minutes, values) in curves.items():
        print(f"{label}: {args.metric} {values[-1]:.4g} at {minutes[-1]:.1f} CPU-min")
    print(f"Wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
