"""Builds the variant gallery: trains every variant on `digits`, draws its sample grid,
evaluates it and writes `docs/gallery.md`; its 2-D mixtures section (ring8, grid25) quotes
the mode-collapse benchmark's results (`benchmarks/mode_collapse.py`: 10 seeds per row,
its figures), which owns that measurement, instead of training one seed again.

    python docs/gallery.py                      # everything (~1 h wall, ~100 CPU-min, 2 cores)
    python docs/gallery.py --variants gan,cgan  # some variants
    python docs/gallery.py --reuse              # keep finished runs, redo grids/metrics/page

Every run goes through the real command line, as a user would type it:
`keras-gan train --variant V --dataset digits --epochs E --output-dir RUNS/V` (run here as
`nice -n 5 python -m trainers.cli train ...`), then
`keras-gan evaluate --run-dir RUNS/V --extractor domain --metrics fid,is` (FID and IS
in the feature space of a small classifier trained on the digits train split, against the
359-image test split). The classifier is trained once and copied into every run directory,
so every row of the table is measured with the same extractor (its sha256 is on the page).

Grids: conditional variants (cgan, acgan) get one row per class and InfoGAN one row per
value of its categorical code (continuous codes at 0); the same noise is used down each
column. Other variants get 8x8 samples. EMA weights are used when the run has them.

Nothing is skipped silently: a failed step is reported with its log file, the remaining
variants are still run, and the script exits with status 1 at the end.
"""

import argparse
import datetime
import json
import math
import os
import resource
import shlex
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:  # `python docs/gallery.py` puts docs/ first on the path
    sys.path.insert(0, REPO)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

VARIANTS = ("gan", "dcgan", "wgan", "wgan_gp", "lsgan", "sngan", "cgan", "acgan", "infogan",
            "bigan", "sgan", "stylegan2")

# Training epochs on `digits` (1438 training images, 32x32; an epoch is
# 1438 // (batch_size * d_steps) generator steps): the budget each variant needs for
# recognizable digits, at most BUDGET_CPU_MINUTES training CPU-minutes on a 2-core CPU.
# Probes on 2026-12-03 (quiet AVX-512 machine, 2 cores, shared classifier of that day,
# real-data floor FID 4.81): wgan_gp 150 epochs (600 G steps, 3.5 min wall) FID 19.6
# (4.1x the floor); sngan 30 epochs (660 steps, 2.1 min) FID 50.3 (10x). The 2026-11-25
# page's budgets (gan 50, dcgan 25, wgan 50, wgan_gp 20, lsgan 25, sngan 8, cgan 25,
# acgan 40, infogan 20, bigan 20, sgan 10, stylegan2 8) left wgan, wgan_gp and sngan at
# noise or stripes (FID 140-220x the floor).
DIGITS_EPOCHS = {
    "gan": 1000,      # recipe: 50 (MLPs 2 x 512; 200 epochs: 18.6x the floor, 2.3 CPU-min)
    "dcgan": 100,     # recipe: 50 (50 epochs: 5.5x, 2.2 CPU-min)
    # WGAN at the paper's RMSprop 5e-5 and c = 0.01 learns slowly: 250 epochs (1,000 G
    # steps, 6.2 CPU-min) drew noise, FID 95x the floor. 1,100 epochs = 4,400 G steps is
    # what fits in the budget; its FID curve (--metrics-every) shows where it stands.
    "wgan": 1100,     # recipe: 200
    "wgan_gp": 300,   # recipe: 200 (~1.3 s/epoch: 4 G steps, double backprop)
    "lsgan": 50,      # recipe default (~4 s/epoch)
    "sngan": 100,     # recipe: 50 (~3.9 s/epoch)
    "cgan": 50,       # recipe default (~4.5 s/epoch)
    "acgan": 100,     # recipe: 50 (50 epochs: 3.6x, label accuracy 95.3%: too close to 95%)
    "infogan": 50,    # recipe default (~5 s/epoch)
    "bigan": 50,      # recipe default (~5 s/epoch)
    "sgan": 100,      # recipe: 50 (10 labels per class; 50 epochs: 5.5x, 4.3 CPU-min)
    "stylegan2": 60,  # recipe: 30, at 16x16 (30 epochs: 4.99x, 4.8 CPU-min; 60: 5.8x, 9.6
                      # CPU-min: one seed each, not monotone; 32x32 costs ~28 s/epoch)
}
# Extra `keras-gan train` flags per variant.
# gan and wgan also record their FID curve (`--metrics-every`, linked from the page).
DIGITS_EXTRA_FLAGS = {"stylegan2": ["--image-size", 16], "gan": ["--metrics-every", 100],
                      "wgan": ["--metrics-every", 100]}

GRID_COLUMNS = 8
# Metrics of every row, and of the rows whose generator takes a label (cgan, acgan): the
# label accuracy (share of samples the classifier assigns to the label they were drawn for).
METRICS = "fid,is"
CONDITIONAL_METRICS = "fid,is,acc"
# Where each metric's value is in metrics.json.
METRIC_KEYS = {"fid": "fid", "is": "is", "acc": "label_accuracy"}
# The goals of the gallery (issue: every variant draws good digits): FID at most 5x the
# real-data floor of its image size; conditional variants >= 95% label accuracy; at most
# 30 training CPU-minutes per variant.
GOAL_FID_RATIO = 5.0
GOAL_LABEL_ACCURACY = 0.95
BUDGET_CPU_MINUTES = 30
# The mode-collapse benchmark's results and figures, quoted by the 2-D mixtures section.
MODE_COLLAPSE_JSON = os.path.join(REPO, "benchmarks", "results", "mode_collapse.json")
MODE_COLLAPSE_FIGURES = {
    "ring8": os.path.join(REPO, "benchmarks", "results", "mode_collapse.png"),
    "grid25": os.path.join(REPO, "benchmarks", "results", "mode_collapse_grid25.png"),
}
# Errors that a file being edited at that moment can cause: such a run is retried once.
TRANSIENT_ERRORS = ("SyntaxError", "IndentationError", "ImportError", "ModuleNotFoundError")
RETRY_WAIT_SECONDS = 60


class StepFailed(RuntimeError):
    """A command of the gallery failed; the message names it and its log file."""


# ----------------------------------------------------------------------- commands


def cli_command(*args):
    """`python -m trainers.cli ARGS` with this interpreter, at lower priority."""
    command = [sys.executable, "-m", "trainers.cli", *map(str, args)]
    return (["nice", "-n", "5"] if shutil.which("nice") else []) + command


def shown_command(args):
    """The command as a user types it (`keras-gan ...`, paths relative to the repo)."""
    shown = []
    for arg in map(str, args):
        if os.path.isabs(arg) and arg.startswith(REPO + os.sep):
            arg = os.path.relpath(arg, REPO)
        shown.append(arg)
    return "keras-gan " + shlex.join(shown)


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_logged(command, log_path, retry_wait=RETRY_WAIT_SECONDS):
    """Runs `command` in the repository, output to `log_path`; retries once, after
    `retry_wait` seconds, when it failed with an import or syntax error (a file being
    edited at that moment). Returns `(wall seconds, CPU seconds)` of the successful
    attempt (CPU: user + system time of the command, all its threads).

    Raises:
        StepFailed: the command exited non-zero (twice for a transient error).
    """
    for attempt in (1, 2):
        start, cpu_start = time.perf_counter(), _children_cpu_seconds()
        with open(log_path, "w", encoding="utf-8") as log:
            log.write("$ " + shlex.join(command) + "\n")
            log.flush()
            code = subprocess.call(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - start
        if code == 0:
            return seconds, _children_cpu_seconds() - cpu_start
        with open(log_path, encoding="utf-8", errors="replace") as log:
            text = log.read()
        transient = any(name in text for name in TRANSIENT_ERRORS)
        tail = "\n".join(text.strip().splitlines()[-5:])
        if attempt == 1 and transient:
            print(f"  exit {code} with an import/syntax error; retrying once in "
                  f"{retry_wait} s. Last lines:\n{tail}", flush=True)
            time.sleep(retry_wait)
            continue
        raise StepFailed(
            f"`{shlex.join(command[-8:])}` exited with {code} (log: {log_path}):\n{tail}")
    raise AssertionError("unreachable")


def train_run(variant, dataset, run_dir, extra_args, reuse):
    """Trains `variant` into `run_dir` through `keras-gan train`. Returns a record dict."""
    args = ["train", "--variant", variant, "--dataset", dataset, *extra_args,
            "--output-dir", run_dir]
    record_path = os.path.join(run_dir, "gallery.json")
    shown = shown_command(args)
    from keras_gan import runs

    run = runs.RunDirectory(run_dir)
    finished = os.path.isfile(record_path) and os.path.isfile(run.facts_path)
    if reuse and finished:
        with open(record_path, encoding="utf-8") as f:
            record = json.load(f)
        if record.get("command") == shown:
            print(f"  reusing the finished run in {run_dir}", flush=True)
            return record
        print(f"  {run_dir} was trained with another command; training again", flush=True)
    if os.path.exists(run_dir):
        shutil.rmtree(run_dir)  # a fresh run (train refuses a directory holding one)
    log_dir = os.path.join(os.path.dirname(run_dir), "logs")
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, f"{os.path.basename(run_dir)}-train.log")
    print(f"  $ {shown}", flush=True)
    seconds, cpu_seconds = run_logged(cli_command(*args, "--verbose", "2"), log_path)
    facts, config = run.read_facts(), run.read_config()
    record = {"variant": variant, "dataset": dataset, "command": shown,
              "epochs": config.get("epochs"), "steps": facts.get("step"),
              "train_seconds": round(seconds, 1), "train_cpu_seconds": round(cpu_seconds, 1),
              "log": log_path,
              "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(
                  timespec="seconds")}
    with open(record_path, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
    print(f"  trained in {seconds / 60:.1f} min, {cpu_seconds / 60:.1f} CPU-min "
          f"({record['steps']} steps)", flush=True)
    return record


def _reusable_report(run_dir, num_samples, classifier_sha256, metrics):
    """The run's metrics.json if it measured the current generator with this protocol."""
    from keras_gan import runs
    from keras_gan.metrics.extractors import file_sha256

    path = runs.RunDirectory(run_dir).metrics_report
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    protocol = report.get("protocol", {})
    generator = os.path.join(run_dir, protocol.get("generator", runs.GENERATOR_FILE))
    fits = (protocol.get("num_fake") == num_samples
            and all(METRIC_KEYS[name] in report.get("metrics", {}) for name in metrics.split(","))
            and protocol.get("extractor", {}).get("weights_sha256") == classifier_sha256
            and os.path.isfile(generator)
            and protocol.get("generator_sha256") == file_sha256(generator))
    return report if fits else None


def evaluate_run(run_dir, classifier_dir, num_samples, domain_epochs, reuse=False,
                 classifier_sha256=None, metrics="fid,is"):
    """`keras-gan evaluate --extractor domain --metrics METRICS` with the shared classifier
    copied in first (with `reuse`, an existing report of the same generator and protocol
    is kept). Returns (metrics dict, extractor protocol dict, shown command)."""
    from keras_gan import runs
    from keras_gan.metrics.extractors import DOMAIN_INFO_FILE, DOMAIN_MODEL_FILE

    args = ["evaluate", "--run-dir", run_dir, "--extractor", "domain", "--metrics", metrics,
            "--num-samples", num_samples, "--domain-epochs", domain_epochs, "--no-progress"]
    report = (_reusable_report(run_dir, num_samples, classifier_sha256, metrics)
              if reuse else None)
    if report is not None:
        print(f"  reusing {runs.RunDirectory(run_dir).metrics_report}", flush=True)
        return report["metrics"], report["protocol"].get("extractor", {}), shown_command(args)
    for name in (DOMAIN_MODEL_FILE, DOMAIN_INFO_FILE):
        shutil.copy2(os.path.join(classifier_dir, name), os.path.join(run_dir, name))
    log_path = os.path.join(os.path.dirname(run_dir), "logs",
                            f"{os.path.basename(run_dir)}-evaluate.log")
    run_logged(cli_command(*args), log_path)
    with open(runs.RunDirectory(run_dir).metrics_report, encoding="utf-8") as f:
        report = json.load(f)
    return report["metrics"], report["protocol"].get("extractor", {}), shown_command(args)


# -------------------------------------------------------------------------- grids


def load_generator(run_dir):
    """(generator, facts) of a run: the EMA generator when there is one (as evaluate)."""
    from keras_gan import runs

    generator, facts, _ = runs.load_generator(run_dir)
    return generator, facts


def grid_inputs(facts, seed=0):
    """(generator inputs, number of rows, row meaning) of a variant's gallery grid: the
    layout of `keras-gan sample` (`keras_gan.visualize.grid_layout`), 8 columns."""
    from keras_gan import visualize

    layout = visualize.grid_layout(facts, GRID_COLUMNS * GRID_COLUMNS, seed=seed,
                                   columns=GRID_COLUMNS)
    return layout.inputs, layout.num_rows, layout.meaning


def write_grid(run_dir, path, seed=0):
    """Writes the gallery grid of a run to `path`. Returns (rows, columns, row meaning)."""
    import numpy as np

    from keras_gan import visualize

    from keras_gan import sampling

    generator, facts = load_generator(run_dir)
    inputs, rows, meaning = grid_inputs(facts, seed)
    images = np.asarray(sampling.generate(generator, inputs))
    visualize.save_image_grid(images, path, num_rows=rows)
    return rows, len(images) // rows, meaning


def write_fid_curve(run_dir, path, floor_fid, variant):
    """FID vs training CPU-minutes of a run trained with `--metrics-every` (its
    metrics.csv, `keras_gan.metrics.MetricsCallback`'s rows), as a PNG at `path`, with the
    gallery's goal (GOAL_FID_RATIO x `floor_fid`) drawn. Returns the points
    `[(cpu_minutes, fid)]`, or None when the run has no such curve (nothing written)."""
    from keras_gan import runs

    minutes, fids = runs.RunDirectory(run_dir).read_cpu_curve("fid")
    if not minutes:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = list(zip(minutes, fids))
    figure, axis = plt.subplots(figsize=(4.2, 3.0), dpi=100)
    axis.plot(*zip(*points), marker="o", label=variant)
    axis.axhline(GOAL_FID_RATIO * floor_fid, color="tab:green", linestyle="--",
                 label=f"goal: {GOAL_FID_RATIO:g}x the real-data floor")
    axis.set_yscale("log")
    axis.set_xlabel("training CPU-minutes")
    axis.set_ylabel("FID (domain, vs training images)")
    axis.set_title(f"{variant} on digits", fontsize=10)
    axis.grid(alpha=0.3, which="both")
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)
    return points


# ------------------------------------------------------------------- real floor


def shared_classifier(directory, image_size, epochs, seed=0):
    """Trains (or reuses) the domain classifier every row is evaluated with, and measures
    the real-data floor: FID of the train split against the test split, IS of the test
    split. Returns (extractor protocol, floor dict)."""
    import numpy as np

    from keras_gan import data
    from keras_gan.metrics import frechet_distance, inception_score
    from keras_gan.metrics.extractors import load_or_train_domain_classifier

    extractor = load_or_train_domain_classifier(directory, "digits", image_size=image_size,
                                                epochs=epochs, seed=seed)
    train = data.load_arrays("digits", image_size=image_size, split="train")
    test = data.load_arrays("digits", image_size=image_size, split="test")

    def outputs(images):
        parts = [extractor(images[i:i + 256]) for i in range(0, len(images), 256)]
        return {key: np.concatenate([np.asarray(p[key]) for p in parts]) for key in parts[0]}

    real_test, real_train = outputs(test.images), outputs(train.images)
    floor = {"fid": float(frechet_distance(real_test["features"], real_train["features"])),
             "is": float(inception_score(real_test["probabilities"])[0]),
             "num_train": len(train.images), "num_test": len(test.images)}
    return extractor.protocol, floor


# ----------------------------------------------------------------------- the page


def _number(value, digits):
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def mixture_lines(link, json_path=MODE_COLLAPSE_JSON, figures=MODE_COLLAPSE_FIGURES):
    """The page's 2-D mixtures section: per data set, the mode-collapse benchmark's figure
    (seed 0 of each row) and its table (mean +- standard error over the seeds it ran);
    `link(path)` makes a path relative to the page."""
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)
    lines = [
        "## 2-D mixtures (ring8, grid25)",
        "",
        "The variants whose generator takes no label on `ring8` (8 Gaussians on a circle, "
        "std / radius 0.01) and `grid25` (25 on a 5 x 5 grid, std 0.05), each run "
        "`keras-gan train --variant VARIANT --dataset DATA --seed S` with the recipe's "
        "defaults (pacgan2/3/4: the gan recipe with `--option pack=m`), as measured by "
        "`python benchmarks/mode_collapse.py` (PacGAN's protocol; "
        "[benchmarks/README.md](" + link(os.path.join(REPO, "benchmarks", "README.md"))
        + "#mode-collapse) has the published rows, the machines and the reading). Modes: "
        "at least one of 2,500 samples within 3 std; high quality: samples within 3 std "
        "of their nearest mode; reverse KL of their nearest-mode histogram against the "
        "uniform mixture. Figures: seed 0 of each row.",
        "",
    ]
    order = ("ring8", "grid25")
    for dataset in sorted(report["summary"], key=lambda d: order.index(d) if d in order else len(order)):
        entries = report["summary"][dataset]
        steps, machines = {}, {}
        for run in report["runs"]:
            if run["dataset"] == dataset:
                steps.setdefault(run["row"], set()).add(run["steps"])
                machines.setdefault(run["row"], set()).add(_vector_unit(run.get("machine", {})))
        lines.append(f"### {dataset}")
        lines.append("")
        if dataset in figures and os.path.exists(figures[dataset]):
            lines += [f"![{dataset}]({link(figures[dataset])})", ""]
        lines += ["| row | seeds | steps | modes | high quality | reverse KL | CPU-s / seed | machine |",
                  "|---|---|---|---|---|---|---|---|"]
        for row, entry in entries.items():
            (m, m_se), (hq, hq_se), (kl, kl_se) = (entry[k] for k in ("modes", "high_quality", "reverse_kl"))
            shown_steps = "/".join(f"{n:,}" for n in sorted(steps.get(row, ())))
            lines.append(f"| {row} | {len(entry['seeds'])} | {shown_steps} | {m:.1f} +- {m_se:.1f} | "
                         f"{100 * hq:.1f} +- {100 * hq_se:.1f}% | {kl:.3f} +- {kl_se:.3f} | "
                         f"{entry['cpu_s'][0]:.0f} | {', '.join(sorted(machines.get(row, ())))} |")
        lines.append("")
    return lines


def meets_goal(row):
    """Whether a digits row reaches the gallery's goal (FID ratio, label accuracy, budget)."""
    accuracy = row.get("label_accuracy")
    return (row.get("fid_ratio") is not None and row["fid_ratio"] <= GOAL_FID_RATIO
            and (accuracy is None or accuracy >= GOAL_LABEL_ACCURACY)
            and row.get("train_cpu_seconds", math.inf) <= 60 * BUDGET_CPU_MINUTES)


def machine_line():
    """"CPU model (AVX-512), N cores" of this machine, for the page's footer."""
    sys.path.insert(0, os.path.join(REPO, "benchmarks"))
    try:
        import machine
    finally:
        sys.path.pop(0)
    facts = machine.machine_facts()
    return (f"{facts.get('cpu') or 'an unknown CPU'} ({_vector_unit(facts)}), "
            f"{facts.get('cpu_count', '?')} cores")


def _vector_unit(machine):
    """"AVX-512" or "AVX2" from a benchmark run's machine facts (either format it has
    written: `instruction_sets` of benchmarks/machine.py, or the older `cpu_flags`)."""
    sets = machine.get("instruction_sets") or {}
    flags = machine.get("cpu_flags") or []
    if sets.get("AVX-512F") or "avx512f" in flags:
        return "AVX-512"
    return "AVX2" if sets.get("AVX2") or "avx2" in flags else "unknown"


def write_page(path, rows, mixtures, floors, protocols, args):
    """Writes gallery.md: how it was made, the digits table and (with `mixtures`, the
    mode-collapse benchmark's JSON path) the 2-D mixtures section. `floors` and
    `protocols` map an image size to its real-data floor and extractor protocol."""
    from keras_gan import recipes

    page_dir = os.path.dirname(os.path.abspath(path))

    def link(file):
        return os.path.relpath(os.path.abspath(file), page_dir).replace(os.sep, "/")

    extractors = "; ".join(
        f"{size}x{size}: test accuracy {protocols[size].get('test_accuracy', float('nan')):.3f}, "
        f"sha256 `{str(protocols[size].get('weights_sha256'))[:12]}`" for size in floors)
    lines = [
        "# Variant gallery",
        "",
        "Every variant trained on the bundled `digits` data set (scikit-learn's 8x8 digits "
        "upsampled to 32x32, 1438 training images) with the recipe's defaults except the "
        "number of epochs: the budget each variant needs, at most "
        f"{BUDGET_CPU_MINUTES} training CPU-minutes. Made by one command:",
        "",
        "```",
        "python docs/gallery.py",
        "```",
        "",
        "which runs, for each variant, the `keras-gan train` command shown in the table and "
        f"`keras-gan evaluate --run-dir RUNS/VARIANT --extractor domain --metrics {METRICS} "
        f"--num-samples {args.eval_samples}` (`{CONDITIONAL_METRICS}` for the variants "
        "whose generator takes a label). FID and IS are computed in the feature space "
        "of a small digit classifier trained on the train split, one per image size and the "
        f"same for every row of that size ({extractors}), against the "
        f"{next(iter(floors.values()), {}).get('num_test', 359)}-image test split; IS is at "
        "most 10 here; label accuracy: the share of samples the same classifier assigns to "
        "the label they were generated for (its own test accuracy is the ceiling). "
        "These numbers compare variants under one protocol; they are not comparable to "
        "Inception-based FID/IS in papers. Every generator is fed its training prior "
        "(InfoGAN its categorical and continuous codes, StyleGAN2 random noise inputs). "
        "CPU-minutes are user + system time of the `keras-gan train` process (both cores "
        "count), including TensorFlow's start-up; the epochs are far fewer than the papers' "
        "(see `DIGITS_EPOCHS` in `docs/gallery.py`). Goal: FID at most "
        f"{GOAL_FID_RATIO:g}x the real-data floor of the image size, label accuracy at least "
        f"{100 * GOAL_LABEL_ACCURACY:.0f}%, within {BUDGET_CPU_MINUTES} CPU-minutes.",
        "",
        "| variant | paper | command | epochs (steps) | train CPU-min | FID ↓ | FID / floor "
        "| IS ↑ | label accuracy | goal | samples |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, floor in floors.items():
        name = "real data" if len(floors) == 1 or size == 32 else f"real data ({size}x{size})"
        lines.append(f"| {name} | – | the {floor['num_train']} training images | – | – | "
                     f"{_number(floor['fid'], 2)} | 1.00 | {_number(floor['is'], 2)} | – | – "
                     "| – |")
    for row in rows:
        paper = recipes.get(row["variant"]).paper.replace("|", "/")
        if row.get("error"):
            lines.append(f"| {row['variant']} | {paper} | `{row.get('command', '')}` | "
                         f"{row.get('epochs', '–')} | – | – | – | – | – | – | "
                         f"**failed**: {row['error_line']} |")
            continue
        image = f"![{row['variant']}]({link(row['image'])})"
        size = row.get("image_size", 32)
        size_note = "" if size == 32 else f", {size}x{size}"
        accuracy = row.get("label_accuracy")
        lines.append(
            f"| {row['variant']} | {paper} | `{row['command']}` | {row['epochs']} "
            f"({row['steps']}) | {_number(row['train_cpu_seconds'] / 60, 1)} | "
            f"{_number(row['fid'], 2)} | {_number(row['fid_ratio'], 2)} | "
            f"{_number(row['is'], 2)} | "
            f"{'–' if accuracy is None else f'{100 * accuracy:.1f}%'} | "
            f"{'met' if meets_goal(row) else '**not met**'} | {image}<br>{row['grid']}{size_note}"
            + (f"<br>[FID vs CPU-minutes]({link(row['curve'])})" if row.get("curve") else "")
            + " |")
    lines += [
        "",
        "Grids: 8 columns. cgan and acgan show one row per class (0 to 9 from the top), "
        "infogan one row per value of its categorical code (continuous codes at 0), with "
        "the same noise down each column; the others show 64 random samples. EMA weights "
        "are used where the recipe keeps them (stylegan2). Rows trained with "
        "`--metrics-every N` link their FID vs training CPU-minutes curve "
        "(`MetricsCallback`: 1,000 samples against the training images every N epochs, "
        "so higher than the table's FID of 2,000 samples against the test split).",
        "",
    ]
    if mixtures:
        lines += mixture_lines(link, mixtures)
    trained = [row for row in rows if "train_seconds" in row]
    lines.append(f"Generated {datetime.date.today().isoformat()} on {machine_line()}; training "
                 f"summed over the {len(trained)} runs: "
                 f"{sum(row['train_cpu_seconds'] for row in trained) / 60:.0f} CPU-minutes, "
                 f"{sum(row['train_seconds'] for row in trained) / 60:.0f} minutes wall.")
    os.makedirs(page_dir, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


# ------------------------------------------------------------------------ main


def image_size(variant):
    """Side of the digits images `variant` trains on in the gallery (32 unless a flag says)."""
    flags = [str(flag) for flag in DIGITS_EXTRA_FLAGS.get(variant, [])]
    return int(flags[flags.index("--image-size") + 1]) if "--image-size" in flags else 32


def parse_variants(text, allowed):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown or not names:
        raise ValueError(f"`--variants` must be a comma-separated subset of {list(allowed)}. "
                         f"Received: --variants {text!r}")
    return list(dict.fromkeys(names))


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="Comma-separated variants. Default: all.")
    parser.add_argument("--output-dir", default=os.path.join(REPO, "docs", "images", "variants"),
                        help="Where the PNG grids go. Default: docs/images/variants")
    parser.add_argument("--runs-dir", default=os.path.join(REPO, "runs", "gallery"),
                        help="Run directories (RUNS/VARIANT) and logs. "
                             "Default: runs/gallery")
    parser.add_argument("--gallery-md", default=os.path.join(REPO, "docs", "gallery.md"),
                        help="The page written. Default: docs/gallery.md")
    parser.add_argument("--epochs-override", type=int, default=None, metavar="N",
                        help="Train every run for N epochs instead of the "
                             "gallery's choice (quick checks).")
    parser.add_argument("--mode-collapse-json", default=MODE_COLLAPSE_JSON,
                        help="The mode-collapse benchmark's results quoted in the 2-D mixtures "
                             "section. Default: benchmarks/results/mode_collapse.json")
    parser.add_argument("--no-ring", dest="ring", action="store_false",
                        help="Leave out the 2-D mixtures section.")
    parser.add_argument("--eval-samples", type=int, default=2000,
                        help="Generated images per evaluation. Default: %(default)s")
    parser.add_argument("--domain-epochs", type=int, default=10,
                        help="Epochs of the shared domain classifier. Default: %(default)s")
    parser.add_argument("--reuse", action="store_true",
                        help="Keep runs already trained with the same command (grids, metrics "
                             "and the page are redone).")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        variants = parse_variants(args.variants, VARIANTS)
    except ValueError as e:
        print(f"gallery: error: {e}", file=sys.stderr)
        return 2
    for name in ("epochs_override", "eval_samples", "domain_epochs"):
        value = getattr(args, name)
        if value is not None and value < 1:
            print(f"gallery: error: `--{name.replace('_', '-')}` must be a positive integer. "
                  f"Received: {value}", file=sys.stderr)
            return 2
    runs_dir, output_dir = os.path.abspath(args.runs_dir), os.path.abspath(args.output_dir)
    os.makedirs(runs_dir, exist_ok=True)
    os.makedirs(output_dir, exist_ok=True)
    started = time.perf_counter()
    failures = []

    # One classifier (and real-data floor) per image size, shared by every run of that size.
    sizes = sorted({image_size(variant) for variant in variants}, reverse=True)
    classifiers, protocols, floors = {}, {}, {}
    for size in sizes:
        print(f"== shared domain classifier and real-data floor at {size}x{size}", flush=True)
        classifiers[size] = os.path.join(runs_dir, f"domain-classifier-{size}")
        protocols[size], floors[size] = shared_classifier(classifiers[size], size,
                                                          args.domain_epochs)
        print(f"  test accuracy {protocols[size].get('test_accuracy'):.3f}; real FID "
              f"{floors[size]['fid']:.2f}, IS {floors[size]['is']:.2f}", flush=True)

    from keras_gan import runs

    rows = []
    for variant in variants:
        print(f"== {variant} on digits", flush=True)
        epochs = args.epochs_override or DIGITS_EPOCHS[variant]
        extra = ["--epochs", epochs, *DIGITS_EXTRA_FLAGS.get(variant, [])]
        run_dir = os.path.join(runs_dir, variant)
        row = {"variant": variant, "epochs": epochs,
               "command": shown_command(["train", "--variant", variant, "--dataset", "digits",
                                         *extra, "--output-dir", run_dir])}
        try:
            row.update(train_run(variant, "digits", run_dir, extra, args.reuse))
            image = os.path.join(output_dir, f"{variant}.png")
            num_rows, num_columns, meaning = write_grid(run_dir, image)
            row.update(image=image, grid=f"{num_rows}x{num_columns}, {meaning}")
            size = image_size(variant)
            row["image_size"] = size
            curve = os.path.join(output_dir, f"{variant}-fid-curve.png")
            points = write_fid_curve(run_dir, curve, floors[size]["fid"], variant)
            if points:
                row.update(curve=curve, curve_points=points)
            conditional = bool(runs.RunDirectory(run_dir).read_facts().get("num_classes"))
            metrics, extractor, _ = evaluate_run(
                run_dir, classifiers[size], args.eval_samples, args.domain_epochs, args.reuse,
                protocols[size].get("weights_sha256"),
                CONDITIONAL_METRICS if conditional else METRICS)
            if extractor.get("weights_sha256") != protocols[size].get("weights_sha256"):
                raise StepFailed(f"{variant} was evaluated with another classifier "
                                 f"({extractor.get('weights_sha256')})")
            row.update(fid=metrics["fid"], fid_ratio=metrics["fid"] / floors[size]["fid"],
                       **{"is": metrics["is"]})
            if "label_accuracy" in metrics:
                row["label_accuracy"] = metrics["label_accuracy"]
            print(f"  FID {row['fid']:.2f} ({row['fid_ratio']:.1f}x the floor)  IS "
                  f"{row['is']:.2f}" + (f"  label accuracy {row['label_accuracy']:.3f}"
                                        if "label_accuracy" in row else ""), flush=True)
        except Exception as e:  # noqa: BLE001  (reported, counted, and the others still run)
            message = str(e) or type(e).__name__
            print(f"  FAILED: {message}", flush=True)
            failures.append(f"{variant} (digits): {message}")
            row.update(error=message, error_line=message.splitlines()[0][:120].replace("|", "/"))
        rows.append(row)
        # The page so far (a long run interrupted later still leaves its table).
        write_page(args.gallery_md, rows, None, floors, protocols, args)

    mixtures = args.mode_collapse_json if args.ring else None
    if mixtures and not os.path.exists(mixtures):
        print(f"  no 2-D mixtures section: {mixtures} does not exist (run "
              "benchmarks/mode_collapse.py)", flush=True)
        mixtures = None

    total = time.perf_counter() - started
    if rows:
        write_page(args.gallery_md, rows, mixtures, floors, protocols, args)
    with open(os.path.join(runs_dir, "gallery-summary.json"), "w", encoding="utf-8") as f:
        json.dump({"digits": rows, "mode_collapse_json": mixtures, "floor": floors, "extractor": protocols,
                   "total_seconds": round(total, 1), "failures": failures}, f, indent=2,
                  default=str)
    print(f"Wrote {args.gallery_md} ({total / 60:.1f} min)")
    if failures:
        print(f"{len(failures)} step(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
