"""Mode collapse on the 2-D mixtures, measured as VEEGAN and PacGAN measure it.

    python benchmarks/mode_collapse.py [--datasets ring8,grid25] [--rows gan,pacgan2,...]
        [--seeds 10] [--first-seed 0] [--samples 2500] [--smoke]
        [--json benchmarks/results/mode_collapse.json] [--png benchmarks/results/mode_collapse.png]
    python benchmarks/mode_collapse.py --merge chunk_a.json chunk_b.json [--json ...]

For each data set (`ring8`: 8 Gaussians on a circle, std / radius = 0.01; `grid25`: 25 on
{-4, -2, 0, 2, 4}^2, std 0.05) and each row, `--seeds` runs of `keras-gan train --variant V
--dataset D --seed S --verbose 0 [--option pack=m]` with the recipe's defaults (the command
line is parsed by the CLI's own parser and passed to `keras_gan.training.train`, in this
process, so that the CPU time of training is measured without the interpreter's start-up).
Rows: every variant whose generator takes no label (gan, wgan, wgan_gp, lsgan, sngan,
infogan, bigan, sgan, stylegan2) and PacGAN2/3/4 (the gan recipe with `pack` 2, 3, 4).

After each run, `--samples` points (2,500, as PacGAN) are drawn with `GAN.generate` (EMA
weights when the recipe keeps them) and scored by `keras_gan.metrics.pacgan_mode_metrics`:
modes with >= 1 sample within 3 std, the high-quality fraction, the reverse KL of the
nearest-mode histogram of high-quality samples vs the uniform mixture, and the stricter
`mode_coverage` count (`covered`, >= 1% of the high-quality samples). Per row: mean +-
standard error over seeds, and CPU-seconds per seed (`time.process_time` of the training
call: both cores' time, whatever the load of other processes).

Results accumulate: an existing `--json` keeps its runs and new (data set, row, seed) runs
are added or replace the old ones, so the table can be measured in chunks. The table is
printed beside PacGAN's published rows (Lin et al. 2018, Table 1, 10 trials, mean +- s.e.;
their runs: 400 epochs of 100,000 points at batch 100, i.e. 400,000 steps). `--png` draws
the first seed of every row run by this invocation. Seed chunks may run side by side in
separate processes, each with its own `--json`; `--merge` then adds their runs to `--json`
(a run measured twice with different results is refused).
"""

import argparse
import json
import math
import os
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
BENCHMARKS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCHMARKS_DIR)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

from machine import machine_facts  # noqa: E402  (benchmarks/machine.py)

DATASETS = ("ring8", "grid25")
VARIANT_ROWS = ("gan", "wgan", "wgan_gp", "lsgan", "sngan", "infogan", "bigan", "sgan", "stylegan2")
PACK_ROWS = {"pacgan2": 2, "pacgan3": 3, "pacgan4": 4}
ROWS = VARIANT_ROWS + tuple(PACK_ROWS)
METRICS = ("modes", "high_quality", "reverse_kl", "covered")

# Lin et al. 2018 (arXiv:1712.04086), Table 1: (mean, s.e.) over 10 trials; high quality in %.
PUBLISHED = {
    "ring8": {
        "GAN": {"modes": (6.3, 0.5), "high_quality": (98.2, 0.2), "reverse_kl": (0.45, 0.09)},
        "ALI": {"modes": (6.6, 0.3), "high_quality": (97.6, 0.4), "reverse_kl": (0.36, 0.04)},
        "PacGAN2": {"modes": (7.9, 0.1), "high_quality": (95.6, 2.0), "reverse_kl": (0.07, 0.03)},
        "PacGAN3": {"modes": (7.8, 0.1), "high_quality": (97.7, 0.3), "reverse_kl": (0.10, 0.02)},
        "PacGAN4": {"modes": (7.8, 0.1), "high_quality": (95.9, 1.4), "reverse_kl": (0.07, 0.02)},
    },
    "grid25": {
        "GAN": {"modes": (17.3, 0.8), "high_quality": (94.8, 0.7), "reverse_kl": (0.70, 0.07)},
        "ALI": {"modes": (24.1, 0.4), "high_quality": (95.7, 0.6), "reverse_kl": (0.14, 0.03)},
        "PacGAN2": {"modes": (23.8, 0.7), "high_quality": (91.3, 0.8), "reverse_kl": (0.13, 0.04)},
        "PacGAN3": {"modes": (24.6, 0.4), "high_quality": (94.2, 0.4), "reverse_kl": (0.06, 0.02)},
        "PacGAN4": {"modes": (24.8, 0.2), "high_quality": (93.6, 0.6), "reverse_kl": (0.04, 0.01)},
    },
}


def row_command(row, dataset, seed, output_dir, extra=()):
    """The `keras-gan train` arguments of one run of `row`."""
    if row not in ROWS:
        raise ValueError(f"Unknown row {row!r}. Expected one of {list(ROWS)}.")
    variant = "gan" if row in PACK_ROWS else row
    args = ["--variant", variant, "--dataset", dataset, "--seed", str(seed),
            "--output-dir", output_dir, "--verbose", "0", *extra]
    if row in PACK_ROWS:
        args += ["--option", f"pack={PACK_ROWS[row]}"]
    return args


def summarize(values):
    """(mean, standard error of the mean) of a list; s.e. 0 for one value."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return float("nan"), float("nan")
    se = float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else 0.0
    return float(values.mean()), se


def summary(runs):
    """`{dataset: {row: {metric: [mean, se], "seeds": n, "cpu_s": [mean, se]}}}`."""
    out = {}
    for run in runs:
        out.setdefault(run["dataset"], {}).setdefault(run["row"], []).append(run)
    table = {}
    for dataset, rows in out.items():
        table[dataset] = {}
        for row, items in rows.items():
            entry = {m: list(summarize([r[m] for r in items])) for m in METRICS}
            entry["cpu_s"] = list(summarize([r["cpu_s"] for r in items]))
            entry["seeds"] = sorted(r["seed"] for r in items)
            table[dataset][row] = entry
    return table


def format_table(table):
    """The measured rows beside PacGAN's published ones, one block per data set."""
    lines = []
    for dataset in DATASETS:
        if dataset not in table and dataset not in PUBLISHED:
            continue
        k = 8 if dataset == "ring8" else 25
        lines.append(f"{dataset}: modes (max {k}) | high quality % | reverse KL | covered "
                     "(>= 1%) | seeds | CPU-s/seed")
        for row in ROWS:
            entry = table.get(dataset, {}).get(row)
            if entry is None:
                continue
            m, hq, kl, cov, cpu = (entry[x] for x in ("modes", "high_quality", "reverse_kl", "covered", "cpu_s"))
            lines.append(
                f"  {row:<10} {m[0]:5.1f} +- {m[1]:3.1f} | {100 * hq[0]:5.1f} +- {100 * hq[1]:3.1f} | "
                f"{kl[0]:5.2f} +- {kl[1]:4.2f} | {cov[0]:5.1f} | {len(entry['seeds']):3d} | {cpu[0]:6.1f}"
            )
        for name, entry in PUBLISHED[dataset].items():
            m, hq, kl = entry["modes"], entry["high_quality"], entry["reverse_kl"]
            lines.append(f"  {name + '*':<10} {m[0]:5.1f} +- {m[1]:3.1f} | {hq[0]:5.1f} +- {hq[1]:3.1f} | "
                         f"{kl[0]:5.2f} +- {kl[1]:4.2f} |       |  10 |")
    lines.append("* Lin et al. 2018 (PacGAN), Table 1: 10 trials, mean +- s.e., 400,000 steps each.")
    return "\n".join(lines)


_THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def machine():
    """Facts that decide the numerics (`benchmarks/machine.py`: CPU, instruction sets,
    oneDNN, versions) and the thread settings of this process."""
    return {**machine_facts(), "threads": {k: os.environ.get(k) for k in _THREAD_VARIABLES}}


def run_one(row, dataset, seed, num_samples, work_dir, extra=()):
    """Trains one run through `keras-gan train`'s parser and `train`; returns its record."""
    import argparse as _argparse

    import keras

    from keras_gan import metrics
    from keras_gan import training
    from keras_gan.data import toy_modes
    from trainers import train

    output_dir = os.path.join(work_dir, f"{dataset}-{row}-{seed}")
    argv = row_command(row, dataset, seed, output_dir, extra)
    parser = _argparse.ArgumentParser()
    train.add_arguments(parser)
    config = train.config_from_args(parser.parse_args(argv))
    keras.backend.clear_session()
    start = time.process_time()
    result = training.train(config)
    cpu = time.process_time() - start
    samples = result.gan.generate(num_samples, seed=10_000 + seed)
    modes, std = toy_modes(dataset)
    scores = metrics.pacgan_mode_metrics(samples, modes, std)
    steps = int(result.gan.g_optimizer.iterations.numpy())
    return {
        "dataset": dataset, "row": row, "seed": seed, "command": ["keras-gan", "train", *argv],
        "steps": steps, "cpu_s": round(cpu, 2),
        **{m: scores[m] for m in METRICS}, "counts": scores["counts"],
    }, samples


def save_png(samples_by_key, path):
    """One scatter per (data set, row): the first seed's samples over the modes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gan.data import toy_modes

    datasets = [d for d in DATASETS if any(k[0] == d for k in samples_by_key)]
    rows = [r for r in ROWS if any(k[1] == r for k in samples_by_key)]
    fig, axes = plt.subplots(len(datasets), len(rows), figsize=(2.2 * len(rows), 2.3 * len(datasets)),
                             squeeze=False, dpi=90)
    for i, dataset in enumerate(datasets):
        modes, _ = toy_modes(dataset)
        limit = 3.0 if dataset == "ring8" else 5.5
        for j, row in enumerate(rows):
            ax = axes[i][j]
            key = (dataset, row)
            if key in samples_by_key:
                seed, points = samples_by_key[key]
                ax.scatter(points[:, 0], points[:, 1], s=1, alpha=0.3, c="tab:blue")
                ax.set_title(f"{row} seed {seed}", fontsize=8)
            ax.scatter(modes[:, 0], modes[:, 1], s=6, c="tab:red", marker="x")
            ax.set_xlim(-limit, limit)
            ax.set_ylim(-limit, limit)
            ax.set_aspect("equal")
            ax.set_xticks([])
            ax.set_yticks([])
        axes[i][0].set_ylabel(dataset)
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, format="png")
    plt.close(fig)
    os.replace(tmp, path)


def _write_json_atomic(path, payload):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=1)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; results are for everyone to read
    os.replace(tmp, path)


def write_results(path, smoke, num_samples, runs):
    """Writes the JSON of `runs` (records of `run_one`) with their summary, atomically."""
    all_runs = sorted(runs, key=lambda r: (r["dataset"], ROWS.index(r["row"]), r["seed"]))
    _write_json_atomic(path, {
        "smoke": smoke, "samples_per_run": num_samples,
        "protocol": "PacGAN Table 1: modes (>= 1 sample within 3 std), high quality "
                    "(within 3 std of the nearest mode), reverse KL of the high-quality "
                    "nearest-mode histogram vs uniform",
        "published": PUBLISHED, "summary": summary(all_runs), "runs": all_runs,
    })


def merge(json_path, sources):
    """Adds the runs of `sources` (JSON files of chunks run in parallel, each with its own
    `--json`) to `json_path` (kept if it exists) and returns the merged summary.

    Refused: a smoke file, files of different sample counts, and a (data set, row, seed)
    measured twice with different results (the runs disagree; keeping one would hide it).
    """
    runs, samples = {}, set()
    for path in ([json_path] if os.path.exists(json_path) else []) + list(sources):
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        if report.get("smoke"):
            raise SystemExit(f"mode_collapse.py: error: --merge: {path} holds smoke results; "
                             "merge only full measurements.")
        samples.add(report["samples_per_run"])
        for run in report["runs"]:
            key = (run["dataset"], run["row"], run["seed"])
            if key in runs and [runs[key][m] for m in METRICS] != [run[m] for m in METRICS]:
                raise SystemExit(
                    f"mode_collapse.py: error: --merge: {key} has "
                    f"{dict((m, runs[key][m]) for m in METRICS)} in one file and "
                    f"{dict((m, run[m]) for m in METRICS)} in {path}; rerun it or drop one file.")
            runs[key] = run
    if len(samples) > 1:
        raise SystemExit(f"mode_collapse.py: error: --merge: the files score different "
                         f"numbers of samples per run ({sorted(samples)}).")
    write_results(json_path, False, samples.pop(), runs.values())
    return summary(list(runs.values()))


def _csv(value, allowed, flag):
    items = [item for item in value.split(",") if item]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        raise SystemExit(f"mode_collapse.py: error: {flag} takes a comma-separated subset of "
                         f"{','.join(allowed)}. Received: {flag} {value}")
    return items


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--rows", default=",".join(ROWS),
                        help="Comma-separated rows: variants and pacgan2/pacgan3/pacgan4.")
    parser.add_argument("--seeds", type=int, default=10, help="Seeds per row. Default: 10.")
    parser.add_argument("--first-seed", dest="first_seed", type=int, default=0)
    parser.add_argument("--samples", type=int, default=2500, help="Samples scored per run.")
    parser.add_argument("--smoke", action="store_true",
                        help="CI: 1 seed, 20 training steps, 200 samples; results not meaningful.")
    parser.add_argument("--json", default=os.path.join(BENCHMARKS_DIR, "results", "mode_collapse.json"))
    parser.add_argument("--png", default=os.path.join(BENCHMARKS_DIR, "results", "mode_collapse.png"))
    parser.add_argument("--work-dir", dest="work_dir", default=None,
                        help="Where the run directories go. Default: a temporary directory.")
    parser.add_argument("--merge", nargs="+", metavar="JSON",
                        help="Measure nothing: add these files' runs (seed chunks run in parallel "
                             "processes, each with its own --json) to --json and print the table.")
    args = parser.parse_args(argv)
    if args.merge:
        print(format_table(merge(args.json, args.merge)))
        return 0
    datasets = _csv(args.datasets, DATASETS, "--datasets")
    rows = _csv(args.rows, ROWS, "--rows")
    if args.seeds < 1 or args.samples < 1:
        raise SystemExit(f"mode_collapse.py: error: --seeds and --samples must be >= 1. "
                         f"Received: --seeds {args.seeds} --samples {args.samples}")
    seeds = range(args.first_seed, args.first_seed + (1 if args.smoke else args.seeds))
    num_samples = 200 if args.smoke else args.samples
    extra = ("--steps", "20") if args.smoke else ()

    previous = {"runs": []}
    if os.path.exists(args.json):
        with open(args.json, encoding="utf-8") as f:
            previous = json.load(f)
        if bool(previous.get("smoke")) != args.smoke:
            raise SystemExit(f"mode_collapse.py: error: {args.json} holds "
                             f"{'smoke' if previous.get('smoke') else 'full'} results; write "
                             "the other kind to another --json.")
    runs = {(r["dataset"], r["row"], r["seed"]): r for r in previous["runs"]}
    work = args.work_dir or tempfile.mkdtemp(prefix="mode-collapse-")
    samples_by_key = {}
    info = machine()
    for dataset in datasets:
        for row in rows:
            for seed in seeds:
                record, samples = run_one(row, dataset, seed, num_samples,
                                          os.path.join(work, f"{int(time.time() * 1e6)}"), extra)
                record["machine"] = info
                runs[(dataset, row, seed)] = record
                samples_by_key.setdefault((dataset, row), (seed, samples))
                print(f"{dataset} {row} seed {seed}: modes {record['modes']} covered "
                      f"{record['covered']} high quality {record['high_quality']:.3f} reverse KL "
                      f"{record['reverse_kl']:.3f} ({record['steps']} steps, {record['cpu_s']:.0f} "
                      "CPU-s)", flush=True)
                # Written after every run: an interrupted chunk keeps what it measured.
                write_results(args.json, args.smoke, num_samples, runs.values())
    table = summary(list(runs.values()))
    print(format_table(table))
    if args.png and samples_by_key:
        save_png(samples_by_key, args.png)
        print(f"Wrote {args.json} and {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
