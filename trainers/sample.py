"""`keras-gan sample`: a PNG grid of samples from a run directory's generator.

The grid is laid out by `keras_gan.visualize.grid_layout` (the layout of the training
sample grids and of docs/gallery.py): conditional runs get one row per class, InfoGAN
one row per value of its categorical code, other runs random samples; every input comes
from the model's training prior (`keras_gan.sampling.prior_inputs` of its model.json).
"""

import os

import numpy as np

from keras_gan import runs, sampling, visualize


def load_generator(run_dir, use_ema=True):
    """(generator, facts) from a run directory (`ema_generator.keras` when present and
    `use_ema`), custom layers registered first."""
    generator, facts, _ = runs.load_generator(run_dir, use_ema=None if use_ema else False)
    return generator, facts


def sample_run(run_dir, output=None, num_samples=64, seed=0, use_ema=True):
    """Writes the sample grid (or, for 2-D toy data, a scatter plot) of a run.

    Returns:
        (path, layout): the PNG written and its `visualize.GridLayout` (None for a
        scatter plot).
    """
    generator, facts = load_generator(run_dir, use_ema=use_ema)
    output = output or os.path.join(run_dir, runs.SAMPLE_GRID)
    if len(facts.image_shape) == 1:
        samples = sampling.generate(generator, sampling.prior_inputs(facts, num_samples, seed))
        visualize.save_scatter(samples, output)
        return output, None
    layout = visualize.grid_layout(facts, num_samples, seed=seed)
    samples = np.asarray(sampling.generate(generator, layout.inputs))
    visualize.save_image_grid(samples, output, num_rows=layout.num_rows)
    return output, layout


def add_arguments(parser):
    parser.add_argument("--run-dir", dest="run_dir", required=True)
    parser.add_argument("--output", default=None, help="PNG path. Default: RUN_DIR/sample.png")
    parser.add_argument("--num-samples", dest="num_samples", type=int, default=64,
                        help="Samples (with one row per class or code value: columns = "
                        "num_samples // rows). Default: 64.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-ema", dest="use_ema", action="store_false")


def run(args):
    if args.num_samples < 1:
        raise ValueError(f"`--num-samples` must be a positive integer. Received: --num-samples "
                         f"{args.num_samples}")
    output, layout = sample_run(args.run_dir, args.output, args.num_samples, args.seed,
                                args.use_ema)
    print(f"Wrote {output}")
    if layout is not None and layout.row_labels:
        print(f"Rows, top to bottom ({layout.meaning}): {', '.join(layout.row_labels)}")
    return 0
