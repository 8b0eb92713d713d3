"""`keras-gan sample`: a PNG grid of samples from a run directory's generator."""

import json
import os

import keras
import numpy as np

from keras_gan import visualize


def load_generator(run_dir, use_ema=True):
    """(generator, facts) from a run directory (`ema_generator.keras` when present)."""
    facts_path = os.path.join(run_dir, "model.json")
    if not os.path.exists(facts_path):
        raise FileNotFoundError(
            f"{facts_path!r} not found: `run_dir` must be a directory written by "
            f"`keras-gan train`. Received: run_dir={run_dir!r}"
        )
    with open(facts_path, encoding="utf-8") as f:
        facts = json.load(f)
    names = ["ema_generator.keras", "generator.keras"] if use_ema else ["generator.keras"]
    for name in names:
        path = os.path.join(run_dir, name)
        if os.path.exists(path):
            return keras.saving.load_model(path, compile=False), facts
    raise FileNotFoundError(
        f"No generator in {run_dir!r} (expected generator.keras; a run writes it when it "
        "finishes)."
    )


def add_arguments(parser):
    parser.add_argument("--run-dir", dest="run_dir", required=True)
    parser.add_argument("--output", default=None, help="PNG path. Default: RUN_DIR/sample.png")
    parser.add_argument("--num-samples", dest="num_samples", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-ema", dest="use_ema", action="store_false")


def run(args):
    generator, facts = load_generator(args.run_dir, use_ema=args.use_ema)
    rng = np.random.default_rng(args.seed)
    z = rng.standard_normal((args.num_samples, facts["latent_dim"])).astype("float32")
    inputs = z
    rows = None
    if facts.get("num_classes"):
        labels = np.arange(args.num_samples) % facts["num_classes"]
        inputs, rows = [z, labels.astype("int32")], None
    samples = generator.predict(inputs, verbose=0)
    output = args.output or os.path.join(args.run_dir, "sample.png")
    if samples.ndim == 2:
        visualize.save_scatter(samples, output)
    else:
        visualize.save_image_grid(samples, output, num_rows=rows)
    print(f"Wrote {output}")
    return 0
